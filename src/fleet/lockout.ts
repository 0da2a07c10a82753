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
}
