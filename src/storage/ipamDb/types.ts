/**
 * The IPAM database, whatever holds it: a Windows Internal Database (a SQLite
 * file in the host's sandbox), a simulated SQL Server database (also SQLite),
 * or a real SQL Server reached through mssql. The provisioning engine talks to
 * it only through these interfaces.
 */

/** Values that reach SQL, always as bound parameters. */
export type SqlValue = string | number | boolean | null;

export type SqlDialect = 'sqlite' | 'tsql';

/** A connection to one database. Statements take parameters; identifiers never come from callers unchecked. */
export interface SqlConnection {
  readonly dialect: SqlDialect;
  /** Runs a statement (DDL or DML). */
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /** Runs a query and returns its rows as plain objects keyed by column name. */
  all<Row extends Record<string, SqlValue>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs `fn` in one transaction: all of it or none of it. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** IPAM schema versions this emulator knows, oldest first. The last is current. */
export const IPAM_SCHEMA_VERSIONS = ['1.2', '1.3'] as const;
export type IpamSchemaVersion = (typeof IPAM_SCHEMA_VERSIONS)[number];
export const CURRENT_IPAM_SCHEMA_VERSION: IpamSchemaVersion = '1.3';

export type CapabilityState = 'Enabled' | 'Disabled';

/** What the IPAM database holds about access control, for read-back and tests. */
export interface IpamDatabaseSummary {
  readonly schemaVersion: string;
  readonly roles: readonly string[];
  readonly accessScopes: readonly string[];
  /** Local security group → role, at the Global scope. */
  readonly accessPolicies: ReadonlyArray<{ readonly group: string; readonly role: string; readonly scope: string }>;
  readonly capabilities: Readonly<Record<string, CapabilityState>>;
  readonly configuration: Readonly<Record<string, string>>;
}
