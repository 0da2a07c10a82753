/**
 * The cmdlet twin against stock hosts (the windows-defaults fixture): Negotiate
 * with sealed messages over HTTP, Basic and Negotiate over HTTPS with the
 * emulator's certificate trusted, and the refusals a stock host gives.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadFixture, type Fixture } from '../../src/config/fixture';
import { startEmulator, type TestEmulator } from '../support/emulator';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const HOSTS = ['ipam1.contoso.com', 'ipam2.contoso.com', 'ipam3.contoso.com'];

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" (npm test does it first)`);
});

function stockFleet(policy: Fixture['policy'] = {}): Fixture {
  const fx = loadFixture(path.join(__dirname, '..', '..', 'fixtures', 'windows-defaults.json'));
  return {
    ...fx,
    policy: { ...fx.policy, ...policy, auth: { ...fx.policy?.auth, ...policy.auth } },
    hosts: HOSTS.map((fqdn) => ({ ...fx.hosts[0]!, fqdn })),
  };
}

function twin(endpoint: string, args: string[], password = 'Passw0rd!'): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'provision', '--endpoint', endpoint, '--user', 'Administrator', '--cim-session', HOSTS.join(','), '--json', '--force', ...args],
      { env: { ...process.env, IPAM_PASSWORD: password }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

interface Line {
  host: string;
  ok: boolean;
  returnValue?: number;
  error?: { message: string };
}
const lines = (stdout: string): Line[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

let emu: TestEmulator;
afterEach(() => emu.stop());

test('--authentication negotiate over HTTP: every host provisioned, every message sealed', async () => {
  emu = await startEmulator({ fixture: stockFleet() });
  const r = await twin(emu.url, ['--authentication', 'negotiate']);
  expect(r.code).toBe(0);
  expect(lines(r.stdout).map((l) => [l.host, l.ok, l.returnValue])).toEqual(HOSTS.map((h) => [h, true, 0]));
  const ops = emu.logs().filter((l) => l.includes('"msg":"request"') && l.includes('"op":'));
  expect(ops.length).toBeGreaterThanOrEqual(HOSTS.length);
  for (const l of ops) expect(l).toContain('"sealed":true');
  // Each host logged the caller on as its own local Administrator (IPAM1\Administrator, IPAM2\Administrator…).
  for (const h of HOSTS) {
    const computer = h.split('.')[0]!.toUpperCase();
    expect(ops.some((l) => l.includes(`"host":"${h}"`) && l.includes(`"user":"${computer}\\\\Administrator"`))).toBe(true);
  }
});

test('Basic over HTTP against a stock host: refused (Basic is off), reported per host, exit status 1', async () => {
  emu = await startEmulator({ fixture: stockFleet() });
  const r = await twin(emu.url, []);
  expect(r.code).toBe(1);
  for (const l of lines(r.stdout)) {
    expect(l.ok).toBe(false);
    expect(l.error?.message).toMatch(/Access is denied.*The server offers: Negotiate\./);
  }
});

test('a wrong password with negotiate: access denied on every host, and the password is nowhere in the output', async () => {
  emu = await startEmulator({ fixture: stockFleet() });
  const r = await twin(emu.url, ['--authentication', 'negotiate'], 'Wr0ng-Secret');
  expect(r.code).toBe(1);
  for (const l of lines(r.stdout)) expect(l.error?.message).toMatch(/Access is denied.*\(Negotiate\)/);
  expect(r.stdout + r.stderr + emu.logs().join('\n')).not.toContain('Wr0ng-Secret');
});

test('over HTTPS with the emulator certificate trusted (--ca-cert): Basic, and Negotiate with plain bodies', async () => {
  emu = await startEmulator({ fixture: stockFleet({ auth: { basic: true } }) });
  const ca = path.join(emu.dataDir, 'tls', 'cert.pem');
  const basic = await twin(emu.httpsUrl, ['--ca-cert', ca]);
  expect(basic.stderr).toBe('');
  expect(basic.code).toBe(0);
  const negotiate = await twin(emu.httpsUrl, ['--ca-cert', ca, '--authentication', 'negotiate']);
  expect(negotiate.code).toBe(0);
  const ops = emu.logs().filter((l) => l.includes('"msg":"request"') && l.includes('"op":'));
  expect(ops.every((l) => l.includes('"tls":true'))).toBe(true);
  expect(ops.some((l) => l.includes('"auth":"Negotiate"'))).toBe(true);
  expect(ops.some((l) => l.includes('"sealed":true'))).toBe(false);
});

test('over HTTPS without trusting the certificate: refused by the client; --skip-ca-check connects', async () => {
  emu = await startEmulator({ fixture: stockFleet({ auth: { basic: true } }) });
  const strict = await twin(emu.httpsUrl, []);
  expect(strict.code).toBe(1);
  for (const l of lines(strict.stdout)) expect(l.error?.message).toMatch(/self-signed certificate/);
  const skipped = await twin(emu.httpsUrl, ['--skip-ca-check']);
  expect(skipped.code).toBe(0);
});
