/**
 * Reply envelopes as a client reads them: the standard header Windows emits
 * (wsman-wire.md §2), the empty Identify header (wsman-facts.md §8) and SOAP
 * faults (wsman-wire.md §5, wsman-facts.md §1). Every output goes through the
 * project's own XML parser.
 */
import { CimError, CimStatus } from '../../../src/cim/errors';
import { WsmanFault } from '../../../src/wsman/faults';
import { newMessageId, writeFault, writeIdentifyReply, writeReply, type ReplyContext } from '../../../src/wsman/reply';
import { attr, child, elements, parseXml, resolveQNameValue, textOf, type XmlElement } from '../../../src/xml/parse';
import type { XmlWriter } from '../../../src/xml/write';

const SOAP = 'http://www.w3.org/2003/05/soap-envelope';
const ADDRESSING = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';
const WSMAN = 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd';
const F = 'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';
const GET_RESPONSE = 'http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse';
const UUID_UPPER = /^uuid:[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

const rc = (over: Partial<ReplyContext> = {}): ReplyContext => ({
  relatesTo: 'uuid:E29754D0-F3F8-40A2-9DD8-7201DAA4A48A',
  lang: 'en-US',
  machine: 'ipam1.contoso.com',
  ...over,
});

function el(parent: XmlElement, ns: string, local: string): XmlElement {
  const c = child(parent, ns, local);
  if (!c) throw new Error(`no ${local} under ${parent.local}`);
  return c;
}

const header = (env: XmlElement): XmlElement => el(env, SOAP, 'Header');
const soapFault = (env: XmlElement): XmlElement => el(el(env, SOAP, 'Body'), SOAP, 'Fault');
const names = (e: XmlElement): string[] => elements(e).map((c) => c.local);
const noCimError = (): void => {
  throw new Error('no CIM error expected');
};

describe('writeReply', () => {
  const reply = (relatesTo: string | undefined): XmlElement =>
    parseXml(writeReply(GET_RESPONSE, rc({ relatesTo }), (w) => w.leaf('p:Thing', { 'xmlns:p': 'urn:thing' }, 'x')));

  it('writes Action, MessageID, To, RelatesTo in that order, all WS-Addressing', () => {
    const h = header(reply('uuid:REQ'));
    expect(elements(h).map((c) => [c.ns, c.local])).toEqual([
      [ADDRESSING, 'Action'],
      [ADDRESSING, 'MessageID'],
      [ADDRESSING, 'To'],
      [ADDRESSING, 'RelatesTo'],
    ]);
    expect(textOf(el(h, ADDRESSING, 'Action'))).toBe(GET_RESPONSE);
    expect(textOf(el(h, ADDRESSING, 'To'))).toBe(ANONYMOUS);
  });

  it('gives each reply a fresh upper-case uuid: MessageID', () => {
    const a = textOf(el(header(reply('uuid:1')), ADDRESSING, 'MessageID'));
    const b = textOf(el(header(reply('uuid:1')), ADDRESSING, 'MessageID'));
    expect(a).toMatch(UUID_UPPER);
    expect(b).toMatch(UUID_UPPER);
    expect(a).not.toBe(b);
    expect(newMessageId()).toMatch(UUID_UPPER);
  });

  it.each([
    'uuid:e6059331-b8d2-4867-aa9a-1e6eea5fa57f',
    '4366dd6f-e615-47fa-8077-d936b86b6b31',
    'urn:uuid:0000 & <odd>',
  ])('echoes the request MessageID %j verbatim in RelatesTo', (id) => {
    expect(textOf(el(header(reply(id)), ADDRESSING, 'RelatesTo'))).toBe(id);
  });

  it('omits RelatesTo when the request had no MessageID', () => {
    expect(names(header(reply(undefined)))).toEqual(['Action', 'MessageID', 'To']);
  });

  it('puts what the callback wrote inside s:Body, with xml:lang="en-US" on the envelope', () => {
    const env = reply('uuid:1');
    expect(env.ns).toBe(SOAP);
    expect(attr(env, XML_NS, 'lang')).toBe('en-US');
    const body = elements(el(env, SOAP, 'Body'));
    expect(body.map((c) => [c.ns, c.local, textOf(c)])).toEqual([['urn:thing', 'Thing', 'x']]);
  });
});

describe('writeIdentifyReply', () => {
  it('has an empty SOAP header and the body the callback wrote', () => {
    const env = parseXml(writeIdentifyReply((w) => w.leaf('wsmid:IdentifyResponse', { 'xmlns:wsmid': 'urn:id' })));
    expect(header(env).children).toEqual([]);
    expect(names(el(env, SOAP, 'Body'))).toEqual(['IdentifyResponse']);
  });
});

describe('writeFault', () => {
  const selectorsFault = (): WsmanFault => new WsmanFault('InvalidSelectors', { detail: 'UnexpectedSelectors' });

  it('uses the fault Action and the standard header', () => {
    const h = header(parseXml(writeFault(selectorsFault(), rc({ relatesTo: 'uuid:REQ' }), noCimError)));
    expect(names(h)).toEqual(['Action', 'MessageID', 'To', 'RelatesTo']);
    expect(textOf(el(h, ADDRESSING, 'Action'))).toBe('http://schemas.dmtf.org/wbem/wsman/1/wsman/fault');
    expect(textOf(el(h, ADDRESSING, 'RelatesTo'))).toBe('uuid:REQ');
  });

  it('writes s:Code/s:Value s:Sender and s:Subcode/s:Value w:InvalidSelectors, resolvable QNames', () => {
    const f = soapFault(parseXml(writeFault(selectorsFault(), rc(), noCimError)));
    expect(names(f)).toEqual(['Code', 'Reason', 'Detail']);
    const code = el(f, SOAP, 'Code');
    const value = el(code, SOAP, 'Value');
    const subValue = el(el(code, SOAP, 'Subcode'), SOAP, 'Value');
    expect(textOf(value)).toBe('s:Sender');
    expect(textOf(subValue)).toBe('w:InvalidSelectors');
    expect(resolveQNameValue(value, textOf(value)).ns).toBe(SOAP);
    expect(resolveQNameValue(subValue, textOf(subValue)).ns).toBe(WSMAN);
  });

  it('writes the reason with xml:lang and a trailing space, once', () => {
    const text = (fault: WsmanFault, lang: string): XmlElement => el(el(soapFault(parseXml(writeFault(fault, rc({ lang }), noCimError))), SOAP, 'Reason'), SOAP, 'Text');
    const t = text(selectorsFault(), 'en-US');
    expect(attr(t, XML_NS, 'lang')).toBe('en-US');
    expect(textOf(t)).toBe('The WS-Management service cannot process the request because the selectors for the resource are not valid. ');
    // Clients without a Locale get xml:lang="" (wsman-facts.md quirks).
    expect(attr(text(selectorsFault(), ''), XML_NS, 'lang')).toBe('');
    expect(textOf(text(new WsmanFault('TimedOut', { message: 'Already spaced. ' }), 'en-US'))).toBe('Already spaced. ');
  });

  it('writes w:FaultDetail, then f:WSManFault with Code, Machine and the message', () => {
    const detail = el(soapFault(parseXml(writeFault(selectorsFault(), rc({ machine: 'IPAM1.contoso.com' }), noCimError))), SOAP, 'Detail');
    expect(elements(detail).map((c) => [c.ns, c.local])).toEqual([
      [WSMAN, 'FaultDetail'],
      [F, 'WSManFault'],
    ]);
    expect(textOf(el(detail, WSMAN, 'FaultDetail'))).toBe('http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors');
    const wf = el(detail, F, 'WSManFault');
    expect(attr(wf, '', 'Code')).toBe('2150858843');
    expect(attr(wf, '', 'Machine')).toBe('IPAM1.contoso.com');
    expect(textOf(el(wf, F, 'Message'))).toBe(
      'The WS-Management service cannot process the request because the selectors for the resource are not valid. ',
    );
  });

  it('writes no w:FaultDetail when the fault has no detail', () => {
    const detail = el(soapFault(parseXml(writeFault(new WsmanFault('TimedOut'), rc(), noCimError))), SOAP, 'Detail');
    expect(names(detail)).toEqual(['WSManFault']);
  });

  it('writes the CIM error through the callback instead of f:WSManFault', () => {
    const err = new CimError({ status: CimStatus.INVALID_PARAMETER, message: 'DatabasePort 0 is not valid.' });
    const seen: CimError[] = [];
    const writeCim = (w: XmlWriter, e: CimError): void => {
      seen.push(e);
      w.leaf('p:MSFT_WmiError', { 'xmlns:p': 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_WmiError', 'b:IsCIM_Error': 'true' });
    };
    const f = soapFault(parseXml(writeFault(WsmanFault.fromCimError(err), rc(), writeCim)));
    expect(seen).toEqual([err]);
    const detail = el(f, SOAP, 'Detail');
    expect(names(detail)).toEqual(['FaultDetail', 'MSFT_WmiError']);
    expect(child(detail, F, 'WSManFault')).toBeUndefined();
    expect(textOf(el(el(f, SOAP, 'Reason'), SOAP, 'Text'))).toBe('DatabasePort 0 is not valid. ');
  });

  it('s:MustUnderstand: no Subcode, no Detail, addressing fault Action', () => {
    const fault = new WsmanFault('MustUnderstand', { notUnderstood: { ns: WSMAN, local: 'ResourceUri', prefix: 'wsman' } });
    const env = parseXml(writeFault(fault, rc(), noCimError));
    const f = soapFault(env);
    expect(names(f)).toEqual(['Code', 'Reason']);
    expect(names(el(f, SOAP, 'Code'))).toEqual(['Value']);
    expect(textOf(el(el(f, SOAP, 'Code'), SOAP, 'Value'))).toBe('s:MustUnderstand');
    expect(textOf(el(header(env), ADDRESSING, 'Action'))).toBe(ADDRESSING + '/fault');
  });

  it("s:MustUnderstand: s:NotUnderstood in the header keeps the request's prefix, declared on the element", () => {
    const fault = new WsmanFault('MustUnderstand', { notUnderstood: { ns: WSMAN, local: 'ResourceUri', prefix: 'wsman' } });
    const text = writeFault(fault, rc(), noCimError);
    expect(text).toContain(`<s:NotUnderstood qname="wsman:ResourceUri" xmlns:wsman="${WSMAN}"/>`);
    const nu = el(header(parseXml(text)), SOAP, 'NotUnderstood');
    expect(resolveQNameValue(nu, attr(nu, '', 'qname') as string)).toEqual({ ns: WSMAN, local: 'ResourceUri', prefix: 'wsman' });
  });

  it.each([
    ['s', 'a header whose prefix is the envelope\'s own'],
    ['', 'an unprefixed header'],
  ])('s:MustUnderstand for %j (%s) names the header with another prefix that resolves to its namespace', (prefix) => {
    const fault = new WsmanFault('MustUnderstand', { notUnderstood: { ns: 'urn:vendor:ext', local: 'Trace', prefix } });
    const env = parseXml(writeFault(fault, rc(), noCimError));
    const nu = el(header(env), SOAP, 'NotUnderstood');
    const qname = attr(nu, '', 'qname') as string;
    expect(qname).not.toMatch(/^s:/);
    expect(resolveQNameValue(nu, qname)).toMatchObject({ ns: 'urn:vendor:ext', local: 'Trace' });
    // The envelope itself stays SOAP 1.2: `s` was not re-bound.
    expect(env.ns).toBe(SOAP);
    expect(nu.ns).toBe(SOAP);
  });

  it('s:MustUnderstand for a header in no namespace is still namespace-well-formed XML', () => {
    // e.g. <Trace s:mustUnderstand="true"/> with no default namespace: a prefix cannot be bound to "".
    const fault = new WsmanFault('MustUnderstand', { notUnderstood: { ns: '', local: 'Trace', prefix: '' } });
    const env = parseXml(writeFault(fault, rc(), noCimError));
    const nu = el(header(env), SOAP, 'NotUnderstood');
    const r = resolveQNameValue(nu, attr(nu, '', 'qname') as string);
    expect(r.local).toBe('Trace');
    expect(r.ns ?? '').toBe('');
  });

  it('s:VersionMismatch names the supported envelope in s:Upgrade, with no Subcode and no Detail', () => {
    const env = parseXml(writeFault(new WsmanFault('VersionMismatch'), rc(), noCimError));
    const upgrade = el(header(env), SOAP, 'Upgrade');
    const supported = el(upgrade, SOAP, 'SupportedEnvelope');
    expect(resolveQNameValue(supported, attr(supported, '', 'qname') as string)).toMatchObject({ ns: SOAP, local: 'Envelope' });
    const f = soapFault(env);
    expect(names(f)).toEqual(['Code', 'Reason']);
    expect(textOf(el(el(f, SOAP, 'Code'), SOAP, 'Value'))).toBe('s:VersionMismatch');
  });

  it('a Receiver fault (InternalError) is written with s:Receiver', () => {
    const code = el(soapFault(parseXml(writeFault(new WsmanFault('InternalError'), rc(), noCimError))), SOAP, 'Code');
    expect(textOf(el(code, SOAP, 'Value'))).toBe('s:Receiver');
    expect(textOf(el(el(code, SOAP, 'Subcode'), SOAP, 'Value'))).toBe('w:InternalError');
  });

  it('escapes reason text and machine names so the fault still parses', () => {
    const fault = new WsmanFault('SchemaValidationError', { extra: 'Bad <value> & "quotes".' });
    const detail = el(soapFault(parseXml(writeFault(fault, rc({ machine: 'a"b<c' }), noCimError))), SOAP, 'Detail');
    const wf = el(detail, F, 'WSManFault');
    expect(attr(wf, '', 'Machine')).toBe('a"b<c');
    expect(textOf(el(wf, F, 'Message'))).toMatch(/Bad <value> & "quotes"\. $/);
  });
});
