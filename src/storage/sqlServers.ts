/**
 * The SQL Servers the fleet can reach, as the fixture declares them:
 *  - simulated servers: logins (SQL and Windows), server roles, per-database
 *    permissions and databases, with each database a SQLite file under
 *    `<dataDir>/sqlservers/<server>/` and the catalog in state.sqlite;
 *  - real servers, reached through mssql with a connection string.
 * Any other name is unreachable, as a server that does not answer is.
 */
import { passwordDigest, passwordMatches } from '../security/passwords';
import fs from 'node:fs';
import path from 'node:path';
import type { FixtureSqlLogin, FixtureSqlServer } from '../config/fixture';
import type { IpamState } from './ipamState';

/** What IPAM needs on its database (Invoke-IpamServerProvisioning help, Example 4). */
export const IPAM_DATABASE_PERMISSIONS = ['db_datareader', 'db_datawriter', 'db_ddladmin', 'VIEW DATABASE STATE', 'ALTER'] as const;

export interface SqlLogin {
  readonly name: string;
  readonly type: 'windows' | 'sql';
  readonly disabled: boolean;
  readonly serverRoles: ReadonlySet<string>;
  readonly serverPermissions: ReadonlySet<string>;
  /** Lower-cased database name → permissions. */
  readonly databases: ReadonlyMap<string, ReadonlySet<string>>;
  /** SHA-256 of the password (SQL logins), never the text. */
  readonly passwordDigest?: Buffer;
}

function toLogin(l: FixtureSqlLogin): SqlLogin {
  const databases = new Map<string, ReadonlySet<string>>();
  for (const [db, perms] of Object.entries(l.databases ?? {})) databases.set(db.toLowerCase(), new Set(perms));
  return {
    name: l.name,
    type: l.type,
    disabled: l.disabled ?? false,
    serverRoles: new Set(l.serverRoles ?? []),
    serverPermissions: new Set(l.serverPermissions ?? []),
    databases,
    passwordDigest: l.password !== undefined ? passwordDigest(l.password) : undefined,
  };
}

export class SimulatedSqlServer {
  readonly kind = 'simulated';
  readonly name: string;
  readonly port: number;
  readonly version: string;
  readonly edition: string;
  private readonly logins = new Map<string, SqlLogin>();

  constructor(
    spec: FixtureSqlServer,
    private readonly dataDir: string,
    private readonly state: IpamState,
  ) {
    this.name = spec.name.toLowerCase();
    this.port = spec.port ?? 1433;
    this.version = spec.version ?? '15.0.2000.5';
    this.edition = spec.edition ?? 'Standard Edition (64-bit)';
    for (const l of spec.logins ?? []) this.logins.set(l.name.toLowerCase(), toLogin(l));
  }

  /** The login a connection authenticates as; undefined is SQL Server's error 18456 "Login failed". */
  authenticate(loginName: string, password: string | undefined): SqlLogin | undefined {
    const login = this.logins.get(loginName.toLowerCase());
    if (!login || login.disabled) {
      if (password !== undefined) passwordMatches(password, undefined); // as costly as a known login
      return undefined;
    }
    if (login.type === 'windows') return password === undefined ? login : undefined;
    if (password === undefined) return undefined;
    return passwordMatches(password, login.passwordDigest) ? login : undefined;
  }

  databaseExists(name: string): boolean {
    return this.state.simulatedDatabase(this.name, name) !== undefined;
  }

  owner(name: string): string | undefined {
    return this.state.simulatedDatabase(this.name, name)?.owner;
  }

  canCreateDatabase(login: SqlLogin): boolean {
    return (
      login.serverRoles.has('sysadmin') ||
      login.serverRoles.has('dbcreator') ||
      login.serverPermissions.has('CREATE DATABASE') ||
      login.serverPermissions.has('CREATE ANY DATABASE') ||
      login.serverPermissions.has('CONTROL SERVER')
    );
  }

  /**
   * The IPAM permissions a login lacks on a database, in SQL Server's terms:
   * sysadmin and CONTROL SERVER imply everything; so do owning the database,
   * db_owner and CONTROL on it.
   */
  missingPermissions(login: SqlLogin, database: string): string[] {
    if (login.serverRoles.has('sysadmin') || login.serverPermissions.has('CONTROL SERVER')) return [];
    if (this.owner(database)?.toLowerCase() === login.name.toLowerCase()) return [];
    const granted = login.databases.get(database.toLowerCase()) ?? new Set<string>();
    if (granted.has('db_owner') || granted.has('CONTROL')) return [];
    return IPAM_DATABASE_PERMISSIONS.filter((p) => !granted.has(p));
  }

  /** Where a database's data lives. Names are validated before they get here; the file name is derived, not taken. */
  databaseFile(name: string): string {
    const safe = name.toLowerCase().replace(/[^a-z0-9_@#$-]/g, '_');
    return path.join(this.dataDir, 'sqlservers', this.name.replace(/[^a-z0-9.-]/g, '_'), `${safe}.sqlite`);
  }

  ensureFolder(): void {
    fs.mkdirSync(path.dirname(this.databaseFile('x')), { recursive: true, mode: 0o700 });
  }
}

export interface RealSqlServer {
  readonly kind: 'real';
  readonly name: string;
  readonly port: number;
  /** The mssql connection string; kept in memory only, never logged. */
  readonly connectionString: string;
}

export type SqlServerEntry = SimulatedSqlServer | RealSqlServer;

export class SqlServerDirectory {
  private readonly byName = new Map<string, SqlServerEntry>();

  constructor(specs: readonly FixtureSqlServer[], dataDir: string, state: IpamState, env: NodeJS.ProcessEnv = process.env) {
    for (const spec of specs) {
      const real = spec.connectionString ?? (spec.connectionStringEnv !== undefined ? env[spec.connectionStringEnv] : undefined);
      if (spec.connectionString !== undefined || spec.connectionStringEnv !== undefined) {
        // A real server whose connection string is not set is unreachable, like a server that is down.
        if (real) this.byName.set(spec.name.toLowerCase(), { kind: 'real', name: spec.name.toLowerCase(), port: spec.port ?? 1433, connectionString: real });
      } else {
        this.byName.set(spec.name.toLowerCase(), new SimulatedSqlServer(spec, dataDir, state));
      }
    }
  }

  /**
   * The server a DatabaseServer/DatabasePort pair reaches from a host in `dnsDomain`:
   * a name without dots is tried with the host's DNS suffix too, as a resolver would.
   * The port must be the one the server listens on.
   */
  resolve(serverName: string, port: number, dnsDomain: string): SqlServerEntry | undefined {
    const name = serverName.toLowerCase();
    const entry = this.byName.get(name) ?? (name.includes('.') ? undefined : this.byName.get(`${name}.${dnsDomain}`));
    return entry && entry.port === port ? entry : undefined;
  }

  /** A real server by the exact name and port a journal recorded. */
  real(name: string, port: number): RealSqlServer | undefined {
    const e = this.byName.get(name.toLowerCase());
    return e?.kind === 'real' && e.port === port ? e : undefined;
  }

  simulated(): SimulatedSqlServer[] {
    return [...this.byName.values()].filter((e): e is SimulatedSqlServer => e.kind === 'simulated');
  }
}
