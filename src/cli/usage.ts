/** What the command lines share: the error for bad usage, and reading a whole-number option. */

/** A command line that cannot be run as given: printed with the usage hint, exit code 2. */
export class UsageError extends Error {}

/** `--flag <n>` as a whole number within [min, max]; undefined when the option is absent. */
export function integerOption(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < min || n > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, not '${value}'`);
  return n;
}
