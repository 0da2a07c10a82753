/**
 * The one error type of the NTLM/SPNEGO codec. Callers branch on `code`, never
 * on message text: the HTTP layer maps every code to a 401 (or drops the
 * connection for the session-security codes).
 */
export type NtlmErrorCode =
  /** A token is truncated, out of bounds or otherwise not a valid structure. */
  | 'malformed'
  /** A valid token asks for something this implementation refuses (NTLMv1, no NTLM offered, ...). */
  | 'unsupported'
  /** Authentication failed: unknown user, wrong response, bad MIC, anonymous. */
  | 'logon'
  /** Channel bindings (MsvAvChannelBindings) do not match the TLS channel. */
  | 'bindings'
  /** A signed or sealed message, or its signature, was altered. */
  | 'signature'
  /** A signed or sealed message arrived replayed or out of order. */
  | 'sequence'
  /** A call made in the wrong state of the handshake or of the session. */
  | 'state';

export class NtlmError extends Error {
  override readonly name = 'NtlmError';

  constructor(
    readonly code: NtlmErrorCode,
    readonly detail: string = code,
  ) {
    super(`NTLM ${code}: ${detail}`);
  }
}
