/**
 * The initiator side of connection-oriented NTLM (MS-NLMP 3.1.5.1): NTLMv2
 * with extended session security, KEY_EXCH, SIGN, SEAL, 128-bit keys and a
 * MIC whenever the server's TargetInfo carries a timestamp. Used by the
 * emulator's own tests and tools to talk to servers (ours or Windows).
 */
import { findAv, avFlags, encodeAvPairs, u32Av, withAv } from './avpairs';
import { AvId, MsvAvFlag, NegotiateFlag, flagsOf, hasFlag } from './constants';
import { NtlmError } from './errors';
import { DEFAULT_VERSION, type NtlmVersion, buildAuthenticate, buildNegotiate, parseChallenge, withMic } from './messages';
import { computeMic, computeNtlmv2Response, encryptRandomSessionKey, keyExchangeKey, ntHash, ntowfv2, usesKeyExchange } from './ntlmv2';
import { type RandomBytes, defaultRandomBytes, filetime, md5 } from './primitives';
import { NtlmSessionSecurity } from './session';

interface NtlmClientIdentity {
  readonly user: string;
  readonly domain: string;
  readonly workstation?: string;
  readonly now?: () => Date;
  readonly randomBytes?: RandomBytes;
  readonly version?: NtlmVersion;
  /** The unhashed gss_channel_bindings_struct for TLS (ClientChannelBindingsUnhashed, MS-NLMP 3.1.1.2). */
  readonly channelBindings?: Buffer;
}

export type NtlmClientOptions = NtlmClientIdentity & ({ readonly password: string } | { readonly ntHash: Buffer });

/** What the client offers in its NEGOTIATE_MESSAGE (MS-NLMP 3.1.5.1.1). */
export const CLIENT_FLAGS = flagsOf(
  NegotiateFlag.NEGOTIATE_UNICODE,
  NegotiateFlag.NEGOTIATE_OEM,
  NegotiateFlag.REQUEST_TARGET,
  NegotiateFlag.NEGOTIATE_SIGN,
  NegotiateFlag.NEGOTIATE_SEAL,
  NegotiateFlag.NEGOTIATE_NTLM,
  NegotiateFlag.NEGOTIATE_ALWAYS_SIGN,
  NegotiateFlag.NEGOTIATE_EXTENDED_SESSIONSECURITY,
  NegotiateFlag.NEGOTIATE_TARGET_INFO,
  NegotiateFlag.NEGOTIATE_VERSION,
  NegotiateFlag.NEGOTIATE_128,
  NegotiateFlag.NEGOTIATE_KEY_EXCH,
  NegotiateFlag.NEGOTIATE_56,
);

export class NtlmClientContext {
  private negotiateToken: Buffer | undefined;
  private established: NtlmSessionSecurity | undefined;
  private readonly hash: Buffer;
  private readonly now: () => Date;
  private readonly random: RandomBytes;

  constructor(private readonly opts: NtlmClientOptions) {
    this.hash = 'password' in opts ? ntHash(opts.password) : Buffer.from(opts.ntHash);
    this.now = opts.now ?? (() => new Date());
    this.random = opts.randomBytes ?? defaultRandomBytes;
  }

  /** The session security, once `authenticate` has run. */
  get session(): NtlmSessionSecurity {
    if (this.established === undefined) throw new NtlmError('state', 'the NTLM handshake is not complete');
    return this.established;
  }

  /** Client Initiates the NEGOTIATE_MESSAGE (MS-NLMP 3.1.5.1.1); domain and workstation are not sent. */
  negotiate(): Buffer {
    if (this.negotiateToken !== undefined) throw new NtlmError('state', 'negotiate() runs once per context');
    this.negotiateToken = buildNegotiate({
      flags: CLIENT_FLAGS,
      domain: '',
      workstation: '',
      version: this.opts.version ?? DEFAULT_VERSION,
    });
    return this.negotiateToken;
  }

  /** Client Receives a CHALLENGE_MESSAGE (MS-NLMP 3.1.5.1.2): returns the AUTHENTICATE_MESSAGE. */
  authenticate(challengeToken: Buffer): Buffer {
    if (this.negotiateToken === undefined) throw new NtlmError('state', 'negotiate() must come first');
    if (this.established !== undefined) throw new NtlmError('state', 'authenticate() runs once per context');
    const challenge = parseChallenge(challengeToken);
    const charset = hasFlag(challenge.flags, NegotiateFlag.NEGOTIATE_UNICODE)
      ? NegotiateFlag.NEGOTIATE_UNICODE
      : NegotiateFlag.NEGOTIATE_OEM;
    const flags = flagsOf(challenge.flags & CLIENT_FLAGS & ~(NegotiateFlag.NEGOTIATE_UNICODE | NegotiateFlag.NEGOTIATE_OEM), charset);
    if (!hasFlag(flags, NegotiateFlag.NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
      throw new NtlmError('unsupported', 'the server did not agree to extended session security');
    }

    // Time comes from the server's MsvAvTimestamp when present; then a MIC is sent (MS-NLMP 3.1.5.1.2).
    const serverTime = findAv(challenge.targetInfo, AvId.MsvAvTimestamp);
    const time = serverTime ?? filetime(this.now());
    let pairs = [...challenge.targetInfo];
    if (serverTime !== undefined) {
      pairs = withAv(pairs, AvId.MsvAvFlags, u32Av(AvId.MsvAvFlags, avFlags(pairs) | MsvAvFlag.MIC_PROVIDED).value);
    }
    if (this.opts.channelBindings !== undefined) {
      pairs = withAv(pairs, AvId.MsvAvChannelBindings, md5(this.opts.channelBindings));
    }

    const responseKeyNT = ntowfv2(this.hash, this.opts.user, this.opts.domain);
    const clientChallenge = this.random(8);
    const response = computeNtlmv2Response(responseKeyNT, challenge.serverChallenge, clientChallenge, time, encodeAvPairs(pairs));
    const kxKey = keyExchangeKey(response.sessionBaseKey);
    let exported = kxKey;
    let encryptedKey: Buffer = Buffer.alloc(0);
    if (usesKeyExchange(flags)) {
      exported = this.random(16);
      encryptedKey = encryptRandomSessionKey(kxKey, exported);
    }

    const withMicField = serverTime !== undefined;
    const token = buildAuthenticate({
      flags,
      // With a MIC the client SHOULD send Z(24) as the LM response (MS-NLMP 3.1.5.1.2).
      lmChallengeResponse: withMicField ? Buffer.alloc(24) : response.lmChallengeResponse,
      ntChallengeResponse: response.ntChallengeResponse,
      domain: this.opts.domain,
      user: this.opts.user,
      workstation: this.opts.workstation ?? '',
      encryptedRandomSessionKey: encryptedKey,
      version: hasFlag(flags, NegotiateFlag.NEGOTIATE_VERSION) ? (this.opts.version ?? DEFAULT_VERSION) : undefined,
      mic: withMicField ? Buffer.alloc(16) : undefined,
    });
    this.established = new NtlmSessionSecurity(exported, flags, 'client');
    if (!withMicField) return token;
    return withMic(token, computeMic(exported, this.negotiateToken, challengeToken, token));
  }
}
