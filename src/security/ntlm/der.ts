/**
 * The sliver of ASN.1 DER (X.690) that SPNEGO needs: single-byte tags,
 * definite lengths, OIDs, OCTET STRINGs, ENUMERATED. Bounds-checked like the
 * NTLM reader: bad input raises NtlmError('malformed').
 */
import { NtlmError } from './errors';

export const Tag = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  ENUMERATED: 0x0a,
  GENERAL_STRING: 0x1b,
  SEQUENCE: 0x30,
  /** [APPLICATION 0] constructed: the GSS-API InitialContextToken (RFC 2743 §3.1). */
  APPLICATION_0: 0x60,
} as const;

/** [n] constructed, context-specific. */
export function contextTag(n: number): number {
  return 0xa0 | n;
}

export interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  readonly contentStart: number;
  /** One past the last content byte. */
  readonly end: number;
}

function malformed(what: string): NtlmError {
  return new NtlmError('malformed', `SPNEGO: ${what}`);
}

/** Reads one TLV at `offset`; it must end at or before `limit`. */
export function readTlv(buf: Buffer, offset: number, limit: number = buf.length): Tlv {
  if (offset + 2 > limit) throw malformed('truncated tag or length');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw malformed('multi-byte tags are not used by SPNEGO');
  let at = offset + 1;
  let length = buf[at++];
  if (length & 0x80) {
    const count = length & 0x7f;
    // 0x80 is the BER indefinite form, which DER forbids; more than 4 bytes is absurd here.
    if (count === 0 || count > 4) throw malformed('unsupported length form');
    if (at + count > limit) throw malformed('truncated length');
    length = 0;
    for (let n = 0; n < count; n++) length = length * 256 + buf[at++];
  }
  if (at + length > limit) throw malformed(`element of ${length} bytes overruns its container`);
  return { tag, start: offset, contentStart: at, end: at + length };
}

/** The elements inside a constructed TLV, which must tile its content exactly. */
export function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let at = parent.contentStart;
  while (at < parent.end) {
    const child = readTlv(buf, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

export function content(buf: Buffer, tlv: Tlv): Buffer {
  return Buffer.from(buf.subarray(tlv.contentStart, tlv.end));
}

export function whole(buf: Buffer, tlv: Tlv): Buffer {
  return Buffer.from(buf.subarray(tlv.start, tlv.end));
}

export function expectTag(tlv: Tlv, tag: number, what: string): void {
  if (tlv.tag !== tag) throw malformed(`${what}: expected tag 0x${tag.toString(16)}, got 0x${tlv.tag.toString(16)}`);
}

/** The single element inside an explicit [n] wrapper. */
export function explicitInner(buf: Buffer, wrapper: Tlv, what: string): Tlv {
  const inner = children(buf, wrapper);
  if (inner.length !== 1) throw malformed(`${what} must hold exactly one element`);
  return inner[0];
}

export function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

export function encodeOid(oid: string): Buffer {
  const arcs = oid.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new NtlmError('malformed', `bad OID ${oid}`);
    return Number(a);
  });
  if (arcs.length < 2) throw new NtlmError('malformed', `bad OID ${oid}`);
  const bytes: number[] = [arcs[0] * 40 + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift(0x80 | (n & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(Tag.OID, Buffer.from(bytes));
}

export function decodeOid(body: Buffer): string {
  if (body.length === 0) throw malformed('empty OID');
  const arcs: number[] = [];
  let value = 0;
  for (let n = 0; n < body.length; n++) {
    value = value * 128 + (body[n] & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw malformed('OID arc too large');
    if ((body[n] & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    } else if (n === body.length - 1) {
      throw malformed('truncated OID arc');
    }
  }
  const first = arcs[0];
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}
