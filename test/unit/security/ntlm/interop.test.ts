/**
 * Interoperability with a client nobody here wrote: Debian's python3
 * ntlm-auth, driven exactly as requests_ntlm / pywinrm drive it, against our
 * NtlmServerContext. ntlm-auth needs MD4, which OpenSSL 3 keeps in its legacy
 * provider, so python runs with an OPENSSL_CONF that activates it
 * (reference/clients.md).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { NegotiateFlag, hasFlag, parseAuthenticate, parseNegotiate, type NtlmAuthenticated } from '../../../../src/security/ntlm';
import { expectNtlmError, lookup, newServer } from './support';
import { opensslLegacyConf } from '../../../support/opensslLegacy';

const PYTHON = '/usr/bin/python3';
const PEER = join(__dirname, 'fixtures', 'ntlm_auth_peer.py');
const env = { ...process.env, OPENSSL_CONF: opensslLegacyConf() };

const probe = spawnSync(PYTHON, ['-c', 'import hashlib, ntlm_auth; hashlib.new("md4", b"")'], { env, encoding: 'utf8' });
const available = probe.status === 0;
const required = process.env.REQUIRE_INTEROP === '1';
if (!available && !required) {
  console.warn(
    '\n**************** NTLM INTEROP TESTS SKIPPED ****************\n' +
      `${PYTHON} cannot import ntlm_auth with MD4 (${(probe.stderr || String(probe.error)).trim().split('\n').pop()}).\n` +
      'Install python3-ntlm-auth (apt-get install python3-requests-ntlm), or set REQUIRE_INTEROP=1 to make this a failure.\n' +
      '************************************************************\n',
  );
}

/** One python peer process, spoken to line by line. */
class NtlmAuthPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  private stderr = '';

  constructor(args: string[]) {
    this.child = spawn(PYTHON, [PEER, ...args], { env });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (w) w(line);
      else this.lines.push(line);
    });
  }

  next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ntlm_auth peer did not answer; stderr: ${this.stderr}`)), 10000);
      this.waiting = (l) => {
        clearTimeout(timer);
        resolve(l);
      };
    });
  }

  send(...items: Array<string | Buffer>): void {
    this.child.stdin.write(items.map((i) => (typeof i === 'string' ? i : i.toString('base64'))).join(' ') + '\n');
  }

  async token(): Promise<Buffer> {
    return Buffer.from(await this.next(), 'base64');
  }

  async wrap(plain: Buffer): Promise<{ signature: Buffer; sealed: Buffer }> {
    this.send('WRAP', plain);
    const [signature, sealed] = (await this.next()).split(' ');
    return { signature: Buffer.from(signature, 'base64'), sealed: Buffer.from(sealed, 'base64') };
  }

  async unwrap(signature: Buffer, sealed: Buffer): Promise<string> {
    this.send('UNWRAP', signature, sealed);
    const [status, data] = (await this.next()).split(' ');
    return status === 'OK' ? Buffer.from(data, 'base64').toString() : `${status} ${data}`;
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

interface Handshake {
  peer: NtlmAuthPeer;
  negotiate: Buffer;
  authenticate: Buffer;
  result: NtlmAuthenticated;
}

async function handshakeWith(args: string[]): Promise<Handshake> {
  const peer = new NtlmAuthPeer(args);
  try {
    const server = newServer();
    const negotiate = await peer.token();
    peer.send(server.challenge(negotiate));
    const authenticate = await peer.token();
    return { peer, negotiate, authenticate, result: server.authenticate(authenticate, lookup) };
  } catch (e) {
    peer.close();
    throw e;
  }
}

const suite = available ? describe : describe.skip;

if (required && !available) {
  it('REQUIRE_INTEROP=1 but python3 ntlm_auth with MD4 is unavailable', () => {
    throw new Error(`cannot run ${PYTHON} with ntlm_auth: ${probe.stderr || String(probe.error)}`);
  });
}

suite('interop with python3 ntlm-auth as the client', () => {
  it('requests_ntlm (pywinrm): handshake, then sealed messages both ways', async () => {
    const { peer, negotiate, authenticate, result } = await handshakeWith(['requests_ntlm', 'Administrator', 'P@ssw0rd!', 'CONTOSO']);
    try {
      expect(result).toMatchObject({ user: 'Administrator', domain: 'CONTOSO' });
      // What pywinrm negotiates: OEM (not Unicode), no NTLM flag, KEY_EXCH + SIGN + SEAL + 128 + 56 + ESS.
      const asked = parseNegotiate(negotiate).flags;
      for (const f of [NegotiateFlag.NEGOTIATE_OEM, NegotiateFlag.NEGOTIATE_KEY_EXCH, NegotiateFlag.NEGOTIATE_SEAL, NegotiateFlag.NEGOTIATE_SIGN, NegotiateFlag.NEGOTIATE_128, NegotiateFlag.NEGOTIATE_EXTENDED_SESSIONSECURITY]) {
        expect(hasFlag(asked, f)).toBe(true);
      }
      expect(hasFlag(asked, NegotiateFlag.NEGOTIATE_UNICODE)).toBe(false);
      // ntlm-auth answers our MsvAvTimestamp with a MIC and Z(24) as the LM response.
      const auth = parseAuthenticate(authenticate);
      expect(auth.mic?.equals(Buffer.alloc(16))).toBe(false);
      expect(auth.lmChallengeResponse).toEqual(Buffer.alloc(24));

      for (let i = 0; i < 3; i++) {
        const request = Buffer.from(`<s:Envelope>request ${i} ${'é'.repeat(i * 50)}</s:Envelope>`);
        const up = await peer.wrap(request);
        expect(result.session.unseal(up.sealed, up.signature)).toEqual(request);
        const down = result.session.seal(Buffer.from(`<s:Envelope>reply ${i}</s:Envelope>`));
        expect(await peer.unwrap(down.signature, down.sealed)).toBe(`<s:Envelope>reply ${i}</s:Envelope>`);
      }
      const extra = result.session.seal(Buffer.from('two replies in a row'));
      expect(await peer.unwrap(extra.signature, extra.sealed)).toBe('two replies in a row');

      const tampered = await peer.wrap(Buffer.from('Remove-IpamRange'));
      tampered.sealed[0] ^= 1;
      expectNtlmError(() => result.session.unseal(tampered.sealed, tampered.signature), 'signature');
    } finally {
      peer.close();
    }
  });

  it('NtlmContext with a workstation name', async () => {
    const { peer, result } = await handshakeWith(['context', 'ipamuser', 'Sécurité-2024', 'CONTOSO', 'LINUXBOX']);
    try {
      expect(result).toMatchObject({ user: 'ipamuser', domain: 'CONTOSO', workstation: 'LINUXBOX' });
      const up = await peer.wrap(Buffer.from('hello from python'));
      expect(result.session.unseal(up.sealed, up.signature).toString()).toBe('hello from python');
      const down = result.session.seal(Buffer.from('hello from node'));
      expect(await peer.unwrap(down.signature, down.sealed)).toBe('hello from node');
    } finally {
      peer.close();
    }
  });

  it('python rejects a server message we altered', async () => {
    const { peer, result } = await handshakeWith(['requests_ntlm', 'Administrator', 'P@ssw0rd!', 'CONTOSO']);
    try {
      const down = result.session.seal(Buffer.from('<s:Envelope>reply</s:Envelope>'));
      down.sealed[4] ^= 0x40;
      expect(await peer.unwrap(down.signature, down.sealed)).toMatch(/^ERR /);
    } finally {
      peer.close();
    }
  });

  it('a wrong password is a logon failure', async () => {
    await expect(handshakeWith(['requests_ntlm', 'Administrator', 'not-the-password', 'CONTOSO'])).rejects.toMatchObject({
      name: 'NtlmError',
      code: 'logon',
    });
  });
});
