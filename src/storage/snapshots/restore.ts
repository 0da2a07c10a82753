/**
 * Restoring an archive into a data directory, so that a crash at any point leaves the old
 * state or the new one, never a mix:
 *
 * 1. stage: the archive is checked (ours, this fleet's hosts, safe paths) and unpacked into
 *    `<data-dir>/.restore-<id>/`: state.sqlite (migrated to this emulator's schema, its simulated
 *    SQL Server files made absolute again), and the host and SQL Server folders that differ from
 *    the data directory's (units.ts). Nothing live changes; a crash leaves a staging folder the
 *    next start removes.
 * 2. commit: `<data-dir>/restore.json` is written (tmp + rename) with the plan: from here the
 *    restore is finished, now or at the next start. The state store takes the staged contents (in
 *    one transaction through the live connection while serving; by renaming the file before it
 *    is opened at start); then each planned folder is swapped by rename; then the marker goes.
 * 3. recoverRestore() at every start finishes a commit a crash interrupted, and removes
 *    leftover staging folders.
 */
import { LOCK_FILE } from '../dataDirLock';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StateStore } from '../stateStore';
import { ArchiveReader, STATE_ENTRY, SnapshotArchiveError, entryNameProblem, type SnapshotManifest } from './archive';
import { applyPlan, parsePlan, unitOf, UnitPlanner, type UnitAction } from './units';

/** Marks a committed restore until it is complete (see above). */
export const RESTORE_MARKER = 'restore.json';
const STAGING_PREFIX = '.restore-';
/** What a data directory may hold for `serve --restore`: a kept certificate. */
/** What a data directory with no state may hold: the HTTPS certificate, and the lock of the emulator starting on it. */
const ALLOWED_IN_EMPTY_DATA_DIR = new Set(['tls', LOCK_FILE]);

/** A restore refused: `mismatch` (another fleet's archive), `archive` (unreadable or inconsistent), `dataDir` (not empty). */
export class SnapshotRestoreError extends Error {
  constructor(
    message: string,
    readonly kind: 'mismatch' | 'archive' | 'dataDir',
  ) {
    super(message);
    this.name = 'SnapshotRestoreError';
  }
}

/** The fleet an archive must match: its host FQDNs (lower case). */
export interface FleetShape {
  readonly hosts: readonly string[];
}

/** The points of a commit, for crash tests: the marker written, the state replaced, a folder swapped, all swapped. */
export type CommitPoint = 'marker' | 'state' | 'unit' | 'units';

export interface StagedRestore {
  readonly dir: string;
  readonly manifest: SnapshotManifest;
  /** The folders to replace or remove; every other folder of the archive is on disk as it is. */
  readonly plan: readonly UnitAction[];
  /** How many of the archive's folders are kept as they are. */
  readonly kept: number;
}

/** Says how two host lists differ, or undefined when they hold the same hosts. */
export function hostsMismatch(archiveHosts: readonly string[], fleetHosts: readonly string[], what = "the archive's"): string | undefined {
  const archive = new Set(archiveHosts.map((h) => h.toLowerCase()));
  const fleet = new Set(fleetHosts.map((h) => h.toLowerCase()));
  const extra = [...archive].filter((h) => !fleet.has(h)).sort();
  const missing = [...fleet].filter((h) => !archive.has(h)).sort();
  if (extra.length === 0 && missing.length === 0) return undefined;
  const some = (list: string[]): string => list.slice(0, 5).join(', ') + (list.length > 5 ? `, … (${list.length - 5} more)` : '');
  const parts: string[] = [];
  if (extra.length) parts.push(`${extra.length} of ${what} ${archive.size} hosts ${extra.length === 1 ? 'is' : 'are'} not in this fleet (${some(extra)})`);
  if (missing.length) parts.push(`${missing.length} of this fleet's ${fleet.size} hosts ${missing.length === 1 ? 'is' : 'are'} not in it (${some(missing)})`);
  return `${what.replace(/^the/, 'The')} fleet is not this fleet: ${parts.join('; ')}. Start the emulator with the fixture (and --hosts) the snapshot was taken with.`;
}

/** Checks an archive against the fleet without unpacking it: the manifest's hosts. */
function openChecked(archiveFile: string, fleet: FleetShape, label: string): ArchiveReader {
  let reader: ArchiveReader;
  try {
    reader = ArchiveReader.open(archiveFile, label);
  } catch (e) {
    if (e instanceof SnapshotArchiveError) throw new SnapshotRestoreError(e.message, 'archive');
    throw e;
  }
  const mismatch = hostsMismatch(reader.manifest.fixture.hosts, fleet.hosts, `${label}'s`);
  if (mismatch) {
    reader.close();
    throw new SnapshotRestoreError(mismatch, 'mismatch');
  }
  return reader;
}

/** Step 1: checks an archive and stages what differs from `dataDir` in a new staging folder of it. */
export function stageArchive(archiveFile: string, dataDir: string, fleet: FleetShape, label = path.basename(archiveFile)): StagedRestore {
  const reader = openChecked(archiveFile, fleet, label);
  const dir = path.join(dataDir, `${STAGING_PREFIX}${randomUUID()}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const hosts = new Set(fleet.hosts.map((h) => h.toLowerCase()));
    const planner = new UnitPlanner(dataDir);
    // First pass: the state, and what differs.
    for (const entry of reader.entries()) {
      if (entry.name === STATE_ENTRY) {
        fs.writeFileSync(path.join(dir, STATE_ENTRY), entry.data, { flag: 'wx', mode: 0o600 });
        continue;
      }
      const { tree, unit, rest } = unitOf(entry.name);
      if (tree === 'hosts' && !hosts.has(unit)) throw new SnapshotRestoreError(`${label} holds files of host ${unit}, which is not in this fleet`, 'archive');
      planner.see(tree, unit, rest, entry);
    }
    const plan = planner.plan();
    // Second pass: the folders to replace, whole.
    const replace = new Set(plan.filter((a) => a.action === 'replace').map((a) => `${a.tree}/${a.unit}`));
    const made = new Set<string>();
    const replaced = (name: string): boolean => {
      const { tree, unit } = unitOf(name);
      return name !== STATE_ENTRY && replace.has(`${tree}/${unit}`);
    };
    for (const entry of reader.entries(replaced)) {
      const target = path.join(dir, ...entry.name.split('/'));
      const rel = path.relative(dir, target);
      if (rel.startsWith('..') || path.isAbsolute(rel)) throw new SnapshotRestoreError(`${label} has an entry '${entry.name}' outside the data directory`, 'archive');
      const parent = path.dirname(target);
      if (!made.has(parent)) {
        fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
        made.add(parent);
      }
      // 'wx': never over an existing file, never through a link.
      fs.writeFileSync(target, entry.data, { flag: 'wx', mode: 0o600 });
    }
    prepareState(dir, dataDir, fleet, label);
    return { dir, manifest: reader.manifest, plan, kept: planner.kept(plan) };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    if (e instanceof SnapshotArchiveError) throw new SnapshotRestoreError(e.message, 'archive');
    throw e;
  } finally {
    reader.close();
  }
}

/** The staged state.sqlite: intact, migrated to this emulator's schema, this fleet's hosts, files under `dataDir`. */
function prepareState(dir: string, dataDir: string, fleet: FleetShape, label: string): void {
  const file = path.join(dir, STATE_ENTRY);
  if (!fs.existsSync(file)) throw new SnapshotRestoreError(`${label} holds no ${STATE_ENTRY}`, 'archive');
  const check = (fn: (db: Database.Database) => void): void => {
    const db = new Database(file, { fileMustExist: true });
    try {
      fn(db);
    } catch (e) {
      if (e instanceof SnapshotRestoreError) throw e;
      throw new SnapshotRestoreError(`${label}: its ${STATE_ENTRY} cannot be used: ${e instanceof Error ? e.message : String(e)}`, 'archive');
    } finally {
      db.close();
    }
  };
  check((db) => {
    const result = db.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new SnapshotRestoreError(`${label}: its ${STATE_ENTRY} is damaged (${String(result)})`, 'archive');
  });
  try {
    StateStore.open(dir).close();
  } catch (e) {
    throw new SnapshotRestoreError(`${label}: its ${STATE_ENTRY} cannot be used: ${e instanceof Error ? e.message : String(e)}`, 'archive');
  }
  check((db) => {
    const hosts = (db.prepare('SELECT fqdn FROM hosts').all() as Array<{ fqdn: string }>).map((r) => r.fqdn);
    const mismatch = hostsMismatch(hosts, fleet.hosts, `${label}'s ${STATE_ENTRY}`);
    if (mismatch) throw new SnapshotRestoreError(mismatch, 'mismatch');
    const rows = db.prepare('SELECT rowid AS id, file FROM sim_sql_databases').all() as Array<{ id: number; file: string }>;
    const update = db.prepare('UPDATE sim_sql_databases SET file = ? WHERE rowid = ?');
    db.transaction(() => {
      for (const r of rows) {
        const segments = r.file.split('/');
        if (entryNameProblem(r.file) !== undefined || segments[0] !== 'sqlservers' || segments.length !== 3) {
          throw new SnapshotRestoreError(`${label}: its ${STATE_ENTRY} names a simulated database file '${r.file}' outside sqlservers/`, 'archive');
        }
        update.run(path.join(dataDir, ...segments), r.id);
      }
    })();
  });
}

/**
 * Step 2. With `live` (the open state store), its contents are replaced through that connection;
 * without, the staged state.sqlite is renamed into place (before the store is opened). The
 * staging folder is left for the caller to remove (discardStaging). `reached` is told each point
 * passed (crash tests stop there by throwing).
 */
export function commitRestore(dataDir: string, staged: StagedRestore, live?: Database.Database, reached: (point: CommitPoint) => void = () => undefined): void {
  const marker = path.join(dataDir, RESTORE_MARKER);
  writeFileAtomic(marker, JSON.stringify({ staging: path.basename(staged.dir), snapshot: staged.manifest.name, plan: staged.plan }));
  reached('marker');
  if (live) {
    try {
      replaceContents(live, path.join(staged.dir, STATE_ENTRY));
    } catch (e) {
      // Nothing changed yet: the old state stays.
      fs.rmSync(marker, { force: true });
      throw e;
    }
  } else {
    placeStateFile(dataDir, staged.dir);
  }
  reached('state');
  applyPlan(dataDir, staged.dir, staged.plan, reached);
  reached('units');
  fs.rmSync(marker, { force: true });
}

/** True while a committed restore is not complete (its marker is there). */
export function restorePending(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, RESTORE_MARKER));
}

/** Removes a staging folder (after a commit it holds the old trees) without holding up the caller. */
export async function discardStaging(dir: string): Promise<void> {
  await fs.promises.rm(dir, { recursive: true, force: true });
}

/**
 * Step 3, at start, before the state store is opened: finishes a committed restore a crash
 * interrupted and removes leftover staging folders. Returns the snapshot it finished, if any.
 */
export function recoverRestore(dataDir: string): string | undefined {
  if (dataDir === ':memory:' || !fs.existsSync(dataDir)) return undefined;
  const marker = path.join(dataDir, RESTORE_MARKER);
  let finished: string | undefined;
  if (fs.existsSync(marker)) {
    const m = JSON.parse(fs.readFileSync(marker, 'utf8')) as { staging?: unknown; snapshot?: unknown; plan?: unknown };
    if (typeof m.staging !== 'string' || !/^\.restore-[0-9a-f-]+$/.test(m.staging)) throw new Error(`${marker} names no staging folder; remove it to start`);
    const plan = parsePlan(m.plan);
    const dir = path.join(dataDir, m.staging);
    if (fs.existsSync(dir)) {
      if (fs.existsSync(path.join(dir, STATE_ENTRY))) placeStateFile(dataDir, dir);
      applyPlan(dataDir, dir, plan, () => undefined);
    }
    fs.rmSync(marker, { force: true });
    finished = typeof m.snapshot === 'string' ? m.snapshot : '';
  }
  for (const name of fs.readdirSync(dataDir)) {
    if (name.startsWith(STAGING_PREFIX)) fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
  }
  return finished;
}

/**
 * `serve --restore FILE`: the archive into a data directory that holds no state yet. The archive
 * is checked before anything is written. Returns its manifest.
 */
export function restoreIntoEmptyDataDir(archiveFile: string, dataDir: string, fleet: FleetShape): SnapshotManifest {
  if (dataDir === ':memory:') throw new SnapshotRestoreError('--restore needs a data directory on disk, not :memory:', 'dataDir');
  if (!fs.existsSync(archiveFile)) throw new SnapshotRestoreError(`the archive ${archiveFile} does not exist`, 'archive');
  openChecked(archiveFile, fleet, path.basename(archiveFile)).close();
  const held = fs.existsSync(dataDir) ? fs.readdirSync(dataDir).filter((n) => !ALLOWED_IN_EMPTY_DATA_DIR.has(n)) : [];
  if (held.length > 0) {
    throw new SnapshotRestoreError(
      `--restore needs an empty data directory, and ${dataDir} already holds ${held.slice(0, 5).join(', ')}${held.length > 5 ? ', …' : ''}; choose another --data-dir or empty this one`,
      'dataDir',
    );
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const staged = stageArchive(archiveFile, dataDir, fleet);
  commitRestore(dataDir, staged);
  fs.rmSync(staged.dir, { recursive: true, force: true });
  return staged.manifest;
}

/** The state store's rows become the staged file's, in one transaction of the live connection. */
function replaceContents(live: Database.Database, file: string): void {
  live.prepare("ATTACH DATABASE ? AS snapshot").run(file);
  try {
    const tablesOf = (schema: string): string[] =>
      (live.prepare(`SELECT name FROM ${schema}.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid`).all() as Array<{ name: string }>).map((r) => r.name);
    const columnsOf = (schema: string, table: string): string[] => (live.prepare(`PRAGMA ${schema}.table_info(${quote(table)})`).all() as Array<{ name: string }>).map((c) => c.name);
    const tables = tablesOf('main');
    const staged = new Set(tablesOf('snapshot'));
    const sequence = (schema: string): boolean => live.prepare(`SELECT 1 FROM ${schema}.sqlite_schema WHERE name = 'sqlite_sequence'`).get() !== undefined;
    live.transaction(() => {
      live.pragma('defer_foreign_keys = ON');
      for (const t of [...tables].reverse()) live.exec(`DELETE FROM main.${quote(t)}`);
      if (sequence('main')) live.exec('DELETE FROM main.sqlite_sequence');
      for (const t of tables) {
        if (!staged.has(t)) continue;
        const have = new Set(columnsOf('snapshot', t));
        const cols = columnsOf('main', t).filter((c) => have.has(c)).map(quote).join(', ');
        live.exec(`INSERT INTO main.${quote(t)} (${cols}) SELECT ${cols} FROM snapshot.${quote(t)}`);
      }
      if (sequence('main') && sequence('snapshot')) live.exec('INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM snapshot.sqlite_sequence');
    })();
  } finally {
    live.exec('DETACH DATABASE snapshot');
  }
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** The staged state.sqlite over the data directory's (not open): the old WAL goes first, never after. */
function placeStateFile(dataDir: string, dir: string): void {
  const live = path.join(dataDir, STATE_ENTRY);
  for (const s of ['-wal', '-shm']) fs.rmSync(live + s, { force: true });
  fs.renameSync(path.join(dir, STATE_ENTRY), live);
}

function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
