/**
 * Snapshot names. A name becomes a file name under `<data-dir>/snapshots/`, so it is checked
 * before anything touches the file system: 1 to 100 characters of A-Z a-z 0-9 . _ -, and not
 * starting with '.' (that rules out '.' and '..', and keeps the emulator's own temporary files,
 * which start with '.', out of reach). Each refusal says exactly what is wrong.
 */

export const MAX_SNAPSHOT_NAME = 100;

const ALLOWED = /^[A-Za-z0-9._-]$/;

/** The reason a name is refused, or undefined when it is a valid snapshot name. */
export function snapshotNameProblem(name: unknown): string | undefined {
  if (name === undefined || name === null) return 'a snapshot name is required: give "name", 1 to 100 characters of A-Z a-z 0-9 . _ -';
  if (typeof name !== 'string') return `a snapshot name is a string, not ${Array.isArray(name) ? 'an array' : typeof name}`;
  if (name.length === 0) return 'a snapshot name may not be empty';
  if (name.length > MAX_SNAPSHOT_NAME) return `a snapshot name is at most ${MAX_SNAPSHOT_NAME} characters; this one has ${name.length}`;
  const chars = [...name];
  const at = chars.findIndex((c) => !ALLOWED.test(c));
  if (at >= 0) {
    const c = chars[at] as string;
    const shown = /^[\x21-\x7e]$/.test(c) ? `'${c}'` : `U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
    const why = c === '/' || c === '\\' ? ' (a snapshot name is not a path)' : '';
    return `a snapshot name may hold only letters A-Z a-z, digits, '.', '_' and '-'; ${shown} at position ${at + 1} is not allowed${why}`;
  }
  if (name.startsWith('.')) return `a snapshot name may not start with '.'`;
  return undefined;
}

/** True for a valid snapshot name. */
export function isSnapshotName(name: unknown): name is string {
  return snapshotNameProblem(name) === undefined;
}
