/**
 * The emulator's own state (hosts and, in later layers, jobs and the journal)
 * in one SQLite file in the data directory. Migrations are numbered and kept in
 * PRAGMA user_version, so a data directory from an older version is upgraded.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { prepared } from './statements';
import { SystemClock, type Clock } from '../harness/clock';

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
  // The provisioning engine's state: each host's IPAM configuration, its configuration
  // log, the journal of provisioning runs (for crash recovery), and the databases of
  // the simulated SQL Servers.
  `CREATE TABLE host_ipam (
     fqdn TEXT PRIMARY KEY COLLATE NOCASE REFERENCES hosts(fqdn) ON DELETE CASCADE,
     config TEXT NOT NULL,
     updated_at TEXT NOT NULL
   ) STRICT;
   CREATE TABLE config_log (
     event_id INTEGER PRIMARY KEY AUTOINCREMENT,
     fqdn TEXT NOT NULL COLLATE NOCASE,
     time TEXT NOT NULL,
     user_name TEXT,
     user_domain TEXT,
     task_category TEXT NOT NULL,
     operational_code TEXT NOT NULL,
     keywords TEXT NOT NULL,
     message TEXT NOT NULL,
     message_id TEXT NOT NULL,
     severity INTEGER NOT NULL,
     run_id TEXT
   ) STRICT;
   CREATE INDEX config_log_host ON config_log (fqdn, event_id);
   CREATE TABLE provisioning_runs (
     run_id TEXT PRIMARY KEY,
     fqdn TEXT NOT NULL COLLATE NOCASE,
     operation TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('running', 'committed', 'done', 'rolledback', 'interrupted')),
     started_at TEXT NOT NULL,
     ended_at TEXT,
     request TEXT NOT NULL,
     artifacts TEXT NOT NULL DEFAULT '[]',
     error TEXT
   ) STRICT;
   CREATE INDEX provisioning_runs_state ON provisioning_runs (state);
   CREATE TABLE sim_sql_databases (
     server TEXT NOT NULL COLLATE NOCASE,
     name TEXT NOT NULL COLLATE NOCASE,
     owner TEXT NOT NULL,
     file TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (server, name)
   ) STRICT;`,
  // CIM jobs (MSFT_IPAM_ConcreteJob): one row per provisioning or update call, kept across restarts.
  `CREATE TABLE jobs (
     instance_id TEXT PRIMARY KEY,
     fqdn TEXT NOT NULL COLLATE NOCASE,
     submitted_on TEXT NOT NULL COLLATE NOCASE,
     operation TEXT NOT NULL,
     name TEXT NOT NULL,
     owner TEXT NOT NULL,
     client TEXT,
     state INTEGER NOT NULL,
     percent INTEGER NOT NULL DEFAULT 0,
     status TEXT NOT NULL,
     time_submitted TEXT NOT NULL,
     start_time TEXT,
     end_time TEXT,
     state_changed TEXT NOT NULL,
     error_code INTEGER,
     error_description TEXT,
     error_message_id TEXT
   ) STRICT;
   CREATE INDEX jobs_host ON jobs (fqdn);
   CREATE INDEX jobs_submitted_on ON jobs (submitted_on);
   CREATE INDEX jobs_state ON jobs (state);`,
  // Windows features installed at run time (Install-WindowsFeature), beyond what the fixture starts a host with.
  `CREATE TABLE host_features (
     fqdn TEXT NOT NULL COLLATE NOCASE,
     name TEXT NOT NULL COLLATE NOCASE,
     installed_at TEXT NOT NULL,
     PRIMARY KEY (fqdn, name)
   ) STRICT;`,
];

export class StateStore {
  private constructor(
    readonly db: Database.Database,
    readonly clock: Clock,
  ) {}

  /** Opens (creating if needed) `<dataDir>/state.sqlite`; ':memory:' keeps state in memory. Rows are stamped by `clock`. */
  static open(dataDir: string, clock: Clock = new SystemClock()): StateStore {
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
    const store = new StateStore(db, clock);
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
    const insert = prepared(this.db, 'INSERT OR IGNORE INTO hosts (fqdn, provisioning_state, updated_at) VALUES (?, 0, ?)');
    const now = this.clock.date().toISOString();
    this.db.transaction(() => {
      for (const f of fqdns) insert.run(f, now);
    })();
  }

  hostState(fqdn: string): HostStateRow | undefined {
    const row = prepared(this.db, 'SELECT fqdn, provisioning_state, updated_at FROM hosts WHERE fqdn = ?').get(fqdn) as
      | { fqdn: string; provisioning_state: number; updated_at: string }
      | undefined;
    if (!row) return undefined;
    return { fqdn: row.fqdn, provisioningState: row.provisioning_state as ProvisioningState, updatedAt: new Date(row.updated_at) };
  }

  /** Every host's provisioning state, in one query (the dashboard reads the whole fleet twice a second). */
  hostStates(): Map<string, ProvisioningState> {
    const rows = prepared(this.db, 'SELECT fqdn, provisioning_state FROM hosts').all() as Array<{ fqdn: string; provisioning_state: number }>;
    return new Map(rows.map((r) => [r.fqdn.toLowerCase(), r.provisioning_state as ProvisioningState]));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
