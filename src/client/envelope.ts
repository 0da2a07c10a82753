/**
 * The client's envelope codec: builds requests the way Windows' MI client
 * shapes them (wsman-wire.md §2: MessageID uuid:…, anonymous ReplyTo,
 * MaxEnvelopeSize 512000, Locale en-US, OperationTimeout, SelectorSet,
 * OptionSet) and reads instances, EPRs and method output out of replies.
 * Pure functions; every value goes through the one escaping writer, and
 * replies are matched by namespace URI and local name, never by prefix.
 */
import { randomUUID } from 'node:crypto';
import { child, childrenNamed, elements, hasElementChildren, textOf, XSD_NS, XSI_NS, type XmlElement } from '../xml/parse';
import { XmlWriter } from '../xml/write';
import { ANONYMOUS, NS } from '../wsman/namespaces';

export type Selectors = Readonly<Record<string, string>>;

/** One w:Option. `type` is the xs: type Windows writes (xs:boolean, xs:unsignedInt, xs:string, xs:int). */
export interface WsmanOption {
  readonly name: string;
  readonly type?: string;
  readonly value: string | number | boolean;
}

/** An instance as property values by local name: text, repeated elements as arrays, xsi:nil as null. */
export type CimInstanceRecord = Record<string, string | string[] | null>;

export interface EndpointReference {
  readonly resourceUri: string;
  readonly selectors: Selectors;
}

export type MethodParameterValue = string | number | boolean | string[] | null;

export interface EnvelopeSpec {
  /** a:To: the endpoint as the server knows itself. */
  readonly to: string;
  readonly action: string;
  readonly resourceUri?: string;
  readonly selectors?: Selectors;
  readonly options?: readonly WsmanOption[];
  readonly operationTimeoutMs?: number;
  readonly maxEnvelopeSize?: number;
  readonly locale?: string;
  readonly messageId?: string;
  /** Writes the Body's content. */
  readonly body?: (w: XmlWriter) => void;
}

export function newMessageId(): string {
  return 'uuid:' + randomUUID().toUpperCase();
}

/** xs:duration as Windows writes it: PT60.000S (MS-WSMV 3.1.4.1.6). */
export function formatOperationTimeout(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`an operation timeout must be a positive number of milliseconds, not ${ms}`);
  return `PT${(ms / 1000).toFixed(3)}S`;
}

const MUST = { 's:mustUnderstand': 'true' } as const;

/**
 * A request envelope. No p:OperationID/SequenceId: they opt in to full-duplex
 * interactive events (MS-WSMV 3.1.4.1.39), which this client does not read.
 */
export function buildEnvelope(spec: EnvelopeSpec): string {
  const w = new XmlWriter();
  w.open('s:Envelope', {
    'xmlns:s': NS.soap,
    'xmlns:a': NS.addressing,
    'xmlns:n': NS.enumeration,
    'xmlns:w': NS.wsman,
    'xmlns:p': NS.wsmv,
    'xmlns:xsi': NS.xsi,
  });
  w.open('s:Header');
  w.leaf('a:To', undefined, spec.to);
  if (spec.resourceUri !== undefined) w.leaf('w:ResourceURI', MUST, spec.resourceUri);
  w.open('a:ReplyTo').leaf('a:Address', MUST, ANONYMOUS).close();
  w.leaf('a:Action', MUST, spec.action);
  w.leaf('w:MaxEnvelopeSize', MUST, String(spec.maxEnvelopeSize ?? 512000));
  w.leaf('a:MessageID', undefined, spec.messageId ?? newMessageId());
  const locale = spec.locale ?? 'en-US';
  w.leaf('w:Locale', { 'xml:lang': locale, 's:mustUnderstand': 'false' });
  w.leaf('p:DataLocale', { 'xml:lang': locale, 's:mustUnderstand': 'false' });
  if (spec.operationTimeoutMs !== undefined) w.leaf('w:OperationTimeout', undefined, formatOperationTimeout(spec.operationTimeoutMs));
  const selectors = Object.entries(spec.selectors ?? {});
  if (selectors.length > 0) {
    w.open('w:SelectorSet');
    for (const [name, value] of selectors) w.open('w:Selector', { Name: name }).text(value).close();
    w.close();
  }
  if (spec.options && spec.options.length > 0) {
    w.open('w:OptionSet');
    for (const o of spec.options) w.open('w:Option', { Name: o.name, Type: o.type }).text(String(o.value)).close();
    w.close();
  }
  w.close();
  w.open('s:Body');
  spec.body?.(w);
  w.close();
  w.close();
  return w.toString();
}

/** `<p0:Method_INPUT xmlns:p0="resourceUri">`: a null is xsi:nil, an array repeats the element (MS-WSMV 4.11.2). */
export function writeMethodInput(w: XmlWriter, resourceUri: string, method: string, params: Readonly<Record<string, MethodParameterValue>>): void {
  w.open(`p0:${method}_INPUT`, { 'xmlns:p0': resourceUri });
  for (const [name, value] of Object.entries(params)) {
    const el = `p0:${name}`;
    if (value === null) w.leaf(el, { 'xsi:nil': 'true' });
    else if (Array.isArray(value)) for (const v of value) w.open(el).text(v).close();
    else w.open(el).text(String(value)).close();
  }
  w.close();
}

// ---------------------------------------------------------------------------
// Reading replies

export function bodyOf(envelope: XmlElement): XmlElement {
  const body = child(envelope, NS.soap, 'Body');
  if (!body) throw new EnvelopeError('the reply has no s:Body');
  return body;
}

export function headerText(envelope: XmlElement, ns: string, local: string): string | undefined {
  const header = child(envelope, NS.soap, 'Header');
  const el = header ? child(header, ns, local) : undefined;
  return el ? textOf(el).trim() : undefined;
}

/** xsi:nil="true", also under omicli's mistaken XMLSchema URI (wsman-wire.md §0.4). */
export function isNil(el: XmlElement): boolean {
  return el.attrs.some((a) => a.local === 'nil' && (a.ns === XSI_NS || a.ns === XSD_NS) && (a.value === 'true' || a.value === '1'));
}

/** A reply that parses but is not what the operation answers. */
export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

/** An EPR from an element holding a:Address/a:ReferenceParameters, or an a:EndpointReference child; undefined otherwise. */
export function readEndpointReference(el: XmlElement): EndpointReference | undefined {
  const epr = child(el, NS.addressing, 'EndpointReference') ?? el;
  const params = child(epr, NS.addressing, 'ReferenceParameters');
  const uri = params ? child(params, NS.wsman, 'ResourceURI') : undefined;
  if (!params || !uri) return undefined;
  const selectors: Record<string, string> = {};
  const set = child(params, NS.wsman, 'SelectorSet');
  for (const s of set ? childrenNamed(set, NS.wsman, 'Selector') : []) {
    const name = s.attrs.find((a) => a.ns === '' && a.local === 'Name')?.value;
    if (name !== undefined) selectors[name] = textOf(s).trim();
  }
  return { resourceUri: textOf(uri).trim(), selectors };
}

/** WinRM's URI-with-selectors notation (as `winrm get uri?Key=Value` takes it): how a reference property reads in a record. */
export function formatReference(ref: EndpointReference): string {
  const q = Object.entries(ref.selectors).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return q.length ? `${ref.resourceUri}?${q.join('&')}` : ref.resourceUri;
}

const DATETIME_WRAPPERS = new Set(['Datetime', 'Interval', 'Date', 'Time']);

/**
 * One property's value as text. Datetimes come wrapped in cim:Datetime or
 * cim:Interval from Windows and bare from OMI (wsman-wire.md §3); a reference
 * reads in URI notation and an embedded instance as JSON of its properties.
 */
export function readPropertyText(el: XmlElement): string {
  const v = readValue(el);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A value as text, or an embedded instance as its record. */
function readValue(el: XmlElement): string | CimInstanceRecord {
  if (!hasElementChildren(el)) return textOf(el);
  const [first] = elements(el);
  if (first && ((first.ns === NS.cimCommon && DATETIME_WRAPPERS.has(first.local)) || first.local === 'CIM_DateTime')) return textOf(first);
  const ref = readEndpointReference(el);
  if (ref) return formatReference(ref);
  return readInstance(el);
}

/**
 * Property values by local name. Repeated elements make an array; without the
 * class schema a one-element array reads as a single string.
 */
export function readInstance(el: XmlElement): CimInstanceRecord {
  const out: CimInstanceRecord = {};
  for (const p of elements(el)) {
    const value = isNil(p) ? null : readPropertyText(p);
    const prev = out[p.local];
    if (prev === undefined) out[p.local] = value;
    else if (value !== null) out[p.local] = Array.isArray(prev) ? [...prev, value] : prev === null ? [value] : [prev, value];
  }
  return out;
}

export interface MethodOutput {
  /** ReturnValue; absent reads as 0, as PowerShell treats it (powershell-cim-client.md §1). */
  readonly returnValue: number;
  /** Every out parameter: text, arrays, null, EndpointReference(s) for references, records for embedded instances. */
  readonly out: Record<string, unknown>;
  /** Out parameters that are single references (e.g. Job). */
  readonly references: Record<string, EndpointReference>;
}

export function readMethodOutput(output: XmlElement): MethodOutput {
  const out: Record<string, unknown> = {};
  const references: Record<string, EndpointReference> = {};
  let returnValue = 0;
  const groups = new Map<string, XmlElement[]>();
  for (const p of elements(output)) groups.set(p.local, [...(groups.get(p.local) ?? []), p]);
  for (const [name, els] of groups) {
    if (name === 'ReturnValue') {
      const n = Number(textOf(els[0] as XmlElement).trim());
      if (!Number.isInteger(n)) throw new EnvelopeError(`ReturnValue is not an integer: ${textOf(els[0] as XmlElement).trim()}`);
      returnValue = n;
      continue;
    }
    const refs = els.map((e) => (isNil(e) ? undefined : readEndpointReference(e)));
    if (refs.every((r) => r !== undefined)) {
      const list = refs as EndpointReference[];
      out[name] = list.length === 1 ? list[0] : list;
      if (list.length === 1) references[name] = list[0] as EndpointReference;
      continue;
    }
    const values = els.filter((e) => !isNil(e)).map(readValue);
    out[name] = values.length === 0 ? null : values.length === 1 ? values[0] : values;
  }
  return { returnValue, out, references };
}

export interface EnumerationItem {
  readonly instance: CimInstanceRecord | null;
  readonly reference: EndpointReference | null;
}

/** Items of an EnumerateResponse (w:Items, optimized) or PullResponse (n:Items): objects, EPRs, or w:Item pairs. */
export function readItems(response: XmlElement): EnumerationItem[] {
  const items = child(response, NS.wsman, 'Items') ?? child(response, NS.enumeration, 'Items');
  if (!items) return [];
  return elements(items).map((el) => {
    if (el.ns === NS.addressing && el.local === 'EndpointReference') return { instance: null, reference: readEndpointReference(el) ?? null };
    if (el.ns === NS.wsman && el.local === 'Item') {
      const parts = elements(el);
      const epr = parts.find((p) => p.ns === NS.addressing && p.local === 'EndpointReference');
      const inst = parts.find((p) => p !== epr);
      return { instance: inst ? readInstance(inst) : null, reference: epr ? (readEndpointReference(epr) ?? null) : null };
    }
    return { instance: readInstance(el), reference: null };
  });
}

/** The context to Pull with next, or undefined when the sequence has ended. */
export function nextContext(response: XmlElement): string | undefined {
  const ended = child(response, NS.wsman, 'EndOfSequence') ?? child(response, NS.enumeration, 'EndOfSequence');
  if (ended) return undefined;
  const ctx = child(response, NS.enumeration, 'EnumerationContext');
  const text = ctx ? textOf(ctx).trim() : '';
  return text === '' ? undefined : text;
}
