/**
 * The WS-Man client library and `ipam-emulator provision` against real
 * emulators (real HTTP on loopback, real SQLite state). Tests marked
 * "(async contract)" need the server side of IpamEmulator_AsJob and
 * MSFT_IPAM_ConcreteJob.
 */
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import { BasicAuthenticator, WsmanAuthError, WsmanFaultError } from '../../src/client/transport';
import { WsmanClient } from '../../src/client/wsmanClient';
import { IPAM_SERVER_URI, IPAM_WMI_URI, JOB_STARTED, JobState, ProvisioningMethod, getJob, getJobError, listJobs, provisionHost, waitForJob } from '../../src/client/ipam';
import { runProvision, type ProvisionIo } from '../../src/cli/provision';
import { startEmulator, type TestEmulator } from '../support/emulator';

const PASSWORD = 'Passw0rd!';
const emulators: TestEmulator[] = [];
const clients: WsmanClient[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await Promise.all(emulators.splice(0).map((e) => e.stop()));
});

async function emulator(fixture?: Fixture): Promise<TestEmulator> {
  const emu = await startEmulator(fixture ? { fixture } : {});
  emulators.push(emu);
  return emu;
}

function client(emu: TestEmulator, opts: { password?: string; hostHeader?: string } = {}): WsmanClient {
  const c = new WsmanClient({ endpoint: emu.url, hostHeader: opts.hostHeader, authenticator: new BasicAuthenticator('Administrator', opts.password ?? PASSWORD) });
  clients.push(c);
  return c;
}

function fixtureWith(change: (f: Fixture) => void): Fixture {
  const f = JSON.parse(JSON.stringify(contoso)) as Fixture;
  change(f);
  return f;
}

async function provisioningState(c: WsmanClient): Promise<string | string[] | null | undefined> {
  const [server] = await c.enumerate(IPAM_SERVER_URI);
  return server?.ProvisioningState;
}

describe('WsmanClient', () => {
  test('identify: unauthenticated answers stack 3.0; authenticated answers too', async () => {
    const c = client(await emulator());
    const anon = await c.identify();
    expect(anon).toMatchObject({ protocolVersion: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd', productVendor: 'Microsoft Corporation' });
    expect(anon.productVersion).toContain('Stack: 3.0');
    expect((await c.identify({ authenticated: true })).productVendor).toBe('Microsoft Corporation');
  });

  test('enumerate MSFT_IPAM_Server: the one host, not provisioned', async () => {
    const c = client(await emulator());
    const servers = await c.enumerate(IPAM_SERVER_URI);
    expect(servers).toEqual([expect.objectContaining({ ServerName: 'ipam1.contoso.com', ProvisioningState: '0' })]);
  });

  test('the Host header reaches a virtual host through one listener', async () => {
    const emu = await emulator(fixtureWith((f) => f.hosts.push({ ...f.hosts[0]!, fqdn: 'ipam7.contoso.com' })));
    const [server] = await client(emu, { hostHeader: 'ipam7.contoso.com' }).enumerate(IPAM_SERVER_URI);
    expect(server?.ServerName).toBe('ipam7.contoso.com');
  });

  test('enumerate pulls to the end when the reply holds fewer items than there are', async () => {
    const c = client(await emulator());
    await provisionHost(c, { Force: true });
    const all = await c.enumerate(IPAM_WMI_URI + 'MSFT_IPAM_ConfigLogEntry');
    const paged = await c.enumerate(IPAM_WMI_URI + 'MSFT_IPAM_ConfigLogEntry', { maxElements: 2 });
    expect(all.length).toBeGreaterThan(2);
    expect(paged).toEqual(all);
  });

  test('get reads one instance by its selectors', async () => {
    const c = client(await emulator());
    const config = await c.get(IPAM_WMI_URI + 'MSFT_IPAM_ServerConfiguration', { InstanceID: 'IpamServerConfiguration' });
    expect(config).toMatchObject({ InstanceID: 'IpamServerConfiguration', Port: '48885' });
  });

  test('a wrong password is WsmanAuthError, and the password is in no message', async () => {
    const c = client(await emulator(), { password: 'Wr0ng-Secret!' });
    const err = await c.enumerate(IPAM_SERVER_URI).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WsmanAuthError);
    expect((err as WsmanAuthError).challenges).toContain('Basic realm="WSMAN"');
    expect(String((err as Error).message)).toContain('Administrator');
    expect(JSON.stringify(err) + String(err) + (err as Error).stack).not.toContain('Wr0ng-Secret!');
  });
});

describe('provisionHost', () => {
  test('WID with Force: ReturnValue 0, the host is provisioned, and the Job (when the server returns one) is Completed', async () => {
    const c = client(await emulator());
    const r = await provisionHost(c, { Force: true });
    expect(r).toMatchObject({ returnValue: 0, accepted: false });
    expect(await provisioningState(c)).toBe('2');
    if (r.job) {
      const job = await getJob(c, r.job);
      expect(job).toMatchObject({ instanceId: r.job.instanceId, jobState: JobState.Completed, targetHost: 'ipam1.contoso.com', operationName: 'InvokeIpamServerProvisioning' });
    }
  });

  test('Automatic without GpoPrefix is a fault carrying MSFT_WmiError: status 4, naming GpoPrefix', async () => {
    const c = client(await emulator());
    const err = await provisionHost(c, { ProvisioningMethod: ProvisioningMethod.Automatic, Force: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WsmanFaultError);
    const fault = err as WsmanFaultError;
    expect(fault.httpStatus).toBe(500);
    expect(fault.subcodeName).toBe('w:InvalidParameter');
    expect(fault.cimError).toMatchObject({ className: 'MSFT_WmiError', cimStatusCode: 4, errorSource: 'GpoPrefix', messageId: 'WIN32 87' });
    expect(fault.cimError?.message).toContain('GpoPrefix');
    expect(fault.message).toBe(fault.cimError?.message);
    expect(await provisioningState(c)).toBe('0');
  });

  test('whatIf returns 0 and changes nothing', async () => {
    const c = client(await emulator());
    expect((await provisionHost(c, { Force: true }, { whatIf: true })).returnValue).toBe(0);
    expect(await provisioningState(c)).toBe('0');
  });

  test('(async contract) asJob: 4096 with a Job, which waitForJob follows to Completed and listJobs lists', async () => {
    const c = client(await emulator());
    const r = await provisionHost(c, { Force: true }, { asJob: true });
    expect(r).toMatchObject({ returnValue: JOB_STARTED, accepted: true });
    const seen: number[] = [];
    const done = await waitForJob(c, r.job!, { pollMs: 50, onProgress: (j) => seen.push(j.percentComplete ?? -1) });
    expect(done).toMatchObject({ jobState: JobState.Completed, jobStateName: 'Completed', percentComplete: 100, errorDescription: null });
    expect(done.jobStatus).toMatch(/^Completed/);
    expect(seen.length).toBeGreaterThan(0);
    expect((await listJobs(c)).map((j) => j.instanceId)).toContain(r.job!.instanceId);
    expect(await provisioningState(c)).toBe('2');
    expect(await getJobError(c, r.job!)).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// The command line, in process, against separate emulators

interface Captured extends ProvisionIo {
  out(): string;
  err(): string;
}

function capture(opts: { isTTY?: boolean; env?: Record<string, string> } = {}): Captured {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    isTTY: opts.isTTY ?? false,
    env: { IPAM_PASSWORD: PASSWORD, ...opts.env },
    out: () => out,
    err: () => err,
  };
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function hostOf(emu: TestEmulator): string {
  return new URL(emu.url).host;
}

describe('ipam-emulator provision', () => {
  test('three sessions as URLs, --throttle-limit 2 --json: three JSON lines in order, exit 0', async () => {
    const emus = [await emulator(), await emulator(), await emulator()];
    const io = capture();
    const code = await runProvision(['--cim-session', emus.map((e) => e.url).join(','), '--user', 'Administrator', '--throttle-limit', '2', '--force', '--json'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const lines = jsonLines(io.out());
    expect(lines.map((l) => l.host)).toEqual(emus.map(hostOf));
    for (const l of lines) expect(l).toMatchObject({ ok: true, returnValue: 0 });
    for (const e of emus) expect(await provisioningState(client(e))).toBe('2');
  });

  test('one session with a wrong password: exit 1, that host fails with access denied, the others succeed', async () => {
    const other = fixtureWith((f) => (f.hosts[0]!.accounts![0]!.password = 'An0ther-Passw0rd!'));
    const emus = [await emulator(), await emulator(other), await emulator()];
    const io = capture();
    const code = await runProvision(['--cim-session', emus.map((e) => e.url).join(','), '--user', 'Administrator', '--throttle-limit', '2', '--force', '--json'], io);
    expect(code).toBe(1);
    const lines = jsonLines(io.out());
    expect(lines.map((l) => l.ok)).toEqual([true, false, true]);
    expect(lines[1]).toMatchObject({ host: hostOf(emus[1]!), returnValue: null, error: { message: expect.stringContaining('Access is denied'), messageId: null } });
    expect(io.err()).toContain(`${hostOf(emus[1]!)}: Access is denied`);
    expect(io.out() + io.err()).not.toContain(PASSWORD);
  });

  test('one session that faults: exit 1 with its CIM error (MessageID, category, subcode)', async () => {
    const emus = [await emulator(), await emulator()];
    // Provisioned with Automatic first, the second host refuses another method (docs/provisioning.md, Re-provisioning).
    await provisionHost(client(emus[1]!), { ProvisioningMethod: ProvisioningMethod.Automatic, GpoPrefix: 'IPAM1', Force: true });
    const io = capture();
    const code = await runProvision(['--cim-session', emus.map((e) => e.url).join(','), '--user', 'Administrator', '--provisioning-method', 'manual', '--force', '--json'], io);
    expect(code).toBe(1);
    const [good, bad] = jsonLines(io.out());
    expect(good).toMatchObject({ ok: true, returnValue: 0 });
    expect(bad).toMatchObject({ ok: false, error: { message: expect.stringContaining('Set-IpamConfiguration'), messageId: expect.any(String), category: expect.any(Number), subcode: expect.stringMatching(/^w:/) } });
    expect(io.err()).toContain('Set-IpamConfiguration');
  });

  test('--endpoint with a session name: the name travels in the Host header', async () => {
    const emu = await emulator(fixtureWith((f) => f.hosts.push({ ...f.hosts[0]!, fqdn: 'ipam7.contoso.com' })));
    const io = capture();
    const code = await runProvision(['--endpoint', emu.url, '--cim-session', 'ipam7.contoso.com', '--user', 'Administrator', '--force', '--json'], io);
    expect(code).toBe(0);
    expect(jsonLines(io.out())).toEqual([expect.objectContaining({ host: 'ipam7.contoso.com', ok: true })]);
    const servers = await client(emu, { hostHeader: 'ipam7.contoso.com' }).enumerate(IPAM_SERVER_URI);
    expect(servers[0]).toMatchObject({ ServerName: 'ipam7.contoso.com', ProvisioningState: '2' });
    expect(await provisioningState(client(emu))).toBe('0');
  });

  test('plain lines without a terminal, a redrawn block on one; --whatif changes nothing', async () => {
    const emu = await emulator();
    const plain = capture();
    expect(await runProvision(['--cim-session', emu.url, '--user', 'Administrator', '--whatif'], plain)).toBe(0);
    const [running, outcome, ...rest] = plain.out().split('\n');
    expect(running).toBe(`${hostOf(emu)}: running`);
    expect(outcome).toMatch(/: WhatIf: nothing was changed \(ReturnValue 0(, job [^)]+)?\)$/);
    expect(rest).toEqual(['']);
    expect(await provisioningState(client(emu))).toBe('0');

    const tty = capture({ isTTY: true });
    expect(await runProvision(['--cim-session', emu.url, '--user', 'Administrator', '--force'], tty)).toBe(0);
    expect(tty.out()).toContain('\x1b[1A');
    expect(tty.out()).toMatch(/\[#{20}\] 100% {2}done \(ReturnValue 0/);
  });

  test('usage errors exit 2 and print no secret', async () => {
    const cases = [
      ['--cim-session', 'h1'],
      ['--user', 'Administrator', '--authentication', 'kerberos'],
      ['--user', 'Administrator', '--encryption', 'always'],
      ['--user', 'Administrator', '--authentication', 'negotiate', '--encryption', 'sometimes'],
      ['--user', 'Administrator', '--ca-cert', '/nonexistent/ca.pem'],
      ['--user', 'Administrator', '--ca-cert', '/nonexistent/ca.pem', '--skip-ca-check'],
      ['--user', 'Administrator', '--bogus'],
      ['--user', 'Administrator', '--database-auth-type', 'kerberos'],
      ['--user', 'Administrator', '--database-credential', 'no-colon-S3cret'],
      ['--user', 'Administrator', '--wait'],
      ['--user', 'Administrator', '--endpoint', 'http://127.0.0.1:1/wsman', '--cim-session', 'http://h1/wsman'],
    ];
    for (const argv of cases) {
      const io = capture();
      expect(await runProvision(argv, io)).toBe(2);
      expect(io.err()).toContain('Usage: ipam-emulator provision');
      expect(io.err()).not.toContain('S3cret');
    }
    const visible = capture({ env: {} });
    expect(await runProvision(['--user', 'Administrator', '--password', 'S3cret-On-Cmdline', '--database-auth-type', 'kerberos'], visible)).toBe(2);
    expect(visible.err()).toContain('--password is visible to other local users');
    expect(visible.err()).not.toContain('S3cret');
    const help = capture();
    expect(await runProvision(['--help'], help)).toBe(0);
    expect(help.out()).toContain('--throttle-limit');
  });

  test('(async contract) --as-job returns when every host has accepted, with the job ids', async () => {
    const emus = [await emulator(), await emulator()];
    const io = capture();
    const code = await runProvision(['--cim-session', emus.map((e) => e.url).join(','), '--user', 'Administrator', '--force', '--as-job', '--json'], io);
    expect(code).toBe(0);
    for (const l of jsonLines(io.out())) {
      expect(l).toMatchObject({ ok: true, returnValue: JOB_STARTED, job: { instanceId: expect.any(String) } });
    }
  });

  test('(async contract) --as-job --wait: a job that fails while running fails its host with the job\'s CIM error', async () => {
    const emu = await emulator();
    const io = capture();
    const argv = ['--cim-session', emu.url, '--user', 'Administrator', '--database-server', 'nosuch.contoso.com', '--database-name', 'Ipamdb', '--database-port', '1433'];
    expect(await runProvision([...argv, '--force', '--as-job', '--wait', '--json'], io)).toBe(1);
    expect(jsonLines(io.out())).toEqual([
      expect.objectContaining({ ok: false, job: expect.objectContaining({ state: 'Exception' }), error: expect.objectContaining({ message: expect.stringContaining('nosuch.contoso.com'), messageId: expect.stringMatching(/^WIN32 /) }) }),
    ]);
  });

  test('(async contract) --as-job --wait follows each job to Completed', async () => {
    const emu = await emulator();
    const io = capture();
    expect(await runProvision(['--cim-session', emu.url, '--user', 'Administrator', '--force', '--as-job', '--wait', '--json'], io)).toBe(0);
    expect(jsonLines(io.out())).toEqual([expect.objectContaining({ ok: true, job: expect.objectContaining({ state: 'Completed' }) })]);
    expect(await provisioningState(client(emu))).toBe('2');
  });
});
