/**
 * 3. Provisioning through the twin's library (src/client/ipam.ts provisionHost,
 * src/client/fanout.ts runAcrossSessions), as `ipam-emulator provision
 * --endpoint … --cim-session …` does it: one WsmanClient (one session, its own
 * connection) per host, the host chosen by the Host header, Basic, Force.
 *
 *  (a) one host at a time: the latency of a single WID provisioning, each on a
 *      host never provisioned before;
 *  (b) a fleet of 100 and 1,000 hosts through the fan-out at ThrottleLimit 1, 8
 *      and 32, each on a fresh emulator child (`--hosts N --concurrency 32`).
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startEmulator, tempDir, type ChildServer, type Memory } from '../lib/children';
import { emulatorModules } from '../lib/dist';
import { ADMIN_BASIC, ADMIN_PASSWORD, ADMIN_USER } from '../lib/envelopes';
import { getJson } from '../lib/http';
import { profileUnderLoad } from '../lib/profiling';
import { fmtMB, fmtMs, fmtRate, Samples, summarize, type LatencySummary } from '../lib/stats';
import { passMark, table, type BenchConfig, type Floor, type Section } from '../lib/report';

const DOMAIN = 'contoso.com';
const hostName = (k: number): string => `ipam${k}.${DOMAIN}`;

/** Provisions one host (WID, Force) the way the twin does, and returns the milliseconds it took. */
async function provisionOne(url: string, fqdn: string): Promise<number> {
  const { wsmanClient, transport, ipam } = emulatorModules();
  const client = new wsmanClient.WsmanClient({ endpoint: url, hostHeader: fqdn, authenticator: new transport.BasicAuthenticator(ADMIN_USER, ADMIN_PASSWORD) });
  const t0 = performance.now();
  try {
    const r = await ipam.provisionHost(client, { Force: true });
    if (r.returnValue !== 0) throw new Error(`${fqdn}: ReturnValue ${r.returnValue}`);
    return performance.now() - t0;
  } finally {
    client.close();
  }
}

interface HostSummary {
  readonly fqdn: string;
  readonly provisioningState: string;
}

async function provisionedCount(emu: ChildServer): Promise<number> {
  const hosts = await getJson<HostSummary[]>(emu.url.replace(/\/wsman$/, '/_emulator/hosts'), ADMIN_BASIC);
  return hosts.filter((h) => h.provisioningState === 'Provisioned').length;
}

// ---------------------------------------------------------------------------
// (a) one host at a time

interface SingleResult {
  readonly latency: LatencySummary;
  readonly failures: number;
  readonly firstError?: string;
  readonly provisioned: number;
}

async function single(count: number): Promise<SingleResult> {
  const warm = 3;
  const dataDir = tempDir('ipam-bench-prov1-');
  const emu = await startEmulator({ label: 'emulator (provisioning, one host at a time)', dataDir, hosts: count + warm + 7 });
  const samples = new Samples();
  let failures = 0;
  let firstError: string | undefined;
  try {
    // Warm-up on hosts past the measured ones.
    for (let k = count + 1; k <= count + warm; k++) await provisionOne(emu.url, hostName(k));
    for (let k = 1; k <= count; k++) {
      try {
        samples.add(await provisionOne(emu.url, hostName(k)));
      } catch (e) {
        failures++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
    const provisioned = await provisionedCount(emu);
    return { latency: summarize(samples), failures, firstError, provisioned };
  } finally {
    await emu.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// (b) the fleet fan-out

interface FanoutResult {
  readonly hosts: number;
  readonly throttle: number;
  readonly startupS: number;
  readonly wallS: number;
  readonly perHost: LatencySummary;
  readonly failures: number;
  readonly firstError?: string;
  readonly provisioned: number;
  readonly maxInFlight: number;
  readonly before: Memory;
  readonly after: Memory;
}

async function fanoutRun(url: string, hosts: number, throttle: number): Promise<{ wallS: number; perHost: Samples; failures: number; firstError?: string; maxInFlight: number }> {
  const { fanout } = emulatorModules();
  const names = Array.from({ length: hosts }, (_, i) => hostName(i + 1));
  const perHost = new Samples();
  const t0 = performance.now();
  const report = await fanout.runAcrossSessions(names, async (fqdn) => perHost.add(await provisionOne(url, fqdn)), { throttleLimit: throttle });
  const wallS = (performance.now() - t0) / 1000;
  const failed = report.outcomes.filter((o) => !o.ok);
  const first = failed[0];
  const firstError = first && !first.ok ? (first.error instanceof Error ? first.error.message : String(first.error)) : undefined;
  return { wallS, perHost, failures: failed.length, firstError, maxInFlight: report.maxInFlight };
}

async function fanoutOnFreshChild(hosts: number, throttle: number): Promise<FanoutResult> {
  const dataDir = tempDir(`ipam-bench-fanout-${hosts}-${throttle}-`);
  const t0 = performance.now();
  const emu = await startEmulator({ label: `emulator (${hosts} hosts)`, dataDir, hosts, concurrency: 32 });
  const startupS = (performance.now() - t0) / 1000;
  try {
    const before = emu.memory();
    const r = await fanoutRun(emu.url, hosts, throttle);
    const after = emu.memory();
    const provisioned = await provisionedCount(emu);
    return { hosts, throttle, startupS, wallS: r.wallS, perHost: summarize(r.perHost), failures: r.failures, firstError: r.firstError, provisioned, maxInFlight: r.maxInFlight, before, after };
  } finally {
    await emu.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------

export interface ProvisioningOutcome {
  readonly section: Section;
  /** RSS of the emulator after 1,000 hosts were provisioned (ThrottleLimit 32), for section 4. */
  readonly rssAfter1000?: Memory;
}

export async function provisioningSection(cfg: BenchConfig, parts: { single: boolean; fanout: boolean }): Promise<ProvisioningOutcome> {
  const body: string[] = [];
  const notes: string[] = [];
  const floors: Floor[] = [];
  let rssAfter1000: Memory | undefined;

  if (parts.single) {
    const count = 50;
    cfg.log(`  (a) ${count} single-host provisionings, one at a time`);
    const s = await single(count);
    cfg.log(`  (a) p50 ${fmtMs(s.latency.p50)} ms, p99 ${fmtMs(s.latency.p99)} ms, ${s.failures} failures`);
    body.push(
      `**(a) One host at a time.** ${count} WID provisionings (Force), each of a host never provisioned before (ipam1…ipam${count} of a \`--hosts ${count + 10}\` emulator), one after the other, ` +
        'each through a new WsmanClient (a new connection), after 3 warm-up provisionings of other hosts. Latency is the client\'s: from the Invoke sent to ReturnValue 0.',
      '',
      table(
        ['Provisionings', 'p50 ms', 'p99 ms', 'mean ms', 'max ms', 'failures', 'hosts Provisioned (admin API; 3 warm-up included)'],
        [[String(s.latency.count), fmtMs(s.latency.p50), fmtMs(s.latency.p99), fmtMs(s.latency.mean), fmtMs(s.latency.max), String(s.failures), String(s.provisioned)]],
      ),
      '',
    );
    if (s.failures) notes.push(`Single provisionings: ${s.failures} failed, the first: ${s.firstError}`);
    floors.push({
      name: 'Single WID provisioning',
      target: 'p50 ≤ 50 ms',
      measured: `p50 ${fmtMs(s.latency.p50)} ms`,
      pass: s.latency.count ? s.latency.p50 <= 50 : undefined,
      reproduce: () =>
        profileUnderLoad(cfg, 'provision-one', `${count} single provisionings, one at a time`, { hosts: count }, async (emu) => {
          for (let k = 1; k <= count; k++) await provisionOne(emu.url, hostName(k));
        }),
    });
  }

  if (parts.fanout) {
    const plan: Array<[number, number]> = cfg.quick
      ? [
          [100, 1],
          [100, 8],
          [100, 32],
          [1000, 32],
        ]
      : [
          [100, 1],
          [100, 8],
          [100, 32],
          [1000, 1],
          [1000, 8],
          [1000, 32],
        ];
    const results: FanoutResult[] = [];
    for (const [hosts, throttle] of plan) {
      if (hosts === 1000 && throttle === 1) {
        // Estimate from 100 hosts at throttle 1; skip when it would pass ~2 minutes.
        const at100 = results.find((r) => r.hosts === 100 && r.throttle === 1);
        const estimate = at100 ? (at100.wallS / at100.hosts) * hosts : Infinity;
        if (estimate > 120) {
          notes.push(`1,000 hosts at ThrottleLimit 1 not measured: from 100 hosts at ThrottleLimit 1 it would take about ${estimate.toFixed(0)} s (> 2 minutes).`);
          cfg.log(`  (b) skipping 1000 hosts at throttle 1 (estimate ${estimate.toFixed(0)} s)`);
          continue;
        }
      }
      cfg.log(`  (b) ${hosts} hosts, ThrottleLimit ${throttle}: starting a fresh child`);
      const r = await fanoutOnFreshChild(hosts, throttle);
      results.push(r);
      cfg.log(
        `  (b) ${hosts} hosts @${throttle}: ${r.wallS.toFixed(2)} s, ${fmtRate(r.hosts / r.wallS)} hosts/s, per host p50 ${fmtMs(r.perHost.p50)} ms, ` +
          `RSS ${fmtMB(r.after.rssKb)} MB (peak ${fmtMB(r.after.hwmKb)} MB), ${r.failures} failures, start-up ${r.startupS.toFixed(1)} s`,
      );
      if (r.failures) notes.push(`${hosts} hosts at ThrottleLimit ${throttle}: ${r.failures} failed, the first: ${r.firstError}`);
      if (r.provisioned !== hosts - r.failures) notes.push(`${hosts} hosts at ThrottleLimit ${throttle}: the admin API lists ${r.provisioned} hosts Provisioned, expected ${hosts - r.failures}.`);
    }
    body.push(
      '**(b) Fleet fan-out.** `runAcrossSessions` over ipam1…ipamN with one session per host, at most ThrottleLimit in flight, on a fresh emulator child per row ' +
        '(`serve --hosts N --concurrency 32`: every host also listens on a port of its own; the bench addresses them all through the main port by Host header). ' +
        'Wall time is the fan-out\'s, start-up excluded; per-host latency is each provisioning\'s own; RSS is the child\'s VmRSS before and after, and its peak (VmHWM).',
      '',
      table(
        ['Hosts', 'ThrottleLimit', 'wall s', 'hosts/s', 'per-host ms (wall × throttle / hosts)', 'per-host p50 ms', 'per-host p99 ms', 'RSS before MB', 'RSS after MB', 'peak RSS MB', 'failures', 'start-up s'],
        results.map((r) => [
          r.hosts.toLocaleString('en-US'),
          String(r.throttle),
          r.wallS.toFixed(2),
          fmtRate(r.hosts / r.wallS),
          fmtMs((r.wallS * 1000 * Math.min(r.throttle, r.hosts)) / r.hosts),
          fmtMs(r.perHost.p50),
          fmtMs(r.perHost.p99),
          fmtMB(r.before.rssKb),
          fmtMB(r.after.rssKb),
          fmtMB(r.after.hwmKb),
          String(r.failures),
          r.startupS.toFixed(1),
        ]),
      ),
    );
    // How the cost grows with the fleet: per-host wall time at 100 against 1,000, per throttle.
    const growth: string[][] = [];
    for (const t of [1, 8, 32]) {
      const a = results.find((r) => r.hosts === 100 && r.throttle === t);
      const b = results.find((r) => r.hosts === 1000 && r.throttle === t);
      if (!a || !b) continue;
      const pa = (a.wallS * 1000) / a.hosts;
      const pb = (b.wallS * 1000) / b.hosts;
      growth.push([String(t), fmtMs(pa), fmtMs(pb), `${(pb / pa).toFixed(2)}×`, fmtMs(a.perHost.p50), fmtMs(b.perHost.p50)]);
    }
    if (growth.length) {
      body.push(
        '',
        'Growth with the number of hosts (wall time per host; 1.00× would be linear scaling):',
        '',
        table(['ThrottleLimit', 'ms/host at 100', 'ms/host at 1,000', '1,000 vs 100', 'per-host p50 at 100', 'per-host p50 at 1,000'], growth),
      );
    }
    for (const n of [100, 1000]) {
      const rates = results.filter((r) => r.hosts === n).map((r) => r.hosts / r.wallS);
      if (rates.length >= 2 && Math.max(...rates) / Math.min(...rates) < 1.5) {
        notes.push(
          `${n.toLocaleString('en-US')} hosts: hosts/s stays within ${fmtRate(Math.min(...rates))}–${fmtRate(Math.max(...rates))} whatever the ThrottleLimit: ` +
            'the emulator\'s one event loop is the limit, so a higher throttle only queues more work (per-host latency grows with it).',
        );
      }
    }
    const big = results.find((r) => r.hosts === 1000 && r.throttle === 32);
    rssAfter1000 = big?.after;
    floors.push({
      name: '1,000 hosts at ThrottleLimit 32',
      target: 'in ≤ 60 s',
      measured: big ? `${big.wallS.toFixed(1)} s` : 'not measured',
      pass: big ? big.wallS <= 60 && big.failures === 0 : undefined,
      reproduce: () =>
        profileUnderLoad(cfg, 'fanout-1000-32', '1,000 hosts at ThrottleLimit 32', { hosts: 1000, concurrency: 32 }, async (emu) => {
          await fanoutRun(emu.url, 1000, 32);
        }),
    });
    floors.push({
      name: 'RSS after 1,000 provisioned hosts',
      target: '≤ 400 MB',
      measured: big ? `${fmtMB(big.after.rssKb)} MB (peak ${fmtMB(big.after.hwmKb)} MB)` : 'not measured',
      pass: big ? big.after.rssKb / 1024 <= 400 : undefined,
    });
  }
  body.push('', ...floors.map((f) => `Floor: ${f.name} ${f.target}: ${f.measured} — ${passMark(f.pass)}`));
  return { section: { id: 'provision', title: '3. Provisioning', markdown: body.join('\n'), floors, notes }, rssAfter1000 };
}
