/**
 * Endpoint references for CIM references: what writeEpr puts on the wire
 * (selectors with the `wsman:` prefix that wsl pastes back verbatim;
 * __cimnamespace only in the DMTF form, MS-WSMV <45>) and readEpr of it.
 */
import { loadSchemas } from '../../../src/app';
import type { CimReference } from '../../../src/cim/types';
import { readEpr, writeEpr, writeEprContent } from '../../../src/wsman/epr';
import { WsmanFault } from '../../../src/wsman/faults';
import type { UriForm } from '../../../src/wsman/resource';
import { child, childrenNamed, parseXml, textOf, attr, type XmlElement } from '../../../src/xml/parse';
import { XmlWriter } from '../../../src/xml/write';

const ADDR = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';
const WSMAN = 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd';
const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';
const FD = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/';

const registry = loadSchemas();

const REF: CimReference = {
  kind: 'reference',
  className: 'MSFT_IPAM_Server',
  namespace: 'root/Microsoft/IPAM',
  keys: [
    { name: 'Name', value: 'IPAM' },
    { name: 'IdentifyingNumber', value: 'ipam1.contoso.com' },
    { name: 'Vendor', value: 'Microsoft Corporation' },
    { name: 'Version', value: '10.0.20348' },
  ],
};

/** Wraps writer output in an element declaring only the prefixes wsl's Invoke envelope declares. */
function inHolder(write: (w: XmlWriter) => void): { text: string; holder: XmlElement } {
  const w = new XmlWriter();
  w.open('p:Holder', { 'xmlns:p': 'urn:holder', 'xmlns:a': ADDR, 'xmlns:wsman': WSMAN });
  write(w);
  w.close();
  const text = w.toString();
  return { text, holder: parseXml(text) };
}

const written = (form: UriForm, ref: CimReference = REF) => inHolder((w) => writeEpr(w, ref, form));

function el(parent: XmlElement, ns: string, local: string): XmlElement {
  const c = child(parent, ns, local);
  if (!c) throw new Error(`no ${local} under ${parent.local}`);
  return c;
}

function selectorsOf(holder: XmlElement): Array<[string | undefined, string]> {
  const params = el(el(holder, ADDR, 'EndpointReference'), ADDR, 'ReferenceParameters');
  return childrenNamed(el(params, WSMAN, 'SelectorSet'), WSMAN, 'Selector').map((s) => [attr(s, '', 'Name'), textOf(s)]);
}

function faultOf(fn: () => unknown): WsmanFault {
  try {
    fn();
  } catch (e) {
    if (e instanceof WsmanFault) return e;
    throw e;
  }
  throw new Error('expected a WsmanFault');
}

describe('writeEpr', () => {
  it('writes the anonymous Address and the WMI class URI', () => {
    const { holder } = written('wmi');
    const epr = el(holder, ADDR, 'EndpointReference');
    expect(textOf(el(epr, ADDR, 'Address'))).toBe(ANONYMOUS);
    expect(textOf(el(el(epr, ADDR, 'ReferenceParameters'), WSMAN, 'ResourceURI'))).toBe(
      'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server',
    );
  });

  it('writes selectors with the wsman: prefix (wsl pastes them into an envelope that only declares wsman)', () => {
    const { text } = written('wmi');
    expect(text).toContain('<wsman:ResourceURI>');
    expect(text).toContain('<wsman:SelectorSet><wsman:Selector Name="Name">IPAM</wsman:Selector>');
    expect(text).not.toMatch(/<w:/);
  });

  it('the WMI form carries only the keys, no __cimnamespace', () => {
    expect(selectorsOf(written('wmi').holder)).toEqual([
      ['Name', 'IPAM'],
      ['IdentifyingNumber', 'ipam1.contoso.com'],
      ['Vendor', 'Microsoft Corporation'],
      ['Version', '10.0.20348'],
    ]);
  });

  it('the DMTF form uses the DMTF class URI and adds __cimnamespace', () => {
    const { holder } = written('dmtf');
    const params = el(el(holder, ADDR, 'EndpointReference'), ADDR, 'ReferenceParameters');
    expect(textOf(el(params, WSMAN, 'ResourceURI'))).toBe('http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_IPAM_Server');
    expect(selectorsOf(holder)).toContainEqual(['__cimnamespace', 'root/Microsoft/IPAM']);
    expect(selectorsOf(holder)).toHaveLength(5);
  });

  it('escapes key values', () => {
    const ref: CimReference = { ...REF, keys: REF.keys.map((k) => (k.name === 'Name' ? { ...k, value: 'A&B <"x">' } : k)) };
    expect(selectorsOf(written('wmi', ref).holder)).toContainEqual(['Name', 'A&B <"x">']);
  });
});

describe('readEpr', () => {
  it.each(['wmi', 'dmtf'] as const)('reads back what writeEpr wrote (%s form), through an EndpointReference wrapper', (form) => {
    expect(readEpr(registry, written(form).holder)).toEqual(REF);
  });

  it.each(['wmi', 'dmtf'] as const)('reads an element that holds the EPR children directly (%s form)', (form) => {
    const { holder } = inHolder((w) => writeEprContent(w, REF, form));
    expect(readEpr(registry, holder)).toEqual(REF);
  });

  it('matches key names case-insensitively and returns the class\'s spelling and order', () => {
    const xml =
      `<p:Ref xmlns:p="urn:x" xmlns:a="${ADDR}" xmlns:w="${WSMAN}"><a:Address>${ANONYMOUS}</a:Address><a:ReferenceParameters>` +
      '<w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/msft_ipam_server</w:ResourceURI><w:SelectorSet>' +
      '<w:Selector Name="VERSION">10.0.20348</w:Selector><w:Selector Name="vendor">Microsoft Corporation</w:Selector>' +
      '<w:Selector Name="identifyingnumber">ipam1.contoso.com</w:Selector><w:Selector Name="name">IPAM</w:Selector>' +
      '</w:SelectorSet></a:ReferenceParameters></p:Ref>';
    expect(readEpr(registry, parseXml(xml))).toEqual(REF);
  });

  it('a missing key → InvalidSelectors, InsufficientSelectors', () => {
    const partial: CimReference = { ...REF, keys: REF.keys.filter((k) => k.name !== 'Vendor') };
    const f = faultOf(() => readEpr(registry, written('wmi', partial).holder));
    expect({ fault: f.fault, detail: f.detailUri }).toEqual({ fault: 'InvalidSelectors', detail: FD + 'InsufficientSelectors' });
    expect(f.message).toContain('Vendor');
  });

  it('no ReferenceParameters → SchemaValidationError', () => {
    const holder = parseXml(`<p:Ref xmlns:p="urn:x" xmlns:a="${ADDR}"><a:Address>${ANONYMOUS}</a:Address></p:Ref>`);
    expect(faultOf(() => readEpr(registry, holder)).fault).toBe('SchemaValidationError');
  });

  it('a wildcard URI names no class → SchemaValidationError', () => {
    const holder = parseXml(
      `<p:Ref xmlns:p="urn:x" xmlns:a="${ADDR}" xmlns:w="${WSMAN}"><a:ReferenceParameters>` +
        '<w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/*</w:ResourceURI></a:ReferenceParameters></p:Ref>',
    );
    expect(faultOf(() => readEpr(registry, holder)).fault).toBe('SchemaValidationError');
  });

  it('a class that does not exist → DestinationUnreachable', () => {
    const ref: CimReference = { ...REF, className: 'MSFT_IPAM_Nothing' };
    expect(faultOf(() => readEpr(registry, written('wmi', ref).holder)).fault).toBe('DestinationUnreachable');
  });
});
