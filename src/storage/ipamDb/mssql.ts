/**
 * An IPAM database on a real SQL Server, through the `mssql` package (tedious
 * driver), plus the T-SQL checks provisioning makes before it touches one:
 * does the database exist, may this login create one, which of the
 * permissions IPAM needs on it are missing.
 *
 * Passwords never reach an Error message or a log line: connection failures
 * are rethrown as MssqlConnectError with every known secret redacted.
 */
import { BigInt as SqlBigInt, ConnectionPool, Request, Transaction, type config as PoolConfig, type IRecordSet } from 'mssql';
import { quoteIdentifier } from './schema';
import type { SqlConnection, SqlValue } from './types';

export interface MssqlConnectionConfig {
  readonly server: string;
  readonly port: number;
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
  readonly connectionString?: string;
  readonly trustServerCertificate?: boolean;
  readonly connectTimeoutMs?: number;
}

export class MssqlConnectError extends Error {
  constructor(
    message: string,
    /** mssql's code: ELOGIN (login refused), ETIMEOUT, ESOCKET, EINSTLOOKUP… */
    readonly code: string | undefined,
    readonly server: string,
    readonly port: number,
  ) {
    super(message);
    this.name = 'MssqlConnectError';
  }
}

// ------------------------------------------------------------- placeholders

/** Index just past a quoted run opened at `start` and closed by `close`, where a doubled `close` is an escaped one. */
function endOfQuoted(sql: string, start: number, close: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] !== close) continue;
    if (sql[i + 1] === close) i++;
    else return i + 1;
  }
  throw new Error(`unterminated ${close === ']' ? 'bracketed identifier' : 'quoted text'} at offset ${start} of a SQL statement`);
}

/** Index just past a /* comment *\/ opened at `start`; T-SQL block comments nest. */
function endOfBlockComment(sql: string, start: number): number {
  let depth = 0;
  for (let i = start; i < sql.length - 1; i++) {
    const pair = sql.slice(i, i + 2);
    if (pair !== '/*' && pair !== '*/') continue;
    depth += pair === '/*' ? 1 : -1;
    i++; // the pair's second character must not start another pair: "/*/" opens, it does not close
    if (depth === 0) return i + 1;
  }
  throw new Error(`unterminated comment at offset ${start} of a SQL statement`);
}

/**
 * Rewrites the `?` placeholders of `sql` into @p0, @p1… for T-SQL, leaving
 * alone any `?` inside 'text' (N'text' too), "quoted" or [bracketed]
 * identifiers, -- line comments and /* block comments *\/.
 */
export function rewritePlaceholders(sql: string): { sql: string; count: number } {
  let out = '';
  let count = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    let end = i + 1;
    if (ch === "'" || ch === '"') end = endOfQuoted(sql, i, ch);
    else if (ch === '[') end = endOfQuoted(sql, i, ']');
    else if (ch === '-' && sql[i + 1] === '-') end = sql.includes('\n', i) ? sql.indexOf('\n', i) + 1 : sql.length;
    else if (ch === '/' && sql[i + 1] === '*') end = endOfBlockComment(sql, i);
    else if (ch === '?') {
      out += `@p${count++}`;
      i++;
      continue;
    }
    out += sql.slice(i, end);
    i = end;
  }
  return { sql: out, count };
}

// ------------------------------------------------------------- connection

/** T-SQL gives BIGINT as a string and DATETIME2 as a Date; the contract wants numbers and ISO strings. */
function normalizeRow(row: Record<string, unknown>, columns: IRecordSet<unknown>['columns']): Record<string, SqlValue> {
  const out: Record<string, SqlValue> = {};
  for (const [key, v] of Object.entries(row)) {
    if (v === undefined || v === null) out[key] = null;
    else if (v instanceof Date) out[key] = v.toISOString();
    else if (typeof v === 'string' && columns[key]?.type === SqlBigInt && Number.isSafeInteger(Number(v))) out[key] = Number(v);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = v;
    else throw new Error(`column ${key} holds a value of a type the IPAM database layer does not handle`);
  }
  return out;
}

class MssqlConnection implements SqlConnection {
  readonly dialect = 'tsql' as const;
  /** While set, every statement runs inside it: mssql binds a transaction to one pooled connection. */
  private tx: Transaction | undefined;
  private inTransaction = false;

  constructor(private readonly pool: ConnectionPool) {}

  private request(sql: string, params: readonly SqlValue[]): { request: Request; text: string } {
    const { sql: text, count } = rewritePlaceholders(sql);
    if (count !== params.length) throw new Error(`a SQL statement has ${count} placeholders but ${params.length} parameters`);
    const request = this.tx ? new Request(this.tx) : this.pool.request();
    params.forEach((p, i) => request.input(`p${i}`, p));
    return { request, text };
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    const { request, text } = this.request(sql, params);
    await request.query(text);
  }

  async all<Row extends Record<string, SqlValue>>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    const { request, text } = this.request(sql, params);
    const result = await request.query<Record<string, unknown>>(text);
    const recordset = result.recordset;
    if (!recordset) return [];
    return recordset.map((row) => normalizeRow(row, recordset.columns) as Row);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTransaction) throw new Error('nested transaction: SqlConnection.transaction() cannot be called inside another');
    this.inTransaction = true;
    try {
      const tx = new Transaction(this.pool);
      await tx.begin();
      this.tx = tx;
      try {
        const result = await fn();
        await tx.commit();
        return result;
      } catch (e) {
        // The server may have aborted the transaction already (XACT_ABORT); the caller needs the first error.
        await tx.rollback().catch(() => undefined);
        throw e;
      }
    } finally {
      this.tx = undefined;
      this.inTransaction = false;
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

function splitDomainUser(user: string): { user: string; domain?: string } {
  const i = user.indexOf('\\');
  return i < 0 ? { user } : { domain: user.slice(0, i), user: user.slice(i + 1) };
}

/**
 * The mssql configuration for `c`. A connection string, when given, is the
 * base and names the server and port if it has a Data Source (the caller's
 * server/port then only label errors); database, user, password,
 * trustServerCertificate and connectTimeoutMs override it when set.
 */
export function mssqlPoolConfig(c: MssqlConnectionConfig): PoolConfig {
  let cfg: PoolConfig = { server: c.server, port: c.port, options: {} };
  if (c.connectionString !== undefined) {
    try {
      const parsed = ConnectionPool.parseConnectionString(c.connectionString);
      cfg = parsed.server ? { ...parsed, options: { ...parsed.options } } : { ...parsed, server: c.server, port: c.port, options: { ...parsed.options } };
    } catch {
      // The parser's message may quote the string, and with it a password.
      throw new Error('invalid SQL Server connection string (not shown: it may hold a password)');
    }
  }
  const options = { ...cfg.options, appName: 'ipam-wsman-emulator' };
  if (c.database !== undefined) cfg = { ...cfg, database: c.database, options: { ...options, database: c.database } };
  else cfg = { ...cfg, options };
  if (c.user !== undefined) {
    const { user, domain } = splitDomainUser(c.user);
    // A DOMAIN\user login means NTLM (tedious' Windows authentication); a bare name is a SQL login.
    cfg = { ...cfg, user, domain, authentication: undefined };
  }
  if (c.password !== undefined) cfg = { ...cfg, password: c.password };
  if (c.trustServerCertificate !== undefined) cfg.options = { ...cfg.options, trustServerCertificate: c.trustServerCertificate };
  if (c.connectTimeoutMs !== undefined) cfg.options = { ...cfg.options, connectTimeout: c.connectTimeoutMs };
  // CREATE DATABASE and a schema install can outlast mssql's 15 s default on a busy server.
  cfg.requestTimeout ??= 120_000;
  return cfg;
}

function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/** Connects to SQL Server; failures become MssqlConnectError, with no password in the message. */
export async function openMssqlConnection(config: MssqlConnectionConfig): Promise<SqlConnection> {
  const cfg = mssqlPoolConfig(config);
  const pool = new ConnectionPool(cfg);
  // An 'error' event without a listener would crash the process; connect() reports failures itself.
  pool.on('error', () => undefined);
  try {
    await pool.connect();
  } catch (e) {
    await pool.close().catch(() => undefined);
    const code = (e as { code?: unknown }).code;
    const who = cfg.domain ? `${cfg.domain}\\${cfg.user ?? ''}` : cfg.user;
    const where = `${cfg.server}:${cfg.port ?? 1433}${cfg.database ? ` (database ${cfg.database})` : ''}${who ? ` as ${who}` : ''}`;
    const reason = redact(e instanceof Error ? e.message : String(e), [config.password, cfg.password]);
    throw new MssqlConnectError(`cannot connect to SQL Server ${where}: ${reason}`, typeof code === 'string' ? code : undefined, config.server, config.port);
  }
  return new MssqlConnection(pool);
}

// ------------------------------------------------------------- provisioning checks

function requireTsql(conn: SqlConnection, what: string): void {
  if (conn.dialect !== 'tsql') throw new Error(`${what} needs a SQL Server connection, not ${conn.dialect}`);
}

export async function databaseExists(conn: SqlConnection, name: string): Promise<boolean> {
  requireTsql(conn, 'databaseExists');
  const rows = await conn.all<{ Found: number }>('SELECT COUNT(*) AS Found FROM sys.databases WHERE name = ?', [name]);
  return (rows[0]?.Found ?? 0) > 0;
}

/**
 * CREATE DATABASE with the collation IPAM requires (Move-IpamDatabase insists
 * on SQL_Latin1_General_CP1_CI_AS), so a later move or compare behaves.
 * The name must be a plain identifier; it is quoted, never concatenated bare.
 */
export async function createDatabase(conn: SqlConnection, name: string): Promise<void> {
  requireTsql(conn, 'createDatabase');
  await conn.run(`CREATE DATABASE ${quoteIdentifier(name, 'tsql')} COLLATE SQL_Latin1_General_CP1_CI_AS`);
}

/** Drops the database if it exists, first ending other sessions in it (they would block DROP). */
export async function dropDatabase(conn: SqlConnection, name: string): Promise<void> {
  requireTsql(conn, 'dropDatabase');
  const db = quoteIdentifier(name, 'tsql');
  if (!(await databaseExists(conn, name))) return;
  await conn.run(`ALTER DATABASE ${db} SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE ${db};`);
}

/** HAS_PERMS_BY_NAME(NULL, NULL, 'CREATE ANY DATABASE'): sysadmin, dbcreator or an explicit grant. */
export async function canCreateDatabase(conn: SqlConnection): Promise<boolean> {
  requireTsql(conn, 'canCreateDatabase');
  const rows = await conn.all<{ Allowed: number | null }>('SELECT HAS_PERMS_BY_NAME(NULL, NULL, ?) AS Allowed', ['CREATE ANY DATABASE']);
  return rows[0]?.Allowed === 1;
}

/**
 * The fixed roles IPAM needs, and the database permissions that stand for
 * each when they are granted directly instead (fn_my_permissions lists them).
 */
const ROLE_EQUIVALENTS: ReadonlyArray<readonly [role: string, permissions: readonly string[]]> = [
  ['db_datareader', ['SELECT']],
  ['db_datawriter', ['INSERT', 'UPDATE', 'DELETE']],
  ['db_ddladmin', ['CREATE TABLE', 'CREATE VIEW', 'CREATE PROCEDURE', 'CREATE FUNCTION', 'ALTER ANY SCHEMA']],
];
const DATABASE_PERMISSIONS = ['VIEW DATABASE STATE', 'ALTER'] as const;

/**
 * What the connecting login lacks of what IPAM needs on the connection's
 * database (Invoke-IpamServerProvisioning, example 4): db_datareader,
 * db_datawriter, db_ddladmin, VIEW DATABASE STATE and ALTER. sysadmin and
 * db_owner imply them all. Returns the missing names, [] when nothing is.
 */
export async function missingDatabasePermissions(conn: SqlConnection): Promise<string[]> {
  requireTsql(conn, 'missingDatabasePermissions');
  const roleColumns = ROLE_EQUIVALENTS.map((_, i) => `IS_ROLEMEMBER(?) AS R${i}`);
  const permColumns = DATABASE_PERMISSIONS.map((_, i) => `HAS_PERMS_BY_NAME(DB_NAME(), ?, ?) AS P${i}`);
  const [flags] = await conn.all<Record<string, number | null>>(
    `SELECT IS_SRVROLEMEMBER(?) AS Sysadmin, IS_ROLEMEMBER(?) AS DbOwner, ${[...roleColumns, ...permColumns].join(', ')}`,
    ['sysadmin', 'db_owner', ...ROLE_EQUIVALENTS.map(([role]) => role), ...DATABASE_PERMISSIONS.flatMap((p) => ['DATABASE', p])],
  );
  if (!flags) throw new Error('the permission query returned no row');
  if (flags.Sysadmin === 1 || flags.DbOwner === 1) return [];
  const effective = new Set(
    (await conn.all<{ PermissionName: string }>('SELECT permission_name AS PermissionName FROM fn_my_permissions(NULL, ?)', ['DATABASE'])).map((r) =>
      r.PermissionName.toUpperCase(),
    ),
  );
  const missing: string[] = [];
  ROLE_EQUIVALENTS.forEach(([role, permissions], i) => {
    if (flags[`R${i}`] !== 1 && !permissions.every((p) => effective.has(p))) missing.push(role);
  });
  DATABASE_PERMISSIONS.forEach((p, i) => {
    if (flags[`P${i}`] !== 1) missing.push(p);
  });
  return missing;
}
