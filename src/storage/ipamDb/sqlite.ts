/**
 * An IPAM database in one SQLite file: the Windows Internal Database of an
 * emulated host, or a database of a simulated SQL Server. better-sqlite3 is
 * synchronous; the SqlConnection API is a Promise API so that the same code
 * drives SQL Server.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SqlConnection, SqlValue } from './types';

/** better-sqlite3 refuses booleans; SQLite stores them as 0/1 (the schema's bool CHECK enforces it). */
function bindable(params: readonly SqlValue[]): Array<string | number | null> {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

class SqliteConnection implements SqlConnection {
  readonly dialect = 'sqlite' as const;
  private inTransaction = false;

  constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {}

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    this.db.prepare(sql).run(bindable(params));
  }

  async all<Row extends Record<string, SqlValue>>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    // The IPAM schema has no BLOB columns and safeIntegers is off, so rows hold only SqlValues.
    return this.db.prepare(sql).all(bindable(params)) as Row[];
  }

  /**
   * BEGIN IMMEDIATE takes the write lock up front, so a transaction never
   * fails half-way with SQLITE_BUSY on its first write. better-sqlite3's own
   * transaction() cannot wrap async functions, hence the explicit statements.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTransaction || this.db.inTransaction) {
      throw new Error(`nested transaction on ${this.file}: SqlConnection.transaction() cannot be called inside another`);
    }
    this.inTransaction = true;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn();
        this.db.exec('COMMIT');
        return result;
      } catch (e) {
        // SQLite may already have rolled back (some errors end the transaction); the caller needs the first error.
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    } finally {
      this.inTransaction = false;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/**
 * Removes a SQLite database file and the files SQLite keeps beside it: the rollback journal
 * (`-journal`, left behind when a process dies inside a transaction) and, should the journal
 * mode ever be WAL, `-wal` and `-shm`. Undoing a staged database must leave none of them.
 */
export function removeSqliteFile(file: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
}

/**
 * Opens the IPAM database in `file`. With `create` (default false, so a
 * mistyped path is an error rather than a new empty database) the file and
 * its folder are created when missing.
 *
 * journal_mode=DELETE, not WAL: between transactions the whole database is in
 * the one file, so copying it or renaming a staged copy over it is atomic and
 * complete. synchronous=FULL because that rename is only safe once the data
 * is on disk.
 */
export function openSqliteIpamDatabase(file: string, opts: { create: boolean } = { create: false }): SqlConnection {
  if (opts.create) fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file, { fileMustExist: !opts.create });
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (e) {
    db.close();
    throw e;
  }
  return new SqliteConnection(db, file);
}
