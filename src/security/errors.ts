/**
 * WS-Security failures. `reason` is for code (tests, logs, policy); `wssFault` is the
 * WSS 1.1 §12 fault subcode (in the wsse namespace) a SOAP fault should carry.
 */

export type WsSecurityReason =
  | 'missing-security'
  | 'missing-signature'
  | 'bad-signature'
  | 'unsigned-body'
  | 'untrusted-certificate'
  | 'expired'
  | 'malformed'
  | 'unsupported-algorithm';

/** WSS 1.1 SOAP Message Security §12, Tables 2 and 3 (local names in the wsse namespace). */
export type WssFaultCode =
  | 'UnsupportedSecurityToken'
  | 'UnsupportedAlgorithm'
  | 'InvalidSecurity'
  | 'InvalidSecurityToken'
  | 'FailedAuthentication'
  | 'FailedCheck'
  | 'SecurityTokenUnavailable'
  | 'MessageExpired';

const DEFAULT_FAULT: Readonly<Record<WsSecurityReason, WssFaultCode>> = {
  'missing-security': 'InvalidSecurity',
  'missing-signature': 'InvalidSecurity',
  'bad-signature': 'FailedCheck',
  'unsigned-body': 'FailedCheck',
  'untrusted-certificate': 'FailedAuthentication',
  expired: 'MessageExpired',
  malformed: 'InvalidSecurity',
  'unsupported-algorithm': 'UnsupportedAlgorithm',
};

export class WsSecurityError extends Error {
  readonly reason: WsSecurityReason;
  readonly wssFault: WssFaultCode;

  constructor(reason: WsSecurityReason, message: string, wssFault?: WssFaultCode) {
    super(message);
    this.name = 'WsSecurityError';
    this.reason = reason;
    this.wssFault = wssFault ?? DEFAULT_FAULT[reason];
  }
}
