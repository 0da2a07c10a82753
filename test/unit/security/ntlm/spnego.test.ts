/** SPNEGO (RFC 4178 / MS-SPNG) wrapping of NTLM tokens. */
import {
  NtlmError,
  OID_NTLMSSP,
  buildNegTokenInit,
  buildNegTokenResp,
  parseNegTokenInit,
  parseNegTokenResp,
  unwrap,
  wrapAccept,
  wrapChallenge,
  wrapReject,
  wrapSelectNtlm,
} from '../../../../src/security/ntlm';
import { decodeOid, encodeOid } from '../../../../src/security/ntlm/der';
import { OID_KERBEROS, OID_MS_KERBEROS, OID_NEGOEX, buildMechTypeList } from '../../../../src/security/ntlm/spnego';
import { expectNtlmError, lookup, newClient, newServer } from './support';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('DER pieces', () => {
  it('encodes the NTLMSSP OID as Windows does (MS-SPNG section 4 dump)', () => {
    expect(encodeOid(OID_NTLMSSP).toString('hex')).toBe('060a2b0601040182370202' + '0a');
    expect(decodeOid(encodeOid('1.2.840.113554.1.2.2').subarray(2))).toBe('1.2.840.113554.1.2.2');
  });
});

describe('NegTokenInit', () => {
  it('round-trips mechTypes, mechToken and mechListMIC', () => {
    const token = buildNegTokenInit({ mechTypes: [OID_NTLMSSP, OID_KERBEROS], mechToken: Buffer.from('NTLMSSP\0abc'), mechListMic: Buffer.alloc(16, 1) });
    expect(token[0]).toBe(0x60);
    const init = parseNegTokenInit(token);
    expect(init.mechTypes).toEqual([OID_NTLMSSP, OID_KERBEROS]);
    expect(init.mechToken?.toString('latin1')).toBe('NTLMSSP\0abc');
    expect(init.mechListMic).toEqual(Buffer.alloc(16, 1));
    expect(init.mechTypesDer).toEqual(buildMechTypeList([OID_NTLMSSP, OID_KERBEROS]));
  });

  it('reads the NegTokenInit2 prefix of MS-SPNG section 4 (mechTypes NEGOEX, NTLMSSP)', () => {
    // The spec dump's header and mechTypes, without its NEGOEX mechToken (outer lengths adjusted).
    const token = hex('60 28 06 06 2b 06 01 05 05 02 a0 1e 30 1c a0 1a 30 18 06 0a 2b 06 01 04 01 82 37 02 02 1e 06 0a 2b 06 01 04 01 82 37 02 02 0a');
    expect(parseNegTokenInit(token).mechTypes).toEqual([OID_NEGOEX, OID_NTLMSSP]);
  });
});

describe('NegTokenResp', () => {
  it('round-trips every field', () => {
    const resp = { negState: 'request-mic' as const, supportedMech: OID_NTLMSSP, responseToken: Buffer.from('tok'), mechListMic: Buffer.from('mic') };
    expect(parseNegTokenResp(buildNegTokenResp(resp))).toEqual(resp);
  });

  it('wrapChallenge is accept-incomplete + NTLMSSP + the CHALLENGE', () => {
    const challenge = newServer().challenge(newClient().negotiate());
    const token = wrapChallenge(challenge);
    expect(token.subarray(0, 1).toString('hex')).toBe('a1');
    expect(token.includes(hex('a0 03 0a 01 01 a1 0c 06 0a 2b 06 01 04 01 82 37 02 02 0a'))).toBe(true);
    expect(parseNegTokenResp(token)).toEqual({ negState: 'accept-incomplete', supportedMech: OID_NTLMSSP, responseToken: challenge, mechListMic: undefined });
  });

  it('wrapAccept, wrapSelectNtlm and wrapReject encode exactly', () => {
    expect(wrapAccept().toString('hex')).toBe('a1073005a0030a0100');
    expect(wrapReject().toString('hex')).toBe('a1073005a0030a0102');
    expect(parseNegTokenResp(wrapAccept(Buffer.alloc(16, 2))).mechListMic).toEqual(Buffer.alloc(16, 2));
    expect(parseNegTokenResp(wrapSelectNtlm())).toEqual({ negState: 'accept-incomplete', supportedMech: OID_NTLMSSP, responseToken: undefined, mechListMic: undefined });
  });
});

describe('unwrap', () => {
  const negotiate = newClient().negotiate();

  it('passes a raw NTLMSSP token through', () => {
    expect(unwrap(negotiate)).toEqual({ ntlm: negotiate, spnego: false });
  });

  it('takes the optimistic NTLM token out of a NegTokenInit', () => {
    const u = unwrap(buildNegTokenInit({ mechTypes: [OID_NTLMSSP], mechToken: negotiate }));
    expect(u).toMatchObject({ ntlm: negotiate, spnego: true, micRequired: false });
    expect(u.mechTypesDer).toEqual(buildMechTypeList([OID_NTLMSSP]));
  });

  it('selects NTLM without a token when the optimistic token is Kerberos', () => {
    const u = unwrap(buildNegTokenInit({ mechTypes: [OID_MS_KERBEROS, OID_KERBEROS, OID_NTLMSSP], mechToken: Buffer.from('krb5 AP-REQ') }));
    expect(u).toMatchObject({ ntlm: Buffer.alloc(0), spnego: true, micRequired: true });
  });

  it('takes the NTLM token out of a NegTokenResp', () => {
    const auth = Buffer.from('NTLMSSP\0\x03');
    expect(unwrap(buildNegTokenResp({ responseToken: auth, mechListMic: Buffer.from('m') }))).toEqual({ ntlm: auth, spnego: true, mechListMic: Buffer.from('m') });
  });

  it('refuses a client that does not offer NTLM, naming what it offered', () => {
    let error: unknown;
    try {
      unwrap(buildNegTokenInit({ mechTypes: [OID_KERBEROS], mechToken: Buffer.from('krb5') }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NtlmError);
    expect(error).toMatchObject({ code: 'unsupported' });
    expect((error as Error).message).toContain(OID_KERBEROS);
  });

  it('refuses garbage, BER indefinite lengths, trailing bytes and a non-NTLM mechToken', () => {
    expectNtlmError(() => unwrap(Buffer.from('hello')), 'malformed');
    expectNtlmError(() => unwrap(Buffer.alloc(0)), 'malformed');
    expectNtlmError(() => unwrap(hex('60 80 06 06 2b 06 01 05 05 02 00 00')), 'malformed');
    expectNtlmError(() => unwrap(Buffer.concat([wrapAccept(), Buffer.from([0])])), 'malformed');
    expectNtlmError(() => unwrap(buildNegTokenInit({ mechTypes: [OID_NTLMSSP], mechToken: Buffer.from('not ntlm') })), 'malformed');
    expectNtlmError(() => unwrap(wrapReject()), 'logon');
  });
});

describe('a full SPNEGO-wrapped handshake with mechListMIC (RFC 4178 §5, MS-SPNG 3.2.5.1)', () => {
  it('authenticates, exchanges mechListMICs and then seals with the restored RC4 state', () => {
    const client = newClient();
    const server = newServer();
    const mechTypes = [OID_NTLMSSP];

    const leg1 = unwrap(buildNegTokenInit({ mechTypes, mechToken: client.negotiate() }));
    const reply1 = parseNegTokenResp(wrapChallenge(server.challenge(leg1.ntlm)));
    expect(reply1.negState).toBe('accept-incomplete');

    const authenticate = client.authenticate(reply1.responseToken as Buffer);
    const clientMic = client.session.signMechListMic(buildMechTypeList(mechTypes));
    const leg2 = unwrap(buildNegTokenResp({ responseToken: authenticate, mechListMic: clientMic }));
    const result = server.authenticate(leg2.ntlm, lookup);
    result.session.verifyMechListMic(leg1.mechTypesDer as Buffer, leg2.mechListMic as Buffer);
    const reply2 = parseNegTokenResp(wrapAccept(result.session.signMechListMic(leg1.mechTypesDer as Buffer)));
    expect(reply2.negState).toBe('accept-completed');
    client.session.verifyMechListMic(buildMechTypeList(mechTypes), reply2.mechListMic as Buffer);

    const up = client.session.seal(Buffer.from('<Envelope/>'));
    expect(up.signature.readUInt32LE(12)).toBe(1);
    expect(result.session.unseal(up.sealed, up.signature).toString()).toBe('<Envelope/>');
    const down = result.session.seal(Buffer.from('<Reply/>'));
    expect(client.session.unseal(down.sealed, down.signature).toString()).toBe('<Reply/>');
  });

  it('a mechListMIC over another mech list fails', () => {
    const client = newClient();
    const server = newServer();
    const authenticate = client.authenticate(server.challenge(client.negotiate()));
    const result = server.authenticate(authenticate, lookup);
    const mic = client.session.signMechListMic(buildMechTypeList([OID_NTLMSSP]));
    expectNtlmError(() => result.session.verifyMechListMic(buildMechTypeList([OID_KERBEROS, OID_NTLMSSP]), mic), 'signature');
  });
});
