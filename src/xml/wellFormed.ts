/**
 * A strict, single-pass scanner (XML 1.0 5th ed. + Namespaces 1.0) that checks
 * well-formedness and builds the raw tree as it goes: elements with their
 * qualified names and attributes in document order, text and CDATA runs
 * (undecoded text; comments and processing instructions dropped). parse.ts then
 * resolves names to namespaces and decodes references. It refuses what a server
 * facing hostile input must (raw control characters, '<' in attribute values,
 * ']]>' in text, '--' in comments, misplaced XML declarations, text after a
 * self-closing root…).
 *
 * Markup declarations (DOCTYPE, ENTITY, …) are refused outright: a SOAP message
 * must not carry a DTD (SOAP 1.2 Part 1 §5).
 */
import { XmlSyntaxError } from './parse-error';

export interface WellFormedLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
}

/** A CDATA section's content, kept apart from text (which still holds its references). */
export interface RawCData {
  readonly cdata: string;
}

export interface RawElement {
  readonly qname: string;
  /** Attributes as written: [qualified name, raw value], in document order. */
  readonly attrs: Array<[string, string]>;
  /** Text runs (raw: references not yet decoded), CDATA sections and elements, in document order. */
  readonly children: Array<RawElement | RawCData | string>;
}

// XML 1.0 Char, negated: C0 controls other than TAB/LF/CR, U+FFFE/U+FFFF, lone surrogates.
// eslint-disable-next-line no-control-regex
const ILLEGAL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// XML Name (NameStartChar NameChar*), restricted to at most one colon, not at
// either end (Namespaces 1.0 §3: a QName).
// ZWNJ/ZWJ (U+200C, U+200D) and combining marks are name characters too; they are
// matched outside the main character classes, where they cannot join with their neighbours.
const NAME_START = 'A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u203F-\\u2040`;
// Combining marks (U+0300–U+036F) are name characters but not name starts.
const JOINERS = '\\u200C|\\u200D';
const COMBINING = '[\\u0300-\\u036F]';
const NCNAME = `(?:[${NAME_START}]|${JOINERS})(?:[${NAME_CHAR}]|${JOINERS}|${COMBINING})*`;
const QNAME_AT = new RegExp(`(${NCNAME}(?::${NCNAME})?)`, 'y');
const WS_AT = /[ \t\r\n]*/y;
const REFERENCE = /^&(?:[A-Za-z_][A-Za-z0-9._-]*|#[0-9]+|#x[0-9A-Fa-f]+);/;

/** A start character of an ASCII NCName: A-Z, a-z, '_'. */
function asciiNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

/** An ASCII NCName character: a start character, a digit, '-' or '.'. */
function asciiNameChar(c: number): boolean {
  return asciiNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

/**
 * The end of an all-ASCII QName (one colon at most, not at either end) starting
 * at `at`, when what follows it is plainly no name character (ASCII, not ':');
 * else `at`, and the caller takes the full Unicode regex. Names in SOAP are
 * almost always ASCII; this spares the regex for them.
 */
function asciiQName(s: string, at: number): number {
  let i = at;
  if (!asciiNameStart(s.charCodeAt(i))) return at;
  i++;
  let colon = false;
  for (;;) {
    const c = s.charCodeAt(i);
    if (asciiNameChar(c)) {
      i++;
    } else if (c === 0x3a && !colon && asciiNameStart(s.charCodeAt(i + 1))) {
      colon = true;
      i += 2;
    } else if (c < 0x80 && c !== 0x3a) {
      return i;
    } else {
      return at; // a non-ASCII character, a second colon or a colon at the end: the slow path decides
    }
  }
}

const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

class Scanner {
  pos = 0;

  constructor(readonly s: string) {}

  fail(message: string, at = this.pos): never {
    const before = this.s.slice(0, at);
    const line = (before.match(/\n/g)?.length ?? 0) + 1;
    const column = at - before.lastIndexOf('\n');
    throw new XmlSyntaxError(`${message} (line ${line}, column ${column})`);
  }

  startsWith(t: string): boolean {
    return this.s.startsWith(t, this.pos);
  }

  skipWs(): boolean {
    const c = this.s.charCodeAt(this.pos);
    // The common case, no white space at all, without touching the regex.
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
    WS_AT.lastIndex = this.pos;
    WS_AT.exec(this.s);
    const moved = WS_AT.lastIndex !== this.pos;
    this.pos = WS_AT.lastIndex;
    return moved;
  }

  name(what: string): string {
    const ascii = asciiQName(this.s, this.pos);
    if (ascii > this.pos) {
      const n = this.s.slice(this.pos, ascii);
      this.pos = ascii;
      return n;
    }
    QNAME_AT.lastIndex = this.pos;
    const m = QNAME_AT.exec(this.s);
    if (!m) this.fail(`expected ${what}`);
    const n = m[1] as string;
    const next = this.s[this.pos + n.length];
    if (next === ':') this.fail(`${what} '${n}:…' is not a qualified name (one colon at most, between a prefix and a local name)`);
    this.pos += n.length;
    return n;
  }

  /** Checks `&…;` references in a run of character data or an attribute value. */
  references(text: string, offset: number): void {
    let i = text.indexOf('&');
    while (i !== -1) {
      if (!REFERENCE.test(text.slice(i, i + 40))) this.fail("'&' that does not start a character or entity reference", offset + i);
      i = text.indexOf('&', i + 1);
    }
  }

  comment(): void {
    const start = this.pos;
    this.pos += 4;
    const end = this.s.indexOf('--', this.pos);
    if (end === -1) this.fail('unterminated comment', start);
    if (this.s[end + 2] !== '>') this.fail("'--' inside a comment", end);
    this.pos = end + 3;
  }

  processingInstruction(): void {
    const start = this.pos;
    this.pos += 2;
    const target = this.name('a processing instruction target');
    if (target.toLowerCase() === 'xml') this.fail('an XML declaration is allowed only at the very start of the document', start);
    const end = this.s.indexOf('?>', this.pos);
    if (end === -1) this.fail('unterminated processing instruction', start);
    if (end !== this.pos && !isWs(this.s[this.pos])) this.fail('expected white space after the processing instruction target');
    this.pos = end + 2;
  }

  xmlDeclaration(): void {
    const end = this.s.indexOf('?>');
    if (end === -1) this.fail('unterminated XML declaration');
    const decl = this.s.slice(0, end + 2);
    const ok = /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1([ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?([ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(yes|no)\5)?[ \t\r\n]*\?>$/.test(decl);
    if (!ok) this.fail('malformed XML declaration');
    this.pos = end + 2;
  }

  /** Comments, PIs and white space outside the root element. */
  misc(): void {
    for (;;) {
      this.skipWs();
      if (this.startsWith('<!--')) this.comment();
      else if (this.startsWith('<?')) this.processingInstruction();
      else if (this.startsWith('<!')) this.fail(`${declarationName(this.s, this.pos)} declarations are not allowed in a SOAP message`);
      else return;
    }
  }
}

function declarationName(s: string, at: number): string {
  return /^<!([A-Za-z]+)/.exec(s.slice(at, at + 20))?.[1]?.toUpperCase() ?? 'markup';
}

export function checkWellFormed(xml: string, limits: WellFormedLimits): RawElement {
  const illegal = ILLEGAL_CHAR.exec(xml);
  if (illegal) {
    const code = (illegal[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
    new Scanner(xml).fail(`the character U+${code} is not allowed in XML`, illegal.index);
  }
  const sc = new Scanner(xml);
  if (xml.startsWith('<?xml') && (isWs(xml[5]) || xml[5] === '?')) sc.xmlDeclaration();
  sc.misc();
  if (sc.pos >= xml.length) sc.fail('no root element');
  if (xml[sc.pos] !== '<') sc.fail('text outside the root element');

  const stack: RawElement[] = [];
  let root: RawElement | undefined;
  let elements = 0;
  let rootDone = false;
  while (!rootDone) {
    if (sc.pos >= xml.length) sc.fail(`unexpected end of document inside <${stack[stack.length - 1]?.qname}>`);
    if (xml.charCodeAt(sc.pos) === 0x3c /* < */) {
      const next = xml.charCodeAt(sc.pos + 1);
      if (next === 0x2f /* / */) {
        const at = sc.pos;
        sc.pos += 2;
        const name = sc.name('an element name');
        sc.skipWs();
        if (xml[sc.pos] !== '>') sc.fail(`expected '>' to close the end tag </${name}`);
        sc.pos++;
        const open = stack.pop();
        if (open?.qname !== name) sc.fail(open === undefined ? `end tag </${name}> without a start tag` : `end tag </${name}> does not match <${open.qname}>`, at);
        if (stack.length === 0) rootDone = true;
      } else if (next === 0x21 /* ! */ && sc.startsWith('<!--')) {
        sc.comment();
      } else if (next === 0x21 && sc.startsWith('<![CDATA[')) {
        if (stack.length === 0) sc.fail('CDATA section outside the root element');
        const end = xml.indexOf(']]>', sc.pos + 9);
        if (end === -1) sc.fail('unterminated CDATA section');
        (stack[stack.length - 1] as RawElement).children.push({ cdata: xml.slice(sc.pos + 9, end) });
        sc.pos = end + 3;
      } else if (next === 0x21) {
        sc.fail(`${declarationName(xml, sc.pos)} declarations are not allowed in a SOAP message`);
      } else if (next === 0x3f /* ? */) {
        sc.processingInstruction();
      } else {
        sc.pos++;
        const name = sc.name('an element name');
        if (++elements > limits.maxElements) sc.fail(`more than ${limits.maxElements} elements`);
        const element: RawElement = { qname: name, attrs: startTagRest(sc, name), children: [] };
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push(element);
        else root = element;
        if (xml[sc.pos - 2] === '/') {
          if (stack.length === 0) rootDone = true;
        } else {
          stack.push(element);
          if (stack.length > limits.maxDepth) sc.fail(`elements nested deeper than ${limits.maxDepth} levels`);
        }
      }
    } else {
      const next = xml.indexOf('<', sc.pos);
      const end = next === -1 ? xml.length : next;
      const text = xml.slice(sc.pos, end);
      const cdataEnd = text.indexOf(']]>');
      if (cdataEnd !== -1) sc.fail("']]>' in character data", sc.pos + cdataEnd);
      sc.references(text, sc.pos);
      (stack[stack.length - 1] as RawElement).children.push(text);
      sc.pos = end;
    }
  }
  sc.misc();
  if (sc.pos < xml.length) sc.fail(xml[sc.pos] === '<' ? 'more than one root element' : 'text after the root element');
  return root as RawElement;
}

/** Attributes and the closing '>' or '/>' of a start tag; returns the attributes as written. */
function startTagRest(sc: Scanner, element: string): Array<[string, string]> {
  const xml = sc.s;
  const attrs: Array<[string, string]> = [];
  // Duplicates: a linear look for the usual handful of attributes, a set past that.
  let seen: Set<string> | undefined;
  for (;;) {
    const hadWs = sc.skipWs();
    const c = xml[sc.pos];
    if (c === '>') {
      sc.pos++;
      return attrs;
    }
    if (c === '/') {
      if (xml[sc.pos + 1] !== '>') sc.fail(`expected '/>' in <${element}>`);
      sc.pos += 2;
      return attrs;
    }
    if (c === undefined) sc.fail(`unterminated start tag <${element}`);
    if (!hadWs) sc.fail(`expected white space before an attribute in <${element}>`);
    const name = sc.name('an attribute name');
    if (seen === undefined && attrs.length >= 8) seen = new Set(attrs.map(([n]) => n));
    if (seen ? seen.has(name) : attrs.some(([n]) => n === name)) sc.fail(`attribute ${name} appears twice in <${element}>`);
    seen?.add(name);
    sc.skipWs();
    if (xml[sc.pos] !== '=') sc.fail(`expected '=' after attribute ${name}`);
    sc.pos++;
    sc.skipWs();
    const quote = xml[sc.pos];
    if (quote !== '"' && quote !== "'") sc.fail(`the value of attribute ${name} must be quoted`);
    const end = xml.indexOf(quote, sc.pos + 1);
    if (end === -1) sc.fail(`unterminated value of attribute ${name}`);
    const value = xml.slice(sc.pos + 1, end);
    const lt = value.indexOf('<');
    if (lt !== -1) sc.fail(`'<' in the value of attribute ${name}`, sc.pos + 1 + lt);
    sc.references(value, sc.pos + 1);
    attrs.push([name, value]);
    sc.pos = end + 1;
  }
}
