/**
 * The client's socket layer: POSTs a SOAP envelope to a WS-Man endpoint and
 * returns the parsed reply envelope, or throws one of three errors that carry
 * every field the server sent (STYLE.md: callers never parse message text):
 *
 *  - WsmanAuthError       401 after the authenticator gave up;
 *  - WsmanFaultError      a SOAP fault (normally HTTP 500, wsman-wire.md §0.2);
 *  - WsmanTransportError  anything else: another status, a body that is not
 *                         SOAP, a network error, a timeout.
 *
 * Authentication is pluggable. Basic is here; Negotiate/NTLM (negotiate.ts) needs a
 * multi-leg handshake on one TCP connection (wsman-wire.md §7), so an Authenticator
 * sees which connection a request goes out on, is called back on every 401, and
 * may seal the body it sends and open the reply.
 *
 * No password ever reaches an error message or a log: errors name the user and
 * the schemes offered, never the Authorization header or the request body.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import { parseXml, XmlSyntaxError, type XmlElement } from '../xml/parse';
import { NS } from '../wsman/namespaces';
import { parseFault, WsmanFaultError, type CimErrorDetail, type WsmanFaultDetail } from './faults';
import { isEncryptedContentType } from '../security/sealedMessage';
import { decode, mediaTypeOf } from '../http/body';

export { parseFault, WsmanFaultError, type CimErrorDetail, type WsmanFaultDetail };

/** One request's view of the connection it uses. */
export interface AuthExchange {
  /** The socket the request goes out on; a connection-bound handshake restarts when it changes. */
  readonly connection: object;
  readonly url: URL;
}

/**
 * A pluggable HTTP authentication scheme. `authorize` gives the first leg's
 * Authorization header; `onChallenge` is called on each 401 with every
 * WWW-Authenticate value and gives the next leg's, or undefined to give up.
 */
export interface Authenticator {
  /** The scheme name as it appears in WWW-Authenticate (Basic, Negotiate…). */
  readonly scheme: string;
  /** True when the security context lives on the connection (NTLM, Kerberos): the transport then keeps one socket per endpoint. */
  readonly connectionBound: boolean;
  /** The user, for error messages; never the password. */
  readonly userName: string;
  authorize(exchange: AuthExchange): string | undefined | Promise<string | undefined>;
  onChallenge(wwwAuthenticate: string[], exchange: AuthExchange): string | undefined | Promise<string | undefined>;
  /** The reply that ended the exchange (Negotiate's last leg rides on it). */
  onSuccess?(headers: IncomingHttpHeaders, exchange: AuthExchange): void;
  /**
   * Message security (Negotiate sealing, MS-WSMV 2.2.9.1.1): what goes on the wire for
   * this leg instead of the plain envelope. Called after authorize/onChallenge for the leg.
   */
  wrapBody?(envelope: Buffer, exchange: AuthExchange): { readonly body: Buffer; readonly contentType: string };
  /** Opens a reply the server sealed; returns the plain envelope bytes and their Content-Type. */
  unwrapBody?(body: Buffer, contentType: string, exchange: AuthExchange): { readonly body: Buffer; readonly contentType: string };
}

const SOAP_CONTENT_TYPE = 'application/soap+xml;charset=UTF-8';

/**
 * HTTP Basic, sent with every request: omicli, Go winrm, wsl and curl all do
 * (wsman-wire.md §7), which saves a 401 round trip per request.
 */
export class BasicAuthenticator implements Authenticator {
  readonly scheme = 'Basic';
  readonly connectionBound = false;
  // A private field: util.inspect and JSON.stringify do not show it.
  readonly #header: string;

  constructor(readonly userName: string, password: string) {
    if (userName.includes(':')) throw new RangeError('a Basic user name cannot contain ":" (RFC 7617 §2)');
    this.#header = 'Basic ' + Buffer.from(`${userName}:${password}`, 'utf8').toString('base64');
  }

  authorize(): string {
    return this.#header;
  }

  /** The credentials were sent and refused: another leg would send the same ones. */
  onChallenge(): undefined {
    return undefined;
  }
}

export interface TransportOptions {
  /** e.g. http://127.0.0.1:5985/wsman or https://host:5986/wsman */
  readonly endpoint: string | URL;
  /** Sent as the Host header (and TLS server name): the emulator routes virtual hosts by it. */
  readonly hostHeader?: string;
  readonly authenticator?: Authenticator;
  /** Whole-exchange deadline, default 120 s; a request may pass its own. */
  readonly timeoutMs?: number;
  readonly tls?: { readonly rejectUnauthorized?: boolean; readonly ca?: string | Buffer };
  /** Largest reply body read, default 16 MiB (Windows caps envelopes at MaxEnvelopeSizekb, 500 KB by default). */
  readonly maxReplyBytes?: number;
}

export interface PostOptions {
  readonly timeoutMs?: number;
  /** Send no Authorization (unauthenticated Identify). */
  readonly anonymous?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface WsmanReply {
  readonly status: number;
  readonly envelope: XmlElement;
}

/** A reply as the server gave it (unsealed): see WsmanTransport.exchange. */
export interface WsmanExchange {
  readonly status: number;
  /** The Content-Type of the (unsealed) body; '' when none was sent. */
  readonly contentType: string;
  readonly body: Buffer;
  /** The WWW-Authenticate values of a 401. */
  readonly challenges: readonly string[];
}

export class WsmanTransportError extends Error {
  override readonly name = 'WsmanTransportError';
  constructor(
    message: string,
    /** The HTTP status, when a reply came back. */
    readonly status?: number,
    /** A Node error code (ECONNREFUSED, ETIMEDOUT…) when the exchange failed below HTTP. */
    readonly code?: string,
  ) {
    super(message);
  }
}

export class WsmanAuthError extends Error {
  override readonly name = 'WsmanAuthError';
  readonly status = 401;
  constructor(
    message: string,
    /** The WWW-Authenticate values of the last 401, e.g. ['Negotiate', 'Basic realm="WSMAN"']. */
    readonly challenges: readonly string[],
  ) {
    super(message);
  }
}

/** Legs of one handshake before we call it a loop (NTLM needs 2, Kerberos 1–2). */
const MAX_AUTH_LEGS = 4;
const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_REPLY = 16 * 1024 * 1024;
/** What Windows' MI client sends; servers such as OMI shape datetimes by it (wsman-wire.md §3). */
const USER_AGENT = 'Microsoft WinRM Client';

export class WsmanTransport {
  readonly url: URL;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;

  constructor(private readonly options: TransportOptions) {
    this.url = new URL(options.endpoint);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') {
      throw new RangeError(`the endpoint must be an http: or https: URL, not ${this.url.protocol}`);
    }
    // A connection-bound handshake must stay on one socket, so such a transport keeps only one.
    const maxSockets = options.authenticator?.connectionBound ? 1 : 8;
    this.agent =
      this.url.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets, rejectUnauthorized: options.tls?.rejectUnauthorized ?? true, ca: options.tls?.ca })
        : new http.Agent({ keepAlive: true, maxSockets });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The address the server sees in Host (and should see in a:To). */
  get authority(): string {
    return this.options.hostHeader ?? this.url.host;
  }

  async post(envelope: string, opts: PostOptions = {}): Promise<WsmanReply> {
    const res = await this.exchangeRaw(envelope, opts);
    if (res.status === 401) {
      const auth = opts.anonymous ? undefined : this.options.authenticator;
      const who = auth ? `the credentials of ${auth.userName} (${auth.scheme})` : 'a request without credentials';
      const offered = res.challenges.length ? ` The server offers: ${res.challenges.map((c) => c.split(/\s/)[0]).join(', ')}.` : '';
      throw new WsmanAuthError(`Access is denied: ${this.authority} refused ${who}.${offered}`, res.challenges);
    }
    return this.interpret(res);
  }

  /**
   * One request, authenticated (every leg) and opened (a sealed reply unsealed), with the reply
   * as the server gave it: any status, a fault, a 401 after the authenticator gave up, a body
   * that is not SOAP. What a recording proxy needs; `post` reads the same exchange as WS-Man.
   */
  async exchange(envelope: string, opts: PostOptions = {}): Promise<WsmanExchange> {
    const res = await this.exchangeRaw(envelope, opts);
    return { status: res.status, contentType: res.headers['content-type'] ?? '', body: res.body, challenges: res.challenges };
  }

  private async exchangeRaw(envelope: string, opts: PostOptions): Promise<RawReply> {
    const auth = opts.anonymous ? undefined : this.options.authenticator;
    const deadline = Date.now() + (opts.timeoutMs ?? this.timeoutMs);
    const body = Buffer.from(envelope, 'utf8');
    let nextLeg: string | undefined;
    for (let leg = 0; ; leg++) {
      const res = await this.send(opts, deadline, async (exchange) => {
        const authorization = !auth ? undefined : leg === 0 ? await auth.authorize(exchange) : nextLeg;
        const wire = auth?.wrapBody ? auth.wrapBody(body, exchange) : { body, contentType: SOAP_CONTENT_TYPE };
        return { authorization, ...wire };
      });
      if (res.status !== 401) {
        // Any reply but 401 ends the handshake (a fault too): Negotiate reads its last token from it.
        auth?.onSuccess?.(res.headers, res.exchange);
        return this.unwrap(res, auth);
      }
      nextLeg = auth ? await auth.onChallenge(res.challenges, res.exchange) : undefined;
      if (nextLeg === undefined || leg + 1 >= MAX_AUTH_LEGS) return res;
    }
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  /** A sealed reply, opened by the authenticator whose session sealed it. */
  private unwrap(res: RawReply, auth: Authenticator | undefined): RawReply {
    const type = res.headers['content-type'] ?? '';
    if (!isEncryptedContentType(type) || !auth?.unwrapBody) return res;
    let plain: { body: Buffer; contentType: string };
    try {
      plain = auth.unwrapBody(res.body, type, res.exchange);
    } catch (err) {
      // A reply that does not open (bad framing, a signature that fails): a transport failure to the caller.
      throw new WsmanTransportError(`${this.authority} answered HTTP ${res.status} with a sealed body that does not open: ${err instanceof Error ? err.message : String(err)}`, res.status);
    }
    return { ...res, body: plain.body, headers: { ...res.headers, 'content-type': plain.contentType } };
  }

  private interpret(res: RawReply): WsmanReply {
    const where = `${this.authority} answered HTTP ${res.status}`;
    const type = (res.headers['content-type'] ?? '').toLowerCase();
    if (isEncryptedContentType(type)) {
      throw new WsmanTransportError(`${where} with an encrypted body this authentication cannot open`, res.status);
    }
    let envelope: XmlElement | undefined;
    if (res.body.length > 0 && (type.includes('soap+xml') || type.includes('xml') || type === '')) {
      try {
        envelope = parseXml(decodeBody(res.body, type));
      } catch (e) {
        if (!(e instanceof XmlSyntaxError || e instanceof WsmanTransportError)) throw e;
      }
    }
    if (envelope && (envelope.ns !== NS.soap || envelope.local !== 'Envelope')) envelope = undefined;
    const fault = envelope ? parseFault(envelope, res.status) : undefined;
    if (fault) throw fault;
    if (res.status !== 200) throw new WsmanTransportError(`${where}${res.statusMessage ? ` ${res.statusMessage}` : ''}`, res.status);
    if (!envelope) throw new WsmanTransportError(`${where} but the body is not a SOAP envelope (Content-Type ${type || 'none'})`, res.status);
    return { status: res.status, envelope };
  }

  private send(
    opts: PostOptions,
    deadline: number,
    prepare: (x: AuthExchange) => Promise<{ authorization: string | undefined; body: Buffer; contentType: string }>,
  ): Promise<RawReply> {
    const lib = this.url.protocol === 'https:' ? https : http;
    const hostHeader = this.options.hostHeader;
    return new Promise<RawReply>((resolve, reject) => {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        reject(this.timeoutError());
        return;
      }
      const req = lib.request(this.url, {
        method: 'POST',
        agent: this.agent,
        // TLS: check the certificate against the virtual host's name and send it as SNI (never an IP: RFC 6066 §3).
        ...(this.url.protocol === 'https:' && serverName(hostHeader) ? { servername: serverName(hostHeader) } : {}),
        headers: {
          'User-Agent': USER_AGENT,
          ...(hostHeader ? { Host: hostHeader } : {}),
          ...opts.headers,
        },
      });
      const timer = setTimeout(() => req.destroy(this.timeoutError()), remaining);
      const fail = (e: unknown): void => {
        clearTimeout(timer);
        reject(e instanceof WsmanTransportError ? e : this.networkError(e));
      };
      req.on('error', fail);
      // The Authorization header and body are chosen once the socket is known: a connection-bound
      // handshake (and its sealing) must know which connection it is on. Headers are not sent before end().
      req.once('socket', (socket: Socket) => {
        const exchange: AuthExchange = { connection: socket, url: this.url };
        prepare(exchange)
          .then(({ authorization: value, body, contentType }) => {
            if (value !== undefined) req.setHeader('Authorization', value);
            req.setHeader('Content-Length', body.length);
            if (body.length > 0) req.setHeader('Content-Type', contentType);
            req.end(body);
            req.once('response', (res: IncomingMessage) => {
              readReply(res, this.options.maxReplyBytes ?? DEFAULT_MAX_REPLY).then((buf) => {
                clearTimeout(timer);
                resolve({
                  status: res.statusCode ?? 0,
                  statusMessage: res.statusMessage ?? '',
                  headers: res.headers,
                  // Windows sends one WWW-Authenticate per scheme; res.headers would join them with ", ".
                  challenges: res.headersDistinct['www-authenticate'] ?? [],
                  body: buf,
                  exchange,
                });
              }, fail);
            });
          })
          .catch((e: unknown) => {
            // The authenticator failed (no token to send): its error, not a network one.
            clearTimeout(timer);
            reject(e);
            req.destroy();
          });
      });
    });
  }

  private timeoutError(): WsmanTransportError {
    return new WsmanTransportError(`no reply from ${this.authority} within the time limit`, undefined, 'ETIMEDOUT');
  }

  private networkError(e: unknown): WsmanTransportError {
    // Duck-typed: Node's socket errors may come from another realm (a test VM), where instanceof Error fails.
    const fields = typeof e === 'object' && e !== null ? (e as { code?: unknown; message?: unknown }) : {};
    const code = typeof fields.code === 'string' ? fields.code : undefined;
    const what = typeof fields.message === 'string' && fields.message !== '' ? fields.message : (code ?? String(e));
    return new WsmanTransportError(`cannot reach ${this.authority} (${what})`, undefined, code);
  }
}

interface RawReply {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  challenges: string[];
  body: Buffer;
  exchange: AuthExchange;
}

function serverName(hostHeader: string | undefined): string | undefined {
  const name = hostHeader?.replace(/:\d+$/, '');
  return name && isIP(name.replace(/^\[(.*)\]$/, '$1')) === 0 ? name : undefined;
}

function readReply(res: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        res.destroy(new WsmanTransportError(`the reply is larger than ${limit} bytes`, res.statusCode));
        return;
      }
      chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks, size)));
    res.on('error', reject);
    res.on('aborted', () => reject(new WsmanTransportError('the server closed the connection mid-reply', res.statusCode, 'ECONNRESET')));
  });
}

/** A reply body as text: UTF-8 or UTF-16 by its byte order mark or charset, as the server reads requests (http/body.ts). */
function decodeBody(buf: Buffer, contentType: string): string {
  const r = decode(buf, mediaTypeOf(contentType).charset);
  if (r.kind !== 'ok') throw new WsmanTransportError(`the reply cannot be read: ${r.kind === 'badCharset' ? r.detail : r.kind}`);
  return r.text;
}
