import {
  XML_NS,
  XmlSyntaxError,
  attr,
  child,
  childrenNamed,
  elements,
  hasElementChildren,
  isElement,
  parseXml,
  resolveQNameValue,
  textOf,
  type XmlElement,
} from '../../../src/xml/parse';

const SOAP = 'http://www.w3.org/2003/05/soap-envelope';
const WSA = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';

/** The first element child, failing the test when there is none. */
function first(el: XmlElement): XmlElement {
  const kids = elements(el);
  if (kids.length === 0) throw new Error(`<${el.local}> has no element children`);
  return kids[0] as XmlElement;
}

/** The XmlSyntaxError message parseXml raises for `xml`, without its "(line, column)" suffix. */
function syntaxError(xml: string, limits?: { maxDepth: number; maxElements: number }): string {
  try {
    parseXml(xml, limits);
  } catch (e) {
    if (e instanceof XmlSyntaxError) return e.message.replace(/ \(line \d+, column \d+\)$/, '');
    throw e;
  }
  throw new Error(`parseXml accepted ${JSON.stringify(xml)}`);
}

describe('parseXml: namespace resolution', () => {
  it('resolves prefixed elements and attributes to their namespace URI', () => {
    const root = parseXml(`<s:Envelope xmlns:s="${SOAP}" xmlns:a="${WSA}"><s:Header><a:To s:mustUnderstand="true">x</a:To></s:Header></s:Envelope>`);
    expect(root).toMatchObject({ ns: SOAP, local: 'Envelope', prefix: 's' });
    const to = first(first(root));
    expect(to).toMatchObject({ ns: WSA, local: 'To', prefix: 'a' });
    expect(to.attrs).toEqual([{ ns: SOAP, local: 'mustUnderstand', prefix: 's', value: 'true' }]);
  });

  it('puts unprefixed elements in the default namespace but unprefixed attributes in no namespace', () => {
    const root = parseXml('<Envelope xmlns="urn:default" Name="n"><Body/></Envelope>');
    expect(root.ns).toBe('urn:default');
    expect(first(root).ns).toBe('urn:default');
    expect(root.attrs).toEqual([{ ns: '', local: 'Name', prefix: '', value: 'n' }]);
  });

  it('leaves elements in no namespace when there is no default namespace, or it is undeclared with xmlns=""', () => {
    expect(parseXml('<a/>').ns).toBe('');
    const root = parseXml('<a xmlns="urn:x"><b xmlns=""><c/></b></a>');
    expect(first(root).ns).toBe('');
    expect(first(first(root)).ns).toBe('');
  });

  it('matches on the URI, not the prefix: two prefixes for one URI name the same namespace', () => {
    const root = parseXml('<p:a xmlns:p="urn:same" xmlns:q="urn:same"><q:b/><p:b/></p:a>');
    expect(childrenNamed(root, 'urn:same', 'b').map((b) => b.prefix)).toEqual(['q', 'p']);
  });

  it('honours a prefix re-bound in a nested scope, and restores the outer binding for siblings', () => {
    const root = parseXml('<p:a xmlns:p="urn:outer"><p:b xmlns:p="urn:inner"><p:c/></p:b><p:d/></p:a>');
    const [b, d] = elements(root) as [XmlElement, XmlElement];
    expect(b.ns).toBe('urn:inner');
    expect(first(b).ns).toBe('urn:inner');
    expect(d.ns).toBe('urn:outer');
    expect(root.ns).toBe('urn:outer');
  });

  it('inherits bindings declared on ancestors into nested scopes', () => {
    const root = parseXml('<a xmlns:x="urn:x"><b xmlns:y="urn:y"><x:c y:at="1"/></b></a>');
    const c = first(first(root));
    expect(c.ns).toBe('urn:x');
    expect(attr(c, 'urn:y', 'at')).toBe('1');
    expect(c.scope.get('x')).toBe('urn:x');
    expect(c.scope.get('y')).toBe('urn:y');
    expect(root.scope.has('y')).toBe(false);
  });

  it('binds the xml: prefix without a declaration', () => {
    const root = parseXml('<s:Envelope xmlns:s="urn:s" xml:lang="en-US"/>');
    expect(attr(root, XML_NS, 'lang')).toBe('en-US');
    expect(root.attrs[0]?.prefix).toBe('xml');
  });

  it('does not report xmlns declarations as attributes', () => {
    const root = parseXml('<a xmlns="urn:d" xmlns:p="urn:p" p:x="1"/>');
    expect(root.attrs.map((a) => a.local)).toEqual(['x']);
  });

  it('refuses an element whose prefix is not bound', () => {
    expect(syntaxError('<p:a/>')).toMatch(/prefix 'p' is not bound/);
    expect(syntaxError('<a><q:b xmlns:q="urn:q"/><q:c/></a>')).toMatch(/prefix 'q' is not bound/);
  });

  it('keeps an attribute with an unbound prefix (xsi:type with no xsi declared) with namespace "" and its prefix', () => {
    const root = parseXml('<p:Port xmlns:p="urn:p" xsi:type="cim:cimUnsignedShort">48885</p:Port>');
    expect(root.attrs).toEqual([{ ns: '', local: 'type', prefix: 'xsi', value: 'cim:cimUnsignedShort' }]);
    expect(textOf(root)).toBe('48885');
  });

  it('refuses a non-empty prefix bound to the empty namespace', () => {
    expect(syntaxError('<a xmlns:p=""/>')).toMatch(/prefix 'p' bound to an empty namespace/);
  });
});

describe('parseXml: entities and character references', () => {
  it('decodes the five predefined entities in text and attributes', () => {
    const root = parseXml('<a v="&lt;&gt;&amp;&quot;&apos;">&lt;&gt;&amp;&quot;&apos;</a>');
    expect(textOf(root)).toBe('<>&"\'');
    expect(attr(root, '', 'v')).toBe('<>&"\'');
  });

  it('decodes decimal, hexadecimal and astral character references', () => {
    expect(textOf(parseXml('<a>&#65;&#x42;&#x63;</a>'))).toBe('ABc');
    expect(textOf(parseXml('<a>&#x1F600;|&#128512;</a>'))).toBe('\u{1F600}|\u{1F600}');
    expect(attr(parseXml('<a v="&#x9;&#xA;&#xD;&#x10FFFF;"/>'), '', 'v')).toBe('\t\n\r\u{10FFFF}');
  });

  it('decodes exactly once: &amp;lt; is the text "&lt;"', () => {
    expect(textOf(parseXml('<a>&amp;lt;&amp;#65;</a>'))).toBe('&lt;&#65;');
  });

  it.each(['&nbsp;', '&foo;', '&#x;', '&#;'])('refuses the undefined entity %s in text', (ref) => {
    expect(syntaxError(`<a>${ref}</a>`)).toMatch(/entity/);
  });

  it('refuses an undefined entity in an attribute value', () => {
    expect(syntaxError('<a v="&foo;"/>')).toMatch(/undefined entity '&foo;'/);
  });

  it.each(['&#0;', '&#x1;', '&#xD800;', '&#xFFFE;', '&#x110000;'])('refuses %s, a reference to a character XML cannot carry', (ref) => {
    expect(syntaxError(`<a>${ref}</a>`)).toMatch(/not a legal XML character/);
  });

  it.each([
    ['in text', '<a>fish & chips</a>'],
    ['at the end of text', '<a>x&</a>'],
    ['in an attribute', '<a v="fish & chips"/>'],
    ['without its semicolon', '<a>&amp</a>'],
  ])('refuses a bare & %s', (_where, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlSyntaxError);
  });
});

describe('parseXml: markup declarations are refused', () => {
  it.each([
    ['DOCTYPE before the root', '<!DOCTYPE a><a/>', 'DOCTYPE'],
    ['lower-case doctype', '<!doctype a><a/>', 'DOCTYPE'],
    ['mixed-case DocType', '<!DocType a [<!ENTITY x "y">]><a>&x;</a>', 'DOCTYPE'],
    ['DOCTYPE after a comment', '<!-- hello --><!DOCTYPE a><a/>', 'DOCTYPE'],
    ['DOCTYPE after the root', '<a/><!DOCTYPE a>', 'DOCTYPE'],
    ['DOCTYPE inside the root', '<a><!DOCTYPE a></a>', 'DOCTYPE'],
    ['ENTITY outside the root', '<!ENTITY lol "lol"><a/>', 'ENTITY'],
    ['lower-case entity inside the root', '<a><!entity x "y"></a>', 'ENTITY'],
    ['ELEMENT inside the root', '<a><!ELEMENT a ANY></a>', 'ELEMENT'],
    ['ATTLIST inside the root', '<a><!ATTLIST a x CDATA #IMPLIED></a>', 'ATTLIST'],
    ['ENTITY after a comment and a CDATA section', '<a><!-- c --><![CDATA[<x>]]><!ENTITY x "y"></a>', 'ENTITY'],
    ['DOCTYPE after a CDATA section that opens a comment', '<a><![CDATA[<!--]]><!DOCTYPE x></a>', 'DOCTYPE'],
  ])('refuses %s', (_name, xml, what) => {
    expect(syntaxError(xml)).toBe(`${what} declarations are not allowed in a SOAP message`);
  });

  it('does not mistake declaration-like text inside a comment or CDATA section for a declaration', () => {
    expect(elements(parseXml('<a><!-- <!DOCTYPE x> --></a>'))).toEqual([]);
    expect(textOf(parseXml('<a><![CDATA[<!DOCTYPE x>]]></a>'))).toBe('<!DOCTYPE x>');
  });

  it('refuses an unterminated comment', () => {
    expect(syntaxError('<a><!-- never closed </a>')).toBe('unterminated comment');
  });

  it('refuses an unterminated CDATA section', () => {
    expect(syntaxError('<a><![CDATA[ never closed </a>')).toBe('unterminated CDATA section');
  });
});

describe('parseXml: character data', () => {
  it('keeps CDATA content verbatim, markup and entity references included', () => {
    expect(textOf(parseXml('<a><![CDATA[<b>&amp;</b>]]></a>'))).toBe('<b>&amp;</b>');
  });

  it('ignores comments, joining the text around them', () => {
    const root = parseXml('<a>x<!-- note -->y<!--b--></a>');
    expect(textOf(root)).toBe('xy');
    expect(root.children.every((c) => typeof c === 'string')).toBe(true);
  });

  it('keeps whitespace in text and attribute values as written', () => {
    const root = parseXml('<a v="  two  ">  x  </a>');
    expect(textOf(root)).toBe('  x  ');
    expect(attr(root, '', 'v')).toBe('  two  ');
  });

  it('keeps text and child elements in document order', () => {
    const root = parseXml('<a>one<b/>two<c/>three</a>');
    expect(root.children.map((c) => (isElement(c) ? `<${c.local}>` : c))).toEqual(['one', '<b>', 'two', '<c>', 'three']);
  });

  it('accepts an XML declaration and comments around the root', () => {
    expect(parseXml('<?xml version="1.0" encoding="utf-8"?>\n<!-- before --><a/><!-- after -->\n').local).toBe('a');
  });
});

describe('parseXml: document structure', () => {
  it.each([
    ['', 'empty input'],
    ['   \n', 'only whitespace'],
    ['<!-- only a comment -->', 'only a comment'],
  ])('refuses %j (%s)', (xml) => {
    expect(() => parseXml(xml)).toThrow(XmlSyntaxError);
  });

  it('refuses two root elements', () => {
    expect(syntaxError('<a/><b/>')).toBe('more than one root element');
  });

  it('refuses text before the root element', () => {
    expect(() => parseXml('x<a/>')).toThrow(XmlSyntaxError);
  });

  it('refuses text after a root element with content', () => {
    expect(() => parseXml('<a></a>x')).toThrow(XmlSyntaxError);
  });

  it('refuses text after a self-closing root element', () => {
    expect(() => parseXml('<a/>x')).toThrow(XmlSyntaxError);
  });

  it.each([
    ['an unclosed element', '<a><b></a>'],
    ['crossed tags', '<a><b></a></b>'],
    ['a close tag without an open tag', '</a>'],
    ['an unterminated start tag', '<a'],
    ['an attribute without quotes', '<a v=1/>'],
    ['an attribute without a value', '<a v/>'],
    ['an unterminated attribute value', '<a v="1></a>'],
    ['a repeated attribute', '<a v="1" v="2"/>'],
    ['an element name starting with a digit', '<1a/>'],
    ['a missing close tag', '<a>'],
  ])('refuses %s', (_name, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlSyntaxError);
  });
});

describe('parseXml: names (the ASCII fast path and the full Unicode rules agree)', () => {
  it.each([
    ['ASCII with digits, hyphen, dot and underscore', '<_a-1.b/>', '_a-1.b'],
    ['a prefixed ASCII name', '<p:a-b xmlns:p="urn:p"/>', 'a-b'],
    ['a name starting with a non-ASCII letter', '<é/>', 'é'],
    ['an ASCII start followed by non-ASCII characters', '<aéb/>', 'aéb'],
    ['a non-ASCII prefix', '<ü:a xmlns:ü="urn:u"/>', 'a'],
    ['a combining mark after the first character', '<a\u0301/>', 'a\u0301'],
  ])('accepts %s', (_what, xml, local) => {
    expect(parseXml(xml).local).toBe(local);
  });

  it.each([
    ['two colons', '<a:b:c xmlns:a="urn:a"/>', "an element name 'a:b:…' is not a qualified name (one colon at most, between a prefix and a local name)"],
    ['a colon at the end', '<a: xmlns:a="urn:a"/>', "an element name 'a:…' is not a qualified name (one colon at most, between a prefix and a local name)"],
    ['a digit after the colon', '<a:1 xmlns:a="urn:a"/>', "an element name 'a:…' is not a qualified name (one colon at most, between a prefix and a local name)"],
    ['a name that starts with a hyphen', '<-a/>', 'expected an element name'],
    ['an attribute name with two colons', '<a x:y:z="1"/>', "an attribute name 'x:y:…' is not a qualified name (one colon at most, between a prefix and a local name)"],
  ])('refuses %s', (_what, xml, message) => {
    expect(syntaxError(xml)).toBe(message);
  });

  it('refuses a repeated attribute among a handful and among many (past the linear look)', () => {
    expect(syntaxError('<a v="1" w="2" v="3"/>')).toBe('attribute v appears twice in <a>');
    const many = Array.from({ length: 20 }, (_, i) => `a${i}="${i}"`).join(' ');
    expect(syntaxError(`<a ${many} a3="again"/>`)).toBe('attribute a3 appears twice in <a>');
    expect(syntaxError(`<a ${many} a19="again"/>`)).toBe('attribute a19 appears twice in <a>');
    expect(parseXml(`<a ${many}/>`).attrs).toHaveLength(20);
  });
});

describe('parseXml: limits', () => {
  const nested = (depth: number): string => '<e>'.repeat(depth) + '</e>'.repeat(depth);
  const flat = (count: number): string => `<r>${'<e/>'.repeat(count - 1)}</r>`;

  it('accepts nesting up to maxDepth and refuses one level more', () => {
    const limits = { maxDepth: 5, maxElements: 100 };
    expect(parseXml(nested(5), limits).local).toBe('e');
    expect(syntaxError(nested(6), limits)).toBe('elements nested deeper than 5 levels');
  });

  it('accepts up to maxElements elements and refuses one more', () => {
    const limits = { maxDepth: 5, maxElements: 4 };
    expect(elements(parseXml(flat(4), limits))).toHaveLength(3);
    expect(syntaxError(flat(5), limits)).toBe('more than 4 elements');
  });

  it('has a default depth limit that a SOAP envelope fits in and a nesting attack does not', () => {
    expect(parseXml(nested(20)).local).toBe('e');
    expect(() => parseXml(nested(101))).toThrow(XmlSyntaxError);
    expect(() => parseXml(nested(50_000))).toThrow(XmlSyntaxError);
  });
});

describe('navigation helpers', () => {
  const doc = parseXml(
    '<r xmlns="urn:d" xmlns:p="urn:p" xmlns:q="urn:q">' +
      '<p:item n="1">one</p:item><q:item n="2">two</q:item><p:item n="3">th<![CDATA[r]]>ee<p:sub/></p:item><other/>' +
      '</r>',
  );

  it('child returns the first element with the namespace URI and local name, or undefined', () => {
    expect(attr(child(doc, 'urn:p', 'item') as XmlElement, '', 'n')).toBe('1');
    expect(attr(child(doc, 'urn:q', 'item') as XmlElement, '', 'n')).toBe('2');
    expect(child(doc, 'urn:other', 'item')).toBeUndefined();
    expect(child(doc, 'urn:p', 'Item')).toBeUndefined();
    expect(child(doc, 'urn:d', 'other')?.local).toBe('other');
  });

  it('childrenNamed returns all matches in order and accepts a list of namespace URIs', () => {
    expect(childrenNamed(doc, 'urn:p', 'item').map((e) => attr(e, '', 'n'))).toEqual(['1', '3']);
    expect(childrenNamed(doc, ['urn:q', 'urn:p'], 'item').map((e) => attr(e, '', 'n'))).toEqual(['1', '2', '3']);
    expect(childrenNamed(doc, 'urn:p', 'missing')).toEqual([]);
    expect(child(doc, ['urn:x', 'urn:q'], 'item')?.prefix).toBe('q');
  });

  it('textOf joins direct text and CDATA but not the text of child elements', () => {
    const third = childrenNamed(doc, 'urn:p', 'item')[1] as XmlElement;
    expect(textOf(third)).toBe('three');
    expect(textOf(doc)).toBe('');
    expect(hasElementChildren(third)).toBe(true);
    expect(hasElementChildren(child(doc, 'urn:p', 'item') as XmlElement)).toBe(false);
  });

  it('attr matches on namespace URI and local name', () => {
    const el = parseXml('<a xmlns:x="urn:x" x:v="1" w="2"/>');
    expect(attr(el, 'urn:x', 'v')).toBe('1');
    expect(attr(el, '', 'w')).toBe('2');
    expect(attr(el, '', 'v')).toBeUndefined();
    expect(attr(el, 'urn:x', 'w')).toBeUndefined();
  });

  it('resolveQNameValue resolves a prefixed value against the scope of the element', () => {
    const el = first(parseXml('<a xmlns:p1="urn:cls"><b/></a>'));
    expect(resolveQNameValue(el, ' p1:Cls_Type ')).toEqual({ ns: 'urn:cls', local: 'Cls_Type', prefix: 'p1' });
  });

  it('resolveQNameValue resolves an unprefixed value to the default namespace and reports an unbound prefix as undefined', () => {
    expect(resolveQNameValue(doc, 'Thing')).toEqual({ ns: 'urn:d', local: 'Thing', prefix: '' });
    expect(resolveQNameValue(doc, 'cim:cimString')).toEqual({ ns: undefined, local: 'cimString', prefix: 'cim' });
  });
});
