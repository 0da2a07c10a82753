/**
 * 5. The shell door against the CIM door, on one emulator child, measured in the same run:
 *
 *  (a) round trips: each client holds one shell and loops a Command (`hostname`, through
 *      cmd.exe) and the Receive that brings its output and Done, as pywinrm does for a
 *      command in an open shell; against each client looping a CIM Get of MSFT_IPAM_Server.
 *      1 and 16 clients, for a fixed time, alternating the two in slices.
 *  (b) whole conversations, one at a time: pywinrm's run_cmd (`hostname`) and run_ps
 *      (`Get-IpamConfiguration`, as -EncodedCommand): Create, Command, Receive to Done,
 *      Signal, Delete; against the CIM Get of MSFT_IPAM_Server that reads the same thing.
 *  (c) a provisioning, one host at a time, each on a fresh host: run_ps of
 *      `Invoke-IpamServerProvisioning -Force` against the twin's CIM Invoke (provisionHost).
 *
 * The clients are the tests' own envelope-by-envelope shell client (test/support/shell.ts)
 * and soap.ts's call(): the same HTTP and XML work per request on both sides.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startEmulator, tempDir, waitIdle, type ChildServer } from '../lib/children';
import { emulatorModules } from '../lib/dist';
import { ADMIN_PASSWORD, ADMIN_USER, IPAM_SERVER_URI, ipamServerKeys } from '../lib/envelopes';
import { fmtMs, fmtRate, fmtTimes, Samples, summarize, type LatencySummary } from '../lib/stats';
import { table, type BenchConfig, type Section } from '../lib/report';
import { ACTION, call } from '../../test/support/soap';
import { encodedCommand, ShellClient } from '../../test/support/shell';

const DOMAIN = 'contoso.com';
const hostName = (k: number): string => `ipam${k}.${DOMAIN}`;
const CLIENTS = [1, 16] as const;

/** Each request addressed to a host by its Host header, through the main port. */
const hostHeader = (fqdn: string): Record<string, string> => ({ Host: fqdn });

async function cimGet(url: string, fqdn: string): Promise<void> {
  const r = await call(url, { action: ACTION.get, resourceUri: IPAM_SERVER_URI, selectors: ipamServerKeys(fqdn) }, hostHeader(fqdn));
  if (r.status !== 200) throw new Error(`CIM Get on ${fqdn}: HTTP ${r.status}`);
}

/** pywinrm's run_ps: `powershell -encodedcommand <UTF-16LE base64>`, through cmd.exe. */
async function runPs(shell: ShellClient, script: string): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return shell.run(encodedCommand(script));
}

interface Figures {
  readonly latency: LatencySummary;
  readonly perSecond: number;
  readonly failures: number;
  readonly firstError?: string;
}

/** Tallies of one kind of operation, across slices. */
class Tally {
  readonly samples = new Samples();
  failures = 0;
  firstError: string | undefined;
  seconds = 0;

  async time(op: () => Promise<void>): Promise<void> {
    const t0 = performance.now();
    try {
      await op();
      this.samples.add(performance.now() - t0);
    } catch (e) {
      this.failures++;
      this.firstError ??= e instanceof Error ? e.message : String(e);
    }
  }

  figures(): Figures {
    return { latency: summarize(this.samples), perSecond: this.samples.count / this.seconds, failures: this.failures, firstError: this.firstError };
  }
}

/** `clients` loops of `op(i)` for `ms`, into `tally`. */
async function loop(tally: Tally, clients: number, ms: number, op: (i: number) => Promise<void>): Promise<void> {
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      while (performance.now() < end) await tally.time(() => op(i));
    }),
  );
  tally.seconds += (performance.now() - t0) / 1000;
}

async function roundTrips(cfg: BenchConfig, emu: ChildServer, clients: number): Promise<{ shell: Figures; cim: Figures }> {
  const slices = cfg.quick ? 2 : 5;
  const sliceMs = (cfg.durationS * 1000) / slices;
  const fqdn = hostName(1);
  const shells: Array<{ client: ShellClient; shellId: string }> = [];
  for (let i = 0; i < clients; i++) {
    const client = new ShellClient(emu.url, hostHeader(fqdn));
    shells.push({ client, shellId: (await client.create()).shellId });
  }
  const shellTrip = async (i: number): Promise<void> => {
    const { client, shellId } = shells[i] as { client: ShellClient; shellId: string };
    const commandId = await client.command(shellId, 'hostname');
    const r = await client.receiveAll(shellId, commandId);
    if (r.exitCode !== 0) throw new Error(`hostname exited ${r.exitCode}: ${r.stderr}`);
  };
  const cimTrip = (): Promise<void> => cimGet(emu.url, fqdn);
  // Warm-up of both paths, not counted.
  await loop(new Tally(), clients, cfg.warmupS * 500, shellTrip);
  await loop(new Tally(), clients, cfg.warmupS * 500, cimTrip);
  const shell = new Tally();
  const cim = new Tally();
  for (let k = 0; k < slices; k++) {
    await loop(cim, clients, sliceMs, cimTrip);
    await waitIdle(emu);
    await loop(shell, clients, sliceMs, shellTrip);
    await waitIdle(emu);
  }
  for (const { client, shellId } of shells) await client.delete(shellId);
  return { shell: shell.figures(), cim: cim.figures() };
}

async function oneAtATime(count: number, op: () => Promise<void>): Promise<Figures> {
  const tally = new Tally();
  const t0 = performance.now();
  for (let k = 0; k < count; k++) await tally.time(op);
  tally.seconds = (performance.now() - t0) / 1000;
  return tally.figures();
}

export async function shellSection(cfg: BenchConfig): Promise<Section> {
  const conversations = cfg.quick ? 20 : 100;
  const provisionings = cfg.quick ? 10 : 40;
  const hosts = 2 + 2 * provisionings + 6;
  const dataDir = tempDir('ipam-bench-shell-');
  const emu = await startEmulator({ label: 'emulator (shell and CIM doors)', dataDir, hosts });
  const notes: string[] = [];
  try {
    const trips: Array<{ clients: number; shell: Figures; cim: Figures }> = [];
    for (const clients of CLIENTS) {
      cfg.log(`  shell round trips against CIM Get, ${clients} client(s)`);
      trips.push({ clients, ...(await roundTrips(cfg, emu, clients)) });
    }

    cfg.log(`  ${conversations} run_cmd, run_ps and CIM Get, one at a time`);
    const fqdn = hostName(2);
    const shell = new ShellClient(emu.url, hostHeader(fqdn));
    // Warm-up: the first PowerShell session of a host compiles nothing, but the first conversation opens the host's state.
    for (let k = 0; k < 3; k++) {
      await shell.run('hostname');
      await runPs(shell, 'Get-IpamConfiguration');
      await cimGet(emu.url, fqdn);
    }
    const runCmd = await oneAtATime(conversations, async () => {
      const r = await shell.run('hostname');
      if (r.exitCode !== 0) throw new Error(`run_cmd hostname: exit ${r.exitCode}`);
    });
    const ps = await oneAtATime(conversations, async () => {
      const r = await runPs(shell, 'Get-IpamConfiguration');
      if (r.exitCode !== 0 || !r.stdout.includes('ProvisioningMethod')) throw new Error(`run_ps Get-IpamConfiguration: exit ${r.exitCode}: ${r.stderr.slice(0, 300)}`);
    });
    const get = await oneAtATime(conversations, () => cimGet(emu.url, fqdn));

    cfg.log(`  ${provisionings} provisionings through run_ps and through CIM Invoke, each of a fresh host`);
    const { wsmanClient, transport, ipam } = emulatorModules();
    // Hosts 3..: even ones through the shell, odd ones through CIM, interleaved.
    const provisionPs = async (k: number): Promise<void> => {
      const r = await runPs(new ShellClient(emu.url, hostHeader(hostName(3 + 2 * k))), 'Invoke-IpamServerProvisioning -Force');
      if (r.exitCode !== 0) throw new Error(`run_ps Invoke-IpamServerProvisioning: exit ${r.exitCode}: ${r.stderr.slice(0, 300)}`);
    };
    const provisionCim = async (k: number): Promise<void> => {
      const client = new wsmanClient.WsmanClient({ endpoint: emu.url, hostHeader: hostName(4 + 2 * k), authenticator: new transport.BasicAuthenticator(ADMIN_USER, ADMIN_PASSWORD) });
      try {
        const r = await ipam.provisionHost(client, { Force: true });
        if (r.returnValue !== 0) throw new Error(`CIM Invoke: ReturnValue ${r.returnValue}`);
      } finally {
        client.close();
      }
    };
    const psTally = new Tally();
    const cimTally = new Tally();
    for (let k = 0; k < provisionings; k++) {
      await psTally.time(() => provisionPs(k));
      await cimTally.time(() => provisionCim(k));
    }
    const provPs = psTally.figures();
    const provCim = cimTally.figures();

    const all = [...trips.flatMap((t) => [t.shell, t.cim]), runCmd, ps, get, provPs, provCim];
    const failures = all.reduce((n, f) => n + f.failures, 0);
    const firstError = all.find((f) => f.firstError)?.firstError;
    if (failures) notes.push(`${failures} operation(s) failed; the first: ${firstError}`);
    notes.push(
      'A shell round trip is two HTTP requests (Command, then one Receive that carries the output and Done), and starts a cmd.exe-shaped process in the emulator; a CIM Get is one.',
      'run_cmd and run_ps are whole pywinrm conversations: five requests (Create, Command, Receive, Signal, Delete); run_ps adds parsing the -EncodedCommand script, running it in a fresh PowerShell session and formatting its output as a table.',
    );

    const markdown = [
      '### (a) Round trips on an open shell, against CIM Get (alternating slices)',
      '',
      table(
        ['Clients', 'Shell round trips/s', 'p50', 'p99', 'CIM Get/s', 'p50', 'p99', 'Shell / CIM'],
        trips.map((t) => [
          String(t.clients),
          fmtRate(t.shell.perSecond),
          fmtMs(t.shell.latency.p50),
          fmtMs(t.shell.latency.p99),
          fmtRate(t.cim.perSecond),
          fmtMs(t.cim.latency.p50),
          fmtMs(t.cim.latency.p99),
          fmtTimes(t.shell.perSecond / t.cim.perSecond),
        ]),
      ),
      '',
      `### (b) Whole conversations, one at a time (${conversations} each)`,
      '',
      table(
        ['Operation', 'p50', 'mean', 'p99', 'max', 'Against CIM Get (p50)'],
        [
          ['run_cmd `hostname`', fmtMs(runCmd.latency.p50), fmtMs(runCmd.latency.mean), fmtMs(runCmd.latency.p99), fmtMs(runCmd.latency.max), fmtTimes(runCmd.latency.p50 / get.latency.p50)],
          ['run_ps `Get-IpamConfiguration`', fmtMs(ps.latency.p50), fmtMs(ps.latency.mean), fmtMs(ps.latency.p99), fmtMs(ps.latency.max), fmtTimes(ps.latency.p50 / get.latency.p50)],
          ['CIM Get of MSFT_IPAM_Server (baseline)', fmtMs(get.latency.p50), fmtMs(get.latency.mean), fmtMs(get.latency.p99), fmtMs(get.latency.max), '1.00×'],
        ],
      ),
      '',
      `### (c) A provisioning (WID, Force), each of a fresh host (${provisionings} each, interleaved)`,
      '',
      table(
        ['Door', 'p50', 'mean', 'p99', 'max', 'Against CIM Invoke (p50)'],
        [
          ['run_ps `Invoke-IpamServerProvisioning -Force`', fmtMs(provPs.latency.p50), fmtMs(provPs.latency.mean), fmtMs(provPs.latency.p99), fmtMs(provPs.latency.max), fmtTimes(provPs.latency.p50 / provCim.latency.p50)],
          ['CIM Invoke through the twin (baseline)', fmtMs(provCim.latency.p50), fmtMs(provCim.latency.mean), fmtMs(provCim.latency.p99), fmtMs(provCim.latency.max), '1.00×'],
        ],
      ),
    ].join('\n');
    return { id: 'shell', title: '5. The shell door against the CIM door', markdown, floors: [], notes };
  } finally {
    await emu.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
