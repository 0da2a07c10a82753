/**
 * NTLM session security with extended session security (MS-NLMP 3.4): the
 * signing and sealing keys of both directions, the per-direction RC4 handles
 * kept across messages, and the sequence numbers that catch replay and
 * reordering.
 */
import { NegotiateFlag, hasFlag } from './constants';
import { NtlmError } from './errors';
import { hmacMd5, md5, constantTimeEqual } from './primitives';
import { Rc4 } from './rc4';

export type NtlmRole = 'client' | 'server';
export type NtlmDirection = 'client-to-server' | 'server-to-client';

/** NTLMSSP_MESSAGE_SIGNATURE length and Version (MS-NLMP 2.2.2.9.2). */
export const SIGNATURE_LENGTH = 16;
const SIGNATURE_VERSION = 1;

function magic(purpose: 'signing' | 'sealing', direction: NtlmDirection): Buffer {
  // The constants are NUL-terminated strings (MS-NLMP 3.4.5.2, 3.4.5.3).
  return Buffer.from(`session key to ${direction} ${purpose} key magic constant\0`, 'latin1');
}

/** SIGNKEY with extended session security (MS-NLMP 3.4.5.2). */
export function signKey(exportedSessionKey: Buffer, direction: NtlmDirection): Buffer {
  return md5(exportedSessionKey, magic('signing', direction));
}

/** SEALKEY with extended session security (MS-NLMP 3.4.5.3): 128, 56 or 40 bits of the key, then MD5. */
export function sealKey(exportedSessionKey: Buffer, flags: number, direction: NtlmDirection): Buffer {
  let key = exportedSessionKey;
  if (!hasFlag(flags, NegotiateFlag.NEGOTIATE_128)) {
    key = exportedSessionKey.subarray(0, hasFlag(flags, NegotiateFlag.NEGOTIATE_56) ? 7 : 5);
  }
  return md5(key, magic('sealing', direction));
}

/** One direction of the session: its keys, its RC4 handle and its next sequence number. */
class Direction {
  readonly handle: Rc4;
  seqNum = 0;

  constructor(
    readonly signingKey: Buffer,
    sealingKey: Buffer,
  ) {
    this.handle = new Rc4(sealingKey);
  }
}

export class NtlmSessionSecurity {
  private readonly outgoing: Direction;
  private readonly incoming: Direction;
  private readonly keyExch: boolean;

  constructor(
    exportedSessionKey: Buffer,
    readonly flags: number,
    readonly role: NtlmRole,
  ) {
    if (exportedSessionKey.length !== 16) throw new NtlmError('state', 'ExportedSessionKey must be 16 bytes');
    if (!hasFlag(flags, NegotiateFlag.NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
      throw new NtlmError('unsupported', 'session security without extended session security is not supported');
    }
    const out: NtlmDirection = role === 'client' ? 'client-to-server' : 'server-to-client';
    const inc: NtlmDirection = role === 'client' ? 'server-to-client' : 'client-to-server';
    this.outgoing = new Direction(signKey(exportedSessionKey, out), sealKey(exportedSessionKey, flags, out));
    this.incoming = new Direction(signKey(exportedSessionKey, inc), sealKey(exportedSessionKey, flags, inc));
    this.keyExch = hasFlag(flags, NegotiateFlag.NEGOTIATE_KEY_EXCH);
  }

  /** GSS_WrapEx (MS-NLMP 3.4.6, SEAL in 3.4.3): encrypts, then signs the plaintext with the same handle. */
  seal(plain: Buffer): { signature: Buffer; sealed: Buffer } {
    this.require(NegotiateFlag.NEGOTIATE_SEAL, 'sealing');
    const sealed = this.outgoing.handle.transform(plain);
    const signature = this.mac(this.outgoing, plain);
    return { signature, sealed };
  }

  /** GSS_UnwrapEx (MS-NLMP 3.4.7). A rejected message leaves the session as it was. */
  unseal(sealed: Buffer, signature: Buffer): Buffer {
    this.require(NegotiateFlag.NEGOTIATE_SEAL, 'sealing');
    return this.checked(signature, () => {
      const plain = this.incoming.handle.transform(sealed);
      return { plain, expected: this.mac(this.incoming, plain) };
    });
  }

  /** GSS_GetMICEx (MS-NLMP 3.4.8). */
  sign(message: Buffer): Buffer {
    this.requireSigning();
    return this.mac(this.outgoing, message);
  }

  /** GSS_VerifyMICEx (MS-NLMP 3.4.9). */
  verify(message: Buffer, signature: Buffer): void {
    this.requireSigning();
    this.checked(signature, () => ({ plain: message, expected: this.mac(this.incoming, message) }));
  }

  /**
   * The SPNEGO mechListMIC over the DER MechTypeList (RFC 4178 §5). MS-SPNG
   * 3.2.5.1/3.3.5.1: the RC4 handle is restored afterwards so the first
   * application message uses the same key state; the sequence number moves on.
   */
  signMechListMic(mechTypes: Buffer): Buffer {
    const saved = this.outgoing.handle.saveState();
    const mic = this.sign(mechTypes);
    this.outgoing.handle.restoreState(saved);
    return mic;
  }

  verifyMechListMic(mechTypes: Buffer, mic: Buffer): void {
    const saved = this.incoming.handle.saveState();
    this.verify(mechTypes, mic);
    this.incoming.handle.restoreState(saved);
  }

  /**
   * MAC with extended session security (MS-NLMP 3.4.4.2):
   *   Checksum = HMAC_MD5(SigningKey, ConcatenationOf(SeqNum, Message))[0..7],
   *   RC4-encrypted with the sealing handle when KEY_EXCH was negotiated.
   */
  private mac(dir: Direction, message: Buffer): Buffer {
    const seq = Buffer.alloc(4);
    seq.writeUInt32LE(dir.seqNum >>> 0);
    let checksum = hmacMd5(dir.signingKey, seq, message).subarray(0, 8);
    if (this.keyExch) checksum = dir.handle.transform(checksum);
    dir.seqNum = (dir.seqNum + 1) >>> 0;
    const signature = Buffer.alloc(SIGNATURE_LENGTH);
    signature.writeUInt32LE(SIGNATURE_VERSION, 0);
    checksum.copy(signature, 4);
    seq.copy(signature, 12);
    return signature;
  }

  /**
   * Checks the sequence number first (it travels in clear with extended
   * session security), then the checksum; on any failure the incoming handle
   * and sequence number are rolled back.
   */
  private checked(signature: Buffer, compute: () => { plain: Buffer; expected: Buffer }): Buffer {
    if (signature.length !== SIGNATURE_LENGTH || signature.readUInt32LE(0) !== SIGNATURE_VERSION) {
      throw new NtlmError('signature', 'not an NTLMSSP_MESSAGE_SIGNATURE');
    }
    const seq = signature.readUInt32LE(12);
    if (seq !== this.incoming.seqNum) {
      throw new NtlmError('sequence', `expected sequence number ${this.incoming.seqNum}, got ${seq}`);
    }
    const saved = this.incoming.handle.saveState();
    const { plain, expected } = compute();
    if (!constantTimeEqual(expected, signature)) {
      this.incoming.handle.restoreState(saved);
      this.incoming.seqNum = seq;
      throw new NtlmError('signature', 'the message signature does not match');
    }
    return plain;
  }

  private require(flag: number, what: string): void {
    if (!hasFlag(this.flags, flag)) throw new NtlmError('state', `${what} was not negotiated`);
  }

  private requireSigning(): void {
    if (!hasFlag(this.flags, NegotiateFlag.NEGOTIATE_SIGN) && !hasFlag(this.flags, NegotiateFlag.NEGOTIATE_SEAL)) {
      throw new NtlmError('state', 'signing was not negotiated');
    }
  }
}
