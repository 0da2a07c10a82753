/**
 * Authentication of a request against the host's accounts: Basic here, Negotiate
 * handed to negotiate.ts (its handshake lives on the connection). A request
 * without credentials gets the challenge Windows sends (reference/wsman-wire.md
 * §1): Negotiate and Basic realm="WSMAN" as separate WWW-Authenticate headers,
 * each only where the host enables the scheme.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { AccountAuthenticator } from '../fleet/authentication';
import type { Account, FleetHost, Principal } from '../fleet/fleet';

/**
 * The Basic logon last verified on a connection. A keep-alive client sends the
 * same Authorization header on every request; while it does (to the same host),
 * the password is not hashed again, but the account is still checked for being
 * disabled or locked out on every request. Held only as long as the connection
 * (a WeakMap on the socket), never written anywhere (docs/security.md).
 */
interface BasicLogon {
  readonly header: string;
  readonly host: FleetHost;
  readonly account: Account;
  readonly principal: Principal;
}
const basicLogons = new WeakMap<Socket, BasicLogon>();

export type AuthOutcome =
  | { readonly kind: 'authenticated'; readonly principal: Principal; readonly scheme: 'Basic' }
  /** A Negotiate token (base64) for the connection's handshake. */
  | { readonly kind: 'negotiate'; readonly token: string }
  /** No credentials; only an unauthenticated Identify may proceed. */
  | { readonly kind: 'anonymous'; readonly identifyOnly: boolean }
  | { readonly kind: 'rejected'; readonly reason: string; readonly user?: string };

/** The user name and password of a Basic token (the base64 after "Basic "), or undefined when it is malformed. */
export function parseBasicToken(token: string): { user: string; password: string } | undefined {
  if (!/^[A-Za-z0-9+/]+=*$/.test(token)) return undefined;
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The WWW-Authenticate values for a 401 on this host, in Windows' order. */
export function challenges(host: FleetHost): string[] {
  const out: string[] = [];
  if (host.policy.auth.negotiate) out.push('Negotiate');
  if (host.policy.auth.basic) out.push('Basic realm="WSMAN"');
  return out;
}

/**
 * Basic: the scheme must be enabled, and over plain HTTP only with AllowUnencrypted
 * (a stock WinRM answers 401 then: pywinrm reports "credentials rejected").
 */
export function authenticateRequest(req: IncomingMessage, host: FleetHost, accounts: AccountAuthenticator, secure: boolean): AuthOutcome {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '') {
    const identifyOnly = String(req.headers.wsmanidentify ?? '').toLowerCase() === 'unauthenticated';
    return { kind: 'anonymous', identifyOnly };
  }
  const space = header.indexOf(' ');
  const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
  const token = space === -1 ? '' : header.slice(space + 1).trim();
  if (scheme === 'negotiate') {
    if (!host.policy.auth.negotiate) return { kind: 'rejected', reason: 'Negotiate authentication is disabled on this host' };
    return { kind: 'negotiate', token };
  }
  if (scheme !== 'basic') return { kind: 'rejected', reason: `the ${scheme} scheme is not supported here` };
  if (!host.policy.auth.basic) return { kind: 'rejected', reason: 'Basic authentication is disabled on this host' };
  if (!secure && !host.policy.allowUnencrypted) return { kind: 'rejected', reason: 'Basic over unencrypted HTTP is refused (AllowUnencrypted is false)' };
  const known = basicLogons.get(req.socket);
  if (known !== undefined && known.header === header && known.host === host && accounts.stillAllowed(known.account)) {
    return { kind: 'authenticated', principal: known.principal, scheme: 'Basic' };
  }
  basicLogons.delete(req.socket);
  const credentials = parseBasicToken(token);
  if (!credentials) return { kind: 'rejected', reason: 'malformed Basic credentials' };
  const { user } = credentials;
  const result = accounts.password(host, user, credentials.password);
  if (!result.ok) return { kind: 'rejected', reason: `logon failed: ${result.reason}`, user };
  basicLogons.set(req.socket, { header, host, account: result.account, principal: result.principal });
  return { kind: 'authenticated', principal: result.principal, scheme: 'Basic' };
}
