/**
 * RC4, the only cipher of NTLM session security (MS-NLMP 3.4.3, RC4/RC4K/RC4Init
 * in section 6). Node's OpenSSL build has no rc4 cipher, so it is written out
 * here. An `Rc4` is a running key stream: MS-NLMP keeps one handle per
 * direction for the life of the session, so successive `transform` calls
 * continue the same stream.
 */
import { NtlmError } from './errors';

/** A copy of a handle's key-stream position, to roll back a rejected message. */
export interface Rc4State {
  readonly s: Uint8Array;
  readonly i: number;
  readonly j: number;
}

export class Rc4 {
  private readonly s = new Uint8Array(256);
  private i = 0;
  private j = 0;

  /** RC4Init(Handle, Key). */
  constructor(key: Buffer) {
    if (key.length === 0 || key.length > 256) throw new NtlmError('state', `RC4 key length ${key.length}`);
    for (let n = 0; n < 256; n++) this.s[n] = n;
    let j = 0;
    for (let n = 0; n < 256; n++) {
      j = (j + this.s[n] + key[n % key.length]) & 0xff;
      const t = this.s[n];
      this.s[n] = this.s[j];
      this.s[j] = t;
    }
  }

  /** RC4(Handle, D): encrypts or decrypts (the same operation), advancing the stream. */
  transform(data: Buffer): Buffer {
    const out = Buffer.alloc(data.length);
    const s = this.s;
    let i = this.i;
    let j = this.j;
    for (let n = 0; n < data.length; n++) {
      i = (i + 1) & 0xff;
      j = (j + s[i]) & 0xff;
      const t = s[i];
      s[i] = s[j];
      s[j] = t;
      out[n] = data[n] ^ s[(s[i] + s[j]) & 0xff];
    }
    this.i = i;
    this.j = j;
    return out;
  }

  saveState(): Rc4State {
    return { s: this.s.slice(), i: this.i, j: this.j };
  }

  restoreState(state: Rc4State): void {
    this.s.set(state.s);
    this.i = state.i;
    this.j = state.j;
  }
}

/** RC4K(K, D): a one-shot encryption with a fresh key (MS-NLMP section 6). */
export function rc4k(key: Buffer, data: Buffer): Buffer {
  return new Rc4(key).transform(data);
}
