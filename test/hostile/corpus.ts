/**
 * The hostile-input corpus: malformed and hostile WS-Man requests, built from
 * families so that each case's name says what it attacks. hostile.test.ts
 * sends every one and expects a SOAP fault or an HTTP 4xx, never a 200, and no
 * change of state.
 *
 * Most cases are one edit of a valid request (BASE). The test first proves
 * each base request is accepted, so a case that is refused was refused for
 * its edit, not because the base was already broken. `edit` throws when the
 * text to replace is missing, so no case silently degrades into a valid request.
 *
 * The families here need only be refused. operations.ts and headers.ts add a
 * family per operation and per header, whose cases each name their `target` and
 * the exact refusal they `expect`.
 */
import zlib from 'node:zlib';
import { ACTION, IDENTIFY, NS, WMI, envelope } from '../support/soap';

/**
 * What a correct server answers a case: a SOAP fault (`fault` is its subcode as
 * written, e.g. 'w:InvalidSelectors', or its s:Code value when a fault has no
 * subcode, e.g. 's:MustUnderstand'), with exactly the FaultDetail given (its last
 * path segment, e.g. 'InvalidValue'; undefined: no FaultDetail), sent with
 * `status`; or, without `fault`, a bare HTTP status such as 401 or 415.
 */
export interface Expectation {
  readonly status: number;
  readonly fault?: string;
  readonly detail?: string;
}

/** A SOAP fault, HTTP 500 unless said otherwise (reference/wsman-wire.md §0: every WinRM fault is a 500). */
export function fault(subcode: string, detail?: string, status = 500): Expectation {
  return { status, fault: subcode, detail };
}
/** An HTTP refusal without a SOAP fault to check (401, 405, 415…). */
export function httpStatus(status: number): Expectation {
  return { status };
}

export interface HostileCase {
  readonly name: string;
  readonly body: string | Buffer;
  /**
   * The operation or header the case attacks (e.g. 'Pull', 'a:ReplyTo'), so the
   * suite can show that every one the endpoint handles is covered.
   */
  readonly target?: string;
  /** The precise refusal expected; cases without one need only be some fault or 4xx. */
  readonly expect?: Expectation;
  /** Request headers; they override the defaults (SOAP Content-Type, Basic auth as Administrator). */
  readonly headers?: Record<string, string>;
  /** Default headers to leave out altogether (e.g. no Content-Type at all). */
  readonly omitHeaders?: readonly string[];
  /** The HTTP method (POST unless said otherwise). */
  readonly method?: string;
  /** Send the body with Transfer-Encoding: chunked instead of a Content-Length. */
  readonly chunked?: boolean;
}

/** Stands for a live enumeration context; the test opens one and substitutes its id before sending. */
export const LIVE_CONTEXT = 'uuid:LIVE-ENUMERATION-CONTEXT';
/** Stands for a context that was opened and then released; the test substitutes its id before sending. */
export const RELEASED_CONTEXT = 'uuid:RELEASED-ENUMERATION-CONTEXT';
/** Stands for a live context's id in lower case (ids are opaque: it names no context). */
export const LOWER_CASE_LIVE_CONTEXT = 'uuid:LOWER-CASED-ENUMERATION-CONTEXT';

export const IPAM_SERVER_URI = `${WMI}MSFT_IPAM_Server`;
export const JOB_URI = `${WMI}MSFT_IPAM_ConcreteJob`;
export const FLEET_URI = `${WMI}MSFT_IPAM_Fleet`;
/** The resource URI GetClass is addressed to (MS-WSMV 3.1.4.1.38; DSP0227 1.1 §15.4). */
export const CIMXML_ANY_CLASS = 'http://schemas.dmtf.org/wbem/cim-xml/2/cim-schema/2/*';
/** The options the MI client sends with GetClass (OMI GetClassRequest.xml). */
export const GET_CLASS_OPTIONS =
  '<w:Option Name="IncludeInheritanceHierarchy" Type="xs:boolean">true</w:Option>' +
  '<w:Option Name="IncludeInheritedElements" Type="xs:boolean">true</w:Option>' +
  '<w:Option Name="IncludeQualifiers" Type="xs:boolean">true</w:Option>';
const PROVISION_ACTION = `${IPAM_SERVER_URI}/InvokeIpamServerProvisioning`;
export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
export const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';
export const WQL = 'http://schemas.microsoft.com/wbem/wsman/1/WQL';
export const SELECTOR_DIALECT = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter';

/** The keys of the default host's MSFT_IPAM_Server instance. */
export const IPAM_SERVER_KEYS = {
  Name: 'IP Address Management (IPAM) Server',
  IdentifyingNumber: 'ipam1.contoso.com',
  Vendor: 'Microsoft Corporation',
  Version: '10.0.20348',
};

export const ENUMERATE_BODY = '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>32</w:MaxElements></n:Enumerate>';

export function provisioningInput(inner: string): string {
  return `<ipam:InvokeIpamServerProvisioning_INPUT xmlns:ipam="${IPAM_SERVER_URI}">${inner}</ipam:InvokeIpamServerProvisioning_INPUT>`;
}

/** Parameter elements; values are written raw so cases can put markup in them. */
export function parameters(p: Record<string, string>): string {
  return Object.entries(p)
    .map(([k, v]) => `<ipam:${k}>${v}</ipam:${k}>`)
    .join('');
}

export const SQL_PARAMETERS = { DatabaseServer: 'sql1.contoso.com', DatabaseName: 'IPAM', DatabasePort: '1433', DatabaseAuthType: '1', ProvisioningMethod: '1' };

export const id = (n: number): string => `uuid:0DDBA11C-0000-4000-8000-${String(n).padStart(12, '0')}`;

export function enumerateWith(body: string, messageId = id(1)): string {
  return envelope({ action: ACTION.enumerate, resourceUri: IPAM_SERVER_URI, body, messageId });
}
/**
 * Invokes carry PowerShell's -WhatIf options, so a request that passes as valid
 * answers 200 (ReturnValue 0) and changes nothing; any 200 for a hostile case is a finding.
 */
export const WHAT_IF_OPTIONS =
  '<w:Option Name="wmi:__MI_OPERATIONOPTIONS_PROMPTUSERMODE" Type="xs:unsignedInt">0</w:Option>' +
  '<w:Option Name="wmi:__MI_OPERATIONOPTIONS_PROMPTUSERMODEREGULAR_ACKVALUE" Type="xs:boolean">false</w:Option>';
export function invokeWith(inner: string): string {
  return envelope({ action: PROVISION_ACTION, resourceUri: IPAM_SERVER_URI, body: provisioningInput(inner), messageId: id(3), optionsXml: WHAT_IF_OPTIONS });
}
export function pullWith(body: string, action: string = ACTION.pull): string {
  return envelope({ action, resourceUri: IPAM_SERVER_URI, body, messageId: id(5) });
}
export function wqlEnumerate(query: string): string {
  return enumerateWith(`<n:Enumerate><w:OptimizeEnumeration/><w:Filter Dialect="${WQL}">${query}</w:Filter></n:Enumerate>`);
}

/** The valid requests the families edit; each is accepted (200; an Invoke as a WhatIf that changes nothing). */
export const BASE = {
  enumerate: enumerateWith(ENUMERATE_BODY),
  get: envelope({ action: ACTION.get, resourceUri: IPAM_SERVER_URI, selectors: IPAM_SERVER_KEYS, messageId: id(2) }),
  invoke: invokeWith(parameters(SQL_PARAMETERS)),
  invokeWid: invokeWith(parameters({ ProvisioningMethod: '1', WidSchemaPath: 'D:\\IPAM\\Database' })),
  pull: pullWith(`<n:Pull><n:EnumerationContext>${LIVE_CONTEXT}</n:EnumerationContext><n:MaxElements>1</n:MaxElements></n:Pull>`),
  wql: wqlEnumerate('select * from MSFT_IPAM_Server'),
  /** GetClass as the MI client sends it (reference/wsman-wire.md §4): a Get on the CIM-XML URI with ClassName. */
  getClass: envelope({
    action: ACTION.get,
    resourceUri: CIMXML_ANY_CLASS,
    selectors: { __cimnamespace: 'root/Microsoft/IPAM', ClassName: 'MSFT_IPAM_Server' },
    optionsXml: GET_CLASS_OPTIONS,
    messageId: id(6),
  }),
  release: pullWith(`<n:Release><n:EnumerationContext>${LIVE_CONTEXT}</n:EnumerationContext></n:Release>`, ACTION.release),
  /** The fleet fan-out, as a WhatIf: it reports the plan for the one host and starts no job. */
  fleet: envelope({
    action: `${FLEET_URI}/InvokeIpamServerProvisioningOnHosts`,
    resourceUri: FLEET_URI,
    optionsXml: WHAT_IF_OPTIONS,
    body: `<p:InvokeIpamServerProvisioningOnHosts_INPUT xmlns:p="${FLEET_URI}"><p:Hosts>ipam1.contoso.com</p:Hosts>${parameters(SQL_PARAMETERS).replace(/ipam:/g, 'p:')}</p:InvokeIpamServerProvisioningOnHosts_INPUT>`,
    messageId: id(8),
  }),
};

// Fragments of BASE.enumerate that cases replace.
export const ACTION_EL = `<a:Action s:mustUnderstand="true">${ACTION.enumerate}</a:Action>`;
export const MESSAGE_ID_EL = `<a:MessageID>${id(1)}</a:MessageID>`;
export const REPLY_TO_EL = `<a:ReplyTo><a:Address s:mustUnderstand="true">${ANONYMOUS}</a:Address></a:ReplyTo>`;
export const RESOURCE_EL = `<w:ResourceURI s:mustUnderstand="true">${IPAM_SERVER_URI}</w:ResourceURI>`;
export const MAX_ENVELOPE_EL = '<w:MaxEnvelopeSize s:mustUnderstand="true">512000</w:MaxEnvelopeSize>';
export const LOCALE_EL = '<w:Locale xml:lang="en-US" s:mustUnderstand="false"/>';
const HEADER_OPEN = '<s:Header>';
export const HEADER_CLOSE = '</s:Header>';
export const BODY_EL = `<s:Body>${ENUMERATE_BODY}</s:Body>`;
const ENVELOPE_CLOSE = '</s:Envelope>';
export const MAX_ELEMENTS_EL = '<w:MaxElements>32</w:MaxElements>';

/** Replaces the first occurrence of `find`; throws if it is not there. */
export function edit(base: string, find: string, replacement: string): string {
  const at = base.indexOf(find);
  if (at === -1) throw new Error(`hostile corpus: ${JSON.stringify(find.slice(0, 80))} is not in the base request`);
  return base.slice(0, at) + replacement + base.slice(at + find.length);
}
export const inEnumerate = (find: string, replacement: string): string => edit(BASE.enumerate, find, replacement);
export const addHeader = (xml: string, base = BASE.enumerate): string => edit(base, HEADER_CLOSE, xml + HEADER_CLOSE);
const withMessageId = (text: string): string => inEnumerate(MESSAGE_ID_EL, `<a:MessageID>${text}</a:MessageID>`);
/** An unknown Action: the request is refused, and the fault echoes what the case puts elsewhere. */
export const unknownAction = (base: string): string => edit(base, ACTION_EL, '<a:Action s:mustUnderstand="true">http://evil.example/NoSuchAction</a:Action>');

/** A deterministic PRNG (mulberry32), so "random" bodies are the same on every run. */
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
function randomBytes(seed: number, length: number): Buffer {
  const next = prng(seed);
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = Math.floor(next() * 256);
  return b;
}

const utf16le = (s: string): Buffer => Buffer.from(s, 'utf16le');
const BOM_LE = Buffer.from([0xff, 0xfe]);
const BOM_BE = Buffer.from([0xfe, 0xff]);
const BOM_UTF8 = Buffer.from([0xef, 0xbb, 0xbf]);
function swap16(b: Buffer): Buffer {
  const c = Buffer.from(b);
  c.swap16();
  return c;
}
/** BASE.enumerate with `bad` bytes spliced into the MessageID text. */
function bytesInMessageId(bad: number[]): Buffer {
  const [before, after] = BASE.enumerate.split(id(1)) as [string, string];
  return Buffer.concat([Buffer.from(before + 'uuid:', 'utf8'), Buffer.from(bad), Buffer.from(after, 'utf8')]);
}

/** Offsets to cut a document at: the start, a Fibonacci run, 30 even steps, and the last bytes. */
function cutPoints(length: number): number[] {
  const points = new Set<number>([0]);
  for (let a = 1, b = 2; a < length; [a, b] = [b, a + b]) points.add(a);
  for (let i = 1; i < 30; i++) points.add(Math.floor((length * i) / 30));
  for (const back of [1, 2, 3, 5, 8, 12, 13, 14]) points.add(length - back);
  return [...points].filter((p) => p >= 0 && p < length).sort((x, y) => x - y);
}

export function hostileCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (name: string, body: string | Buffer, extra: Omit<HostileCase, 'name' | 'body'> = {}): void => {
    cases.push({ name, body, ...extra });
  };

  // --- Truncations: every strict prefix of a well-formed document is malformed.
  for (const [label, doc] of [['Enumerate', BASE.enumerate], ['Invoke', BASE.invoke]] as const) {
    for (const at of cutPoints(doc.length)) add(`truncated ${label} after ${at} of ${doc.length} bytes`, doc.slice(0, at));
  }
  const multibyte = Buffer.from(withMessageId('uuid:Ünïcødé-€-𝄞-end'), 'utf8');
  for (const ch of ['€', '𝄞']) {
    const at = multibyte.indexOf(Buffer.from(ch, 'utf8')) + 1;
    add(`truncated inside the UTF-8 sequence of ${ch}`, multibyte.subarray(0, at));
  }
  const enumerate16 = Buffer.concat([BOM_LE, utf16le(BASE.enumerate)]);
  for (const at of [2, 40, 400, enumerate16.length - 2]) {
    add(`truncated UTF-16 Enumerate after ${at} bytes`, enumerate16.subarray(0, at), { headers: { 'Content-Type': 'application/soap+xml;charset=UTF-16' } });
  }

  // --- Markup declarations: SOAP 1.2 Part 1 §5 forbids a DTD; nothing may be expanded or fetched.
  const doctype = (subset: string, doc = BASE.enumerate): string => `<!DOCTYPE s:Envelope${subset}>${doc}`;
  add('DOCTYPE without a subset', doctype(''));
  add('DOCTYPE lower-case', `<!doctype s:Envelope>${BASE.enumerate}`);
  add('DOCTYPE after an XML declaration', `<?xml version="1.0" encoding="utf-8"?>${doctype('')}`);
  add('DOCTYPE after a UTF-8 byte order mark', Buffer.concat([BOM_UTF8, Buffer.from(doctype(''))]));
  add('DOCTYPE with an internal subset and an entity used in MessageID', doctype(' [<!ENTITY id "uuid:from-an-entity">]', withMessageId('&id;')));
  add('external entity SYSTEM file:///etc/passwd in MessageID', doctype(' [<!ENTITY xxe SYSTEM "file:///etc/passwd">]', withMessageId('&xxe;')));
  add('external entity SYSTEM file:///etc/passwd in an attribute', doctype(' [<!ENTITY xxe SYSTEM "file:///etc/passwd">]', inEnumerate(LOCALE_EL, '<w:Locale xml:lang="&xxe;"/>')));
  add('external entity PUBLIC http://127.0.0.1:9/', doctype(' [<!ENTITY xxe PUBLIC "-//x//y" "http://127.0.0.1:9/x">]', withMessageId('&xxe;')));
  add('external DTD subset', doctype(' SYSTEM "http://127.0.0.1:9/evil.dtd"'));
  add('parameter entity fetching an external DTD', doctype(' [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/evil.dtd"> %ext;]'));
  add('parameter entity defining a general entity', doctype(' [<!ENTITY % p "<!ENTITY g \'uuid:x\'>"> %p;]', withMessageId('&g;')));
  const laughs = [' [<!ENTITY lol0 "lol">'];
  for (let i = 1; i <= 10; i++) laughs.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  const billion = laughs.join('') + ']';
  add('billion laughs in MessageID', doctype(billion, withMessageId('&lol10;')));
  add('billion laughs in an attribute', doctype(billion, inEnumerate(LOCALE_EL, '<w:Locale xml:lang="&lol10;"/>')));
  add('billion laughs in UTF-16', Buffer.concat([BOM_LE, utf16le(doctype(billion, withMessageId('&lol10;')))]), { headers: { 'Content-Type': 'application/soap+xml;charset=UTF-16' } });
  add('quadratic blowup: a 50 KB entity referenced 5,000 times', doctype(` [<!ENTITY big "${'x'.repeat(50_000)}">]`, withMessageId('&big;'.repeat(5_000))));
  add('ENTITY declaration inside the Body', inEnumerate(BODY_EL, '<s:Body><!ENTITY e "x">' + ENUMERATE_BODY + '</s:Body>'));
  add('ELEMENT declaration inside the Header', addHeader('<!ELEMENT a ANY>'));
  add('ATTLIST injecting a default mustUnderstand', doctype(' [<!ATTLIST a:To s:mustUnderstand CDATA "true">]'));
  add('DOCTYPE after the root element', BASE.enumerate + '<!DOCTYPE x>');
  add('XInclude of file:///etc/passwd as the Body', inEnumerate(BODY_EL, '<s:Body><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/></s:Body>'));

  // --- Entity and character references: only the five predefined entities and legal characters.
  for (const [label, ref] of [
    ['undefined entity', '&foo;'],
    ['HTML entity &nbsp;', '&nbsp;'],
    ['character reference to NUL', '&#0;'],
    ['character reference to U+0001', '&#x1;'],
    ['character reference to a lone surrogate', '&#xD800;'],
    ['character reference past U+10FFFF', '&#x110000;'],
    ['character reference to U+FFFE', '&#xFFFE;'],
    ['character reference with 8 digits', '&#99999999;'],
    ['empty hex character reference', '&#x;'],
    ['negative character reference', '&#-1;'],
    ['bare ampersand', 'a & b'],
    ['&amp without a semicolon', '&amp'],
    ['&#65 without a semicolon', '&#65 '],
  ] as const) {
    add(`entity: ${label} in MessageID`, withMessageId(`uuid:${ref}`));
  }
  add('entity: undefined entity in an attribute', inEnumerate(LOCALE_EL, '<w:Locale xml:lang="&lang;"/>'));
  add('entity: 5,000 undefined entity references', withMessageId('&a;'.repeat(5_000)));

  // --- Depth and width.
  const nest = (depth: number, close = true): string => '<x>'.repeat(depth) + (close ? '</x>'.repeat(depth) : '');
  add('deep: 10,000 levels inside Enumerate', inEnumerate(MAX_ELEMENTS_EL, MAX_ELEMENTS_EL + nest(10_000)));
  add('deep: 50,000 levels inside Enumerate', inEnumerate(MAX_ELEMENTS_EL, MAX_ELEMENTS_EL + nest(50_000)));
  add('deep: 10,000 levels inside a header', addHeader(`<h:Deep xmlns:h="urn:hostile">${nest(10_000)}</h:Deep>`));
  add('deep: 10,000 levels never closed', inEnumerate(MAX_ELEMENTS_EL, MAX_ELEMENTS_EL + nest(10_000, false)));
  // Enumerate is at depth 3, so 98 levels below it reach depth 101.
  add('deep: 101 levels, one past the limit', inEnumerate(MAX_ELEMENTS_EL, MAX_ELEMENTS_EL + nest(98)));
  add('wide: 40,000 Body elements', inEnumerate(BODY_EL, BODY_EL + '<s:Body/>'.repeat(40_000)));
  add('wide: 30,000 mandatory unknown headers', addHeader('<h:U xmlns:h="urn:hostile" s:mustUnderstand="true"/>'.repeat(30_000)));
  add('wide: 60,000 elements inside MaxElements', inEnumerate(MAX_ELEMENTS_EL, `<w:MaxElements>${'<y/>'.repeat(60_000)}</w:MaxElements>`));
  add('wide: 200,001 elements (past the element limit and the size limit)', inEnumerate(MAX_ELEMENTS_EL, MAX_ELEMENTS_EL + '<y/>'.repeat(200_001)));

  // --- Binary, NUL and control characters.
  for (const [seed, length] of [[1, 1], [2, 7], [3, 64], [4, 512], [5, 4096], [6, 65_536], [7, 300_000], [8, 13], [9, 1024], [10, 2048]] as const) {
    add(`binary: ${length} random bytes (seed ${seed})`, randomBytes(seed, length));
  }
  add('binary: random bytes after a valid envelope start', Buffer.concat([Buffer.from(BASE.enumerate.slice(0, 300)), randomBytes(11, 2000)]));
  add('binary: a gzip-compressed Enumerate', zlib.gzipSync(BASE.enumerate));
  add('binary: a gzip-compressed Enumerate with Content-Encoding: gzip', zlib.gzipSync(BASE.enumerate), { headers: { 'Content-Encoding': 'gzip' } });
  add('binary: a deflated Enumerate', zlib.deflateRawSync(BASE.enumerate));
  add('binary: a PNG header', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
  add('binary: 1,000 NUL bytes', Buffer.alloc(1000));
  add('nul: a NUL before the root', '\u0000' + BASE.enumerate);
  add('nul: a NUL after the root', BASE.enumerate + '\u0000');
  add('nul: a NUL between elements', inEnumerate(HEADER_OPEN, HEADER_OPEN + '\u0000'));
  add('nul: a NUL inside an element name', inEnumerate(MAX_ELEMENTS_EL, '<w:Max\u0000Elements>32</w:Max\u0000Elements>'));
  for (const [label, ch] of [
    ['NUL', '\u0000'],
    ['U+0001', '\u0001'],
    ['backspace U+0008', '\u0008'],
    ['vertical tab U+000B', '\u000b'],
    ['form feed U+000C', '\u000c'],
    ['U+001F', '\u001f'],
    ['non-character U+FFFE', '\ufffe'],
    ['non-character U+FFFF', '\uffff'],
  ] as const) {
    add(`control: raw ${label} in MessageID`, withMessageId(`uuid:a${ch}b`));
  }
  add('control: raw NUL in an attribute value', inEnumerate(LOCALE_EL, '<w:Locale xml:lang="en\u0000US"/>'));

  // --- Invalid UTF-8 (inside the MessageID of an otherwise valid Enumerate).
  for (const [label, bytes] of [
    ['a lone continuation byte', [0x80]],
    ['an overlong encoding of /', [0xc0, 0xaf]],
    ['an overlong NUL', [0xc0, 0x80]],
    ['a 5-byte sequence', [0xf8, 0x88, 0x80, 0x80, 0x80]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['the bytes FE FF', [0xfe, 0xff]],
    ['a truncated 3-byte sequence', [0xe2, 0x82]],
    ['Latin-1 é', [0xe9]],
  ] as const) {
    add(`utf-8: ${label}`, bytesInMessageId([...bytes]));
  }

  // --- UTF-16 bodies that do not decode, and byte order marks that contradict the charset.
  const u16 = { 'Content-Type': 'application/soap+xml;charset=UTF-16' };
  add('utf-16: little-endian body behind a big-endian BOM', Buffer.concat([BOM_BE, utf16le(BASE.enumerate)]), { headers: u16 });
  add('utf-16: odd number of bytes', Buffer.concat([BOM_LE, utf16le(BASE.enumerate), Buffer.from([0x20])]), { headers: u16 });
  add('utf-16: big-endian body without a BOM under charset=UTF-16', swap16(utf16le(BASE.enumerate)), { headers: u16 });
  add('utf-16: little-endian BOM under charset=UTF-8', Buffer.concat([BOM_LE, utf16le(BASE.enumerate)]));
  add('utf-16: UTF-8 BOM under charset=UTF-16', Buffer.concat([BOM_UTF8, Buffer.from(BASE.enumerate)]), { headers: u16 });
  add('utf-16: little-endian BOM under charset=UTF-16BE', Buffer.concat([BOM_LE, utf16le(BASE.enumerate)]), { headers: { 'Content-Type': 'application/soap+xml;charset=UTF-16BE' } });
  add('utf-16: little-endian without BOM or charset (read as UTF-8)', utf16le(BASE.enumerate));
  add('utf-16: a UTF-32LE body', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from([...BASE.enumerate].flatMap((c) => [c.charCodeAt(0), 0, 0, 0]))]));
  {
    const [before, after] = BASE.enumerate.split(id(1)) as [string, string];
    const loneSurrogate = Buffer.from([0x00, 0xd8]);
    add('utf-16: an unpaired high surrogate in MessageID', Buffer.concat([BOM_LE, utf16le(before + 'uuid:'), loneSurrogate, utf16le(after)]), { headers: u16 });
  }

  // --- Charsets other than UTF-8 and UTF-16.
  const latin1 = Buffer.from(withMessageId('uuid:café'), 'latin1');
  for (const charset of ['iso-8859-1', 'ISO-8859-1', '"iso-8859-1"', 'shift_jis', 'us-ascii', 'windows-1252', 'utf-32', 'utf-7', 'ebcdic-cp-us', 'utf-8x']) {
    add(`charset=${charset}`, charset.includes('8859') ? latin1 : BASE.enumerate, { headers: { 'Content-Type': `application/soap+xml;charset=${charset}` } });
  }
  add('charset given twice, the last one Shift_JIS', BASE.enumerate, { headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8;charset=shift_jis' } });

  // --- Content-Type.
  for (const type of ['text/xml;charset=UTF-8', 'application/xml', 'application/json', 'text/plain', 'multipart/related;type="application/xop+xml"', 'application/soap+xml-evil', '']) {
    add(`content-type: ${type === '' ? 'empty' : type}`, BASE.enumerate, { headers: { 'Content-Type': type } });
  }
  add('content-type: none at all', BASE.enumerate, { omitHeaders: ['Content-Type'] });
  add('content-type: text/xml with a SOAPAction (SOAP 1.1 style)', BASE.enumerate, { headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${ACTION.enumerate}"` } });

  // --- Authentication headers that are garbage (the body is a valid Enumerate).
  add('auth: Basic with a token that is not base64', BASE.enumerate, { headers: { Authorization: 'Basic !!!not-base64!!!' } });
  add('auth: Basic without a colon', BASE.enumerate, { headers: { Authorization: 'Basic ' + Buffer.from('Administrator').toString('base64') } });
  add('auth: Basic with an 8 KB token', BASE.enumerate, { headers: { Authorization: 'Basic ' + 'QUFB'.repeat(2048) } });
  add('auth: a Negotiate token', BASE.enumerate, { headers: { Authorization: 'Negotiate TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==' } });
  add('auth: Basic with a NUL in the password', BASE.enumerate, { headers: { Authorization: 'Basic ' + Buffer.from('Administrator:Passw0rd!\u0000').toString('base64') } });

  // --- Root element and envelope structure.
  const soap11 = BASE.enumerate.replace(`xmlns:s="${NS.soap}"`, `xmlns:s="${SOAP11}"`);
  add('root: a SOAP 1.1 envelope', soap11);
  add('root: Envelope in no namespace', BASE.enumerate.replace(`xmlns:s="${NS.soap}"`, '').replace(/s:(Envelope|Header|Body)/g, '$1').replace(/s:mustUnderstand/g, 'mustUnderstand'));
  add('root: Envelope in an unknown namespace', BASE.enumerate.replace(`xmlns:s="${NS.soap}"`, 'xmlns:s="urn:not-soap"'));
  add('root: Envelope namespace with a trailing slash', BASE.enumerate.replace(`xmlns:s="${NS.soap}"`, `xmlns:s="${NS.soap}/"`));
  add('root: Envelope namespace in upper case', BASE.enumerate.replace(`xmlns:s="${NS.soap}"`, `xmlns:s="${NS.soap.toUpperCase()}"`));
  add('root: a Fault as the root', `<s:Fault xmlns:s="${NS.soap}"><s:Code><s:Value>s:Sender</s:Value></s:Code></s:Fault>`);
  add('root: a Body as the root', `<s:Body xmlns:s="${NS.soap}" xmlns:n="${NS.enumeration}"><n:Enumerate/></s:Body>`);
  add('root: an HTML page', '<html><body><h1>hello</h1></body></html>');
  add('root: two Envelopes', BASE.enumerate + BASE.enumerate);
  add('root: text after the root', BASE.enumerate + 'trailing garbage');
  add('root: whitespace only', ' \r\n\t ');
  add('root: plain text', 'Enumerate MSFT_IPAM_Server please');
  add('root: JSON', JSON.stringify({ action: ACTION.enumerate, resourceUri: IPAM_SERVER_URI }));
  add('structure: Body missing', inEnumerate(BODY_EL, ''));
  add('structure: Header missing, Enumerate body', inEnumerate(BASE.enumerate.slice(BASE.enumerate.indexOf(HEADER_OPEN), BASE.enumerate.indexOf(HEADER_CLOSE) + HEADER_CLOSE.length), ''));
  add('structure: two Bodies', inEnumerate(BODY_EL, BODY_EL + `<s:Body><n:Pull><n:EnumerationContext>${id(9)}</n:EnumerationContext></n:Pull></s:Body>`));
  add('structure: two Headers, the second with another Action', inEnumerate(HEADER_CLOSE, `${HEADER_CLOSE}<s:Header><a:Action>${ACTION.delete}</a:Action></s:Header>`));
  add('structure: Body before Header', (() => {
    const h = BASE.enumerate.slice(BASE.enumerate.indexOf(HEADER_OPEN), BASE.enumerate.indexOf(HEADER_CLOSE) + HEADER_CLOSE.length);
    return inEnumerate(h + BODY_EL, BODY_EL + h);
  })());
  add('structure: an element after Body', inEnumerate(ENVELOPE_CLOSE, '<h:Trailer xmlns:h="urn:hostile"/>' + ENVELOPE_CLOSE));
  add('structure: Body in the SOAP 1.1 namespace', inEnumerate(BODY_EL, `<s11:Body xmlns:s11="${SOAP11}">${ENUMERATE_BODY}</s11:Body>`));
  add('structure: Header in the SOAP 1.1 namespace', edit(inEnumerate(HEADER_OPEN, `<s11:Header xmlns:s11="${SOAP11}">`), HEADER_CLOSE, '</s11:Header>'));
  add('structure: the s prefix rebound on Body', inEnumerate(BODY_EL, `<s:Body xmlns:s="urn:hostile">${ENUMERATE_BODY}</s:Body>`));
  add('structure: Enumerate wrapped in an extra element', inEnumerate(BODY_EL, `<s:Body><h:Wrap xmlns:h="urn:hostile">${ENUMERATE_BODY}</h:Wrap></s:Body>`));
  add('structure: Body holds text instead of an element', inEnumerate(BODY_EL, '<s:Body>Enumerate</s:Body>'));

  // --- Addressing headers: missing, empty, duplicated, or in the wrong namespace.
  add('header: Action in the WS-Man namespace (so missing)', inEnumerate(ACTION_EL, `<w:Action>${ACTION.enumerate}</w:Action>`));
  add('header: Action in no namespace', inEnumerate(ACTION_EL, `<Action xmlns="">${ACTION.enumerate}</Action>`));
  add('header: Action in the WS-Addressing 1.0 namespace', inEnumerate(ACTION_EL, `<wsa10:Action xmlns:wsa10="http://www.w3.org/2005/08/addressing">${ACTION.enumerate}</wsa10:Action>`));
  add('header: Action missing', inEnumerate(ACTION_EL, ''));
  add('header: Action empty', inEnumerate(ACTION_EL, '<a:Action s:mustUnderstand="true"></a:Action>'));
  add('header: Action whitespace only', inEnumerate(ACTION_EL, '<a:Action s:mustUnderstand="true"> \t </a:Action>'));
  add('header: two Actions, Enumerate then Delete', inEnumerate(ACTION_EL, ACTION_EL + `<a:Action s:mustUnderstand="true">${ACTION.delete}</a:Action>`));
  add('header: MessageID missing', inEnumerate(MESSAGE_ID_EL, ''));
  add('header: MessageID empty', withMessageId(''));
  add('header: MessageID of 3,000 characters', withMessageId('uuid:' + 'A'.repeat(2995)));
  add('header: MessageID in the WS-Man namespace', inEnumerate(MESSAGE_ID_EL, `<w:MessageID>${id(1)}</w:MessageID>`));
  add('header: two MessageIDs', inEnumerate(MESSAGE_ID_EL, MESSAGE_ID_EL + `<a:MessageID>${id(7)}</a:MessageID>`));
  add('header: ReplyTo missing', inEnumerate(REPLY_TO_EL, ''));
  add('header: ReplyTo without an Address', inEnumerate(REPLY_TO_EL, '<a:ReplyTo/>'));
  add('header: ReplyTo to a non-anonymous address', inEnumerate(REPLY_TO_EL, '<a:ReplyTo><a:Address>http://evil.example/collect</a:Address></a:ReplyTo>'));
  add('header: ReplyTo Address in the WS-Man namespace', inEnumerate(REPLY_TO_EL, `<a:ReplyTo><w:Address>${ANONYMOUS}</w:Address></a:ReplyTo>`));
  add('header: ReplyTo with the WS-Addressing 1.0 anonymous URI', inEnumerate(REPLY_TO_EL, '<a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo>'));
  add('header: FaultTo to a non-anonymous address', addHeader('<a:FaultTo><a:Address>http://evil.example/faults</a:Address></a:FaultTo>'));
  add('header: ResourceURI missing', inEnumerate(RESOURCE_EL, ''));
  add('header: ResourceURI empty', inEnumerate(RESOURCE_EL, '<w:ResourceURI s:mustUnderstand="true"></w:ResourceURI>'));
  add('header: ResourceURI in the addressing namespace', inEnumerate(RESOURCE_EL, `<a:ResourceURI>${IPAM_SERVER_URI}</a:ResourceURI>`));
  add('header: two ResourceURIs, the second another namespace', inEnumerate(RESOURCE_EL, RESOURCE_EL + `<w:ResourceURI>${WMI.replace('microsoft/ipam/', 'cimv2/')}Win32_Process</w:ResourceURI>`));
  for (const [label, uri] of [
    ['file:///etc/passwd', 'file:///etc/passwd'],
    ['javascript:', 'javascript:alert(1)'],
    ['with path traversal', `${WMI}../../../cimv2/Win32_Process`],
    ['naming a class that does not exist', `${WMI}MSFT_IPAM_NoSuchClass`],
    ['naming a namespace that does not exist', 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/nosuch/MSFT_IPAM_Server'],
    ['of 100 KB', `${WMI}${'A'.repeat(100_000)}`],
    ['naming __proto__', `${WMI}__proto__`],
  ] as const) {
    add(`header: ResourceURI ${label}`, inEnumerate(RESOURCE_EL, `<w:ResourceURI s:mustUnderstand="true">${uri}</w:ResourceURI>`));
  }

  // --- mustUnderstand (SOAP 1.2 Part 1 §5.2.3) and headers Windows refuses when mandatory.
  add('mustUnderstand: unknown header, s:mustUnderstand="true"', addHeader('<h:Evil xmlns:h="urn:hostile" s:mustUnderstand="true">x</h:Evil>'));
  add('mustUnderstand: unknown header, s:mustUnderstand="1"', addHeader('<h:Evil xmlns:h="urn:hostile" s:mustUnderstand="1">x</h:Evil>'));
  add('mustUnderstand: unknown header, unprefixed mustUnderstand', addHeader('<h:Evil xmlns:h="urn:hostile" mustUnderstand="true">x</h:Evil>'));
  add('mustUnderstand: unknown header in the WS-Man namespace', addHeader('<w:Bogus s:mustUnderstand="true"/>'));
  add('mustUnderstand: unknown header in the addressing namespace', addHeader('<a:Bogus s:mustUnderstand="true"/>'));
  add('mustUnderstand: unknown header in no namespace', addHeader('<Bogus xmlns="" s:mustUnderstand="true"/>'));
  add('mustUnderstand: w:ResourceUri in the wrong case', addHeader(`<w:ResourceUri s:mustUnderstand="true">${IPAM_SERVER_URI}</w:ResourceUri>`));
  const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
  add(
    'mustUnderstand: a WS-Security header',
    addHeader(`<wsse:Security xmlns:wsse="${WSSE}" s:mustUnderstand="1"><wsse:UsernameToken><wsse:Username>Administrator</wsse:Username></wsse:UsernameToken></wsse:Security>`),
  );
  add('mustUnderstand: Locale marked mandatory', inEnumerate(LOCALE_EL, '<w:Locale xml:lang="en-US" s:mustUnderstand="true"/>'));
  add('mustUnderstand: DataLocale marked mandatory', addHeader('<p:DataLocale xml:lang="en-US" s:mustUnderstand="true"/>'));

  // --- MaxEnvelopeSize (MS-WSMV 3.1.4.1.7).
  for (const v of ['0', '-1', 'abc', '99999999999999999999', '', '8191', '1.5', '0x7D000', '5e5', '512000 512000', '٥١٢٠٠٠']) {
    add(`MaxEnvelopeSize '${v}'`, inEnumerate(MAX_ENVELOPE_EL, `<w:MaxEnvelopeSize s:mustUnderstand="true">${v}</w:MaxEnvelopeSize>`));
  }
  add('MaxEnvelopeSize holding an element', inEnumerate(MAX_ENVELOPE_EL, '<w:MaxEnvelopeSize s:mustUnderstand="true"><x>512000</x></w:MaxEnvelopeSize>'));

  // --- OperationTimeout (an xs:duration; MS-WSMV 3.1.4.1.6). P1Y and P1M are valid durations,
  // capped at MaxTimeoutms rather than refused, so they are not hostile and are not listed.
  for (const v of ['PT', '-PT5S', 'forever', 'PT0S', '', 'PT5s', 'PT1.5.5S', 'P-1D', 'T5S', 'PT5H5H', '60', 'PT60S PT60S', 'P']) {
    add(`OperationTimeout '${v}'`, addHeader(`<w:OperationTimeout>${v}</w:OperationTimeout>`));
  }

  // --- Selectors (on a Get of the IPAM server instance).
  const SELECTOR_SET = BASE.get.slice(BASE.get.indexOf('<w:SelectorSet>'), BASE.get.indexOf('</w:SelectorSet>') + '</w:SelectorSet>'.length);
  const keysXml = SELECTOR_SET.slice('<w:SelectorSet>'.length, -'</w:SelectorSet>'.length);
  const withSelectors = (inner: string): string => edit(BASE.get, SELECTOR_SET, `<w:SelectorSet>${inner}</w:SelectorSet>`);
  add('selectors: Name given twice', withSelectors(keysXml + '<w:Selector Name="Name">other</w:Selector>'));
  add('selectors: Name given twice in different case', withSelectors(keysXml + '<w:Selector Name="NAME">other</w:Selector>'));
  add('selectors: a selector without Name', withSelectors(keysXml + '<w:Selector>x</w:Selector>'));
  add('selectors: a selector with an empty Name', withSelectors(keysXml + '<w:Selector Name="">x</w:Selector>'));
  add('selectors: 10,000 selectors', withSelectors(keysXml + Array.from({ length: 10_000 }, (_, i) => `<w:Selector Name="k${i}">${i}</w:Selector>`).join('')));
  add('selectors: a selector in the wrong namespace', withSelectors(keysXml + '<a:Selector Name="Extra">x</a:Selector>'));
  add('selectors: text directly in the SelectorSet', withSelectors(keysXml + 'loose text'));
  add('selectors: an empty EndpointReference as a value', withSelectors(keysXml + '<w:Selector Name="Ref"><a:EndpointReference/></w:Selector>'));
  add('selectors: an unknown key', withSelectors(keysXml + '<w:Selector Name="NoSuchKey">1</w:Selector>'));
  add('selectors: only Name, the other keys missing', withSelectors(`<w:Selector Name="Name">${IPAM_SERVER_KEYS.Name}</w:Selector>`));
  add("selectors: SQL injection in Name", withSelectors(keysXml.replace(IPAM_SERVER_KEYS.Name, "x' or 1=1 --")));
  add('selectors: a selector named __proto__', withSelectors(keysXml + '<w:Selector Name="__proto__">1</w:Selector>'));
  add('selectors: a selector named constructor', withSelectors(keysXml + '<w:Selector Name="constructor">1</w:Selector>'));
  add('selectors: keys on an Enumerate', envelope({ action: ACTION.enumerate, resourceUri: IPAM_SERVER_URI, selectors: IPAM_SERVER_KEYS, body: ENUMERATE_BODY, messageId: id(1) }));

  // --- Actions nobody serves, and attempts to change state through WS-Transfer.
  const withAction = (action: string, base = BASE.enumerate): string => {
    const current = /<a:Action s:mustUnderstand="true">[^<]*<\/a:Action>/.exec(base)?.[0];
    if (current === undefined) throw new Error('hostile corpus: the base request has no Action');
    return edit(base, current, `<a:Action s:mustUnderstand="true">${action}</a:Action>`);
  };
  for (const [label, action] of [
    ['an unknown URI', 'http://evil.example/DoSomething'],
    ['Enumerate with a suffix', ACTION.enumerate + 'X'],
    ['Renew', ACTION.renew],
    ['GetStatus', ACTION.getStatus],
    ['Subscribe', ACTION.subscribe],
    ['a 10 KB URI', 'urn:' + 'x'.repeat(10_000)],
    ['method __proto__', `${IPAM_SERVER_URI}/__proto__`],
    ['method constructor', `${IPAM_SERVER_URI}/constructor`],
    ['method toString', `${IPAM_SERVER_URI}/toString`],
    ['method hasOwnProperty', `${IPAM_SERVER_URI}/hasOwnProperty`],
    ['a method with path traversal', `${IPAM_SERVER_URI}/../Get`],
    ['a method of another class', `${WMI}MSFT_IPAM_Range/InvokeIpamServerProvisioning`],
  ] as const) {
    add(`action: ${label}`, withAction(action));
  }
  const provisionedInstance = `<p:MSFT_IPAM_Server xmlns:p="${IPAM_SERVER_URI}"><p:ProvisioningState>2</p:ProvisioningState></p:MSFT_IPAM_Server>`;
  add('action: Put on the IPAM server', edit(withAction(ACTION.put, BASE.get), '<s:Body></s:Body>', `<s:Body>${provisionedInstance}</s:Body>`));
  add('action: Create on the IPAM server', edit(withAction(ACTION.create), BODY_EL, `<s:Body><p:MSFT_IPAM_Server xmlns:p="${IPAM_SERVER_URI}"><p:Name>evil</p:Name></p:MSFT_IPAM_Server></s:Body>`));
  add('action: Delete of the IPAM server', withAction(ACTION.delete, BASE.get));

  // --- Enumerate, Pull and Release with bad bodies and contexts.
  const enumerateBody = (inner: string): string => inEnumerate(BODY_EL, `<s:Body>${inner}</s:Body>`);
  add('enumerate: empty Body', enumerateBody(''));
  add('enumerate: Body holds a Pull', enumerateBody('<n:Pull/>'));
  add('enumerate: Enumerate in the transfer namespace', enumerateBody(`<t:Enumerate xmlns:t="${NS.transfer}"/>`));
  for (const v of ['0', '-5', 'x', '', '1.5', '99999999999', ' ', '<![CDATA[abc]]>']) {
    add(`enumerate: MaxElements '${v}'`, inEnumerate(MAX_ELEMENTS_EL, `<w:MaxElements>${v}</w:MaxElements>`));
  }
  add('enumerate: EnumerationMode garbage', inEnumerate(MAX_ELEMENTS_EL, MAX_ELEMENTS_EL + '<w:EnumerationMode>EnumerateEverything</w:EnumerationMode>'));
  add('enumerate: a filter in an unknown dialect', enumerateBody('<n:Enumerate><w:Filter Dialect="http://evil.example/xpath">//*</w:Filter></n:Enumerate>'));
  add('enumerate: a filter without a dialect', enumerateBody('<n:Enumerate><w:Filter>select * from MSFT_IPAM_Server</w:Filter></n:Enumerate>'));
  const selectorFilter = (selectors: string): string =>
    enumerateBody(`<n:Enumerate><w:Filter Dialect="${SELECTOR_DIALECT}"><w:SelectorSet>${selectors}</w:SelectorSet></w:Filter></n:Enumerate>`);
  add('enumerate: a SelectorFilter on a property that does not exist', selectorFilter('<w:Selector Name="NoSuch">1</w:Selector>'));
  add('enumerate: a SelectorFilter naming a key twice', selectorFilter('<w:Selector Name="Name">a</w:Selector><w:Selector Name="name">b</w:Selector>'));
  add('enumerate: the wildcard URI without a filter', inEnumerate(RESOURCE_EL, '<w:ResourceURI s:mustUnderstand="true">http://schemas.dmtf.org/wbem/wscim/1/*</w:ResourceURI>'));
  const pull = (inner: string, action: string = ACTION.pull): string => pullWith(inner, action);
  add('pull: empty Body', pull(''));
  add('pull: Body holds an Enumerate', pull('<n:Enumerate/>'));
  add('pull: no EnumerationContext', pull('<n:Pull><n:MaxElements>1</n:MaxElements></n:Pull>'));
  for (const [label, ctx] of [
    ['an unknown context', id(404)],
    ['an empty context', ''],
    ['a garbage context', '%%%garbage%%%'],
    ['a 10 KB context', 'uuid:' + 'F'.repeat(10_000)],
    ['an injection-looking context', "' or 1=1; drop table contexts--"],
    ['a context holding an element', '<x>uuid:1</x>'],
  ] as const) {
    add(`pull: ${label}`, pull(`<n:Pull><n:EnumerationContext>${ctx}</n:EnumerationContext></n:Pull>`));
  }
  for (const v of ['0', '-5', 'x', '']) {
    add(`pull: MaxElements '${v}' on a live context`, pull(`<n:Pull><n:EnumerationContext>${LIVE_CONTEXT}</n:EnumerationContext><n:MaxElements>${v}</n:MaxElements></n:Pull>`));
  }
  add('release: empty Body', pull('', ACTION.release));
  add('release: Body holds a Pull', pull(`<n:Pull><n:EnumerationContext>${id(404)}</n:EnumerationContext></n:Pull>`, ACTION.release));
  add('release: no EnumerationContext', pull('<n:Release/>', ACTION.release));
  add('release: an unknown context', pull(`<n:Release><n:EnumerationContext>${id(404)}</n:EnumerationContext></n:Release>`, ACTION.release));
  add('release: a garbage context', pull('<n:Release><n:EnumerationContext>&lt;script&gt;</n:EnumerationContext></n:Release>', ACTION.release));

  // --- WQL: garbage and injection-looking queries (none of them valid WQL).
  for (const q of [
    '',
    'select',
    'select * from',
    'select * from MSFT_IPAM_Server where',
    "select * from MSFT_IPAM_Server where Name='x' or 1=1; drop table hosts--",
    "select * from MSFT_IPAM_Server where Name='x",
    'select * from MSFT_IPAM_Server where 1=1',
    'select * from MSFT_IPAM_Server; select * from MSFT_IPAM_Server',
    'SELECT * FROM Win32_Process',
    'select * from MSFT_IPAM_Server where NoSuchProperty = 1',
    "select * from MSFT_IPAM_Server where Name = 'a' and",
    'select * from MSFT_IPAM_Server where ' + '('.repeat(5_000) + "Name='a'" + ')'.repeat(5_000),
    '('.repeat(10_000),
    'select * from __proto__',
    'select __proto__ from MSFT_IPAM_Server',
    'delete from MSFT_IPAM_Server',
    'update MSFT_IPAM_Server set ProvisioningState = 2',
    'select * from MSFT_IPAM_Server where Name like',
    "select * from MSFT_IPAM_Server where Name = 'x' -- comment",
    'select * from MSFT_IPAM_Server where ProvisioningState = = 1',
  ]) {
    add(`wql: ${q.length > 80 ? q.slice(0, 60) + `… (${q.length} chars)` : JSON.stringify(q)}`, wqlEnumerate(q.replace(/&/g, '&amp;').replace(/</g, '&lt;')));
  }

  // --- Invoke InvokeIpamServerProvisioning with bad parameters (the base set is valid).
  const invoke = (p: Record<string, string | undefined>, extra = ''): string => {
    const merged: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...SQL_PARAMETERS, ...p })) if (v !== undefined) merged[k] = v;
    return invokeWith(parameters(merged) + extra);
  };
  add('invoke: an unknown parameter', invoke({}, '<ipam:Bogus>1</ipam:Bogus>'));
  add('invoke: ReturnValue given as input', invoke({}, '<ipam:ReturnValue>0</ipam:ReturnValue>'));
  add('invoke: a parameter named __proto__', invoke({}, '<ipam:__proto__>1</ipam:__proto__>'));
  add('invoke: a parameter named constructor', invoke({}, '<ipam:constructor>1</ipam:constructor>'));
  for (const v of ['99999', 'abc', '-1', '', '1e3', '0x59A', '1433.5', '0']) add(`invoke: DatabasePort '${v}'`, invoke({ DatabasePort: v }));
  for (const v of ['7', '-1', 'Manual', '65536']) add(`invoke: ProvisioningMethod '${v}'`, invoke({ ProvisioningMethod: v }));
  add("invoke: DatabaseAuthType '3'", invoke({ DatabaseAuthType: '3' }));
  add("invoke: Force 'yes'", invoke({ Force: 'yes' }));
  add("invoke: UseExistingSchema '2'", invoke({ UseExistingSchema: '2' }));
  add('invoke: ProvisioningMethod given twice', invoke({}, '<ipam:ProvisioningMethod>0</ipam:ProvisioningMethod>'));
  add('invoke: DatabaseServer given twice', invoke({}, '<ipam:DatabaseServer>sql2.contoso.com</ipam:DatabaseServer>'));
  add('invoke: a 100 KB DatabaseName', invoke({ DatabaseName: 'I'.repeat(100_000) }));
  add('invoke: a 100 KB DatabaseServer', invoke({ DatabaseServer: 'a'.repeat(100_000) }));
  add('invoke: a 100 KB GpoPrefix', invoke({ ProvisioningMethod: '0', GpoPrefix: 'G'.repeat(100_000) }));
  add('invoke: a 100 KB WidSchemaPath', invokeWith(parameters({ ProvisioningMethod: '1', WidSchemaPath: 'D:\\' + 'a'.repeat(100_000) })));
  add('invoke: an element where DatabaseName text is expected', invoke({ DatabaseName: '<x>IPAM</x>' }));
  add('invoke: an element where DatabasePort text is expected', invoke({ DatabasePort: '<ipam:Port>1433</ipam:Port>' }));
  add('invoke: SQL injection in DatabaseName', invoke({ DatabaseName: 'IPAM]; DROP DATABASE master;--' }));
  add('invoke: shell injection in DatabaseServer', invoke({ DatabaseServer: 'sql1;rm -rf /' }));
  add('invoke: a UNC WidSchemaPath', invokeWith(parameters({ ProvisioningMethod: '1', WidSchemaPath: '\\\\evil\\share\\ipam' })));
  add('invoke: a WidSchemaPath with ..', invokeWith(parameters({ ProvisioningMethod: '1', WidSchemaPath: 'C:\\Windows\\..\\..\\evil' })));
  add('invoke: GpoPrefix with Manual provisioning', invoke({ GpoPrefix: 'IPAM' }));
  add('invoke: a credential with Windows authentication', invoke({ DatabaseCredential: 'sa:secret' }));
  add('invoke: a malformed credential with SQL authentication', invoke({ DatabaseAuthType: '2', DatabaseCredential: 'no-colon-here' }));
  add('invoke: the INPUT element of another method', invokeWith('').replace(/InvokeIpamServerProvisioning_INPUT/g, 'UpdateIpamServer_INPUT'));
  add('invoke: the INPUT element holds only text', invokeWith('DatabasePort=1433'));
  add('invoke: two INPUT elements', edit(invoke({}), '</s:Body>', provisioningInput(parameters({ ProvisioningMethod: '7' })) + '</s:Body>'));

  // --- Oversized bodies: the default host's MaxEnvelopeSizekb is 500 (512,000 bytes).
  const padded = (bytes: number): string => inEnumerate(BODY_EL, `<s:Body>${ENUMERATE_BODY}${' '.repeat(bytes - BASE.enumerate.length)}</s:Body>`);
  add('oversized: 512,001 bytes, one past the limit', padded(512_001));
  add('oversized: 600 KB with Content-Length', padded(600 * 1024));
  add('oversized: 5 MB with Content-Length', padded(5 * 1024 * 1024));
  add('oversized: 600 KB chunked', padded(600 * 1024), { chunked: true });
  add('oversized: 5 MB chunked', padded(5 * 1024 * 1024), { chunked: true });
  add('oversized: 600 KB of UTF-16', Buffer.concat([BOM_LE, utf16le(padded(300 * 1024))]), { headers: u16 });
  add('oversized: a 600 KB MessageID', withMessageId('uuid:' + 'A'.repeat(600 * 1024)));
  add('oversized: a 600 KB comment', inEnumerate(HEADER_OPEN, `<!--${'c'.repeat(600 * 1024)}-->${HEADER_OPEN}`));

  // --- Attribute tricks.
  add('attribute: mustUnderstand given twice', inEnumerate(ACTION_EL, `<a:Action s:mustUnderstand="true" s:mustUnderstand="false">${ACTION.enumerate}</a:Action>`));
  add('attribute: xmlns:a declared twice', inEnumerate(`xmlns:a="${NS.addressing}"`, `xmlns:a="${NS.addressing}" xmlns:a="urn:hostile"`));
  add(
    'attribute: the same attribute through two prefixes of one namespace',
    inEnumerate(ACTION_EL, `<a:Action xmlns:s2="${NS.soap}" s:mustUnderstand="true" s2:mustUnderstand="false">${ACTION.enumerate}</a:Action>`),
  );
  add('attribute: a value without quotes', inEnumerate(LOCALE_EL, '<w:Locale xml:lang=en-US/>'));
  add('attribute: a name without a value', inEnumerate(LOCALE_EL, '<w:Locale xml:lang/>'));
  add("attribute: '<' in a value", inEnumerate(LOCALE_EL, '<w:Locale xml:lang="en<US"/>'));
  add('attribute: an unterminated value', inEnumerate(LOCALE_EL, '<w:Locale xml:lang="en-US/>'));
  add('attribute: mismatched quotes', inEnumerate(LOCALE_EL, `<w:Locale xml:lang="en-US'/>`));
  add('attribute: a name starting with a digit', inEnumerate(LOCALE_EL, '<w:Locale 1lang="en-US"/>'));
  add('namespace: a prefix bound to the empty namespace', inEnumerate(`xmlns:a="${NS.addressing}"`, `xmlns:a="${NS.addressing}" xmlns:e=""`));
  add('namespace: an element with an unbound prefix', inEnumerate(MAX_ELEMENTS_EL, MAX_ELEMENTS_EL + '<zz:Unbound/>'));
  add('namespace: the xml prefix rebound', inEnumerate('<a:To>', '<a:To xmlns:xml="urn:hostile">'));
  add('namespace: the xmlns prefix declared', inEnumerate('<a:To>', '<a:To xmlns:xmlns="urn:hostile">'));
  add('namespace: a prefix bound to the XML namespace', inEnumerate('<a:To>', '<a:To xmlns:evil="http://www.w3.org/XML/1998/namespace">'));
  add('syntax: whitespace before a tag name', inEnumerate(MAX_ELEMENTS_EL, '< w:MaxElements>32</w:MaxElements>'));

  // --- CDATA, processing instructions, comments, and '<' where text belongs.
  add('cdata: before the root', '<![CDATA[x]]>' + BASE.enumerate);
  add('cdata: after the root', BASE.enumerate + '<![CDATA[x]]>');
  add('cdata: never closed', inEnumerate(MAX_ELEMENTS_EL, '<w:MaxElements><![CDATA[32</w:MaxElements>'));
  add("cdata: ']]>' in text", withMessageId('uuid:a]]>b'));
  add('cdata: nested CDATA', withMessageId('<![CDATA[<![CDATA[uuid:x]]>]]>'));
  add('cdata: as an element name', inEnumerate(MAX_ELEMENTS_EL, MAX_ELEMENTS_EL + '<<![CDATA[x]]>/>'));
  add('pi: XML declaration after a comment', `<!-- first -->${'<?xml version="1.0"?>'}${BASE.enumerate}`);
  add('pi: XML declaration inside the Body', inEnumerate(BODY_EL, `<s:Body><?xml version="1.0"?>${ENUMERATE_BODY}</s:Body>`));
  add('pi: two XML declarations', `<?xml version="1.0"?><?xml version="1.0"?>${BASE.enumerate}`);
  add('pi: upper-case XML target', `<?XML version="1.0"?>${BASE.enumerate}`);
  add('pi: never closed', BASE.enumerate.slice(0, BASE.enumerate.length - ENVELOPE_CLOSE.length) + '<?evil never closed' + ENVELOPE_CLOSE);
  add('pi: without a target', inEnumerate(HEADER_OPEN, HEADER_OPEN + '<? ?>'));
  add('comment: never ends', inEnumerate(HEADER_OPEN, HEADER_OPEN + '<!-- never ends'));
  add("comment: '--' inside a comment", inEnumerate(HEADER_OPEN, HEADER_OPEN + '<!-- a -- b -->'));
  add("comment: ending in '--->'", inEnumerate(HEADER_OPEN, HEADER_OPEN + '<!-- a --->'));
  add('comment: inside a start tag', inEnumerate('<a:To>', '<a:To <!-- x -->>'));
  add("comment: the opener '<!-' only", inEnumerate(HEADER_OPEN, HEADER_OPEN + '<!- x ->'));
  add("text: '<' in MessageID", withMessageId('uuid:<1234'));
  add("text: '<' alone in the Body", inEnumerate(BODY_EL, `<s:Body>${ENUMERATE_BODY}<</s:Body>`));
  add('text: an empty tag <>', inEnumerate(HEADER_OPEN, HEADER_OPEN + '<>'));
  add('text: an empty end tag </>', inEnumerate(HEADER_CLOSE, '</>' + HEADER_CLOSE));
  add('text: a mismatched end tag', inEnumerate(ACTION_EL, `<a:Action s:mustUnderstand="true">${ACTION.enumerate}</a:Actionx>`));
  add('text: an end tag with another prefix of the same namespace', inEnumerate(ACTION_EL, `<a:Action xmlns:wsa="${NS.addressing}">${ACTION.enumerate}</wsa:Action>`));

  // --- xml:lang garbage. A raw '<' or a duplicate is malformed; garbage values go into
  // a fault's xml:lang (the request has an unknown Action), which must still parse.
  add("xml:lang: raw '<' in the value", inEnumerate(LOCALE_EL, '<w:Locale xml:lang="<en>"/>'));
  add('xml:lang: given twice', inEnumerate(LOCALE_EL, '<w:Locale xml:lang="en-US" xml:lang="de-DE"/>'));
  add('xml:lang: garbage in a mandatory Locale', inEnumerate(LOCALE_EL, '<w:Locale xml:lang="!!garbage!!" s:mustUnderstand="true"/>'));
  for (const [label, lang] of [
    ['markup', '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['quotes and ampersands', `'&amp;&quot;&amp;amp;`],
    ['CR, LF and tab', 'en&#xD;&#xA;&#x9;US'],
    ['10 KB', 'x'.repeat(10_000)],
    ['U+FFFD and emoji', '\ufffd😈'],
  ] as const) {
    add(`xml:lang: ${label}, echoed into a fault`, unknownAction(inEnumerate(LOCALE_EL, `<w:Locale xml:lang="${lang}"/>`)));
  }

  // --- Values a fault echoes back: the fault must still be a well-formed envelope.
  add("echo: ']]>' and markup in MessageID (RelatesTo)", unknownAction(withMessageId('uuid:]]&gt;&lt;/a:RelatesTo&gt;&lt;x&gt;')));
  add('echo: CR LF in MessageID (RelatesTo)', unknownAction(withMessageId('uuid:a&#xD;&#xA;b')));
  add('echo: markup in an unknown Action', withAction('urn:&lt;/s:Text&gt;&lt;x&gt;&amp;'));
  add('echo: markup in an unknown ResourceURI', inEnumerate(RESOURCE_EL, `<w:ResourceURI s:mustUnderstand="true">${WMI}&lt;x&gt;]]&gt;</w:ResourceURI>`));
  add('echo: markup in a duplicated selector name', withSelectors(keysXml + '<w:Selector Name="&lt;x&gt;">1</w:Selector><w:Selector Name="&lt;X&gt;">2</w:Selector>'));
  add('echo: markup in an invalid WQL query', wqlEnumerate('select &lt;/s:Text&gt; ]]&gt; from'));
  add('echo: markup in OperationTimeout', addHeader('<w:OperationTimeout>&lt;x/&gt;]]&gt;</w:OperationTimeout>'));
  add('echo: markup in MaxElements', inEnumerate(MAX_ELEMENTS_EL, '<w:MaxElements>&lt;x/&gt;]]&gt;</w:MaxElements>'));
  add('echo: right-to-left override and emoji in an unknown Action', withAction('urn:\u202egnp.exe😈'));
  add('echo: Identify body under an unknown mandatory header', edit(IDENTIFY, '<s:Header/>', '<s:Header><h:Evil xmlns:h="urn:hostile" s:mustUnderstand="true"/></s:Header>'));

  return cases;
}
