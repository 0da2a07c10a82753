/**
 * Negotiate (NTLMv2) for the client, as Windows' WinRM client does it over HTTP:
 * the NEGOTIATE goes out with an empty body, the AUTHENTICATE with the first
 * sealed message, and later messages on the logged-on connection go sealed with
 * no Authorization header (MS-WSMV 2.2.9.1.1, wsman-wire.md §7). Over HTTPS the
 * bodies go plain (TLS protects them) and the NTLM logon carries the channel
 * binding of the server's certificate.
 *
 * The password is turned into its NT hash at construction and not kept.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { frameSealed, parseSealed } from '../security/sealedMessage';
import { certificateChannelBindings, ntHash, NtlmClientContext, type NtlmSessionSecurity } from '../security/ntlm';
import type { AuthExchange, Authenticator } from './transport';

export interface NegotiateOptions {
  /** `user`, `DOMAIN\user` or `user@domain`. */
  readonly userName: string;
  readonly password: string;
  /**
   * Seal messages: 'auto' (the default) over http: only, as pywinrm and PowerShell do;
   * 'always'; or 'never' (a host with AllowUnencrypted=false refuses that over http:).
   */
  readonly encryption?: 'auto' | 'always' | 'never';
  /** The workstation name sent in the AUTHENTICATE message. */
  readonly workstation?: string;
  /**
   * How sealed messages are framed. 'windows' (the default): TAB-indented part headers, as
   * Windows and pywinrm write them. 'omi': as OMI's client (omicli, Microsoft's MI stack on
   * Unix) does it — the plaintext padded with NULs to a multiple of 16 bytes (counted in
   * OriginalContent's Length), part headers at the start of the line, and replies read as OMI
   * reads them (a part header must start its line). See security/sealedMessage.ts.
   */
  readonly framing?: 'windows' | 'omi';
}

/** OMI pads the sealed plaintext to this (Unix/http/httpclientauth.c, PAD_16_BYTES). */
const OMI_PADDING = 16;

interface ConnectionState {
  context?: NtlmClientContext;
  session?: NtlmSessionSecurity;
  /** The AUTHENTICATE went out on this connection: a 401 now means the logon failed. */
  authenticateSent?: boolean;
}

function splitUser(userName: string): { user: string; domain: string } {
  const slash = userName.indexOf('\\');
  if (slash !== -1) return { domain: userName.slice(0, slash), user: userName.slice(slash + 1) };
  const at = userName.lastIndexOf('@');
  if (at !== -1) return { user: userName.slice(0, at), domain: userName.slice(at + 1) };
  return { user: userName, domain: '' };
}

export class NegotiateAuthenticator implements Authenticator {
  readonly scheme = 'Negotiate';
  readonly connectionBound = true;
  readonly userName: string;
  readonly #ntHash: Buffer;
  readonly #connections = new WeakMap<object, ConnectionState>();
  private readonly encryption: 'auto' | 'always' | 'never';
  private readonly workstation: string | undefined;
  private readonly omi: boolean;

  constructor(options: NegotiateOptions) {
    this.userName = options.userName;
    this.#ntHash = ntHash(options.password);
    this.encryption = options.encryption ?? 'auto';
    this.workstation = options.workstation;
    this.omi = options.framing === 'omi';
  }

  private sealing(exchange: AuthExchange): boolean {
    return this.encryption === 'always' || (this.encryption === 'auto' && exchange.url.protocol === 'http:');
  }

  private state(exchange: AuthExchange): ConnectionState {
    let s = this.#connections.get(exchange.connection);
    if (!s) {
      s = {};
      this.#connections.set(exchange.connection, s);
    }
    return s;
  }

  /** A logged-on connection sends no header; a new one starts with the NEGOTIATE. */
  authorize(exchange: AuthExchange): string | undefined {
    const s = this.state(exchange);
    if (s.session) return undefined;
    return this.start(exchange, s);
  }

  onChallenge(wwwAuthenticate: string[], exchange: AuthExchange): string | undefined {
    const s = this.state(exchange);
    const offer = wwwAuthenticate.map((v) => /^Negotiate(?:\s+([A-Za-z0-9+/]+=*))?\s*$/i.exec(v.trim())).find((m) => m !== null);
    if (!offer) return undefined;
    const token = offer[1];
    if (token && s.context && !s.authenticateSent) {
      const authenticate = s.context.authenticate(Buffer.from(token, 'base64'));
      s.session = s.context.session;
      s.authenticateSent = true;
      return `Negotiate ${authenticate.toString('base64')}`;
    }
    if (token || s.authenticateSent) {
      // The logon was refused (or the server's token makes no sense here): give up.
      this.#connections.delete(exchange.connection);
      return undefined;
    }
    // A plain challenge on a connection we thought logged on (the server dropped it): start over once.
    const hadSession = s.session !== undefined;
    this.#connections.delete(exchange.connection);
    return hadSession ? this.start(exchange, this.state(exchange)) : undefined;
  }

  onSuccess(_headers: IncomingHttpHeaders, exchange: AuthExchange): void {
    const s = this.#connections.get(exchange.connection);
    if (s) s.authenticateSent = false;
  }

  wrapBody(envelope: Buffer, exchange: AuthExchange): { body: Buffer; contentType: string } {
    const s = this.state(exchange);
    if (!this.sealing(exchange)) return { body: envelope, contentType: 'application/soap+xml;charset=UTF-8' };
    // The NEGOTIATE leg cannot seal yet: it goes with an empty body, as Windows sends it.
    if (!s.session) return { body: Buffer.alloc(0), contentType: 'application/soap+xml;charset=UTF-8' };
    const plain = this.omi ? padded(envelope) : envelope;
    const { signature, sealed } = s.session.seal(plain);
    return frameSealed(signature, sealed, 'UTF-8', !this.omi);
  }

  unwrapBody(body: Buffer, contentType: string, exchange: AuthExchange): { body: Buffer; contentType: string } {
    const session = this.#connections.get(exchange.connection)?.session;
    if (!session) throw new Error('a sealed reply on a connection that has no NTLM session');
    const message = parseSealed(contentType, body, { headersAtLineStart: this.omi });
    const plain = session.unseal(message.sealed, message.signature);
    return { body: plain, contentType: `application/soap+xml;charset=${message.charset ?? 'utf-8'}` };
  }

  private start(exchange: AuthExchange, s: ConnectionState): string {
    const { user, domain } = splitUser(this.userName);
    const bindings = channelBindingsOf(exchange.connection);
    s.context = new NtlmClientContext({
      user,
      domain,
      ntHash: this.#ntHash,
      ...(this.workstation ? { workstation: this.workstation } : {}),
      ...(bindings ? { channelBindings: bindings } : {}),
    });
    s.session = undefined;
    s.authenticateSent = false;
    return `Negotiate ${s.context.negotiate().toString('base64')}`;
  }
}

/** The envelope with NULs after it up to a multiple of OMI_PADDING bytes. */
function padded(envelope: Buffer): Buffer {
  const length = Math.ceil(envelope.length / OMI_PADDING) * OMI_PADDING;
  return length === envelope.length ? envelope : Buffer.concat([envelope, Buffer.alloc(length - envelope.length)]);
}

/** RFC 5929 tls-server-end-point of the server's certificate, when the connection is TLS. */
function channelBindingsOf(connection: object): Buffer | undefined {
  const tls = connection as Partial<TLSSocket>;
  if (tls.encrypted !== true || typeof tls.getPeerX509Certificate !== 'function') return undefined;
  const cert = tls.getPeerX509Certificate();
  if (!cert) return undefined;
  return certificateChannelBindings(cert.raw);
}
