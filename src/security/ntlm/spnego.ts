/**
 * SPNEGO (RFC 4178, with MS-SPNG) as far as an NTLM-only acceptor needs it:
 * parse the client's NegTokenInit / NegTokenResp, build our NegTokenResp, and
 * `unwrap` a Negotiate token that may be raw NTLMSSP or SPNEGO-wrapped.
 */
import { NTLMSSP_SIGNATURE } from './constants';
import { Tag, type Tlv, children, content, contextTag, decodeOid, encodeOid, expectTag, explicitInner, readTlv, tlv, whole } from './der';
import { NtlmError } from './errors';

export const OID_SPNEGO = '1.3.6.1.5.5.2';
export const OID_NTLMSSP = '1.3.6.1.4.1.311.2.2.10';
export const OID_KERBEROS = '1.2.840.113554.1.2.2';
/** The "erroneous" Kerberos OID Windows sends first (MS-SPNG 3.2.5). */
export const OID_MS_KERBEROS = '1.2.840.48018.1.2.2';
export const OID_NEGOEX = '1.3.6.1.4.1.311.2.2.30';

export interface NegTokenInit {
  readonly mechTypes: readonly string[];
  /** The DER MechTypeList exactly as received: what mechListMIC covers (RFC 4178 §5). */
  readonly mechTypesDer: Buffer;
  readonly mechToken?: Buffer;
  readonly mechListMic?: Buffer;
}

export type NegState = 'accept-completed' | 'accept-incomplete' | 'reject' | 'request-mic';
const NEG_STATES: readonly NegState[] = ['accept-completed', 'accept-incomplete', 'reject', 'request-mic'];

export interface NegTokenResp {
  readonly negState?: NegState;
  readonly supportedMech?: string;
  readonly responseToken?: Buffer;
  readonly mechListMic?: Buffer;
}

function parseMechTypes(buf: Buffer, list: Tlv): string[] {
  expectTag(list, Tag.SEQUENCE, 'MechTypeList');
  return children(buf, list).map((oid) => {
    expectTag(oid, Tag.OID, 'MechType');
    return decodeOid(content(buf, oid));
  });
}

function octets(buf: Buffer, wrapper: Tlv, what: string): Buffer {
  const inner = explicitInner(buf, wrapper, what);
  expectTag(inner, Tag.OCTET_STRING, what);
  return content(buf, inner);
}

/** The one top-level element of a token, which must fill it exactly. */
function topLevel(token: Buffer): Tlv {
  const top = readTlv(token, 0);
  if (top.end !== token.length) throw new NtlmError('malformed', 'SPNEGO: trailing bytes after the token');
  return top;
}

/**
 * NegTokenInit (RFC 4178 §4.2.1), inside the GSS-API InitialContextToken
 * (0x60, thisMech = SPNEGO). Also reads MS-SPNG NegTokenInit2 ([3] negHints,
 * [4] mechListMIC); reqFlags is ignored (MS-SPNG 3.1.5.3).
 */
export function parseNegTokenInit(token: Buffer): NegTokenInit {
  const app = topLevel(token);
  expectTag(app, Tag.APPLICATION_0, 'InitialContextToken');
  const parts = children(token, app);
  if (parts.length !== 2) throw new NtlmError('malformed', 'SPNEGO: InitialContextToken needs thisMech and a token');
  expectTag(parts[0], Tag.OID, 'thisMech');
  const mech = decodeOid(content(token, parts[0]));
  if (mech !== OID_SPNEGO) throw new NtlmError('unsupported', `the GSS-API token is for ${mech}, not SPNEGO`);
  expectTag(parts[1], contextTag(0), 'negTokenInit');
  const seq = explicitInner(token, parts[1], 'negTokenInit');
  expectTag(seq, Tag.SEQUENCE, 'NegTokenInit');
  let mechTypes: string[] | undefined;
  let mechTypesDer: Buffer | undefined;
  let mechToken: Buffer | undefined;
  let mechListMic: Buffer | undefined;
  for (const field of children(token, seq)) {
    if (field.tag === contextTag(0)) {
      const list = explicitInner(token, field, 'mechTypes');
      mechTypes = parseMechTypes(token, list);
      mechTypesDer = whole(token, list);
    } else if (field.tag === contextTag(2)) {
      mechToken = octets(token, field, 'mechToken');
    } else if (field.tag === contextTag(3) || field.tag === contextTag(4)) {
      // [3] is mechListMIC in RFC 4178 but negHints in NegTokenInit2, whose MIC is [4].
      const inner = explicitInner(token, field, 'mechListMIC');
      if (inner.tag === Tag.OCTET_STRING) mechListMic = content(token, inner);
    }
  }
  if (mechTypes === undefined || mechTypesDer === undefined) {
    throw new NtlmError('malformed', 'SPNEGO: NegTokenInit without mechTypes');
  }
  return { mechTypes, mechTypesDer, mechToken, mechListMic };
}

/** NegTokenResp (RFC 4178 §4.2.2): [1] SEQUENCE { negState, supportedMech, responseToken, mechListMIC }. */
export function parseNegTokenResp(token: Buffer): NegTokenResp {
  const wrapper = topLevel(token);
  expectTag(wrapper, contextTag(1), 'negTokenResp');
  const seq = explicitInner(token, wrapper, 'negTokenResp');
  expectTag(seq, Tag.SEQUENCE, 'NegTokenResp');
  let negState: NegState | undefined;
  let supportedMech: string | undefined;
  let responseToken: Buffer | undefined;
  let mechListMic: Buffer | undefined;
  for (const field of children(token, seq)) {
    if (field.tag === contextTag(0)) {
      const e = explicitInner(token, field, 'negState');
      expectTag(e, Tag.ENUMERATED, 'negState');
      const value = content(token, e);
      if (value.length !== 1 || value[0] >= NEG_STATES.length) throw new NtlmError('malformed', 'SPNEGO: bad negState');
      negState = NEG_STATES[value[0]];
    } else if (field.tag === contextTag(1)) {
      const oid = explicitInner(token, field, 'supportedMech');
      expectTag(oid, Tag.OID, 'supportedMech');
      supportedMech = decodeOid(content(token, oid));
    } else if (field.tag === contextTag(2)) {
      responseToken = octets(token, field, 'responseToken');
    } else if (field.tag === contextTag(3)) {
      mechListMic = octets(token, field, 'mechListMIC');
    }
  }
  return { negState, supportedMech, responseToken, mechListMic };
}

export function buildMechTypeList(mechTypes: readonly string[]): Buffer {
  return tlv(Tag.SEQUENCE, ...mechTypes.map(encodeOid));
}

export function buildNegTokenInit(init: { mechTypes: readonly string[]; mechToken?: Buffer; mechListMic?: Buffer }): Buffer {
  const fields = [tlv(contextTag(0), buildMechTypeList(init.mechTypes))];
  if (init.mechToken !== undefined) fields.push(tlv(contextTag(2), tlv(Tag.OCTET_STRING, init.mechToken)));
  if (init.mechListMic !== undefined) fields.push(tlv(contextTag(3), tlv(Tag.OCTET_STRING, init.mechListMic)));
  return tlv(Tag.APPLICATION_0, encodeOid(OID_SPNEGO), tlv(contextTag(0), tlv(Tag.SEQUENCE, ...fields)));
}

export function buildNegTokenResp(resp: NegTokenResp): Buffer {
  const fields: Buffer[] = [];
  if (resp.negState !== undefined) {
    fields.push(tlv(contextTag(0), tlv(Tag.ENUMERATED, Buffer.from([NEG_STATES.indexOf(resp.negState)]))));
  }
  if (resp.supportedMech !== undefined) fields.push(tlv(contextTag(1), encodeOid(resp.supportedMech)));
  if (resp.responseToken !== undefined) fields.push(tlv(contextTag(2), tlv(Tag.OCTET_STRING, resp.responseToken)));
  if (resp.mechListMic !== undefined) fields.push(tlv(contextTag(3), tlv(Tag.OCTET_STRING, resp.mechListMic)));
  return tlv(contextTag(1), tlv(Tag.SEQUENCE, ...fields));
}

/**
 * The CHALLENGE_MESSAGE as responseToken, accept-incomplete. In our first reply it also selects
 * NTLMSSP; after wrapSelectNtlm() did that, supportedMech is not sent again (RFC 4178 §4.2.2).
 */
export function wrapChallenge(challenge: Buffer, mechAlreadySelected = false): Buffer {
  return buildNegTokenResp({ negState: 'accept-incomplete', ...(mechAlreadySelected ? {} : { supportedMech: OID_NTLMSSP }), responseToken: challenge });
}

/**
 * Selecting NTLMSSP when the client's optimistic token was for another mech
 * (RFC 4178 §3.2): no responseToken; the client then sends its NEGOTIATE.
 */
export function wrapSelectNtlm(): Buffer {
  return buildNegTokenResp({ negState: 'accept-incomplete', supportedMech: OID_NTLMSSP });
}

/** Our last reply: accept-completed, with our mechListMIC when the client sent one. */
export function wrapAccept(mechListMic?: Buffer): Buffer {
  return buildNegTokenResp({ negState: 'accept-completed', mechListMic });
}

export function wrapReject(): Buffer {
  return buildNegTokenResp({ negState: 'reject' });
}

export interface UnwrappedToken {
  /** The NTLM message; empty when SPNEGO selected NTLM but carried no NTLM token yet. */
  readonly ntlm: Buffer;
  readonly spnego: boolean;
  /** From a NegTokenInit: the DER MechTypeList to keep for the mechListMIC check. */
  readonly mechTypesDer?: Buffer;
  /** True when NTLMSSP was not the client's first choice: RFC 4178 §5 then requires a mechListMIC. */
  readonly micRequired?: boolean;
  readonly mechListMic?: Buffer;
}

function startsWithNtlmssp(token: Buffer): boolean {
  return token.length >= NTLMSSP_SIGNATURE.length && token.subarray(0, NTLMSSP_SIGNATURE.length).equals(NTLMSSP_SIGNATURE);
}

/** Takes a Negotiate token as sent after "Negotiate " (base64-decoded): raw NTLMSSP or SPNEGO. */
export function unwrap(token: Buffer): UnwrappedToken {
  if (startsWithNtlmssp(token)) return { ntlm: Buffer.from(token), spnego: false };
  if (token.length > 0 && token[0] === Tag.APPLICATION_0) {
    const init = parseNegTokenInit(token);
    const index = init.mechTypes.indexOf(OID_NTLMSSP);
    if (index === -1) {
      throw new NtlmError('unsupported', `the client does not offer NTLMSSP (offered: ${init.mechTypes.join(', ') || 'nothing'})`);
    }
    // The optimistic mechToken belongs to the first mech only (RFC 4178 §3.2).
    const ntlm = index === 0 && init.mechToken !== undefined ? init.mechToken : Buffer.alloc(0);
    return { ntlm: checkNtlm(ntlm), spnego: true, mechTypesDer: init.mechTypesDer, micRequired: index !== 0, mechListMic: init.mechListMic };
  }
  if (token.length > 0 && token[0] === contextTag(1)) {
    const resp = parseNegTokenResp(token);
    if (resp.negState === 'reject') throw new NtlmError('logon', 'the client rejected the negotiation');
    if (resp.supportedMech !== undefined && resp.supportedMech !== OID_NTLMSSP) {
      throw new NtlmError('unsupported', `the client answered for ${resp.supportedMech}, not NTLMSSP`);
    }
    return { ntlm: checkNtlm(resp.responseToken ?? Buffer.alloc(0)), spnego: true, mechListMic: resp.mechListMic };
  }
  throw new NtlmError('malformed', 'the token is neither NTLMSSP nor SPNEGO');
}

function checkNtlm(ntlm: Buffer): Buffer {
  if (ntlm.length > 0 && !startsWithNtlmssp(ntlm)) {
    throw new NtlmError('malformed', 'the SPNEGO token for NTLMSSP does not hold an NTLMSSP message');
  }
  return ntlm;
}
