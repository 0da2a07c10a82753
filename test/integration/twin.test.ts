/**
 * The cmdlet twin (`ipam-emulator provision`) as users run it — the built CLI
 * in a child process — against a 50-host emulator. The emulator's per-step
 * delay makes runs overlap, so the throttle is observable.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ADMIN } from '../support/soap';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { VirtualClock } from '../../src/harness';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const HOSTS = Array.from({ length: 50 }, (_, i) => `ipam${i + 1}.contoso.com`);

let emu: TestEmulator;
beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" (npm test does it first)`);
});
beforeEach(async () => {
  const base = contoso as Fixture;
  emu = await startEmulator({ fixture: { ...base, hosts: HOSTS.map((fqdn) => ({ ...base.hosts[0]!, fqdn })) }, stepDelayMs: 10 });
});
afterEach(() => emu.stop());

function twin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'provision', '--endpoint', emu.url, '--user', 'Administrator', '--cim-session', HOSTS.join(','), '--json', ...args],
      { env: { ...process.env, IPAM_PASSWORD: 'Passw0rd!' }, timeout: 120_000, maxBuffer: 10 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function admin<T>(p: string, method = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(emu.url.replace(/\/wsman$/, `/_emulator${p}`), {
    method,
    headers: { Authorization: ADMIN, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return (await res.json()) as T;
}

interface Line {
  host: string;
  ok: boolean;
  returnValue: number;
  job?: { instanceId: string; state: string };
}

test('50 hosts with --throttle-limit 4: every job Completed, and the emulator saw 4 at once, never more', async () => {
  const r = await twin(['--throttle-limit', '4', '--force']);
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
  expect(lines.map((l) => l.host)).toEqual(HOSTS);
  expect(lines.every((l) => l.ok && l.returnValue === 0)).toBe(true);
  const jobs = await admin<Array<{ fqdn: string; stateName: string }>>('/jobs');
  expect(jobs).toHaveLength(50);
  expect(jobs.every((j) => j.stateName === 'Completed')).toBe(true);
  const c = await admin<{ overall: { peak: number }; perClient: Record<string, { peak: number }> }>('/concurrency');
  expect(c.overall.peak).toBe(4);
  expect(Object.values(c.perClient).map((g) => g.peak)).toEqual([4]);
});

test('--as-job returns once every host accepted a job; the jobs then complete', async () => {
  // Steps take time on a virtual clock here, so no job can finish before the clock moves: the twin's
  // return before the work is done is certain, not a race with a loaded machine.
  await emu.stop();
  const base = contoso as Fixture;
  emu = await startEmulator({
    fixture: { ...base, timing: { steps: { '*': { ms: 1000 } } }, hosts: HOSTS.map((fqdn) => ({ ...base.hosts[0]!, fqdn })) },
    clock: new VirtualClock(Date.parse('2026-01-01T00:00:00Z')),
  });
  const r = await twin(['--throttle-limit', '8', '--force', '--as-job']);
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
  expect(lines).toHaveLength(50);
  expect(lines.every((l) => l.ok && l.returnValue === 4096 && typeof l.job?.instanceId === 'string')).toBe(true);
  // Returned before the work was done: every job was accepted and none has completed.
  const atReturn = await admin<Array<{ stateName: string }>>('/jobs');
  expect(atReturn).toHaveLength(50);
  expect(atReturn.filter((j) => j.stateName === 'Completed')).toHaveLength(0);
  // Six steps of a second each, eight hosts at a time: 50 hosts need 7 rounds of 6 s.
  for (let i = 0; i < 60; i++) {
    const done = await admin<Array<{ stateName: string }>>('/jobs?state=Completed');
    if (done.length === 50) break;
    await admin('/clock', 'POST', { advanceMs: 1000 });
  }
  expect((await admin<Array<{ stateName: string }>>('/jobs?state=Completed')).length).toBe(50);
  const ids = new Set(lines.map((l) => l.job?.instanceId));
  expect(new Set((await admin<Array<{ instanceId: string }>>('/jobs')).map((j) => j.instanceId))).toEqual(ids);
});

test('a host that fails is reported with its error and the exit status is 1; the others succeed', async () => {
  // ipam3 is provisioned Manual first, so an Automatic run there is refused (Set-IpamConfiguration).
  const first = await new Promise<number>((resolve) =>
    execFile(process.execPath, [CLI, 'provision', '--endpoint', emu.url, '--user', 'Administrator', '--cim-session', 'ipam3.contoso.com', '--force'], { env: { ...process.env, IPAM_PASSWORD: 'Passw0rd!' } }, (err) =>
      resolve(err ? 1 : 0),
    ),
  );
  expect(first).toBe(0);
  const r = await twin(['--throttle-limit', '4', '--force', '--provisioning-method', 'automatic', '--gpo-prefix', 'IPAM']);
  expect(r.code).toBe(1);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line & { error?: { message: string; messageId: string } });
  expect(lines.filter((l) => !l.ok).map((l) => [l.host, l.error?.messageId])).toEqual([['ipam3.contoso.com', 'WIN32 4317']]);
  expect(lines.filter((l) => l.ok)).toHaveLength(49);
  expect(r.stderr).toContain('ipam3.contoso.com');
  expect(r.stderr).toContain('Set-IpamConfiguration');
});
