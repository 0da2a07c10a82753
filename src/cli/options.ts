/**
 * A command's flags, each also read from an environment variable (`--data-dir` from
 * IPAM_EMULATOR_DATA_DIR…), so a container or a CI job configures the emulator without a
 * wrapper script. The flag wins over the variable. A mistyped flag is refused with the nearest
 * one it might have meant.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './usage';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** No environment variable (--help, --version). */
  readonly noEnv?: boolean;
}

/** IPAM_EMULATOR_DATA_DIR for data-dir. */
export function envName(flag: string): string {
  return `IPAM_EMULATOR_${flag.toUpperCase().replace(/-/g, '_')}`;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

/**
 * The flags of `argv`, with the environment's values for those not given. Values stay text (and
 * booleans true/false); an absent one is undefined. Throws UsageError for an unknown flag (naming
 * the nearest known one), a missing value, or a boolean variable that is not one.
 */
export function parseOptions<K extends string>(argv: string[], specs: Readonly<Record<K, OptionSpec>>, env: NodeJS.ProcessEnv): { values: Partial<Record<K, string | boolean>>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: specs as Record<string, OptionSpec>, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(explain(e as Error, Object.keys(specs)));
  }
  const values: Partial<Record<K, string | boolean>> = {};
  for (const name of Object.keys(specs) as K[]) {
    const given = (parsed.values as Record<string, string | boolean | undefined>)[name];
    if (given !== undefined) {
      values[name] = given;
      continue;
    }
    const spec = specs[name];
    if (spec.noEnv) continue;
    const text = env[envName(name)];
    if (text === undefined) continue;
    if (spec.type === 'string') values[name] = text;
    else if (TRUE.has(text.trim().toLowerCase())) values[name] = true;
    else if (FALSE.has(text.trim().toLowerCase())) values[name] = false;
    else throw new UsageError(`${envName(name)} must be 1 or 0 (true or false), not '${text}'`);
  }
  return { values, positionals: parsed.positionals };
}

/** parseArgs's errors, said for a person: the nearest flag for a mistyped one. */
function explain(err: Error, known: readonly string[]): string {
  const code = (err as { code?: string }).code;
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(err.message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const nearest = nearestFlag(unknown.replace(/^-+/, '').split('=')[0] as string, known);
    return `unknown option ${unknown}${nearest ? `; did you mean --${nearest}?` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /Option '(?:-\w, )?(--[\w-]+)/.exec(err.message)?.[1];
    return flag ? `${flag} needs a value` : err.message;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return err.message;
  return err.message;
}

/** The known flag nearest to `typed` (edit distance at most a third of its length, at least 2), if any. */
export function nearestFlag(typed: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.startsWith(typed) && typed.length >= 3 ? 0.5 : distance(typed.toLowerCase(), k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(typed.length / 3)) ? best : undefined;
}

/** Damerau–Levenshtein distance (optimal string alignment): a swap of two letters is one edit. */
function distance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}
