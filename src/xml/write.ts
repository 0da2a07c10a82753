/**
 * The one XML serializer. Every element name, attribute value and text that the
 * emulator writes goes through here, so every value is escaped exactly once.
 *
 * Characters that XML 1.0 cannot carry at all (most C0 controls, lone surrogates,
 * U+FFFE/U+FFFF) are replaced with U+FFFD rather than producing a document no
 * client can parse (docs/protocol-decisions.md).
 */

export type Attrs = Readonly<Record<string, string | number | boolean | undefined | null>>;

// eslint-disable-next-line no-control-regex
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<>"\t\n\r]/;

function replaceIllegal(s: string): string {
  ILLEGAL.lastIndex = 0;
  return ILLEGAL.test(s) ? s.replace(ILLEGAL, '\uFFFD') : s;
}

export function escapeText(value: string): string {
  const s = replaceIllegal(value);
  if (!TEXT_SPECIAL.test(s)) return s;
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;'));
}

export function escapeAttr(value: string): string {
  const s = replaceIllegal(value);
  if (!ATTR_SPECIAL.test(s)) return s;
  return s.replace(/[&<>"\t\n\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case '\t':
        return '&#x9;';
      case '\n':
        return '&#xA;';
      default:
        return '&#xD;';
    }
  });
}

const NAME = /^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/;
/** Names already checked: they come from code and MOF, a small set written over and over. */
const CHECKED = new Set<string>();

function checkName(name: string): string {
  if (CHECKED.has(name)) return name;
  // Names come from our own code and from class declarations (MOF), never from a request
  // unvalidated; a bad one is a programming error, not a client error.
  if (!NAME.test(name)) throw new Error(`invalid XML name: ${JSON.stringify(name)}`);
  if (CHECKED.size < 10_000) CHECKED.add(name);
  return name;
}

/**
 * Streaming builder. `open`/`close` must balance; `toString` checks that they did.
 */
export class XmlWriter {
  private readonly parts: string[] = [];
  private readonly stack: string[] = [];

  open(name: string, attrs?: Attrs): this {
    this.parts.push('<', checkName(name), attrsToString(attrs), '>');
    this.stack.push(name);
    return this;
  }

  close(): this {
    const name = this.stack.pop();
    if (name === undefined) throw new Error('XmlWriter.close without open');
    this.parts.push('</', name, '>');
    return this;
  }

  /** `<name attrs>text</name>`, or `<name attrs/>` when text is undefined. */
  leaf(name: string, attrs?: Attrs, text?: string): this {
    checkName(name);
    if (text === undefined || text === '') this.parts.push('<', name, attrsToString(attrs), '/>');
    else this.parts.push('<', name, attrsToString(attrs), '>', escapeText(text), '</', name, '>');
    return this;
  }

  text(value: string): this {
    this.parts.push(escapeText(value));
    return this;
  }

  /** Appends the output of another writer (already escaped by construction). */
  append(other: XmlWriter): this {
    this.parts.push(other.toString());
    return this;
  }

  toString(): string {
    if (this.stack.length !== 0) throw new Error(`XmlWriter: unclosed elements ${this.stack.join(' > ')}`);
    // Joined once: a writer measured and then appended is not serialised twice.
    if (this.parts.length > 1) {
      const joined = this.parts.join('');
      this.parts.length = 0;
      this.parts.push(joined);
    }
    return this.parts[0] ?? '';
  }
}

function attrsToString(attrs: Attrs | undefined): string {
  if (!attrs) return '';
  let s = '';
  for (const key in attrs) {
    const v = attrs[key];
    if (v === undefined || v === null) continue;
    s += ' ' + checkName(key) + '="' + escapeAttr(String(v)) + '"';
  }
  return s;
}
