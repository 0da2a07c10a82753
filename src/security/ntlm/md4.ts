/**
 * MD4 (RFC 1320), needed for the NT hash (MS-NLMP 3.3.1 NTOWFv1, used by
 * NTOWFv2). Node's OpenSSL build ships MD4 only in the legacy provider, which
 * is not loaded, so it is written out here. Never use it for anything else.
 */

const ROUND1_SHIFTS = [3, 7, 11, 19];
const ROUND2_SHIFTS = [3, 5, 9, 13];
const ROUND3_SHIFTS = [3, 9, 11, 15];
/** Word order of rounds 2 and 3 (RFC 1320 §3.4). Round 1 takes words in order. */
const ROUND2_WORDS = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15];
const ROUND3_WORDS = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];

function rotl(x: number, s: number): number {
  return (x << s) | (x >>> (32 - s));
}

export function md4(data: Buffer): Buffer {
  // Padding (RFC 1320 §3.1-3.2): 0x80, zeros to 56 mod 64, then the bit length as 64-bit LE.
  const blocks = Math.floor((data.length + 8) / 64) + 1;
  const padded = Buffer.alloc(blocks * 64);
  data.copy(padded);
  padded[data.length] = 0x80;
  const bits = data.length * 8;
  padded.writeUInt32LE(bits >>> 0, padded.length - 8);
  padded.writeUInt32LE(Math.floor(bits / 0x100000000) >>> 0, padded.length - 4);

  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  const x = new Array<number>(16);
  for (let block = 0; block < blocks; block++) {
    for (let i = 0; i < 16; i++) x[i] = padded.readUInt32LE(block * 64 + i * 4);
    const v = h.slice();
    for (let step = 0; step < 48; step++) {
      const round = step >> 4;
      const j = step & 15;
      // Step j updates register (a, d, c, b, a, ...) from the other three in order.
      const t = (4 - (j & 3)) & 3;
      const b = v[(t + 1) & 3];
      const c = v[(t + 2) & 3];
      const d = v[(t + 3) & 3];
      let f: number;
      let word: number;
      let shift: number;
      if (round === 0) {
        f = (b & c) | (~b & d);
        word = x[j];
        shift = ROUND1_SHIFTS[j & 3];
      } else if (round === 1) {
        f = ((b & c) | (b & d) | (c & d)) + 0x5a827999;
        word = x[ROUND2_WORDS[j]];
        shift = ROUND2_SHIFTS[j & 3];
      } else {
        f = (b ^ c ^ d) + 0x6ed9eba1;
        word = x[ROUND3_WORDS[j]];
        shift = ROUND3_SHIFTS[j & 3];
      }
      v[t] = rotl((v[t] + f + word) | 0, shift);
    }
    for (let i = 0; i < 4; i++) h[i] = (h[i] + v[i]) | 0;
  }
  const out = Buffer.alloc(16);
  for (let i = 0; i < 4; i++) out.writeUInt32LE(h[i] >>> 0, i * 4);
  return out;
}
