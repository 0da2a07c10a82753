/**
 * MS-NLMP 4.2.4 (NTLMv2 Authentication) test vectors, byte for byte. The
 * expected values are the specification's hex dumps (fixtures/ms-nlmp-4.2.4.json),
 * never values computed by this code.
 */
import vectors from './fixtures/ms-nlmp-4.2.4.json';
import { AvId, NegotiateFlag, hasFlag, parseAuthenticate, parseChallenge, buildAuthenticate, buildChallenge, NtlmClientContext } from '../../../../src/security/ntlm';
import { encodeAvPairs } from '../../../../src/security/ntlm/avpairs';
import { computeNtlmv2Response, encryptRandomSessionKey, exportedSessionKey, keyExchangeKey, ntowfv2FromPassword, parseNtlmv2Response, verifyNtlmv2Response } from '../../../../src/security/ntlm/ntlmv2';
import { NtlmSessionSecurity, sealKey, signKey } from '../../../../src/security/ntlm/session';
import { fromFiletime } from '../../../../src/security/ntlm/primitives';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const c = vectors.common;
const challengeFlags = hex(vectors.challengeFlags).readUInt32LE(0);
/** The spec's TargetInfo: MsvAvNbDomainName then MsvAvNbComputerName (4.2.4.3). */
const specTargetInfo = [
  { id: AvId.MsvAvNbDomainName, value: hex(vectors.avPairs.nbDomainName) },
  { id: AvId.MsvAvNbComputerName, value: hex(vectors.avPairs.nbServerName) },
];

describe('MS-NLMP 4.2.4.1 calculations', () => {
  it('NTOWFv2("Password", "User", "Domain")', () => {
    expect(ntowfv2FromPassword(c.password, c.user, c.domain).toString('hex')).toBe(vectors.ntowfv2);
  });

  it('temp, NTProofStr, the NTLMv2 and LMv2 responses and the SessionBaseKey', () => {
    const key = ntowfv2FromPassword(c.password, c.user, c.domain);
    const r = computeNtlmv2Response(key, hex(c.serverChallenge), hex(c.clientChallenge), hex(c.time), encodeAvPairs(specTargetInfo));
    expect(r.ntChallengeResponse.subarray(16).toString('hex')).toBe(vectors.temp);
    expect(r.ntProofStr.toString('hex')).toBe(vectors.ntProofStr);
    expect(r.ntChallengeResponse.toString('hex')).toBe(vectors.ntProofStr + vectors.temp);
    expect(r.lmChallengeResponse.toString('hex')).toBe(vectors.lmv2Response);
    expect(r.sessionBaseKey.toString('hex')).toBe(vectors.sessionBaseKey);
  });

  it('KeyExchangeKey is the SessionBaseKey and RC4 of the RandomSessionKey gives the EncryptedRandomSessionKey (4.2.4.2.3)', () => {
    const kx = keyExchangeKey(hex(vectors.sessionBaseKey));
    expect(kx.toString('hex')).toBe(vectors.sessionBaseKey);
    expect(encryptRandomSessionKey(kx, hex(c.randomSessionKey)).toString('hex')).toBe(vectors.encryptedSessionKey);
    expect(exportedSessionKey(challengeFlags, kx, hex(vectors.encryptedSessionKey)).toString('hex')).toBe(c.randomSessionKey);
  });
});

describe('MS-NLMP 4.2.4.3 messages', () => {
  it('parses the CHALLENGE_MESSAGE and rebuilds it byte for byte', () => {
    const msg = parseChallenge(hex(vectors.challengeMessage));
    expect(msg.flags).toBe(challengeFlags);
    expect(msg.targetName).toBe('Server');
    expect(msg.serverChallenge.toString('hex')).toBe(c.serverChallenge);
    expect(msg.targetInfo).toEqual(specTargetInfo);
    expect(msg.version).toEqual({ major: 6, minor: 0, build: 6000, revision: 15 });
    expect(buildChallenge(msg).toString('hex')).toBe(vectors.challengeMessage);
  });

  it('parses the AUTHENTICATE_MESSAGE and rebuilds it byte for byte', () => {
    const msg = parseAuthenticate(hex(vectors.authenticateMessage));
    expect(msg).toMatchObject({ user: 'User', domain: 'Domain', workstation: 'COMPUTER', flags: 0xe2888235 });
    expect(msg.version).toEqual({ major: 5, minor: 1, build: 2600, revision: 15 });
    expect(msg.mic).toBeUndefined();
    expect(msg.lmChallengeResponse.toString('hex')).toBe(vectors.lmv2Response);
    expect(msg.encryptedRandomSessionKey.toString('hex')).toBe(vectors.encryptedSessionKey);
    expect(buildAuthenticate(msg).toString('hex')).toBe(vectors.authenticateMessage);
  });

  it('verifies the spec AUTHENTICATE_MESSAGE against the spec CHALLENGE and recovers the RandomSessionKey', () => {
    const msg = parseAuthenticate(hex(vectors.authenticateMessage));
    const response = parseNtlmv2Response(msg.ntChallengeResponse);
    expect(fromFiletime(response.timestamp).toISOString()).toBe('1601-01-01T00:00:00.000Z');
    const key = ntowfv2FromPassword(c.password, msg.user, msg.domain);
    const sessionBaseKey = verifyNtlmv2Response(key, hex(c.serverChallenge), response);
    expect(sessionBaseKey?.toString('hex')).toBe(vectors.sessionBaseKey);
    expect(verifyNtlmv2Response(ntowfv2FromPassword('password', c.user, c.domain), hex(c.serverChallenge), response)).toBeUndefined();
  });

  it('our client, given the spec CHALLENGE, time 0 and the spec randoms, sends the spec responses and key', () => {
    const randoms = [hex(c.clientChallenge), hex(c.randomSessionKey)];
    const client = new NtlmClientContext({
      user: c.user,
      domain: c.domain,
      password: c.password,
      workstation: c.workstation,
      now: () => new Date(Date.UTC(1601, 0, 1)),
      randomBytes: (n) => {
        const next = randoms.shift();
        if (next === undefined || next.length !== n) throw new Error(`unexpected randomBytes(${n})`);
        return next;
      },
    });
    client.negotiate();
    const auth = parseAuthenticate(client.authenticate(hex(vectors.challengeMessage)));
    const spec = parseAuthenticate(hex(vectors.authenticateMessage));
    expect(auth.ntChallengeResponse.toString('hex')).toBe(spec.ntChallengeResponse.toString('hex'));
    expect(auth.lmChallengeResponse.toString('hex')).toBe(spec.lmChallengeResponse.toString('hex'));
    expect(auth.encryptedRandomSessionKey.toString('hex')).toBe(vectors.encryptedSessionKey);
    expect(auth.mic).toBeUndefined(); // no MsvAvTimestamp in the spec challenge, so no MIC
    expect(hasFlag(auth.flags, NegotiateFlag.NEGOTIATE_KEY_EXCH)).toBe(true);
  });
});

describe('MS-NLMP 4.2.4.4 GSS_WrapEx of "Plaintext"', () => {
  const w = vectors.wrapEx;

  it('derives the client-to-server SealingKey and SigningKey', () => {
    expect(sealKey(hex(c.randomSessionKey), challengeFlags, 'client-to-server').toString('hex')).toBe(w.sealingKey);
    expect(signKey(hex(c.randomSessionKey), 'client-to-server').toString('hex')).toBe(w.signingKey);
  });

  it('seals with sequence number 0 to the spec data and signature', () => {
    const session = new NtlmSessionSecurity(hex(c.randomSessionKey), challengeFlags, 'client');
    const { sealed, signature } = session.seal(hex(w.plaintext));
    expect(sealed.toString('hex')).toBe(w.sealedData);
    expect(signature.toString('hex')).toBe(w.signature);
    expect(signature.subarray(4, 12).toString('hex')).toBe(w.checksumAfterRc4);
  });

  it('the server side unseals the spec output', () => {
    const server = new NtlmSessionSecurity(hex(c.randomSessionKey), challengeFlags, 'server');
    expect(server.unseal(hex(w.sealedData), hex(w.signature)).toString('hex')).toBe(w.plaintext);
  });
});
