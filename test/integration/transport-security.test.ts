/**
 * Transport security as WinRM's service policy has it: the HTTPS listener and
 * its certificate, Basic over plain HTTP refused unless AllowUnencrypted, the
 * auth schemes a host offers, and account lockout after repeated failures.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import tls from 'node:tls';
import { loadFixture, type Fixture } from '../../src/config/fixture';
import { ACTION, IDENTIFY, WMI, basic, call, faultOf, post } from '../support/soap';
import { startEmulator, tempDir, type TestEmulator } from '../support/emulator';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

function windowsDefaults(policy: Fixture['policy'] = {}): Fixture {
  const fx = loadFixture(path.join(FIXTURES, 'windows-defaults.json'));
  return { ...fx, policy: { ...fx.policy, ...policy, auth: { ...fx.policy?.auth, ...policy.auth } } };
}

function peerCertificate(url: string): Promise<X509Certificate> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: u.hostname, port: Number(u.port), servername: 'ipam1.contoso.com', rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      resolve(new X509Certificate(raw));
    });
    socket.on('error', reject);
  });
}

describe('the HTTPS listener', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.stop());

  test('serves WS-Man over TLS with a self-signed certificate naming the fleet, kept in the data directory', async () => {
    expect(emu.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/wsman$/);
    const r = await post(emu.httpsUrl, IDENTIFY);
    expect(r.status).toBe(200);
    expect(r.text).toContain('IdentifyResponse');

    const cert = await peerCertificate(emu.httpsUrl);
    expect(cert.checkHost('ipam1.contoso.com')).toBe('ipam1.contoso.com');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.fingerprint.replace(/:/g, '')).toBe(emu.emulator.tls?.thumbprint);

    const keyFile = path.join(emu.dataDir, 'tls', 'key.pem');
    expect(fs.statSync(keyFile).mode & 0o077).toBe(0);
    expect(new X509Certificate(fs.readFileSync(path.join(emu.dataDir, 'tls', 'cert.pem'))).fingerprint).toBe(cert.fingerprint);
  });

  test('the same certificate is used again after a restart', async () => {
    const dataDir = tempDir();
    const first = await startEmulator({ dataDir });
    const thumbprint = first.emulator.tls?.thumbprint;
    expect(first.emulator.tls?.generated).toBe(true);
    await first.stop();
    const second = await startEmulator({ dataDir });
    try {
      expect(second.emulator.tls?.generated).toBe(false);
      expect(second.emulator.tls?.thumbprint).toBe(thumbprint);
      expect((await peerCertificate(second.httpsUrl)).fingerprint.replace(/:/g, '')).toBe(thumbprint);
    } finally {
      await second.stop();
    }
  });

  test('a certificate from configuration is served instead', async () => {
    const donor = await startEmulator();
    const certFile = path.join(donor.dataDir, 'tls', 'cert.pem');
    const keyFile = path.join(donor.dataDir, 'tls', 'key.pem');
    const thumbprint = donor.emulator.tls?.thumbprint;
    await donor.stop();

    const dataDir = tempDir();
    const { Emulator } = await import('../../src/app');
    const e = Emulator.create({ dataDir, logger: (await import('pino')).default({ level: 'silent' }) });
    await e.start('127.0.0.1', 0, { httpsPort: 0, tls: { certFile, keyFile } });
    try {
      expect(e.tls?.generated).toBe(false);
      expect((await peerCertificate(e.httpsListener!.url)).fingerprint.replace(/:/g, '')).toBe(thumbprint);
      expect(fs.existsSync(path.join(dataDir, 'tls'))).toBe(false);
    } finally {
      await e.stop();
    }
  });
});

describe('the windows-defaults fixture: a stock WinRM service', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ fixture: windowsDefaults() });
  });
  afterAll(() => emu.stop());

  test('offers only Negotiate, and refuses Basic over HTTP and HTTPS alike (Auth/Basic is false)', async () => {
    for (const url of [emu.url, emu.httpsUrl]) {
      const r = await post(url, IDENTIFY);
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Negotiate');
    }
  });

  test('an unauthenticated Identify still answers', async () => {
    const r = await post(emu.url, IDENTIFY, { Authorization: '', WSMANIDENTIFY: 'unauthenticated' });
    expect(r.status).toBe(200);
  });
});

describe('Basic and AllowUnencrypted', () => {
  test('with Basic on and AllowUnencrypted false, Basic works over HTTPS only', async () => {
    const emu = await startEmulator({ fixture: windowsDefaults({ auth: { basic: true } }) });
    try {
      const plain = await post(emu.url, IDENTIFY);
      expect(plain.status).toBe(401);
      expect(plain.headers.get('www-authenticate')).toBe('Negotiate, Basic realm="WSMAN"');
      expect(emu.logs().some((l) => l.includes('AllowUnencrypted is false'))).toBe(true);
      expect((await post(emu.httpsUrl, IDENTIFY)).status).toBe(200);
    } finally {
      await emu.stop();
    }
  });

  test('setting AllowUnencrypted makes plain Basic work again', async () => {
    const emu = await startEmulator({ fixture: windowsDefaults({ allowUnencrypted: true, auth: { basic: true } }) });
    try {
      expect((await post(emu.url, IDENTIFY)).status).toBe(200);
      const r = await call(emu.url, { action: ACTION.enumerate, resourceUri: WMI + 'MSFT_IPAM_Server', body: '<n:Enumerate/>' });
      expect(r.status).toBe(200);
    } finally {
      await emu.stop();
    }
  });

  test('the embedded default is a lab host: Basic over plain HTTP works', async () => {
    const emu = await startEmulator();
    try {
      expect((await post(emu.url, IDENTIFY)).status).toBe(200);
    } finally {
      await emu.stop();
    }
  });
});

describe('account lockout', () => {
  test('after the threshold of failures the account is locked, even for the right password, and others are not', async () => {
    const emu = await startEmulator({ fixture: windowsDefaults({ allowUnencrypted: true, auth: { basic: true }, lockout: { threshold: 3, windowMinutes: 5, durationMinutes: 5 } }) });
    try {
      for (let i = 0; i < 3; i++) expect((await post(emu.url, IDENTIFY, { Authorization: basic('ipamuser', 'wrong') })).status).toBe(401);
      expect((await post(emu.url, IDENTIFY, { Authorization: basic('ipamuser', 'Passw0rd!') })).status).toBe(401);
      expect(emu.logs().some((l) => /locked/i.test(l) && l.includes('ipamuser'))).toBe(true);
      expect((await post(emu.url, IDENTIFY, { Authorization: basic('Administrator', 'Passw0rd!') })).status).toBe(200);
      // Nothing of the passwords tried reaches the log.
      expect(emu.logs().join('\n')).not.toMatch(/wrong|Passw0rd/);
    } finally {
      await emu.stop();
    }
  });

  test('a Basic logon remembered on a keep-alive connection is checked again: locked out elsewhere, or another header, and it is refused', async () => {
    const emu = await startEmulator({ fixture: windowsDefaults({ allowUnencrypted: true, auth: { basic: true }, lockout: { threshold: 3, windowMinutes: 5, durationMinutes: 5 } }) });
    const kept = new http.Agent({ keepAlive: true, maxSockets: 1 });
    /** One Identify on the kept connection: the status and the client's local port (the same port: the same connection). */
    const onKept = (authorization: string): Promise<{ status: number; port: number | undefined }> =>
      new Promise((resolve, reject) => {
        const body = Buffer.from(IDENTIFY);
        const req = http.request(emu.url, { method: 'POST', agent: kept, headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', Authorization: authorization, 'Content-Length': body.length } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, port: req.socket?.localPort }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const first = await onKept(basic('ipamuser', 'Passw0rd!'));
      expect(first.status).toBe(200);
      expect(await onKept(basic('ipamuser', 'Passw0rd!'))).toEqual(first);
      // Another password on the same connection is verified, and fails; the right one works again.
      expect((await onKept(basic('ipamuser', 'wrong'))).status).toBe(401);
      expect((await onKept(basic('ipamuser', 'Passw0rd!'))).status).toBe(200);
      const before = await onKept(basic('ipamuser', 'Passw0rd!'));
      expect(before.status).toBe(200);
      // Locked out by failures on other connections: the remembered logon does not outlive it.
      for (let i = 0; i < 3; i++) expect((await post(emu.url, IDENTIFY, { Authorization: basic('ipamuser', 'wrong'), Connection: 'close' })).status).toBe(401);
      const after = await onKept(basic('ipamuser', 'Passw0rd!'));
      expect(after).toEqual({ status: 401, port: before.port });
    } finally {
      kept.destroy();
      await emu.stop();
    }
  });

  test('an unknown account gets 401, and a request the account may not make gets w:AccessDenied', async () => {
    const emu = await startEmulator();
    try {
      expect((await post(emu.url, IDENTIFY, { Authorization: basic('nobody', 'x') })).status).toBe(401);
      const r = await call(
        emu.url,
        { action: WMI + 'MSFT_IPAM_Server/InvokeIpamServerProvisioning', resourceUri: WMI + 'MSFT_IPAM_Server', body: '<p:InvokeIpamServerProvisioning_INPUT xmlns:p="' + WMI + 'MSFT_IPAM_Server"/>' },
        { Authorization: basic('ipamuser', 'Passw0rd!') },
      );
      expect(r.status).toBe(500);
      expect(faultOf(r.xml).subcode).toBe('w:AccessDenied');
      expect(faultOf(r.xml).wsmanCode).toBe('5');
    } finally {
      await emu.stop();
    }
  });
});
