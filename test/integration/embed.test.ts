/**
 * The embedding API (issue 13): startEmulator on free ports with a temporary data directory, the
 * typed admin client, client() bound to a host, readiness (health), and what stop() leaves behind
 * (no port bound, no folder). Real sockets, real SQLite files, the package's own entry point.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { AdminApiError, DataDirLockedError, Emulator, ProvisioningMethod, provisionHost, startEmulator, type RunningEmulator } from '../../src/index';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import { tempDir } from '../support/emulator';

const IPAM_SERVER = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server';

/** Whether something accepts connections on the URL's port. */
function accepts(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(u.port), u.hostname);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

test('startEmulator({ hosts: 3, port: 0 }): provision through client(), read back through admin, stop leaves no port and no folder', async () => {
  const emu = await startEmulator({ hosts: 3, port: 0 });
  const ports = [emu.url, emu.httpsUrl as string, ...emu.hosts.map((h) => h.url)];
  try {
    expect(emu.hosts.map((h) => h.name)).toEqual(['ipam1.contoso.com', 'ipam2.contoso.com', 'ipam3.contoso.com']);
    // Every host on a free port of its own, none of them the main one or 5985.
    expect(new Set(ports.map((u) => new URL(u).port)).size).toBe(5);
    expect(emu.hosts.every((h) => h.ownPort && !h.url.endsWith(':5985/wsman'))).toBe(true);
    expect(fs.existsSync(emu.dataDir)).toBe(true);

    const client = emu.client('ipam2.contoso.com');
    try {
      const result = await provisionHost(client, { ProvisioningMethod: ProvisioningMethod.Manual, Force: true });
      expect(result.returnValue).toBe(0);
    } finally {
      client.close();
    }
    const hosts = await emu.admin.hosts();
    expect(Object.fromEntries(hosts.map((h) => [h.fqdn, h.provisioningState]))).toEqual({
      'ipam1.contoso.com': 'NotProvisioned',
      'ipam2.contoso.com': 'Provisioned',
      'ipam3.contoso.com': 'NotProvisioned',
    });
    // The host's port is the one taken at start, in the admin API too.
    expect(hosts.find((h) => h.fqdn === 'ipam2.contoso.com')?.port).toBe(Number(new URL(emu.hosts[1]?.url as string).port));
    const jobs = await emu.admin.jobs({ host: 'ipam2.contoso.com' });
    expect(jobs.map((j) => j.stateName)).toEqual(['Completed']);
    expect((await emu.admin.health()).status).toBe('ok');
  } finally {
    await emu.stop();
  }
  for (const url of ports) expect(await accepts(url)).toBe(false);
  expect(fs.existsSync(emu.dataDir)).toBe(false);
});

test('two emulators in one process on different ports do not interfere', async () => {
  const [a, b] = await Promise.all([startEmulator({ httpsPort: false }), startEmulator({ httpsPort: false })]);
  try {
    expect(a.url).not.toBe(b.url);
    expect(a.dataDir).not.toBe(b.dataDir);
    const client = a.client();
    try {
      await provisionHost(client, { ProvisioningMethod: ProvisioningMethod.Manual, Force: true });
    } finally {
      client.close();
    }
    expect((await a.admin.host('ipam1.contoso.com')).provisioningState).toBe('Provisioned');
    expect((await b.admin.host('ipam1.contoso.com')).provisioningState).toBe('NotProvisioned');
    // b's client reads b's host: the CIM door agrees with b's admin API.
    const bc = b.client();
    try {
      const [server] = await bc.enumerate(IPAM_SERVER);
      expect(server?.ProvisioningState).toBe('0');
    } finally {
      bc.close();
    }
    await a.admin.addFault({ match: { operation: 'Get' }, effect: { wsmanFault: { subcode: 'AccessDenied' } } });
    expect((await a.admin.faults()).rules).toHaveLength(1);
    expect((await b.admin.faults()).rules).toHaveLength(0);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('a data directory given is kept at stop, and a second emulator on it is refused while the first runs', async () => {
  const dir = tempDir();
  const first = await startEmulator({ dataDir: dir, httpsPort: false });
  try {
    await expect(startEmulator({ dataDir: dir, httpsPort: false })).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(startEmulator({ dataDir: dir, httpsPort: false })).rejects.toThrow(/in use by another emulator .*--data-dir/);
  } finally {
    await first.stop();
  }
  expect(fs.existsSync(path.join(dir, 'state.sqlite'))).toBe(true);
  // Released at stop: the next one starts on it.
  const second = await startEmulator({ dataDir: dir, httpsPort: false });
  await second.stop();
});

test("dataDir ':memory:' keeps its files in a folder of its own, removed at stop", async () => {
  const emu = await startEmulator({ dataDir: ':memory:', httpsPort: false });
  const onDisk = emu.emulator.filesDir;
  expect(fs.existsSync(onDisk)).toBe(true);
  expect(path.basename(onDisk)).not.toBe(':memory:');
  await emu.stop();
  expect(fs.existsSync(onDisk)).toBe(false);
  expect(fs.existsSync(path.resolve(':memory:'))).toBe(false);
});

test('the admin client: typed errors, faults given at start, snapshots, the journal, the clock', async () => {
  const emu: RunningEmulator = await startEmulator({
    httpsPort: false,
    clock: 'virtual=2026-01-01T00:00:00Z',
    faults: [{ match: { operation: 'Enumerate' }, effect: { wsmanFault: { subcode: 'QuotaLimit' } } }],
  });
  try {
    const rules = (await emu.admin.faults()).rules;
    expect(rules.map((r) => r.source)).toEqual(['api']);
    const err = await emu.admin.host('nowhere.contoso.com').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminApiError);
    expect((err as AdminApiError).status).toBe(404);
    const client = emu.client();
    try {
      await expect(client.enumerate(IPAM_SERVER)).rejects.toThrow(/busy servicing other requests/);
    } finally {
      client.close();
    }
    const page = await emu.admin.requests({ operation: 'Enumerate' });
    expect(page.entries.map((e) => e.faultRule)).toEqual([rules[0]?.id]);
    expect((await emu.admin.advanceClock(60_000)).now).toBe('2026-01-01T00:01:00.000Z');
    await emu.admin.takeSnapshot('before');
    expect((await emu.admin.snapshots()).map((s) => s.name)).toEqual(['before']);
    const archive = await emu.admin.snapshotArchive('before');
    expect(archive.length).toBeGreaterThan(0);
    expect((await emu.admin.restoreSnapshot('before')).snapshot.name).toBe('before');
  } finally {
    await emu.stop();
  }
});

test('health answers 503 while the emulator stops (jobs draining), and WS-Man requests get 503 then', async () => {
  const fixture = { ...(contoso as Fixture), timing: { steps: { '*': { ms: 400 } }, clock: 'real' as const } };
  const emu = await startEmulator({ fixture, httpsPort: false });
  const client = emu.client();
  try {
    const started = await provisionHost(client, { ProvisioningMethod: ProvisioningMethod.Manual, Force: true }, { asJob: true });
    expect(started.accepted).toBe(true);
    expect((await emu.admin.health()).httpStatus).toBe(200);
    const stopping = emu.stop(20_000);
    const health = await emu.admin.health();
    expect(health).toMatchObject({ httpStatus: 503, status: 'stopping' });
    const wsman = await fetch(emu.url, { method: 'POST', body: '<x/>' });
    expect(wsman.status).toBe(503);
    await stopping;
  } finally {
    client.close();
    await emu.stop();
  }
});

test('an emulator not yet listening reports starting (503), and one stopped reports stopping', async () => {
  const emulator = Emulator.create({ dataDir: ':memory:', logger: pino({ level: 'silent' }) });
  expect(emulator.health()).toMatchObject({ status: 503, body: { status: 'starting', hosts: 1, fleet: 'contoso' } });
  expect(emulator.phase).toBe('created');
  await emulator.start('127.0.0.1', 0, { httpsPort: false });
  expect(emulator.health()).toMatchObject({ status: 200, body: { status: 'ok' } });
  await emulator.stop();
  expect(emulator.phase).toBe('stopped');
  expect(emulator.health()).toMatchObject({ status: 503, body: { status: 'stopping' } });
  // An emulator starts once.
  await expect(emulator.start('127.0.0.1', 0)).rejects.toThrow('an emulator starts once; this one is stopped');
});
