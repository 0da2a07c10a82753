/**
 * Load (robustness, issue 6): 200 concurrent clients, each on its own keep-alive
 * connections, hammer a 40-host emulator with a mix of reads and provisioning
 * for a bounded time. Nothing but intended faults may come back (the "already in
 * progress" error when two clients provision one host at once), every job a
 * client was told about must end up in the job list in a final state, and no
 * internal error may be logged. Outcomes are asserted, never durations.
 */
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import { IPAM_SERVER_URI, getJob, listJobs, provisionHost, type JobReference } from '../../src/client/ipam';
import { BasicAuthenticator, WsmanFaultError } from '../../src/client/transport';
import { WsmanClient } from '../../src/client/wsmanClient';
import { startEmulator, type TestEmulator } from '../support/emulator';

const CLIENTS = 200;
const HOSTS = Array.from({ length: 40 }, (_, i) => `ipam${i + 1}.contoso.com`);
/** How long the clients keep going: bounded, and long enough for every operation to overlap many times. */
const LOAD_MS = 4000;
const JOB_URI = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_ConcreteJob';
/** ERROR_BUSY: the provisioning-in-progress error a second concurrent call for one host gets (intended). */
const IN_PROGRESS = 'WIN32 170';

jest.setTimeout(120_000);

let emu: TestEmulator;
beforeAll(async () => {
  const base = contoso as Fixture;
  emu = await startEmulator({ fixture: { ...base, hosts: HOSTS.map((fqdn) => ({ ...base.hosts[0]!, fqdn })) }, stepDelayMs: 2 });
});
afterAll(() => emu.stop());

interface Tally {
  ok: Record<string, number>;
  intended: number;
  unexpected: string[];
  jobs: Map<string, JobReference>;
}

async function clientLoop(index: number, deadline: number, tally: Tally): Promise<void> {
  const host = HOSTS[index % HOSTS.length] as string;
  const client = new WsmanClient({ endpoint: emu.url, hostHeader: host, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
  const keys = { Name: 'IP Address Management (IPAM) Server', IdentifyingNumber: host, Vendor: 'Microsoft Corporation', Version: '10.0.20348' };
  // Jobs belong to their host: a client reads back the last one it started.
  let myJob: JobReference | undefined;
  try {
    for (let i = 0; Date.now() < deadline; i++) {
      const op = ['identify', 'get', 'enumerate', 'provision', 'get', 'job'][(index + i) % 6] as string;
      try {
        switch (op) {
          case 'identify':
            await client.identify({ authenticated: true });
            break;
          case 'get':
            await client.get(IPAM_SERVER_URI, keys);
            break;
          case 'enumerate':
            await client.enumerate(JOB_URI, { maxElements: 50 });
            break;
          case 'provision': {
            const r = await provisionHost(client, { Force: true }, { asJob: true });
            if (r.job) {
              tally.jobs.set(r.job.instanceId, r.job);
              myJob = r.job;
            }
            break;
          }
          case 'job': {
            if (myJob) await getJob(client, myJob);
            else await client.identify({ authenticated: true });
            break;
          }
        }
        tally.ok[op] = (tally.ok[op] ?? 0) + 1;
      } catch (e) {
        if (e instanceof WsmanFaultError && op === 'provision' && e.cimError?.messageId === IN_PROGRESS) {
          tally.intended++;
          continue;
        }
        const what = e instanceof WsmanFaultError ? `fault ${e.subcode?.local ?? e.code} HTTP ${e.httpStatus}: ${e.reason}` : `${(e as Error).name}: ${(e as Error).message}`;
        tally.unexpected.push(`client ${index} (${host}) ${op}: ${what}`);
      }
    }
  } finally {
    client.close();
  }
}

test(`${CLIENTS} concurrent clients: only intended faults, every job finished and listed, no internal error`, async () => {
  const tally: Tally = { ok: {}, intended: 0, unexpected: [], jobs: new Map() };
  const deadline = Date.now() + LOAD_MS;
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => clientLoop(i, deadline, tally)));

  expect(tally.unexpected.slice(0, 20)).toEqual([]);
  // Every kind of request was served many times over, and provisioning really ran concurrently.
  for (const op of ['identify', 'get', 'enumerate', 'provision']) expect(tally.ok[op] ?? 0).toBeGreaterThan(CLIENTS / 10);
  expect(tally.jobs.size).toBeGreaterThan(0);

  // Every job a client was handed ends in a final state and is in the list.
  await emu.emulator.jobs.drain();
  {
    const listed = new Map<string, string>();
    for (const host of HOSTS) {
      const perHost = new WsmanClient({ endpoint: emu.url, hostHeader: host, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
      try {
        for (const j of await listJobs(perHost)) listed.set(j.instanceId, j.jobStateName);
      } finally {
        perHost.close();
      }
    }
    const missing = [...tally.jobs.keys()].filter((id) => !listed.has(id));
    expect(missing).toEqual([]);
    const unfinished = [...tally.jobs.keys()].filter((id) => listed.get(id) !== 'Completed');
    expect(unfinished.map((id) => `${id}: ${listed.get(id)}`)).toEqual([]);
    // And every host ended provisioned.
    for (const host of HOSTS.slice(0, 3)) {
      const c = new WsmanClient({ endpoint: emu.url, hostHeader: host, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
      try {
        const server = await c.get(IPAM_SERVER_URI, { Name: 'IP Address Management (IPAM) Server', IdentifyingNumber: host, Vendor: 'Microsoft Corporation', Version: '10.0.20348' });
        expect(server.ProvisioningState).toBe('2');
      } finally {
        c.close();
      }
    }
  }

  // No 5xx beyond faults, no internal error: nothing at level error in the log, and every 500 carried a fault.
  const lines = emu.logs().map((l) => JSON.parse(l) as { level: number; msg: string; status?: number; fault?: string });
  expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
  const requests = lines.filter((l) => l.msg === 'request');
  expect(requests.length).toBeGreaterThan(CLIENTS);
  expect(requests.filter((l) => (l.status ?? 0) >= 500 && l.fault === undefined)).toEqual([]);
  expect(requests.filter((l) => l.fault !== undefined && l.fault !== 'w:InternalError').map((l) => l.fault)).toEqual([]);
});
