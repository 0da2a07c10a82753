/**
 * The hostile corpus, per SOAP header: every header the endpoint understands
 * (src/wsman/request.ts UNDERSTOOD) and unknown mandatory ones, each sent
 * malformed, duplicated, in the wrong namespace, absurdly large, of the wrong
 * type, empty or nil, with the precise refusal expected.
 *
 * Headers the endpoint understands but ignores (a:To, a:From, p:SessionId,
 * p:OperationID, p:SequenceId, w:RequestTotalItemsCountEstimate; MS-WSMV
 * 3.1.4.1.15, .37, .39) take any value, so garbage in them is no reason to
 * refuse: those cases ride on a request with an unknown Action (as the xml:lang
 * cases of corpus.ts do) and must get a:ActionNotSupported, which shows the
 * garbage was read without harm and changed nothing about the answer. Options
 * likewise ride on an Invoke whose DatabasePort is not a number, which fails
 * before anything runs whatever the options say.
 */
import { ACTION, NS } from '../support/soap';
import {
  ACTION_EL,
  ANONYMOUS,
  BASE,
  IPAM_SERVER_URI,
  LOCALE_EL,
  MAX_ENVELOPE_EL,
  MESSAGE_ID_EL,
  REPLY_TO_EL,
  RESOURCE_EL,
  SQL_PARAMETERS,
  WHAT_IF_OPTIONS,
  addHeader,
  edit,
  fault,
  id,
  inEnumerate,
  invokeWith,
  parameters,
  unknownAction,
  type Expectation,
  type HostileCase,
} from './corpus';

/** The headers the endpoint handles, as `target`s (src/wsman/request.ts UNDERSTOOD), and unknown mandatory ones. */
export const HEADERS = [
  'a:To',
  'a:ReplyTo',
  'a:FaultTo',
  'a:From',
  'a:Action',
  'a:MessageID',
  'w:ResourceURI',
  'w:SelectorSet',
  'w:OptionSet',
  'w:MaxEnvelopeSize',
  'w:OperationTimeout',
  'w:Locale',
  'p:DataLocale',
  'p:SessionId',
  'p:ActivityId',
  'p:OperationID',
  'p:SequenceId',
  'w:RequestTotalItemsCountEstimate',
  'unknown mandatory header',
] as const;

const WSA10 = 'http://www.w3.org/2005/08/addressing';
const IPAM_NS = 'root/Microsoft/IPAM';
const DMTF_SERVER = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_IPAM_Server';
const CONFIG_URI = 'http://schemas.microsoft.com/wbem/wsman/1/config';

// Refusals by what they say.
const INVALID_HEADER = fault('a:InvalidMessageInformationHeader');
const HEADER_REQUIRED = fault('a:MessageInformationHeaderRequired');
const ADDRESSING_MODE = fault('w:UnsupportedFeature', 'AddressingMode');
const MUST_UNDERSTAND = fault('s:MustUnderstand');
const ACTION_NOT_SUPPORTED = fault('a:ActionNotSupported');
const NOT_FOUND = fault('a:DestinationUnreachable', 'InvalidResourceURI');
const INVALID_TIMEOUT = fault('a:InvalidMessageInformationHeader', 'InvalidTimeout');
const TYPE_MISMATCH = fault('w:InvalidParameter', 'TypeMismatch');

/** An Invoke (WhatIf) whose DatabasePort is no number: refused before the provider runs, whatever its options. */
const INVOKE_BAD_PORT = invokeWith(parameters({ ...SQL_PARAMETERS, DatabasePort: 'abc' }));
const withOptions = (optionsXml: string): string => edit(INVOKE_BAD_PORT, WHAT_IF_OPTIONS, WHAT_IF_OPTIONS + optionsXml);
const withOptionSet = (optionSetXml: string): string => edit(INVOKE_BAD_PORT, `<w:OptionSet>${WHAT_IF_OPTIONS}</w:OptionSet>`, optionSetXml);
/** BASE.get with extra header XML. */
const getWithHeader = (xml: string): string => addHeader(xml, BASE.get);

export function headerCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (target: string, name: string, body: string, expect: Expectation): void => {
    cases.push({ name: `${target}: ${name}`, body, target, expect });
  };
  /** A header the endpoint ignores, carrying garbage, on a request with an unknown Action. */
  const ignored = (target: string, name: string, xml: string): void => add(target, `${name}, under an unknown Action`, unknownAction(addHeader(xml)), ACTION_NOT_SUPPORTED);
  /** The header twice: WS-Addressing allows each message information header once, and so does the endpoint for all it understands. */
  const twice = (target: string, xml: string, base = BASE.enumerate): void => add(target, 'given twice', addHeader(xml, base), INVALID_HEADER);

  // --- a:To: not required and not checked (docs/protocol-decisions.md), but once only.
  const to = (name: string, xml: string): void => add('a:To', `${name}, under an unknown Action`, unknownAction(inEnumerate('<a:To>http://127.0.0.1:5985/wsman</a:To>', xml)), ACTION_NOT_SUPPORTED);
  twice('a:To', '<a:To>http://evil.example/wsman</a:To>');
  to('empty', '<a:To></a:To>');
  to('xsi:nil', '<a:To xsi:nil="true"/>');
  to('100 KB', `<a:To>http://${'t'.repeat(100_000)}/wsman</a:To>`);
  to('holding markup', '<a:To><x:Y xmlns:x="urn:x">z</x:Y>&lt;script&gt;</a:To>');
  to('a javascript: URI, mandatory', '<a:To s:mustUnderstand="true">javascript:alert(1)</a:To>');
  add('a:To', 'in the WS-Addressing 1.0 namespace, mandatory', addHeader(`<wsa10:To xmlns:wsa10="${WSA10}" s:mustUnderstand="true">http://127.0.0.1/wsman</wsa10:To>`), MUST_UNDERSTAND);

  // --- a:ReplyTo (MS-WSMV 3.1.4.1.3): anonymous only, else w:UnsupportedFeature / AddressingMode.
  const replyTo = (name: string, xml: string, expect: Expectation = ADDRESSING_MODE): void => add('a:ReplyTo', name, inEnumerate(REPLY_TO_EL, xml), expect);
  twice('a:ReplyTo', REPLY_TO_EL);
  replyTo('an empty Address', '<a:ReplyTo><a:Address></a:Address></a:ReplyTo>');
  replyTo('the anonymous URI in upper case', `<a:ReplyTo><a:Address>${ANONYMOUS.toUpperCase()}</a:Address></a:ReplyTo>`);
  replyTo('a 100 KB Address', `<a:ReplyTo><a:Address>${ANONYMOUS}${'/x'.repeat(50_000)}</a:Address></a:ReplyTo>`);
  replyTo('text instead of an Address', `<a:ReplyTo>${ANONYMOUS}</a:ReplyTo>`);
  replyTo('xsi:nil', '<a:ReplyTo xsi:nil="true"/>');
  replyTo('an Address holding an element only', `<a:ReplyTo><a:Address><x:A xmlns:x="urn:x">${ANONYMOUS}</x:A></a:Address></a:ReplyTo>`);
  add('a:ReplyTo', '10,000 reference parameters, under an unknown Action', unknownAction(inEnumerate(REPLY_TO_EL, `<a:ReplyTo><a:Address>${ANONYMOUS}</a:Address><a:ReferenceParameters>${'<x:P xmlns:x="urn:x">1</x:P>'.repeat(10_000)}</a:ReferenceParameters></a:ReplyTo>`)), ACTION_NOT_SUPPORTED);
  replyTo('in the WS-Addressing 1.0 namespace, mandatory', `<wsa10:ReplyTo xmlns:wsa10="${WSA10}" s:mustUnderstand="true"><wsa10:Address>${WSA10}/anonymous</wsa10:Address></wsa10:ReplyTo>`, MUST_UNDERSTAND);

  // --- a:FaultTo (MS-WSMV 3.1.4.1.4): optional, anonymous when present.
  const faultTo = (name: string, xml: string, expect: Expectation = ADDRESSING_MODE): void => add('a:FaultTo', name, addHeader(xml), expect);
  twice('a:FaultTo', `<a:FaultTo><a:Address>${ANONYMOUS}</a:Address></a:FaultTo>`.repeat(2));
  faultTo('without an Address', '<a:FaultTo/>');
  faultTo('an empty Address', '<a:FaultTo><a:Address/></a:FaultTo>');
  faultTo('an Address in the WS-Man namespace', `<a:FaultTo><w:Address>${ANONYMOUS}</w:Address></a:FaultTo>`);
  faultTo('a 100 KB Address', `<a:FaultTo><a:Address>http://${'f'.repeat(100_000)}/</a:Address></a:FaultTo>`);
  faultTo('xsi:nil', '<a:FaultTo xsi:nil="true"/>');
  faultTo('in the WS-Addressing 1.0 namespace, mandatory', `<wsa10:FaultTo xmlns:wsa10="${WSA10}" s:mustUnderstand="true"><wsa10:Address>http://evil.example/</wsa10:Address></wsa10:FaultTo>`, MUST_UNDERSTAND);

  // --- a:From: understood, not used.
  twice('a:From', `<a:From><a:Address>${ANONYMOUS}</a:Address></a:From>`.repeat(2));
  ignored('a:From', 'a non-anonymous Address', '<a:From><a:Address>http://evil.example/me</a:Address></a:From>');
  ignored('a:From', 'empty and mandatory', '<a:From s:mustUnderstand="true"/>');
  ignored('a:From', '100 KB', `<a:From><a:Address>${'m'.repeat(100_000)}</a:Address></a:From>`);
  ignored('a:From', 'xsi:nil', '<a:From xsi:nil="true"/>');
  add('a:From', 'in the WS-Addressing 1.0 namespace, mandatory', addHeader(`<wsa10:From xmlns:wsa10="${WSA10}" s:mustUnderstand="true"><wsa10:Address>x</wsa10:Address></wsa10:From>`), MUST_UNDERSTAND);

  // --- a:Action: required (a:MessageInformationHeaderRequired when missing or empty).
  const action = (name: string, xml: string, expect: Expectation): void => add('a:Action', name, inEnumerate(ACTION_EL, xml), expect);
  action('xsi:nil', '<a:Action s:mustUnderstand="true" xsi:nil="true"/>', HEADER_REQUIRED);
  action('holding an element only', `<a:Action s:mustUnderstand="true"><x:A xmlns:x="urn:x">${ACTION.enumerate}</x:A></a:Action>`, INVALID_HEADER);
  action('100 KB', `<a:Action s:mustUnderstand="true">urn:${'a'.repeat(100_000)}</a:Action>`, ACTION_NOT_SUPPORTED);
  action('the Identify namespace as an Action', `<a:Action s:mustUnderstand="true">${NS.identity}</a:Action>`, ACTION_NOT_SUPPORTED);
  action('in the WS-Addressing 1.0 namespace, mandatory, beside the real one', ACTION_EL + `<wsa10:Action xmlns:wsa10="${WSA10}" s:mustUnderstand="true">urn:x</wsa10:Action>`, MUST_UNDERSTAND);

  // --- a:MessageID (MS-WSMV 3.1.4.1.5, <47>: any format up to 2 KB, never empty).
  const messageId = (name: string, xml: string): void => add('a:MessageID', name, inEnumerate(MESSAGE_ID_EL, xml), INVALID_HEADER);
  messageId('2,049 characters', `<a:MessageID>uuid:${'A'.repeat(2044)}</a:MessageID>`);
  messageId('whitespace only', '<a:MessageID> \r\n\t </a:MessageID>');
  messageId('xsi:nil', '<a:MessageID xsi:nil="true"/>');
  messageId('holding an element only', `<a:MessageID><x:M xmlns:x="urn:x">${id(1)}</x:M></a:MessageID>`);
  messageId('100 KB', `<a:MessageID>uuid:${'9'.repeat(100_000)}</a:MessageID>`);

  // --- w:ResourceURI (MS-WSMV 3.1.4.1.1): an unknown or malformed URI is a:DestinationUnreachable / InvalidResourceURI.
  const resource = (name: string, uri: string, expect: Expectation = NOT_FOUND): void =>
    add('w:ResourceURI', name, inEnumerate(RESOURCE_EL, `<w:ResourceURI s:mustUnderstand="true">${uri}</w:ResourceURI>`), expect);
  twice('w:ResourceURI', RESOURCE_EL);
  resource('the WMI prefix only', 'http://schemas.microsoft.com/wbem/wsman/1/wmi/');
  resource('the namespace with a trailing slash and no class', 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/');
  resource('a class name with a key in it', 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server.Name="x"');
  resource('a query string', 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server?__cimnamespace=root/cimv2');
  resource('the DMTF prefix only', 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/');
  resource('a path after the DMTF class', `${DMTF_SERVER}/extra`);
  resource("WinRM's configuration", CONFIG_URI);
  // The cmd shell itself is served (an Enumerate lists the caller's shells); near misses of it are not.
  resource('the cmd shell with a trailing slash', 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd/');
  resource('a shell other than cmd', 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CustomShell');
  add('w:ResourceURI', 'xsi:nil', inEnumerate(RESOURCE_EL, '<w:ResourceURI s:mustUnderstand="true" xsi:nil="true"/>'), NOT_FOUND);
  add('w:ResourceURI', 'in the WS-Man-for-Windows namespace, mandatory', addHeader(`<p:ResourceURI s:mustUnderstand="true">${DMTF_SERVER}</p:ResourceURI>`), MUST_UNDERSTAND);

  // --- w:SelectorSet (MS-WSMV 3.1.4.1.2; docs/research/wsman-facts.md §4), on Get unless said otherwise.
  const selectorSet = BASE.get.slice(BASE.get.indexOf('<w:SelectorSet>'), BASE.get.indexOf('</w:SelectorSet>') + '</w:SelectorSet>'.length);
  const keys = selectorSet.slice('<w:SelectorSet>'.length, -'</w:SelectorSet>'.length);
  const selectors = (name: string, inner: string, expect: Expectation): void => add('w:SelectorSet', name, edit(BASE.get, selectorSet, `<w:SelectorSet>${inner}</w:SelectorSet>`), expect);
  twice('w:SelectorSet', selectorSet, BASE.get);
  selectors('a 100 KB key value', keys.replace('ipam1.contoso.com', 'i'.repeat(100_000)), NOT_FOUND);
  selectors('a nested SelectorSet', keys + `<w:SelectorSet>${keys}</w:SelectorSet>`, fault('w:InvalidSelectors', 'UnexpectedSelectors'));
  selectors('__cimnamespace given twice', keys + `<w:Selector Name="__cimnamespace">${IPAM_NS}</w:Selector><w:Selector Name="__CIMNamespace">root/cimv2</w:Selector>`, fault('w:InvalidSelectors', 'DuplicateSelectors'));
  selectors('a Name attribute in the WS-Man namespace', keys + '<w:Selector w:Name="Extra">x</w:Selector>', fault('w:InvalidSelectors', 'InvalidValue'));
  selectors('a key xsi:nil', keys.replace('>ipam1.contoso.com<', ' xsi:nil="true"><'), NOT_FOUND);
  selectors('a key holding text and an EPR', keys.replace('>ipam1.contoso.com<', `>ipam1.contoso.com<a:EndpointReference><a:Address>${ANONYMOUS}</a:Address></a:EndpointReference><`), fault('w:InvalidSelectors', 'TypeMismatch'));
  selectors('a 10 KB selector name', keys + `<w:Selector Name="${'n'.repeat(10_000)}">1</w:Selector>`, fault('w:InvalidSelectors', 'UnexpectedSelectors'));
  const dmtfGet = edit(BASE.get, `>${IPAM_SERVER_URI}<`, `>${DMTF_SERVER}<`);
  add('w:SelectorSet', 'an empty __cimnamespace on a DMTF URI', edit(dmtfGet, selectorSet, `<w:SelectorSet>${keys}<w:Selector Name="__cimnamespace"></w:Selector></w:SelectorSet>`), NOT_FOUND);
  add('w:SelectorSet', 'in the WS-Man-for-Windows namespace, mandatory', getWithHeader(`<p:SelectorSet s:mustUnderstand="true">${keys.replace(/w:Selector/g, 'p:Selector')}</p:SelectorSet>`), MUST_UNDERSTAND);

  // --- w:OptionSet (MS-WSMV 3.1.4.1.10): processed whatever its mustUnderstand; unknown options are
  // ignored whatever MustComply says (<52>). Each option type with a value not of that type, bad Types, bad xsi:nil.
  const options = (name: string, optionsXml: string): void => add('w:OptionSet', `${name}, on an Invoke with a bad DatabasePort`, withOptions(optionsXml), TYPE_MISMATCH);
  add('w:OptionSet', 'given twice', edit(INVOKE_BAD_PORT, `<w:OptionSet>${WHAT_IF_OPTIONS}</w:OptionSet>`, `<w:OptionSet>${WHAT_IF_OPTIONS}</w:OptionSet><w:OptionSet>${WHAT_IF_OPTIONS}</w:OptionSet>`), INVALID_HEADER);
  for (const [type, value] of [
    ['xs:boolean', 'maybe'],
    ['xs:unsignedInt', '-1'],
    ['xs:unsignedInt', '4294967296'],
    ['xs:int', '99999999999999999999999'],
    ['xs:unsignedShort', '65536'],
    ['xs:long', '1e400'],
    ['xs:string', '<![CDATA[</w:Option>]]>'],
    ['xs:dateTime', 'yesterday'],
    ['xs:duration', 'P-1D'],
    ['xs:base64Binary', '!!!'],
  ] as const) {
    options(`an ${type} option of value '${value}'`, `<w:Option Name="wmi:__MI_OPERATIONOPTIONS_WRITEERRORMODE" Type="${type}">${value}</w:Option>`);
  }
  options("PROMPTUSERMODE '0x0'", '<w:Option Name="wmi:__MI_OPERATIONOPTIONS_PROMPTUSERMODE" Type="xs:unsignedInt">0x0</w:Option>');
  options('PROMPTUSERMODE given twice, Report then Ignore', '<w:Option Name="wmi:__MI_OPERATIONOPTIONS_PROMPTUSERMODE" Type="xs:unsignedInt">2</w:Option>');
  options("IpamEmulator_AsJob 'perhaps'", '<w:Option Name="IpamEmulator_AsJob" Type="xs:boolean">perhaps</w:Option>');
  options('a Type that is empty', '<w:Option Name="x" Type="">1</w:Option>');
  options('a Type with an unbound prefix', '<w:Option Name="x" Type="zz:boolean">true</w:Option>');
  options('a Type that names no type', '<w:Option Name="x" Type="xs:nonsense">1</w:Option>');
  options('a 10 KB Type', `<w:Option Name="x" Type="xs:${'t'.repeat(10_000)}">1</w:Option>`);
  options("xsi:nil 'banana'", '<w:Option Name="x" Type="xs:string" xsi:nil="banana">v</w:Option>');
  options('xsi:nil true with a value', '<w:Option Name="x" Type="xs:boolean" xsi:nil="true">true</w:Option>');
  options("xsi:nil in omicli's wrong xsi namespace", `<w:Option xmlns:xsd="${NS.xsd}" Name="x" xsd:nil="true"/>`);
  options('an option without a Name', '<w:Option Type="xs:boolean">true</w:Option>');
  options("a Name of 'wmi:' only", '<w:Option Name="wmi:">1</w:Option><w:Option Name="wmiarray:">1</w:Option>');
  options('an option named __proto__', '<w:Option Name="__proto__">{"polluted":true}</w:Option><w:Option Name="wmiarray:constructor">1</w:Option>');
  options('MustComply on an unknown option', '<w:Option Name="NoSuchOption" MustComply="true">1</w:Option>');
  options("MustComply 'banana'", '<w:Option Name="x" MustComply="banana">1</w:Option>');
  options('3,000 wmiarray: values', '<w:Option Name="wmiarray:__MI_OPERATIONOPTIONS_CHANNELVALUE" Type="xs:unsignedInt">1</w:Option>'.repeat(3_000));
  options('a 100 KB value', `<w:Option Name="x" Type="xs:string">${'v'.repeat(100_000)}</w:Option>`);
  options('an option holding elements', '<w:Option Name="x"><w:Option Name="y">1</w:Option><x:Z xmlns:x="urn:x"/></w:Option>');
  options('an option in the WS-Addressing namespace', '<a:Option Name="wmi:__MI_OPERATIONOPTIONS_PROMPTUSERMODE">2</a:Option>');
  add('w:OptionSet', 'text beside the options, on an Invoke with a bad DatabasePort', withOptions('loose text'), TYPE_MISMATCH);
  add('w:OptionSet', 'mandatory, on an Invoke with a bad DatabasePort', withOptionSet(`<w:OptionSet s:mustUnderstand="true">${WHAT_IF_OPTIONS}</w:OptionSet>`), TYPE_MISMATCH);
  add('w:OptionSet', 'in the WS-Man-for-Windows namespace, mandatory', withOptionSet(`<w:OptionSet>${WHAT_IF_OPTIONS}</w:OptionSet><p:OptionSet s:mustUnderstand="true"/>`), MUST_UNDERSTAND);

  // --- w:MaxEnvelopeSize (MS-WSMV 3.1.4.1.7): a positive integer, at least 8192.
  const maxEnvelope = (name: string, xml: string, expect: Expectation = INVALID_HEADER): void => add('w:MaxEnvelopeSize', name, inEnumerate(MAX_ENVELOPE_EL, xml), expect);
  twice('w:MaxEnvelopeSize', MAX_ENVELOPE_EL);
  maxEnvelope('xsi:nil', '<w:MaxEnvelopeSize s:mustUnderstand="true" xsi:nil="true"/>');
  maxEnvelope("'-0'", '<w:MaxEnvelopeSize s:mustUnderstand="true">-0</w:MaxEnvelopeSize>');
  maxEnvelope('100 KB of digits', `<w:MaxEnvelopeSize s:mustUnderstand="true">${'5'.repeat(100_000)}</w:MaxEnvelopeSize>`);
  maxEnvelope("'512000 kb', a comment inside", '<w:MaxEnvelopeSize s:mustUnderstand="true">512<!-- -->000 kb</w:MaxEnvelopeSize>');
  maxEnvelope('8191, one below the minimum', '<w:MaxEnvelopeSize s:mustUnderstand="true">8191</w:MaxEnvelopeSize>', fault('w:EncodingLimit', 'MinimumEnvelopeLimit'));
  maxEnvelope('1', '<w:MaxEnvelopeSize s:mustUnderstand="true">0000000001</w:MaxEnvelopeSize>', fault('w:EncodingLimit', 'MinimumEnvelopeLimit'));
  add('w:MaxEnvelopeSize', 'in the WS-Man-for-Windows namespace, mandatory', addHeader('<p:MaxEnvelopeSize s:mustUnderstand="true">512000</p:MaxEnvelopeSize>'), MUST_UNDERSTAND);

  // --- w:OperationTimeout (MS-WSMV 3.1.4.1.6): a positive xs:duration, else InvalidTimeout (docs/research/wsman-facts.md §1).
  const timeout = (name: string, xml: string, expect: Expectation = INVALID_TIMEOUT): void => add('w:OperationTimeout', name, addHeader(xml), expect);
  twice('w:OperationTimeout', '<w:OperationTimeout>PT60S</w:OperationTimeout><w:OperationTimeout>PT1S</w:OperationTimeout>');
  timeout('xsi:nil', '<w:OperationTimeout xsi:nil="true"/>');
  timeout('100 KB of digits', `<w:OperationTimeout>PT${'9'.repeat(100_000)}S</w:OperationTimeout>`);
  timeout("'PT1E3S'", '<w:OperationTimeout>PT1E3S</w:OperationTimeout>');
  timeout("'-P1D'", '<w:OperationTimeout>-P1D</w:OperationTimeout>');
  timeout('holding an element', '<w:OperationTimeout><x:T xmlns:x="urn:x">PT60S</x:T></w:OperationTimeout>');
  timeout("'PT60Sec'", '<w:OperationTimeout>PT60Sec</w:OperationTimeout>');
  timeout('in the WS-Man-for-Windows namespace, mandatory', '<p:OperationTimeout s:mustUnderstand="true">PT60S</p:OperationTimeout>', MUST_UNDERSTAND);

  // --- w:Locale (MS-WSMV 3.1.4.1.8): never mandatory; xml:lang is echoed into faults.
  const locale = (name: string, xml: string, expect: Expectation): void => add('w:Locale', name, inEnumerate(LOCALE_EL, xml), expect);
  const localeIgnored = (name: string, xml: string): void => add('w:Locale', `${name}, under an unknown Action`, unknownAction(inEnumerate(LOCALE_EL, xml)), ACTION_NOT_SUPPORTED);
  twice('w:Locale', LOCALE_EL);
  locale('mustUnderstand="1"', '<w:Locale xml:lang="en-US" s:mustUnderstand="1"/>', fault('w:UnsupportedFeature', 'Locale'));
  locale('unprefixed mustUnderstand="true"', '<w:Locale xml:lang="en-US" mustUnderstand="true"/>', fault('w:UnsupportedFeature', 'Locale'));
  localeIgnored('without xml:lang', '<w:Locale/>');
  localeIgnored('an empty xml:lang', '<w:Locale xml:lang=""/>');
  localeIgnored('a lang attribute without the xml prefix', '<w:Locale lang="en-US"/>');
  localeIgnored('holding elements and text', '<w:Locale xml:lang="en-US"><x:L xmlns:x="urn:x">de-DE</x:L>fr-FR</w:Locale>');
  add('w:Locale', 'in the WS-Man-for-Windows namespace, mandatory', addHeader('<p:Locale xml:lang="en-US" s:mustUnderstand="true"/>'), MUST_UNDERSTAND);

  // --- p:DataLocale (MS-WSMV 3.1.4.1.9): likewise.
  const DATA_LOCALE = '<p:DataLocale xml:lang="en-US" s:mustUnderstand="false"/>';
  twice('p:DataLocale', DATA_LOCALE + DATA_LOCALE);
  add('p:DataLocale', 'mustUnderstand="1"', addHeader('<p:DataLocale xml:lang="en-US" s:mustUnderstand="1"/>'), fault('w:UnsupportedFeature', 'DataLocale'));
  ignored('p:DataLocale', 'xml:lang garbage', '<p:DataLocale xml:lang="&lt;/s:Text&gt;]]&gt;"/>');
  ignored('p:DataLocale', 'a 100 KB xml:lang', `<p:DataLocale xml:lang="${'d'.repeat(100_000)}"/>`);
  ignored('p:DataLocale', 'xsi:nil with a value', '<p:DataLocale xml:lang="en-US" xsi:nil="true">de-DE</p:DataLocale>');
  add('p:DataLocale', 'in the WS-Man namespace, mandatory', addHeader('<w:DataLocale xml:lang="en-US" s:mustUnderstand="true"/>'), MUST_UNDERSTAND);

  // --- p:SessionId (MS-WSMV 3.1.4.1.37: MAY be processed; the emulator ignores it).
  twice('p:SessionId', `<p:SessionId>${id(60)}</p:SessionId><p:SessionId>${id(61)}</p:SessionId>`);
  ignored('p:SessionId', 'not a uuid', '<p:SessionId s:mustUnderstand="false">%%% not a session %%%</p:SessionId>');
  ignored('p:SessionId', 'empty and mandatory', '<p:SessionId s:mustUnderstand="true"/>');
  ignored('p:SessionId', '100 KB', `<p:SessionId>uuid:${'S'.repeat(100_000)}</p:SessionId>`);
  ignored('p:SessionId', 'holding elements', '<p:SessionId><x:S xmlns:x="urn:x"/>uuid:1</p:SessionId>');
  add('p:SessionId', 'in the WS-Man namespace, mandatory', addHeader(`<w:SessionId s:mustUnderstand="true">${id(62)}</w:SessionId>`), MUST_UNDERSTAND);

  // --- p:ActivityId (MS-WSMV 3.1.4.1.12: any string up to 2048 characters; a mandatory one is processed all the same).
  twice('p:ActivityId', '<p:ActivityId>A</p:ActivityId><p:ActivityId>B</p:ActivityId>');
  ignored('p:ActivityId', 'not a GUID', '<p:ActivityId s:mustUnderstand="false">{not-a-guid}</p:ActivityId>');
  ignored('p:ActivityId', 'mandatory (<57>: processed, no fault)', '<p:ActivityId s:mustUnderstand="true">DEE76A48-606F-0001-F32F-EBDE6F60CD01</p:ActivityId>');
  ignored('p:ActivityId', 'exactly 2,048 characters', `<p:ActivityId>${'a'.repeat(2048)}</p:ActivityId>`);
  ignored('p:ActivityId', 'empty', '<p:ActivityId/>');
  add('p:ActivityId', 'in the WS-Man namespace, mandatory', addHeader('<w:ActivityId s:mustUnderstand="true">x</w:ActivityId>'), MUST_UNDERSTAND);

  // --- p:OperationID and p:SequenceId (MS-WSMV 3.1.4.1.39: a server without robust connections MUST ignore them).
  twice('p:OperationID', `<p:OperationID>${id(70)}</p:OperationID><p:OperationID>${id(71)}</p:OperationID>`);
  ignored('p:OperationID', 'mandatory: a retransmission of an operation never seen', `<p:OperationID s:mustUnderstand="true">${id(72)}</p:OperationID><p:SequenceId>1</p:SequenceId>`);
  ignored('p:OperationID', 'not a uuid', '<p:OperationID>operation-1</p:OperationID>');
  ignored('p:OperationID', '100 KB', `<p:OperationID>uuid:${'O'.repeat(100_000)}</p:OperationID>`);
  ignored('p:OperationID', 'xsi:nil', '<p:OperationID xsi:nil="true"/>');
  add('p:OperationID', 'in the WS-Man namespace, mandatory', addHeader(`<w:OperationID s:mustUnderstand="true">${id(73)}</w:OperationID>`), MUST_UNDERSTAND);
  twice('p:SequenceId', '<p:SequenceId>1</p:SequenceId><p:SequenceId>2</p:SequenceId>');
  for (const v of ['0', '-1', 'abc', '18446744073709551616', '']) {
    ignored('p:SequenceId', `'${v}' with an OperationID`, `<p:OperationID>${id(74)}</p:OperationID><p:SequenceId>${v}</p:SequenceId>`);
  }
  ignored('p:SequenceId', 'without an OperationID', '<p:SequenceId>1</p:SequenceId>');
  add('p:SequenceId', 'in the WS-Man namespace, mandatory', addHeader('<w:SequenceId s:mustUnderstand="true">1</w:SequenceId>'), MUST_UNDERSTAND);

  // --- w:RequestTotalItemsCountEstimate (MS-WSMV 3.1.4.1.15: SHOULD be ignored).
  twice('w:RequestTotalItemsCountEstimate', '<w:RequestTotalItemsCountEstimate/><w:RequestTotalItemsCountEstimate/>');
  ignored('w:RequestTotalItemsCountEstimate', 'holding text', '<w:RequestTotalItemsCountEstimate>all of them</w:RequestTotalItemsCountEstimate>');
  ignored('w:RequestTotalItemsCountEstimate', 'mandatory', '<w:RequestTotalItemsCountEstimate s:mustUnderstand="true"/>');
  ignored('w:RequestTotalItemsCountEstimate', 'holding 10,000 elements', `<w:RequestTotalItemsCountEstimate>${'<x:E xmlns:x="urn:x"/>'.repeat(10_000)}</w:RequestTotalItemsCountEstimate>`);
  ignored('w:RequestTotalItemsCountEstimate', 'xsi:nil', '<w:RequestTotalItemsCountEstimate xsi:nil="true"/>');
  add('w:RequestTotalItemsCountEstimate', 'in the WS-Man-for-Windows namespace, mandatory', addHeader('<p:RequestTotalItemsCountEstimate s:mustUnderstand="true"/>'), MUST_UNDERSTAND);

  // --- Unknown headers marked mustUnderstand (SOAP 1.2 Part 1 §5.2.3): s:MustUnderstand, whatever the operation.
  const mandatory = (name: string, body: string): void => add('unknown mandatory header', name, body, MUST_UNDERSTAND);
  const EVIL = '<h:Evil xmlns:h="urn:hostile" s:mustUnderstand="true"/>';
  mandatory('1,000 distinct ones', addHeader(Array.from({ length: 1000 }, (_, i) => `<h:E${i} xmlns:h="urn:hostile" s:mustUnderstand="true"/>`).join('')));
  mandatory('one in the SOAP namespace', addHeader('<s:Bogus s:mustUnderstand="true"/>'));
  mandatory('one with a 10 KB name', addHeader(`<h:${'N'.repeat(10_000)} xmlns:h="urn:hostile" s:mustUnderstand="true"/>`));
  mandatory('the same one twice', addHeader(EVIL + EVIL));
  mandatory('w:locale in lower case', addHeader('<w:locale xml:lang="en-US" s:mustUnderstand="true"/>'));
  mandatory('one in the WS-Man-for-Windows namespace', addHeader('<p:Evil s:mustUnderstand="true"/>'));
  mandatory('one bound to the prefix s in its own namespace, marked by the real SOAP one', addHeader(`<s:Evil xmlns:s="urn:hostile" xmlns:env="${NS.soap}" env:mustUnderstand="true"/>`));
  mandatory('on a Get', addHeader(EVIL, BASE.get));
  mandatory('on a Pull of a live context', addHeader(EVIL, BASE.pull));
  mandatory('on a Release of a live context', addHeader(EVIL, BASE.release));
  mandatory('on an Invoke', addHeader(EVIL, BASE.invoke));
  mandatory('on a GetClass', addHeader(EVIL, BASE.getClass));
  mandatory('on the fleet fan-out', addHeader(EVIL, BASE.fleet));
  mandatory('before an unknown Action', unknownAction(addHeader(EVIL)));

  return cases;
}
