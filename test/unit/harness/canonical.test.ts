import { canonicalTree, canonicalXml, displayQName, serializeCanonical } from '../../../src/harness/canonical';
import { XmlSyntaxError } from '../../../src/xml/parse';

const S = 'http://www.w3.org/2003/05/soap-envelope';
const W = 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd';
const CLS = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_IPAM_Server';

describe('canonical XML', () => {
  test('two envelopes that differ only in prefixes, namespace placement, attribute order and white space are one text', () => {
    const a =
      `<s:Envelope xmlns:s="${S}" xmlns:w="${W}">\n  <s:Header>\n    <w:Option Name="x" Type="xs:int" MustComply="true">1</w:Option>\n  </s:Header>\n` +
      `  <s:Body><p:X_INPUT xmlns:p="${CLS}"><p:Name> keep  me </p:Name></p:X_INPUT></s:Body>\n</s:Envelope>`;
    const b =
      `<env:Envelope xmlns:env="${S}"><env:Header><wsman:Option xmlns:wsman="${W}" MustComply="true" Type="xs:int" Name="x">1</wsman:Option></env:Header>` +
      `<env:Body><X_INPUT xmlns="${CLS}"><Name> keep  me </Name></X_INPUT></env:Body></env:Envelope>`;
    expect(canonicalXml(a)).toBe(canonicalXml(b));
    // Conventional prefixes for WS-Man's namespaces, ns0… for others; declared once, on the root.
    expect(canonicalXml(a)).toBe(
      `<s:Envelope xmlns:s="${S}" xmlns:w="${W}" xmlns:ns0="${CLS}"><s:Header><w:Option MustComply="true" Name="x" Type="xs:int">1</w:Option></s:Header>` +
        `<s:Body><ns0:X_INPUT><ns0:Name> keep  me </ns0:Name></ns0:X_INPUT></s:Body></s:Envelope>`,
    );
  });

  test('canonicalising canonical text changes nothing', () => {
    const once = canonicalXml(
      `<s:Envelope xmlns:s="${S}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:a="urn:a" xmlns:b="urn:b"><s:Body b:z="1" a:y="2" xml:lang="en-US"><a:T xsi:type="b:Kind">&lt;redacted&gt; &amp; more&#xD;</a:T></s:Body></s:Envelope>`,
    );
    expect(canonicalXml(once)).toBe(once);
  });

  test('QName values are resolved: a fault subcode and xsi:type mean the same under any prefix', () => {
    const fault = (prefix: string) =>
      `<s:Envelope xmlns:s="${S}" xmlns:${prefix}="${W}"><s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>${prefix}:AccessDenied</s:Value></s:Subcode></s:Code></s:Fault></s:Body></s:Envelope>`;
    expect(canonicalXml(fault('wsman'))).toBe(canonicalXml(fault('w')));
    expect(canonicalXml(fault('q'))).toContain('<s:Value>w:AccessDenied</s:Value>');
    const typed = (prefix: string) =>
      `<p:P xmlns:p="urn:p" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:${prefix}="${CLS}" xsi:type="${prefix}:MSFT_IPAM_Server_Type"/>`;
    expect(canonicalXml(typed('p1'))).toBe(canonicalXml(typed('z')));
    const tree = canonicalTree(typed('p1'));
    expect(tree.attrs[0]?.qname).toEqual({ ns: CLS, local: 'MSFT_IPAM_Server_Type' });
    expect(displayQName({ ns: W, local: 'InvalidSelectors' })).toBe('w:InvalidSelectors');
  });

  test('what real clients send undeclared stays as sent: the MI client\'s cim: prefix inside xsi:type, an xsi attribute with no xsi declared', () => {
    const mi = `<p0:X xmlns:p0="${CLS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="cim:cimString">x</p0:X>`;
    expect(canonicalXml(mi)).toContain('xsi:type="cim:cimString"');
    const noXsi = `<p0:X xmlns:p0="${CLS}" xsi:nil="true"/>`;
    const out = canonicalXml(noXsi);
    expect(out).toContain('xsi:nil="true"');
    expect(out).toContain('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"');
  });

  test('white space is dropped only between elements; mixed content and CDATA are kept as text', () => {
    const tree = canonicalTree('<a><b>  </b> <c>x<![CDATA[<y>]]>z</c>\n</a>');
    expect(serializeCanonical(tree)).toBe('<a><b>  </b><c>x&lt;y&gt;z</c></a>');
  });

  test('text that is not XML is refused with the parser\'s error', () => {
    expect(() => canonicalTree('<a><b></a>')).toThrow(XmlSyntaxError);
    expect(() => canonicalTree('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')).toThrow(XmlSyntaxError);
  });
});
