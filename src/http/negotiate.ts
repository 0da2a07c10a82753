/**
 * HTTP Negotiate with NTLM (MS-NLMP through RFC 4559's header exchange), bound to
 * the keep-alive connection as HTTP.sys binds it (wsman-wire.md §7):
 *
 *   → POST, no credentials                     ← 401 WWW-Authenticate: Negotiate
 *   → Authorization: Negotiate <NEGOTIATE>     ← 401 WWW-Authenticate: Negotiate <CHALLENGE>
 *   → Authorization: Negotiate <AUTHENTICATE>  ← the reply (SPNEGO: with the accept token)
 *   → later requests on that connection carry no Authorization: the connection is
 *     logged on, and its NTLM session seals and unseals the bodies.
 *
 * Raw NTLMSSP tokens (pywinrm, Windows' own client over HTTP) and SPNEGO-wrapped
 * ones (GSSAPI clients) are both taken. Over TLS, channel bindings the client sends
 * are checked against our certificate (WinRM's CbtHardeningLevel=Relaxed: missing
 * ones are accepted).
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { accountKey, principalOf, type AccountAuthenticator } from '../fleet/authentication';
import type { Account, FleetHost, Principal } from '../fleet/fleet';
import {
  certificateChannelBindings,
  MessageType,
  messageTypeOf,
  NtlmError,
  NtlmServerContext,
  unwrap,
  wrapAccept,
  wrapChallenge,
  wrapSelectNtlm,
  type NtlmSessionSecurity,
} from '../security/ntlm';

/** A logged-on connection. */
export interface NegotiateSession {
  readonly principal: Principal;
  readonly host: string;
  readonly security: NtlmSessionSecurity;
  /** Sealed requests on one connection are handled one after the other (sequence numbers). */
  queue: Promise<void>;
}

interface Handshake {
  readonly context: NtlmServerContext;
  readonly host: string;
  readonly spnego: boolean;
  readonly mechTypesDer: Buffer | undefined;
  readonly micRequired: boolean;
}

/** NTLMSSP selected for a client that offered another mech first (its NEGOTIATE is still to come). */
interface Selection {
  readonly host: string;
  readonly mechTypesDer: Buffer | undefined;
}

interface ConnectionState {
  selection?: Selection;
  handshake?: Handshake;
  session?: NegotiateSession;
}

export type NegotiateStep =
  /** Send 401 with this WWW-Authenticate value and keep the connection. */
  | { readonly kind: 'continue'; readonly wwwAuthenticate: string }
  | { readonly kind: 'failed'; readonly reason: string; readonly user?: string }
  /** Logged on; `wwwAuthenticate` (SPNEGO's accept token) goes out with the reply. */
  | { readonly kind: 'authenticated'; readonly session: NegotiateSession; readonly wwwAuthenticate?: string };

export class NegotiateAuthenticator {
  private readonly connections = new WeakMap<Socket, ConnectionState>();

  constructor(private readonly accounts: AccountAuthenticator) {}

  /** The connection's logon, if it has one for this host. */
  session(socket: Socket, host: FleetHost): NegotiateSession | undefined {
    const s = this.connections.get(socket)?.session;
    return s && s.host === host.fqdn ? s : undefined;
  }

  /** Forgets the connection's logon (after a message failed its integrity check). */
  drop(socket: Socket): void {
    this.connections.delete(socket);
  }

  /** One leg of the handshake: `token` is the base64 after "Negotiate ". */
  step(socket: Socket, host: FleetHost, token: string): NegotiateStep {
    if (!/^[A-Za-z0-9+/]+=*$/.test(token)) return { kind: 'failed', reason: 'the Negotiate token is not base64' };
    const state = this.connections.get(socket) ?? {};
    this.connections.set(socket, state);
    try {
      const unwrapped = unwrap(Buffer.from(token, 'base64'));
      if (unwrapped.ntlm.length === 0) {
        // RFC 4178 §3.2: the client put another mech (Kerberos) first, with its optimistic token. We have
        // no KDC: select NTLMSSP without a token; the client's NEGOTIATE follows, and a mechListMIC is due.
        if (!unwrapped.spnego || unwrapped.mechTypesDer === undefined) return { kind: 'failed', reason: 'a SPNEGO token without an NTLM message where one was due' };
        state.session = undefined;
        state.handshake = undefined;
        state.selection = { host: host.fqdn, mechTypesDer: unwrapped.mechTypesDer };
        return { kind: 'continue', wwwAuthenticate: `Negotiate ${wrapSelectNtlm().toString('base64')}` };
      }
      const type = messageTypeOf(unwrapped.ntlm);
      const selection = state.selection?.host === host.fqdn ? state.selection : undefined;
      state.selection = undefined;
      if (type === MessageType.NEGOTIATE) {
        // A new NEGOTIATE starts over, even on a logged-on connection.
        state.session = undefined;
        const context = new NtlmServerContext({
          netbiosComputer: host.computerName,
          netbiosDomain: host.domain.name,
          dnsComputer: host.fqdn,
          dnsDomain: host.domain.dnsName,
          channelBindings: channelBindingsOf(socket),
        });
        const challenge = context.challenge(unwrapped.ntlm);
        state.handshake = {
          context,
          host: host.fqdn,
          spnego: unwrapped.spnego,
          mechTypesDer: unwrapped.mechTypesDer ?? selection?.mechTypesDer,
          micRequired: unwrapped.micRequired === true || selection !== undefined,
        };
        const out = unwrapped.spnego ? wrapChallenge(challenge, selection !== undefined) : challenge;
        return { kind: 'continue', wwwAuthenticate: `Negotiate ${out.toString('base64')}` };
      }
      if (type !== MessageType.AUTHENTICATE) return { kind: 'failed', reason: `an NTLM message of type ${type} was not expected here` };
      const handshake = state.handshake;
      state.handshake = undefined;
      if (!handshake || handshake.host !== host.fqdn) return { kind: 'failed', reason: 'an NTLM AUTHENTICATE without a CHALLENGE on this connection' };
      return this.finish(state, host, handshake, unwrapped.ntlm, unwrapped.mechListMic);
    } catch (err) {
      state.handshake = undefined;
      if (err instanceof NtlmError) return { kind: 'failed', reason: `NTLM ${err.code}: ${err.detail}` };
      throw err;
    }
  }

  private finish(state: ConnectionState, host: FleetHost, handshake: Handshake, token: Buffer, mechListMic: Buffer | undefined): NegotiateStep {
    let account: Account | undefined;
    let refusal: { reason: string; user: string } | undefined;
    let authenticated;
    try {
      authenticated = handshake.context.authenticate(token, (user, domain) => {
        const name = domain === '' ? user : `${domain}\\${user}`;
        const found = this.accounts.account(host, name);
        if (!('account' in found)) {
          refusal = { reason: `logon failed: ${found.reason}`, user: found.accountKey ?? name };
          return undefined;
        }
        account = found.account;
        return { ntHash: found.account.ntHash };
      });
    } catch (err) {
      if (account) this.accounts.outcome(host, account, false);
      if (err instanceof NtlmError) {
        const user = refusal?.user ?? (account ? accountKey(account) : undefined);
        return { kind: 'failed', reason: refusal?.reason ?? `logon failed: NTLM ${err.code}: ${err.detail}`, ...(user ? { user } : {}) };
      }
      throw err;
    }
    if (!account) return { kind: 'failed', reason: 'logon failed' };
    let wwwAuthenticate: string | undefined;
    if (handshake.spnego) {
      // MS-SPNG 3.2.5.1: check the client's mechListMIC (required when NTLM was not its first choice), answer with ours.
      const mechTypes = handshake.mechTypesDer;
      if (mechTypes && mechListMic) {
        try {
          authenticated.session.verifyMechListMic(mechTypes, mechListMic);
        } catch (err) {
          if (err instanceof NtlmError) {
            this.accounts.outcome(host, account, false);
            return { kind: 'failed', reason: `SPNEGO mechListMIC: ${err.detail}`, user: accountKey(account) };
          }
          throw err;
        }
      } else if (handshake.micRequired) {
        this.accounts.outcome(host, account, false);
        return { kind: 'failed', reason: 'SPNEGO: the mechListMIC the negotiation requires is missing' };
      }
      wwwAuthenticate = `Negotiate ${wrapAccept(mechTypes ? authenticated.session.signMechListMic(mechTypes) : undefined).toString('base64')}`;
    }
    // Only now, every check passed, is the logon a success (it resets the account's failure count).
    this.accounts.outcome(host, account, true);
    const session: NegotiateSession = { principal: principalOf(account), host: host.fqdn, security: authenticated.session, queue: Promise.resolve() };
    state.session = session;
    return { kind: 'authenticated', session, ...(wwwAuthenticate ? { wwwAuthenticate } : {}) };
  }
}

/** RFC 5929 tls-server-end-point for our certificate (hashed as §4.1 says: by its signature's hash, at least SHA-256). */
function channelBindingsOf(socket: Socket): Buffer | undefined {
  const tls = socket as Partial<TLSSocket>;
  if (tls.encrypted !== true || typeof tls.getX509Certificate !== 'function') return undefined;
  const cert = tls.getX509Certificate();
  if (!cert) return undefined;
  return certificateChannelBindings(cert.raw);
}
