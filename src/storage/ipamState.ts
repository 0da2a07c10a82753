/**
 * The provisioning engine's rows in state.sqlite: host IPAM configurations, the
 * configuration log, the run journal and the simulated SQL Server catalog.
 * Everything a provisioning changes on the emulator side is written here in one
 * transaction (see provisioning/engine.ts for the commit protocol).
 */
import type Database from 'better-sqlite3';
import { ProvisioningState } from './stateStore';
import { prepared } from './statements';
import { SystemClock, type Clock } from '../harness/clock';

export interface ConfigLogRow {
  readonly eventId: number;
  readonly fqdn: string;
  readonly time: Date;
  readonly userName: string | null;
  readonly userDomain: string | null;
  readonly taskCategory: string;
  readonly operationalCode: string;
  readonly keywords: string;
  readonly message: string;
  readonly messageId: string;
  readonly severity: number;
  readonly runId: string | null;
}

export type NewConfigLogEntry = Omit<ConfigLogRow, 'eventId' | 'time'> & { time?: Date };

export type RunState = 'running' | 'committed' | 'done' | 'rolledback' | 'interrupted';

/** Something a run created that a rollback or a recovery must undo or finish. */
export type Artifact =
  /** A folder the run created (removed on rollback if still empty). */
  | { readonly kind: 'createdDir'; readonly path: string }
  /** A database file built at `staged`, renamed over `final` at commit. */
  | { readonly kind: 'stagedFile'; readonly staged: string; readonly final: string }
  /** A database the run created on a real SQL Server (dropped on rollback). */
  | { readonly kind: 'createdSqlDatabase'; readonly server: string; readonly port: number; readonly database: string };

export interface RunRow {
  readonly runId: string;
  readonly fqdn: string;
  readonly operation: string;
  readonly state: RunState;
  readonly startedAt: Date;
  readonly artifacts: readonly Artifact[];
}

export interface SimulatedDatabaseRow {
  readonly server: string;
  readonly name: string;
  readonly owner: string;
  readonly file: string;
}

type Raw = Record<string, unknown>;

export class IpamState {
  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock = new SystemClock(),
  ) {}

  /** Runs `fn` in one SQLite transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  hostConfig<T>(fqdn: string): T | undefined {
    const row = prepared(this.db, 'SELECT config FROM host_ipam WHERE fqdn = ?').get(fqdn) as { config: string } | undefined;
    return row ? (JSON.parse(row.config) as T) : undefined;
  }

  /** The database type (WID, MSSQL) of every provisioned host's configuration, without parsing the configurations. */
  databaseTypes(): Map<string, string> {
    const rows = prepared(this.db, "SELECT fqdn, json_extract(config, '$.database.type') AS type FROM host_ipam").all() as Array<{ fqdn: string; type: unknown }>;
    return new Map(rows.map((r) => [r.fqdn.toLowerCase(), typeof r.type === 'string' ? r.type : '']));
  }

  setHostConfig(fqdn: string, config: unknown): void {
    prepared(this.db, 'INSERT INTO host_ipam (fqdn, config, updated_at) VALUES (?, ?, ?) ON CONFLICT(fqdn) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at')
      .run(fqdn, JSON.stringify(config), this.clock.date().toISOString());
  }

  setProvisioningState(fqdn: string, state: ProvisioningState): void {
    prepared(this.db, 'UPDATE hosts SET provisioning_state = ?, updated_at = ? WHERE fqdn = ?').run(state, this.clock.date().toISOString(), fqdn);
  }

  addLog(e: NewConfigLogEntry): number {
    const r = prepared(
      this.db,
      `INSERT INTO config_log (fqdn, time, user_name, user_domain, task_category, operational_code, keywords, message, message_id, severity, run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(e.fqdn, (e.time ?? this.clock.date()).toISOString(), e.userName, e.userDomain, e.taskCategory, e.operationalCode, e.keywords, e.message, e.messageId, e.severity, e.runId);
    return Number(r.lastInsertRowid);
  }

  log(fqdn: string): ConfigLogRow[] {
    return (prepared(this.db, 'SELECT * FROM config_log WHERE fqdn = ? ORDER BY event_id').all(fqdn) as Raw[]).map((r) => ({
      eventId: r.event_id as number,
      fqdn: r.fqdn as string,
      time: new Date(r.time as string),
      userName: r.user_name as string | null,
      userDomain: r.user_domain as string | null,
      taskCategory: r.task_category as string,
      operationalCode: r.operational_code as string,
      keywords: r.keywords as string,
      message: r.message as string,
      messageId: r.message_id as string,
      severity: r.severity as number,
      runId: r.run_id as string | null,
    }));
  }

  startRun(run: { runId: string; fqdn: string; operation: string; request: unknown }): void {
    prepared(this.db, "INSERT INTO provisioning_runs (run_id, fqdn, operation, state, started_at, request) VALUES (?, ?, ?, 'running', ?, ?)")
      .run(run.runId, run.fqdn, run.operation, this.clock.date().toISOString(), JSON.stringify(run.request));
  }

  /** Records an artifact at once (committed), so a crash right after leaves it recoverable. */
  addArtifact(runId: string, artifact: Artifact): void {
    const row = prepared(this.db, 'SELECT artifacts FROM provisioning_runs WHERE run_id = ?').get(runId) as { artifacts: string } | undefined;
    if (!row) throw new Error(`no run ${runId}`);
    const list = JSON.parse(row.artifacts) as Artifact[];
    list.push(artifact);
    prepared(this.db, 'UPDATE provisioning_runs SET artifacts = ? WHERE run_id = ?').run(JSON.stringify(list), runId);
  }

  setRunState(runId: string, state: RunState, error?: string): void {
    const ended = state === 'running' || state === 'committed' ? null : this.clock.date().toISOString();
    prepared(this.db, 'UPDATE provisioning_runs SET state = ?, ended_at = COALESCE(?, ended_at), error = COALESCE(?, error) WHERE run_id = ?').run(state, ended, error ?? null, runId);
  }

  runsIn(...states: RunState[]): RunRow[] {
    const rows = prepared(this.db, `SELECT run_id, fqdn, operation, state, started_at, artifacts FROM provisioning_runs WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY started_at`)
      .all(...states) as Raw[];
    return rows.map((r) => ({
      runId: r.run_id as string,
      fqdn: r.fqdn as string,
      operation: r.operation as string,
      state: r.state as RunState,
      startedAt: new Date(r.started_at as string),
      artifacts: JSON.parse(r.artifacts as string) as Artifact[],
    }));
  }

  /** Forgets everything provisioning recorded about a host (a reset). */
  forgetHost(fqdn: string): void {
    prepared(this.db, 'DELETE FROM host_ipam WHERE fqdn = ?').run(fqdn);
    prepared(this.db, 'DELETE FROM config_log WHERE fqdn = ?').run(fqdn);
    prepared(this.db, "DELETE FROM provisioning_runs WHERE fqdn = ? AND state NOT IN ('running', 'committed')").run(fqdn);
  }

  /** Forgets every simulated database (a fleet reset; the fixture's are seeded again). */
  forgetSimulatedDatabases(): SimulatedDatabaseRow[] {
    const rows = prepared(this.db, 'SELECT server, name, owner, file FROM sim_sql_databases').all() as SimulatedDatabaseRow[];
    prepared(this.db, 'DELETE FROM sim_sql_databases').run();
    return rows;
  }

  simulatedDatabase(server: string, name: string): SimulatedDatabaseRow | undefined {
    return prepared(this.db, 'SELECT server, name, owner, file FROM sim_sql_databases WHERE server = ? AND name = ?').get(server, name) as SimulatedDatabaseRow | undefined;
  }

  simulatedDatabases(server: string): SimulatedDatabaseRow[] {
    return prepared(this.db, 'SELECT server, name, owner, file FROM sim_sql_databases WHERE server = ? ORDER BY name').all(server) as SimulatedDatabaseRow[];
  }

  addSimulatedDatabase(row: SimulatedDatabaseRow): void {
    prepared(this.db, 'INSERT OR IGNORE INTO sim_sql_databases (server, name, owner, file, created_at) VALUES (?, ?, ?, ?, ?)').run(row.server, row.name, row.owner, row.file, this.clock.date().toISOString());
  }
}
