/** NTLM (MS-NLMP) and SPNEGO (RFC 4178, MS-SPNG) codec: pure functions and contexts, no sockets. */
export { NtlmError, type NtlmErrorCode } from './errors';
export { AvId, MessageType, MsvAvFlag, NegotiateFlag, type NegotiateFlagName, describeFlags, hasFlag } from './constants';
export { type AvPair, parseAvPairs, encodeAvPairs, findAv } from './avpairs';
export {
  type NegotiateMessage,
  type ChallengeMessage,
  type AuthenticateMessage,
  type NtlmVersion,
  messageTypeOf,
  parseNegotiate,
  buildNegotiate,
  parseChallenge,
  buildChallenge,
  parseAuthenticate,
  buildAuthenticate,
} from './messages';
export { ntHash, ntowfv2, ntowfv2FromPassword } from './ntlmv2';
export { NtlmSessionSecurity, type NtlmRole, SIGNATURE_LENGTH } from './session';
export { NtlmServerContext, type NtlmServerOptions, type NtlmCredentialLookup, type NtlmAuthenticated } from './server';
export { NtlmClientContext, type NtlmClientOptions } from './client';
export {
  type NegTokenInit,
  type NegTokenResp,
  type NegState,
  type UnwrappedToken,
  OID_NTLMSSP,
  OID_SPNEGO,
  parseNegTokenInit,
  parseNegTokenResp,
  buildNegTokenInit,
  buildNegTokenResp,
  unwrap,
  wrapChallenge,
  wrapSelectNtlm,
  wrapAccept,
  wrapReject,
} from './spnego';
export { certificateChannelBindings, endPointHashOf, gssChannelBindings, tlsServerEndPoint } from './bindings';
