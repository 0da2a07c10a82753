/**
 * The hostile corpus, per operation: every operation the endpoint serves
 * (Identify, Get, GetClass, Enumerate, Pull, Release, each CIM method of the
 * served classes), the WS-Transfer operations it refuses (Put, Create, Delete)
 * and actions it does not know, each attacked with malformed, oversized,
 * misplaced or unauthorised input, and each with the precise refusal expected.
 *
 * Where the expectation comes from Windows it cites the source; where nothing
 * public says what Windows does, it is the emulator's documented choice
 * (docs/protocol-decisions.md). Invokes carry the -WhatIf options and fail before
 * anything runs, so no case may change state.
 */
import { ACTION, IDENTIFY, IPAMUSER, NS, WMI, envelope } from '../support/soap';
import {
  BASE,
  BODY_EL,
  CIMXML_ANY_CLASS,
  ENUMERATE_BODY,
  FLEET_URI,
  GET_CLASS_OPTIONS,
  IPAM_SERVER_KEYS,
  IPAM_SERVER_URI,
  JOB_URI,
  LIVE_CONTEXT,
  LOWER_CASE_LIVE_CONTEXT,
  MAX_ELEMENTS_EL,
  RELEASED_CONTEXT,
  RESOURCE_EL,
  SELECTOR_DIALECT,
  SOAP11,
  SQL_PARAMETERS,
  WHAT_IF_OPTIONS,
  WQL,
  edit,
  fault,
  httpStatus,
  id,
  inEnumerate,
  invokeWith,
  parameters,
  pullWith,
  type Expectation,
  type HostileCase,
} from './corpus';

/** What a case may set besides its name, body, target and expectation (headers, method…). */
type Extra = Omit<HostileCase, 'name' | 'body' | 'target' | 'expect'>;

/** The operations the endpoint handles, as `target`s: the suite checks each has cases. */
export const OPERATIONS = [
  'Identify',
  'Get',
  'GetClass',
  'Enumerate',
  'Pull',
  'Release',
  'InvokeIpamServerProvisioning',
  'UpdateIpamServer',
  'RequestStateChange',
  'KillJob',
  'GetError',
  'InvokeIpamServerProvisioningOnHosts',
  'Put',
  'Create',
  'Delete',
  'unknown action',
] as const;

const CIMXML_PREFIX = 'http://schemas.dmtf.org/wbem/cim-xml/2/cim-schema/2/';
const DMTF_WILDCARD = 'http://schemas.dmtf.org/wbem/wscim/1/*';
const DMTF_PREFIX = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/';
const IPAM_NS = 'root/Microsoft/IPAM';
const UTF16 = { 'Content-Type': 'application/soap+xml;charset=UTF-16' };
/** Only an unauthenticated Identify carries this and no Authorization (MS-WSMV 3.1.4.1.23). */
const UNAUTHENTICATED = { headers: { WSMANIDENTIFY: 'unauthenticated' }, omitHeaders: ['Authorization'] } as const;
const AS_IPAM_USER = { headers: { Authorization: IPAMUSER } } as const;
/** A job that does not exist on the host: the fresh emulator has none. */
const NO_SUCH_JOB = { InstanceID: 'IPAM:0DDBA11C-NO-SUCH-JOB' };

// Faults used again and again, by what they say.
const NOT_FOUND = fault('a:DestinationUnreachable', 'InvalidResourceURI');
const TYPE_MISMATCH = fault('w:InvalidParameter', 'TypeMismatch');
const INVALID_NAME = fault('w:InvalidParameter', 'InvalidName');
/** A CIM INVALID_PARAMETER error from the provider (docs/protocol-decisions.md: w:InvalidParameter / InvalidValue). */
const INVALID_VALUE = fault('w:InvalidParameter', 'InvalidValue');
const SCHEMA = fault('w:SchemaValidationError');
/** A CIM NOT_SUPPORTED error: Put/Create/Delete on IPAM classes (docs/protocol-decisions.md). */
const NOT_SUPPORTED = fault('w:UnsupportedFeature');
const ACCESS_DENIED = fault('w:AccessDenied');
const BAD_CONTEXT = fault('n:InvalidEnumerationContext');
const ACTION_NOT_SUPPORTED = fault('a:ActionNotSupported');

/** A CIM method call on `uri` with the -WhatIf options (so a call taken for valid would run nothing). */
function methodCall(uri: string, method: string, inner: string, opts: { selectors?: Record<string, string>; optionsXml?: string; action?: string } = {}): string {
  return envelope({
    action: opts.action ?? `${uri}/${method}`,
    resourceUri: uri,
    selectors: opts.selectors,
    optionsXml: opts.optionsXml ?? WHAT_IF_OPTIONS,
    body: `<p:${method}_INPUT xmlns:p="${uri}">${inner}</p:${method}_INPUT>`,
    messageId: id(30),
  });
}
const update = (inner: string, opts: Parameters<typeof methodCall>[3] = {}): string => methodCall(IPAM_SERVER_URI, 'UpdateIpamServer', inner, opts);
const job = (method: string, inner: string, selectors: Record<string, string> = NO_SUCH_JOB): string => methodCall(JOB_URI, method, inner, { selectors });
const fleet = (inner: string, opts: Parameters<typeof methodCall>[3] = {}): string => methodCall(FLEET_URI, 'InvokeIpamServerProvisioningOnHosts', inner, opts);
/** The fleet call's provisioning parameters (valid), in the p: prefix its INPUT element binds. */
const FLEET_PARAMETERS = parameters(SQL_PARAMETERS).replace(/ipam:/g, 'p:');
const hostsXml = (hosts: readonly string[]): string => hosts.map((h) => `<p:Hosts>${h}</p:Hosts>`).join('');

function getClassWith(selectors: Record<string, string>, resourceUri = CIMXML_ANY_CLASS, extra: { optionsXml?: string; maxEnvelopeSize?: number } = {}): string {
  return envelope({ action: ACTION.get, resourceUri, selectors, optionsXml: extra.optionsXml ?? GET_CLASS_OPTIONS, maxEnvelopeSize: extra.maxEnvelopeSize, messageId: id(6) });
}
function getWith(resourceUri: string, selectors: Record<string, string> | undefined, headersXml = ''): string {
  return envelope({ action: ACTION.get, resourceUri, selectors, headersXml, messageId: id(2) });
}
/** A WS-Transfer request of `action` on `resourceUri`, with `body`. */
function transfer(action: string, resourceUri: string | undefined, body = '', selectors?: Record<string, string>): string {
  return envelope({ action, resourceUri, selectors, body, messageId: id(40) });
}
const enumerateBody = (inner: string): string => inEnumerate(BODY_EL, `<s:Body>${inner}</s:Body>`);
const selectorFilter = (uri: string, selectors: string, uriSelectors?: Record<string, string>): string =>
  envelope({
    action: ACTION.enumerate,
    resourceUri: uri,
    selectors: uriSelectors,
    body: `<n:Enumerate><w:OptimizeEnumeration/><w:Filter Dialect="${SELECTOR_DIALECT}"><w:SelectorSet>${selectors}</w:SelectorSet></w:Filter></n:Enumerate>`,
    messageId: id(1),
  });
const pull = (inner: string): string => pullWith(inner);
const release = (inner: string): string => pullWith(inner, ACTION.release);
const pullLive = (maxElements: string): string =>
  pull(`<n:Pull><n:EnumerationContext>${LIVE_CONTEXT}</n:EnumerationContext><n:MaxElements>${maxElements}</n:MaxElements></n:Pull>`);
/** BASE.invoke with one parameter replaced (or added). */
const provision = (p: Record<string, string>, extra = ''): string => invokeWith(parameters({ ...SQL_PARAMETERS, ...p }) + extra);

export function operationCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (target: string, name: string, body: string | Buffer, expect: Expectation, extra: Extra = {}): void => {
    cases.push({ name, body, target, expect, ...extra });
  };

  // --- Identify (DSP0226 §11; MS-WSMV 3.1.4.1.23). Header checks run before the body is dispatched.
  const identify = (name: string, body: string | Buffer, expect: Expectation, extra: Extra = {}): void =>
    add('Identify', `identify: ${name}`, body, expect, extra);
  const identifyHeader = (xml: string): string => edit(IDENTIFY, '<s:Header/>', `<s:Header>${xml}</s:Header>`);
  const identifyBody = (inner: string): string => edit(IDENTIFY, '<s:Body><wsmid:Identify/></s:Body>', `<s:Body>${inner}</s:Body>`);
  // The spec's own typo (MS-WSMV 2.2.1 prints …/identify/1/…): not Identify, so a request without MessageID.
  identify('the wsmid namespace misspelled identify/1', IDENTIFY.replace('/identity/1/', '/identify/1/'), fault('a:InvalidMessageInformationHeader'));
  identify('two Identify elements in the Body', identifyBody('<wsmid:Identify/><wsmid:Identify/>'), SCHEMA);
  identify('text beside Identify in the Body', identifyBody('<wsmid:Identify/>please'), SCHEMA);
  identify('a mandatory Locale', identifyHeader(`<w:Locale xmlns:w="${NS.wsman}" xml:lang="en-US" s:mustUnderstand="true"/>`), fault('w:UnsupportedFeature', 'Locale'));
  identify('MaxEnvelopeSize 100', identifyHeader(`<w:MaxEnvelopeSize xmlns:w="${NS.wsman}">100</w:MaxEnvelopeSize>`), fault('w:EncodingLimit', 'MinimumEnvelopeLimit'));
  identify("OperationTimeout 'forever'", identifyHeader(`<w:OperationTimeout xmlns:w="${NS.wsman}">forever</w:OperationTimeout>`), fault('a:InvalidMessageInformationHeader', 'InvalidTimeout'));
  identify('two MessageIDs', identifyHeader(`<a:MessageID xmlns:a="${NS.addressing}">${id(1)}</a:MessageID><a:MessageID xmlns:a="${NS.addressing}">${id(2)}</a:MessageID>`), fault('a:InvalidMessageInformationHeader'));
  identify('a SelectorSet naming one selector twice', identifyHeader(`<w:SelectorSet xmlns:w="${NS.wsman}"><w:Selector Name="a">1</w:Selector><w:Selector Name="A">2</w:Selector></w:SelectorSet>`), fault('w:InvalidSelectors', 'DuplicateSelectors'));
  // SOAP 1.2 Part 1 §5.4.7.
  identify('in a SOAP 1.1 envelope', IDENTIFY.replace(`xmlns:s="${NS.soap}"`, `xmlns:s="${SOAP11}"`), fault('s:VersionMismatch'));
  identify('UTF-16 big-endian under charset=UTF-16LE', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(IDENTIFY, 'utf16le').swap16()]), fault('w:EncodingLimit', 'CharacterSet'), {
    headers: { 'Content-Type': 'application/soap+xml;charset=UTF-16LE' },
  });
  // MS-WSMV 3.1.4.1.20: 413 past MaxEnvelopeSizekb, with our w:EncodingLimit body (docs/protocol-decisions.md).
  identify('600 KB of padding', identifyBody(`<wsmid:Identify/>${' '.repeat(600 * 1024)}`), fault('w:EncodingLimit', 'ServiceEnvelopeLimit', 413));
  identify('Content-Type text/xml', IDENTIFY, httpStatus(415), { headers: { 'Content-Type': 'text/xml;charset=UTF-8' } });
  identify('a Host header naming no host of the fleet', IDENTIFY, fault('a:DestinationUnreachable'), { headers: { Host: 'evil.example:5985' } });
  // Without credentials a client learns only that it must authenticate (docs/protocol-decisions.md).
  identify('unauthenticated, WSMANIDENTIFY with another value', IDENTIFY, httpStatus(401), { headers: { WSMANIDENTIFY: 'authenticated' }, omitHeaders: ['Authorization'] });
  identify('unauthenticated, an Enumerate behind WSMANIDENTIFY', BASE.enumerate, httpStatus(401), UNAUTHENTICATED);
  identify('unauthenticated, a mandatory unknown header', identifyHeader('<h:Evil xmlns:h="urn:hostile" s:mustUnderstand="true"/>'), httpStatus(401), UNAUTHENTICATED);
  identify('unauthenticated, Identify in no namespace', identifyBody('<Identify xmlns=""/>'), httpStatus(401), UNAUTHENTICATED);
  identify('unauthenticated, malformed XML', IDENTIFY.slice(0, -20), SCHEMA, UNAUTHENTICATED);
  identify('unauthenticated, UTF-16 with an odd number of bytes', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(IDENTIFY, 'utf16le'), Buffer.from([0x20])]), fault('w:EncodingLimit', 'CharacterSet'), {
    ...UNAUTHENTICATED,
    headers: { ...UNAUTHENTICATED.headers, ...UTF16 },
  });

  // --- Get (WS-Transfer; DSP0226 §7.3). Missing instances are a:DestinationUnreachable (docs/research/wsman-facts.md §3).
  const get = (name: string, body: string, expect: Expectation, extra: Extra = {}): void => add('Get', `get: ${name}`, body, expect, extra);
  get('no SelectorSet', getWith(IPAM_SERVER_URI, undefined), fault('w:InvalidSelectors', 'InsufficientSelectors'));
  const selectorSet = BASE.get.slice(BASE.get.indexOf('<w:SelectorSet>'), BASE.get.indexOf('</w:SelectorSet>') + '</w:SelectorSet>'.length);
  get('an empty SelectorSet', edit(BASE.get, selectorSet, '<w:SelectorSet/>'), fault('w:InvalidSelectors', 'InsufficientSelectors'));
  get('the instance of another host', getWith(IPAM_SERVER_URI, { ...IPAM_SERVER_KEYS, IdentifyingNumber: 'ipam2.contoso.com' }), NOT_FOUND);
  get('a 100 KB key value', getWith(IPAM_SERVER_URI, { ...IPAM_SERVER_KEYS, Name: 'N'.repeat(100_000) }), NOT_FOUND);
  get('a key given as an EPR', getWith(IPAM_SERVER_URI, undefined, `<w:SelectorSet><w:Selector Name="Name"><a:EndpointReference><a:Address>${NS.addressing}</a:Address></a:EndpointReference></w:Selector><w:Selector Name="IdentifyingNumber">ipam1.contoso.com</w:Selector><w:Selector Name="Vendor">${IPAM_SERVER_KEYS.Vendor}</w:Selector><w:Selector Name="Version">${IPAM_SERVER_KEYS.Version}</w:Selector></w:SelectorSet>`), fault('w:InvalidSelectors', 'TypeMismatch'));
  get('the wildcard resource URI', getWith(DMTF_WILDCARD, { __cimnamespace: IPAM_NS }), NOT_FOUND);
  get('a DMTF URI without __cimnamespace (root/cimv2 is not served)', getWith(`${DMTF_PREFIX}MSFT_IPAM_Server`, IPAM_SERVER_KEYS), NOT_FOUND);
  get('__cimnamespace escaping upwards (root/Microsoft/IPAM/../../..)', getWith(`${DMTF_PREFIX}MSFT_IPAM_Server`, { ...IPAM_SERVER_KEYS, __cimnamespace: 'root/Microsoft/IPAM/../../..' }), NOT_FOUND);
  // MS-WSMV <46>: a WMI URI whose namespace disagrees with __cimnamespace, w:InternalError 0x8033813B.
  get('a WMI URI with a disagreeing __cimnamespace', getWith(IPAM_SERVER_URI, { ...IPAM_SERVER_KEYS, __cimnamespace: 'root/cimv2' }), fault('w:InternalError'));
  get('a job that does not exist', getWith(JOB_URI, NO_SUCH_JOB), NOT_FOUND);
  get("a job key holding SQL (' or 1=1 --)", getWith(JOB_URI, { InstanceID: "' or 1=1 --" }), NOT_FOUND);
  get('CIM_ConcreteJob with a 100 KB InstanceID', getWith(`${DMTF_PREFIX}CIM_ConcreteJob`, { __cimnamespace: IPAM_NS, InstanceID: 'J'.repeat(100_000) }), NOT_FOUND);
  get('the fleet instance under another InstanceID', getWith(FLEET_URI, { InstanceID: 'not-the-fleet' }), NOT_FOUND);
  get('a Body holding text', edit(BASE.get, '<s:Body></s:Body>', '<s:Body>give me everything</s:Body>'), SCHEMA);
  get('a Body holding two elements', edit(BASE.get, '<s:Body></s:Body>', '<s:Body><x:A xmlns:x="urn:x"/><x:B xmlns:x="urn:x"/></s:Body>'), SCHEMA);
  get('as a GET request', BASE.get, httpStatus(405), { method: 'GET' });

  // --- GetClass: a Get on the CIM-XML URI with __cimnamespace and ClassName (MS-WSMV 3.1.4.1.38).
  const getClass = (name: string, body: string, expect: Expectation, extra: Extra = {}): void => add('GetClass', `getclass: ${name}`, body, expect, extra);
  getClass('no ClassName', getClassWith({ __cimnamespace: IPAM_NS }), fault('w:InvalidSelectors', 'InsufficientSelectors'));
  getClass('a class that does not exist', getClassWith({ __cimnamespace: IPAM_NS, ClassName: 'MSFT_IPAM_NoSuchClass' }), NOT_FOUND);
  getClass('an empty ClassName', getClassWith({ __cimnamespace: IPAM_NS, ClassName: '' }), NOT_FOUND);
  getClass('ClassName __proto__', getClassWith({ __cimnamespace: IPAM_NS, ClassName: '__proto__' }), NOT_FOUND);
  getClass('ClassName constructor', getClassWith({ __cimnamespace: IPAM_NS, ClassName: 'constructor' }), NOT_FOUND);
  getClass('a 100 KB ClassName', getClassWith({ __cimnamespace: IPAM_NS, ClassName: 'C'.repeat(100_000) }), NOT_FOUND);
  getClass('ClassName given twice in different case', edit(BASE.getClass, '<w:Selector Name="ClassName">MSFT_IPAM_Server</w:Selector>', '<w:Selector Name="ClassName">MSFT_IPAM_Server</w:Selector><w:Selector Name="CLASSNAME">MSFT_IPAM_Fleet</w:Selector>'), fault('w:InvalidSelectors', 'DuplicateSelectors'));
  getClass('a selector other than ClassName', getClassWith({ __cimnamespace: IPAM_NS, ClassName: 'MSFT_IPAM_Server', Name: 'x' }), fault('w:InvalidSelectors', 'UnexpectedSelectors'));
  getClass('no __cimnamespace (root/cimv2 is not served)', getClassWith({ ClassName: 'MSFT_IPAM_Server' }), NOT_FOUND);
  getClass('__cimnamespace of another namespace', getClassWith({ __cimnamespace: 'root/cimv2', ClassName: 'Win32_Process' }), NOT_FOUND);
  getClass('the CIM-XML URI naming a class that does not exist', getClassWith({ __cimnamespace: IPAM_NS }, `${CIMXML_PREFIX}MSFT_IPAM_NoSuchClass`), NOT_FOUND);
  getClass('the CIM-XML URI with a path after the class', getClassWith({ __cimnamespace: IPAM_NS }, `${CIMXML_PREFIX}MSFT_IPAM_Server/Name`), NOT_FOUND);
  // DSP0226 §6.2: a reply that would not fit the client's MaxEnvelopeSize is w:EncodingLimit.
  getClass('MaxEnvelopeSize 8192 for a class of 25 KB', getClassWith({ __cimnamespace: IPAM_NS, ClassName: 'CIM_ConcreteJob' }, CIMXML_ANY_CLASS, { maxEnvelopeSize: 8192 }), fault('w:EncodingLimit', 'MaxEnvelopeSizeExceeded'));
  getClass('a method invoked on the CIM-XML URI', methodCall(`${CIMXML_PREFIX}MSFT_IPAM_Server`, 'InvokeIpamServerProvisioning', '', { selectors: { __cimnamespace: IPAM_NS } }), ACTION_NOT_SUPPORTED);
  getClass('Put of a class definition', transfer(ACTION.put, CIMXML_ANY_CLASS, '<CLASS NAME="MSFT_IPAM_Server"/>', { __cimnamespace: IPAM_NS, ClassName: 'MSFT_IPAM_Server' }), NOT_SUPPORTED);
  getClass('as an IPAM user, a class that does not exist', getClassWith({ __cimnamespace: IPAM_NS, ClassName: 'NoSuch' }), NOT_FOUND, AS_IPAM_USER);

  // --- Enumerate (DSP0226 §8.2; MS-WSMV 3.1.4.1.13–17).
  const enumerate = (name: string, body: string, expect: Expectation, extra: Extra = {}): void => add('Enumerate', `enumerate: ${name}`, body, expect, extra);
  const maxElements = (v: string): string => inEnumerate(MAX_ELEMENTS_EL, `<w:MaxElements>${v}</w:MaxElements>`);
  enumerate("MaxElements '+5'", maxElements('+5'), SCHEMA);
  enumerate('MaxElements of 11 digits', maxElements('00000000032'), SCHEMA);
  enumerate("MaxElements '3 2'", maxElements('3 2'), SCHEMA);
  enumerate('MaxElements xsi:nil', inEnumerate(MAX_ELEMENTS_EL, '<w:MaxElements xsi:nil="true"/>'), SCHEMA);
  enumerate('MaxElements of 100 KB', maxElements('9'.repeat(100_000)), SCHEMA);
  // MS-WSMV 3.1.4.1.17: an unknown EnumerationMode is w:UnsupportedFeature / EnumerationMode.
  for (const mode of ['', 'enumerateepr', 'EnumerateObjectAndEPR EnumerateEPR', 'E'.repeat(10_000)]) {
    enumerate(`EnumerationMode '${mode.length > 40 ? `${mode.slice(0, 10)}… (${mode.length} chars)` : mode}'`, inEnumerate(MAX_ELEMENTS_EL, `${MAX_ELEMENTS_EL}<w:EnumerationMode>${mode}</w:EnumerationMode>`), fault('w:UnsupportedFeature', 'EnumerationMode'));
  }
  // WQL and CQL: n:CannotProcessFilter (Windows' form for WQL errors) and n:FilterDialectRequestedUnavailable.
  const filter = (dialect: string, inner: string): string => enumerateBody(`<n:Enumerate><w:OptimizeEnumeration/><w:Filter Dialect="${dialect}">${inner}</w:Filter></n:Enumerate>`);
  enumerate('a WQL filter holding an element instead of text', filter(WQL, '<q>select * from MSFT_IPAM_Server</q>'), fault('n:CannotProcessFilter'));
  enumerate('a WQL query on a class that does not exist', filter(WQL, 'select * from MSFT_IPAM_NoSuchClass'), fault('n:CannotProcessFilter'));
  enumerate('a WQL query selecting a 100 KB property name', filter(WQL, `select ${'P'.repeat(100_000)} from MSFT_IPAM_Server`), fault('n:CannotProcessFilter'));
  enumerate('a WQL query with a 100 KB unterminated string', filter(WQL, `select * from MSFT_IPAM_Server where Name = '${'s'.repeat(100_000)}`), fault('n:CannotProcessFilter'));
  enumerate("wsl's CQL dialect", filter('http://schemas.dmtf.org/wbem/cql/1/dsp0202.pdf', 'SELECT * FROM MSFT_IPAM_Server'), fault('n:FilterDialectRequestedUnavailable'));
  enumerate('a Dialect attribute in the WS-Man namespace', enumerateBody(`<n:Enumerate><w:Filter w:Dialect="${WQL}">select * from MSFT_IPAM_Server</w:Filter></n:Enumerate>`), fault('n:FilterDialectRequestedUnavailable'));
  enumerate('a 10 KB Dialect', filter(`urn:${'d'.repeat(10_000)}`, 'x'), fault('n:FilterDialectRequestedUnavailable'));
  enumerate('a WS-Enumeration Filter in an unknown dialect', enumerateBody('<n:Enumerate><n:Filter Dialect="urn:evil">//*</n:Filter></n:Enumerate>'), fault('n:FilterDialectRequestedUnavailable'));
  // MS-WSMV 3.1.4.1.13: a SelectorFilter on an array, datetime or reference property, or naming one twice.
  enumerate('a SelectorFilter on an array property', selectorFilter(JOB_URI, '<w:Selector Name="OperationalStatus">2</w:Selector>'), fault('n:CannotProcessFilter'));
  enumerate('a SelectorFilter on a datetime property', selectorFilter(JOB_URI, '<w:Selector Name="StartTime">20240101000000.000000+000</w:Selector>'), fault('n:CannotProcessFilter'));
  enumerate('a SelectorFilter selector without a Name', selectorFilter(IPAM_SERVER_URI, '<w:Selector>x</w:Selector>'), fault('n:CannotProcessFilter'));
  enumerate('a SelectorFilter on the wildcard URI', selectorFilter(DMTF_WILDCARD, '<w:Selector Name="Name">x</w:Selector>', { __cimnamespace: IPAM_NS }), fault('n:CannotProcessFilter'));
  enumerate('the wildcard URI without a filter, in the IPAM namespace', envelope({ action: ACTION.enumerate, resourceUri: DMTF_WILDCARD, selectors: { __cimnamespace: IPAM_NS }, body: ENUMERATE_BODY, messageId: id(1) }), fault('n:CannotProcessFilter'));
  enumerate('a class that does not exist', inEnumerate(RESOURCE_EL, `<w:ResourceURI s:mustUnderstand="true">${IPAM_SERVER_URI}X</w:ResourceURI>`), NOT_FOUND);
  enumerate('Enumerate in the WS-Transfer namespace', enumerateBody(`<t:Enumerate xmlns:t="${NS.transfer}"><w:OptimizeEnumeration/></t:Enumerate>`), SCHEMA);
  enumerate('Enumerate and text in the Body', enumerateBody(`${ENUMERATE_BODY}and more`), SCHEMA);
  enumerate('a selector besides __cimnamespace on a DMTF URI', envelope({ action: ACTION.enumerate, resourceUri: `${DMTF_PREFIX}MSFT_IPAM_Server`, selectors: { __cimnamespace: IPAM_NS, Name: 'x' }, body: ENUMERATE_BODY, messageId: id(1) }), fault('w:InvalidSelectors', 'UnexpectedSelectors'));

  // --- Pull (DSP0226 §8.4). Contexts are the opener's (docs/protocol-decisions.md).
  const pullCase = (name: string, body: string, expect: Expectation, extra: Extra = {}): void => add('Pull', `pull: ${name}`, body, expect, extra);
  pullCase('a live context pulled by another user (ipamuser)', pullLive('1'), BAD_CONTEXT, AS_IPAM_USER);
  pullCase('a released context', pull(`<n:Pull><n:EnumerationContext>${RELEASED_CONTEXT}</n:EnumerationContext></n:Pull>`), BAD_CONTEXT);
  pullCase('a live context in lower case', pull(`<n:Pull><n:EnumerationContext>${LOWER_CASE_LIVE_CONTEXT}</n:EnumerationContext></n:Pull>`), BAD_CONTEXT);
  pullCase('an unknown context before a live one', pull(`<n:Pull><n:EnumerationContext>${id(404)}</n:EnumerationContext><n:EnumerationContext>${LIVE_CONTEXT}</n:EnumerationContext></n:Pull>`), BAD_CONTEXT);
  pullCase('a live context in the WS-Man namespace', pull(`<n:Pull><w:EnumerationContext>${LIVE_CONTEXT}</w:EnumerationContext></n:Pull>`), BAD_CONTEXT);
  pullCase('a 100 KB context', pull(`<n:Pull><n:EnumerationContext>uuid:${'C'.repeat(100_000)}</n:EnumerationContext></n:Pull>`), BAD_CONTEXT);
  pullCase('a context xsi:nil', pull('<n:Pull><n:EnumerationContext xsi:nil="true"/></n:Pull>'), BAD_CONTEXT);
  pullCase('MaxElements of 11 digits on a live context', pullLive('00000000001'), SCHEMA);
  pullCase("MaxElements '1.0' on a live context", pullLive('1.0'), SCHEMA);
  pullCase('Pull in the WS-Transfer namespace', pull(`<t:Pull xmlns:t="${NS.transfer}"><n:EnumerationContext>${LIVE_CONTEXT}</n:EnumerationContext></t:Pull>`), SCHEMA);
  pullCase('two Pull elements in the Body', pull(`<n:Pull><n:EnumerationContext>${LIVE_CONTEXT}</n:EnumerationContext></n:Pull><n:Pull/>`), SCHEMA);

  // --- Release (DSP0226 §8.6).
  const releaseCase = (name: string, body: string, expect: Expectation, extra: Extra = {}): void => add('Release', `release: ${name}`, body, expect, extra);
  releaseCase('a released context', release(`<n:Release><n:EnumerationContext>${RELEASED_CONTEXT}</n:EnumerationContext></n:Release>`), BAD_CONTEXT);
  releaseCase('a live context released by another user (ipamuser)', BASE.release, BAD_CONTEXT, AS_IPAM_USER);
  releaseCase('a 100 KB context', release(`<n:Release><n:EnumerationContext>uuid:${'R'.repeat(100_000)}</n:EnumerationContext></n:Release>`), BAD_CONTEXT);
  releaseCase('an empty context', release('<n:Release><n:EnumerationContext></n:EnumerationContext></n:Release>'), BAD_CONTEXT);
  releaseCase('a live context in the WS-Transfer namespace', release(`<t:Release xmlns:t="${NS.transfer}"><n:EnumerationContext>${LIVE_CONTEXT}</n:EnumerationContext></t:Release>`), SCHEMA);
  releaseCase('two Release elements in the Body', release(`<n:Release><n:EnumerationContext>${LIVE_CONTEXT}</n:EnumerationContext></n:Release><n:Release/>`), SCHEMA);
  releaseCase('a live context with text beside it in the Body', release(`<n:Release><n:EnumerationContext>${LIVE_CONTEXT}</n:EnumerationContext></n:Release>tail`), SCHEMA);
  releaseCase('no ResourceURI and an unknown context', envelope({ action: ACTION.release, body: `<n:Release><n:EnumerationContext>${id(404)}</n:EnumerationContext></n:Release>`, messageId: id(5) }), BAD_CONTEXT);

  // --- InvokeIpamServerProvisioning (MS-WSMV 3.1.4.1.32): parameter faults come before anything runs.
  const provisionCase = (name: string, body: string, expect: Expectation, extra: Extra = {}): void =>
    add('InvokeIpamServerProvisioning', `provision: ${name}`, body, expect, extra);
  provisionCase('DatabasePort 65536 (past uint16)', provision({ DatabasePort: '65536' }), TYPE_MISMATCH);
  provisionCase("DatabasePort '1433 '", provision({ DatabasePort: '14 33' }), TYPE_MISMATCH);
  provisionCase('DatabasePort holding an EPR', provision({ DatabasePort: `<a:Address>${NS.addressing}</a:Address>` }), TYPE_MISMATCH);
  provisionCase("UseExistingSchema 'yes'", provision({ UseExistingSchema: 'yes' }), TYPE_MISMATCH);
  provisionCase("DatabaseAuthType 'SQL' (a Values name, not a ValueMap value)", provision({ DatabaseAuthType: 'SQL' }), TYPE_MISMATCH);
  provisionCase('Job, an output parameter, given as input', provision({}, '<ipam:Job>x</ipam:Job>'), INVALID_NAME);
  provisionCase('a parameter of UpdateIpamServer', provision({}, '<ipam:DeleteSystemCheckFailureRows>true</ipam:DeleteSystemCheckFailureRows>'), INVALID_NAME);
  provisionCase('1,000 unknown parameters', provision({}, Array.from({ length: 1000 }, (_, i) => `<ipam:P${i}>1</ipam:P${i}>`).join('')), INVALID_NAME);
  provisionCase('the _OUTPUT element as input', invokeWith(parameters(SQL_PARAMETERS)).replace(/InvokeIpamServerProvisioning_INPUT/g, 'InvokeIpamServerProvisioning_OUTPUT'), SCHEMA);
  provisionCase('ProvisioningMethod 5 (not in the ValueMap)', provision({ ProvisioningMethod: '5' }), INVALID_VALUE);
  provisionCase('DatabaseAuthType 2 without a credential', provision({ DatabaseAuthType: '2' }), INVALID_VALUE);
  provisionCase('the Action with a trailing slash', invokeWith(parameters(SQL_PARAMETERS)).replace('/InvokeIpamServerProvisioning<', '/InvokeIpamServerProvisioning/<'), ACTION_NOT_SUPPORTED);
  provisionCase('the Action naming the method on the fleet URI', invokeWith(parameters(SQL_PARAMETERS)).replace(`>${IPAM_SERVER_URI}</w:ResourceURI>`, `>${FLEET_URI}</w:ResourceURI>`), ACTION_NOT_SUPPORTED);
  provisionCase('as an IPAM user', BASE.invoke, ACCESS_DENIED, AS_IPAM_USER);
  // Issue 14: a folder name over 255 characters or 255 bytes of UTF-8 is the parameter's error, before anything is made.
  const wid = (path: string): string => invokeWith(parameters({ ProvisioningMethod: '1', WidSchemaPath: path, Force: 'true' }));
  provisionCase('a WidSchemaPath folder of 256 ASCII characters', wid('D:\\' + 'a'.repeat(256)), INVALID_VALUE);
  provisionCase('a WidSchemaPath folder of 128 é (2-byte UTF-8: 256 bytes)', wid('D:\\' + 'é'.repeat(128)), INVALID_VALUE);
  provisionCase('a WidSchemaPath folder of 86 中 (3-byte UTF-8: 258 bytes)', wid('D:\\' + '中'.repeat(86)), INVALID_VALUE);
  provisionCase('a WidSchemaPath folder of 64 😀 (4-byte UTF-8: 256 bytes)', wid('D:\\' + '😀'.repeat(64)), INVALID_VALUE);
  provisionCase('a long folder in the middle of a WidSchemaPath', wid('D:\\ipam\\' + 'é'.repeat(128) + '\\db'), INVALID_VALUE);

  // --- UpdateIpamServer (static; the fresh host is unprovisioned, so a valid call is a CIM error).
  const updateCase = (name: string, body: string, expect: Expectation, extra: Extra = {}): void => add('UpdateIpamServer', `update: ${name}`, body, expect, extra);
  updateCase("DeleteSystemCheckFailureRows 'maybe'", update('<p:DeleteSystemCheckFailureRows>maybe</p:DeleteSystemCheckFailureRows>'), TYPE_MISMATCH);
  updateCase("Force '2'", update('<p:Force>2</p:Force>'), TYPE_MISMATCH);
  updateCase('Force given twice', update('<p:Force>true</p:Force><p:Force>false</p:Force>'), TYPE_MISMATCH);
  updateCase('Force holding an element', update('<p:Force><p:Force>true</p:Force></p:Force>'), TYPE_MISMATCH);
  updateCase('an unknown parameter', update('<p:Bogus>1</p:Bogus>'), INVALID_NAME);
  updateCase('a parameter of InvokeIpamServerProvisioning', update('<p:DatabaseName>IPAM</p:DatabaseName>'), INVALID_NAME);
  updateCase('Job, an output parameter, given as input', update('<p:Job>x</p:Job>'), INVALID_NAME);
  updateCase('ReturnValue given as input', update('<p:ReturnValue>0</p:ReturnValue>'), INVALID_NAME);
  updateCase('the INPUT element of InvokeIpamServerProvisioning', envelope({ action: `${IPAM_SERVER_URI}/UpdateIpamServer`, resourceUri: IPAM_SERVER_URI, optionsXml: WHAT_IF_OPTIONS, body: BASE.invoke.slice(BASE.invoke.indexOf('<ipam:InvokeIpamServerProvisioning_INPUT'), BASE.invoke.indexOf('</s:Body>')), messageId: id(31) }), SCHEMA);
  updateCase('the INPUT element holding text', update('force please'), SCHEMA);
  updateCase('a 100 KB parameter name', update(`<p:${'F'.repeat(100_000)}>true</p:${'F'.repeat(100_000)}>`), INVALID_NAME);
  updateCase('as an IPAM user', update('<p:Force>true</p:Force>'), ACCESS_DENIED, AS_IPAM_USER);

  // --- The job methods of MSFT_IPAM_ConcreteJob (CIM_ConcreteJob; instance methods, so the key is needed).
  const jobCase = (method: string, name: string, body: string, expect: Expectation, extra: Extra = {}): void => add(method, `job ${method}: ${name}`, body, expect, extra);
  const RSC = 'RequestStateChange';
  jobCase(RSC, 'a job that does not exist', job(RSC, '<p:RequestedState>4</p:RequestedState>'), NOT_FOUND);
  jobCase(RSC, 'no selectors', job(RSC, '<p:RequestedState>4</p:RequestedState>', {}), fault('w:InvalidSelectors', 'InsufficientSelectors'));
  jobCase(RSC, 'a selector that is not a key (JobState)', job(RSC, '<p:RequestedState>4</p:RequestedState>', { ...NO_SUCH_JOB, JobState: '4' }), fault('w:InvalidSelectors', 'UnexpectedSelectors'));
  jobCase(RSC, "RequestedState 'Terminate' (a Values name)", job(RSC, '<p:RequestedState>Terminate</p:RequestedState>'), TYPE_MISMATCH);
  jobCase(RSC, 'RequestedState 70000 (past uint16)', job(RSC, '<p:RequestedState>70000</p:RequestedState>'), TYPE_MISMATCH);
  jobCase(RSC, 'RequestedState -1', job(RSC, '<p:RequestedState>-1</p:RequestedState>'), TYPE_MISMATCH);
  jobCase(RSC, "TimeoutPeriod 'soon'", job(RSC, '<p:RequestedState>4</p:RequestedState><p:TimeoutPeriod>soon</p:TimeoutPeriod>'), TYPE_MISMATCH);
  jobCase(RSC, 'TimeoutPeriod an interval with 9 digits of days', job(RSC, '<p:RequestedState>4</p:RequestedState><p:TimeoutPeriod>999999999000000.000000:000</p:TimeoutPeriod>'), TYPE_MISMATCH);
  jobCase(RSC, 'an unknown parameter', job(RSC, '<p:RequestedState>4</p:RequestedState><p:Now>true</p:Now>'), INVALID_NAME);
  jobCase(RSC, "a job key holding SQL (' or 1=1 --)", job(RSC, '<p:RequestedState>4</p:RequestedState>', { InstanceID: "' or 1=1 --" }), NOT_FOUND);
  jobCase(RSC, 'on MSFT_IPAM_Server, which has no such method', methodCall(IPAM_SERVER_URI, RSC, '<p:RequestedState>4</p:RequestedState>', { selectors: IPAM_SERVER_KEYS }), fault('a:ActionNotSupported', 'ActionMismatch'));
  jobCase(RSC, 'as an IPAM user', job(RSC, '<p:RequestedState>4</p:RequestedState>'), ACCESS_DENIED, AS_IPAM_USER);
  jobCase('KillJob', 'a job that does not exist', job('KillJob', '<p:DeleteOnKill>false</p:DeleteOnKill>'), NOT_FOUND);
  jobCase('KillJob', "DeleteOnKill 'yes'", job('KillJob', '<p:DeleteOnKill>yes</p:DeleteOnKill>'), TYPE_MISMATCH);
  jobCase('KillJob', 'the INPUT element of RequestStateChange', job('KillJob', '').replace(/KillJob_INPUT/g, 'RequestStateChange_INPUT'), SCHEMA);
  jobCase('KillJob', 'an InstanceID given twice', job('KillJob', '').replace('</w:SelectorSet>', '<w:Selector Name="instanceid">IPAM:other</w:Selector></w:SelectorSet>'), fault('w:InvalidSelectors', 'DuplicateSelectors'));
  jobCase('KillJob', 'a 100 KB InstanceID', job('KillJob', '', { InstanceID: 'K'.repeat(100_000) }), NOT_FOUND);
  jobCase('KillJob', 'as an IPAM user', job('KillJob', ''), ACCESS_DENIED, AS_IPAM_USER);
  jobCase('GetError', 'a job that does not exist', job('GetError', ''), NOT_FOUND);
  jobCase('GetError', 'a job that does not exist, as an IPAM user (a read)', job('GetError', ''), NOT_FOUND, AS_IPAM_USER);
  jobCase('GetError', 'Error, an output parameter, given as input', job('GetError', '<p:Error>x</p:Error>'), INVALID_NAME);
  jobCase('GetError', 'no selectors', job('GetError', '', {}), fault('w:InvalidSelectors', 'InsufficientSelectors'));
  jobCase('GetError', 'on CIM_ConcreteJob without __cimnamespace (root/cimv2 is not served)', methodCall(`${DMTF_PREFIX}CIM_ConcreteJob`, 'GetError', '', { selectors: NO_SUCH_JOB }), NOT_FOUND);
  jobCase('GetError', 'the Action naming GetErrors, which Windows does not declare', job('GetErrors', ''), fault('a:ActionNotSupported', 'ActionMismatch'));

  // --- MSFT_IPAM_Fleet.InvokeIpamServerProvisioningOnHosts (static; all or nothing).
  const fleetCase = (name: string, body: string, expect: Expectation, extra: Extra = {}): void => add('InvokeIpamServerProvisioningOnHosts', `fleet: ${name}`, body, expect, extra);
  fleetCase('no Hosts', fleet(FLEET_PARAMETERS), INVALID_VALUE);
  fleetCase('a host not in the fleet', fleet(hostsXml(['ipam1.contoso.com', 'evil.example']) + FLEET_PARAMETERS), INVALID_VALUE);
  fleetCase('an empty host name', fleet(hostsXml(['']) + FLEET_PARAMETERS), INVALID_VALUE);
  fleetCase('a host named __proto__', fleet(hostsXml(['__proto__']) + FLEET_PARAMETERS), INVALID_VALUE);
  fleetCase('10,000 copies of the host and one stranger', fleet(hostsXml([...Array.from({ length: 10_000 }, () => 'ipam1.contoso.com'), 'stranger'])), INVALID_VALUE);
  fleetCase('Hosts xsi:nil', fleet('<p:Hosts xsi:nil="true"/>' + FLEET_PARAMETERS), INVALID_VALUE);
  fleetCase('a Hosts value holding an element', fleet('<p:Hosts><x>ipam1.contoso.com</x></p:Hosts>' + FLEET_PARAMETERS), TYPE_MISMATCH);
  fleetCase('ThrottleLimit -1', fleet(hostsXml(['ipam1.contoso.com']) + '<p:ThrottleLimit>-1</p:ThrottleLimit>' + FLEET_PARAMETERS), TYPE_MISMATCH);
  fleetCase('ThrottleLimit 4294967296 (past uint32)', fleet(hostsXml(['ipam1.contoso.com']) + '<p:ThrottleLimit>4294967296</p:ThrottleLimit>' + FLEET_PARAMETERS), TYPE_MISMATCH);
  fleetCase("ThrottleLimit 'four'", fleet(hostsXml(['ipam1.contoso.com']) + '<p:ThrottleLimit>four</p:ThrottleLimit>' + FLEET_PARAMETERS), TYPE_MISMATCH);
  fleetCase('Jobs, an output parameter, given as input', fleet(hostsXml(['ipam1.contoso.com']) + '<p:Jobs>x</p:Jobs>'), INVALID_NAME);
  fleetCase('ProvisioningMethod 7', fleet(hostsXml(['ipam1.contoso.com']) + FLEET_PARAMETERS.replace('<p:ProvisioningMethod>1<', '<p:ProvisioningMethod>7<')), INVALID_VALUE);
  fleetCase("DatabasePort 'abc'", fleet(hostsXml(['ipam1.contoso.com']) + FLEET_PARAMETERS.replace('<p:DatabasePort>1433<', '<p:DatabasePort>abc<')), TYPE_MISMATCH);
  fleetCase('selectors naming one key twice', fleet(hostsXml(['ipam1.contoso.com']) + FLEET_PARAMETERS, { selectors: { InstanceID: 'contoso', INSTANCEID: 'x' } }), fault('w:InvalidSelectors', 'DuplicateSelectors'));
  fleetCase('as an IPAM user', BASE.fleet, ACCESS_DENIED, AS_IPAM_USER);

  // --- Put, Create and Delete: refused on IPAM classes with a CIM NOT_SUPPORTED error (docs/protocol-decisions.md).
  const put = (name: string, body: string, expect: Expectation, extra: Extra = {}): void => add('Put', `put: ${name}`, body, expect, extra);
  const create = (name: string, body: string, expect: Expectation, extra: Extra = {}): void => add('Create', `create: ${name}`, body, expect, extra);
  const del = (name: string, body: string, expect: Expectation, extra: Extra = {}): void => add('Delete', `delete: ${name}`, body, expect, extra);
  const serverInstance = (inner: string): string => `<p:MSFT_IPAM_Server xmlns:p="${IPAM_SERVER_URI}">${inner}</p:MSFT_IPAM_Server>`;
  put('the IPAM server, ProvisioningState 2', transfer(ACTION.put, IPAM_SERVER_URI, serverInstance('<p:ProvisioningState>2</p:ProvisioningState>'), IPAM_SERVER_KEYS), NOT_SUPPORTED);
  put('an empty Body', transfer(ACTION.put, IPAM_SERVER_URI, '', IPAM_SERVER_KEYS), NOT_SUPPORTED);
  put('without selectors', transfer(ACTION.put, IPAM_SERVER_URI, serverInstance('')), NOT_SUPPORTED);
  put('a job', transfer(ACTION.put, JOB_URI, `<p:MSFT_IPAM_ConcreteJob xmlns:p="${JOB_URI}"><p:JobState>7</p:JobState></p:MSFT_IPAM_ConcreteJob>`, NO_SUCH_JOB), NOT_SUPPORTED);
  put('a 100 KB instance', transfer(ACTION.put, IPAM_SERVER_URI, serverInstance(`<p:Caption>${'c'.repeat(100_000)}</p:Caption>`), IPAM_SERVER_KEYS), NOT_SUPPORTED);
  put('a class that does not exist', transfer(ACTION.put, `${IPAM_SERVER_URI}X`, serverInstance(''), IPAM_SERVER_KEYS), NOT_FOUND);
  put('as an IPAM user', transfer(ACTION.put, IPAM_SERVER_URI, serverInstance(''), IPAM_SERVER_KEYS), ACCESS_DENIED, AS_IPAM_USER);
  put('a mandatory FragmentTransfer (not supported)', envelope({ action: ACTION.put, resourceUri: IPAM_SERVER_URI, selectors: IPAM_SERVER_KEYS, headersXml: '<w:FragmentTransfer s:mustUnderstand="true">ProvisioningState</w:FragmentTransfer>', body: '<w:XmlFragment><ProvisioningState>2</ProvisioningState></w:XmlFragment>', messageId: id(41) }), fault('s:MustUnderstand'));
  create('an IPAM server', transfer(ACTION.create, IPAM_SERVER_URI, serverInstance('<p:Name>evil</p:Name>')), NOT_SUPPORTED);
  create('the fleet', transfer(ACTION.create, FLEET_URI, `<p:MSFT_IPAM_Fleet xmlns:p="${FLEET_URI}"><p:InstanceID>evil</p:InstanceID></p:MSFT_IPAM_Fleet>`), NOT_SUPPORTED);
  create('a job', transfer(ACTION.create, JOB_URI, `<p:MSFT_IPAM_ConcreteJob xmlns:p="${JOB_URI}"><p:InstanceID>IPAM:evil</p:InstanceID></p:MSFT_IPAM_ConcreteJob>`), NOT_SUPPORTED);
  create('with an empty Body', transfer(ACTION.create, IPAM_SERVER_URI, ''), NOT_SUPPORTED);
  create('on the wildcard URI', transfer(ACTION.create, DMTF_WILDCARD, serverInstance(''), { __cimnamespace: IPAM_NS }), NOT_SUPPORTED);
  create('without a ResourceURI', transfer(ACTION.create, undefined, serverInstance('')), NOT_FOUND);
  create('as an IPAM user', transfer(ACTION.create, IPAM_SERVER_URI, serverInstance('')), ACCESS_DENIED, AS_IPAM_USER);
  del('the IPAM server', transfer(ACTION.delete, IPAM_SERVER_URI, '', IPAM_SERVER_KEYS), NOT_SUPPORTED);
  del('a job that does not exist', transfer(ACTION.delete, JOB_URI, '', NO_SUCH_JOB), NOT_SUPPORTED);
  del('without selectors', transfer(ACTION.delete, IPAM_SERVER_URI), NOT_SUPPORTED);
  del('with a Body', transfer(ACTION.delete, IPAM_SERVER_URI, serverInstance(''), IPAM_SERVER_KEYS), NOT_SUPPORTED);
  del('a class that does not exist', transfer(ACTION.delete, `${WMI}MSFT_IPAM_Nothing`, '', { InstanceID: '1' }), NOT_FOUND);
  del('without a ResourceURI', transfer(ACTION.delete, undefined, '', IPAM_SERVER_KEYS), NOT_FOUND);
  del('as an IPAM user', transfer(ACTION.delete, IPAM_SERVER_URI, '', IPAM_SERVER_KEYS), ACCESS_DENIED, AS_IPAM_USER);

  // --- Actions nobody serves: a:ActionNotSupported, once the resource is found (Windows finds it first).
  const unknown = (name: string, action: string, expect: Expectation = ACTION_NOT_SUPPORTED, resourceUri: string | undefined = IPAM_SERVER_URI): void =>
    add('unknown action', `unknown action: ${name}`, envelope({ action, resourceUri, body: ENUMERATE_BODY, messageId: id(50) }), expect);
  unknown('Unsubscribe', 'http://schemas.xmlsoap.org/ws/2004/08/eventing/Unsubscribe');
  unknown('Get in upper case', ACTION.get.replace('/Get', '/GET'));
  unknown('Get of WS-Transfer 2004/08', ACTION.get.replace('2004/09', '2004/08'));
  unknown('a response Action (EnumerateResponse)', ACTION.enumerateResponse);
  unknown('the WS-Man fault Action', ACTION.wsmanFault);
  unknown('InteractiveResponse (full duplex is not served)', 'http://schemas.microsoft.com/wbem/wsman/1/wsman/InteractiveResponse');
  unknown('a shell Command', 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command');
  unknown('a method name with a query string', `${IPAM_SERVER_URI}/InvokeIpamServerProvisioning?x=1`);
  unknown('a method name with non-ASCII letters', `${IPAM_SERVER_URI}/Invökë`);
  unknown('a 10 KB method name', `${IPAM_SERVER_URI}/${'M'.repeat(10_000)}`, fault('a:ActionNotSupported', 'ActionMismatch'));
  unknown('a method of the fleet on the server URI', `${IPAM_SERVER_URI}/InvokeIpamServerProvisioningOnHosts`, fault('a:ActionNotSupported', 'ActionMismatch'));
  unknown('with no ResourceURI', 'http://evil.example/DoSomething', ACTION_NOT_SUPPORTED, undefined);
  unknown('on a class that does not exist (the resource is checked first)', 'http://evil.example/DoSomething', NOT_FOUND, `${IPAM_SERVER_URI}X`);
  unknown('the full-duplex End on the FullDuplex URI', 'http://schemas.microsoft.com/wbem/wsman/1/wsman/End', NOT_FOUND, 'http://schemas.microsoft.com/wbem/wsman/1/wsman/FullDuplex');

  return cases;
}
