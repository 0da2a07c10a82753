/**
 * Where the IPAM database goes, one target per kind:
 *  - WID: a SQLite file in the host's sandbox at WidSchemaPath;
 *  - a simulated SQL Server of the fixture (also SQLite files, with logins and permissions);
 *  - a real SQL Server through mssql.
 *
 * SQLite-backed databases are built in a staged copy beside the final file and
 * renamed over it only after the emulator's state has committed, so a failure
 * or a crash at any point leaves the old file (or none) in place.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IpamDatabase } from '../storage/ipamDb/ipamDatabase';
import { canCreateDatabase, createDatabase, databaseExists, dropDatabase, missingDatabasePermissions, openMssqlConnection } from '../storage/ipamDb/mssql';
import { openSqliteIpamDatabase, removeSqliteFile } from '../storage/ipamDb/sqlite';
import type { SqlConnection } from '../storage/ipamDb/types';
import type { Artifact, IpamState } from '../storage/ipamState';
import { HostSandbox, SandboxPathError } from '../storage/sandbox';
import type { RealSqlServer, SimulatedSqlServer, SqlLogin, SqlServerDirectory } from '../storage/sqlServers';
import type { FleetHost } from '../fleet/fleet';
import { ProvisioningErrors } from './errors';
import type { DatabaseRecord } from './model';
import type { DatabaseChoice } from './parameters';

export interface RunContext {
  readonly runId: string;
  /** Journals an artifact before it is created, so recovery finds it after a crash. */
  record(a: Artifact): void;
  /** The crash-test hook (engine's PausePoint): holds the run at a point inside the database step. */
  pause?(point: 'database:staged' | 'database:schema' | 'database:installed'): Promise<void>;
}

export interface DatabaseCheck {
  readonly willCreateDatabase: boolean;
  /** The schema version already there, if any (then it is reused). */
  readonly existingSchema: string | undefined;
}

export interface DatabaseTarget {
  readonly record: DatabaseRecord;
  /** Ends the prompt's first line: "Windows Internal database." or "Microsoft SQL Server on <server>." */
  readonly promptPhrase: string;
  /** "at <path>" for WID (the prompt's second line), undefined for SQL Server. */
  readonly location: string | undefined;
  /** What the log and errors call it. */
  readonly description: string;
  /** Reachability, login, existence, permissions and schema; throws the CIM error a failure deserves. Changes nothing. */
  check(): Promise<DatabaseCheck>;
  /** Builds (or opens) the database for the steps; its changes become visible only with finish(). */
  open(run: RunContext, schemaVersion: string): Promise<IpamDatabase>;
  /** Emulator-state rows to write in the commit transaction. */
  commitRows(state: IpamState): void;
  /** After the state commit: makes the database the real one. */
  finish(): Promise<void>;
  /** Undoes open(). Safe to call at any point, and more than once. */
  abort(): Promise<void>;
}

export const WID_FILE = 'ipam.sqlite';

/** Reads the schema version of a SQLite IPAM database file; 'invalid' when it is not one. */
async function sqliteSchemaVersion(file: string): Promise<string | undefined | 'invalid'> {
  let conn: SqlConnection | undefined;
  try {
    conn = openSqliteIpamDatabase(file, { create: false });
    return await new IpamDatabase(conn).schemaVersion();
  } catch {
    return 'invalid';
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

/** Shared by the two SQLite-backed targets: a staged copy renamed over the final file at finish(). */
class StagedSqliteFile {
  private conn: SqlConnection | undefined;
  private staged: string | undefined;

  constructor(readonly final: string) {}

  async open(run: RunContext, reuse: boolean, schemaVersion: string): Promise<IpamDatabase> {
    // Opening again (a step re-run) starts from a clean stage.
    await this.abort();
    const staged = `${this.final}.${run.runId}.staging`;
    run.record({ kind: 'stagedFile', staged, final: this.final });
    this.staged = staged;
    if (reuse) fs.copyFileSync(this.final, staged);
    this.conn = openSqliteIpamDatabase(staged, { create: true });
    const db = new IpamDatabase(this.conn);
    await run.pause?.('database:staged');
    if (!reuse) await db.installSchema(schemaVersion, { midway: async () => run.pause?.('database:schema') });
    await run.pause?.('database:installed');
    return db;
  }

  async finish(): Promise<void> {
    await this.conn?.close();
    this.conn = undefined;
    if (this.staged) fs.renameSync(this.staged, this.final);
    this.staged = undefined;
  }

  async abort(): Promise<void> {
    await this.conn?.close().catch(() => undefined);
    this.conn = undefined;
    if (this.staged) removeSqliteFile(this.staged);
    this.staged = undefined;
  }
}

/** A WidSchemaPath the sandbox refuses (outside it, or a file where a folder must be): the parameter's error. */
function widPathError(widSchemaPath: string, e: unknown): unknown {
  return e instanceof SandboxPathError ? ProvisioningErrors.sandbox('WidSchemaPath', `WidSchemaPath '${widSchemaPath}' cannot be used: ${e.message}.`) : e;
}

export class WidTarget implements DatabaseTarget {
  readonly record: DatabaseRecord;
  readonly promptPhrase = 'Windows Internal database.';
  readonly location: string;
  readonly description: string;
  private readonly folder: string;
  private readonly file: StagedSqliteFile;
  private createdDirs: string[] = [];

  constructor(
    private readonly sandbox: HostSandbox,
    widSchemaPath: string,
    databaseName: string,
    private readonly expectedVersion: string,
  ) {
    let canonical: string;
    try {
      canonical = HostSandbox.canonical(widSchemaPath);
      this.folder = sandbox.map(canonical);
    } catch (e) {
      throw widPathError(widSchemaPath, e);
    }
    this.record = { type: 'WID', widSchemaPath: canonical, databaseName };
    this.location = canonical;
    this.description = `the Windows Internal Database at ${canonical}`;
    this.file = new StagedSqliteFile(path.join(this.folder, WID_FILE));
  }

  async check(): Promise<DatabaseCheck> {
    if (!fs.existsSync(this.file.final)) return { willCreateDatabase: true, existingSchema: undefined };
    const version = await sqliteSchemaVersion(this.file.final);
    if (version === 'invalid' || version === undefined) throw ProvisioningErrors.notAnIpamDatabase(this.location);
    if (version !== this.expectedVersion) throw ProvisioningErrors.schemaVersionMismatch(this.description, version, this.expectedVersion);
    // A folder that already holds a valid schema is reused.
    return { willCreateDatabase: false, existingSchema: version };
  }

  async open(run: RunContext, schemaVersion: string): Promise<IpamDatabase> {
    const reuse = fs.existsSync(this.file.final);
    // Journal each folder before making it (mkdirs only makes what is missing), and keep the folders of
    // earlier opens too: abort() removes everything this target made, even when mkdirs stops half-way.
    try {
      this.sandbox.mkdirs(this.location, (dir) => {
        run.record({ kind: 'createdDir', path: dir });
        this.createdDirs.push(dir);
      });
    } catch (e) {
      throw widPathError(this.location, e);
    }
    return this.file.open(run, reuse, schemaVersion);
  }

  commitRows(): void {
    // WID lives entirely in the host's sandbox: nothing else to record.
  }

  finish(): Promise<void> {
    return this.file.finish();
  }

  async abort(): Promise<void> {
    await this.file.abort();
    removeEmptyDirs(this.createdDirs);
    this.createdDirs = [];
  }
}

/** Removes folders a run created, deepest first (`dirs` lists parents first), leaving any that are not empty. */
export function removeEmptyDirs(dirs: readonly string[]): void {
  for (const dir of [...dirs].reverse()) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // Not empty, or already gone: leave it.
    }
  }
}

/** The SQL login a provisioning connects as: the computer account (Windows) or the credential's user (SQL). */
function loginOf(host: FleetHost, choice: Extract<DatabaseChoice, { kind: 'MSSQL' }>): { name: string; password: string | undefined } {
  if (choice.authType === 'Windows') return { name: `${host.domain.name}\\${host.computerName}$`, password: undefined };
  const cred = choice.credential;
  if (!cred) throw new Error('SQL authentication without a credential passed validation');
  return { name: cred.user, password: cred.password.reveal() };
}

function mssqlRecord(choice: Extract<DatabaseChoice, { kind: 'MSSQL' }>, backend: 'simulated' | 'real'): DatabaseRecord {
  return {
    type: 'MSSQL',
    server: choice.server,
    databaseName: choice.databaseName,
    port: choice.port,
    authType: choice.authType,
    user: choice.authType === 'SQL' ? choice.credential?.user : undefined,
    backend,
  };
}

/** How a SQL database target names itself: in the confirmation prompt, and in messages. */
function mssqlLabels(choice: Extract<DatabaseChoice, { kind: 'MSSQL' }>): { promptPhrase: string; description: string } {
  return { promptPhrase: `Microsoft SQL Server on ${choice.server}.`, description: `the database ${choice.databaseName} on ${choice.server}` };
}

/**
 * An existing SQL database, given the IPAM schema version it holds (undefined: none): with
 * UseExistingSchema it must hold the expected version; without, it must hold none.
 */
function existingDatabaseCheck(schema: string | undefined, choice: Extract<DatabaseChoice, { kind: 'MSSQL' }>, description: string, expected: string): DatabaseCheck {
  if (choice.useExistingSchema) {
    if (schema === undefined) throw ProvisioningErrors.noValidSchema(description);
    if (schema !== expected) throw ProvisioningErrors.schemaVersionMismatch(description, schema, expected);
    return { willCreateDatabase: false, existingSchema: schema };
  }
  if (schema !== undefined) throw ProvisioningErrors.schemaExists(description);
  return { willCreateDatabase: false, existingSchema: undefined };
}

/**
 * SQL databases a run is creating, or installing a schema in, right now, by server and
 * name, with the host the run is for: a second host's run must not write the same one
 * (it would overwrite the first one's database). Runs that use an existing schema only
 * read, and take no claim. Process-wide: a restart's recovery undoes unfinished runs.
 */
const databaseClaims = new Map<string, string>();

class DatabaseClaim {
  private key: string | undefined;

  /** Claims the database for `host`, or throws the in-use error naming the host that has it. */
  take(choice: Extract<DatabaseChoice, { kind: 'MSSQL' }>, host: FleetHost, description: string): void {
    if (choice.useExistingSchema || this.key !== undefined) return;
    const key = `${choice.server.toLowerCase()}|${choice.databaseName.toLowerCase()}`;
    const holder = databaseClaims.get(key);
    if (holder !== undefined) throw ProvisioningErrors.databaseInUse(description, holder);
    databaseClaims.set(key, host.fqdn);
    this.key = key;
  }

  release(): void {
    if (this.key !== undefined) databaseClaims.delete(this.key);
    this.key = undefined;
  }
}

export class SimulatedSqlTarget implements DatabaseTarget {
  readonly record: DatabaseRecord;
  readonly promptPhrase: string;
  readonly location = undefined;
  readonly description: string;
  private file: StagedSqliteFile | undefined;
  private login: SqlLogin | undefined;
  private created = false;
  private readonly claim = new DatabaseClaim();

  constructor(
    private readonly host: FleetHost,
    private readonly server: SimulatedSqlServer,
    private readonly choice: Extract<DatabaseChoice, { kind: 'MSSQL' }>,
    private readonly expectedVersion: string,
  ) {
    this.record = mssqlRecord(choice, 'simulated');
    ({ promptPhrase: this.promptPhrase, description: this.description } = mssqlLabels(choice));
  }

  async check(): Promise<DatabaseCheck> {
    this.claim.take(this.choice, this.host, this.description);
    const { name, password } = loginOf(this.host, this.choice);
    const login = this.server.authenticate(name, password);
    if (!login) throw ProvisioningErrors.loginFailed(this.choice.server, name);
    this.login = login;
    const db = this.choice.databaseName;
    if (!this.server.databaseExists(db)) {
      if (this.choice.useExistingSchema) throw ProvisioningErrors.noValidSchema(this.description);
      if (!this.server.canCreateDatabase(login)) throw ProvisioningErrors.databaseMissingCannotCreate(this.choice.server, db, login.name);
      return { willCreateDatabase: true, existingSchema: undefined };
    }
    const missing = this.server.missingPermissions(login, db);
    if (missing.length > 0) throw ProvisioningErrors.missingPermissions(this.choice.server, db, login.name, missing);
    const file = this.server.databaseFile(db);
    const version = fs.existsSync(file) ? await sqliteSchemaVersion(file) : undefined;
    // Not readable: refused, as WID refuses it, rather than replaced by a new file.
    if (version === 'invalid') throw ProvisioningErrors.databaseUnreadable(this.description);
    return existingDatabaseCheck(version, this.choice, this.description, this.expectedVersion);
  }

  async open(run: RunContext, schemaVersion: string): Promise<IpamDatabase> {
    this.server.ensureFolder();
    const final = this.server.databaseFile(this.choice.databaseName);
    this.created = !this.server.databaseExists(this.choice.databaseName);
    this.file = new StagedSqliteFile(final);
    const reuse = this.choice.useExistingSchema && fs.existsSync(final);
    return this.file.open(run, reuse, schemaVersion);
  }

  commitRows(state: IpamState): void {
    if (this.created && this.file) {
      // The creating login owns the new database, as on SQL Server.
      state.addSimulatedDatabase({ server: this.server.name, name: this.choice.databaseName, owner: this.login?.name ?? 'sa', file: this.file.final });
    }
  }

  async finish(): Promise<void> {
    try {
      await this.file?.finish();
    } finally {
      this.claim.release();
    }
  }

  async abort(): Promise<void> {
    try {
      await this.file?.abort();
    } finally {
      this.claim.release();
    }
  }
}

export class RealSqlTarget implements DatabaseTarget {
  readonly record: DatabaseRecord;
  readonly promptPhrase: string;
  readonly location = undefined;
  readonly description: string;
  private conn: SqlConnection | undefined;
  private createdDatabase = false;
  private exists = false;
  private readonly claim = new DatabaseClaim();

  constructor(
    private readonly host: FleetHost,
    private readonly server: RealSqlServer,
    private readonly choice: Extract<DatabaseChoice, { kind: 'MSSQL' }>,
    private readonly expectedVersion: string,
  ) {
    this.record = mssqlRecord(choice, 'real');
    ({ promptPhrase: this.promptPhrase, description: this.description } = mssqlLabels(choice));
  }

  /**
   * With SQL authentication the credential's login is used; with Windows
   * authentication the connection string's own identity stands in for the
   * host's computer account (Linux cannot log on as CONTOSO\IPAM1$).
   */
  private connect(database?: string): Promise<SqlConnection> {
    const { name, password } = loginOf(this.host, this.choice);
    const sqlAuth = this.choice.authType === 'SQL';
    return openMssqlConnection({
      connectionString: this.server.connectionString,
      server: this.choice.server,
      port: this.choice.port,
      database,
      user: sqlAuth ? name : undefined,
      password: sqlAuth ? password : undefined,
    }).catch((e: unknown) => {
      const code = (e as { code?: string }).code;
      if (code === 'ELOGIN') throw ProvisioningErrors.loginFailed(this.choice.server, name);
      throw ProvisioningErrors.databaseServerUnreachable(this.choice.server, this.choice.port);
    });
  }

  async check(): Promise<DatabaseCheck> {
    this.claim.take(this.choice, this.host, this.description);
    const master = await this.connect();
    const { name } = loginOf(this.host, this.choice);
    try {
      this.exists = await databaseExists(master, this.choice.databaseName);
      if (!this.exists) {
        if (this.choice.useExistingSchema) throw ProvisioningErrors.noValidSchema(this.description);
        if (!(await canCreateDatabase(master))) throw ProvisioningErrors.databaseMissingCannotCreate(this.choice.server, this.choice.databaseName, name);
        return { willCreateDatabase: true, existingSchema: undefined };
      }
    } finally {
      await master.close();
    }
    const dbConn = await this.connect(this.choice.databaseName);
    try {
      const missing = await missingDatabasePermissions(dbConn);
      if (missing.length > 0) throw ProvisioningErrors.missingPermissions(this.choice.server, this.choice.databaseName, name, missing);
      return existingDatabaseCheck(await new IpamDatabase(dbConn).schemaVersion(), this.choice, this.description, this.expectedVersion);
    } finally {
      await dbConn.close();
    }
  }

  async open(run: RunContext, schemaVersion: string): Promise<IpamDatabase> {
    if (!this.exists) {
      const master = await this.connect();
      try {
        run.record({ kind: 'createdSqlDatabase', server: this.server.name, port: this.server.port, database: this.choice.databaseName });
        await createDatabase(master, this.choice.databaseName);
        this.createdDatabase = true;
      } finally {
        await master.close();
      }
    }
    this.conn = await this.connect(this.choice.databaseName);
    const db = new IpamDatabase(this.conn);
    if ((await db.schemaVersion()) === undefined) await db.installSchema(schemaVersion);
    return db;
  }

  commitRows(): void {
    // The real server keeps its own catalog.
  }

  async finish(): Promise<void> {
    try {
      await this.conn?.close();
      this.conn = undefined;
    } finally {
      this.claim.release();
    }
  }

  async abort(): Promise<void> {
    try {
      await this.conn?.close().catch(() => undefined);
      this.conn = undefined;
      if (this.createdDatabase) {
        const master = await this.connect();
        try {
          await dropDatabase(master, this.choice.databaseName);
        } finally {
          await master.close();
        }
        this.createdDatabase = false;
      }
    } finally {
      this.claim.release();
    }
  }
}

/**
 * A server name no fixture server answers to: it fails in the database step like
 * any other connection failure, so the run is journaled, undone and logged.
 */
class UnreachableSqlTarget implements DatabaseTarget {
  readonly record: DatabaseRecord;
  readonly promptPhrase: string;
  readonly location = undefined;
  readonly description: string;

  constructor(private readonly choice: Extract<DatabaseChoice, { kind: 'MSSQL' }>) {
    this.record = mssqlRecord(choice, 'simulated');
    ({ promptPhrase: this.promptPhrase, description: this.description } = mssqlLabels(choice));
  }

  async check(): Promise<DatabaseCheck> {
    throw ProvisioningErrors.databaseServerUnreachable(this.choice.server, this.choice.port);
  }

  async open(): Promise<IpamDatabase> {
    throw ProvisioningErrors.databaseServerUnreachable(this.choice.server, this.choice.port);
  }

  commitRows(): void {}

  async finish(): Promise<void> {}

  async abort(): Promise<void> {}
}

/** The target a validated database choice names, from a host's point of view. */
export function databaseTarget(
  host: FleetHost,
  choice: DatabaseChoice,
  sandbox: HostSandbox,
  servers: SqlServerDirectory,
  expectedVersion: string,
): DatabaseTarget {
  if (choice.kind === 'WID') return new WidTarget(sandbox, choice.widSchemaPath, choice.databaseName, expectedVersion);
  const server = servers.resolve(choice.server, choice.port, host.domain.dnsName);
  // A server the host cannot reach (fixture hosts[].sqlServers) is as unreachable as one that does not exist.
  if (!server || (host.sqlServers !== undefined && !host.sqlServers.includes(server.name))) return new UnreachableSqlTarget(choice);
  return server.kind === 'simulated'
    ? new SimulatedSqlTarget(host, server, choice, expectedVersion)
    : new RealSqlTarget(host, server, choice, expectedVersion);
}
