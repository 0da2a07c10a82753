/**
 * Issue 12 item 6: the fixture's step durations. Runs take as long as the fixture says, so a
 * fan-out's ThrottleLimit shows in the concurrency the dispatcher observed; on a virtual clock
 * the steps end only as the clock is moved.
 */
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import { VirtualClock } from '../../src/harness';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { ADMIN, WMI, bodyOf, call, child, elements, textOf } from '../support/soap';

jest.setTimeout(60_000);

const SERVER = WMI + 'MSFT_IPAM_Server';
const FLEET = WMI + 'MSFT_IPAM_Fleet';
const AS_JOB = '<w:Option Name="IpamEmulator_AsJob" Type="xs:boolean">true</w:Option>';

function fleetOf(count: number, timing: Fixture['timing']): Fixture {
  const base = structuredClone(contoso) as Fixture;
  const template = base.hosts[0]!;
  return { ...base, timing, hosts: Array.from({ length: count }, (_, i) => ({ ...template, fqdn: `ipam${i + 1}.contoso.com` })) };
}

async function admin<T>(emu: TestEmulator, path: string, method = 'GET', body?: unknown): Promise<T> {
  const r = await fetch(emu.url.replace(/\/wsman$/, `/_emulator${path}`), { method, headers: { Authorization: ADMIN, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await r.json()) as T;
}

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const running: TestEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

test("with steps that take time, a fan-out's ThrottleLimit is what the dispatcher observes", async () => {
  const emu = await startEmulator({ fixture: fleetOf(8, { steps: { '*': { ms: 60 } } }) });
  running.push(emu);
  const hosts = Array.from({ length: 8 }, (_, i) => `<p:Hosts>ipam${i + 1}.contoso.com</p:Hosts>`).join('');
  const r = await call(emu.url, {
    action: `${FLEET}/InvokeIpamServerProvisioningOnHosts`,
    resourceUri: FLEET,
    body: `<p:InvokeIpamServerProvisioningOnHosts_INPUT xmlns:p="${FLEET}">${hosts}<p:ThrottleLimit>3</p:ThrottleLimit><p:Force>true</p:Force></p:InvokeIpamServerProvisioningOnHosts_INPUT>`,
  });
  expect(r.status).toBe(200);
  await waitUntil(async () => (await admin<unknown[]>(emu, '/jobs?state=Completed')).length === 8, 'the 8 jobs to complete');
  expect((await admin<{ overall: { peak: number } }>(emu, '/concurrency')).overall.peak).toBe(3);
});

test('on a virtual clock a step of the emulator-clock kind ends only when the clock is moved past it', async () => {
  const emu = await startEmulator({ fixture: fleetOf(1, { steps: { '*': { ms: 1000 } } }), clock: new VirtualClock(Date.parse('2026-01-01T00:00:00Z')) });
  running.push(emu);
  const r = await call(emu.url, {
    action: `${SERVER}/InvokeIpamServerProvisioning`,
    resourceUri: SERVER,
    optionsXml: AS_JOB,
    body: `<p:InvokeIpamServerProvisioning_INPUT xmlns:p="${SERVER}"><p:Force>true</p:Force></p:InvokeIpamServerProvisioning_INPUT>`,
  });
  expect(textOf(child(elements(bodyOf(r.xml))[0]!, SERVER, 'ReturnValue')!)).toBe('4096');
  const job = async (): Promise<{ stateName: string; percent: number }> => (await admin<Array<{ stateName: string; percent: number }>>(emu, '/jobs'))[0]!;
  await waitUntil(async () => (await job()).stateName === 'Running', 'the job to start');
  // Real time passes; the clock does not: the first step is still waiting.
  await new Promise((res) => setTimeout(res, 100));
  expect(await job()).toMatchObject({ stateName: 'Running', percent: 0 });
  await admin(emu, '/clock', 'POST', { advanceMs: 2500 });
  await waitUntil(async () => (await job()).percent >= 33, 'two steps to end');
  expect((await job()).stateName).toBe('Running');
  await admin(emu, '/clock', 'POST', { advanceMs: 4000 });
  await waitUntil(async () => (await job()).stateName === 'Completed', 'the job to complete');
  expect((await admin<{ now: string }>(emu, '/clock')).now).toBe('2026-01-01T00:00:06.500Z');
});
