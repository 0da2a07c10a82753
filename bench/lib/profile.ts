/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and sums self time per function and
 * per file: where the emulator's CPU went.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './dist';
import { table } from './report';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}
interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

export interface ProfileSummary {
  /** True when only the samples inside the load's window were counted (start-up and shutdown left out). */
  readonly windowed: boolean;
  readonly totalMs: number;
  /** Time not idle: everything but (idle). */
  readonly busyMs: number;
  readonly byFunction: Array<{ name: string; where: string; ms: number }>;
  readonly byFile: Array<{ where: string; ms: number }>;
  /** Self time by area: the project's src/ directories, each package, Node core, GC. */
  readonly byArea: Array<{ area: string; ms: number }>;
  /** Inclusive (self + callees) time of the project's own functions (dist/…). */
  readonly projectInclusive: Array<{ name: string; where: string; ms: number }>;
}

/** The area a call frame's self time is charged to. */
function areaOf(cf: CallFrame): string {
  const url = cf.url.replace(/^file:\/\//, '');
  if (!url) return cf.functionName.startsWith('(') ? cf.functionName : '(native: syscalls, C++ bindings)';
  if (url.startsWith('node:')) return 'Node core (node:*)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return `npm: ${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? '')}`;
  }
  const rel = url.startsWith(ROOT + path.sep) ? url.slice(ROOT.length + 1) : url;
  const m = /^dist\/(?:(.+)\/)?[^/]+$/.exec(rel);
  if (m) return `src/${m[1] ? `${m[1]}/` : ''}`;
  return rel;
}

function isProject(cf: CallFrame): boolean {
  const url = cf.url.replace(/^file:\/\//, '');
  return url.startsWith(path.join(ROOT, 'dist') + path.sep);
}

/** A short place: src/… for the project, the package for node_modules, node:… for Node's own. */
function shortUrl(url: string): string {
  if (!url) return '(native)';
  let p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = p.slice(nm + '/node_modules/'.length).split('/');
    const pkg = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? '');
    return `${pkg} (${rest.slice(rest[0]?.startsWith('@') ? 2 : 1).join('/')})`;
  }
  if (p.startsWith(ROOT + path.sep)) p = p.slice(ROOT.length + 1);
  return p;
}

export function summarizeProfile(file: string, window?: { startUs: number; endUs: number }): ProfileSummary {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  // Sample timestamps: startTime plus the running sum of timeDeltas.
  const stamps: number[] = [];
  let t = prof.startTime;
  for (const d of prof.timeDeltas) stamps.push((t += d));
  const inWindow = window ? stamps.filter((s) => s >= window.startUs && s <= window.endUs).length : 0;
  // Fall back to the whole profile if the clocks do not line up (no sample in the window).
  const windowed = window !== undefined && inWindow > 10;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of prof.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const areas = new Map<string, number>();
  const inclusive = new Map<string, { name: string; where: string; ms: number }>();
  const keyOf = (cf: CallFrame): { key: string; name: string; where: string } => {
    const where = cf.url ? `${shortUrl(cf.url)}:${cf.lineNumber + 1}` : '';
    const name = cf.functionName || '(anonymous)';
    return { key: `${name}@${where}`, name, where };
  };
  const fn = new Map<string, { name: string; where: string; ms: number }>();
  const files = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    if (windowed && window && ((stamps[i] as number) < window.startUs || (stamps[i] as number) > window.endUs)) continue;
    const node = byId.get(prof.samples[i] as number);
    // timeDeltas[i] is the time before sample i; attribute the next delta to this sample.
    const us = (prof.timeDeltas[i + 1] ?? 0) as number;
    if (!node || us <= 0) continue;
    const ms = us / 1000;
    total += ms;
    const cf = node.callFrame;
    if (cf.functionName === '(idle)') {
      idle += ms;
      continue;
    }
    const { key, name, where } = keyOf(cf);
    const entry = fn.get(key) ?? { name, where, ms: 0 };
    entry.ms += ms;
    fn.set(key, entry);
    const fileKey = cf.url ? shortUrl(cf.url) : name.startsWith('(') ? name : '(native)';
    files.set(fileKey, (files.get(fileKey) ?? 0) + ms);
    const area = areaOf(cf);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    // Inclusive time: each distinct project function on the sample's stack gets the sample once.
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)?.callFrame;
      if (!f || !isProject(f)) continue;
      const k = keyOf(f);
      if (seen.has(k.key)) continue;
      seen.add(k.key);
      const e = inclusive.get(k.key) ?? { name: k.name, where: k.where, ms: 0 };
      e.ms += ms;
      inclusive.set(k.key, e);
    }
  }
  return {
    windowed,
    totalMs: total,
    busyMs: total - idle,
    byFunction: [...fn.values()].sort((a, b) => b.ms - a.ms),
    byFile: [...files.entries()].map(([where, ms]) => ({ where, ms })).sort((a, b) => b.ms - a.ms),
    byArea: [...areas.entries()].map(([area, ms]) => ({ area, ms })).sort((a, b) => b.ms - a.ms),
    projectInclusive: [...inclusive.values()].sort((a, b) => b.ms - a.ms),
  };
}

export function profileMarkdown(s: ProfileSummary, top = 15): string {
  const pct = (ms: number): string => `${((100 * ms) / (s.busyMs || 1)).toFixed(1)}%`;
  return [
    `Sampled ${(s.totalMs / 1000).toFixed(1)} s ${s.windowed ? 'during the load (start-up and shutdown left out)' : '(the whole life of the child, start-up included)'}, ` +
      `of which ${(s.busyMs / 1000).toFixed(1)} s busy (not idle). Self time, share of busy time:`,
    '',
    table(
      ['Function', 'Where', 'Self ms', 'Share'],
      s.byFunction.slice(0, top).map((f) => [`\`${f.name}\``, f.where ? `\`${f.where}\`` : '', f.ms.toFixed(0), pct(f.ms)]),
    ),
    '',
    '`writev`, `read` and other entries without a file are native code, mostly system calls: on loopback the kernel\'s whole TCP path ' +
      '(including the delivery to the client) runs inside the server\'s socket write, a cost the baseline pays too. `dist/…` lines are of the compiled JavaScript.',
    '',
    'Self time by area (the project by src/ directory, each npm package, Node core):',
    '',
    table(
      ['Area', 'Self ms', 'Share'],
      s.byArea.slice(0, 15).map((f) => [f.area, f.ms.toFixed(0), pct(f.ms)]),
    ),
    '',
    'Inclusive time (self + everything it calls) of the emulator\'s own functions:',
    '',
    table(
      ['Function', 'Where', 'Inclusive ms', 'Share'],
      s.projectInclusive.slice(0, top).map((f) => [`\`${f.name}\``, `\`${f.where}\``, f.ms.toFixed(0), pct(f.ms)]),
    ),
  ].join('\n');
}

/** The newest .cpuprofile in a directory. */
export function newestProfile(dir: string): string | undefined {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f));
  files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return files[0];
}
