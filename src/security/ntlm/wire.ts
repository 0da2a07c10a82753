/**
 * Bounds-checked reading and payload-laying writing of NTLM messages. Every
 * read goes through here, so a truncated or lying token raises
 * NtlmError('malformed') and never a RangeError or an out-of-range slice.
 */
import { NtlmError } from './errors';

export function need(buf: Buffer, offset: number, length: number, what: string): void {
  if (offset < 0 || length < 0 || offset + length > buf.length) {
    throw new NtlmError('malformed', `${what} lies outside the ${buf.length}-byte token`);
  }
}

export function readU16(buf: Buffer, offset: number, what: string): number {
  need(buf, offset, 2, what);
  return buf.readUInt16LE(offset);
}

export function readU32(buf: Buffer, offset: number, what: string): number {
  need(buf, offset, 4, what);
  return buf.readUInt32LE(offset);
}

export function readBytes(buf: Buffer, offset: number, length: number, what: string): Buffer {
  need(buf, offset, length, what);
  return Buffer.from(buf.subarray(offset, offset + length));
}

/** A *Fields descriptor (Len, MaxLen, BufferOffset; MS-NLMP 2.2.1.x) and the bytes it points at. */
export interface PayloadField {
  readonly offset: number;
  readonly data: Buffer;
}

export function readField(buf: Buffer, at: number, what: string): PayloadField {
  const length = readU16(buf, at, `${what}Len`);
  const offset = readU32(buf, at + 4, `${what}BufferOffset`);
  if (length === 0) return { offset, data: Buffer.alloc(0) };
  return { offset, data: readBytes(buf, offset, length, what) };
}

/** Where the payload starts: the lowest offset of a non-empty field, or the token's end. */
export function payloadStart(buf: Buffer, fields: readonly PayloadField[]): number {
  let start = buf.length;
  for (const f of fields) if (f.data.length > 0 && f.offset < start) start = f.offset;
  return start;
}

/**
 * Lays out a message: a fixed header of `headerLength` bytes followed by the
 * payload, each field's descriptor written at its header position.
 */
export class MessageWriter {
  private readonly header: Buffer;
  private readonly payload: Buffer[] = [];
  private cursor: number;

  constructor(headerLength: number) {
    this.header = Buffer.alloc(headerLength);
    this.cursor = headerLength;
  }

  get headerBuffer(): Buffer {
    return this.header;
  }

  field(at: number, data: Buffer, what: string): void {
    if (data.length > 0xffff) throw new NtlmError('malformed', `${what} is too long for an NTLM field`);
    this.header.writeUInt16LE(data.length, at);
    this.header.writeUInt16LE(data.length, at + 2);
    this.header.writeUInt32LE(this.cursor, at + 4);
    this.payload.push(data);
    this.cursor += data.length;
  }

  toBuffer(): Buffer {
    return Buffer.concat([this.header, ...this.payload]);
  }
}
