/**
 * The jest harness of docs/determinism.md, as written there (importing ../../src instead of the
 * package): two emulators with the same seed and virtual clock hand out the same job identifiers
 * and times, and a job waits for the clock.
 */
import pino from 'pino';
import { BasicAuthenticator, Emulator, VirtualClock, WsmanClient, listJobs, provisionHost } from '../../src';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';

async function run(): Promise<{ accepted: string | undefined; jobs: unknown }> {
  const fixture = { ...(contoso as Fixture), timing: { steps: { '*': { ms: 1000 } } } };
  const emu = Emulator.create({ fixture, dataDir: ':memory:', seed: 7, clock: new VirtualClock(Date.parse('2026-01-01T00:00:00Z')), logger: pino({ level: 'silent' }) });
  const { url } = await emu.start('127.0.0.1', 0, { httpsPort: false });
  const client = new WsmanClient({ endpoint: url, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
  const admin = (path: string, body?: unknown): Promise<Response> =>
    fetch(url.replace(/wsman$/, `_emulator${path}`), {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: 'Basic ' + Buffer.from('Administrator:Passw0rd!').toString('base64'), 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
  try {
    const result = await provisionHost(client, { Force: true }, { asJob: true });
    // Six steps of a second each on the virtual clock: the job runs only as the clock moves.
    expect((await listJobs(client)).map((j) => j.jobStateName)).toEqual(['Running']);
    await admin('/clock', { advanceMs: 6000 });
    const jobs = await listJobs(client);
    expect(jobs.map((j) => j.jobStateName)).toEqual(['Completed']);
    return { accepted: result.job?.instanceId, jobs };
  } finally {
    client.close();
    await emu.stop();
  }
}

test('the same seed and clock give the same jobs, identifiers and times included', async () => {
  const first = await run();
  const second = await run();
  expect(first.accepted).toMatch(/^IPAM:Job:/);
  expect(second).toEqual(first);
});
