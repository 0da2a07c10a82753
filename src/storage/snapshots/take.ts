/**
 * Taking a snapshot: the data directory's state, read at one point, into a new archive.
 *
 * Everything here is synchronous on purpose. The caller checks that no provisioning runs
 * (no job queued or running, no engine run), and from there until the archive is complete
 * no other callback of the event loop can start one, write the state store or touch a
 * database file: the snapshot is one point in the emulator's history, without a lock every
 * writer would have to know about. Requests that arrive meanwhile wait and are served after.
 *
 * - state.sqlite: `VACUUM INTO` a copy (SQLite's own consistent read of the live connection);
 *   in the copy, simulated SQL Server files are recorded relative to the data directory, so
 *   the archive restores into any data directory.
 * - host sandboxes and simulated SQL Servers: their files as they are. The IPAM databases are
 *   SQLite files in journal_mode=DELETE (storage/ipamDb/sqlite.ts): between transactions the
 *   file alone is the database, so its bytes are a consistent copy. A database that still has a
 *   rollback journal or a WAL beside it (a process died inside a transaction) is read through
 *   SQLite instead, which rolls the journal back first.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ARCHIVE_FORMAT, ArchiveWriter, SNAPSHOT_TREES, STATE_ENTRY, type SnapshotManifest } from './archive';

export interface TakeInput {
  readonly dataDir: string;
  /** The live state store connection. */
  readonly state: Database.Database;
  /** Where the archive goes; it must not exist. Its folder holds the temporary files too. */
  readonly file: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly emulatorVersion: string;
  readonly fixture: SnapshotManifest['fixture'];
}

/** Companions of a SQLite file and staged copies: never state between provisioning runs. */
const TRANSIENT = /(-journal|-wal|-shm|\.staging)$/;

/** Builds the archive at `input.file` (through a temporary file renamed into place) and returns its manifest. */
export function takeSnapshot(input: TakeInput): SnapshotManifest {
  const folder = path.dirname(input.file);
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  if (fs.existsSync(input.file)) throw new Error(`${input.file} exists`);
  const tmp = path.join(folder, `.tmp-${randomUUID()}`);
  const stateCopy = `${tmp}.state.sqlite`;
  const archive = ArchiveWriter.create(`${tmp}.sqlar`);
  try {
    input.state.prepare('VACUUM INTO ?').run(stateCopy);
    const counts = portableState(stateCopy, input.dataDir);
    const mtime = input.createdAt.getTime() / 1000;
    archive.add(STATE_ENTRY, fs.readFileSync(stateCopy), mtime);
    fs.rmSync(stateCopy, { force: true });
    for (const tree of SNAPSHOT_TREES) {
      for (const rel of filesUnder(path.join(input.dataDir, tree))) {
        const file = path.join(input.dataDir, tree, ...rel.split('/'));
        archive.add(`${tree}/${rel}`, readDatabaseSafe(file, tmp), fs.statSync(file).mtimeMs / 1000);
      }
    }
    const manifest: SnapshotManifest = {
      format: ARCHIVE_FORMAT,
      name: input.name,
      createdAt: input.createdAt.toISOString(),
      emulator: { version: input.emulatorVersion },
      fixture: input.fixture,
      stateSchemaVersion: counts.schemaVersion,
      hosts: counts.hosts,
      provisioned: counts.provisioned,
      ...archive.counts,
    };
    archive.finish(manifest);
    fs.renameSync(archive.file, input.file);
    return manifest;
  } catch (e) {
    archive.abort();
    fs.rmSync(stateCopy, { force: true });
    throw e;
  }
}

/**
 * Makes the state copy independent of this data directory (simulated SQL Server files relative
 * to it) and counts its hosts.
 */
function portableState(file: string, dataDir: string): { schemaVersion: number; hosts: number; provisioned: number } {
  const db = new Database(file);
  try {
    const rows = db.prepare('SELECT rowid AS id, file FROM sim_sql_databases').all() as Array<{ id: number; file: string }>;
    const update = db.prepare('UPDATE sim_sql_databases SET file = ? WHERE rowid = ?');
    db.transaction(() => {
      for (const r of rows) update.run(simulatedFileEntry(r.file, dataDir), r.id);
    })();
    const counts = db.prepare('SELECT count(*) AS hosts, coalesce(sum(provisioning_state = 2), 0) AS provisioned FROM hosts').get() as { hosts: number; provisioned: number };
    return { schemaVersion: db.pragma('user_version', { simple: true }) as number, ...counts };
  } finally {
    db.close();
  }
}

/**
 * A simulated database's file as an archive entry: `sqlservers/<server folder>/<file>`, the layout
 * SimulatedSqlServer.databaseFile() always makes, taken from the path's last two segments.
 */
function simulatedFileEntry(file: string, dataDir: string): string {
  const rel = path.relative(path.join(dataDir, 'sqlservers'), file);
  const segments = rel.split(path.sep);
  if (rel.startsWith('..') || path.isAbsolute(rel) || segments.length !== 2) {
    return ['sqlservers', path.basename(path.dirname(file)), path.basename(file)].join('/');
  }
  return ['sqlservers', ...segments].join('/');
}

/** Regular files under `root`, as '/'-separated relative paths; a symbolic link is refused, never followed. */
function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && dir === root) return;
      throw e;
    }
    for (const d of entries) {
      const rel = prefix ? `${prefix}/${d.name}` : d.name;
      if (d.isDirectory()) walk(path.join(dir, d.name), rel);
      else if (d.isFile()) {
        if (!TRANSIENT.test(d.name)) out.push(rel);
      } else throw new Error(`${path.join(dir, d.name)} is not a regular file or folder; the data directory holds only those`);
    }
  };
  walk(root, '');
  return out;
}

/** A file's bytes; a SQLite database with a journal or WAL beside it is read through SQLite (see above). */
function readDatabaseSafe(file: string, tmp: string): Buffer {
  if (!['-journal', '-wal'].some((s) => fs.existsSync(file + s))) return fs.readFileSync(file);
  const copy = `${tmp}.db-copy.sqlite`;
  const db = new Database(file);
  try {
    db.prepare('VACUUM INTO ?').run(copy);
  } finally {
    db.close();
  }
  try {
    return fs.readFileSync(copy);
  } finally {
    fs.rmSync(copy, { force: true });
  }
}
