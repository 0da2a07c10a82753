/**
 * 1. Request throughput and latency against a baseline: Identify, Get,
 * Enumerate+Pull of 10,000 jobs, and a WhatIf Invoke, at 1, 16 and 64
 * keep-alive connections, each for a fixed time. The baseline is a bare
 * node:http server (its own child) answering the bytes of the emulator's
 * authenticated IdentifyResponse, measured the same way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startBaseline, startEmulator, tempDir, waitIdle, type ChildServer, type Memory } from '../lib/children';
import { emulatorModules } from '../lib/dist';
import {
  ADMIN_BASIC,
  ADMIN_PASSWORD,
  ADMIN_USER,
  DEFAULT_HOST,
  IDENTIFY,
  IPAM_JOB_URI,
  SOAP_CONTENT_TYPE,
  enumerateRequest,
  enumerationState,
  getIpamServer,
  invokeProvisioningWhatIf,
  pullRequest,
} from '../lib/envelopes';
import { post200 } from '../lib/http';
import { runInterleaved, runLoad, type LoadResult, type Request } from '../lib/load';
import { profileUnderLoad } from '../lib/profiling';
import { fmtMB, fmtMs, fmtPct, fmtPctAgainst, fmtRate, fmtTimes, Samples, summarize, type LatencySummary } from '../lib/stats';
import { passMark, table, type BenchConfig, type Floor, type Section } from '../lib/report';
import { seedCompletedJobs } from '../lib/seed';

/** In the order they run: the Enumerate runs last, as it leaves the child with the most memory. */
export const REQUEST_KINDS = ['identify', 'get', 'invoke', 'enumerate'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

const CONNECTIONS = [1, 16, 64] as const;
/** The baseline and Identify alternate in this many slices per figure. */
const SLICES = (cfg: BenchConfig): number => (cfg.quick ? 2 : 5);
const JOBS = 10_000;
const PAGE = 100;

const HEADERS = { 'Content-Type': SOAP_CONTENT_TYPE, Authorization: ADMIN_BASIC };

interface EnumerationFigures {
  /** Whole operations (Enumerate, then Pulls to EndOfSequence) completed. */
  readonly count: number;
  readonly perSecond: number;
  readonly latency: LatencySummary;
  /** Sequences broken off by a non-200 reply or a reply without a context. */
  readonly aborted: number;
  readonly enumerate: LatencySummary;
  readonly pull: LatencySummary;
  readonly wallS: number;
  readonly firstFault?: string;
}

interface Row {
  readonly kind: RequestKind | 'baseline';
  readonly result: LoadResult;
  readonly ops?: EnumerationFigures;
  /** The child's memory right after the run. */
  readonly mem: Memory;
  /** The child died during the run. */
  readonly crashed?: boolean;
}

interface SequenceSamples {
  readonly ops: Samples;
  readonly enumerate: Samples;
  readonly pull: Samples;
  aborted: number;
  /** The first reply that was not 200: its status and fault text. */
  firstFault?: string;
}

/** The status and fault reason of a reply, for a note. */
function faultText(status: number, body: string): string {
  const reason = /<s:Text[^>]*>([^<]*)<\/s:Text>/.exec(body)?.[1] ?? /<(?:\w+:)?Message>([^<]*)</.exec(body)?.[1] ?? body.slice(0, 200);
  return `HTTP ${status}: ${reason.trim()}`;
}

/** Enumerate then Pull until EndOfSequence, per connection, timing each request and each whole sequence. */
function enumerationSequence(acc: SequenceSamples): Request[] {
  interface Seq {
    start?: number;
    sent?: number;
    context?: string;
    done?: boolean;
  }
  const onResponse = (into: Samples) => (status: number, body: string, c: object): void => {
    const seq = c as Seq;
    const now = performance.now();
    if (status !== 200) {
      seq.done = true;
      acc.aborted++;
      acc.firstFault ??= faultText(status, body);
      return;
    }
    into.add(now - (seq.sent ?? now));
    const st = enumerationState(body);
    if (st.end) {
      acc.ops.add(now - (seq.start ?? now));
      seq.done = true;
    } else if (st.context === undefined) {
      seq.done = true;
      acc.aborted++;
    } else seq.context = st.context;
  };
  const first: Request = {
    body: enumerateRequest(IPAM_JOB_URI, PAGE),
    setupRequest: (req, c) => {
      const seq = c as Seq;
      seq.start = seq.sent = performance.now();
      return req;
    },
    onResponse: onResponse(acc.enumerate),
  };
  const pull: Request = {
    setupRequest: (req, c) => {
      const seq = c as Seq;
      // A falsy request makes autocannon start over from the Enumerate, with a fresh context.
      if (seq.done || seq.context === undefined) return undefined as unknown as Request;
      seq.sent = performance.now();
      return { ...req, body: pullRequest(IPAM_JOB_URI, seq.context, PAGE) };
    },
    onResponse: onResponse(acc.pull),
  };
  // 10,000 / 100 = 1 Enumerate + 99 Pulls; spare Pulls in case a reply holds fewer items.
  return [first, ...Array.from({ length: 2 * (JOBS / PAGE) }, () => pull)];
}

/**
 * Enumerate+Pull is measured by count, not for a fixed time: one operation of
 * 10,000 instances takes the server seconds of CPU, so at 16 and 64 connections
 * a 10 s window would end before any operation does. Each connection runs
 * `opsPerConnection` whole operations (100 requests each); the figures are over
 * the wall time until the last one ends.
 */
function enumerationOpsPerConnection(cfg: BenchConfig, connections: number): number {
  if (connections === 1) return cfg.quick ? 2 : 5;
  return 1;
}

async function measure(cfg: BenchConfig, server: ChildServer, kind: RequestKind | 'baseline', connections: number, durationS: number): Promise<Row> {
  const url = server.url;
  // The child's peak memory, sampled along the run (it may not live to be read at the end).
  let peak = server.memory();
  const sampler = setInterval(() => {
    const m = server.memory();
    if (Number.isFinite(m.hwmKb)) peak = m;
  }, 500);
  let row: Omit<Row, 'mem'>;
  if (kind === 'enumerate') {
    const acc: SequenceSamples = { ops: new Samples(), enumerate: new Samples(), pull: new Samples(), aborted: 0 };
    const perConn = durationS < cfg.durationS ? 1 : enumerationOpsPerConnection(cfg, connections);
    const result = await runLoad({
      url,
      connections,
      amount: connections * perConn * (JOBS / PAGE),
      headers: HEADERS,
      requests: enumerationSequence(acc),
      timeoutS: 900,
      abort: server.waitExit(),
    });
    row = {
      kind,
      result,
      ops: {
        count: acc.ops.count,
        perSecond: acc.ops.count / result.durationS,
        latency: summarize(acc.ops),
        aborted: acc.aborted,
        enumerate: summarize(acc.enumerate),
        pull: summarize(acc.pull),
        wallS: result.durationS,
        firstFault: acc.firstFault,
      },
    };
  } else {
    const body = kind === 'identify' || kind === 'baseline' ? IDENTIFY : kind === 'get' ? getIpamServer() : invokeProvisioningWhatIf();
    const result = await runLoad({ url, connections, durationS, headers: HEADERS, requests: [{ body }], abort: server.waitExit() });
    if (result.ok === 0) cfg.log(`  warning: ${kind} at ${connections} connections got no 2xx reply (${JSON.stringify(result.statusCodes)})`);
    row = { kind, result };
  }
  // Let the server finish what the closed connections left queued before the next run.
  clearInterval(sampler);
  const now = server.memory();
  const mem = Number.isFinite(now.hwmKb) ? now : peak;
  const idleMs = await waitIdle(server);
  if (idleMs > 1000) cfg.log(`  (the server took ${(idleMs / 1000).toFixed(1)} s to drain after the run)`);
  return server.alive ? { ...row, mem } : { ...row, mem, crashed: true };
}

/** Checks each request is answered 200 before measuring; returns the Identify reply for the baseline. */
async function preflight(cfg: BenchConfig, emu: ChildServer): Promise<{ identify: Buffer; contentType: string }> {
  const identify = await post200(emu.url, IDENTIFY, HEADERS, 'authenticated Identify');
  await post200(emu.url, getIpamServer(), HEADERS, 'Get MSFT_IPAM_Server');
  const invoke = await post200(emu.url, invokeProvisioningWhatIf(), HEADERS, 'Invoke WhatIf');
  if (!/ReturnValue>0</.test(invoke.body.toString('utf8'))) throw new Error(`Invoke WhatIf did not return 0:\n${invoke.body.toString('utf8').slice(0, 1500)}`);
  const { wsmanClient, transport } = emulatorModules();
  const client = new wsmanClient.WsmanClient({ endpoint: emu.url, authenticator: new transport.BasicAuthenticator(ADMIN_USER, ADMIN_PASSWORD) });
  try {
    const jobs = await client.enumerate(IPAM_JOB_URI, { maxElements: PAGE });
    if (jobs.length !== JOBS) throw new Error(`the job enumeration served ${jobs.length} instances, not ${JOBS}`);
    cfg.log(`  checked: the job enumeration serves all ${jobs.length} jobs`);
  } finally {
    client.close();
  }
  return { identify: identify.body, contentType: String(identify.headers['content-type'] ?? SOAP_CONTENT_TYPE) };
}

export async function requestsSection(cfg: BenchConfig, kinds: readonly RequestKind[]): Promise<Section> {
  const dataDir = tempDir('ipam-bench-requests-');
  cfg.log(`  seeding ${JOBS} completed jobs for ${DEFAULT_HOST}`);
  seedCompletedJobs(dataDir, DEFAULT_HOST, JOBS);
  const emu = await startEmulator({ label: 'emulator', dataDir });
  let baseline: ChildServer | undefined;
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    const { identify, contentType } = await preflight(cfg, emu);
    const replyFile = path.join(dataDir, 'identify-reply.xml');
    fs.writeFileSync(replyFile, identify);
    baseline = await startBaseline(replyFile, contentType);

    const report = (server: ChildServer, row: Row): void => {
      const { kind } = row;
      const c = row.result.connections;
      rows.push(row);
      if (row.ops?.firstFault) notes.push(`${kind} at ${c} connections: ${row.ops.aborted} sequences broken off by a reply other than 200; the first: ${row.ops.firstFault}`);
      if (row.crashed) {
        const oom = /heap out of memory|Reached heap limit|Allocation failed/i.test(server.stderr);
        notes.push(
          `**The ${server.label} child died during ${kind} at ${c} connections**` +
            (oom ? ` — out of memory (V8 heap limit), last seen at ${fmtMB(row.mem.rssKb)} MB RSS` : '') +
            `. Its stderr began: \`${server.stderr.trim().split('\n').slice(0, 2).join(' ').slice(0, 300)}\``,
        );
        cfg.log(`  the child died${oom ? ' (out of memory)' : ''}: ${server.stderr.slice(0, 300)}`);
      }
      cfg.log(
        `  ${kind} @${c}: ${fmtRate(row.result.rps)} req/s, p50 ${fmtMs(row.result.latency.p50)} ms, p99 ${fmtMs(row.result.latency.p99)} ms` +
          (row.ops ? `; ${row.ops.count} enumerations in ${row.ops.wallS.toFixed(1)} s, p50 ${fmtMs(row.ops.latency.p50)} ms, peak RSS ${fmtMB(row.mem.hwmKb)} MB` : '') +
          (row.result.non2xx || row.result.errors ? `; non-2xx ${row.result.non2xx}, errors ${row.result.errors}` : ''),
      );
    };

    // The baseline and Identify (the floor's pair) in alternating slices at each connection count.
    const withIdentify = kinds.includes('identify');
    cfg.log(`  baseline${withIdentify ? ' and identify' : ''}: warm-up ${cfg.warmupS} s`);
    await measure(cfg, baseline, 'baseline', 16, cfg.warmupS);
    if (withIdentify) await measure(cfg, emu, 'identify', 16, cfg.warmupS);
    for (const c of CONNECTIONS) {
      const servers = withIdentify ? [baseline, emu] : [baseline];
      const results = await runInterleaved(
        servers.map((server) => ({ url: server.url, connections: c, headers: HEADERS, requests: [{ body: IDENTIFY }], abort: server.waitExit() })),
        { totalS: cfg.durationS, slices: SLICES(cfg), between: async (i) => void (await waitIdle(servers[i] as ChildServer)) },
      );
      results.forEach((result, i) => {
        const server = servers[i] as ChildServer;
        report(server, { kind: i === 0 ? 'baseline' : 'identify', result, mem: server.memory(), ...(server.alive ? {} : { crashed: true }) });
      });
    }

    for (const kind of kinds.filter((k) => k !== 'identify')) {
      if (!emu.alive) break;
      cfg.log(`  ${kind}: warm-up ${kind === 'enumerate' ? '1 operation' : `${cfg.warmupS} s`}`);
      await measure(cfg, emu, kind, kind === 'enumerate' ? 1 : 16, cfg.warmupS);
      for (const c of CONNECTIONS) {
        if (kind === 'enumerate' && cfg.quick && c === 64) continue;
        if (!emu.alive) break;
        report(emu, await measure(cfg, emu, kind, c, cfg.durationS));
      }
    }
    const mem = emu.memory();
    if (emu.alive) notes.push(`Emulator child memory at the end of this section: VmRSS ${fmtMB(mem.rssKb)} MB, peak VmHWM ${fmtMB(mem.hwmKb)} MB.`);
    if (emu.logCount > 0) notes.push(`The emulator logged ${emu.logCount} warning/error lines, e.g.: ${emu.logLines.slice(0, 3).map((l) => `\`${l.msg}\``).join('; ')}`);
  } finally {
    await baseline?.stop();
    const wasAlive = emu.alive;
    const code = await emu.stop();
    if (wasAlive && code !== 0) notes.push(`The emulator child exited with code ${code} when stopped (SIGTERM).`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return render(cfg, rows, kinds, notes);
}

const TITLES: Record<RequestKind | 'baseline', string> = {
  baseline: 'Baseline: bare node:http, fixed IdentifyResponse',
  identify: 'Identify (authenticated, Basic)',
  get: 'Get MSFT_IPAM_Server by its keys',
  enumerate: `Enumerate + Pull of ${JOBS.toLocaleString('en-US')} jobs (MaxElements ${PAGE})`,
  invoke: 'Invoke InvokeIpamServerProvisioning (WhatIf)',
};

function render(cfg: BenchConfig, measured: Row[], kinds: readonly RequestKind[], notes: string[]): Section {
  const order: ReadonlyArray<Row['kind']> = ['baseline', ...REQUEST_KINDS];
  const rows = [...measured].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.result.connections - b.result.connections);
  const base = new Map(rows.filter((r) => r.kind === 'baseline').map((r) => [r.result.connections, r.result]));
  const body: string[] = [];
  body.push(
    `Each figure: ${cfg.durationS} s of keep-alive load from autocannon (in the bench process) against the child process, after a ${cfg.warmupS} s warm-up at 16 connections. ` +
      `The baseline and Identify are measured in ${SLICES(cfg)} alternating slices each (baseline, Identify, baseline, …), so background load on the machine touches both alike. ` +
      'Ratios are to the baseline at the same connection count: throughput as a share of the baseline\'s, latency as a multiple of the baseline\'s.',
    '',
  );
  const head = ['Request', 'Conns', 'req/s', 'vs baseline', 'p50 ms', 'p99 ms', 'p50 vs baseline', 'non-2xx / errors'];
  const tableRows: string[][] = [];
  for (const r of rows) {
    const b = base.get(r.result.connections);
    const isBase = r.kind === 'baseline';
    tableRows.push([
      TITLES[r.kind],
      String(r.result.connections),
      fmtRate(r.result.rps),
      isBase || !b ? '' : fmtPct(r.result.rps / b.rps),
      fmtMs(r.result.latency.p50),
      fmtMs(r.result.latency.p99),
      isBase || !b ? '' : fmtTimes(r.result.latency.p50 / b.latency.p50),
      `${r.result.non2xx} / ${r.result.errors + r.result.timeouts}${r.crashed ? ' (the child died)' : ''}`,
    ]);
  }
  body.push(table(head, tableRows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']));
  const enumRows = rows.filter((r) => r.ops);
  if (enumRows.length) {
    body.push(
      '',
      `Enumerate + Pull as whole operations: one Enumerate with OptimizeEnumeration and MaxElements ${PAGE}, then Pulls until EndOfSequence ` +
        `(${JOBS / PAGE} requests, ${JOBS.toLocaleString('en-US')} instances). Measured by count, not for a fixed time (one operation costs the server on the order of a second of CPU, ` +
        `so at 16 and 64 connections, all running at once, a ${cfg.durationS} s window would end before most operations do): ` +
        `${enumerationOpsPerConnection(cfg, 1)} operations on 1 connection, one per connection at 16 and 64, all starting together. ` +
        'The request rows above count each Enumerate and Pull over the same wall time. Peak RSS is the child\'s VmHWM so far.',
      '',
      table(
        ['Conns', 'operations', 'wall s', 'operations/s', 'instances/s', 'op p50 ms', 'op p99 ms', 'Enumerate p50 ms', 'Pull p50 ms', 'Pull p99 ms', 'peak RSS MB', 'aborted'],
        enumRows.map((r) => {
          const o = r.ops as EnumerationFigures;
          return [
            String(r.result.connections),
            String(o.count),
            o.wallS.toFixed(1),
            fmtRate(o.perSecond),
            fmtRate(o.perSecond * JOBS),
            fmtMs(o.latency.p50),
            fmtMs(o.latency.p99),
            fmtMs(o.enumerate.p50),
            fmtMs(o.pull.p50),
            fmtMs(o.pull.p99),
            `${fmtMB(r.mem.hwmKb)}${r.crashed ? ' (then died)' : ''}`,
            String(o.aborted),
          ];
        }),
      ),
    );
  }
  const e1 = enumRows.find((r) => r.result.connections === 1);
  const e16 = enumRows.find((r) => r.result.connections === 16 && !r.crashed);
  if (e1 && e16 && Number.isFinite(e16.mem.hwmKb - e1.mem.hwmKb)) {
    notes.push(
      `Memory per open enumeration: the peak RSS rose by ${fmtMB(e16.mem.hwmKb - e1.mem.hwmKb)} MB from 1 to 16 concurrent enumerations of ${JOBS.toLocaleString('en-US')} jobs, ` +
        `about ${((e16.mem.hwmKb - e1.mem.hwmKb) / 1024 / 15).toFixed(0)} MB per open enumeration (garbage not yet collected included).`,
    );
  }
  const floors: Floor[] = [];
  if (kinds.includes('identify')) {
    const id16 = rows.find((r) => r.kind === 'identify' && r.result.connections === 16)?.result;
    const b16 = base.get(16);
    const ratio = id16 && b16 ? id16.rps / b16.rps : NaN;
    floors.push({
      name: 'Identify at 16 connections',
      target: '≥ 50% of the baseline\'s req/s',
      measured: `${fmtRate(id16?.rps ?? NaN)} vs ${fmtRate(b16?.rps ?? NaN)} req/s = ${fmtPctAgainst(ratio, 0.5)}`,
      pass: Number.isFinite(ratio) ? ratio >= 0.5 : undefined,
      reproduce: () =>
        profileUnderLoad(cfg, 'identify-16', 'Identify at 16 connections', {}, async (emu) => {
          await runLoad({ url: emu.url, connections: 16, durationS: cfg.durationS, headers: HEADERS, requests: [{ body: IDENTIFY }] });
        }),
    });
  }
  body.push('', ...floors.map((f) => `Floor: ${f.name} ${f.target}: ${f.measured} — ${passMark(f.pass)}`));
  // When the Enumerate killed the child, show where an enumeration's time and allocations go.
  const extraProfiles = enumRows.some((r) => r.crashed)
    ? [
        () =>
          profileUnderLoad(
            cfg,
            'enumerate-1',
            `Enumerate + Pull of ${JOBS.toLocaleString('en-US')} jobs, 2 operations on 1 connection (taken because the child died under the Enumerate load)`,
            {},
            async (emu) => {
              const acc: SequenceSamples = { ops: new Samples(), enumerate: new Samples(), pull: new Samples(), aborted: 0 };
              await runLoad({ url: emu.url, connections: 1, amount: 2 * (JOBS / PAGE), headers: HEADERS, requests: enumerationSequence(acc), timeoutS: 300 });
            },
            (dir) => seedCompletedJobs(dir, DEFAULT_HOST, JOBS),
          ),
      ]
    : undefined;
  return { id: 'requests', title: '1. Request throughput and latency', markdown: body.join('\n'), floors, notes, extraProfiles };
}
