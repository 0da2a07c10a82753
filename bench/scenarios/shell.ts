/**
 * 5. The shell door against the CIM door, on one emulator child, measured in the same run:
 *
 *  (a) round trips per second: whole run_cmd conversations (Create, Command `hostname`,
 *      Receive until Done, Signal, Delete), and a Command with its Receive on a shell each
 *      client keeps open; against each client looping a CIM Get of MSFT_IPAM_Server.
 *      1 and 16 clients, for a fixed time, alternating the three in slices.
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

interface TripFigures {
  /** Whole conversations: Create, Command, Receive until Done, Signal, Delete (pywinrm's run_cmd). */
  readonly conversation: Figures;
  /** A Command and its Receives on a shell each client holds open. */
  readonly openShell: Figures;
  /** The baseline: a CIM Get of MSFT_IPAM_Server. */
  readonly cim: Figures;
}

async function roundTrips(cfg: BenchConfig, emu: ChildServer, clients: number): Promise<TripFigures> {
  const slices = cfg.quick ? 2 : 5;
  const sliceMs = (cfg.durationS * 1000) / slices;
  const fqdn = hostName(1);
  const clientsOf = Array.from({ length: clients }, () => new ShellClient(emu.url, hostHeader(fqdn)));
  // The open shells exist only during their own slices: with them and a conversation's shell per
  // client at once, 16 clients would pass MaxShellsPerUser (30).
  let open: string[] = [];
  const withOpenShells = async (run: () => Promise<void>): Promise<void> => {
    open = await Promise.all(clientsOf.map(async (c) => (await c.create()).shellId));
    try {
      await run();
    } finally {
      await Promise.all(clientsOf.map((c, i) => c.delete(open[i] as string)));
    }
  };
  const conversationTrip = async (i: number): Promise<void> => {
    const r = await (clientsOf[i] as ShellClient).run('hostname');
    if (r.exitCode !== 0) throw new Error(`hostname exited ${r.exitCode}: ${r.stderr}`);
  };
  const openShellTrip = async (i: number): Promise<void> => {
    const client = clientsOf[i] as ShellClient;
    const shellId = open[i] as string;
    const commandId = await client.command(shellId, 'hostname');
    const r = await client.receiveAll(shellId, commandId);
    if (r.exitCode !== 0) throw new Error(`hostname exited ${r.exitCode}: ${r.stderr}`);
  };
  const cimTrip = (): Promise<void> => cimGet(emu.url, fqdn);
  const kinds: Array<[Tally, (i: number) => Promise<void>, boolean]> = [
    [new Tally(), cimTrip, false],
    [new Tally(), conversationTrip, false],
    [new Tally(), openShellTrip, true],
  ];
  const measure = async (tally: Tally, op: (i: number) => Promise<void>, needsOpen: boolean, ms: number): Promise<void> => {
    if (needsOpen) await withOpenShells(() => loop(tally, clients, ms, op));
    else await loop(tally, clients, ms, op);
  };
  // Warm-up of each path, not counted.
  for (const [, op, needsOpen] of kinds) await measure(new Tally(), op, needsOpen, cfg.warmupS * 500);
  for (let k = 0; k < slices; k++) {
    for (const [tally, op, needsOpen] of kinds) {
      await measure(tally, op, needsOpen, sliceMs / kinds.length);
      await waitIdle(emu);
    }
  }
  const [cim, conversation, openShell] = kinds.map(([t]) => t.figures()) as [Figures, Figures, Figures];
  return { conversation, openShell, cim };
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
    const trips: Array<{ clients: number } & TripFigures> = [];
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

    const all = [...trips.flatMap((t) => [t.conversation, t.openShell, t.cim]), runCmd, ps, get, provPs, provCim];
    const failures = all.reduce((n, f) => n + f.failures, 0);
    const firstError = all.find((f) => f.firstError)?.firstError;
    if (failures) notes.push(`${failures} operation(s) failed; the first: ${firstError}`);
    notes.push(
      'A round trip is five HTTP requests, a command on an open shell two (Command, then one Receive that carries the output and Done); each starts a cmd.exe-shaped process in the emulator. A CIM Get is one request.',
      'run_cmd and run_ps are whole pywinrm conversations: five requests (Create, Command, Receive, Signal, Delete); run_ps adds parsing the -EncodedCommand script, running it in a fresh PowerShell session and formatting its output for the console.',
    );

    const markdown = [
      '### (a) Shell round trips per second against CIM Get (alternating slices)',
      '',
      'A round trip is a whole pywinrm `run_cmd` conversation: Create, Command (`hostname`), Receive until Done, Signal, Delete. "On an open shell" is a Command and its Receive in a shell each client keeps.',
      '',
      table(
        ['Clients', 'Round trips/s', 'p50', 'p99', 'On an open shell/s', 'p50', 'p99', 'CIM Get/s (baseline)', 'p50', 'p99', 'Round trips / CIM Get'],
        trips.map((t) => [
          String(t.clients),
          fmtRate(t.conversation.perSecond),
          fmtMs(t.conversation.latency.p50),
          fmtMs(t.conversation.latency.p99),
          fmtRate(t.openShell.perSecond),
          fmtMs(t.openShell.latency.p50),
          fmtMs(t.openShell.latency.p99),
          fmtRate(t.cim.perSecond),
          fmtMs(t.cim.latency.p50),
          fmtMs(t.cim.latency.p99),
          fmtTimes(t.conversation.perSecond / t.cim.perSecond),
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
