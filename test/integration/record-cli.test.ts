/**
 * `record`, `conform` and `serve --replay` as commands, and the proxy under bad input: an
 * unreachable target, refused credentials, a target that goes away mid-session, a request that
 * is not XML, a cassette that cannot be read. Each is a clear error that changes nothing and
 * never stops the proxy. The built CLI runs as a child process where signals and exit codes matter.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { WsmanClient } from '../../src/client/wsmanClient';
import { BasicAuthenticator, WsmanAuthError, WsmanFaultError } from '../../src/client/transport';
import { Emulator } from '../../src/app';
import type { Fixture } from '../../src/config/fixture';
import contoso from '../../fixtures/contoso.json';
import { runRecord, startRecordingProxy, type RecordIo } from '../../src/cli/record';
import { runConform } from '../../src/cli/conform';
import { IPAM_SERVER_URI } from '../../src/client/ipam';
import { ADMIN, IDENTIFY, post } from '../support/soap';
import { startEmulator, tempDir } from '../support/emulator';

jest.setTimeout(60_000);

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

function io(env: Record<string, string> = {}, stopped: Promise<unknown> = Promise.resolve()): RecordIo & { out: () => string } {
  let text = '';
  const sink = { write: (s: string) => (text += s) };
  return { stdout: sink, stderr: sink, env, stopped, out: () => text };
}

/** A port nothing listens on (taken, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('ipam-emulator record: what it refuses before listening', () => {
  test('an unreachable target: a clear error, exit 1, no cassette written', async () => {
    const port = await closedPort();
    const out = path.join(tempDir(), 'c.json');
    const r = io({ IPAM_TARGET_PASSWORD: 'x' });
    expect(await runRecord(['--target', `http://127.0.0.1:${port}/wsman`, '--target-user', 'Administrator', '--out', out, '--port', '0'], r)).toBe(1);
    expect(r.out()).toMatch(new RegExp(`^ipam-emulator record: cannot reach the target http://127\\.0\\.0\\.1:${port}/wsman: cannot reach 127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\)\\n$`));
    expect(fs.existsSync(out)).toBe(false);
  });

  test('credentials the target refuses: exit 1, naming the user and the schemes it offers, never the password', async () => {
    const target = await startEmulator();
    try {
      const out = path.join(tempDir(), 'c.json');
      const r = io({ SECRET_VAR: 'Wr0ng-Target-Pw' });
      const code = await runRecord(['--target', target.url, '--target-user', 'Administrator', '--target-password-env', 'SECRET_VAR', '--out', out, '--port', '0'], r);
      expect(code).toBe(1);
      expect(r.out()).toBe(`ipam-emulator record: the target ${target.url} refused the credentials of Administrator (Basic). It offers: Negotiate, Basic.\n`);
      expect(fs.existsSync(out)).toBe(false);
      expect(target.logs().join('\n')).not.toContain('Wr0ng-Target-Pw');
    } finally {
      await target.stop();
    }
  });

  test('a cassette path that cannot be written: exit 2 before listening, naming it', async () => {
    const target = await startEmulator();
    try {
      const out = path.join(tempDir(), 'no-such-dir', 'c.json');
      const r = io({ IPAM_TARGET_PASSWORD: 'Passw0rd!' });
      expect(await runRecord(['--target', target.url, '--target-user', 'Administrator', '--out', out, '--port', '0'], r)).toBe(2);
      expect(r.out()).toContain(`ipam-emulator record: --out: cannot write ${out} (ENOENT)`);
    } finally {
      await target.stop();
    }
  });

  test('usage errors exit 2: no password in the environment, an existing cassette, credentials in the URL, a bad scheme', async () => {
    const dir = tempDir();
    const existing = path.join(dir, 'kept.json');
    fs.writeFileSync(existing, 'mine');
    const cases: Array<[string[], Record<string, string>, string]> = [
      [['--target', 'http://h/wsman', '--target-user', 'u', '--out', path.join(dir, 'a.json')], {}, "give the target's password in the environment variable IPAM_TARGET_PASSWORD"],
      [['--target', 'http://h/wsman', '--target-user', 'u', '--out', existing], { IPAM_TARGET_PASSWORD: 'p' }, `--out: ${existing} exists; remove it or pass --force to overwrite it`],
      [['--target', 'http://u:p@h/wsman', '--target-user', 'u', '--out', path.join(dir, 'b.json')], { IPAM_TARGET_PASSWORD: 'p' }, '--target must not hold credentials'],
      [['--target', 'http://h/wsman', '--target-user', 'u', '--out', path.join(dir, 'c.json'), '--target-authentication', 'kerberos'], { IPAM_TARGET_PASSWORD: 'p' }, '--target-authentication must be basic or negotiate'],
      [['--target-user', 'u', '--out', path.join(dir, 'd.json')], { IPAM_TARGET_PASSWORD: 'p' }, '--target is required'],
    ];
    for (const [args, env, message] of cases) {
      const r = io(env);
      expect(await runRecord(args, r)).toBe(2);
      expect(r.out()).toContain(`ipam-emulator record: ${message}`);
      expect(r.out()).toContain('Usage: ipam-emulator record');
    }
    expect(fs.readFileSync(existing, 'utf8')).toBe('mine');
    expect(fs.readdirSync(dir)).toEqual(['kept.json']);
  });
});

describe('an https:// target', () => {
  test('--ca-cert trusts the target\'s certificate (NTLM with channel bindings, not sealed); without it the certificate is refused, clearly', async () => {
    const target = await startEmulator();
    try {
      const ca = path.join(target.dataDir, 'tls', 'cert.pem');
      const refused = io({ IPAM_TARGET_PASSWORD: 'Passw0rd!' });
      const args = ['--target', target.httpsUrl, '--target-user', 'Administrator', '--target-authentication', 'negotiate', '--port', '0'];
      expect(await runRecord([...args, '--out', path.join(tempDir(), 'c.json')], refused)).toBe(1);
      expect(refused.out()).toMatch(/^ipam-emulator record: cannot reach the target https:\/\/127\.0\.0\.1:\d+\/wsman: cannot reach 127\.0\.0\.1:\d+ \(self-signed certificate\)/);

      const proxy = await startRecordingProxy({ target: target.httpsUrl, targetUser: 'Administrator', targetPassword: 'Passw0rd!', targetAuthentication: 'negotiate', tls: { ca: fs.readFileSync(ca, 'utf8') }, port: 0, logger: pino({ level: 'silent' }) });
      const client = new WsmanClient({ endpoint: proxy.url, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
      try {
        const [server] = await client.enumerate(IPAM_SERVER_URI);
        expect(server?.ServerName).toBe('ipam1.contoso.com');
        expect(proxy.recorder.cassette()).toMatchObject({ target: { url: target.httpsUrl, authentication: 'negotiate' }, entries: [{ reply: { status: 200 } }] });
        expect(target.logs().some((l) => l.includes('"tls":true') && l.includes('"auth":"Negotiate"') && l.includes('"status":200'))).toBe(true);
      } finally {
        client.close();
        await proxy.stop();
      }
    } finally {
      await target.stop();
    }
  });
});

describe('the recording proxy under bad input', () => {
  test('binds 127.0.0.1 by default; a target that goes away mid-session: the client gets a fault saying so, nothing is recorded, the proxy goes on', async () => {
    const target = await startEmulator();
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
    const proxy = await startRecordingProxy({ target: target.url, targetUser: 'Administrator', targetPassword: 'Passw0rd!', port: 0, logger });
    const client = new WsmanClient({ endpoint: proxy.url, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
    try {
      expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/wsman$/);
      await client.enumerate(IPAM_SERVER_URI);
      expect(proxy.recorder.cassette().entries).toHaveLength(1);
      await target.stop();
      for (let i = 0; i < 2; i++) {
        const err = (await client.enumerate(IPAM_SERVER_URI).catch((e: unknown) => e)) as WsmanFaultError;
        expect(err).toBeInstanceOf(WsmanFaultError);
        expect(err.subcodeName).toBe('w:InternalError');
        expect(err.message).toMatch(/^The recording proxy got no reply from the target 127\.0\.0\.1:\d+: cannot reach 127\.0\.0\.1:\d+ \(/);
      }
      expect(proxy.recorder.cassette().entries).toHaveLength(1);
      expect(lines.join('')).toContain('the target did not answer: nothing recorded');
    } finally {
      client.close();
      await proxy.stop();
    }
  });

  test('a request the target refuses (its account locked out meanwhile) is recorded as it was, a 401, and replayed as one', async () => {
    const fixture = structuredClone(contoso) as Fixture;
    fixture.policy = { ...fixture.policy, lockout: { threshold: 1, windowMinutes: 10, durationMinutes: 10 } };
    const target = await startEmulator({ fixture });
    const proxy = await startRecordingProxy({ target: target.url, targetUser: 'Administrator', targetPassword: 'Passw0rd!', port: 0, logger: pino({ level: 'silent' }) });
    const client = new WsmanClient({ endpoint: proxy.url, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
    try {
      await client.enumerate(IPAM_SERVER_URI);
      // Someone else gets the password wrong at the target: one failure locks the account.
      expect((await post(target.url, IDENTIFY, { Authorization: 'Basic ' + Buffer.from('Administrator:wrong').toString('base64') })).status).toBe(401);
      expect(await client.enumerate(IPAM_SERVER_URI).catch((e: unknown) => e)).toBeInstanceOf(WsmanAuthError);
      const cassette = proxy.recorder.cassette();
      expect(cassette.entries.map((e) => e.reply.status)).toEqual([200, 401]);
      expect(cassette.entries[1]?.reply.body).toBe('');

      const replay = Emulator.create({ dataDir: tempDir(), logger: pino({ level: 'silent' }), replay: { cassette } });
      const listener = await replay.start('127.0.0.1', 0, { httpsPort: false });
      const again = new WsmanClient({ endpoint: listener.url, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
      try {
        expect(await again.enumerate(IPAM_SERVER_URI)).toHaveLength(1);
        expect(await again.enumerate(IPAM_SERVER_URI).catch((e: unknown) => e)).toBeInstanceOf(WsmanAuthError);
      } finally {
        again.close();
        await replay.stop();
      }
    } finally {
      client.close();
      await proxy.stop();
      await target.stop();
    }
  });

  test('a request that is not XML goes to the target, which answers it, and is not recorded; a client the proxy refuses never reaches the target', async () => {
    const target = await startEmulator();
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
    const proxy = await startRecordingProxy({ target: target.url, targetUser: 'Administrator', targetPassword: 'Passw0rd!', port: 0, logger });
    try {
      const broken = await post(proxy.url, '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>', { Authorization: ADMIN });
      expect(broken.status).toBe(500);
      expect(broken.text).toContain('SchemaValidationError');
      expect(proxy.recorder.cassette().entries).toHaveLength(0);
      expect(lines.join('')).toContain('a request that is not an XML envelope was forwarded but not recorded');
      // A client with the wrong password is refused by the proxy itself (the fixture's accounts): nothing reaches the target.
      expect((await post(proxy.url, IDENTIFY, { Authorization: 'Basic ' + Buffer.from('Administrator:nope').toString('base64') })).status).toBe(401);
      expect(target.logs().filter((l) => l.includes('"msg":"request"')).length).toBe(2 + 1); // the two probes and the broken request
    } finally {
      await proxy.stop();
      await target.stop();
    }
  });
});

describe('ipam-emulator conform against an endpoint that does not answer', () => {
  test('exit 1: the first request is reported not sent, and the run stops there', async () => {
    const target = await startEmulator();
    const proxy = await startRecordingProxy({ target: target.url, targetUser: 'Administrator', targetPassword: 'Passw0rd!', port: 0, logger: pino({ level: 'silent' }) });
    const file = path.join(tempDir(), 'c.json');
    try {
      const client = new WsmanClient({ endpoint: proxy.url, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
      await client.enumerate(IPAM_SERVER_URI);
      await client.enumerate(IPAM_SERVER_URI);
      client.close();
    } finally {
      await proxy.stop();
      await target.stop();
    }
    fs.writeFileSync(file, JSON.stringify(proxy.recorder.cassette()));
    const port = await closedPort();
    const r = io({ IPAM_PASSWORD: 'Passw0rd!' });
    expect(await runConform([file, '--endpoint', `http://127.0.0.1:${port}/wsman`, '--user', 'Administrator', '--json'], r)).toBe(1);
    const report = JSON.parse(r.out()) as { sent: number; entries: number; results: Array<{ entry: number; error?: string }> };
    expect(report).toMatchObject({ sent: 0, entries: 2 });
    expect(report.results).toEqual([expect.objectContaining({ entry: 0, error: expect.stringMatching(/^cannot reach 127\.0\.0\.1:\d+ \(.*ECONNREFUSED/) })]);
  });
});

describe('the built CLI', () => {
  beforeAll(() => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" (npm test does it first)`);
  });

  function run(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<{ code: number | null; out: string }> } {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const done = new Promise<{ code: number | null; out: string }>((resolve) => child.once('exit', (code) => resolve({ code, out })));
    return { child, done };
  }

  test('serve --replay with a malformed cassette exits 2 naming the entry; --on-miss needs --replay', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ format: 'ipam-wsman-cassette', version: 1, entries: [{ request: { headers: '<h/>', body: '<b/>' }, reply: { status: 200, contentType: 'text/xml', body: '<oops>' } }] }));
    const bad = await run(['serve', '--port', '0', '--no-https', '--data-dir', dir, '--replay', file]).done;
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('ipam-emulator: bad.json: entries[0].reply.body is not well-formed XML');
    const missing = await run(['serve', '--port', '0', '--data-dir', dir, '--on-miss', 'emulate']).done;
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('--on-miss goes with --replay');
  });

  test('record stops cleanly on SIGINT with its cassette written; conform of it exits 0', async () => {
    const target = await startEmulator();
    try {
      const out = path.join(tempDir(), 'c.json');
      const rec = run(['record', '--target', target.url, '--target-user', 'Administrator', '--out', out, '--port', '0'], { IPAM_TARGET_PASSWORD: 'Passw0rd!' });
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        rec.child.stdout?.on('data', (d: Buffer) => {
          seen += d.toString();
          const m = /"url":"(http:\/\/127\.0\.0\.1:\d+\/wsman)"/.exec(seen);
          if (m) resolve(m[1] as string);
        });
        void rec.done.then((r) => reject(new Error(`record exited ${r.code}: ${r.out}`)));
      });
      const client = new WsmanClient({ endpoint: url, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
      await client.get(IPAM_SERVER_URI.replace('MSFT_IPAM_Server', 'MSFT_IPAM_ServerConfiguration'), { InstanceID: 'IpamServerConfiguration' });
      client.close();
      rec.child.kill('SIGINT');
      const { code, out: text } = await rec.done;
      expect(code).toBe(0);
      expect(text).toContain('"msg":"stopped recording"');
      expect(text).not.toContain('Passw0rd!');
      const r = io();
      expect(await runConform([out], r)).toBe(0);
      expect(r.out()).toContain('1 request sent: no differences');
    } finally {
      await target.stop();
    }
  });
});
