/**
 * Passwords as the emulator keeps them: the SHA-256 of the text, never the text
 * (fixture accounts, simulated SQL logins), compared in constant time.
 */
import crypto from 'node:crypto';

export function passwordDigest(password: string): Buffer {
  // The one-shot crypto.hash (Node ≥ 20.12) spares a Hash object per logon.
  return crypto.hash('sha256', password, 'buffer');
}

/** What a password is compared with when there is no digest, so that a miss costs what a hit does. */
const NOTHING = passwordDigest('\u0000no-such-account');

/** True when `password` has `digest`; with no digest, does the same work and answers false. */
export function passwordMatches(password: string, digest: Buffer | undefined): boolean {
  const given = passwordDigest(password);
  const same = crypto.timingSafeEqual(given, digest ?? NOTHING);
  return digest !== undefined && same;
}
