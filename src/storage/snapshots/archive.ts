/**
 * The snapshot archive: one file, a SQLite database in the SQLite Archive format
 * (https://sqlite.org/sqlar.html) plus a manifest. The `sqlar` table holds the files of a data
 * directory (`state.sqlite`, `hosts/…`, `sqlservers/…`), each zlib-compressed when that makes it
 * smaller (`sz` is the size before compression, as sqlar says), so `sqlite3 x.sqlar -Atv` lists
 * it with stock tools. The manifest (format version, emulator version, fixture, hosts, time) is a
 * row of its own table, and PRAGMA application_id marks the file as ours.
 *
 * An archive is data from outside: reading it checks that it is one of ours, of a format this
 * emulator knows, that every entry's name is a plain relative path into one of the places a
 * snapshot may write, and that every entry inflates to exactly its recorded size (no bombs).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { snapshotNameProblem } from './names';

/** 'IPMS' — PRAGMA application_id of every snapshot archive. */
export const ARCHIVE_APPLICATION_ID = 0x49504d53;
/** The archive format this emulator writes and reads. */
export const ARCHIVE_FORMAT = 1;
/** No entry of a data directory comes near this; a larger claim is a broken or hostile archive. */
export const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;

export interface SnapshotManifest {
  readonly format: number;
  readonly name: string;
  /** ISO 8601, from the emulator's clock. */
  readonly createdAt: string;
  readonly emulator: { readonly version: string };
  readonly fixture: {
    readonly name: string;
    /** SHA-256 over the sorted host FQDNs and simulated SQL Server names. */
    readonly fingerprint: string;
    readonly hosts: readonly string[];
    readonly sqlServers: readonly string[];
  };
  /** state.sqlite's PRAGMA user_version when taken (older ones are migrated on restore). */
  readonly stateSchemaVersion: number;
  readonly hosts: number;
  readonly provisioned: number;
  readonly files: number;
  /** Bytes of every file before compression. */
  readonly bytes: number;
}

/** An archive that cannot be read: not one of ours, a format we do not know, or broken. */
export class SnapshotArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotArchiveError';
  }
}

/** Where a snapshot's files may go: the state store, the host sandboxes, the simulated SQL Servers. */
export const SNAPSHOT_TREES = ['hosts', 'sqlservers'] as const;
export const STATE_ENTRY = 'state.sqlite';

/**
 * The problem with an entry name, or undefined for a safe one: `state.sqlite`, or a relative
 * path of at least three plain segments under `hosts/` or `sqlservers/` (a host's or server's
 * folder, then a file). No absolute paths, no backslashes, no '.', '..' or empty segments.
 */
export function entryNameProblem(name: string): string | undefined {
  if (name === STATE_ENTRY) return undefined;
  if (name.length === 0 || name.length > 4096) return 'an empty or over-long path';
  if (name.includes('\\') || name.includes('\0')) return 'a backslash or NUL in the path';
  if (name.startsWith('/')) return 'an absolute path';
  const segments = name.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return "an empty, '.' or '..' segment";
  if (!(SNAPSHOT_TREES as readonly string[]).includes(segments[0] as string)) return `a path outside ${SNAPSHOT_TREES.map((t) => `${t}/`).join(' and ')}`;
  if (segments.length < 3) return 'a path with no file under a host or server folder';
  return undefined;
}

const SCHEMA = `
  CREATE TABLE sqlar (name TEXT PRIMARY KEY, mode INT, mtime INT, sz INT, data BLOB);
  CREATE TABLE ipam_emulator_snapshot (format INTEGER NOT NULL, manifest TEXT NOT NULL);
`;

/** Builds an archive in a new file; nothing is readable as an archive until finish(). */
export class ArchiveWriter {
  private readonly insert: Database.Statement;
  private files = 0;
  private bytes = 0;

  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {
    this.insert = db.prepare('INSERT INTO sqlar (name, mode, mtime, sz, data) VALUES (?, ?, ?, ?, ?)');
  }

  /** A new archive at `file`, which must not exist. */
  static create(file: string): ArchiveWriter {
    if (fs.existsSync(file)) throw new Error(`${file} exists`);
    const db = new Database(file);
    try {
      // A fresh file renamed into place only when complete: no journal needed, and the
      // whole archive is one transaction.
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      db.pragma(`application_id = ${ARCHIVE_APPLICATION_ID}`);
      db.pragma(`user_version = ${ARCHIVE_FORMAT}`);
      db.exec(SCHEMA);
      db.exec('BEGIN');
    } catch (e) {
      db.close();
      fs.rmSync(file, { force: true });
      throw e;
    }
    return new ArchiveWriter(db, file);
  }

  /** Adds one file (compressed when that makes it smaller). */
  add(name: string, data: Buffer, mtimeS: number): void {
    const problem = entryNameProblem(name);
    if (problem) throw new Error(`cannot archive '${name}': ${problem}`);
    const packed = zlib.deflateSync(data, { level: zlib.constants.Z_BEST_SPEED });
    this.insert.run(name, 0o100600, Math.floor(mtimeS), data.length, packed.length < data.length ? packed : data);
    this.files++;
    this.bytes += data.length;
  }

  get counts(): { readonly files: number; readonly bytes: number } {
    return { files: this.files, bytes: this.bytes };
  }

  /** Writes the manifest, commits, and closes the file. */
  finish(manifest: SnapshotManifest): void {
    this.db.prepare('INSERT INTO ipam_emulator_snapshot (format, manifest) VALUES (?, ?)').run(manifest.format, JSON.stringify(manifest));
    this.db.exec('COMMIT');
    this.db.close();
  }

  /** Gives up: closes and removes the file. */
  abort(): void {
    if (this.db.open) this.db.close();
    fs.rmSync(this.file, { force: true });
  }
}

export interface ArchiveEntry {
  readonly name: string;
  /** The size the archive records for it (what `data` will be, once checked). */
  readonly size: number;
  /** Decompressed and checked when first read: a restore reads only the entries it compares or writes. */
  readonly data: Buffer;
}

/** Reads an archive, checking everything it says before handing it out. */
export class ArchiveReader {
  private constructor(
    private readonly db: Database.Database,
    readonly manifest: SnapshotManifest,
    private readonly label: string,
  ) {}

  /** Opens `file` read-only; throws SnapshotArchiveError when it is not a readable archive of ours. */
  static open(file: string, label = file): ArchiveReader {
    let db: Database.Database;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
    } catch (e) {
      throw new SnapshotArchiveError(`${label} cannot be opened: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      let appId: number;
      try {
        appId = db.pragma('application_id', { simple: true }) as number;
      } catch {
        throw new SnapshotArchiveError(`${label} is not an IPAM emulator snapshot archive (not a SQLite database)`);
      }
      if (appId !== ARCHIVE_APPLICATION_ID) throw new SnapshotArchiveError(`${label} is not an IPAM emulator snapshot archive (a SQLite database of another application)`);
      const tables = new Set((db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
      if (!tables.has('sqlar') || !tables.has('ipam_emulator_snapshot')) throw new SnapshotArchiveError(`${label} is not a complete snapshot archive (its tables are missing)`);
      const rows = db.prepare('SELECT format, manifest FROM ipam_emulator_snapshot').all() as Array<{ format: unknown; manifest: unknown }>;
      const row = rows[0];
      if (rows.length !== 1 || !row) throw new SnapshotArchiveError(`${label} has ${rows.length} manifests, not one`);
      if (row.format !== ARCHIVE_FORMAT) throw new SnapshotArchiveError(`${label} is archive format ${String(row.format)}; this emulator reads format ${ARCHIVE_FORMAT}`);
      return new ArchiveReader(db, parseManifest(row.manifest, label), label);
    } catch (e) {
      db.close();
      throw e instanceof SnapshotArchiveError ? e : new SnapshotArchiveError(`${label} cannot be read: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Every entry (or those `wanted` says), decompressed and checked (name and size), in name order. */
  *entries(wanted: (name: string) => boolean = () => true): Generator<ArchiveEntry> {
    const rows = this.db.prepare('SELECT name, sz, data FROM sqlar ORDER BY name').iterate() as IterableIterator<{ name: unknown; sz: unknown; data: unknown }>;
    for (const r of rows) {
      if (typeof r.name !== 'string') throw new SnapshotArchiveError(`${this.label} has an entry without a name`);
      const problem = entryNameProblem(r.name);
      if (problem) throw new SnapshotArchiveError(`${this.label} has an entry '${r.name}' that may not be restored: ${problem}`);
      if (!wanted(r.name)) continue;
      const { name, sz, data } = r;
      if (typeof sz !== 'number' || !Number.isInteger(sz) || sz < 0 || sz > MAX_ENTRY_BYTES) throw new SnapshotArchiveError(`${this.label}: entry '${name}' has an impossible size`);
      let unpacked: Buffer | undefined;
      const unpack = (): Buffer => (unpacked ??= this.unpack(name, sz, data));
      yield {
        name,
        size: sz,
        get data() {
          return unpack();
        },
      };
    }
  }

  private unpack(name: string, sz: unknown, data: unknown): Buffer {
    if (typeof sz !== 'number' || !Number.isInteger(sz) || sz < 0 || sz > MAX_ENTRY_BYTES) throw new SnapshotArchiveError(`${this.label}: entry '${name}' has an impossible size`);
    const blob = data === null ? Buffer.alloc(0) : data;
    if (!Buffer.isBuffer(blob)) throw new SnapshotArchiveError(`${this.label}: entry '${name}' holds no data`);
    if (blob.length === sz) return blob;
    if (blob.length > sz) throw new SnapshotArchiveError(`${this.label}: entry '${name}' is larger than its recorded size`);
    let out: Buffer;
    try {
      out = zlib.inflateSync(blob, { maxOutputLength: Math.max(sz, 1) });
    } catch (e) {
      throw new SnapshotArchiveError(`${this.label}: entry '${name}' does not decompress: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (out.length !== sz) throw new SnapshotArchiveError(`${this.label}: entry '${name}' decompresses to ${out.length} bytes, not ${sz}`);
    return out;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Reads just the manifest (for listing). */
export function readManifest(file: string, label = file): SnapshotManifest {
  const r = ArchiveReader.open(file, label);
  r.close();
  return r.manifest;
}

function parseManifest(text: unknown, label: string): SnapshotManifest {
  let m: unknown;
  try {
    m = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    m = undefined;
  }
  const bad = (what: string): never => {
    throw new SnapshotArchiveError(`${label} has a broken manifest: ${what}`);
  };
  if (typeof m !== 'object' || m === null) return bad('not a JSON object');
  const o = m as Record<string, unknown>;
  const fx = o.fixture as Record<string, unknown> | undefined;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (typeof o.name !== 'string' || typeof o.createdAt !== 'string') bad('no name or createdAt');
  const nameProblem = snapshotNameProblem(o.name);
  if (nameProblem) bad(nameProblem);
  if (typeof fx !== 'object' || fx === null || typeof fx.name !== 'string' || !strings(fx.hosts) || !strings(fx.sqlServers)) bad('no fixture hosts');
  for (const k of ['format', 'stateSchemaVersion', 'hosts', 'provisioned', 'files', 'bytes']) if (typeof o[k] !== 'number') bad(`no ${k}`);
  return m as SnapshotManifest;
}
