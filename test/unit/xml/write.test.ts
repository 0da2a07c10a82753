import { attr, parseXml, textOf } from '../../../src/xml/parse';
import { XmlWriter, escapeAttr, escapeText } from '../../../src/xml/write';

const FFFD = '\uFFFD';

/** C0 controls XML 1.0 cannot carry (all but tab, line feed and carriage return). */
const ILLEGAL_C0 = Array.from({ length: 0x20 }, (_, c) => c)
  .filter((c) => c !== 0x9 && c !== 0xa && c !== 0xd)
  .map((c) => String.fromCharCode(c));

describe('escapeText', () => {
  it('escapes &, < and >', () => {
    expect(escapeText('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
  });

  it('writes a carriage return as a character reference so it survives line-end normalisation', () => {
    expect(escapeText('x\r\ny')).toBe('x&#xD;\ny');
  });

  it('leaves quotes, tab and line feed as they are', () => {
    expect(escapeText('"\'\t\n')).toBe('"\'\t\n');
  });

  it('returns plain text unchanged', () => {
    expect(escapeText('IPAM01.contoso.com')).toBe('IPAM01.contoso.com');
  });
});

describe('escapeAttr', () => {
  it('escapes &, <, >, " and writes tab, line feed and carriage return as character references', () => {
    expect(escapeAttr('&<>"\t\n\r')).toBe('&amp;&lt;&gt;&quot;&#x9;&#xA;&#xD;');
  });

  it("leaves the apostrophe alone (values are written in double quotes)", () => {
    expect(escapeAttr("O'Brien")).toBe("O'Brien");
  });
});

describe('replacement of characters XML cannot carry', () => {
  it.each(ILLEGAL_C0.map((c) => [`U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`, c]))(
    'replaces the C0 control %s with U+FFFD in text and attributes',
    (_name, c) => {
      expect(escapeText(`a${c}b`)).toBe(`a${FFFD}b`);
      expect(escapeAttr(`a${c}b`)).toBe(`a${FFFD}b`);
    },
  );

  it.each([
    ['a lone high surrogate', 'a\uD800b', `a${FFFD}b`],
    ['a lone high surrogate at the end', 'ab\uDBFF', `ab${FFFD}`],
    ['a lone low surrogate', 'a\uDC00b', `a${FFFD}b`],
    ['a lone low surrogate at the start', '\uDFFFab', `${FFFD}ab`],
    ['a low surrogate before a high one (reversed pair)', '\uDC00\uD800', `${FFFD}${FFFD}`],
    ['two high surrogates before one low', '\uD800\uD83D\uDE00', `${FFFD}\u{1F600}`],
    ['U+FFFE', 'a\uFFFEb', `a${FFFD}b`],
    ['U+FFFF', 'a\uFFFFb', `a${FFFD}b`],
  ])('replaces %s', (_name, input, expected) => {
    expect(escapeText(input)).toBe(expected);
    expect(escapeAttr(input)).toBe(expected);
  });

  it.each([
    ['an astral pair (emoji)', '\u{1F600}'],
    ['the first astral code point', '\u{10000}'],
    ['the last code point', '\u{10FFFF}'],
    ['U+FFFD itself', FFFD],
    ['the edges of the BMP ranges', '\u0020\uD7FF\uE000\uFFFD'],
    ['DEL and C1 controls', '\u007F\u0085\u009F'],
  ])('keeps %s', (_name, s) => {
    expect(escapeText(s)).toBe(s);
    expect(escapeAttr(s)).toBe(s);
  });

  it('replaces before escaping, so a replaced character never produces a character reference', () => {
    expect(escapeAttr('\u0000&')).toBe(`${FFFD}&amp;`);
  });
});

describe('XmlWriter', () => {
  it('writes balanced open and close tags with attributes in the given order', () => {
    const w = new XmlWriter().open('s:Envelope', { 'xmlns:s': 'urn:s', 'xml:lang': 'en-US' }).open('s:Body').close().close();
    expect(w.toString()).toBe('<s:Envelope xmlns:s="urn:s" xml:lang="en-US"><s:Body></s:Body></s:Envelope>');
  });

  it('skips null and undefined attributes and writes numbers and booleans as text', () => {
    const w = new XmlWriter().leaf('a', { n: 5, b: false, t: true, u: undefined, z: null, s: '' });
    expect(w.toString()).toBe('<a n="5" b="false" t="true" s=""/>');
  });

  it('escapes attribute values and text', () => {
    const w = new XmlWriter().open('a', { v: 'x"<y>&' }).text('1 < 2 & 3').close();
    expect(w.toString()).toBe('<a v="x&quot;&lt;y&gt;&amp;">1 &lt; 2 &amp; 3</a>');
  });

  it('writes a leaf with text as an element with escaped content', () => {
    expect(new XmlWriter().leaf('p:Name', { a: '1' }, 'R&D').toString()).toBe('<p:Name a="1">R&amp;D</p:Name>');
  });

  it('writes a leaf with no text or empty text as an empty-element tag', () => {
    expect(new XmlWriter().leaf('a').toString()).toBe('<a/>');
    expect(new XmlWriter().leaf('a', undefined, '').toString()).toBe('<a/>');
    expect(parseXml(new XmlWriter().leaf('a', undefined, '').toString()).children).toEqual([]);
  });

  it('appends the output of another writer verbatim, without escaping it again', () => {
    const inner = new XmlWriter().leaf('b', undefined, 'x & y');
    const w = new XmlWriter().open('a').append(inner).close();
    expect(w.toString()).toBe('<a><b>x &amp; y</b></a>');
  });

  it('refuses to append a writer with unclosed elements', () => {
    const inner = new XmlWriter().open('b');
    expect(() => new XmlWriter().append(inner)).toThrow(/unclosed elements b/);
  });

  it('throws on close without a matching open', () => {
    const w = new XmlWriter().open('a').close();
    expect(() => w.close()).toThrow(/close without open/);
  });

  it('throws from toString while elements are still open, naming them', () => {
    const w = new XmlWriter().open('a').open('b');
    expect(() => w.toString()).toThrow('XmlWriter: unclosed elements a > b');
  });

  it.each(['1a', '', 'a b', 'a<b', 'a:b:c', ':a', 'a:', 'a"', 'é'])('refuses the invalid name %j', (name) => {
    expect(() => new XmlWriter().open(name)).toThrow(/invalid XML name/);
    expect(() => new XmlWriter().leaf(name)).toThrow(/invalid XML name/);
    expect(() => new XmlWriter().leaf('a', { [name]: 'v' })).toThrow(/invalid XML name/);
  });

  it.each(['a', '_a', 'p:Name', 'PARAMETER.REFARRAY', 'x-y', 'xmlns:p1', 'xsi:type'])('accepts the name %j', (name) => {
    expect(new XmlWriter().leaf(name).toString()).toBe(`<${name}/>`);
  });
});

// ---------------------------------------------------------------------------
// Property: whatever string is written, parsing gives it back, except that
// characters XML cannot carry come back as U+FFFD.

/** mulberry32: a small seeded PRNG, so every run sees the same strings. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const between = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/** Generators of one fragment per code point class. */
const FRAGMENTS: ReadonlyArray<(r: Rand) => string> = [
  (r) => String.fromCharCode(between(r, 0x20, 0x7e)), // printable ASCII
  (r) => pick(r, ['&', '<', '>', '"', "'", ']]>', '<!--', '<!DOCTYPE x>', '&amp;', '&#65;', '&lt;', '<![CDATA[']), // markup look-alikes
  (r) => pick(r, ['\t', '\n', '\r', ' ', '\r\n']), // whitespace XML keeps
  (r) => pick(r, ILLEGAL_C0), // C0 controls
  (r) => String.fromCharCode(between(r, 0xd800, 0xdbff)), // lone high surrogate (unless a low one follows)
  (r) => String.fromCharCode(between(r, 0xdc00, 0xdfff)), // lone low surrogate
  (r) => String.fromCodePoint(between(r, 0x10000, 0x10ffff)), // astral pair
  (r) => pick(r, ['\uFFFE', '\uFFFF']), // non-characters
  (r) => String.fromCharCode(between(r, 0x7f, 0xd7ff)), // rest of the lower BMP
  (r) => String.fromCharCode(between(r, 0xe000, 0xfffd)), // upper BMP, private use included
];

function randomString(r: Rand): string {
  let s = '';
  const n = between(r, 0, 24);
  for (let i = 0; i < n; i++) s += pick(r, FRAGMENTS)(r);
  return s;
}

/** XML 1.0 §2.2 Char, written out independently of the writer's regular expression. */
function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/** What a reader should get back: each code point (lone surrogates are their own) kept if legal, else U+FFFD. */
function expectedAfterReplacement(s: string): string {
  let out = '';
  for (const ch of s) out += isXmlChar(ch.codePointAt(0) as number) ? ch : FFFD;
  return out;
}

describe('XmlWriter → parseXml round trip (property)', () => {
  const r = prng(0x1badb002);
  const samples = Array.from({ length: 600 }, () => randomString(r));

  it('covers every code point class among the samples', () => {
    const all = samples.join('');
    expect(ILLEGAL_C0.some((c) => all.includes(c))).toBe(true);
    expect(all).toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(all).toMatch(/(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(all).toMatch(/[\uD800-\uDBFF][\uDC00-\uDFFF]/);
    expect(all).toMatch(/[\uFFFE\uFFFF]/);
    expect(all).toMatch(/[&<>"'\t\n\r]/);
  });

  it('gives back exactly the written string in text and in an attribute, after illegal-character replacement', () => {
    const mismatches: Array<{ s: string; text: string; attr: string | undefined }> = [];
    for (const s of samples) {
      const xml = new XmlWriter().leaf('a', { x: s }, s).toString();
      const el = parseXml(xml);
      const want = expectedAfterReplacement(s);
      if (textOf(el) !== want || attr(el, '', 'x') !== want) mismatches.push({ s, text: textOf(el), attr: attr(el, '', 'x') });
    }
    expect(mismatches).toEqual([]);
  });
});
