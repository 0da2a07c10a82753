/**
 * 2. The cost of NTLM-sealed messages: our own client library (src/client)
 * with N concurrent clients, each looping one request for a fixed time.
 * Sealed: NegotiateAuthenticator (encryption 'always') against the
 * windows-defaults fleet, which refuses anything unsealed over HTTP, so every
 * successful reply proves the exchange was sealed. Plain: BasicAuthenticator
 * against contoso.json. Both emulators are children; the clients run here, so
 * the figures include the client's side of the work (framing, RC4, parsing).
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startEmulator, tempDir, type ChildServer } from '../lib/children';
import { emulatorModules, type WsmanClient } from '../lib/dist';
import { ADMIN_PASSWORD, ADMIN_USER, IPAM_SERVER_URI } from '../lib/envelopes';
import { fmtMs, fmtPct, fmtRate, fmtTimes, Samples, summarize, type LatencySummary } from '../lib/stats';
import { table, type BenchConfig, type Section } from '../lib/report';

type Mode = 'plain' | 'sealed';
type Op = 'identify' | 'enumerate';
const CLIENTS = [1, 16] as const;

interface LoopResult {
  readonly mode: Mode;
  readonly op: Op;
  readonly clients: number;
  readonly ok: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly rps: number;
  readonly latency: LatencySummary;
}

function makeClient(mode: Mode, url: string): WsmanClient {
  const { wsmanClient, transport, negotiate } = emulatorModules();
  const authenticator =
    mode === 'sealed'
      ? new negotiate.NegotiateAuthenticator({ userName: ADMIN_USER, password: ADMIN_PASSWORD, encryption: 'always' })
      : new transport.BasicAuthenticator(ADMIN_USER, ADMIN_PASSWORD);
  return new wsmanClient.WsmanClient({ endpoint: url, authenticator });
}

function operation(op: Op): (c: WsmanClient) => Promise<unknown> {
  return op === 'identify' ? (c) => c.identify({ authenticated: true }) : (c) => c.enumerate(IPAM_SERVER_URI);
}

interface Slice {
  ok: number;
  errors: number;
  firstError?: string;
  elapsedS: number;
}

/** `clients` WsmanClients each looping `op` for `durationS`; latencies go into `samples`. */
async function loop(mode: Mode, op: Op, url: string, clients: number, durationS: number, samples: Samples): Promise<Slice> {
  const run = operation(op);
  const cs = Array.from({ length: clients }, () => makeClient(mode, url));
  const before = samples.count;
  const slice: Slice = { ok: 0, errors: 0, elapsedS: 0 };
  try {
    // The first call of each client logs on (the NTLM handshake): not timed.
    await Promise.all(cs.map((c) => run(c)));
    const start = performance.now();
    const end = start + durationS * 1000;
    await Promise.all(
      cs.map(async (c) => {
        while (performance.now() < end) {
          const t0 = performance.now();
          try {
            await run(c);
            samples.add(performance.now() - t0);
          } catch (e) {
            slice.errors++;
            slice.firstError ??= e instanceof Error ? e.message : String(e);
          }
        }
      }),
    );
    slice.elapsedS = (performance.now() - start) / 1000;
    slice.ok = samples.count - before;
    return slice;
  } finally {
    for (const c of cs) c.close();
  }
}

/** Plain and sealed in alternating slices (plain, sealed, plain, …), so background load touches both alike. */
async function pair(op: Op, urls: Record<Mode, string>, clients: number, totalS: number, slices: number): Promise<LoopResult[]> {
  const acc = {
    plain: { samples: new Samples(), ok: 0, errors: 0, elapsedS: 0, firstError: undefined as string | undefined },
    sealed: { samples: new Samples(), ok: 0, errors: 0, elapsedS: 0, firstError: undefined as string | undefined },
  };
  for (let i = 0; i < slices; i++) {
    for (const mode of ['plain', 'sealed'] as const) {
      const a = acc[mode];
      const r = await loop(mode, op, urls[mode], clients, totalS / slices, a.samples);
      a.ok += r.ok;
      a.errors += r.errors;
      a.elapsedS += r.elapsedS;
      a.firstError ??= r.firstError;
    }
  }
  return (['plain', 'sealed'] as const).map((mode) => {
    const a = acc[mode];
    return { mode, op, clients, ok: a.ok, errors: a.errors, firstError: a.firstError, rps: a.ok / a.elapsedS, latency: summarize(a.samples) };
  });
}

export async function sealedSection(cfg: BenchConfig): Promise<Section> {
  const dirs = { plain: tempDir('ipam-bench-plain-'), sealed: tempDir('ipam-bench-sealed-') };
  const children: Partial<Record<Mode, ChildServer>> = {};
  const results: LoopResult[] = [];
  const notes: string[] = [];
  try {
    children.plain = await startEmulator({ label: 'emulator (contoso, Basic)', dataDir: dirs.plain });
    children.sealed = await startEmulator({ label: 'emulator (windows-defaults, sealed)', dataDir: dirs.sealed, fixture: 'fixtures/windows-defaults.json' });
    const urls = { plain: (children.plain as ChildServer).url, sealed: (children.sealed as ChildServer).url };
    for (const op of ['identify', 'enumerate'] as const) {
      for (const mode of ['plain', 'sealed'] as const) await loop(mode, op, urls[mode], 16, cfg.warmupS, new Samples());
      for (const n of CLIENTS) {
        for (const r of await pair(op, urls, n, cfg.durationS, cfg.quick ? 2 : 5)) {
          results.push(r);
          cfg.log(`  ${op} ${r.mode} ×${n}: ${fmtRate(r.rps)} req/s, p50 ${fmtMs(r.latency.p50)} ms, p99 ${fmtMs(r.latency.p99)} ms${r.errors ? `, ${r.errors} errors (${r.firstError})` : ''}`);
          if (r.errors) notes.push(`${op} ${r.mode} with ${n} clients: ${r.errors} errors, the first: ${r.firstError}`);
        }
      }
    }
    for (const [mode, child] of Object.entries(children)) {
      if (child && child.logCount > 0) notes.push(`The ${mode} emulator logged ${child.logCount} warning/error lines, e.g. \`${child.logLines[0]?.msg}\``);
    }
  } finally {
    for (const child of Object.values(children)) await child?.stop();
    for (const d of Object.values(dirs)) fs.rmSync(d, { recursive: true, force: true });
  }

  const rows: string[][] = [];
  for (const op of ['identify', 'enumerate'] as const) {
    for (const n of CLIENTS) {
      const p = results.find((r) => r.op === op && r.clients === n && r.mode === 'plain');
      const s = results.find((r) => r.op === op && r.clients === n && r.mode === 'sealed');
      if (!p || !s) continue;
      rows.push([
        op === 'identify' ? 'Identify (authenticated)' : 'Enumerate MSFT_IPAM_Server',
        String(n),
        fmtRate(p.rps),
        fmtMs(p.latency.p50),
        fmtMs(p.latency.p99),
        fmtRate(s.rps),
        fmtMs(s.latency.p50),
        fmtMs(s.latency.p99),
        fmtPct(s.rps / p.rps),
        fmtTimes(s.latency.p50 / p.latency.p50),
      ]);
    }
  }
  const markdown = [
    `Each client is one WsmanClient (one keep-alive connection; NTLM binds the logon to it) looping one request, ${cfg.durationS} s in all per figure, after a ${cfg.warmupS} s warm-up; ` +
      `plain and sealed alternate in ${cfg.quick ? 2 : 5} slices (new clients each slice; the first request of each client, the logon, is not timed), so background load touches both alike. ` +
      'Clients run in the bench process, so each figure is client plus server.',
    '',
    table(
      ['Request', 'Clients', 'plain req/s', 'plain p50 ms', 'plain p99 ms', 'sealed req/s', 'sealed p50 ms', 'sealed p99 ms', 'sealed/plain req/s', 'sealed/plain p50'],
      rows,
    ),
  ].join('\n');
  return { id: 'sealed', title: '2. NTLM-sealed against plain requests', markdown, floors: [], notes };
}
