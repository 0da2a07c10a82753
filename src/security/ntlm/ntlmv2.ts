/**
 * NTLMv2 computations (MS-NLMP 3.3.2) and the session keys derived from them
 * (3.4.5.1 KXKEY, 3.1.5.1.2 / 3.2.5.1.2 ExportedSessionKey and MIC), shared by
 * the client and server contexts and checked against the 4.2.4 test vectors.
 */
import { type AvPair, parseAvPairs } from './avpairs';
import { NegotiateFlag, hasFlag } from './constants';
import { NtlmError } from './errors';
import { md4 } from './md4';
import { constantTimeEqual, hmacMd5, unicode } from './primitives';
import { rc4k } from './rc4';

/** The NT hash, MD4(UNICODE(Passwd)) (NTOWFv1, MS-NLMP 3.3.1): what an account store keeps. */
export function ntHash(password: string): Buffer {
  return md4(unicode(password));
}

/**
 * NTOWFv2 = HMAC_MD5(MD4(UNICODE(Passwd)), UNICODE(ConcatenationOf(UpperCase(User), UserDom)))
 * (MS-NLMP 3.3.2), from the stored NT hash so no password has to stay in memory.
 */
export function ntowfv2(ntHashValue: Buffer, user: string, domain: string): Buffer {
  return hmacMd5(ntHashValue, unicode(user.toUpperCase() + domain));
}

export function ntowfv2FromPassword(password: string, user: string, domain: string): Buffer {
  return ntowfv2(ntHash(password), user, domain);
}

/** Length of NTLMv2_CLIENT_CHALLENGE before its AV pairs (MS-NLMP 2.2.2.7). */
const CLIENT_CHALLENGE_FIXED = 28;
const NT_PROOF_LENGTH = 16;

/**
 * temp = ConcatenationOf(Responserversion, HiResponserversion, Z(6), Time,
 * ClientChallenge, Z(4), ServerName, Z(4)) (MS-NLMP 3.3.2), where ServerName
 * is the encoded AV pair list including its MsvAvEOL.
 */
export function ntlmv2ClientChallenge(time: Buffer, clientChallenge: Buffer, targetInfo: Buffer): Buffer {
  if (time.length !== 8 || clientChallenge.length !== 8) {
    throw new NtlmError('malformed', 'Time and ClientChallenge are 8 bytes each');
  }
  const head = Buffer.alloc(CLIENT_CHALLENGE_FIXED);
  head[0] = 1; // RespType
  head[1] = 1; // HiRespType
  time.copy(head, 8);
  clientChallenge.copy(head, 16);
  return Buffer.concat([head, targetInfo, Buffer.alloc(4)]);
}

export interface Ntlmv2Response {
  readonly ntChallengeResponse: Buffer;
  readonly lmChallengeResponse: Buffer;
  readonly ntProofStr: Buffer;
  readonly sessionBaseKey: Buffer;
}

/**
 * ComputeResponse for NTLMv2 (MS-NLMP 3.3.2):
 *   NTProofStr = HMAC_MD5(ResponseKeyNT, ConcatenationOf(ServerChallenge, temp))
 *   NtChallengeResponse = ConcatenationOf(NTProofStr, temp)
 *   LmChallengeResponse = ConcatenationOf(HMAC_MD5(ResponseKeyLM, ServerChallenge ‖ ClientChallenge), ClientChallenge)
 *   SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr)
 * ResponseKeyLM equals ResponseKeyNT in NTLMv2.
 */
export function computeNtlmv2Response(
  responseKeyNT: Buffer,
  serverChallenge: Buffer,
  clientChallenge: Buffer,
  time: Buffer,
  targetInfo: Buffer,
): Ntlmv2Response {
  const temp = ntlmv2ClientChallenge(time, clientChallenge, targetInfo);
  const ntProofStr = hmacMd5(responseKeyNT, serverChallenge, temp);
  return {
    ntChallengeResponse: Buffer.concat([ntProofStr, temp]),
    lmChallengeResponse: Buffer.concat([hmacMd5(responseKeyNT, serverChallenge, clientChallenge), clientChallenge]),
    ntProofStr,
    sessionBaseKey: hmacMd5(responseKeyNT, ntProofStr),
  };
}

/** The parts of an NTLMv2_RESPONSE (MS-NLMP 2.2.2.8) a server checks. */
export interface ParsedNtlmv2Response {
  readonly ntProofStr: Buffer;
  /** The whole NTLMv2_CLIENT_CHALLENGE ("temp"), as covered by NTProofStr. */
  readonly clientBlob: Buffer;
  readonly timestamp: Buffer;
  readonly clientChallenge: Buffer;
  readonly avPairs: readonly AvPair[];
}

export function parseNtlmv2Response(ntChallengeResponse: Buffer): ParsedNtlmv2Response {
  if (ntChallengeResponse.length < NT_PROOF_LENGTH + CLIENT_CHALLENGE_FIXED + 4) {
    throw new NtlmError('malformed', `an NTLMv2 response of ${ntChallengeResponse.length} bytes is too short`);
  }
  const clientBlob = Buffer.from(ntChallengeResponse.subarray(NT_PROOF_LENGTH));
  if (clientBlob[0] !== 1 || clientBlob[1] !== 1) {
    throw new NtlmError('malformed', 'NTLMv2_CLIENT_CHALLENGE RespType/HiRespType must be 1');
  }
  return {
    ntProofStr: Buffer.from(ntChallengeResponse.subarray(0, NT_PROOF_LENGTH)),
    clientBlob,
    timestamp: Buffer.from(clientBlob.subarray(8, 16)),
    clientChallenge: Buffer.from(clientBlob.subarray(16, 24)),
    avPairs: parseAvPairs(clientBlob.subarray(CLIENT_CHALLENGE_FIXED)),
  };
}

/**
 * Server side of ComputeResponse (MS-NLMP 3.2.5.1.2): recomputes NTProofStr
 * over the client's own blob and compares in constant time. Returns the
 * SessionBaseKey on a match, undefined otherwise.
 */
export function verifyNtlmv2Response(
  responseKeyNT: Buffer,
  serverChallenge: Buffer,
  response: ParsedNtlmv2Response,
): Buffer | undefined {
  const expected = hmacMd5(responseKeyNT, serverChallenge, response.clientBlob);
  if (!constantTimeEqual(expected, response.ntProofStr)) return undefined;
  return hmacMd5(responseKeyNT, expected);
}

/** KXKEY for NTLMv2 is the SessionBaseKey itself (MS-NLMP 3.4.5.1). */
export function keyExchangeKey(sessionBaseKey: Buffer): Buffer {
  return Buffer.from(sessionBaseKey);
}

/** Whether ExportedSessionKey travels RC4-encrypted in the AUTHENTICATE (MS-NLMP 3.2.5.1.2). */
export function usesKeyExchange(flags: number): boolean {
  return (
    hasFlag(flags, NegotiateFlag.NEGOTIATE_KEY_EXCH) &&
    (hasFlag(flags, NegotiateFlag.NEGOTIATE_SIGN) || hasFlag(flags, NegotiateFlag.NEGOTIATE_SEAL))
  );
}

/** EncryptedRandomSessionKey = RC4K(KeyExchangeKey, ExportedSessionKey) (MS-NLMP 3.1.5.1.2). */
export function encryptRandomSessionKey(kxKey: Buffer, randomSessionKey: Buffer): Buffer {
  return rc4k(kxKey, randomSessionKey);
}

/** ExportedSessionKey on the server (MS-NLMP 3.2.5.1.2). */
export function exportedSessionKey(flags: number, kxKey: Buffer, encryptedRandomSessionKey: Buffer): Buffer {
  if (!usesKeyExchange(flags)) return Buffer.from(kxKey);
  if (encryptedRandomSessionKey.length !== 16) {
    throw new NtlmError('malformed', 'KEY_EXCH was negotiated but EncryptedRandomSessionKey is not 16 bytes');
  }
  return rc4k(kxKey, encryptedRandomSessionKey);
}

/**
 * MIC = HMAC_MD5(ExportedSessionKey, ConcatenationOf(NEGOTIATE_MESSAGE,
 * CHALLENGE_MESSAGE, AUTHENTICATE_MESSAGE)) with the AUTHENTICATE's MIC field
 * zeroed (MS-NLMP 3.1.5.1.2, 3.2.5.1.2).
 */
export function computeMic(exportedKey: Buffer, negotiate: Buffer, challenge: Buffer, authenticateZeroMic: Buffer): Buffer {
  return hmacMd5(exportedKey, negotiate, challenge, authenticateZeroMic);
}
