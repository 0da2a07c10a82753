/**
 * Safe, namespace-aware XML reading.
 *
 * Our strict scanner (wellFormed.ts) checks well-formedness and builds the raw
 * tree in one pass; this module adds what a SOAP stack needs on top:
 *  - refuses DOCTYPE and every other markup declaration (no entity expansion,
 *    no billion laughs, no external entities),
 *  - decodes only the five predefined entities and numeric character
 *    references, and refuses any other entity reference,
 *  - resolves every element and attribute name to (namespace URI, local name),
 *    so callers never match on prefixes,
 *  - bounds nesting depth and element count.
 *
 * It is a pure codec: strings in, an immutable tree out, XmlSyntaxError on bad input.
 */
import { XmlSyntaxError } from './parse-error';
import { checkWellFormed, type RawElement } from './wellFormed';

export { XmlSyntaxError };

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
/** omicli binds the xsi prefix to this URI by mistake; readers accept both. */
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

export interface XmlAttribute {
  readonly ns: string;
  readonly local: string;
  readonly prefix: string;
  readonly value: string;
}

export interface XmlElement {
  readonly ns: string;
  readonly local: string;
  readonly prefix: string;
  readonly attrs: readonly XmlAttribute[];
  /** Child elements and text runs (CDATA included), in document order. */
  readonly children: readonly XmlNode[];
  /** Prefix → namespace URI in scope at this element ('' is the default namespace). */
  readonly scope: ReadonlyMap<string, string>;
}

export type XmlNode = XmlElement | string;

export interface ParseLimits {
  /** Deepest element nesting accepted (SOAP envelopes need about 20). */
  maxDepth: number;
  /** Most elements accepted in one document. */
  maxElements: number;
}

const DEFAULT_LIMITS: ParseLimits = { maxDepth: 100, maxElements: 200_000 };

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes predefined entities and character references; any other entity is an error. */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') === -1) return s;
  return s.replace(/&([^;&\s]{0,32});?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new XmlSyntaxError(`bare '&' in character data near '${whole.slice(0, 12)}'`);
    const pre = PREDEFINED[name];
    if (pre !== undefined) return pre;
    let code: number;
    if (/^#x[0-9A-Fa-f]{1,6}$/.test(name)) code = parseInt(name.slice(2), 16);
    else if (/^#[0-9]{1,7}$/.test(name)) code = parseInt(name.slice(1), 10);
    else throw new XmlSyntaxError(`undefined entity '&${name};'`);
    if (!isXmlChar(code)) throw new XmlSyntaxError(`character reference '&${name};' is not a legal XML character`);
    return String.fromCodePoint(code);
  });
}

function isXmlChar(c: number): boolean {
  return (
    c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff)
  );
}

function splitQName(qname: string): [prefix: string, local: string] {
  const colon = qname.indexOf(':');
  if (colon === -1) return ['', qname];
  return [qname.slice(0, colon), qname.slice(colon + 1)];
}

/**
 * Parses a complete XML document into a namespace-resolved tree.
 * Throws XmlSyntaxError for anything that is not well-formed, namespace-well-formed
 * XML with exactly one root element, or that exceeds the limits.
 */
export function parseXml(xml: string, limits: ParseLimits = DEFAULT_LIMITS): XmlElement {
  const root = checkWellFormed(xml, limits);
  const base = new Map<string, string>([['xml', XML_NS]]);
  return resolveElement(root, base);
}

function resolveElement(raw: RawElement, parentScope: ReadonlyMap<string, string>): XmlElement {
  const qname = raw.qname;
  let scope = parentScope;
  let copied = false;
  for (const [name, value] of raw.attrs) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (!copied) {
        scope = new Map(parentScope);
        copied = true;
      }
      const prefix = name === 'xmlns' ? '' : name.slice(6);
      const uri = decodeEntities(value);
      if (prefix !== '' && uri === '') throw new XmlSyntaxError(`prefix '${prefix}' bound to an empty namespace`);
      // Namespaces 1.0 §3: xml is bound to its URI only, xmlns never, and neither URI to anything else.
      if (prefix === 'xmlns') throw new XmlSyntaxError("the prefix 'xmlns' cannot be declared");
      if (prefix === 'xml' ? uri !== XML_NS : uri === XML_NS || uri === XMLNS_NS) {
        throw new XmlSyntaxError(`the prefix '${prefix || '(default)'}' cannot be bound to ${uri}`);
      }
      (scope as Map<string, string>).set(prefix, uri);
    }
  }

  const [prefix, local] = splitQName(qname);
  if (prefix === 'xmlns') throw new XmlSyntaxError(`element <${qname}> uses the reserved prefix 'xmlns'`);
  const ns = scope.get(prefix);
  if (ns === undefined) {
    if (prefix !== '') throw new XmlSyntaxError(`element prefix '${prefix}' is not bound to a namespace`);
  }

  const attrs: XmlAttribute[] = [];
  for (const [name, value] of raw.attrs) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const [ap, al] = splitQName(name);
    // Unprefixed attributes are in no namespace. An unbound attribute prefix is kept
    // with an empty namespace: real clients send e.g. xsi:type with no xsi declared.
    const ans = ap === '' ? '' : (scope.get(ap) ?? '');
    if (ap !== '' && scope.has(ap) && attrs.some((x) => x.ns === ans && x.local === al)) {
      throw new XmlSyntaxError(`two attributes of <${qname}> have the same expanded name {${ans}}${al}`);
    }
    // XML 1.0 §3.3.3: literal white space in an attribute value normalises to a space.
    const normalised = /[\t\n\r]/.test(value) ? value.replace(/[\t\n\r]/g, ' ') : value;
    attrs.push({ ns: ans, local: al, prefix: ap, value: decodeEntities(normalised) });
  }

  const children: XmlNode[] = [];
  for (const c of raw.children) {
    if (typeof c === 'string') children.push(decodeEntities(c));
    else if ('cdata' in c) children.push(c.cdata);
    else children.push(resolveElement(c, scope));
  }
  return { ns: ns ?? '', local, prefix, attrs, children, scope };
}

// ---------------------------------------------------------------------------
// Navigation helpers: everything matches on namespace URI and local name.

export function isElement(n: XmlNode): n is XmlElement {
  return typeof n !== 'string';
}

export function elements(el: XmlElement): XmlElement[] {
  return el.children.filter(isElement);
}

export function childrenNamed(el: XmlElement, ns: string | readonly string[], local: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => isElement(c) && c.local === local && nsMatches(c.ns, ns));
}

export function child(el: XmlElement, ns: string | readonly string[], local: string): XmlElement | undefined {
  for (const c of el.children) if (isElement(c) && c.local === local && nsMatches(c.ns, ns)) return c;
  return undefined;
}

function nsMatches(actual: string, wanted: string | readonly string[]): boolean {
  return typeof wanted === 'string' ? actual === wanted : wanted.includes(actual);
}

/** Concatenated character data of an element (its direct text and CDATA children). */
export function textOf(el: XmlElement): string {
  let s = '';
  for (const c of el.children) if (typeof c === 'string') s += c;
  return s;
}

export function hasElementChildren(el: XmlElement): boolean {
  return el.children.some(isElement);
}

/** Attribute by namespace URI and local name. */
export function attr(el: XmlElement, ns: string, local: string): string | undefined {
  for (const a of el.attrs) if (a.local === local && a.ns === ns) return a.value;
  return undefined;
}

/** Resolves a QName that appears in an attribute or text value against the element's scope. */
export function resolveQNameValue(el: XmlElement, qname: string): { ns: string | undefined; local: string; prefix: string } {
  const [prefix, local] = splitQName(qname.trim());
  return { ns: el.scope.get(prefix), local, prefix };
}
