/**
 * The emulator's own state (hosts and, in later layers, jobs and the journal)
 * in one SQLite file in the data directory. Migrations are numbered and kept in
 * PRAGMA user_version, so a data directory from an older version is upgraded.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export enum ProvisioningState {
  NotProvisioned = 0,
  Provisioning = 1,
  Provisioned = 2,
  Failed = 3,
}

export interface HostStateRow {
  readonly fqdn: string;
  readonly provisioningState: ProvisioningState;
  readonly updatedAt: Date;
}

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE hosts (
     fqdn TEXT PRIMARY KEY COLLATE NOCASE,
     provisioning_state INTEGER NOT NULL DEFAULT 0,
     updated_at TEXT NOT NULL
   ) STRICT;`,
];

export class StateStore {
  private constructor(readonly db: Database.Database) {}

  /** Opens (creating if needed) `<dataDir>/state.sqlite`; ':memory:' keeps state in memory. */
  static open(dataDir: string): StateStore {
    let file = ':memory:';
    if (dataDir !== ':memory:') {
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      file = path.join(dataDir, 'state.sqlite');
    }
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const store = new StateStore(db);
    store.migrate();
    return store;
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(`state.sqlite has schema version ${version}, newer than this emulator (${MIGRATIONS.length})`);
    }
    const apply = this.db.transaction(() => {
      for (let v = version; v < MIGRATIONS.length; v++) {
        this.db.exec(MIGRATIONS[v] as string);
        this.db.pragma(`user_version = ${v + 1}`);
      }
    });
    apply();
  }

  /** Adds hosts that have no row yet; existing rows keep their state. */
  ensureHosts(fqdns: readonly string[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO hosts (fqdn, provisioning_state, updated_at) VALUES (?, 0, ?)');
    const now = new Date().toISOString();
    this.db.transaction(() => {
      for (const f of fqdns) insert.run(f, now);
    })();
  }

  hostState(fqdn: string): HostStateRow | undefined {
    const row = this.db.prepare('SELECT fqdn, provisioning_state, updated_at FROM hosts WHERE fqdn = ?').get(fqdn) as
      | { fqdn: string; provisioning_state: number; updated_at: string }
      | undefined;
    if (!row) return undefined;
    return { fqdn: row.fqdn, provisioningState: row.provisioning_state as ProvisioningState, updatedAt: new Date(row.updated_at) };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
