/** What each scenario hands back to run.ts, and markdown helpers. */

export interface BenchConfig {
  /** --quick: short durations and smaller counts, for development. */
  readonly quick: boolean;
  /** Seconds per load measurement (10 full, 2 quick). */
  readonly durationS: number;
  /** Seconds of warm-up before each request type. */
  readonly warmupS: number;
  /** Where profiles and scratch files go (bench/out/, git-ignored). */
  readonly outDir: string;
  /** Progress lines on stderr. */
  readonly log: (line: string) => void;
}

export interface Floor {
  readonly name: string;
  readonly target: string;
  readonly measured: string;
  /** undefined: not measured in this run. */
  readonly pass: boolean | undefined;
  /** A scenario that reproduces the load, for a CPU profile when the floor is missed. */
  readonly reproduce?: () => Promise<ProfileRun>;
}

/** A CPU profile of the emulator child taken under the load of a missed floor. */
export interface ProfileRun {
  readonly what: string;
  readonly profileFile: string;
  /** The load's time window (CLOCK_MONOTONIC µs, as V8 stamps samples). */
  readonly window?: { readonly startUs: number; readonly endUs: number };
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly markdown: string;
  readonly floors: Floor[];
  readonly notes: string[];
  /** Profiles worth taking although no floor was missed (e.g. the child died). */
  readonly extraProfiles?: Array<() => Promise<ProfileRun>>;
}

export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>, align?: readonly ('l' | 'r')[]): string {
  const sep = head.map((_, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : ':---'));
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), `|${sep.join('|')}|`, ...rows.map(line)].join('\n');
}

export function passMark(pass: boolean | undefined): string {
  return pass === undefined ? 'not measured' : pass ? '**PASS**' : '**MISS**';
}
