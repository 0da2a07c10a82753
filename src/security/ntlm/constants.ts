/** Wire constants of MS-NLMP: negotiate flags (2.2.2.5), AV pair ids and MsvAvFlags (2.2.2.1). */

/** "NTLMSSP\0", the Signature of every NTLM message (2.2.1). */
export const NTLMSSP_SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

export const MessageType = { NEGOTIATE: 1, CHALLENGE: 2, AUTHENTICATE: 3 } as const;

/** NEGOTIATE flags (MS-NLMP 2.2.2.5), named as in the spec without the NTLMSSP_ prefix. */
export const NegotiateFlag = {
  NEGOTIATE_UNICODE: 0x00000001,
  NEGOTIATE_OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  NEGOTIATE_SIGN: 0x00000010,
  NEGOTIATE_SEAL: 0x00000020,
  NEGOTIATE_DATAGRAM: 0x00000040,
  NEGOTIATE_LM_KEY: 0x00000080,
  NEGOTIATE_NTLM: 0x00000200,
  ANONYMOUS: 0x00000800,
  NEGOTIATE_OEM_DOMAIN_SUPPLIED: 0x00001000,
  NEGOTIATE_OEM_WORKSTATION_SUPPLIED: 0x00002000,
  NEGOTIATE_ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  TARGET_TYPE_SERVER: 0x00020000,
  NEGOTIATE_EXTENDED_SESSIONSECURITY: 0x00080000,
  NEGOTIATE_IDENTIFY: 0x00100000,
  REQUEST_NON_NT_SESSION_KEY: 0x00400000,
  NEGOTIATE_TARGET_INFO: 0x00800000,
  NEGOTIATE_VERSION: 0x02000000,
  NEGOTIATE_128: 0x20000000,
  NEGOTIATE_KEY_EXCH: 0x40000000,
  NEGOTIATE_56: 0x80000000,
} as const;

export type NegotiateFlagName = keyof typeof NegotiateFlag;

/** True when every bit of `flag` is set. JS bitwise results are signed, so compare as unsigned (NEGOTIATE_56 is bit 31). */
export function hasFlag(flags: number, flag: number): boolean {
  return flag !== 0 && (flags & flag) >>> 0 === flag >>> 0;
}

/** The union of flags as an unsigned 32-bit number. */
export function flagsOf(...flags: number[]): number {
  let out = 0;
  for (const f of flags) out |= f;
  return out >>> 0;
}

/** Names of the set flags, for logs and error details. */
export function describeFlags(flags: number): NegotiateFlagName[] {
  return (Object.keys(NegotiateFlag) as NegotiateFlagName[]).filter((k) => hasFlag(flags, NegotiateFlag[k]));
}

/** AV_PAIR AvId values (MS-NLMP 2.2.2.1). */
export const AvId = {
  MsvAvEOL: 0x0000,
  MsvAvNbComputerName: 0x0001,
  MsvAvNbDomainName: 0x0002,
  MsvAvDnsComputerName: 0x0003,
  MsvAvDnsDomainName: 0x0004,
  MsvAvDnsTreeName: 0x0005,
  MsvAvFlags: 0x0006,
  MsvAvTimestamp: 0x0007,
  MsvAvSingleHost: 0x0008,
  MsvAvTargetName: 0x0009,
  MsvAvChannelBindings: 0x000a,
} as const;

/** Bits of the MsvAvFlags value (MS-NLMP 2.2.2.1). */
export const MsvAvFlag = {
  ACCOUNT_AUTHENTICATION_CONSTRAINED: 0x1,
  MIC_PROVIDED: 0x2,
  UNTRUSTED_SPN_SOURCE: 0x4,
} as const;
