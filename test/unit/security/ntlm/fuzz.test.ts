/**
 * Seeded mutation fuzzing of every parser and of the server context: each
 * mutated token either parses or throws NtlmError, never anything else
 * (no RangeError, no TypeError, no out-of-range read).
 */
import {
  NtlmError,
  OID_NTLMSSP,
  buildNegTokenInit,
  buildNegTokenResp,
  parseAuthenticate,
  parseChallenge,
  parseNegTokenInit,
  parseNegTokenResp,
  parseNegotiate,
  unwrap,
  wrapChallenge,
} from '../../../../src/security/ntlm';
import { parseAvPairs } from '../../../../src/security/ntlm/avpairs';
import { parseNtlmv2Response } from '../../../../src/security/ntlm/ntlmv2';
import { handshake, lookup, newClient, newServer, prng } from './support';

const ROUNDS = 1500;

function mutate(token: Buffer, rand: () => number): Buffer {
  const pick = (n: number) => Math.floor(rand() * n);
  const out = Buffer.from(token);
  switch (pick(6)) {
    case 0: {
      for (let n = 1 + pick(4); n > 0 && out.length > 0; n--) out[pick(out.length)] ^= 1 << pick(8);
      return out;
    }
    case 1:
      return out.subarray(0, pick(out.length + 1));
    case 2: {
      // A lying length or offset: overwrite a 16- or 32-bit window with an extreme value.
      if (out.length < 4) return out;
      const at = pick(out.length - 3);
      const values = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0xffffffff, out.length, out.length + 1, pick(0x10000)];
      const v = values[pick(values.length)];
      if (rand() < 0.5) out.writeUInt16LE(v & 0xffff, at);
      else out.writeUInt32LE(v >>> 0, at);
      return out;
    }
    case 3: {
      const at = pick(out.length + 1);
      const junk = Buffer.from(Array.from({ length: 1 + pick(8) }, () => pick(256)));
      return Buffer.concat([out.subarray(0, at), junk, out.subarray(at)]);
    }
    case 4: {
      if (out.length === 0) return out;
      const at = pick(out.length);
      return Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + pick(4))]);
    }
    default:
      return Buffer.concat([out, Buffer.from(Array.from({ length: 1 + pick(16) }, () => pick(256)))]);
  }
}

/** Runs `fn` on ROUNDS mutations of `token`; returns the mutations that threw something other than NtlmError. */
function fuzz(seed: number, token: Buffer, fn: (mutated: Buffer) => unknown): string[] {
  const rand = prng(seed);
  const escapes: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const mutated = mutate(token, rand);
    try {
      fn(mutated);
    } catch (e) {
      if (!(e instanceof NtlmError)) escapes.push(`round ${round}: ${String(e)} on ${mutated.toString('hex')}`);
    }
  }
  return escapes.slice(0, 5);
}

const { negotiate, challenge, authenticate } = handshake();
const clientBlob = parseAuthenticate(authenticate).ntChallengeResponse;
const spnegoInit = buildNegTokenInit({ mechTypes: [OID_NTLMSSP], mechToken: negotiate, mechListMic: Buffer.alloc(16, 3) });
const spnegoResp = buildNegTokenResp({ negState: 'accept-incomplete', responseToken: authenticate, mechListMic: Buffer.alloc(16, 4) });

describe('fuzzed tokens only ever raise NtlmError', () => {
  it.each([
    ['NEGOTIATE_MESSAGE', 1, negotiate, parseNegotiate],
    ['CHALLENGE_MESSAGE', 2, challenge, parseChallenge],
    ['AUTHENTICATE_MESSAGE', 3, authenticate, parseAuthenticate],
    ['NTLMv2_RESPONSE', 4, clientBlob, parseNtlmv2Response],
    ['AV pairs', 5, clientBlob.subarray(44), parseAvPairs],
    ['NegTokenInit', 6, spnegoInit, parseNegTokenInit],
    ['NegTokenResp', 7, spnegoResp, parseNegTokenResp],
    ['unwrap(NegTokenInit)', 8, spnegoInit, unwrap],
    ['unwrap(NegTokenResp)', 9, wrapChallenge(challenge), unwrap],
  ] as Array<[string, number, Buffer, (b: Buffer) => unknown]>)('%s', (_name, seed, token, parse) => {
    expect(fuzz(seed, token, parse)).toEqual([]);
  });

  it('NtlmServerContext.challenge', () => {
    expect(fuzz(10, negotiate, (m) => newServer().challenge(m))).toEqual([]);
  });

  it('NtlmServerContext.authenticate, and a mutated AUTHENTICATE never logs on', () => {
    // A fixed server challenge and clock, so every round replays the same handshake.
    const fixed = { randomBytes: (n: number) => Buffer.alloc(n, 0x42), now: () => new Date('2024-03-01T12:00:00Z') };
    const client = newClient({ now: fixed.now });
    const neg = client.negotiate();
    const auth = client.authenticate(newServer(fixed).challenge(neg));
    const loggedOn: string[] = [];
    const escapes = fuzz(11, auth, (m) => {
      const server = newServer(fixed);
      server.challenge(neg);
      server.authenticate(m, lookup);
      if (!m.equals(auth)) loggedOn.push(m.toString('hex'));
    });
    expect(escapes).toEqual([]);
    // The MIC covers every byte of the token, so no mutation may log on.
    expect(loggedOn).toEqual([]);
  });

  it('NtlmSessionSecurity.unseal with mutated data and signatures', () => {
    const rand = prng(12);
    const { client, result } = handshake();
    const escapes: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { sealed, signature } = client.session.seal(Buffer.from(`message ${round}`));
      const badData = rand() < 0.5;
      try {
        result.session.unseal(badData ? mutate(sealed, rand) : sealed, badData ? signature : mutate(signature, rand));
      } catch (e) {
        if (!(e instanceof NtlmError)) escapes.push(String(e));
      }
      // Keep the two ends in step whatever happened to the mutated copy.
      try {
        result.session.unseal(sealed, signature);
      } catch (e) {
        if (!(e instanceof NtlmError) || e.code !== 'sequence') escapes.push(`resync: ${String(e)}`);
      }
    }
    expect(escapes).toEqual([]);
  });
});
