/**
 * A WS-Management client for CIM: Identify, Get, Enumerate/Pull/Release and
 * method invocation, speaking to this emulator or to any WinRM endpoint. One
 * client is one CimSession: one endpoint, one keep-alive agent, one identity.
 */
import { child, elements, textOf, type XmlElement } from '../xml/parse';
import { XmlWriter } from '../xml/write';
import { ACTION, DIALECT, NS } from '../wsman/namespaces';
import {
  EnvelopeError,
  bodyOf,
  buildEnvelope,
  headerText,
  newMessageId,
  nextContext,
  readInstance,
  readItems,
  readMethodOutput,
  writeMethodInput,
  type CimInstanceRecord,
  type EndpointReference,
  type EnumerationItem,
  type EnvelopeSpec,
  type MethodOutput,
  type MethodParameterValue,
  type Selectors,
  type WsmanOption,
} from './envelope';
import { WsmanTransport, WsmanTransportError, type TransportOptions } from './transport';

export type { CimInstanceRecord, EndpointReference, EnumerationItem, MethodParameterValue, Selectors, WsmanOption };
export type InvokeResult = MethodOutput;

export interface WsmanClientOptions extends TransportOptions {
  /** w:Locale and p:DataLocale, default en-US. */
  readonly locale?: string;
  /** w:MaxEnvelopeSize, default 512000 as the MI client sends. */
  readonly maxEnvelopeSize?: number;
  /** w:OperationTimeout when an operation gives none, default 60 s (the WinRM client default, PT60.000S). */
  readonly operationTimeoutMs?: number;
}

export type EnumerationMode = 'EnumerateObject' | 'EnumerateEPR' | 'EnumerateObjectAndEPR';

export interface EnumerateOptions {
  /** WQL text, or selectors for the SelectorFilter dialect. */
  readonly filter?: string | Selectors;
  /** Defaults to WQL for text and SelectorFilter for selectors. */
  readonly dialect?: string;
  readonly mode?: EnumerationMode;
  /** Header selectors, e.g. __cimnamespace with a DMTF resource URI. */
  readonly selectors?: Selectors;
  /** Items per Enumerate/Pull reply; default 32000 as the MI and Ruby clients send. */
  readonly maxElements?: number;
  readonly operationTimeoutMs?: number;
}

export interface InvokeOptions {
  /** Instance keys (and __cimnamespace); none for a static method on a WMI URI. */
  readonly selectors?: Selectors;
  readonly options?: readonly WsmanOption[];
  readonly operationTimeoutMs?: number;
}

export interface IdentifyResult {
  readonly protocolVersion: string;
  readonly productVendor: string;
  readonly productVersion: string;
  /** Everything IdentifyResponse held, by local name (SecurityProfiles, InitiativeName…). */
  readonly all: Readonly<Record<string, string>>;
}

/** The HTTP deadline allows this much past the OperationTimeout, so the server's w:TimedOut fault arrives first. */
const HTTP_GRACE_MS = 15_000;

export class WsmanClient {
  readonly transport: WsmanTransport;
  private readonly operationTimeoutMs: number;

  constructor(private readonly options: WsmanClientOptions) {
    this.transport = new WsmanTransport(options);
    this.operationTimeoutMs = options.operationTimeoutMs ?? 60_000;
  }

  /** Identify (DSP0226 §11). Unauthenticated by default, as Test-WSMan does; authenticated replies carry the OS version. */
  async identify(opts: { authenticated?: boolean } = {}): Promise<IdentifyResult> {
    const xml = new XmlWriter()
      .open('s:Envelope', { 'xmlns:s': NS.soap, 'xmlns:wsmid': NS.identity })
      .leaf('s:Header')
      .open('s:Body')
      .leaf('wsmid:Identify')
      .close()
      .close()
      .toString();
    const reply = await this.transport.post(xml, opts.authenticated ? {} : { anonymous: true, headers: { WSMANIDENTIFY: 'unauthenticated' } });
    const res = child(bodyOf(reply.envelope), NS.identity, 'IdentifyResponse');
    if (!res) throw new EnvelopeError('the reply to Identify holds no wsmid:IdentifyResponse');
    const all: Record<string, string> = {};
    for (const el of elements(res)) all[el.local] = textOf(el).trim();
    return { protocolVersion: all.ProtocolVersion ?? '', productVendor: all.ProductVendor ?? '', productVersion: all.ProductVersion ?? '', all };
  }

  /** WS-Transfer Get of one instance. */
  async get(resourceUri: string, selectors: Selectors = {}, opts: { operationTimeoutMs?: number } = {}): Promise<CimInstanceRecord> {
    const env = await this.call({ action: ACTION.get, resourceUri, selectors, operationTimeoutMs: opts.operationTimeoutMs });
    const [instance] = elements(bodyOf(env));
    if (!instance) throw new EnvelopeError(`the reply to Get ${resourceUri} has an empty Body`);
    return readInstance(instance);
  }

  /** Enumerate and Pull to the end; the instances (EnumerateEPR is for enumerateItems). */
  async enumerate(resourceUri: string, opts: EnumerateOptions & { mode?: Exclude<EnumerationMode, 'EnumerateEPR'> } = {}): Promise<CimInstanceRecord[]> {
    const items = await this.enumerateItems(resourceUri, opts);
    return items.flatMap((i) => (i.instance ? [i.instance] : []));
  }

  /**
   * Enumerate and Pull to the end, with the EPRs when the mode asks for them.
   * A failure mid-sequence Releases the context, so the server does not hold it
   * until it expires.
   */
  async enumerateItems(resourceUri: string, opts: EnumerateOptions = {}): Promise<EnumerationItem[]> {
    const maxElements = opts.maxElements ?? 32000;
    const base = { resourceUri, selectors: opts.selectors, operationTimeoutMs: opts.operationTimeoutMs };
    const first = await this.call({
      ...base,
      action: ACTION.enumerate,
      body: (w) => {
        w.open('n:Enumerate');
        w.leaf('w:OptimizeEnumeration');
        w.leaf('w:MaxElements', undefined, String(maxElements));
        if (opts.mode && opts.mode !== 'EnumerateObject') w.leaf('w:EnumerationMode', undefined, opts.mode);
        writeFilter(w, opts);
        w.close();
      },
    });
    const response = child(bodyOf(first), NS.enumeration, 'EnumerateResponse');
    if (!response) throw new EnvelopeError(`the reply to Enumerate ${resourceUri} holds no EnumerateResponse`);
    const items = readItems(response);
    let context = nextContext(response);
    try {
      while (context !== undefined) {
        const ctx: string = context;
        const reply = await this.call({
          ...base,
          action: ACTION.pull,
          body: (w) => w.open('n:Pull').leaf('n:EnumerationContext', undefined, ctx).leaf('n:MaxElements', undefined, String(maxElements)).close(),
        });
        const pulled = child(bodyOf(reply), NS.enumeration, 'PullResponse');
        if (!pulled) throw new EnvelopeError(`the reply to Pull ${resourceUri} holds no PullResponse`);
        items.push(...readItems(pulled));
        context = nextContext(pulled);
      }
    } catch (e) {
      if (context !== undefined) await this.release(resourceUri, context, opts.selectors).catch(() => undefined);
      throw e;
    }
    return items;
  }

  /** Invokes a CIM method (MS-WSMV 3.1.4.1.32): Action = ResourceURI/Method, body Method_INPUT. */
  async invoke(
    resourceUri: string,
    method: string,
    params: Readonly<Record<string, MethodParameterValue>>,
    opts: InvokeOptions = {},
  ): Promise<InvokeResult> {
    const env = await this.call({
      action: `${resourceUri}/${method}`,
      resourceUri,
      selectors: opts.selectors,
      options: opts.options,
      operationTimeoutMs: opts.operationTimeoutMs,
      body: (w) => writeMethodInput(w, resourceUri, method, params),
    });
    const output = elements(bodyOf(env)).find((e) => e.local.toLowerCase() === `${method}_OUTPUT`.toLowerCase());
    if (!output) throw new EnvelopeError(`the reply to ${method} holds no ${method}_OUTPUT`);
    return readMethodOutput(output);
  }

  close(): void {
    this.transport.close();
  }

  private async release(resourceUri: string, context: string, selectors: Selectors | undefined): Promise<void> {
    await this.call({
      action: ACTION.release,
      resourceUri,
      selectors,
      body: (w) => w.open('n:Release').leaf('n:EnumerationContext', undefined, context).close(),
    });
  }

  /** Sends one request and checks the reply answers it (a:RelatesTo, as pywinrm asserts). */
  private async call(spec: Omit<EnvelopeSpec, 'to' | 'messageId'>): Promise<XmlElement> {
    const messageId = newMessageId();
    const timeout = spec.operationTimeoutMs ?? this.operationTimeoutMs;
    const to = new URL(this.transport.url);
    to.host = this.transport.authority;
    const xml = buildEnvelope({
      ...spec,
      to: to.toString(),
      messageId,
      operationTimeoutMs: timeout,
      locale: this.options.locale,
      maxEnvelopeSize: this.options.maxEnvelopeSize,
    });
    const reply = await this.transport.post(xml, { timeoutMs: timeout + HTTP_GRACE_MS });
    const relatesTo = headerText(reply.envelope, NS.addressing, 'RelatesTo');
    if (relatesTo !== undefined && relatesTo.toLowerCase() !== messageId.toLowerCase()) {
      throw new WsmanTransportError(`the reply from ${this.transport.authority} relates to ${relatesTo}, not to the request ${messageId}`, reply.status);
    }
    return reply.envelope;
  }
}

function writeFilter(w: XmlWriter, opts: EnumerateOptions): void {
  if (opts.filter === undefined) return;
  if (typeof opts.filter === 'string') {
    w.open('w:Filter', { Dialect: opts.dialect ?? DIALECT.wql }).text(opts.filter).close();
    return;
  }
  w.open('w:Filter', { Dialect: opts.dialect ?? DIALECT.selector }).open('w:SelectorSet');
  for (const [name, value] of Object.entries(opts.filter)) w.open('w:Selector', { Name: name }).text(value).close();
  w.close().close();
}
