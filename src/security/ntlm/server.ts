/**
 * The acceptor side of connection-oriented NTLM (MS-NLMP 3.2.5.1): one
 * instance per TCP connection, fed the client's NEGOTIATE then AUTHENTICATE.
 * Only NTLMv2 with extended session security is accepted; NTLMv1 (LM/NTLM
 * responses) and anonymous logons are refused.
 */
import { type AvPair, avFlags, findAv, stringAv } from './avpairs';
import { AvId, MsvAvFlag, NegotiateFlag, flagsOf, hasFlag } from './constants';
import { NtlmError } from './errors';
import {
  type AuthenticateMessage,
  DEFAULT_VERSION,
  type NtlmVersion,
  buildChallenge,
  parseAuthenticate,
  parseNegotiate,
  withMic,
} from './messages';
import {
  type ParsedNtlmv2Response,
  computeMic,
  exportedSessionKey,
  keyExchangeKey,
  ntowfv2,
  parseNtlmv2Response,
  verifyNtlmv2Response,
} from './ntlmv2';
import { type RandomBytes, constantTimeEqual, defaultRandomBytes, filetime, fromFiletime, md5 } from './primitives';
import { NtlmSessionSecurity } from './session';

export { ntHash } from './ntlmv2';

export interface NtlmServerOptions {
  readonly netbiosComputer: string;
  readonly netbiosDomain: string;
  readonly dnsComputer: string;
  readonly dnsDomain: string;
  /** MsvAvDnsTreeName (the forest); defaults to dnsDomain. */
  readonly dnsTree?: string;
  readonly now?: () => Date;
  readonly randomBytes?: RandomBytes;
  readonly version?: NtlmVersion;
  /** Largest accepted distance between the client's NTLMv2 timestamp and now (MaxLifetime, MS-NLMP 3.1.1.1). */
  readonly maxClockSkewMs?: number;
  /** The unhashed gss_channel_bindings_struct of this TLS connection (ServerChannelBindingsUnhashed, MS-NLMP 3.2.1.2). */
  readonly channelBindings?: Buffer;
  /** ApplicationRequiresCBT: refuse clients that send no channel bindings. Off by default, like WinRM's "Relaxed". */
  readonly requireChannelBindings?: boolean;
}

/** Looks up an account; returns its NT hash (see `ntHash`) or undefined when there is no such user. */
export type NtlmCredentialLookup = (user: string, domain: string) => { readonly ntHash: Buffer } | undefined;

export interface NtlmAuthenticated {
  readonly user: string;
  readonly domain: string;
  readonly workstation: string;
  /** The flags both sides use for session security. */
  readonly flags: number;
  readonly session: NtlmSessionSecurity;
}

/** What this server supports and echoes back when the client asks (MS-NLMP 3.2.5.1.1). */
const SUPPORTED_FLAGS = flagsOf(
  NegotiateFlag.NEGOTIATE_UNICODE,
  NegotiateFlag.REQUEST_TARGET,
  NegotiateFlag.NEGOTIATE_NTLM,
  NegotiateFlag.NEGOTIATE_ALWAYS_SIGN,
  NegotiateFlag.NEGOTIATE_EXTENDED_SESSIONSECURITY,
  NegotiateFlag.NEGOTIATE_TARGET_INFO,
  NegotiateFlag.NEGOTIATE_VERSION,
  NegotiateFlag.NEGOTIATE_128,
  NegotiateFlag.NEGOTIATE_KEY_EXCH,
  NegotiateFlag.NEGOTIATE_56,
  NegotiateFlag.NEGOTIATE_SIGN,
  NegotiateFlag.NEGOTIATE_SEAL,
);

/** Set in every CHALLENGE whatever the client asked (MS-NLMP 3.2.5.1.1); we are a domain member. */
const ALWAYS_FLAGS = flagsOf(
  NegotiateFlag.REQUEST_TARGET,
  NegotiateFlag.NEGOTIATE_NTLM,
  NegotiateFlag.NEGOTIATE_ALWAYS_SIGN,
  NegotiateFlag.NEGOTIATE_TARGET_INFO,
  NegotiateFlag.TARGET_TYPE_DOMAIN,
);

/** Flags whose meaning the client may not add in its AUTHENTICATE beyond what we offered. */
const SECURITY_FLAGS = flagsOf(
  NegotiateFlag.NEGOTIATE_SIGN,
  NegotiateFlag.NEGOTIATE_SEAL,
  NegotiateFlag.NEGOTIATE_KEY_EXCH,
  NegotiateFlag.NEGOTIATE_128,
  NegotiateFlag.NEGOTIATE_56,
  NegotiateFlag.NEGOTIATE_EXTENDED_SESSIONSECURITY,
);

const DEFAULT_MAX_CLOCK_SKEW_MS = 36 * 60 * 60 * 1000;

type ServerState =
  | { readonly kind: 'initial' }
  | { readonly kind: 'challenged'; readonly negotiate: Buffer; readonly challenge: Buffer; readonly flags: number; readonly serverChallenge: Buffer }
  | { readonly kind: 'done' };

export class NtlmServerContext {
  private state: ServerState = { kind: 'initial' };
  private readonly now: () => Date;
  private readonly random: RandomBytes;

  constructor(private readonly opts: NtlmServerOptions) {
    this.now = opts.now ?? (() => new Date());
    this.random = opts.randomBytes ?? defaultRandomBytes;
  }

  /** Server Receives a NEGOTIATE_MESSAGE (MS-NLMP 3.2.5.1.1): returns the CHALLENGE_MESSAGE. */
  challenge(negotiateToken: Buffer): Buffer {
    if (this.state.kind !== 'initial') throw new NtlmError('state', 'this context has already issued a challenge');
    const negotiate = parseNegotiate(negotiateToken);
    let flags = flagsOf(negotiate.flags & SUPPORTED_FLAGS, ALWAYS_FLAGS);
    // The character set: Unicode when offered, else OEM (MS-NLMP 3.2.5.1.1).
    if (!hasFlag(negotiate.flags, NegotiateFlag.NEGOTIATE_UNICODE)) {
      flags = hasFlag(negotiate.flags, NegotiateFlag.NEGOTIATE_OEM)
        ? flagsOf(flags, NegotiateFlag.NEGOTIATE_OEM)
        : flagsOf(flags, NegotiateFlag.NEGOTIATE_UNICODE);
    }
    const serverChallenge = this.random(8);
    const o = this.opts;
    const targetInfo: AvPair[] = [
      stringAv(AvId.MsvAvNbDomainName, o.netbiosDomain),
      stringAv(AvId.MsvAvNbComputerName, o.netbiosComputer),
      stringAv(AvId.MsvAvDnsDomainName, o.dnsDomain),
      stringAv(AvId.MsvAvDnsComputerName, o.dnsComputer),
      stringAv(AvId.MsvAvDnsTreeName, o.dnsTree ?? o.dnsDomain),
      // A timestamp makes NTLMv2 clients send a MIC (MS-NLMP 3.1.5.1.2).
      { id: AvId.MsvAvTimestamp, value: filetime(this.now()) },
    ];
    const challenge = buildChallenge({
      flags,
      targetName: o.netbiosDomain,
      serverChallenge,
      targetInfo,
      version: hasFlag(flags, NegotiateFlag.NEGOTIATE_VERSION) ? (o.version ?? DEFAULT_VERSION) : undefined,
    });
    this.state = { kind: 'challenged', negotiate: Buffer.from(negotiateToken), challenge, flags, serverChallenge };
    return challenge;
  }

  /**
   * Server Receives an AUTHENTICATE_MESSAGE (MS-NLMP 3.2.5.1.2). Throws
   * NtlmError 'logon' for an unknown user, a wrong response or MIC, NTLMv1 or
   * an anonymous logon; the context is spent either way.
   */
  authenticate(authToken: Buffer, lookup: NtlmCredentialLookup): NtlmAuthenticated {
    const state = this.state;
    if (state.kind !== 'challenged') throw new NtlmError('state', 'authenticate() needs a challenge first, and runs once');
    this.state = { kind: 'done' };

    const auth = parseAuthenticate(authToken);
    refuseWeakResponses(auth);
    const flags = negotiatedFlags(auth.flags, state.flags);
    const response = parseNtlmv2Response(auth.ntChallengeResponse);

    const sessionBaseKey = this.verifyResponse(auth, response, state.serverChallenge, lookup);
    this.checkTimestamp(response);
    this.checkChannelBindings(response);

    const exported = exportedSessionKey(flags, keyExchangeKey(sessionBaseKey), auth.encryptedRandomSessionKey);
    if (hasFlag(avFlags(response.avPairs), MsvAvFlag.MIC_PROVIDED)) {
      if (auth.mic === undefined) throw new NtlmError('malformed', 'MsvAvFlags announces a MIC but there is no room for one');
      const expected = computeMic(exported, state.negotiate, state.challenge, withMic(authToken, Buffer.alloc(16)));
      if (!constantTimeEqual(expected, auth.mic)) throw new NtlmError('logon', 'the AUTHENTICATE_MESSAGE MIC does not match');
    }
    return {
      user: auth.user,
      domain: auth.domain,
      workstation: auth.workstation,
      flags,
      session: new NtlmSessionSecurity(exported, flags, 'server'),
    };
  }

  private verifyResponse(
    auth: AuthenticateMessage,
    response: ParsedNtlmv2Response,
    serverChallenge: Buffer,
    lookup: NtlmCredentialLookup,
  ): Buffer {
    const account = lookup(auth.user, auth.domain);
    // An unknown user still costs one verification, so timing does not tell users apart.
    const hash = account?.ntHash ?? this.random(16);
    let key = verifyNtlmv2Response(ntowfv2(hash, auth.user, auth.domain), serverChallenge, response);
    // Servers SHOULD accept clients that wrongly used NIL for UserDom (MS-NLMP 3.2.5.1.2).
    if (key === undefined && auth.domain !== '') {
      key = verifyNtlmv2Response(ntowfv2(hash, auth.user, ''), serverChallenge, response);
    }
    if (account === undefined || key === undefined) {
      throw new NtlmError('logon', `unknown user or wrong password for ${auth.domain}\\${auth.user}`);
    }
    return key;
  }

  private checkTimestamp(response: ParsedNtlmv2Response): void {
    const skew = Math.abs(fromFiletime(response.timestamp).getTime() - this.now().getTime());
    if (!(skew <= (this.opts.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS))) {
      throw new NtlmError('logon', 'the NTLMv2 timestamp is too far from the server time');
    }
  }

  /** Channel binding check of MS-NLMP 3.2.5.1.2; an all-zero MsvAvChannelBindings means "none". */
  private checkChannelBindings(response: ParsedNtlmv2Response): void {
    const sent = findAv(response.avPairs, AvId.MsvAvChannelBindings);
    const present = sent !== undefined && sent.some((b) => b !== 0);
    if (this.opts.channelBindings !== undefined && present && !constantTimeEqual(md5(this.opts.channelBindings), sent)) {
      throw new NtlmError('bindings', 'MsvAvChannelBindings does not match this TLS channel');
    }
    if (this.opts.requireChannelBindings === true && !present) {
      throw new NtlmError('bindings', 'the client sent no channel bindings');
    }
  }
}

/** Anonymous (MS-NLMP 3.2.5.1.2 NullSession) and NTLMv1 (24-byte NT response, 3.3.1) are refused. */
function refuseWeakResponses(auth: AuthenticateMessage): void {
  const lm = auth.lmChallengeResponse;
  if (auth.user === '' && auth.ntChallengeResponse.length === 0 && (lm.length === 0 || (lm.length === 1 && lm[0] === 0))) {
    throw new NtlmError('logon', 'anonymous logon is refused');
  }
  if (auth.ntChallengeResponse.length <= 24) {
    throw new NtlmError('logon', 'NTLMv1 (or LM) authentication is refused; only NTLMv2 is accepted');
  }
}

/**
 * NegFlg for the session: what the client chose in AUTHENTICATE, except that
 * it cannot add security flags the CHALLENGE did not offer.
 */
function negotiatedFlags(authFlags: number, challengeFlags: number): number {
  const flags = (authFlags & ~(SECURITY_FLAGS & ~challengeFlags)) >>> 0;
  const wantsSecurity = hasFlag(flags, NegotiateFlag.NEGOTIATE_SIGN) || hasFlag(flags, NegotiateFlag.NEGOTIATE_SEAL);
  if (wantsSecurity && !hasFlag(flags, NegotiateFlag.NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
    throw new NtlmError('unsupported', 'signing or sealing without extended session security is refused');
  }
  return flags;
}
