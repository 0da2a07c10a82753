/**
 * Logons against the fleet's accounts, with the host's lockout policy applied:
 * Basic checks a password; NTLM asks for the account first (its NT hash does the
 * checking) and reports the outcome back.
 */
import { passwordMatches } from '../security/passwords';
import { findAccount, type Account, type FleetHost, type Principal } from './fleet';
import { LockoutTracker } from './lockout';

export type LogonFailure = 'unknown' | 'password' | 'disabled' | 'locked';
export type LogonResult = { readonly ok: true; readonly principal: Principal; readonly account: Account } | { readonly ok: false; readonly reason: LogonFailure; readonly account?: string };


export function principalOf(a: Account): Principal {
  return { name: a.name, authority: a.authority, groups: a.groups };
}

export function accountKey(a: Account): string {
  return `${a.authority}\\${a.name}`;
}

export class AccountAuthenticator {
  constructor(readonly lockouts: LockoutTracker = new LockoutTracker()) {}

  /** The account a logon names, if it may log on now (not disabled, not locked out). */
  account(host: FleetHost, userName: string): { account: Account } | { reason: LogonFailure; accountKey?: string } {
    const account = findAccount(host, userName);
    if (!account) return { reason: 'unknown' };
    if (account.disabled) return { reason: 'disabled', accountKey: accountKey(account) };
    if (this.lockouts.isLocked(accountKey(account))) return { reason: 'locked', accountKey: accountKey(account) };
    return { account };
  }

  /** Whether an account whose password was verified earlier may still log on (not disabled, not locked out since). */
  stillAllowed(account: Account): boolean {
    return !account.disabled && !this.lockouts.isLocked(accountKey(account));
  }

  /** Records the outcome of a logon the caller verified (NTLM). */
  outcome(host: FleetHost, account: Account, ok: boolean): void {
    if (ok) this.lockouts.success(accountKey(account));
    else this.lockouts.failure(accountKey(account), host.policy.lockout);
  }

  /** A password logon (Basic). Unknown users cost the same hashing as known ones. */
  password(host: FleetHost, userName: string, password: string): LogonResult {
    const found = this.account(host, userName);
    if (!('account' in found)) {
      passwordMatches(password, undefined);
      return { ok: false, reason: found.reason, account: found.accountKey };
    }
    const ok = passwordMatches(password, found.account.passwordDigest);
    this.outcome(host, found.account, ok);
    return ok ? { ok: true, principal: principalOf(found.account), account: found.account } : { ok: false, reason: 'password', account: accountKey(found.account) };
  }
}
