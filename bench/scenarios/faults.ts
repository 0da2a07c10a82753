/**
 * 6. Fault rules that do not match cost nothing: a CIM Get of MSFT_IPAM_Server (no rule
 * matches it) against an emulator with no rules (the baseline) and one whose fixture holds
 * 10,000 rules for other hosts and operations (plus 100 with wildcard hosts, which are
 * checked one by one), alternating in slices at 1 and 16 connections.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startEmulator, tempDir, waitIdle, type ChildServer } from '../lib/children';
import { ROOT } from '../lib/dist';
import { ADMIN_BASIC, SOAP_CONTENT_TYPE, getIpamServer } from '../lib/envelopes';
import { runInterleaved, type LoadResult } from '../lib/load';
import { fmtMs, fmtPct, fmtPctAgainst, fmtRate } from '../lib/stats';
import { table, type BenchConfig, type Floor, type Section } from '../lib/report';

const RULES = 10_000;
const GLOB_RULES = 100;
const OPERATIONS = ['Get', 'Enumerate', 'Invoke', 'Identify', 'Command', 'Receive'];
const HEADERS = { 'Content-Type': SOAP_CONTENT_TYPE, Authorization: ADMIN_BASIC };

function fixtureWithRules(dir: string): string {
  const base = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures', 'contoso.json'), 'utf8')) as Record<string, unknown>;
  const faults = [
    ...Array.from({ length: RULES }, (_, i) => ({ match: { host: `other${i}.contoso.com`, operation: OPERATIONS[i % OPERATIONS.length] }, effect: { httpStatus: { status: 503 } } })),
    ...Array.from({ length: GLOB_RULES }, (_, i) => ({ match: { host: `elsewhere${i}-*.fabrikam.com`, operation: 'Get' }, effect: { reset: true } })),
  ];
  const file = path.join(dir, 'fixture-10000-rules.json');
  fs.writeFileSync(file, JSON.stringify({ ...base, faults }));
  return file;
}

export async function faultsSection(cfg: BenchConfig): Promise<Section> {
  const dir = tempDir('ipam-bench-faults-');
  const fixture = fixtureWithRules(dir);
  const plain = await startEmulator({ label: 'emulator (no fault rules)', dataDir: path.join(dir, 'plain') });
  const ruled = await startEmulator({ label: `emulator (${RULES + GLOB_RULES} fault rules)`, dataDir: path.join(dir, 'ruled'), fixture });
  const rows: string[][] = [];
  const notes: string[] = [];
  const floors: Floor[] = [];
  try {
    const servers: ChildServer[] = [plain, ruled];
    const request = [{ body: getIpamServer() }];
    for (const connections of [1, 16]) {
      cfg.log(`  Get with no rules against Get with ${RULES + GLOB_RULES} rules, ${connections} connection(s)`);
      const [base, withRules] = (await runInterleaved(
        servers.map((s) => ({ url: s.url, connections, headers: HEADERS, requests: request, abort: s.waitExit() })),
        { totalS: cfg.durationS, slices: cfg.quick ? 2 : 5, between: async (i) => void (await waitIdle(servers[i] as ChildServer)) },
      )) as [LoadResult, LoadResult];
      const ratio = withRules.rps / base.rps;
      rows.push([String(connections), fmtRate(base.rps), fmtMs(base.latency.p50), fmtMs(base.latency.p99), fmtRate(withRules.rps), fmtMs(withRules.latency.p50), fmtMs(withRules.latency.p99), fmtPct(ratio)]);
      const failed = base.non2xx + base.errors + withRules.non2xx + withRules.errors;
      if (failed) notes.push(`${connections} connection(s): ${failed} replies were not 2xx or failed (${JSON.stringify(withRules.statusCodes)}).`);
      if (connections === 16) {
        floors.push({ name: `Get with ${RULES + GLOB_RULES} unmatched fault rules, 16 connections`, target: '≥ 90% of the rate without rules', measured: `${fmtRate(withRules.rps)} vs ${fmtRate(base.rps)} req/s = ${fmtPctAgainst(ratio, 0.9)}`, pass: ratio >= 0.9 });
      }
    }
    notes.push(`The rules: ${RULES} for hosts other than the one asked (other<i>.contoso.com), over ${OPERATIONS.length} operations, and ${GLOB_RULES} with wildcard hosts for Get (checked one by one against each Get). Both children run the embedded fixture otherwise.`);
    const markdown = table(['Connections', 'No rules req/s', 'p50', 'p99', `${RULES + GLOB_RULES} rules req/s`, 'p50', 'p99', 'With / without'], rows);
    return { id: 'faults', title: '6. Fault rules that do not match', markdown, floors, notes };
  } finally {
    await plain.stop();
    await ruled.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
