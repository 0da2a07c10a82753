/**
 * Jobs, the dispatcher, the fleet fan-out and the admin API, over real sockets.
 * A per-step delay (the engine's test hook) makes runs overlap, so throttling
 * and cancellation are observable without timing assertions.
 */
import { ACTION, ADMIN, WMI, bodyOf, call, child, elements, envelope, faultOf, itemsOf, post, propsOf, textOf, NS, type EnvelopeSpec } from '../support/soap';
import { startEmulator, tempDir, type TestEmulator } from '../support/emulator';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import type { XmlElement } from '../../src/xml/parse';

const SERVER = WMI + 'MSFT_IPAM_Server';
const FLEET = WMI + 'MSFT_IPAM_Fleet';
const JOB = WMI + 'MSFT_IPAM_ConcreteJob';
const AS_JOB = '<w:Option Name="IpamEmulator_AsJob" Type="xs:boolean">true</w:Option>';

function fleetOf(count: number): Fixture {
  const base = contoso as Fixture;
  const template = base.hosts[0]!;
  const hosts = Array.from({ length: count }, (_, i) => ({ ...template, fqdn: `ipam${i + 1}.contoso.com` }));
  return { ...base, hosts };
}

const running: TestEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});
async function fresh(fixture: Fixture, stepDelayMs?: number, dataDir?: string): Promise<TestEmulator> {
  const emu = await startEmulator({ fixture, stepDelayMs, dataDir });
  running.push(emu);
  return emu;
}

function provisionSpec(extra: Partial<EnvelopeSpec> = {}, params = '<p:Force>true</p:Force>'): EnvelopeSpec {
  return {
    action: `${SERVER}/InvokeIpamServerProvisioning`,
    resourceUri: SERVER,
    body: `<p:InvokeIpamServerProvisioning_INPUT xmlns:p="${SERVER}">${params}</p:InvokeIpamServerProvisioning_INPUT>`,
    ...extra,
  };
}

/** The InstanceID selector of each Job/Jobs EPR in an _OUTPUT. */
function jobIds(out: XmlElement): string[] {
  return elements(out)
    .filter((e) => e.local === 'Job' || e.local === 'Jobs')
    .map((e) => {
      const sel = child(child(e, NS.addressing, 'ReferenceParameters')!, NS.wsman, 'SelectorSet')!;
      return textOf(elements(sel).find((s) => s.attrs.some((a) => a.local === 'Name' && a.value === 'InstanceID'))!);
    });
}

async function getJob(emu: TestEmulator, id: string, host?: string): Promise<Record<string, string | null>> {
  const r = await call(emu.url, { action: ACTION.get, resourceUri: JOB, selectors: { InstanceID: id } }, host ? { Host: host } : {});
  expect(r.status).toBe(200);
  return propsOf(elements(bodyOf(r.xml))[0]!);
}

async function admin<T>(emu: TestEmulator, path: string, method = 'GET'): Promise<{ status: number; body: T }> {
  const res = await fetch(emu.url.replace(/\/wsman$/, `/_emulator${path}`), { method, headers: { Authorization: ADMIN } });
  return { status: res.status, body: (await res.json()) as T };
}

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

interface AdminJob {
  instanceId: string;
  fqdn: string;
  state: number;
  stateName: string;
  percent: number;
}
interface Concurrency {
  overall: { current: number; peak: number };
  perHost: Record<string, { peak: number }>;
  perClient: Record<string, { peak: number }>;
}

describe('the fleet fan-out (MSFT_IPAM_Fleet.InvokeIpamServerProvisioningOnHosts)', () => {
  test('50 hosts with ThrottleLimit 4: one job each, never more than 4 at once, all Completed', async () => {
    const emu = await fresh(fleetOf(50), 15);
    const hosts = Array.from({ length: 50 }, (_, i) => `<p:Hosts>ipam${i + 1}.contoso.com</p:Hosts>`).join('');
    const r = await call(emu.url, {
      action: `${FLEET}/InvokeIpamServerProvisioningOnHosts`,
      resourceUri: FLEET,
      body: `<p:InvokeIpamServerProvisioningOnHosts_INPUT xmlns:p="${FLEET}">${hosts}<p:ThrottleLimit>4</p:ThrottleLimit><p:Force>true</p:Force></p:InvokeIpamServerProvisioningOnHosts_INPUT>`,
    });
    expect(r.status).toBe(200);
    const out = elements(bodyOf(r.xml))[0]!;
    expect(textOf(child(out, FLEET, 'ReturnValue')!)).toBe('4096');
    const ids = jobIds(out);
    expect(new Set(ids).size).toBe(50);
    await waitUntil(async () => (await admin<AdminJob[]>(emu, '/jobs?state=Completed')).body.length === 50, 'the 50 jobs to complete');
    const jobs = (await admin<AdminJob[]>(emu, '/jobs')).body;
    expect(jobs.map((j) => j.stateName)).toEqual(Array(50).fill('Completed'));
    expect(new Set(jobs.map((j) => j.fqdn)).size).toBe(50);
    const c = (await admin<Concurrency>(emu, '/concurrency')).body;
    expect(c.overall.peak).toBe(4);
    expect(Math.max(...Object.values(c.perHost).map((g) => g.peak))).toBe(1);
    const hostsState = (await admin<Array<{ provisioningState: string }>>(emu, '/hosts')).body;
    expect(hostsState.every((h) => h.provisioningState === 'Provisioned')).toBe(true);
  });

  test('a host that is not in the fleet, or a busy one, refuses the whole call before any job starts', async () => {
    const emu = await fresh(fleetOf(3), 30);
    const body = (hosts: string[]) => `<p:InvokeIpamServerProvisioningOnHosts_INPUT xmlns:p="${FLEET}">${hosts.map((h) => `<p:Hosts>${h}</p:Hosts>`).join('')}<p:Force>true</p:Force></p:InvokeIpamServerProvisioningOnHosts_INPUT>`;
    const unknown = faultOf((await call(emu.url, { action: `${FLEET}/InvokeIpamServerProvisioningOnHosts`, resourceUri: FLEET, body: body(['ipam1.contoso.com', 'ipam9.contoso.com']) })).xml);
    expect(unknown.cimError?.Message).toContain('ipam9.contoso.com');
    expect((await admin<AdminJob[]>(emu, '/jobs')).body).toEqual([]);
    const first = await call(emu.url, { ...provisionSpec({ optionsXml: AS_JOB }) }, { Host: 'ipam2.contoso.com' });
    expect(first.status).toBe(200);
    const busy = faultOf((await call(emu.url, { action: `${FLEET}/InvokeIpamServerProvisioningOnHosts`, resourceUri: FLEET, body: body(['ipam1.contoso.com', 'ipam2.contoso.com']) })).xml);
    expect(busy.cimError?.MessageID).toBe('WIN32 170');
    expect((await admin<AdminJob[]>(emu, '/jobs')).body).toHaveLength(1);
  });
});

describe('jobs of MSFT_IPAM_Server calls', () => {
  test('synchronous by default: the call returns when the job ends, with ReturnValue 0 and the Job reference', async () => {
    const emu = await fresh(fleetOf(1));
    const r = await call(emu.url, provisionSpec());
    const out = elements(bodyOf(r.xml))[0]!;
    expect(textOf(child(out, SERVER, 'ReturnValue')!)).toBe('0');
    const [id] = jobIds(out);
    expect(await getJob(emu, id!)).toMatchObject({ JobState: '7', PercentComplete: '100', TargetHost: 'ipam1.contoso.com', OperationName: 'InvokeIpamServerProvisioning', ErrorCode: null });
  });

  test('IpamEmulator_AsJob: 4096 at once with the job, which runs and completes; its PercentComplete rises per step', async () => {
    const emu = await fresh(fleetOf(1), 40);
    const r = await call(emu.url, provisionSpec({ optionsXml: AS_JOB }));
    const out = elements(bodyOf(r.xml))[0]!;
    expect(textOf(child(out, SERVER, 'ReturnValue')!)).toBe('4096');
    const [id] = jobIds(out);
    const seen = new Set<string>();
    await waitUntil(async () => {
      const j = await getJob(emu, id!);
      seen.add(j.PercentComplete!);
      return j.JobState === '7';
    }, 'the job to complete');
    expect(seen.size).toBeGreaterThan(2);
    const enumerated = await call(emu.url, { action: ACTION.enumerate, resourceUri: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ConcreteJob', selectors: { __cimnamespace: 'root/Microsoft/IPAM' }, body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements></n:Enumerate>' });
    const items = itemsOf(child(bodyOf(enumerated.xml), NS.enumeration, 'EnumerateResponse')!);
    expect(items.map((i) => [i.local, propsOf(i).InstanceID, propsOf(i).JobState])).toEqual([['MSFT_IPAM_ConcreteJob', id, '7']]);
  });

  test('two simultaneous calls on one host: one runs, the other gets the in-progress error; the host is provisioned once', async () => {
    const emu = await fresh(fleetOf(1), 30);
    const [a, b] = await Promise.all([call(emu.url, provisionSpec()), call(emu.url, provisionSpec())]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 500]);
    const refused = faultOf((a.status === 500 ? a : b).xml);
    expect(refused.cimError).toMatchObject({ MessageID: 'WIN32 170', error_Category: '19' });
    expect(refused.cimError?.Message).toContain('already in progress');
    const log = await call(emu.url, { action: ACTION.enumerate, resourceUri: WMI + 'MSFT_IPAM_ConfigLogEntry', body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements></n:Enumerate>' });
    const codes = itemsOf(child(bodyOf(log.xml), NS.enumeration, 'EnumerateResponse')!).map((i) => propsOf(i).OperationalCode);
    expect(codes.filter((c) => c === 'Completed')).toHaveLength(1);
    expect((await admin<AdminJob[]>(emu, '/jobs')).body).toHaveLength(1);
  });

  test('RequestStateChange(Terminate) mid-run: the job ends Terminated and the host is left unprovisioned', async () => {
    const emu = await fresh(fleetOf(1), 150);
    const [id] = jobIds(elements(bodyOf((await call(emu.url, provisionSpec({ optionsXml: AS_JOB }))).xml))[0]!);
    await waitUntil(async () => Number((await getJob(emu, id!)).PercentComplete) >= 34, 'the job to pass step 2');
    const kill = await call(emu.url, {
      action: `${JOB}/RequestStateChange`,
      resourceUri: JOB,
      selectors: { InstanceID: id! },
      body: `<p:RequestStateChange_INPUT xmlns:p="${JOB}"><p:RequestedState>4</p:RequestedState></p:RequestStateChange_INPUT>`,
    });
    expect(textOf(child(elements(bodyOf(kill.xml))[0]!, JOB, 'ReturnValue')!)).toBe('0');
    expect(await getJob(emu, id!)).toMatchObject({ JobState: '8' });
    const server = await call(emu.url, { action: ACTION.enumerate, resourceUri: SERVER, body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>5</w:MaxElements></n:Enumerate>' });
    expect(propsOf(itemsOf(child(bodyOf(server.xml), NS.enumeration, 'EnumerateResponse')!)[0]!)).toMatchObject({ ProvisioningState: '0' });
    // A finished job cannot change state any more: 4097 Invalid State Transition.
    const again = await call(emu.url, { action: `${JOB}/KillJob`, resourceUri: JOB, selectors: { InstanceID: id! }, body: `<p:KillJob_INPUT xmlns:p="${JOB}"/>` });
    expect(textOf(child(elements(bodyOf(again.xml))[0]!, JOB, 'ReturnValue')!)).toBe('4097');
  });

  test('an OperationTimeout shorter than the job gets w:TimedOut while the job goes on and completes', async () => {
    const emu = await fresh(fleetOf(1), 100);
    const r = await call(emu.url, provisionSpec({ operationTimeout: 'PT0.2S' }));
    const f = faultOf(r.xml);
    expect(f.subcode).toBe('w:TimedOut');
    expect(f.wsmanCode).toBe('2150858793');
    await waitUntil(async () => (await admin<AdminJob[]>(emu, '/jobs?state=Completed')).body.length === 1, 'the job to complete');
  });

  test('two hosts creating the same SQL database at once: one provisions it, the other is refused as busy and left unprovisioned', async () => {
    const emu = await fresh(fleetOf(2), 200);
    const params =
      '<p:DatabaseServer>Db1.Contoso.com</p:DatabaseServer><p:DatabaseName>Shared</p:DatabaseName><p:DatabasePort>1433</p:DatabasePort>' +
      '<p:DatabaseAuthType>2</p:DatabaseAuthType><p:DatabaseCredential>IpamSql:Sq1-Passw0rd!</p:DatabaseCredential><p:Force>true</p:Force>';
    const hosts = ['ipam1.contoso.com', 'ipam2.contoso.com'];
    const ids = await Promise.all(
      hosts.map(async (h) => jobIds(elements(bodyOf((await call(emu.url, provisionSpec({ optionsXml: AS_JOB }, params), { Host: h })).xml))[0]!)[0]!),
    );
    const final = async (i: number): Promise<Record<string, string | null>> => getJob(emu, ids[i]!, hosts[i]);
    await waitUntil(async () => ['7', '10'].includes((await final(0)).JobState ?? '') && ['7', '10'].includes((await final(1)).JobState ?? ''), 'both jobs to end');
    const jobs = [await final(0), await final(1)];
    expect(jobs.map((j) => j.JobState).sort()).toEqual(['10', '7']);
    const loser = jobs.findIndex((j) => j.JobState === '10');
    expect(jobs[loser]!.ErrorDescription).toContain(`is being provisioned for ${hosts[1 - loser]} right now`);
    const states = await Promise.all(hosts.map(async (h) => (await admin<{ provisioningState: string }>(emu, `/hosts/${h}`)).body.provisioningState));
    expect(states[1 - loser]).toBe('Provisioned');
    expect(states[loser]).toBe('NotProvisioned');
  });

  test('a stop that outlasts its grace terminates the running job, which undoes its steps and reads back Terminated', async () => {
    const dataDir = tempDir();
    const first = await startEmulator({ fixture: fleetOf(1), dataDir, stepDelayMs: 3_000 });
    const [id] = jobIds(elements(bodyOf((await call(first.url, provisionSpec({ optionsXml: AS_JOB }))).xml))[0]!);
    await waitUntil(async () => (await getJob(first, id!)).JobState === '4', 'the job to run');
    await first.emulator.stop(50);
    const again = await fresh(fleetOf(1), undefined, dataDir);
    const job = await getJob(again, id!);
    // Terminated by the stop, not Exception (what recovery says of a job a stop cut off mid-way).
    expect(job.JobState).toBe('8');
    const server = await call(again.url, { action: ACTION.enumerate, resourceUri: SERVER, body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>5</w:MaxElements></n:Enumerate>' });
    expect(itemsOf(child(bodyOf(server.xml), NS.enumeration, 'EnumerateResponse')!).map((i) => propsOf(i).ProvisioningState)).toEqual(['0']);
  });

  test('the admin API filters jobs by state name or number alike, and refuses what is neither with 400', async () => {
    const emu = await fresh(fleetOf(1));
    await call(emu.url, provisionSpec());
    const byName = await admin<AdminJob[]>(emu, '/jobs?state=Completed');
    expect(byName.body).toHaveLength(1);
    expect(await admin<AdminJob[]>(emu, '/jobs?state=7')).toEqual(byName);
    expect((await admin<AdminJob[]>(emu, '/jobs?state=4')).body).toEqual([]);
    for (const bad of ['constructor', 'toString', '__proto__', 'Bogus', '99', '4.5']) {
      expect({ bad, status: (await admin(emu, `/jobs?state=${bad}`)).status }).toEqual({ bad, status: 400 });
    }
  });

  test('a failed job reads back as Exception with the CIM error in ErrorCode and ErrorDescription; GetError returns it', async () => {
    const emu = await fresh(fleetOf(1));
    const params = '<p:DatabaseServer>nowhere.contoso.com</p:DatabaseServer><p:DatabaseName>Ipamdb</p:DatabaseName><p:DatabasePort>1433</p:DatabasePort><p:Force>true</p:Force>';
    const [id] = jobIds(elements(bodyOf((await call(emu.url, provisionSpec({ optionsXml: AS_JOB }, params))).xml))[0]!);
    await waitUntil(async () => (await getJob(emu, id!)).JobState === '10', 'the job to fail');
    const job = await getJob(emu, id!);
    expect(job.ErrorCode).toBe('1231');
    expect(job.ErrorDescription).toContain('Cannot connect to the SQL Server nowhere.contoso.com');
    const err = await call(emu.url, { action: `${JOB}/GetError`, resourceUri: JOB, selectors: { InstanceID: id! }, body: `<p:GetError_INPUT xmlns:p="${JOB}"/>` });
    expect(err.text).toContain('Cannot connect to the SQL Server nowhere.contoso.com');
  });
});

describe('the admin API (/_emulator/)', () => {
  test('needs an administrator: 401 without credentials, 403 for ipamuser', async () => {
    const emu = await fresh(fleetOf(1));
    const url = emu.url.replace(/\/wsman$/, '/_emulator/hosts');
    expect((await fetch(url)).status).toBe(401);
    const ipamuser = 'Basic ' + Buffer.from('ipamuser:Passw0rd!').toString('base64');
    expect((await fetch(url, { headers: { Authorization: ipamuser } })).status).toBe(403);
  });

  test('reset returns hosts and databases to the fixture state, and starts a new concurrency window', async () => {
    const fixture: Fixture = { ...fleetOf(2), hosts: fleetOf(2).hosts.map((h, i) => (i === 1 ? { ...h, ipam: { provisioned: { ProvisioningMethod: 1 } } } : h)) };
    const emu = await fresh(fixture);
    const sql = '<p:DatabaseServer>Db1.Contoso.com</p:DatabaseServer><p:DatabaseName>Created</p:DatabaseName><p:DatabasePort>1433</p:DatabasePort><p:DatabaseAuthType>2</p:DatabaseAuthType><p:DatabaseCredential>IpamSql:Sq1-Passw0rd!</p:DatabaseCredential><p:Force>true</p:Force>';
    expect((await call(emu.url, provisionSpec({}, sql), { Host: 'ipam1.contoso.com' })).status).toBe(200);
    let hosts = (await admin<Array<{ fqdn: string; provisioningState: string }>>(emu, '/hosts')).body;
    expect(hosts.map((h) => h.provisioningState)).toEqual(['Provisioned', 'Provisioned']);
    expect((await admin<Concurrency>(emu, '/concurrency')).body.overall.peak).toBe(1);

    const reset = await admin<Array<{ fqdn: string; provisioningState: string }>>(emu, '/reset', 'POST');
    expect(reset.status).toBe(200);
    hosts = reset.body;
    // ipam1 is back to unprovisioned; ipam2 is provisioned again, as its fixture says.
    expect(hosts.map((h) => [h.fqdn, h.provisioningState])).toEqual([
      ['ipam1.contoso.com', 'NotProvisioned'],
      ['ipam2.contoso.com', 'Provisioned'],
    ]);
    expect((await admin<AdminJob[]>(emu, '/jobs')).body).toEqual([]);
    expect((await admin<Concurrency>(emu, '/concurrency')).body.overall.peak).toBe(0);
    // The database the provisioning created on db1 is gone: the same call can create it again.
    expect((await call(emu.url, provisionSpec({}, sql), { Host: 'ipam1.contoso.com' })).status).toBe(200);
  });

  test('resets at the same moment, with seeding to do, each answer 200 or 409, never a 500, and leave the host provisioned once', async () => {
    const fixture: Fixture = { ...fleetOf(1), hosts: fleetOf(1).hosts.map((h) => ({ ...h, ipam: { provisioned: { ProvisioningMethod: 1 } } })) };
    const emu = await fresh(fixture, 50);
    const statuses = (await Promise.all(Array.from({ length: 4 }, () => admin(emu, '/hosts/ipam1.contoso.com/reset', 'POST')))).map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(statuses).toContain(200);
    await waitUntil(async () => (await admin<{ busy: boolean }>(emu, '/hosts/ipam1.contoso.com')).body.busy === false, 'the host to settle');
    expect((await admin<{ provisioningState: string }>(emu, '/hosts/ipam1.contoso.com')).body.provisioningState).toBe('Provisioned');
    expect(emu.logs().some((l) => l.includes('admin API error'))).toBe(false);
  });

  test('resetting one host leaves the others; a busy host answers 409', async () => {
    const emu = await fresh(fleetOf(2), 100);
    await call(emu.url, provisionSpec(), { Host: 'ipam1.contoso.com' });
    const [id] = jobIds(elements(bodyOf((await call(emu.url, provisionSpec({ optionsXml: AS_JOB }), { Host: 'ipam2.contoso.com' })).xml))[0]!);
    expect((await admin<{ error: string }>(emu, '/hosts/ipam2.contoso.com/reset', 'POST')).status).toBe(409);
    await waitUntil(async () => (await getJob(emu, id!, 'ipam2.contoso.com')).JobState === '7', 'the job to complete');
    const r = await admin<{ fqdn: string; provisioningState: string }>(emu, '/hosts/ipam1.contoso.com/reset', 'POST');
    expect(r.body).toMatchObject({ fqdn: 'ipam1.contoso.com', provisioningState: 'NotProvisioned' });
    expect((await admin<{ provisioningState: string }>(emu, '/hosts/ipam2.contoso.com')).body.provisioningState).toBe('Provisioned');
    expect((await admin<{ error: string }>(emu, '/hosts/nope.contoso.com/reset', 'POST')).status).toBe(404);
  });
});

describe('routing', () => {
  test('a Host header naming no host of the fleet gets a clear fault before authentication', async () => {
    const emu = await fresh(fleetOf(2));
    const r = await post(emu.url, envelope(provisionSpec()), { Host: 'intruder.example.com', Authorization: '' });
    expect(r.status).toBe(500);
    const f = faultOf((await import('../support/soap')).parseXml(r.text));
    expect(f.subcode).toBe('a:DestinationUnreachable');
    expect(f.reason).toContain('intruder.example.com');
  });
});
