/**
 * The three NTLM messages (MS-NLMP 2.2.1): parse from and build to bytes.
 * Parsing is strict about bounds (every field must lie inside the token) and
 * lenient about what older clients omit (Version, MIC).
 */
import { type AvPair, encodeAvPairs, parseAvPairs } from './avpairs';
import { MessageType, NegotiateFlag, NTLMSSP_SIGNATURE, hasFlag } from './constants';
import { NtlmError } from './errors';
import { fromUnicode, unicode } from './primitives';
import { MessageWriter, type PayloadField, need, payloadStart, readBytes, readField, readU32 } from './wire';

/** VERSION (MS-NLMP 2.2.2.10); informational only. */
export interface NtlmVersion {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
  /** NTLMRevisionCurrent, 0x0F for NTLMSSP_REVISION_W2K3. */
  readonly revision: number;
}

/** Windows Server 2022 (10.0.20348), the version this emulator claims. */
export const DEFAULT_VERSION: NtlmVersion = { major: 10, minor: 0, build: 20348, revision: 0x0f };

export interface NegotiateMessage {
  readonly flags: number;
  /** OEM-encoded, present when NEGOTIATE_OEM_DOMAIN_SUPPLIED is set. */
  readonly domain: string;
  readonly workstation: string;
  readonly version?: NtlmVersion;
}

export interface ChallengeMessage {
  readonly flags: number;
  readonly targetName: string;
  readonly serverChallenge: Buffer;
  readonly targetInfo: readonly AvPair[];
  readonly version?: NtlmVersion;
}

export interface AuthenticateMessage {
  readonly flags: number;
  readonly lmChallengeResponse: Buffer;
  readonly ntChallengeResponse: Buffer;
  readonly domain: string;
  readonly user: string;
  readonly workstation: string;
  readonly encryptedRandomSessionKey: Buffer;
  readonly version?: NtlmVersion;
  /** The 16 bytes at MIC_OFFSET when the layout leaves room for them. */
  readonly mic?: Buffer;
}

/** Offset of the MIC in an AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3). */
export const MIC_OFFSET = 72;
const NEGOTIATE_HEADER = 32;
const CHALLENGE_HEADER = 48;
const AUTHENTICATE_HEADER = 64;
const VERSION_LENGTH = 8;

/** The MessageType of an NTLM token, after checking its Signature. */
export function messageTypeOf(token: Buffer): number {
  need(token, 0, 12, 'NTLM message header');
  if (!token.subarray(0, 8).equals(NTLMSSP_SIGNATURE)) {
    throw new NtlmError('malformed', 'the token does not start with the NTLMSSP signature');
  }
  return token.readUInt32LE(8);
}

function expectType(token: Buffer, type: number, name: string): void {
  const actual = messageTypeOf(token);
  if (actual !== type) throw new NtlmError('malformed', `expected ${name} (type ${type}), got type ${actual}`);
}

function readVersion(token: Buffer, at: number): NtlmVersion {
  const b = readBytes(token, at, VERSION_LENGTH, 'Version');
  return { major: b[0], minor: b[1], build: b.readUInt16LE(2), revision: b[7] };
}

function encodeVersion(v: NtlmVersion | undefined): Buffer {
  const b = Buffer.alloc(VERSION_LENGTH);
  if (v === undefined) return b;
  b[0] = v.major & 0xff;
  b[1] = v.minor & 0xff;
  b.writeUInt16LE(v.build & 0xffff, 2);
  b[7] = v.revision & 0xff;
  return b;
}

/** The Version field when the flag is set and the payload leaves room for it. */
function optionalVersion(token: Buffer, flags: number, at: number, fields: PayloadField[]): NtlmVersion | undefined {
  if (!hasFlag(flags, NegotiateFlag.NEGOTIATE_VERSION)) return undefined;
  if (token.length < at + VERSION_LENGTH || payloadStart(token, fields) < at + VERSION_LENGTH) return undefined;
  return readVersion(token, at);
}

/** Strings in CHALLENGE and AUTHENTICATE use the negotiated character set (MS-NLMP 2.2.2.5, flags A and B). */
function decodeText(flags: number, b: Buffer, what: string): string {
  return hasFlag(flags, NegotiateFlag.NEGOTIATE_UNICODE) ? fromUnicode(b, what) : b.toString('latin1');
}

function encodeText(flags: number, s: string): Buffer {
  return hasFlag(flags, NegotiateFlag.NEGOTIATE_UNICODE) ? unicode(s) : Buffer.from(s, 'latin1');
}

/** NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1). Domain and workstation are always OEM. */
export function parseNegotiate(token: Buffer): NegotiateMessage {
  expectType(token, MessageType.NEGOTIATE, 'NEGOTIATE_MESSAGE');
  const flags = readU32(token, 12, 'NegotiateFlags');
  // Very old clients stop after the flags; the fields only matter when flagged as supplied.
  const hasFields = token.length >= NEGOTIATE_HEADER;
  const domainSupplied = hasFlag(flags, NegotiateFlag.NEGOTIATE_OEM_DOMAIN_SUPPLIED);
  const workstationSupplied = hasFlag(flags, NegotiateFlag.NEGOTIATE_OEM_WORKSTATION_SUPPLIED);
  if (!hasFields && (domainSupplied || workstationSupplied)) {
    throw new NtlmError('malformed', 'NEGOTIATE_MESSAGE flags a domain or workstation but has no fields');
  }
  const domain = hasFields ? readField(token, 16, 'DomainName') : { offset: 0, data: Buffer.alloc(0) };
  const workstation = hasFields ? readField(token, 24, 'Workstation') : { offset: 0, data: Buffer.alloc(0) };
  return {
    flags,
    domain: domainSupplied ? domain.data.toString('latin1') : '',
    workstation: workstationSupplied ? workstation.data.toString('latin1') : '',
    version: optionalVersion(token, flags, NEGOTIATE_HEADER, [domain, workstation]),
  };
}

export function buildNegotiate(msg: NegotiateMessage): Buffer {
  const w = new MessageWriter(NEGOTIATE_HEADER + VERSION_LENGTH);
  const h = w.headerBuffer;
  NTLMSSP_SIGNATURE.copy(h, 0);
  h.writeUInt32LE(MessageType.NEGOTIATE, 8);
  h.writeUInt32LE(msg.flags >>> 0, 12);
  w.field(16, Buffer.from(msg.domain, 'latin1'), 'DomainName');
  w.field(24, Buffer.from(msg.workstation, 'latin1'), 'Workstation');
  encodeVersion(msg.version).copy(h, NEGOTIATE_HEADER);
  return w.toBuffer();
}

/** CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2). */
export function parseChallenge(token: Buffer): ChallengeMessage {
  expectType(token, MessageType.CHALLENGE, 'CHALLENGE_MESSAGE');
  need(token, 0, CHALLENGE_HEADER, 'CHALLENGE_MESSAGE header');
  const flags = readU32(token, 20, 'NegotiateFlags');
  const targetName = readField(token, 12, 'TargetName');
  const targetInfo = readField(token, 40, 'TargetInfo');
  return {
    flags,
    targetName: decodeText(flags, targetName.data, 'TargetName'),
    serverChallenge: readBytes(token, 24, 8, 'ServerChallenge'),
    targetInfo: targetInfo.data.length > 0 ? parseAvPairs(targetInfo.data) : [],
    version: optionalVersion(token, flags, CHALLENGE_HEADER, [targetName, targetInfo]),
  };
}

export function buildChallenge(msg: ChallengeMessage): Buffer {
  if (msg.serverChallenge.length !== 8) throw new NtlmError('malformed', 'ServerChallenge must be 8 bytes');
  const w = new MessageWriter(CHALLENGE_HEADER + VERSION_LENGTH);
  const h = w.headerBuffer;
  NTLMSSP_SIGNATURE.copy(h, 0);
  h.writeUInt32LE(MessageType.CHALLENGE, 8);
  w.field(12, encodeText(msg.flags, msg.targetName), 'TargetName');
  h.writeUInt32LE(msg.flags >>> 0, 20);
  msg.serverChallenge.copy(h, 24);
  const targetInfo = hasFlag(msg.flags, NegotiateFlag.NEGOTIATE_TARGET_INFO) ? encodeAvPairs(msg.targetInfo) : Buffer.alloc(0);
  w.field(40, targetInfo, 'TargetInfo');
  encodeVersion(msg.version).copy(h, CHALLENGE_HEADER);
  return w.toBuffer();
}

/** AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3). */
export function parseAuthenticate(token: Buffer): AuthenticateMessage {
  expectType(token, MessageType.AUTHENTICATE, 'AUTHENTICATE_MESSAGE');
  need(token, 0, AUTHENTICATE_HEADER, 'AUTHENTICATE_MESSAGE header');
  const flags = readU32(token, 60, 'NegotiateFlags');
  const lm = readField(token, 12, 'LmChallengeResponse');
  const nt = readField(token, 20, 'NtChallengeResponse');
  const domain = readField(token, 28, 'DomainName');
  const user = readField(token, 36, 'UserName');
  const workstation = readField(token, 44, 'Workstation');
  const key = readField(token, 52, 'EncryptedRandomSessionKey');
  const fields = [lm, nt, domain, user, workstation, key];
  const start = payloadStart(token, fields);
  return {
    flags,
    lmChallengeResponse: lm.data,
    ntChallengeResponse: nt.data,
    domain: decodeText(flags, domain.data, 'DomainName'),
    user: decodeText(flags, user.data, 'UserName'),
    workstation: decodeText(flags, workstation.data, 'Workstation'),
    encryptedRandomSessionKey: key.data,
    version: optionalVersion(token, flags, AUTHENTICATE_HEADER, fields),
    mic: start >= MIC_OFFSET + 16 && token.length >= MIC_OFFSET + 16 ? readBytes(token, MIC_OFFSET, 16, 'MIC') : undefined,
  };
}

/**
 * Builds an AUTHENTICATE_MESSAGE. With `mic` set, the 16-byte MIC slot is laid
 * out (payload from offset 88); pass Z(16) first, compute the MIC over the
 * result, then `withMic` it in (MS-NLMP 3.1.5.1.2).
 */
export function buildAuthenticate(msg: AuthenticateMessage): Buffer {
  const headerLength = AUTHENTICATE_HEADER + VERSION_LENGTH + (msg.mic === undefined ? 0 : 16);
  const w = new MessageWriter(headerLength);
  const h = w.headerBuffer;
  NTLMSSP_SIGNATURE.copy(h, 0);
  h.writeUInt32LE(MessageType.AUTHENTICATE, 8);
  // Payload order as Windows lays it out (MS-NLMP 4.2.4.3): domain, user, workstation, LM, NT, key.
  w.field(28, encodeText(msg.flags, msg.domain), 'DomainName');
  w.field(36, encodeText(msg.flags, msg.user), 'UserName');
  w.field(44, encodeText(msg.flags, msg.workstation), 'Workstation');
  w.field(12, msg.lmChallengeResponse, 'LmChallengeResponse');
  w.field(20, msg.ntChallengeResponse, 'NtChallengeResponse');
  w.field(52, msg.encryptedRandomSessionKey, 'EncryptedRandomSessionKey');
  h.writeUInt32LE(msg.flags >>> 0, 60);
  encodeVersion(msg.version).copy(h, AUTHENTICATE_HEADER);
  if (msg.mic !== undefined) {
    if (msg.mic.length !== 16) throw new NtlmError('malformed', 'the MIC is 16 bytes');
    msg.mic.copy(h, MIC_OFFSET);
  }
  return w.toBuffer();
}

/** A copy of an AUTHENTICATE token with its MIC field replaced (Z(16) to compute the MIC). */
export function withMic(token: Buffer, mic: Buffer): Buffer {
  need(token, MIC_OFFSET, 16, 'MIC');
  const out = Buffer.from(token);
  mic.copy(out, MIC_OFFSET);
  return out;
}
