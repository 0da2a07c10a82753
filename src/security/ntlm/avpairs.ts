/** AV_PAIR lists (MS-NLMP 2.2.2.1): the TargetInfo of a CHALLENGE and of an NTLMv2 client challenge. */
import { AvId } from './constants';
import { NtlmError } from './errors';
import { fromUnicode, unicode } from './primitives';
import { readBytes, readU16 } from './wire';

export interface AvPair {
  readonly id: number;
  readonly value: Buffer;
}

/**
 * Parses AV pairs up to MsvAvEOL. A list that runs off the end without an EOL
 * is malformed. Bytes after the EOL are ignored: Windows may pad the
 * NTLMv2_CLIENT_CHALLENGE after its AV pairs (MS-NLMP 2.2.2.7, note 30).
 */
export function parseAvPairs(buf: Buffer): AvPair[] {
  const pairs: AvPair[] = [];
  let at = 0;
  for (;;) {
    const id = readU16(buf, at, 'AvId');
    const length = readU16(buf, at + 2, 'AvLen');
    const value = readBytes(buf, at + 4, length, 'AV_PAIR Value');
    at += 4 + length;
    if (id === AvId.MsvAvEOL) return pairs;
    pairs.push({ id, value });
  }
}

/** Encodes AV pairs and the terminating MsvAvEOL (AddAvPair, MS-NLMP section 6). */
export function encodeAvPairs(pairs: readonly AvPair[]): Buffer {
  const parts: Buffer[] = [];
  for (const p of pairs) {
    if (p.id === AvId.MsvAvEOL) continue;
    if (p.value.length > 0xffff) throw new NtlmError('malformed', `AV pair ${p.id} is too long`);
    const head = Buffer.alloc(4);
    head.writeUInt16LE(p.id, 0);
    head.writeUInt16LE(p.value.length, 2);
    parts.push(head, p.value);
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

export function findAv(pairs: readonly AvPair[], id: number): Buffer | undefined {
  return pairs.find((p) => p.id === id)?.value;
}

/** Sets an AV pair: replaces the first occurrence (dropping duplicates) or appends it. */
export function withAv(pairs: readonly AvPair[], id: number, value: Buffer): AvPair[] {
  let replaced = false;
  const out: AvPair[] = [];
  for (const p of pairs) {
    if (p.id !== id) out.push(p);
    else if (!replaced) {
      out.push({ id, value });
      replaced = true;
    }
  }
  if (!replaced) out.push({ id, value });
  return out;
}

/** The MsvAvFlags value, 0 when absent. */
export function avFlags(pairs: readonly AvPair[]): number {
  const v = findAv(pairs, AvId.MsvAvFlags);
  if (v === undefined) return 0;
  if (v.length !== 4) throw new NtlmError('malformed', 'MsvAvFlags is not 4 bytes');
  return v.readUInt32LE(0);
}

export function avString(pairs: readonly AvPair[], id: number): string | undefined {
  const v = findAv(pairs, id);
  return v === undefined ? undefined : fromUnicode(v, `AV pair ${id}`);
}

export function stringAv(id: number, value: string): AvPair {
  return { id, value: unicode(value) };
}

export function u32Av(id: number, value: number): AvPair {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return { id, value: b };
}
