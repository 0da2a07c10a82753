/**
 * `npm run bench`: measures the emulator on loopback against a baseline
 * measured in the same run, and writes bench/RESULTS.md. See bench/README.md.
 *
 *   npm run bench                               the full run (~10–15 min on 2 cores), writes bench/RESULTS.md
 *   npm run bench -- --quick                    short durations and counts (development)
 *   npm run bench -- --only identify,provision  some parts only
 *
 * Runs other than the full one write bench/out/RESULTS-partial.md unless --out says otherwise.
 * Exits 1 when a floor it measured was missed (after writing the report), in every mode.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/dist';
import { exitCodeFor, missedLine } from './lib/floors';
import { machineInfo } from './lib/machine';
import { profileMarkdown, summarizeProfile } from './lib/profile';
import { passMark, table, type BenchConfig, type Floor, type ProfileRun, type Section } from './lib/report';
import { memorySection } from './scenarios/memory';
import { provisioningSection } from './scenarios/provisioning';
import { REQUEST_KINDS, requestsSection, type RequestKind } from './scenarios/requests';
import { sealedSection } from './scenarios/sealed';
import { shellSection } from './scenarios/shell';
import { faultsSection } from './scenarios/faults';
import { snapshotSection } from './scenarios/snapshots';

const USAGE = `Usage: npm run bench -- [--quick] [--only <parts>] [--out <file>] [--no-profile]

Parts (comma-separated): requests (= identify,get,enumerate,invoke), sealed,
provision (= provision-one,fanout), memory, shell, faults, snapshots. Default: all.
  --quick        2 s per measurement instead of 10, fewer hosts and requests
  --duration <s> seconds per load measurement (overrides the default)
  --out <file>   where to write the report (default: bench/RESULTS.md for a
                 full run, bench/out/RESULTS-partial.md otherwise)
  --no-profile   no CPU profile of the emulator when a floor is missed

Exit status: 1 when a floor the run measured was missed (the report is written
first), whatever the mode; a floor the run did not measure does not count.
`;

const PARTS = ['identify', 'get', 'enumerate', 'invoke', 'sealed', 'provision-one', 'fanout', 'memory', 'shell', 'faults', 'snapshots'] as const;
type Part = (typeof PARTS)[number];
const GROUPS: Record<string, readonly Part[]> = {
  requests: ['identify', 'get', 'enumerate', 'invoke'],
  provision: ['provision-one', 'fanout'],
  provisioning: ['provision-one', 'fanout'],
};

function parts(only: string | undefined): Set<Part> {
  if (!only) return new Set(PARTS);
  const out = new Set<Part>();
  for (const raw of only.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    const group = GROUPS[raw];
    if (group) group.forEach((p) => out.add(p));
    else if ((PARTS as readonly string[]).includes(raw)) out.add(raw as Part);
    else throw new Error(`unknown part '${raw}' (known: ${[...Object.keys(GROUPS), ...PARTS].join(', ')})`);
  }
  return out;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      duration: { type: 'string' },
      'no-profile': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (process.platform !== 'linux') throw new Error('the bench reads child memory from /proc: run it on Linux');
  const selected = parts(values.only);
  const full = !values.quick && !values.only && values.duration === undefined;
  const outFile = path.resolve(values.out ?? (full ? path.join(ROOT, 'bench', 'RESULTS.md') : path.join(ROOT, 'bench', 'out', 'RESULTS-partial.md')));
  const durationS = values.duration !== undefined ? Number(values.duration) : values.quick ? 2 : 10;
  if (!(durationS > 0)) throw new Error('--duration must be a number of seconds above 0');
  const started = Date.now();
  const cfg: BenchConfig = {
    quick: values.quick,
    durationS,
    warmupS: values.quick ? 1 : 2,
    outDir: path.join(ROOT, 'bench', 'out'),
    log: (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`),
  };
  fs.mkdirSync(cfg.outDir, { recursive: true });
  const machine = machineInfo();
  cfg.log(`bench: ${[...selected].join(', ')}${values.quick ? ' (quick)' : ''}; ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; load ${machine.loadAtStart}`);

  const sections: Section[] = [];
  const kinds = REQUEST_KINDS.filter((k) => selected.has(k as Part)) as RequestKind[];
  if (kinds.length) {
    cfg.log('1. requests');
    sections.push(await requestsSection(cfg, kinds));
  }
  if (selected.has('sealed')) {
    cfg.log('2. sealed against plain');
    sections.push(await sealedSection(cfg));
  }
  let rssAfter1000;
  if (selected.has('provision-one') || selected.has('fanout')) {
    cfg.log('3. provisioning');
    const p = await provisioningSection(cfg, { single: selected.has('provision-one'), fanout: selected.has('fanout') });
    sections.push(p.section);
    rssAfter1000 = p.rssAfter1000;
  }
  if (selected.has('memory')) {
    cfg.log('4. memory');
    sections.push(await memorySection(cfg, rssAfter1000));
  }
  if (selected.has('shell')) {
    cfg.log('5. the shell door against the CIM door');
    sections.push(await shellSection(cfg));
  }
  if (selected.has('faults')) {
    cfg.log('6. fault rules that do not match');
    sections.push(await faultsSection(cfg));
  }
  if (selected.has('snapshots')) {
    cfg.log('7. snapshots');
    sections.push(await snapshotSection(cfg));
  }

  const floors = sections.flatMap((s) => s.floors);
  const profiles: string[] = [];
  if (!values['no-profile']) {
    const runs: Array<{ name: string; run: () => Promise<ProfileRun> }> = [
      ...floors.filter((x) => x.pass === false && x.reproduce).map((f) => ({ name: `floor missed: ${f.name}`, run: f.reproduce as NonNullable<Floor['reproduce']> })),
      ...sections.flatMap((s) => (s.extraProfiles ?? []).map((run) => ({ name: `${s.title}: extra profile`, run }))),
    ];
    for (const { name, run } of runs) {
      cfg.log(`${name}; profiling the emulator under that load`);
      try {
        const r = await run();
        const summary = summarizeProfile(r.profileFile, r.window);
        profiles.push(`### CPU profile: ${r.what}\n\nProfile: \`${path.relative(ROOT, r.profileFile)}\` (git-ignored; open it in Chrome DevTools).\n\n${profileMarkdown(summary)}`);
      } catch (e) {
        profiles.push(`### CPU profile: ${name}\n\nThe profile failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  const elapsedMin = (Date.now() - started) / 60_000;
  const loadAtEnd = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  const md: string[] = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\`${full ? '' : ` (a partial run: ${[...selected].join(', ')}${values.quick ? ', --quick' : ''})`} — see [README.md](README.md) for what each figure means. Do not edit by hand.`,
    '',
    table(
      ['', ''],
      [
        ['Date', machine.date],
        ['Commit', machine.commit],
        ['CPU', `${machine.cpuModel}, ${machine.cores} cores`],
        ['RAM', `${machine.ramGiB} GiB`],
        ['OS', machine.os],
        ['Node', machine.node],
        ['Load average (1/5/15 min)', `${machine.loadAtStart} at start, ${loadAtEnd} at end`],
        ['Run time', `${elapsedMin.toFixed(1)} min`],
      ],
    ),
    '',
    'Everything runs on this one machine over loopback: the emulator (and the baseline) in child processes, the load generator and clients in the bench process, sharing the cores.',
    '',
    '## Floors',
    '',
    floors.length ? table(['Floor', 'Target', 'Measured', 'Result'], floors.map((f) => [f.name, f.target, f.measured, passMark(f.pass)])) : 'No floor was measured in this run.',
    '',
  ];
  for (const s of sections) {
    md.push(`## ${s.title}`, '', s.markdown, '');
    if (s.notes.length) md.push('Notes:', '', ...s.notes.map((n) => `- ${n}`), '');
  }
  if (profiles.length) md.push('## Where the time goes', '', 'CPU profiles of a fresh emulator child under the load of each missed floor (and of a load that killed the child).', '', ...profiles.flatMap((p) => [p, '']));
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, md.join('\n').replace(/\n{3,}/g, '\n\n'));
  cfg.log(`wrote ${path.relative(process.cwd(), outFile) || outFile} in ${elapsedMin.toFixed(1)} min`);
  for (const f of floors) cfg.log(`  floor ${f.name} ${f.target}: ${f.measured} — ${f.pass === undefined ? 'not measured' : f.pass ? 'PASS' : 'MISS'}`);
  const missed = missedLine(floors);
  if (missed) process.stderr.write(`bench: ${missed}\n`);
  return exitCodeFor(floors);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
