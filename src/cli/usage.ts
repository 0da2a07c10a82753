/** What the command lines share: the error for bad usage, reading a whole-number option and the TLS trust options. */
import fs from 'node:fs';

/** A command line that cannot be run as given: printed with the usage hint, exit code 2. */
export class UsageError extends Error {}

/** `--flag <n>` as a whole number within [min, max]; undefined when the option is absent. */
export function integerOption(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < min || n > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, not '${value}'`);
  return n;
}

/** `--ca-cert <file>` and `--skip-ca-check` (one or the other) as the client transport's TLS options. */
export function tlsOptions(values: { readonly 'ca-cert'?: string; readonly 'skip-ca-check'?: boolean }): { ca: string | undefined; rejectUnauthorized: boolean } {
  const file = values['ca-cert'];
  if (file !== undefined && values['skip-ca-check']) throw new UsageError('give --ca-cert or --skip-ca-check, not both');
  let ca: string | undefined;
  if (file !== undefined) {
    try {
      ca = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`--ca-cert: cannot read ${file} (${(e as Error).message})`);
    }
  }
  return { ca, rejectUnauthorized: !values['skip-ca-check'] };
}
