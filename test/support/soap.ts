/**
 * A small WS-Man test client: builds envelopes the way real clients shape them,
 * posts them over a real socket, and reads replies and faults. Raw access
 * (rawHttp) is there for tests that must send what no client library would.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { child, childrenNamed, elements, parseXml, textOf, attr, type XmlElement } from '../../src/xml/parse';
import { NS, ACTION } from '../../src/wsman/namespaces';

export { NS, ACTION };

export const WMI = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/';
export const DMTF = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/';
export const IPAM_NS = 'root/Microsoft/IPAM';

export function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
}
export const ADMIN = basic('Administrator', 'Passw0rd!');
export const IPAMUSER = basic('ipamuser', 'Passw0rd!');

export interface EnvelopeSpec {
  action: string;
  resourceUri?: string;
  selectors?: Record<string, string>;
  /** Raw option elements, e.g. '<w:Option Name="x">1</w:Option>'. */
  optionsXml?: string;
  body?: string;
  messageId?: string;
  maxEnvelopeSize?: number;
  operationTimeout?: string;
  /** Extra raw header elements. */
  headersXml?: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An envelope with the namespace prefixes Windows' MI client uses. */
export function envelope(spec: EnvelopeSpec): string {
  const sel = spec.selectors
    ? `<w:SelectorSet>${Object.entries(spec.selectors)
        .map(([k, v]) => `<w:Selector Name="${esc(k)}">${esc(v)}</w:Selector>`)
        .join('')}</w:SelectorSet>`
    : '';
  return (
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}" xmlns:p="${NS.wsmv}" xmlns:n="${NS.enumeration}" xmlns:xsi="${NS.xsi}">` +
    '<s:Header>' +
    '<a:To>http://127.0.0.1:5985/wsman</a:To>' +
    (spec.resourceUri !== undefined ? `<w:ResourceURI s:mustUnderstand="true">${esc(spec.resourceUri)}</w:ResourceURI>` : '') +
    '<a:ReplyTo><a:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>' +
    `<a:Action s:mustUnderstand="true">${esc(spec.action)}</a:Action>` +
    `<w:MaxEnvelopeSize s:mustUnderstand="true">${spec.maxEnvelopeSize ?? 512000}</w:MaxEnvelopeSize>` +
    `<a:MessageID>${esc(spec.messageId ?? 'uuid:' + randomUUID().toUpperCase())}</a:MessageID>` +
    '<w:Locale xml:lang="en-US" s:mustUnderstand="false"/>' +
    (spec.operationTimeout ? `<w:OperationTimeout>${spec.operationTimeout}</w:OperationTimeout>` : '') +
    sel +
    (spec.optionsXml ? `<w:OptionSet>${spec.optionsXml}</w:OptionSet>` : '') +
    (spec.headersXml ?? '') +
    '</s:Header>' +
    `<s:Body>${spec.body ?? ''}</s:Body></s:Envelope>`
  );
}

export const IDENTIFY =
  `<s:Envelope xmlns:s="${NS.soap}" xmlns:wsmid="${NS.identity}"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>`;

export interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * POSTs over node:http(s), which sends the headers given — fetch silently drops a
 * Host header, and the emulator picks the virtual host by it. An empty header
 * value means "do not send it".
 */
export function post(url: string, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<HttpReply> {
  const all: Record<string, string> = { 'Content-Type': 'application/soap+xml;charset=UTF-8', Authorization: ADMIN, ...headers };
  const sent = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== ''));
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  return new Promise((resolve, reject) => {
    const options = { method: 'POST', headers: { ...sent, 'Content-Length': String(payload.length) } };
    const onReply = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (Array.isArray(v)) for (const x of v) h.append(k, x);
          else if (v !== undefined) h.set(k, v);
        }
        resolve({ status: res.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    };
    // The emulator's HTTPS certificate is self-signed: tests check its name and thumbprint themselves.
    const req = url.startsWith('https:') ? https.request(url, { ...options, rejectUnauthorized: false }, onReply) : http.request(url, options, onReply);
    req.on('error', reject);
    req.end(payload);
  });
}

/** Posts an envelope as Administrator and returns the parsed reply envelope. */
export async function call(url: string, spec: EnvelopeSpec, headers: Record<string, string> = {}): Promise<{ status: number; xml: XmlElement; text: string }> {
  const r = await post(url, envelope(spec), headers);
  return { status: r.status, xml: parseXml(r.text), text: r.text };
}

export function bodyOf(env: XmlElement): XmlElement {
  const b = child(env, NS.soap, 'Body');
  if (!b) throw new Error('reply has no Body');
  return b;
}

export function headerText(env: XmlElement, ns: string, local: string): string | undefined {
  const h = child(env, NS.soap, 'Header');
  const el = h ? child(h, ns, local) : undefined;
  return el ? textOf(el) : undefined;
}

export interface FaultInfo {
  code: string;
  subcode: string | undefined;
  reason: string;
  detail: string | undefined;
  wsmanCode: string | undefined;
  cimError: Record<string, string | null> | undefined;
  action: string | undefined;
}

/** Reads a SOAP fault; throws if the reply is not one. */
export function faultOf(env: XmlElement): FaultInfo {
  const fault = child(bodyOf(env), NS.soap, 'Fault');
  if (!fault) throw new Error('reply is not a fault');
  const code = child(fault, NS.soap, 'Code') as XmlElement;
  const sub = child(code, NS.soap, 'Subcode');
  const detail = child(fault, NS.soap, 'Detail');
  const wsmanFault = detail ? child(detail, NS.wsmanFault, 'WSManFault') : undefined;
  const wmi = detail ? elements(detail).find((e) => e.local === 'MSFT_WmiError') : undefined;
  let cimError: Record<string, string | null> | undefined;
  if (wmi) {
    cimError = {};
    for (const p of elements(wmi)) cimError[p.local] = p.attrs.some((a) => a.local === 'nil' && a.value === 'true') ? null : textOf(p);
  }
  const fd = detail ? child(detail, NS.wsman, 'FaultDetail') : undefined;
  return {
    code: textOf(child(code, NS.soap, 'Value') as XmlElement),
    subcode: sub ? textOf(child(sub, NS.soap, 'Value') as XmlElement) : undefined,
    reason: textOf(child(child(fault, NS.soap, 'Reason') as XmlElement, NS.soap, 'Text') as XmlElement),
    detail: fd ? textOf(fd) : undefined,
    wsmanCode: wsmanFault ? attr(wsmanFault, '', 'Code') : undefined,
    cimError,
    action: headerText(env, NS.addressing, 'Action'),
  };
}

/** Items of an Enumerate/Pull response body (objects, EPRs or w:Item pairs). */
export function itemsOf(response: XmlElement): XmlElement[] {
  const items = child(response, NS.wsman, 'Items') ?? child(response, NS.enumeration, 'Items');
  return items ? elements(items) : [];
}

/** Property values of an instance element by local name (null for xsi:nil). */
export function propsOf(inst: XmlElement): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const p of elements(inst)) out[p.local] = p.attrs.some((a) => a.local === 'nil' && a.value === 'true') ? null : textOf(p);
  return out;
}

export { child, childrenNamed, elements, parseXml, textOf, attr };

/**
 * Sends raw bytes over a fresh TCP connection and returns whatever comes back
 * until the server closes or the timeout passes. For requests no HTTP library sends.
 */
export function rawHttp(port: number, data: Buffer | string, opts: { timeoutMs?: number; halfClose?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = (): void => {
      sock.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, opts.timeoutMs ?? 2000);
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    sock.on('error', () => undefined);
    sock.write(data, () => {
      if (opts.halfClose) sock.end();
    });
  });
}

/** The status code of a raw HTTP response (0 when none came back). */
export function statusOf(raw: string): number {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
  return m ? Number(m[1]) : 0;
}
