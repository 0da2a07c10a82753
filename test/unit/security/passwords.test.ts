/** Passwords kept as digests and compared in constant time (src/security/passwords.ts). */
import crypto from 'node:crypto';
import { passwordDigest, passwordMatches } from '../../../src/security/passwords';

test('a password matches its digest and nothing else; no digest matches nothing', () => {
  const digest = passwordDigest('Passw0rd!');
  expect(digest).toEqual(crypto.createHash('sha256').update('Passw0rd!', 'utf8').digest());
  expect(passwordMatches('Passw0rd!', digest)).toBe(true);
  expect(passwordMatches('passw0rd!', digest)).toBe(false);
  expect(passwordMatches('', digest)).toBe(false);
  expect(passwordMatches('Passw0rd!', undefined)).toBe(false);
  expect(passwordMatches('\u0000no-such-account', undefined)).toBe(false);
});
