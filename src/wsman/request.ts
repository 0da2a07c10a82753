/**
 * The request model: a parsed SOAP envelope turned into typed WS-Man headers.
 * Matching is by namespace URI and local name only. Lenient where real clients
 * deviate (reference/wsman-wire.md §0.4, clients.md); faults where Windows does.
 */
import { child, childrenNamed, elements, textOf, type XmlElement, attr } from '../xml/parse';
import { ANONYMOUS, NS } from './namespaces';
import { WsmanFault } from './faults';
import { parseDuration } from './duration';

export interface Selector {
  readonly name: string;
  /** Text value; selectors holding an EPR are kept as their element. */
  readonly value: string;
  readonly epr?: XmlElement;
}

export interface WsmanOption {
  /** Name without the `wmi:` / `wmiarray:` prefix (MS-WSMV 3.1.4.1.10). */
  readonly name: string;
  readonly type?: string;
  readonly mustComply: boolean;
  /** One value, or several for `wmiarray:` options. */
  readonly values: readonly string[];
}

export interface WsmanRequest {
  readonly envelope: XmlElement;
  readonly body: XmlElement;
  /** The first element of the body, if any. */
  readonly bodyElement: XmlElement | undefined;
  readonly action: string | undefined;
  readonly messageId: string | undefined;
  readonly to: string | undefined;
  readonly resourceUri: string | undefined;
  readonly selectors: readonly Selector[];
  /** Options by lower-cased name. */
  readonly options: ReadonlyMap<string, WsmanOption>;
  readonly maxEnvelopeSize: number | undefined;
  /** Requested w:OperationTimeout in milliseconds, before capping. */
  readonly operationTimeoutMs: number | undefined;
  readonly locale: string | undefined;
  readonly dataLocale: string | undefined;
  readonly sessionId: string | undefined;
  readonly operationId: string | undefined;
}

const SOAP11_ENVELOPE = 'http://schemas.xmlsoap.org/soap/envelope/';

/**
 * Headers this endpoint processes. Anything else marked mustUnderstand gets
 * s:MustUnderstand (SOAP 1.2 Part 1 §5.2.3).
 */
const UNDERSTOOD = new Set(
  [
    [NS.addressing, 'To'],
    [NS.addressing, 'ReplyTo'],
    [NS.addressing, 'FaultTo'],
    [NS.addressing, 'From'],
    [NS.addressing, 'Action'],
    [NS.addressing, 'MessageID'],
    [NS.wsman, 'ResourceURI'],
    [NS.wsman, 'SelectorSet'],
    [NS.wsman, 'OptionSet'],
    [NS.wsman, 'MaxEnvelopeSize'],
    [NS.wsman, 'OperationTimeout'],
    [NS.wsman, 'Locale'],
    [NS.wsman, 'RequestTotalItemsCountEstimate'],
    [NS.wsmv, 'DataLocale'],
    [NS.wsmv, 'SessionId'],
    [NS.wsmv, 'ActivityId'],
    [NS.wsmv, 'OperationID'],
    [NS.wsmv, 'SequenceId'],
  ].map(([ns, local]) => `${ns}|${local}`),
);

/** s:mustUnderstand, also accepted unprefixed (pywinrm, Go winrm write it so). */
function mustUnderstand(el: XmlElement): boolean {
  const v = attr(el, NS.soap, 'mustUnderstand') ?? attr(el, '', 'mustUnderstand');
  if (v === undefined) return false;
  const t = v.trim().toLowerCase();
  return t === 'true' || t === '1';
}

/** Headers with simple (text-only) content whose value the endpoint uses: markup in one is refused. */
const SIMPLE_HEADERS = new Set(['Action', 'MessageID', 'ResourceURI', 'MaxEnvelopeSize', 'OperationTimeout', 'ActivityId']);

/**
 * A simple-content header's text. An element inside one is refused rather than skipped: reading
 * only the text would join the pieces either side into a different value (`Enum<x/>erate`).
 */
function headerText(header: XmlElement | undefined, ns: string, local: string): string | undefined {
  if (!header) return undefined;
  const el = child(header, ns, local);
  if (!el) return undefined;
  if (SIMPLE_HEADERS.has(local) && elements(el).length > 0) {
    if (local === 'ResourceURI') {
      throw new WsmanFault('DestinationUnreachable', { detail: 'InvalidResourceURI', extra: 'The ResourceURI header holds markup, not a URI.' });
    }
    throw new WsmanFault('InvalidMessageInformationHeader', {
      ...(local === 'OperationTimeout' ? { detail: 'InvalidTimeout' } : {}),
      extra: `The ${local} header holds markup; its value must be text only.`,
    });
  }
  return textOf(el).trim();
}

function xmlLang(el: XmlElement | undefined): string | undefined {
  return el ? attr(el, 'http://www.w3.org/XML/1998/namespace', 'lang') : undefined;
}

/** The wsse:Security header: understood only where WS-Security is enabled (the handler says so). */
export const SECURITY_HEADER = `${NS.wsse}|Security`;

/** `alsoUnderstood`: header keys (`ns|local`) the caller processes itself, such as SECURITY_HEADER. */
const NOTHING_ELSE: ReadonlySet<string> = new Set();

export function parseRequest(envelope: XmlElement, alsoUnderstood: ReadonlySet<string> = NOTHING_ELSE): WsmanRequest {
  if (envelope.local !== 'Envelope' || envelope.ns !== NS.soap) {
    if (envelope.local === 'Envelope' && envelope.ns === SOAP11_ENVELOPE) {
      // SOAP 1.2 Part 1 §5.4.7: a SOAP 1.1 envelope gets env:VersionMismatch.
      throw new WsmanFault('VersionMismatch');
    }
    throw new WsmanFault('SchemaValidationError', { extra: 'The root element is not a SOAP 1.2 Envelope.' });
  }
  checkEnvelopeStructure(envelope);
  const header = child(envelope, NS.soap, 'Header');
  const body = child(envelope, NS.soap, 'Body');
  if (!body) {
    // A real Windows fault for a missing Body (pypsrp fixture): InvalidMessageInformationHeader, code 2150858767.
    throw new WsmanFault('InvalidMessageInformationHeader', {
      message: 'The WS-Management service cannot process the request. The SOAP packet that WS-Management received did not contain a valid Body element.',
    });
  }
  const bodyElements = elements(body);
  if (bodyElements.length > 1 || hasText(body)) {
    throw new WsmanFault('SchemaValidationError', { extra: 'The SOAP Body must hold a single element.' });
  }
  const bodyElement = bodyElements[0];

  if (header) {
    const seen = new Set<string>();
    for (const h of elements(header)) {
      const key = `${h.ns}|${h.local}`;
      if (mustUnderstand(h) && !UNDERSTOOD.has(key) && !alsoUnderstood.has(key)) {
        throw new WsmanFault('MustUnderstand', { notUnderstood: { ns: h.ns, local: h.local, prefix: h.prefix } });
      }
      if (UNDERSTOOD.has(key)) {
        // WS-Addressing: each message information header appears at most once.
        if (seen.has(key)) throw new WsmanFault('InvalidMessageInformationHeader', { extra: `The ${h.local} header appears more than once.` });
        seen.add(key);
      }
    }
  }

  const locale = header ? child(header, NS.wsman, 'Locale') : undefined;
  const dataLocale = header ? child(header, NS.wsmv, 'DataLocale') : undefined;
  if (locale && mustUnderstand(locale)) {
    // MS-WSMV 3.1.4.1.8: Windows does not honour a mandatory locale.
    throw new WsmanFault('UnsupportedFeature', { detail: 'Locale', extra: 'The Locale header must not be marked mustUnderstand="true".' });
  }

  if (dataLocale && mustUnderstand(dataLocale)) {
    // MS-WSMV 3.1.4.1.9.
    throw new WsmanFault('UnsupportedFeature', { detail: 'DataLocale', extra: 'The DataLocale header must not be marked mustUnderstand="true".' });
  }

  const maxEnvelopeText = headerText(header, NS.wsman, 'MaxEnvelopeSize');
  let maxEnvelopeSize: number | undefined;
  if (maxEnvelopeText !== undefined) {
    if (!/^\d{1,10}$/.test(maxEnvelopeText)) {
      throw new WsmanFault('InvalidMessageInformationHeader', { extra: 'The MaxEnvelopeSize header is not a positive integer.' });
    }
    maxEnvelopeSize = Number(maxEnvelopeText);
    if (maxEnvelopeSize < 8192) {
      // MS-WSMV 3.1.4.1.7: below 8192 octets is refused.
      throw new WsmanFault('EncodingLimit', { detail: 'MinimumEnvelopeLimit', extra: 'The MaxEnvelopeSize must be at least 8192 octets.' });
    }
  }

  const timeoutText = headerText(header, NS.wsman, 'OperationTimeout');
  let operationTimeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    const ms = parseDuration(timeoutText);
    if (ms === undefined || ms <= 0) {
      throw new WsmanFault('InvalidMessageInformationHeader', {
        detail: 'InvalidTimeout',
        extra: `The OperationTimeout '${timeoutText}' is not a valid positive xs:duration.`,
      });
    }
    operationTimeoutMs = ms;
  }

  const messageId = headerText(header, NS.addressing, 'MessageID');
  const activityId = headerText(header, NS.wsmv, 'ActivityId');
  if (activityId !== undefined && activityId.length > 2048) {
    // MS-WSMV 3.1.4.1.12: an ActivityId MUST NOT exceed 2048 characters; the server SHOULD fault so.
    throw new WsmanFault('InvalidMessageInformationHeader', { extra: 'The ActivityId header is longer than 2048 characters.' });
  }

  return {
    envelope,
    body,
    bodyElement,
    action: headerText(header, NS.addressing, 'Action'),
    messageId,
    to: headerText(header, NS.addressing, 'To'),
    resourceUri: headerText(header, NS.wsman, 'ResourceURI'),
    selectors: parseSelectorSet(header ? child(header, NS.wsman, 'SelectorSet') : undefined),
    options: parseOptionSet(header ? child(header, NS.wsman, 'OptionSet') : undefined),
    maxEnvelopeSize,
    operationTimeoutMs,
    locale: xmlLang(locale),
    dataLocale: xmlLang(dataLocale),
    sessionId: headerText(header, NS.wsmv, 'SessionId'),
    operationId: headerText(header, NS.wsmv, 'OperationID'),
  };
}

/** SOAP 1.2 Part 1 §5.1: an optional Header, then the Body, and nothing else. */
function checkEnvelopeStructure(envelope: XmlElement): void {
  const kids = elements(envelope);
  const names = kids.map((k) => (k.ns === NS.soap ? k.local : `{${k.ns}}${k.local}`));
  const ok = (names.length === 1 && names[0] === 'Body') || (names.length === 2 && names[0] === 'Header' && names[1] === 'Body');
  if (!ok && names.includes('Body')) {
    throw new WsmanFault('SchemaValidationError', { extra: 'A SOAP Envelope holds an optional Header followed by one Body, and nothing else.' });
  }
  if (hasText(envelope)) throw new WsmanFault('SchemaValidationError', { extra: 'The SOAP Envelope holds text outside its Header and Body.' });
}

function hasText(el: XmlElement): boolean {
  return el.children.some((c) => typeof c === 'string' && c.trim() !== '');
}

/**
 * Checks the addressing headers every operation other than Identify needs
 * (MS-WSMV 3.1.4.1.3, 3.1.4.1.5).
 */
export function checkAddressing(req: WsmanRequest): void {
  const header = child(req.envelope, NS.soap, 'Header');
  if (req.messageId === undefined) {
    throw new WsmanFault('InvalidMessageInformationHeader', { extra: 'The request has no MessageID header.' });
  }
  if (req.messageId === '') {
    throw new WsmanFault('InvalidMessageInformationHeader', { extra: 'The MessageID header is empty.' });
  }
  if (req.messageId.length > 2048) {
    // MS-WSMV <47>: Windows accepts any MessageID format up to 2 KB.
    throw new WsmanFault('InvalidMessageInformationHeader', { extra: 'The MessageID header is longer than 2048 characters.' });
  }
  if (req.action === undefined || req.action === '') {
    throw new WsmanFault('MessageInformationHeaderRequired', { extra: 'The request has no Action header.' });
  }
  const replyTo = header ? child(header, NS.addressing, 'ReplyTo') : undefined;
  if (!replyTo) throw new WsmanFault('MessageInformationHeaderRequired', { extra: 'The request has no ReplyTo header.' });
  // An endpoint reference has exactly one Address (WS-Addressing 2004/08 §2.1): two are not the anonymous one.
  const addresses = childrenNamed(replyTo, NS.addressing, 'Address');
  const address = addresses.length === 1 ? addresses[0] : undefined;
  if (!address || elements(address).length > 0 || textOf(address).trim() !== ANONYMOUS) {
    throw new WsmanFault('UnsupportedFeature', { detail: 'AddressingMode', extra: 'Only the anonymous ReplyTo address is supported.' });
  }
  // MS-WSMV 3.1.4.1.4: FaultTo, when present, must be anonymous too.
  const faultTo = header ? child(header, NS.addressing, 'FaultTo') : undefined;
  if (faultTo) {
    const fas = childrenNamed(faultTo, NS.addressing, 'Address');
    const fa = fas.length === 1 ? fas[0] : undefined;
    if (!fa || elements(fa).length > 0 || textOf(fa).trim() !== ANONYMOUS) {
      throw new WsmanFault('UnsupportedFeature', { detail: 'AddressingMode', extra: 'Only the anonymous FaultTo address is supported.' });
    }
  }
}

function parseSelectorSet(set: XmlElement | undefined): Selector[] {
  if (!set) return [];
  if (hasText(set)) throw new WsmanFault('InvalidSelectors', { detail: 'InvalidValue', extra: 'The SelectorSet holds text outside its Selector elements.' });
  const selectors: Selector[] = [];
  const seen = new Set<string>();
  for (const s of elements(set)) {
    if (s.ns !== NS.wsman || s.local !== 'Selector') {
      throw new WsmanFault('InvalidSelectors', { detail: 'UnexpectedSelectors', extra: `Unexpected element ${s.local} in the SelectorSet.` });
    }
    const name = attr(s, '', 'Name');
    if (name === undefined || name === '') {
      throw new WsmanFault('InvalidSelectors', { detail: 'InvalidValue', extra: 'A selector has no Name attribute.' });
    }
    const key = name.toLowerCase();
    if (seen.has(key)) throw new WsmanFault('InvalidSelectors', { detail: 'DuplicateSelectors', extra: `The selector ${name} is given twice.` });
    seen.add(key);
    const epr = child(s, NS.addressing, 'EndpointReference');
    selectors.push(epr ? { name, value: '', epr } : { name, value: textOf(s) });
  }
  return selectors;
}

function parseOptionSet(set: XmlElement | undefined): Map<string, WsmanOption> {
  const options = new Map<string, WsmanOption>();
  if (!set) return options;
  for (const o of childrenNamed(set, NS.wsman, 'Option')) {
    const rawName = attr(o, '', 'Name');
    if (!rawName) continue;
    let name = rawName;
    let isArray = false;
    if (/^wmiarray:/i.test(name)) {
      name = name.slice(9);
      isArray = true;
    } else if (/^wmi:/i.test(name)) {
      name = name.slice(4);
    }
    const mc = attr(o, '', 'MustComply')?.trim().toLowerCase();
    const key = name.toLowerCase();
    const value = textOf(o);
    const prev = options.get(key);
    if (prev && isArray) {
      options.set(key, { ...prev, values: [...prev.values, value] });
    } else {
      options.set(key, { name, type: attr(o, '', 'Type'), mustComply: mc === 'true' || mc === '1', values: [value] });
    }
  }
  return options;
}

/** An option's single value, or undefined. */
export function optionValue(req: WsmanRequest, name: string): string | undefined {
  return req.options.get(name.toLowerCase())?.values[0];
}

/** An option read as a boolean (true/false/1/0), as MI clients send either form. */
export function optionFlag(req: WsmanRequest, name: string): boolean | undefined {
  const v = optionValue(req, name)?.trim().toLowerCase();
  if (v === undefined) return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}
