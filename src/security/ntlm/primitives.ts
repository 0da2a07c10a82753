/**
 * The hash and encoding helpers MS-NLMP section 6 names: MD5, HMAC_MD5,
 * UNICODE(), Z(N), NONCE(N), and FILETIME timestamps (MS-DTYP 2.3.3).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { NtlmError } from './errors';

export type RandomBytes = (n: number) => Buffer;
export const defaultRandomBytes: RandomBytes = (n) => randomBytes(n);

export function md5(...parts: Buffer[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

export function hmacMd5(key: Buffer, ...parts: Buffer[]): Buffer {
  const h = createHmac('md5', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** UNICODE(string): UTF-16LE without a byte order mark. */
export function unicode(s: string): Buffer {
  return Buffer.from(s, 'utf16le');
}

/** Decodes UTF-16LE from the wire; an odd byte count is a malformed token. */
export function fromUnicode(b: Buffer, what: string): string {
  if (b.length % 2 !== 0) throw new NtlmError('malformed', `${what} has an odd UTF-16 byte count`);
  return b.toString('utf16le');
}

/** Constant-time equality; buffers of different lengths are simply unequal. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** 100 ns ticks between 1601-01-01 and 1970-01-01. */
const EPOCH_DELTA_TICKS = 116444736000000000n;

/** A FILETIME (MS-DTYP 2.3.3) as the 8 little-endian bytes of MsvAvTimestamp. */
export function filetime(date: Date): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt(date.getTime()) * 10000n + EPOCH_DELTA_TICKS);
  return out;
}

export function fromFiletime(b: Buffer): Date {
  if (b.length !== 8) throw new NtlmError('malformed', 'a FILETIME is 8 bytes');
  return new Date(Number((b.readBigUInt64LE(0) - EPOCH_DELTA_TICKS) / 10000n));
}
