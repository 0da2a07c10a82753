/**
 * The IPAM database layer on real SQLite files: schema install per version,
 * idempotency, upgrade 1.2 → 1.3, refusals, transactions; and, without a
 * server, the SQL it would send to SQL Server (identifiers, placeholders).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { IpamDatabase, IpamDatabaseError } from '../../../src/storage/ipamDb/ipamDatabase';
import { createDatabase, MssqlConnectError, mssqlPoolConfig, openMssqlConnection, rewritePlaceholders } from '../../../src/storage/ipamDb/mssql';
import { allTables, IpamSchemaError, loadIpamSchema, migrationPlan, quoteIdentifier, tableRef, validateIpamSchema } from '../../../src/storage/ipamDb/schema';
import { openSqliteIpamDatabase } from '../../../src/storage/ipamDb/sqlite';
import type { SqlConnection, SqlValue } from '../../../src/storage/ipamDb/types';

const ROLES_1_2 = [
  'DNS Record Administrator Role',
  'IP Address Record Administrator Role',
  'IPAM Administrator Role',
  'IPAM ASM Administrator Role',
  'IPAM DHCP Administrator Role',
  'IPAM DHCP Reservations Administrator Role',
  'IPAM DHCP Scope Administrator Role',
  'IPAM MSM Administrator Role',
];
const DEFAULT_POLICIES = [
  { group: 'IPAM Administrators', role: 'IPAM Administrator Role', scope: '\\Global' },
  { group: 'IPAM ASM Administrators', role: 'IPAM ASM Administrator Role', scope: '\\Global' },
  { group: 'IPAM MSM Administrators', role: 'IPAM MSM Administrator Role', scope: '\\Global' },
];
const HOSTILE = 'x]; DROP TABLE y--';

let dir: string;
const open: SqlConnection[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipamdb-'));
});
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function connect(name = 'ipam.sqlite'): SqlConnection {
  const conn = openSqliteIpamDatabase(path.join(dir, name), { create: true });
  open.push(conn);
  return conn;
}

async function tableNames(conn: SqlConnection): Promise<string[]> {
  const rows = await conn.all<{ name: string }>('SELECT name FROM sqlite_master WHERE type = ? ORDER BY name', ['table']);
  return rows.map((r) => r.name);
}

async function rejection(p: Promise<unknown>): Promise<IpamDatabaseError> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof IpamDatabaseError)) throw new Error(`expected an IpamDatabaseError, got ${String(e)}`);
  return e;
}

describe('schemas/ipam-db/schema.json', () => {
  test('defines the access-control tables in 1.2 and DnsZones in 1.3', () => {
    const schema = loadIpamSchema();
    expect(schema.versions.map((v) => v.version)).toEqual(['1.2', '1.3']);
    expect(schema.versions[0]?.createTables.map((t) => t.name)).toEqual(['SchemaInfo', 'Roles', 'AccessScopes', 'AccessPolicies', 'Capabilities', 'Configuration']);
    expect(schema.versions[1]?.createTables.map((t) => t.name)).toEqual(['DnsZones']);
    for (const t of allTables(schema)) expect(t.description.length).toBeGreaterThan(20);
  });

  test('a broken schema is refused with every problem and its path', () => {
    const file = path.join(__dirname, '../../../schemas/ipam-db/schema.json');
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { versions: Array<{ createTables: Array<Record<string, unknown>>; seed: Array<{ rows: Array<Record<string, unknown>> }> }> };
    const v12 = data.versions[0];
    if (!v12) throw new Error('no version 1.2');
    (v12.createTables[1] as { name: string }).name = HOSTILE;
    (v12.createTables[3] as { foreignKeys: unknown }).foreignKeys = [{ column: 'RoleId', references: 'Nowhere' }];
    (v12.seed[3]?.rows[0] as Record<string, unknown>).State = 'Maybe';
    (v12.seed[1]?.rows[0] as Record<string, unknown>).Colour = 'red';
    v12.seed[3]?.rows.push({ Name: 'ipaddresstracking', State: 'Enabled' });
    let problems: readonly string[] = [];
    try {
      validateIpamSchema(data, 'test');
    } catch (e) {
      if (!(e instanceof IpamSchemaError)) throw e;
      problems = e.problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        `versions[0].createTables[1].name: ${JSON.stringify(HOSTILE)} is not a valid identifier`,
        'versions[0]: AccessPolicies.RoleId references Nowhere, which is not defined by this or an earlier version',
        'versions[0].seed[3].rows[0].State: must be one of Enabled, Disabled',
        'versions[0].seed[0].table: "Roles" is not defined by this or an earlier version',
        'versions[0].seed[1].rows[0]: AccessScopes has no column "Colour"',
        'versions[0].seed[3].rows[1]: another seed row has the same Name',
        'versions[0]: table Roles must have columns RoleId, Name',
      ]),
    );
  });
});

describe('identifiers', () => {
  test.each(['sqlite', 'tsql'] as const)('%s refuses an identifier that could end its quoting', (dialect) => {
    expect(() => quoteIdentifier(HOSTILE, dialect)).toThrow('invalid SQL identifier "x]; DROP TABLE y--"');
    expect(() => quoteIdentifier('a"b', dialect)).toThrow('invalid SQL identifier');
    expect(() => quoteIdentifier('1abc', dialect)).toThrow('invalid SQL identifier');
    expect(() => quoteIdentifier('', dialect)).toThrow('invalid SQL identifier');
    expect(() => quoteIdentifier(`a${'b'.repeat(128)}`, dialect)).toThrow('invalid SQL identifier');
    expect(quoteIdentifier(`a${'b'.repeat(127)}`, dialect)).toContain('a');
  });

  test('quotes "x" for SQLite and [x] in [dbo] for T-SQL', () => {
    expect(quoteIdentifier('Roles', 'sqlite')).toBe('"Roles"');
    expect(quoteIdentifier('Roles', 'tsql')).toBe('[Roles]');
    expect(tableRef('Roles', 'sqlite')).toBe('"Roles"');
    expect(tableRef('Roles', 'tsql')).toBe('[dbo].[Roles]');
  });

  test('createDatabase refuses a hostile name before sending anything', async () => {
    const sent: string[] = [];
    const fake: SqlConnection = {
      dialect: 'tsql',
      run: async (sql) => void sent.push(sql),
      all: async () => [],
      transaction: (fn) => fn(),
      close: async () => undefined,
    };
    await expect(createDatabase(fake, HOSTILE)).rejects.toThrow('invalid SQL identifier');
    expect(sent).toEqual([]);
    await createDatabase(fake, 'IPAM_Test');
    expect(sent).toEqual(['CREATE DATABASE [IPAM_Test] COLLATE SQL_Latin1_General_CP1_CI_AS']);
  });
});

describe('generated SQL', () => {
  const schema = loadIpamSchema();

  test('SQLite tables are STRICT; T-SQL tables are in [dbo] with NVARCHAR text', () => {
    const sqlite = migrationPlan(schema, undefined, '1.3', 'sqlite').filter((s) => s.sql.startsWith('CREATE TABLE'));
    const tsql = migrationPlan(schema, undefined, '1.3', 'tsql').filter((s) => s.sql.startsWith('CREATE TABLE'));
    expect(sqlite).toHaveLength(7);
    for (const s of sqlite) expect(s.sql).toMatch(/\) STRICT$/);
    for (const s of tsql) expect(s.sql).toMatch(/^CREATE TABLE \[dbo\]\.\[[A-Za-z]+\] \(/);
    expect(tsql.find((s) => s.sql.includes('[dbo].[Roles]'))?.sql).toContain('[Name] NVARCHAR(256) NOT NULL');
  });

  test.each(['sqlite', 'tsql'] as const)('%s: no value is inlined, every one is a bound parameter', (dialect) => {
    for (const s of migrationPlan(schema, undefined, '1.3', dialect)) {
      if (s.sql.startsWith('CREATE TABLE')) continue; // DDL has no parameters; its CHECK words are checked in schema.ts
      expect(s.sql).not.toContain("'");
      expect(rewritePlaceholders(s.sql).count).toBe(s.params.length);
    }
  });
});

describe('rewritePlaceholders (T-SQL)', () => {
  test('numbers the placeholders @p0, @p1…', () => {
    expect(rewritePlaceholders('SELECT ? AS a, ? AS b WHERE c = ?')).toEqual({ sql: 'SELECT @p0 AS a, @p1 AS b WHERE c = @p2', count: 3 });
  });

  test('leaves ? alone inside text, identifiers and comments', () => {
    const sql = [
      "SELECT 'a?''?' AS [q?]]?], N'?' AS \"w?\"\"?\", ? AS x -- why?",
      '/* outer ? /* inner ? */ still ? */ FROM t WHERE y = ?',
    ].join('\n');
    expect(rewritePlaceholders(sql)).toEqual({
      sql: [
        "SELECT 'a?''?' AS [q?]]?], N'?' AS \"w?\"\"?\", @p0 AS x -- why?",
        '/* outer ? /* inner ? */ still ? */ FROM t WHERE y = @p1',
      ].join('\n'),
      count: 2,
    });
  });

  test('refuses an unterminated string or comment rather than guess', () => {
    expect(() => rewritePlaceholders("SELECT 'open ?")).toThrow('unterminated quoted text at offset 7');
    expect(() => rewritePlaceholders('SELECT [open ?')).toThrow('unterminated bracketed identifier');
    expect(() => rewritePlaceholders('SELECT 1 /* /* ? */')).toThrow('unterminated comment');
  });
});

describe('IpamDatabase on SQLite', () => {
  test('an empty database has no schema version', async () => {
    expect(await new IpamDatabase(connect()).schemaVersion()).toBeUndefined();
  });

  test('installs 1.2: 8 roles, \\Global, the group policies, IpAddressTracking Disabled', async () => {
    const db = new IpamDatabase(connect());
    await db.installSchema('1.2');
    expect(await db.summary()).toEqual({
      schemaVersion: '1.2',
      roles: ROLES_1_2,
      accessScopes: ['\\Global'],
      accessPolicies: DEFAULT_POLICIES,
      capabilities: { IpAddressTracking: 'Disabled' },
      configuration: {},
    });
    expect(await tableNames(db.conn)).not.toContain('DnsZones');
  });

  test('installs 1.3 (the default): 9 roles with the DNS administrator and the DnsZones table', async () => {
    const db = new IpamDatabase(connect());
    await db.installSchema();
    const summary = await db.summary();
    expect(summary.schemaVersion).toBe('1.3');
    expect(summary.roles).toHaveLength(9);
    expect(summary.roles).toContain('IPAM DNS Administrator Role');
    expect(summary.accessPolicies).toEqual(DEFAULT_POLICIES);
    expect(await tableNames(db.conn)).toContain('DnsZones');
  });

  test('installing the installed version again changes nothing', async () => {
    const db = new IpamDatabase(connect());
    await db.installSchema('1.3');
    await db.setConfiguration('GpoPrefix', 'IPAM');
    const before = await db.summary();
    await db.installSchema('1.3');
    expect(await db.summary()).toEqual(before);
  });

  test('installing over another version is refused and points to the upgrade', async () => {
    const db = new IpamDatabase(connect());
    await db.installSchema('1.2');
    const e = await rejection(db.installSchema('1.3'));
    expect(e).toMatchObject({ code: 'SchemaVersionMismatch', installedVersion: '1.2', requestedVersion: '1.3' });
    expect(e.message).toBe('IPAM schema version 1.2 is already installed, not 1.3; upgrade it instead');
    expect(await rejection(db.installSchema('2.0'))).toMatchObject({ code: 'UnknownSchemaVersion', requestedVersion: '2.0' });
  });

  test('a failed install leaves no schema behind', async () => {
    const conn = connect();
    await conn.run('CREATE TABLE DnsZones (x INTEGER)'); // 1.3 cannot create its table
    // toMatchObject, not toThrow: better-sqlite3's native addon keeps the SqliteError class of the first jest
    // realm that loaded it, so in a shared worker the error may not be an instance of this file's Error.
    await expect(new IpamDatabase(conn).installSchema('1.3')).rejects.toMatchObject({ message: 'table "DnsZones" already exists' });
    expect(await tableNames(conn)).toEqual(['DnsZones']);
    expect(await new IpamDatabase(conn).schemaVersion()).toBeUndefined();
  });

  test('upgrades 1.2 to 1.3, adding the DNS role and DnsZones and keeping the data', async () => {
    const db = new IpamDatabase(connect());
    await db.installSchema('1.2');
    await db.setConfiguration('ProvisioningMethod', 'Automatic');
    await db.enableCapability('IpAddressTracking');
    await db.conn.run('INSERT INTO AccessScopes (ScopeId, Path, ParentId) VALUES (?, ?, ?)', [2, '\\Global\\Europe', 1]);
    await db.upgradeSchema();
    const summary = await db.summary();
    expect(summary).toMatchObject({
      schemaVersion: '1.3',
      roles: [...ROLES_1_2.slice(0, 7), 'IPAM DNS Administrator Role', 'IPAM MSM Administrator Role'],
      accessScopes: ['\\Global', '\\Global\\Europe'],
      accessPolicies: DEFAULT_POLICIES,
      capabilities: { IpAddressTracking: 'Enabled' },
      configuration: { ProvisioningMethod: 'Automatic' },
    });
    await db.conn.run('INSERT INTO DnsZones (ZoneId, ServerFqdn, ZoneName, ZoneType, IsReverseLookupZone, SerialNumber, ScopeId, LastRefreshed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      1, 'dc1.contoso.com', 'contoso.com', 'Primary', false, 4294967295, 2, '2024-05-01T12:00:00.000Z',
    ]);
    expect(await db.conn.all('SELECT SerialNumber, IsReverseLookupZone FROM DnsZones')).toEqual([{ SerialNumber: 4294967295, IsReverseLookupZone: 0 }]);
  });

  test('upgrading a current schema fails clearly', async () => {
    const db = new IpamDatabase(connect());
    await db.installSchema('1.3');
    const e = await rejection(db.upgradeSchema());
    expect(e).toMatchObject({ code: 'SchemaVersionMismatch', installedVersion: '1.3', requestedVersion: '1.3' });
    expect(e.message).toBe('no upgrade to IPAM schema version 1.3: the installed version 1.3 is already current');
    expect((await rejection(db.upgradeSchema('1.2'))).message).toBe('no upgrade to IPAM schema version 1.2: the installed version 1.3 is newer');
  });

  test('upgrading needs a schema, of a known version', async () => {
    const db = new IpamDatabase(connect());
    expect(await rejection(db.upgradeSchema())).toMatchObject({ code: 'NoSchema', message: 'the database holds no IPAM schema' });
    await db.installSchema('1.2');
    await db.conn.run('UPDATE SchemaInfo SET Value = ? WHERE Name = ?', ['1.1', 'SchemaVersion']);
    const e = await rejection(db.upgradeSchema());
    expect(e).toMatchObject({ code: 'UnknownSchemaVersion', installedVersion: '1.1' });
    expect(e.message).toBe('unknown IPAM schema version "1.1" (this emulator knows 1.2, 1.3)');
  });

  test('capabilities: enabling twice is harmless, an unknown one is refused', async () => {
    const db = new IpamDatabase(connect());
    await db.installSchema();
    await db.enableCapability('IpAddressTracking');
    await db.enableCapability('IpAddressTracking');
    expect((await db.summary()).capabilities).toEqual({ IpAddressTracking: 'Enabled' });
    expect(await rejection(db.enableCapability('Teleportation'))).toMatchObject({ code: 'UnknownCapability' });
    await db.disableCapability('IpAddressTracking');
    expect((await db.summary()).capabilities).toEqual({ IpAddressTracking: 'Disabled' });
  });

  test('setConfiguration adds a value, then replaces it', async () => {
    const db = new IpamDatabase(connect());
    await db.installSchema();
    await db.setConfiguration('Port', '48885');
    await db.setConfiguration('Port', '48886');
    await db.setConfiguration('GpoPrefix', '');
    expect((await db.summary()).configuration).toEqual({ Port: '48886', GpoPrefix: '' });
  });

  test('ensureAccessPolicies is idempotent and restores a deleted default policy', async () => {
    const db = new IpamDatabase(connect());
    await db.installSchema();
    await db.ensureAccessPolicies();
    await db.conn.run('DELETE FROM AccessPolicies WHERE UserOrGroup = ?', ['IPAM MSM Administrators']);
    await db.ensureAccessPolicies();
    await db.ensureAccessPolicies();
    const summary = await db.summary();
    expect(summary.accessPolicies).toEqual(DEFAULT_POLICIES);
    expect(summary.roles).toHaveLength(9);
  });

  test('the database is one file (journal_mode=DELETE) that reopens with its data', async () => {
    const file = path.join(dir, 'wid', 'ipam.sqlite');
    const conn = openSqliteIpamDatabase(file, { create: true });
    await new IpamDatabase(conn).installSchema('1.2');
    expect(await conn.all('PRAGMA journal_mode')).toEqual([{ journal_mode: 'delete' }]);
    expect(await conn.all('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    await conn.close();
    expect(fs.readdirSync(path.dirname(file))).toEqual(['ipam.sqlite']);
    const reopened = openSqliteIpamDatabase(file, { create: false });
    open.push(reopened);
    expect(await new IpamDatabase(reopened).schemaVersion()).toBe('1.2');
  });

  test('without create, a missing file is an error and stays missing', () => {
    const file = path.join(dir, 'missing.sqlite');
    expect(() => openSqliteIpamDatabase(file)).toThrow();
    expect(fs.existsSync(file)).toBe(false);
  });

  test('a transaction that throws leaves nothing behind', async () => {
    const conn = connect();
    const boom = new Error('boom');
    await expect(
      conn.transaction(async () => {
        await conn.run('CREATE TABLE Scratch (Id INTEGER PRIMARY KEY) STRICT');
        await conn.run('INSERT INTO Scratch (Id) VALUES (?)', [1]);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await tableNames(conn)).toEqual([]);
    await expect(conn.transaction(async () => 'ok')).resolves.toBe('ok');
  });

  test('a nested transaction is refused and the outer one still rolls back', async () => {
    const conn = connect();
    await conn.run('CREATE TABLE Scratch (Id INTEGER PRIMARY KEY) STRICT');
    await expect(
      conn.transaction(async () => {
        await conn.run('INSERT INTO Scratch (Id) VALUES (?)', [1]);
        await conn.transaction(async () => undefined);
      }),
    ).rejects.toThrow('nested transaction');
    expect(await conn.all<{ n: SqlValue }>('SELECT COUNT(*) AS n FROM Scratch')).toEqual([{ n: 0 }]);
  });
});

describe('openMssqlConnection without a server', () => {
  /** A local port with nothing listening on it. */
  async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  test('a refused connection names the server but never the password', async () => {
    const port = await closedPort();
    const password = 'Tr0ub4dor&3-secret';
    const e: unknown = await openMssqlConnection({ server: '127.0.0.1', port, user: 'sa', password, connectTimeoutMs: 3000 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(MssqlConnectError);
    expect((e as MssqlConnectError).message).toContain(`cannot connect to SQL Server 127.0.0.1:${port} as sa`);
    expect((e as MssqlConnectError).message).not.toContain(password);
    expect((e as MssqlConnectError).code).toBe('ESOCKET');
    expect(JSON.stringify(e)).not.toContain(password);
  });

  test('a password inside a connection string stays out of errors too', async () => {
    const port = await closedPort();
    const cs = `Server=127.0.0.1,${port};User Id=sa;Password=Sup3r$ecret;Connection Timeout=3`;
    const e: unknown = await openMssqlConnection({ server: 'sql1.contoso.com', port: 1433, connectionString: cs }).catch((err: unknown) => err);
    expect((e as Error).message).toContain(`127.0.0.1:${port}`);
    expect((e as Error).message).not.toContain('Sup3r$ecret');
    await expect(openMssqlConnection({ server: 'x', port: 1, connectionString: "Server=a;Password='Sup3r$ecret" })).rejects.toThrow(
      'invalid SQL Server connection string (not shown: it may hold a password)',
    );
  });

  test("a connection string's server wins; database, user and password given explicitly override it", () => {
    const cfg = mssqlPoolConfig({
      server: 'sql1.contoso.com',
      port: 1433,
      connectionString: 'Server=tcp:db.lab,1444;Database=master;User Id=sa;Password=a;TrustServerCertificate=true',
      database: 'IPAM',
      user: 'CONTOSO\\ipamsvc',
      password: 'b',
    });
    expect(cfg).toMatchObject({ server: 'db.lab', port: 1444, database: 'IPAM', user: 'ipamsvc', domain: 'CONTOSO', password: 'b' });
    expect(cfg.options).toMatchObject({ trustServerCertificate: true, database: 'IPAM' });
    expect(mssqlPoolConfig({ server: 'h', port: 1500 })).toMatchObject({ server: 'h', port: 1500 });
  });
});
