/**
 * Where generated identifiers and random draws come from. Unseeded, they are random (crypto
 * UUIDs, Math.random). With `serve --seed N` every one is reproducible: each scope (jobs of a
 * host, shells of a host, enumeration contexts, reply MessageIDs, …) draws from its own stream,
 * seeded from N and the scope's name, so two runs that send the same requests get the same
 * identifiers even where work on different hosts interleaves differently.
 *
 * Scopes name what is drawn and for whom, e.g. `job:ipam1.contoso.com`, `shell:ipam2.contoso.com`,
 * `enumeration`. Keyed identifiers (`uuidFor`) depend on a key alone — a reply's MessageID on the
 * request's — so they do not depend on the order requests arrive in either.
 */
import { createHash, randomUUID } from 'node:crypto';

/** Numbers in [0, 1). */
export interface Random {
  next(): number;
}

export interface Ids {
  /** Set when runs are reproducible. */
  readonly seed: number | undefined;
  /** A version-4-shaped UUID, lower case, from the scope's stream. */
  uuid(scope: string): string;
  /** A version-4-shaped UUID that depends only on the scope and the key. */
  uuidFor(scope: string, key: string): string;
  /** The scope's stream of numbers in [0, 1) (fault probabilities, delay distributions). */
  random(scope: string): Random;
}

/** sfc32: a small, fast generator with a 128-bit state, good enough for identifiers and draws. */
class Sfc32 implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: Buffer) {
    this.a = seed.readUInt32LE(0);
    this.b = seed.readUInt32LE(4);
    this.c = seed.readUInt32LE(8);
    this.d = seed.readUInt32LE(12) | 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.nextUint32();
      for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (v >>> (8 * k)) & 0xff;
    }
    return out;
  }
}

/** RFC 4122 version 4 layout over 16 bytes. */
function uuidOf(bytes: Buffer): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const digest = (...parts: string[]): Buffer => createHash('sha256').update(parts.join('\u0000')).digest();

export class SeededIds implements Ids {
  private readonly streams = new Map<string, Sfc32>();

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed)) throw new Error('--seed must be an integer');
  }

  private stream(scope: string): Sfc32 {
    let s = this.streams.get(scope);
    if (!s) {
      s = new Sfc32(digest('ipam-wsman-emulator', String(this.seed), scope));
      this.streams.set(scope, s);
    }
    return s;
  }

  uuid(scope: string): string {
    return uuidOf(this.stream(scope).bytes(16));
  }

  uuidFor(scope: string, key: string): string {
    return uuidOf(digest('ipam-wsman-emulator', String(this.seed), scope, key));
  }

  random(scope: string): Random {
    return this.stream(`random:${scope}`);
  }
}

export class RandomIds implements Ids {
  readonly seed = undefined;

  uuid(): string {
    return randomUUID();
  }

  uuidFor(): string {
    return randomUUID();
  }

  random(): Random {
    return { next: () => Math.random() };
  }
}

export function idsFor(seed: number | undefined): Ids {
  return seed === undefined ? new RandomIds() : new SeededIds(seed);
}
