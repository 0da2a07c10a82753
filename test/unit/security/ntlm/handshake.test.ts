/** Client ↔ server NTLMv2 handshakes with our two contexts, and the session security they set up. */
import {
  AvId,
  MsvAvFlag,
  NegotiateFlag,
  NtlmClientContext,
  NtlmSessionSecurity,
  buildAuthenticate,
  buildNegotiate,
  findAv,
  gssChannelBindings,
  hasFlag,
  parseAuthenticate,
  parseChallenge,
  tlsServerEndPoint,
} from '../../../../src/security/ntlm';
import { encodeAvPairs } from '../../../../src/security/ntlm/avpairs';
import { computeNtlmv2Response, ntHash, ntowfv2, parseNtlmv2Response } from '../../../../src/security/ntlm/ntlmv2';
import { expectNtlmError, handshake, lookup, newClient, newServer } from './support';

const F = NegotiateFlag;

describe('the NTLMv2 handshake', () => {
  it('authenticates and reports who logged on from where', () => {
    const { result, authenticate } = handshake();
    expect(result).toMatchObject({ user: 'Administrator', domain: 'CONTOSO', workstation: 'WS01' });
    const auth = parseAuthenticate(authenticate);
    // A MIC was sent because the challenge carried MsvAvTimestamp (MS-NLMP 3.1.5.1.2).
    const pairs = parseNtlmv2Response(auth.ntChallengeResponse).avPairs;
    expect(findAv(pairs, AvId.MsvAvFlags)?.readUInt32LE(0)).toBe(MsvAvFlag.MIC_PROVIDED);
    expect(auth.mic?.equals(Buffer.alloc(16))).toBe(false);
    expect(auth.lmChallengeResponse).toEqual(Buffer.alloc(24));
  });

  it('negotiates the flags pywinrm needs for message encryption', () => {
    const { result } = handshake();
    for (const f of [F.NEGOTIATE_EXTENDED_SESSIONSECURITY, F.NEGOTIATE_KEY_EXCH, F.NEGOTIATE_SIGN, F.NEGOTIATE_SEAL, F.NEGOTIATE_128]) {
      expect(hasFlag(result.flags, f)).toBe(true);
    }
  });

  it('issues a CHALLENGE with the host names, a timestamp and only flags it supports', () => {
    const now = new Date('2024-03-01T12:00:00Z');
    const server = newServer({ now: () => now, randomBytes: (n) => Buffer.alloc(n, 7) });
    const requested = (0xffffffff & ~F.NEGOTIATE_OEM) >>> 0;
    const msg = parseChallenge(server.challenge(buildNegotiate({ flags: requested, domain: '', workstation: '' })));
    expect(msg.serverChallenge).toEqual(Buffer.alloc(8, 7));
    expect(msg.targetName).toBe('CONTOSO');
    for (const f of [F.NEGOTIATE_LM_KEY, F.NEGOTIATE_DATAGRAM, F.NEGOTIATE_IDENTIFY, F.NEGOTIATE_OEM, F.TARGET_TYPE_SERVER]) {
      expect(hasFlag(msg.flags, f)).toBe(false);
    }
    for (const f of [F.NEGOTIATE_UNICODE, F.TARGET_TYPE_DOMAIN, F.NEGOTIATE_TARGET_INFO, F.REQUEST_TARGET, F.NEGOTIATE_VERSION]) {
      expect(hasFlag(msg.flags, f)).toBe(true);
    }
    const ids = msg.targetInfo.map((p) => p.id);
    expect(ids).toEqual([AvId.MsvAvNbDomainName, AvId.MsvAvNbComputerName, AvId.MsvAvDnsDomainName, AvId.MsvAvDnsComputerName, AvId.MsvAvDnsTreeName, AvId.MsvAvTimestamp]);
    expect(findAv(msg.targetInfo, AvId.MsvAvDnsComputerName)?.toString('utf16le')).toBe('ipam01.contoso.com');
  });

  it('answers an OEM-only NEGOTIATE (what ntlm-auth sends) in OEM', () => {
    const negotiate = buildNegotiate({ flags: F.NEGOTIATE_OEM | F.NEGOTIATE_SEAL | F.NEGOTIATE_EXTENDED_SESSIONSECURITY, domain: 'CONTOSO', workstation: '' });
    const msg = parseChallenge(newServer().challenge(negotiate));
    expect(hasFlag(msg.flags, F.NEGOTIATE_OEM)).toBe(true);
    expect(hasFlag(msg.flags, F.NEGOTIATE_UNICODE)).toBe(false);
    expect(msg.targetName).toBe('CONTOSO');
  });

  it('accepts a client that computed NTOWFv2 with an empty domain (MS-NLMP 3.2.5.1.2)', () => {
    const server = newServer();
    const client = newClient();
    const challenge = parseChallenge(server.challenge(client.negotiate()));
    const pairs = challenge.targetInfo; // no MsvAvFlags: no MIC to build
    const time = findAv(pairs, AvId.MsvAvTimestamp) as Buffer;
    const r = computeNtlmv2Response(ntowfv2(ntHash('P@ssw0rd!'), 'Administrator', ''), challenge.serverChallenge, Buffer.alloc(8, 1), time, encodeAvPairs(pairs));
    const token = buildAuthenticate({
      flags: challenge.flags & ~(F.NEGOTIATE_KEY_EXCH | F.NEGOTIATE_SIGN | F.NEGOTIATE_SEAL),
      lmChallengeResponse: Buffer.alloc(24),
      ntChallengeResponse: r.ntChallengeResponse,
      domain: 'CONTOSO',
      user: 'Administrator',
      workstation: '',
      encryptedRandomSessionKey: Buffer.alloc(0),
    });
    expect(server.authenticate(token, lookup).user).toBe('Administrator');
  });
});

describe('refused logons', () => {
  it('a wrong password is a logon failure', () => {
    expectNtlmError(() => handshake(newClient({ password: 'wrong' })), 'logon');
  });

  it('an unknown user is a logon failure', () => {
    expectNtlmError(() => handshake(newClient({ user: 'mallory' })), 'logon');
  });

  it('a user known by NT hash alone logs on', () => {
    const client = new NtlmClientContext({ user: 'IpamUser', domain: 'CONTOSO', ntHash: ntHash('Sécurité-2024') });
    expect(handshake(client).result.user).toBe('IpamUser');
  });

  it('an altered MIC is a logon failure', () => {
    const server = newServer();
    const client = newClient();
    const token = client.authenticate(server.challenge(client.negotiate()));
    token[72] ^= 0x01;
    expectNtlmError(() => server.authenticate(token, lookup), 'logon');
  });

  it('dropping SEAL from the AUTHENTICATE flags is caught by the MIC', () => {
    const server = newServer();
    const client = newClient();
    const token = client.authenticate(server.challenge(client.negotiate()));
    token.writeUInt32LE((token.readUInt32LE(60) & ~F.NEGOTIATE_SEAL) >>> 0, 60);
    expectNtlmError(() => server.authenticate(token, lookup), 'logon');
  });

  it('NTLMv1 (a 24-byte NT response) is refused', () => {
    const server = newServer();
    server.challenge(newClient().negotiate());
    const token = buildAuthenticate({
      flags: F.NEGOTIATE_UNICODE | F.NEGOTIATE_NTLM,
      lmChallengeResponse: Buffer.alloc(24, 1),
      ntChallengeResponse: Buffer.alloc(24, 2),
      domain: 'CONTOSO',
      user: 'Administrator',
      workstation: '',
      encryptedRandomSessionKey: Buffer.alloc(0),
    });
    expectNtlmError(() => server.authenticate(token, lookup), 'logon');
  });

  it('anonymous is refused', () => {
    const server = newServer();
    server.challenge(newClient().negotiate());
    const token = buildAuthenticate({
      flags: F.NEGOTIATE_UNICODE | F.ANONYMOUS,
      lmChallengeResponse: Buffer.alloc(1),
      ntChallengeResponse: Buffer.alloc(0),
      domain: '',
      user: '',
      workstation: '',
      encryptedRandomSessionKey: Buffer.alloc(0),
    });
    expectNtlmError(() => server.authenticate(token, lookup), 'logon');
  });

  it('a stale NTLMv2 timestamp is refused', () => {
    let now = new Date('2024-03-01T12:00:00Z');
    const server = newServer({ now: () => now });
    const client = newClient();
    const token = client.authenticate(server.challenge(client.negotiate()));
    now = new Date('2024-03-03T12:00:01Z');
    expectNtlmError(() => server.authenticate(token, lookup), 'logon');
  });

  it('enforces the handshake order, and each context authenticates once', () => {
    const server = newServer();
    expectNtlmError(() => server.authenticate(Buffer.alloc(0), lookup), 'state');
    const { server: used, authenticate } = handshake();
    expectNtlmError(() => used.authenticate(authenticate, lookup), 'state');
    expectNtlmError(() => used.challenge(newClient().negotiate()), 'state');
    expectNtlmError(() => newClient().session, 'state');
  });
});

describe('channel bindings over TLS (MsvAvChannelBindings)', () => {
  const bindings = gssChannelBindings(tlsServerEndPoint(Buffer.alloc(32, 0xab)));
  const other = gssChannelBindings(tlsServerEndPoint(Buffer.alloc(32, 0xcd)));

  it('accepts matching bindings', () => {
    expect(handshake(newClient({ channelBindings: bindings }), newServer({ channelBindings: bindings })).result.user).toBe('Administrator');
  });

  it('refuses bindings for another channel', () => {
    expectNtlmError(() => handshake(newClient({ channelBindings: other }), newServer({ channelBindings: bindings })), 'bindings');
  });

  it('accepts a client without bindings unless they are required', () => {
    expect(handshake(newClient(), newServer({ channelBindings: bindings })).result.user).toBe('Administrator');
    expectNtlmError(() => handshake(newClient(), newServer({ channelBindings: bindings, requireChannelBindings: true })), 'bindings');
  });
});

describe('session security after the handshake', () => {
  it('seals and unseals many messages both ways, interleaved', () => {
    const { client, result } = handshake();
    const server = result.session;
    for (let i = 0; i < 5; i++) {
      const request = Buffer.from(`<s:Envelope>request ${i} ${'x'.repeat(i * 100)}</s:Envelope>`);
      const up = client.session.seal(request);
      expect(up.sealed.equals(request)).toBe(false);
      expect(server.unseal(up.sealed, up.signature)).toEqual(request);
      for (let j = 0; j < i % 3; j++) {
        const reply = Buffer.from(`reply ${i}.${j}`);
        const down = server.seal(reply);
        expect(client.session.unseal(down.sealed, down.signature)).toEqual(reply);
      }
    }
  });

  it('signs and verifies, sharing sequence numbers with sealing', () => {
    const { client, result } = handshake();
    const sealed = client.session.seal(Buffer.from('one'));
    const signature = client.session.sign(Buffer.from('two'));
    result.session.unseal(sealed.sealed, sealed.signature);
    expect(() => result.session.verify(Buffer.from('two'), signature)).not.toThrow();
    expect(signature.readUInt32LE(12)).toBe(1);
  });

  it('an altered sealed byte is a signature failure, and the session survives it', () => {
    const { client, result } = handshake();
    const { sealed, signature } = client.session.seal(Buffer.from('Get-IpamRange'));
    const altered = Buffer.from(sealed);
    altered[3] ^= 0x20;
    expectNtlmError(() => result.session.unseal(altered, signature), 'signature');
    expect(result.session.unseal(sealed, signature).toString()).toBe('Get-IpamRange');
  });

  it('an altered checksum or signature version is a signature failure', () => {
    const { client, result } = handshake();
    const { sealed, signature } = client.session.seal(Buffer.from('hello'));
    const badChecksum = Buffer.from(signature);
    badChecksum[5] ^= 1;
    expectNtlmError(() => result.session.unseal(sealed, badChecksum), 'signature');
    const badVersion = Buffer.from(signature);
    badVersion[0] = 2;
    expectNtlmError(() => result.session.unseal(sealed, badVersion), 'signature');
    expectNtlmError(() => result.session.unseal(sealed, signature.subarray(0, 15)), 'signature');
  });

  it('a replayed message is a sequence failure', () => {
    const { client, result } = handshake();
    const first = client.session.seal(Buffer.from('first'));
    result.session.unseal(first.sealed, first.signature);
    expectNtlmError(() => result.session.unseal(first.sealed, first.signature), 'sequence');
  });

  it('a reordered message is a sequence failure, and the right one still works', () => {
    const { client, result } = handshake();
    const first = client.session.seal(Buffer.from('first'));
    const second = client.session.seal(Buffer.from('second'));
    expectNtlmError(() => result.session.unseal(second.sealed, second.signature), 'sequence');
    expect(result.session.unseal(first.sealed, first.signature).toString()).toBe('first');
    expect(result.session.unseal(second.sealed, second.signature).toString()).toBe('second');
  });

  it('a message sealed for the other direction does not unseal', () => {
    const { client } = handshake();
    const own = client.session.seal(Buffer.from('to the server'));
    expectNtlmError(() => client.session.unseal(own.sealed, own.signature), 'signature');
  });

  it('refuses to seal when sealing was not negotiated', () => {
    const signOnly = F.NEGOTIATE_SIGN | F.NEGOTIATE_EXTENDED_SESSIONSECURITY | F.NEGOTIATE_128;
    const session = new NtlmSessionSecurity(Buffer.alloc(16, 9), signOnly, 'server');
    expectNtlmError(() => session.seal(Buffer.from('x')), 'state');
    expect(session.sign(Buffer.from('x'))).toHaveLength(16);
  });
});
