/**
 * Account lockout, as a Windows account lockout policy: after `threshold` failed
 * logons within `windowMs`, the account is locked for `durationMs`, during which
 * even the right password is refused. A success resets the count. Threshold 0
 * turns it off. Counted per account (authority\name), so local and domain
 * accounts of the same name are separate.
 */
export interface LockoutPolicy {
  readonly threshold: number;
  readonly windowMs: number;
  readonly durationMs: number;
}

/** Windows 11 / Server 2025 defaults: 10 attempts, 10 minutes, 10 minutes. */
export const DEFAULT_LOCKOUT: LockoutPolicy = { threshold: 10, windowMs: 10 * 60_000, durationMs: 10 * 60_000 };

interface Entry {
  failures: number[];
  lockedUntil: number;
}

export class LockoutTracker {
  private readonly accounts = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  isLocked(account: string): boolean {
    if (this.accounts.size === 0) return false;
    const e = this.accounts.get(account.toLowerCase());
    return e !== undefined && e.lockedUntil > this.now();
  }

  /** Records a failed logon; returns true when this failure locked the account. */
  failure(account: string, policy: LockoutPolicy): boolean {
    if (policy.threshold <= 0) return false;
    const key = account.toLowerCase();
    const t = this.now();
    const e = this.accounts.get(key) ?? { failures: [], lockedUntil: 0 };
    e.failures = [...e.failures.filter((f) => f > t - policy.windowMs), t];
    let locked = false;
    if (e.failures.length >= policy.threshold && e.lockedUntil <= t) {
      e.lockedUntil = t + policy.durationMs;
      e.failures = [];
      locked = true;
    }
    this.accounts.set(key, e);
    return locked;
  }

  success(account: string): void {
    if (this.accounts.size === 0) return;
    const e = this.accounts.get(account.toLowerCase());
    if (e && e.lockedUntil <= this.now()) this.accounts.delete(account.toLowerCase());
  }

  reset(): void {
    this.accounts.clear();
  }

  /** Forgets the failures and lockouts of the accounts `which` picks (an admin reset of a host). */
  forget(which: (account: string) => boolean): void {
    for (const key of [...this.accounts.keys()]) if (which(key)) this.accounts.delete(key);
  }

  /** When the account's lockout ends; undefined when it is not locked out. */
  lockedUntil(account: string): Date | undefined {
    const e = this.accounts.get(account.toLowerCase());
    return e !== undefined && e.lockedUntil > this.now() ? new Date(e.lockedUntil) : undefined;
  }

  /** Accounts locked out now, and those with failures counted towards a lockout. */
  list(): Array<{ account: string; lockedUntil: Date | null; recentFailures: number }> {
    const t = this.now();
    return [...this.accounts.entries()]
      .map(([account, e]) => ({ account, lockedUntil: e.lockedUntil > t ? new Date(e.lockedUntil) : null, recentFailures: e.failures.length }))
      .filter((x) => x.lockedUntil !== null || x.recentFailures > 0)
      .sort((a, b) => a.account.localeCompare(b.account));
  }
}
