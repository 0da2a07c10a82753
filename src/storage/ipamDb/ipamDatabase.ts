/**
 * The IPAM database as the provisioning engine sees it, whatever holds it
 * (SQLite file or SQL Server). Every method can be called again after a crash:
 * installs and upgrades run in one transaction each, and the other writes are
 * idempotent on their own.
 */
import {
  loadIpamSchema,
  migrationPlan,
  quoteIdentifier,
  seedStatements,
  tableRef,
  upsert,
  versionsBetween,
  type IpamSchemaDefinition,
  type SqlStatement,
} from './schema';
import {
  CURRENT_IPAM_SCHEMA_VERSION,
  IPAM_SCHEMA_VERSIONS,
  type CapabilityState,
  type IpamDatabaseSummary,
  type IpamSchemaVersion,
  type SqlConnection,
} from './types';

export type IpamDatabaseErrorCode =
  /** The database holds no IPAM schema (no SchemaInfo table). */
  | 'NoSchema'
  /** The database holds a schema version this emulator does not know, or one was asked for. */
  | 'UnknownSchemaVersion'
  /** install: another version is installed. upgrade: the installed version is not older than the target. */
  | 'SchemaVersionMismatch'
  | 'UnknownCapability';

/** A refusal the caller can act on without reading the message (maps onto MS-IPAMM2's IpamApiError…). */
export class IpamDatabaseError extends Error {
  constructor(
    readonly code: IpamDatabaseErrorCode,
    message: string,
    readonly installedVersion?: string,
    readonly requestedVersion?: string,
  ) {
    super(message);
    this.name = 'IpamDatabaseError';
  }
}

function knownVersion(version: string, installed?: string): IpamSchemaVersion {
  if ((IPAM_SCHEMA_VERSIONS as readonly string[]).includes(version)) return version as IpamSchemaVersion;
  const known = IPAM_SCHEMA_VERSIONS.join(', ');
  throw new IpamDatabaseError('UnknownSchemaVersion', `unknown IPAM schema version ${JSON.stringify(version)} (this emulator knows ${known})`, installed, version);
}

/** Tables whose seed rows are the built-in access control: roles, the Global scope, the group policies. */
const ACCESS_CONTROL_TABLES = ['Roles', 'AccessScopes', 'AccessPolicies'] as const;

export class IpamDatabase {
  private readonly dialect: SqlConnection['dialect'];

  constructor(
    readonly conn: SqlConnection,
    private readonly schema: IpamSchemaDefinition = loadIpamSchema(),
  ) {
    this.dialect = conn.dialect;
  }

  private t(table: string): string {
    return tableRef(table, this.dialect);
  }

  private c(column: string): string {
    return quoteIdentifier(column, this.dialect);
  }

  private async runAll(statements: readonly SqlStatement[]): Promise<void> {
    for (const s of statements) await this.conn.run(s.sql, s.params);
  }

  /** Whether `table` exists, from the catalog (querying a missing table would be an error, and abort a T-SQL transaction). */
  private async tableExists(table: string): Promise<boolean> {
    const rows =
      this.dialect === 'sqlite'
        ? await this.conn.all<{ Found: number }>('SELECT COUNT(*) AS Found FROM sqlite_master WHERE type = ? AND name = ?', ['table', table])
        : await this.conn.all<{ Found: number }>(
            'SELECT COUNT(*) AS Found FROM sys.tables t JOIN sys.schemas s ON s.schema_id = t.schema_id WHERE s.name = ? AND t.name = ?',
            ['dbo', table],
          );
    return (rows[0]?.Found ?? 0) > 0;
  }

  /** The installed IPAM schema version, or undefined when the database holds no IPAM schema. */
  async schemaVersion(): Promise<string | undefined> {
    if (!(await this.tableExists('SchemaInfo'))) return undefined;
    const rows = await this.conn.all<{ Value: string | null }>(`SELECT ${this.c('Value')} AS ${this.c('Value')} FROM ${this.t('SchemaInfo')} WHERE ${this.c('Name')} = ?`, [
      'SchemaVersion',
    ]);
    const value = rows[0]?.Value;
    // A SchemaInfo table without the row is not something this code ever leaves behind: refuse rather than guess.
    if (value == null) throw new IpamDatabaseError('UnknownSchemaVersion', 'the IPAM SchemaInfo table holds no SchemaVersion');
    return value;
  }

  private async requireVersion(): Promise<IpamSchemaVersion> {
    const installed = await this.schemaVersion();
    if (installed === undefined) throw new IpamDatabaseError('NoSchema', 'the database holds no IPAM schema');
    return knownVersion(installed, installed);
  }

  /**
   * Creates the schema of `version` (every version's tables and seed rows up to
   * it) in one transaction. A no-op when that version is already installed;
   * refused when another one is (upgradeSchema moves between versions).
   * Do not call it inside conn.transaction(): it opens its own.
   */
  /** `midway` runs halfway through the statements, inside the transaction (a crash-test hook). */
  async installSchema(version: string = CURRENT_IPAM_SCHEMA_VERSION, opts: { midway?: () => Promise<void> } = {}): Promise<void> {
    const target = knownVersion(version);
    await this.conn.transaction(async () => {
      // Read inside the transaction: under SQLite's BEGIN IMMEDIATE no other installer slips in between; on SQL Server a racing one fails on CREATE TABLE and rolls back.
      const installed = await this.schemaVersion();
      if (installed === target) return;
      if (installed !== undefined) {
        const hint = versionsBetween(undefined, target).includes(installed as IpamSchemaVersion) ? '; upgrade it instead' : '';
        throw new IpamDatabaseError('SchemaVersionMismatch', `IPAM schema version ${installed} is already installed, not ${target}${hint}`, installed, target);
      }
      const plan = migrationPlan(this.schema, undefined, target, this.dialect);
      const half = Math.floor(plan.length / 2);
      await this.runAll(plan.slice(0, half));
      await opts.midway?.();
      await this.runAll(plan.slice(half));
    });
  }

  /**
   * Upgrades the installed schema to `to`, one version at a time, in one
   * transaction, keeping the data. Refuses a database already at (or past)
   * `to`, one with no schema and one whose version is unknown.
   * Do not call it inside conn.transaction(): it opens its own.
   */
  async upgradeSchema(to: string = CURRENT_IPAM_SCHEMA_VERSION): Promise<void> {
    const target = knownVersion(to);
    await this.conn.transaction(async () => {
      const installed = await this.requireVersion();
      if (IPAM_SCHEMA_VERSIONS.indexOf(installed) >= IPAM_SCHEMA_VERSIONS.indexOf(target)) {
        const why = installed === target ? (target === CURRENT_IPAM_SCHEMA_VERSION ? 'already current' : 'already at that version') : 'newer';
        throw new IpamDatabaseError('SchemaVersionMismatch', `no upgrade to IPAM schema version ${target}: the installed version ${installed} is ${why}`, installed, target);
      }
      await this.runAll(migrationPlan(this.schema, installed, target, this.dialect));
    });
  }

  /** Sets the state of a known capability (IpAddressTracking); an unknown name is refused. */
  async setCapabilityState(name: string, state: CapabilityState): Promise<void> {
    await this.requireVersion();
    const [table, nameCol, stateCol] = [this.t('Capabilities'), this.c('Name'), this.c('State')];
    const rows = await this.conn.all<{ Name: string }>(`SELECT ${nameCol} AS ${nameCol} FROM ${table} WHERE ${nameCol} = ?`, [name]);
    if (rows.length === 0) throw new IpamDatabaseError('UnknownCapability', `unknown IPAM capability ${JSON.stringify(name)}`);
    await this.conn.run(`UPDATE ${table} SET ${stateCol} = ? WHERE ${nameCol} = ?`, [state, name]);
  }

  enableCapability(name: string): Promise<void> {
    return this.setCapabilityState(name, 'Enabled');
  }

  disableCapability(name: string): Promise<void> {
    return this.setCapabilityState(name, 'Disabled');
  }

  /** Sets one Configuration value, adding the row when missing. */
  async setConfiguration(name: string, value: string): Promise<void> {
    await this.requireVersion();
    await this.runAll(upsert('Configuration', 'Name', name, 'Value', value, this.dialect));
  }

  /**
   * Makes sure the built-in roles, the Global access scope and the policies of
   * the local IPAM groups exist (of every version up to the installed one).
   * Rows already there, under the same key, are left as they are.
   */
  async ensureAccessPolicies(): Promise<void> {
    const installed = await this.requireVersion();
    for (const v of versionsBetween(undefined, installed)) {
      await this.runAll(seedStatements(this.schema, v, this.dialect, ACCESS_CONTROL_TABLES));
    }
  }

  async summary(): Promise<IpamDatabaseSummary> {
    const schemaVersion = await this.requireVersion();
    const c = (n: string): string => this.c(n);
    // Case-insensitive order, as SQL Server's IPAM collation sorts; the same on both dialects.
    const byText = new Intl.Collator('en', { sensitivity: 'base' }).compare;
    const roles = await this.conn.all<{ Name: string }>(`SELECT ${c('Name')} AS ${c('Name')} FROM ${this.t('Roles')}`);
    const scopes = await this.conn.all<{ Path: string }>(`SELECT ${c('Path')} AS ${c('Path')} FROM ${this.t('AccessScopes')}`);
    const policies = await this.conn.all<{ GroupName: string; RoleName: string; ScopePath: string }>(
      `SELECT p.${c('UserOrGroup')} AS ${c('GroupName')}, r.${c('Name')} AS ${c('RoleName')}, s.${c('Path')} AS ${c('ScopePath')} ` +
        `FROM ${this.t('AccessPolicies')} p ` +
        `JOIN ${this.t('Roles')} r ON r.${c('RoleId')} = p.${c('RoleId')} ` +
        `JOIN ${this.t('AccessScopes')} s ON s.${c('ScopeId')} = p.${c('ScopeId')}`,
    );
    const capabilities = await this.conn.all<{ Name: string; State: string }>(`SELECT ${c('Name')} AS ${c('Name')}, ${c('State')} AS ${c('State')} FROM ${this.t('Capabilities')}`);
    const configuration = await this.conn.all<{ Name: string; Value: string | null }>(
      `SELECT ${c('Name')} AS ${c('Name')}, ${c('Value')} AS ${c('Value')} FROM ${this.t('Configuration')}`,
    );
    return {
      schemaVersion,
      roles: roles.map((r) => r.Name).sort(byText),
      accessScopes: scopes.map((s) => s.Path).sort(byText),
      accessPolicies: policies
        .map((p) => ({ group: p.GroupName, role: p.RoleName, scope: p.ScopePath }))
        .sort((a, b) => byText(a.group, b.group) || byText(a.role, b.role) || byText(a.scope, b.scope)),
      capabilities: Object.fromEntries(capabilities.map((x) => [x.Name, x.State as CapabilityState])),
      configuration: Object.fromEntries(configuration.map((x) => [x.Name, x.Value ?? ''])),
    };
  }
}
