/**
 * parseRequest / checkAddressing on envelopes shaped like the real clients'
 * (/work/shared/captures: pywinrm, wsl, openwsman, Go winrm; the MI client
 * request of wsman-wire.md §2), and the header faults of wsman-facts.md §1.
 */
import { WsmanFault } from '../../../src/wsman/faults';
import { checkAddressing, optionFlag, optionValue, parseRequest, type WsmanRequest } from '../../../src/wsman/request';
import { parseXml } from '../../../src/xml/parse';

const SOAP = 'http://www.w3.org/2003/05/soap-envelope';
const ADDR = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';
const WSMAN = 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd';
const WSMV = 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd';
const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';
const FD = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/';
const IPAM_URI = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server';

const parse = (xml: string): WsmanRequest => parseRequest(parseXml(xml));

function faultOf(fn: () => unknown): WsmanFault {
  try {
    fn();
  } catch (e) {
    if (e instanceof WsmanFault) return e;
    throw e;
  }
  throw new Error('expected a WsmanFault');
}

const summary = (f: WsmanFault) => ({ fault: f.fault, detail: f.detailUri, code: f.winrmCode });

interface Parts {
  action?: string | null;
  messageId?: string | null;
  replyTo?: string | null;
  extra?: string;
  body?: string;
}

/** An MI-client-shaped envelope; `null` leaves a header out. */
function envelope(p: Parts = {}): string {
  const h = (v: string | null | undefined, dflt: string, xml: (t: string) => string): string => (v === null ? '' : xml(v ?? dflt));
  return (
    `<s:Envelope xmlns:s="${SOAP}" xmlns:a="${ADDR}" xmlns:w="${WSMAN}" xmlns:p="${WSMV}"><s:Header>` +
    '<a:To>http://ipam1.contoso.com:5985/wsman</a:To>' +
    `<w:ResourceURI s:mustUnderstand="true">${IPAM_URI}</w:ResourceURI>` +
    h(p.replyTo, ANONYMOUS, (t) => `<a:ReplyTo><a:Address s:mustUnderstand="true">${t}</a:Address></a:ReplyTo>`) +
    h(p.action, 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get', (t) => `<a:Action s:mustUnderstand="true">${t}</a:Action>`) +
    h(p.messageId, 'uuid:11684999-5F8C-487F-8CE7-5B109837F710', (t) => `<a:MessageID>${t}</a:MessageID>`) +
    (p.extra ?? '') +
    `</s:Header><s:Body>${p.body ?? ''}</s:Body></s:Envelope>`
  );
}

// ---- Real client shapes -------------------------------------------------------------

/** pywinrm_basic/001: `env:` prefix, unprefixed mustUnderstand, Locale/DataLocale mustUnderstand="false". */
const PYWINRM =
  '<?xml version="1.0" encoding="utf-8"?>\n<env:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:b="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd" xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell" xmlns:cfg="http://schemas.microsoft.com/wbem/wsman/1/config"><env:Header><a:To>http://windows-host:5985/wsman</a:To><a:ReplyTo><a:Address mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo><w:MaxEnvelopeSize mustUnderstand="true">153600</w:MaxEnvelopeSize><a:MessageID>uuid:e6059331-b8d2-4867-aa9a-1e6eea5fa57f</a:MessageID><w:Locale mustUnderstand="false" xml:lang="en-US"></w:Locale><p:DataLocale mustUnderstand="false" xml:lang="en-US"></p:DataLocale><w:OperationTimeout>PT20S</w:OperationTimeout><w:ResourceURI mustUnderstand="true">http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd</w:ResourceURI><a:Action mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/transfer/Create</a:Action><w:OptionSet><w:Option Name="WINRS_NOPROFILE">FALSE</w:Option><w:Option Name="WINRS_CODEPAGE">437</w:Option></w:OptionSet></env:Header><env:Body><rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell></env:Body></env:Envelope>';

/** wsl/002: `wsa:`/`wsman:` prefixes, MessageID without `uuid:`, indented. */
const WSL_GET =
  '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsman="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:wsen="http://schemas.xmlsoap.org/ws/2004/09/enumeration">  <s:Header>    <wsa:Action s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</wsa:Action>    <wsa:To s:mustUnderstand="true">http://127.0.0.1:5999/wsman</wsa:To>    <wsman:ResourceURI s:mustUnderstand="true">http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem</wsman:ResourceURI>    <wsa:MessageID s:mustUnderstand="true">4366dd6f-e615-47fa-8077-d936b86b6b31</wsa:MessageID>    <wsa:ReplyTo>      <wsa:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:Address>    </wsa:ReplyTo>    <wsman:SelectorSet>      <wsman:Selector Name="Name">foo</wsman:Selector>    </wsman:SelectorSet>  </s:Header>  <s:Body/></s:Envelope>';

/** openwsman_wsman/007: an Invoke whose body element uses an `n1:` prefix. */
const OPENWSMAN_INVOKE =
  '<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsman="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:n1="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service"><s:Header><wsa:Action s:mustUnderstand="true">http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service/StartService</wsa:Action><wsa:To s:mustUnderstand="true">http://127.0.0.1:5999/wsman</wsa:To><wsman:ResourceURI s:mustUnderstand="true">http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service</wsman:ResourceURI><wsa:MessageID s:mustUnderstand="true">uuid:b2bead7c-60fa-10fa-8002-01000000fc02</wsa:MessageID><wsa:ReplyTo><wsa:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:Address></wsa:ReplyTo><wsman:SelectorSet><wsman:Selector Name="Name">Spooler</wsman:Selector></wsman:SelectorSet></s:Header><s:Body><n1:StartService_INPUT/></s:Body></s:Envelope>';

/** openwsman_wsman/001 (`<s:Header/>`) and go_masterzen/001 (no Header at all). */
const OPENWSMAN_IDENTIFY =
  '<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>';
const GO_IDENTIFY =
  '<?xml version="1.0" encoding="utf-8" ?>\n<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"><env:Body><wsmid:Identify xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"/></env:Body>\n</env:Envelope>';

/** The Windows MI client (wsman-wire.md §2), plus the options of OMI's Put1.xml / GetClassRequest.xml. */
const MI_OPTIONS =
  `<w:OptionSet xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
  '<w:Option Name="wmiarray:__MI_OPERATIONOPTIONS_CHANNELVALUE" Type="xs:unsignedInt">0</w:Option>' +
  '<w:Option Name="wmiarray:__MI_OPERATIONOPTIONS_CHANNELVALUE" Type="xs:unsignedInt">1</w:Option>' +
  '<w:Option Name="wmiarray:__MI_OPERATIONOPTIONS_CHANNELVALUE" Type="xs:unsignedInt">2</w:Option>' +
  '<w:Option Name="msftwinrm:UsePreciseArrays" Type="xs:boolean">true</w:Option>' +
  '<w:Option Name="__MI_CallbackRegistration" Type="xs:int">11</w:Option>' +
  '<w:Option Name="wmi:__MI_OPERATIONOPTIONS_WRITEERRORMODE" Type="xs:unsignedInt">1</w:Option>' +
  '</w:OptionSet>';
const MI_HEADERS =
  '<w:MaxEnvelopeSize s:mustUnderstand="true">512000</w:MaxEnvelopeSize>' +
  '<w:Locale xml:lang="en-US" s:mustUnderstand="false" /><p:DataLocale xml:lang="en-US" s:mustUnderstand="false" />' +
  '<p:ActivityId s:mustUnderstand="false">DEE76A48-606F-0001-F32F-EBDE6F60CD01</p:ActivityId>' +
  '<p:SessionId s:mustUnderstand="false">uuid:1F734FA4-F2E5-4B59-8517-4326F748204A</p:SessionId>' +
  '<p:OperationID s:mustUnderstand="false">uuid:4A6E8B13-E127-4048-8FE8-60347BA49E0D</p:OperationID>' +
  '<p:SequenceId s:mustUnderstand="false">1</p:SequenceId>' +
  '<w:SelectorSet><w:Selector Name="__cimnamespace">root/omi</w:Selector><w:Selector Name="v_Key">0</w:Selector></w:SelectorSet>' +
  MI_OPTIONS;

describe('parseRequest: envelopes as real clients send them', () => {
  it('pywinrm: reads every header, accepting its unprefixed mustUnderstand', () => {
    const r = parse(PYWINRM);
    checkAddressing(r);
    expect(r).toMatchObject({
      action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
      messageId: 'uuid:e6059331-b8d2-4867-aa9a-1e6eea5fa57f',
      to: 'http://windows-host:5985/wsman',
      resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd',
      maxEnvelopeSize: 153600,
      operationTimeoutMs: 20000,
      locale: 'en-US',
      dataLocale: 'en-US',
    });
    expect(optionValue(r, 'WINRS_CODEPAGE')).toBe('437');
    expect(r.bodyElement?.local).toBe('Shell');
  });

  it('pywinrm style: an unprefixed mustUnderstand="true" on an unknown header is honoured', () => {
    const f = faultOf(() => parse(envelope({ extra: '<p:Trace mustUnderstand="true">1</p:Trace>' })));
    expect(f.fault).toBe('MustUnderstand');
    expect(f.options.notUnderstood).toEqual({ ns: WSMV, local: 'Trace', prefix: 'p' });
  });

  it('wsl: a MessageID without uuid: and whitespace between headers', () => {
    const r = parse(WSL_GET);
    expect(() => checkAddressing(r)).not.toThrow();
    expect(r.messageId).toBe('4366dd6f-e615-47fa-8077-d936b86b6b31');
    expect(r.resourceUri).toBe('http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem');
    expect(r.selectors).toEqual([{ name: 'Name', value: 'foo' }]);
    expect(r.bodyElement).toBeUndefined();
  });

  it('openwsman: an Invoke body element is found by namespace, whatever its prefix', () => {
    const r = parse(OPENWSMAN_INVOKE);
    checkAddressing(r);
    expect(r.bodyElement).toMatchObject({ ns: 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service', local: 'StartService_INPUT' });
    expect(r.selectors).toEqual([{ name: 'Name', value: 'Spooler' }]);
  });

  it.each([
    ['openwsman, empty s:Header', OPENWSMAN_IDENTIFY],
    ['Go winrm, no Header', GO_IDENTIFY],
  ])('Identify (%s) parses with no addressing headers', (_label, xml) => {
    const r = parse(xml);
    expect(r.bodyElement).toMatchObject({ ns: 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd', local: 'Identify' });
    expect([r.action, r.messageId, r.resourceUri]).toEqual([undefined, undefined, undefined]);
    expect(r.options.size).toBe(0);
    expect(r.selectors).toEqual([]);
  });

  it('the MI client: session headers, selectors and MaxEnvelopeSize', () => {
    const r = parse(envelope({ extra: MI_HEADERS }));
    checkAddressing(r);
    expect(r).toMatchObject({ maxEnvelopeSize: 512000, locale: 'en-US', sessionId: 'uuid:1F734FA4-F2E5-4B59-8517-4326F748204A', operationId: 'uuid:4A6E8B13-E127-4048-8FE8-60347BA49E0D' });
    expect(r.selectors).toEqual([
      { name: '__cimnamespace', value: 'root/omi' },
      { name: 'v_Key', value: '0' },
    ]);
  });
});

describe('parseRequest: OptionSet', () => {
  const mi = (): WsmanRequest => parse(envelope({ extra: MI_OPTIONS }));

  it('groups repeated wmiarray: options into one array, without the prefix', () => {
    expect(mi().options.get('__mi_operationoptions_channelvalue')).toEqual({
      name: '__MI_OPERATIONOPTIONS_CHANNELVALUE',
      type: 'xs:unsignedInt',
      mustComply: false,
      values: ['0', '1', '2'],
    });
  });

  it('strips wmi: and keeps unprefixed __MI_ names', () => {
    const r = mi();
    expect(optionValue(r, '__MI_OPERATIONOPTIONS_WRITEERRORMODE')).toBe('1');
    expect(optionValue(r, '__MI_CallbackRegistration')).toBe('11');
    expect(r.options.get('__mi_callbackregistration')?.type).toBe('xs:int');
  });

  it('reads msftwinrm:UsePreciseArrays as a flag', () => {
    expect(optionFlag(mi(), 'msftwinrm:UsePreciseArrays')).toBe(true);
  });

  it('accepts an empty OptionSet marked mustUnderstand', () => {
    const r = parse(envelope({ extra: '<w:OptionSet s:mustUnderstand="true"/>' }));
    expect(r.options.size).toBe(0);
  });

  it('pypsrp: MustComply="true", names looked up case-insensitively', () => {
    const r = parse(envelope({ extra: '<w:OptionSet s:mustUnderstand="true"><w:Option MustComply="true" Name="protocolversion">2.3</w:Option></w:OptionSet>' }));
    expect(r.options.get('protocolversion')).toMatchObject({ name: 'protocolversion', mustComply: true, values: ['2.3'] });
    expect(optionValue(r, 'ProtocolVersion')).toBe('2.3');
  });

  it('ignores an Option with no Name', () => {
    expect(parse(envelope({ extra: '<w:OptionSet><w:Option>1</w:Option></w:OptionSet>' })).options.size).toBe(0);
  });

  it.each<[string, boolean | undefined]>([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    [' false ', false],
    ['0', false],
    ['yes', undefined],
  ])('optionFlag reads %j as %s', (text, expected) => {
    const r = parse(envelope({ extra: `<w:OptionSet><w:Option Name="IncludeQualifiers">${text}</w:Option></w:OptionSet>` }));
    expect(optionFlag(r, 'includequalifiers')).toBe(expected);
  });

  it('optionValue and optionFlag are undefined for an absent option', () => {
    const r = parse(envelope());
    expect(optionValue(r, 'IncludeQualifiers')).toBeUndefined();
    expect(optionFlag(r, 'IncludeQualifiers')).toBeUndefined();
  });
});

describe('parseRequest: headers are matched by namespace, not prefix', () => {
  it('reads headers written with odd prefixes and a default namespace', () => {
    const xml =
      `<soap12:Envelope xmlns:soap12="${SOAP}"><soap12:Header>` +
      `<q1:Action xmlns:q1="${ADDR}">urn:act</q1:Action>` +
      `<MessageID xmlns="${ADDR}">uuid:X</MessageID>` +
      `<zz:ResourceURI xmlns:zz="${WSMAN}" soap12:mustUnderstand="true">${IPAM_URI}</zz:ResourceURI>` +
      `<q1:ReplyTo xmlns:q1="${ADDR}"><q1:Address>${ANONYMOUS}</q1:Address></q1:ReplyTo>` +
      `<m:MaxEnvelopeSize xmlns:m="${WSMAN}">8192</m:MaxEnvelopeSize>` +
      `</soap12:Header><soap12:Body/></soap12:Envelope>`;
    const r = parse(xml);
    expect(() => checkAddressing(r)).not.toThrow();
    expect(r).toMatchObject({ action: 'urn:act', messageId: 'uuid:X', resourceUri: IPAM_URI, maxEnvelopeSize: 8192 });
  });

  it('ignores a familiar prefix bound to another namespace', () => {
    const r = parse(envelope({ action: null, extra: '<a:Action xmlns:a="urn:not-addressing">urn:decoy</a:Action><w:ResourceURI xmlns:w="urn:not-wsman">urn:decoy</w:ResourceURI>' }));
    expect(r.action).toBeUndefined();
    expect(r.resourceUri).toBe(IPAM_URI);
  });

  it('faults on a mustUnderstand header whose local name is known but whose namespace is not', () => {
    const f = faultOf(() => parse(envelope({ extra: `<w:ResourceURI xmlns:w="${WSMV}" s:mustUnderstand="true">x</w:ResourceURI>` })));
    expect(f.fault).toBe('MustUnderstand');
    expect(f.options.notUnderstood).toEqual({ ns: WSMV, local: 'ResourceURI', prefix: 'w' });
  });
});

describe('parseRequest: mustUnderstand', () => {
  it.each(['true', '1', ' TRUE '])('an unknown header with s:mustUnderstand=%j gets s:MustUnderstand', (v) => {
    const f = faultOf(() => parse(envelope({ extra: `<x:Trace xmlns:x="urn:vendor" s:mustUnderstand="${v}"/>` })));
    expect(f.fault).toBe('MustUnderstand');
    expect(f.options.notUnderstood).toEqual({ ns: 'urn:vendor', local: 'Trace', prefix: 'x' });
  });

  it.each(['false', '0'])('an unknown header with s:mustUnderstand=%j is ignored', (v) => {
    expect(() => parse(envelope({ extra: `<x:Trace xmlns:x="urn:vendor" s:mustUnderstand="${v}"/>` }))).not.toThrow();
  });

  it('Locale with mustUnderstand="true" → UnsupportedFeature, FD/Locale', () => {
    const f = faultOf(() => parse(envelope({ extra: '<w:Locale xml:lang="en-US" s:mustUnderstand="true"/>' })));
    expect(summary(f)).toEqual({ fault: 'UnsupportedFeature', detail: FD + 'Locale', code: 2150858887 });
  });

  it('Locale with an unprefixed mustUnderstand="true" (pywinrm style) is refused too', () => {
    const f = faultOf(() => parse(envelope({ extra: '<w:Locale xml:lang="en-US" mustUnderstand="true"/>' })));
    expect(f.detailUri).toBe(FD + 'Locale');
  });

  it('DataLocale with mustUnderstand="true" → UnsupportedFeature, FD/DataLocale', () => {
    const f = faultOf(() => parse(envelope({ extra: '<p:DataLocale xml:lang="de-DE" s:mustUnderstand="true"/>' })));
    expect(summary(f)).toEqual({ fault: 'UnsupportedFeature', detail: FD + 'DataLocale', code: 2150858887 });
  });
});

describe('parseRequest: MaxEnvelopeSize and OperationTimeout', () => {
  const withHeader = (xml: string): WsmanRequest => parse(envelope({ extra: xml }));

  it('MaxEnvelopeSize below 8192 → EncodingLimit, FD/MinimumEnvelopeLimit', () => {
    const f = faultOf(() => withHeader('<w:MaxEnvelopeSize>8191</w:MaxEnvelopeSize>'));
    expect(summary(f)).toEqual({ fault: 'EncodingLimit', detail: FD + 'MinimumEnvelopeLimit', code: 2150858878 });
  });

  it('MaxEnvelopeSize of exactly 8192 is accepted', () => {
    expect(withHeader('<w:MaxEnvelopeSize>8192</w:MaxEnvelopeSize>').maxEnvelopeSize).toBe(8192);
  });

  it.each(['abc', '-1', '1.5e6'])('MaxEnvelopeSize %j is an invalid header', (v) => {
    expect(faultOf(() => withHeader(`<w:MaxEnvelopeSize>${v}</w:MaxEnvelopeSize>`)).fault).toBe('InvalidMessageInformationHeader');
  });

  it.each([
    ['PT60.000S', 60000],
    ['PT20S', 20000],
    ['PT1M30S', 90000],
    [' PT0.5S ', 500],
  ])('OperationTimeout %j is %d ms', (text, ms) => {
    expect(withHeader(`<w:OperationTimeout>${text}</w:OperationTimeout>`).operationTimeoutMs).toBe(ms);
  });

  it.each(['60', 'PT', 'banana', 'PT-5S'])('OperationTimeout %j → InvalidMessageInformationHeader, FD/InvalidTimeout', (text) => {
    const f = faultOf(() => withHeader(`<w:OperationTimeout>${text}</w:OperationTimeout>`));
    expect(summary(f)).toEqual({ fault: 'InvalidMessageInformationHeader', detail: FD + 'InvalidTimeout', code: 2150858881 });
  });

  it('a valid but very long OperationTimeout (P1Y) is not refused: it is capped at MaxTimeoutms later (MS-WSMV 3.1.4.1.6)', () => {
    const r = withHeader('<w:OperationTimeout>P1Y</w:OperationTimeout>');
    expect(r.operationTimeoutMs).toBeGreaterThan(60000);
  });

  it('no OperationTimeout or MaxEnvelopeSize leaves both undefined', () => {
    const r = parse(envelope());
    expect([r.operationTimeoutMs, r.maxEnvelopeSize]).toEqual([undefined, undefined]);
  });
});

describe('parseRequest: the envelope itself', () => {
  it('no Body → InvalidMessageInformationHeader 2150858767 with Windows\' message', () => {
    const f = faultOf(() => parse(`<s:Envelope xmlns:s="${SOAP}"><s:Header/></s:Envelope>`));
    expect(summary(f)).toEqual({ fault: 'InvalidMessageInformationHeader', detail: undefined, code: 2150858767 });
    expect(f.message).toBe(
      'The WS-Management service cannot process the request. The SOAP packet that WS-Management received did not contain a valid Body element.',
    );
  });

  it('a SOAP 1.1 envelope → VersionMismatch', () => {
    const f = faultOf(() => parse('<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>'));
    expect(f.fault).toBe('VersionMismatch');
  });

  it('a root that is not an Envelope → SchemaValidationError', () => {
    expect(faultOf(() => parse(`<s:Body xmlns:s="${SOAP}"/>`)).fault).toBe('SchemaValidationError');
  });
});

describe('parseRequest: SelectorSet', () => {
  const sel = (inner: string): WsmanRequest => parse(envelope({ extra: `<w:SelectorSet>${inner}</w:SelectorSet>` }));

  it('the same Name twice, in any case → DuplicateSelectors', () => {
    const f = faultOf(() => sel('<w:Selector Name="Name">a</w:Selector><w:Selector Name="NAME">b</w:Selector>'));
    expect(summary(f)).toEqual({ fault: 'InvalidSelectors', detail: FD + 'DuplicateSelectors', code: 2150858847 });
  });

  it.each([
    ['no Name attribute', '<w:Selector>a</w:Selector>'],
    ['an empty Name', '<w:Selector Name="">a</w:Selector>'],
  ])('%s → InvalidSelectors', (_label, inner) => {
    expect(faultOf(() => sel(inner)).fault).toBe('InvalidSelectors');
  });

  it('an element other than w:Selector → UnexpectedSelectors', () => {
    const f = faultOf(() => sel('<w:Option Name="x">1</w:Option>'));
    expect(f.detailUri).toBe(FD + 'UnexpectedSelectors');
  });

  it('keeps a nested EndpointReference as the selector element', () => {
    const r = sel(
      `<w:Selector Name="Antecedent"><a:EndpointReference><a:Address>${ANONYMOUS}</a:Address>` +
        `<a:ReferenceParameters><w:ResourceURI>${IPAM_URI}</w:ResourceURI></a:ReferenceParameters></a:EndpointReference></w:Selector>`,
    );
    expect(r.selectors).toHaveLength(1);
    expect(r.selectors[0]).toMatchObject({ name: 'Antecedent', value: '', epr: { ns: ADDR, local: 'EndpointReference' } });
  });
});

describe('checkAddressing', () => {
  const check = (p: Parts): WsmanFault => faultOf(() => checkAddressing(parse(envelope(p))));

  it('accepts a complete request', () => {
    expect(() => checkAddressing(parse(envelope()))).not.toThrow();
  });

  it.each([
    ['missing', null],
    ['empty', ''],
    ['longer than 2 KB', 'uuid:' + 'A'.repeat(2044)],
  ])('a MessageID that is %s → InvalidMessageInformationHeader 2150858767', (_label, messageId) => {
    expect(summary(check({ messageId }))).toEqual({ fault: 'InvalidMessageInformationHeader', detail: undefined, code: 2150858767 });
  });

  it('a MessageID of exactly 2048 characters in any format is accepted (MS-WSMV <47>)', () => {
    expect(() => checkAddressing(parse(envelope({ messageId: 'x'.repeat(2048) })))).not.toThrow();
  });

  it('no Action → MessageInformationHeaderRequired 2150858769', () => {
    expect(summary(check({ action: null }))).toEqual({ fault: 'MessageInformationHeaderRequired', detail: undefined, code: 2150858769 });
  });

  it('no ReplyTo → MessageInformationHeaderRequired 2150858769', () => {
    expect(summary(check({ replyTo: null }))).toEqual({ fault: 'MessageInformationHeaderRequired', detail: undefined, code: 2150858769 });
  });

  it('a ReplyTo other than anonymous → UnsupportedFeature, FD/AddressingMode 2150858870', () => {
    expect(summary(check({ replyTo: 'http://client.example.com/replies' }))).toEqual({
      fault: 'UnsupportedFeature',
      detail: FD + 'AddressingMode',
      code: 2150858870,
    });
  });

  it('a ReplyTo with no Address → UnsupportedFeature, FD/AddressingMode', () => {
    const f = faultOf(() => checkAddressing(parse(envelope({ replyTo: null, extra: '<a:ReplyTo/>' }))));
    expect(f.detailUri).toBe(FD + 'AddressingMode');
  });
});
