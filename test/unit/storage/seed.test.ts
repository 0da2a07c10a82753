/**
 * seedSimulatedDatabases: the databases a fixture declares on its simulated SQL
 * Servers exist after start (catalog row and SQLite file, with an IPAM schema
 * when declared), once; databases already there are kept as they are.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FixtureSqlServer } from '../../../src/config/fixture';
import { IpamDatabase } from '../../../src/storage/ipamDb/ipamDatabase';
import { openSqliteIpamDatabase } from '../../../src/storage/ipamDb/sqlite';
import { IpamState } from '../../../src/storage/ipamState';
import { seedSimulatedDatabases } from '../../../src/storage/seed';
import { SqlServerDirectory } from '../../../src/storage/sqlServers';
import { StateStore } from '../../../src/storage/stateStore';

const SPECS: FixtureSqlServer[] = [
  {
    name: 'Db1.Contoso.com',
    databases: [{ name: 'Ipamdb', owner: 'sa' }, { name: 'Old', owner: 'IpamSql', ipamSchemaVersion: '1.2' }, { name: 'Current', ipamSchemaVersion: '1.3' }],
  },
  { name: 'db2.contoso.com', port: 1500, databases: [{ name: 'Other' }] },
  { name: 'real.contoso.com', connectionString: 'Server=real;User Id=sa;Password=x', databases: [{ name: 'OnReal' }] },
];

let dataDir: string;
let store: StateStore;
let state: IpamState;
let servers: SqlServerDirectory;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-'));
  store = StateStore.open(dataDir);
  state = new IpamState(store.db);
  servers = new SqlServerDirectory(SPECS, dataDir, state, {});
});
afterEach(() => {
  store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function file(server: string, db: string): string {
  return path.join(dataDir, 'sqlservers', server, `${db}.sqlite`);
}

async function withDb<T>(f: string, fn: (db: IpamDatabase) => Promise<T>): Promise<T> {
  const conn = openSqliteIpamDatabase(f, { create: false });
  try {
    return await fn(new IpamDatabase(conn));
  } finally {
    await conn.close();
  }
}

test('creates every declared database of the simulated servers: a catalog row with its owner (sa by default) and a file', async () => {
  expect(await seedSimulatedDatabases(SPECS, servers, state)).toBe(4);
  expect(state.simulatedDatabases('db1.contoso.com')).toEqual([
    { server: 'db1.contoso.com', name: 'Current', owner: 'sa', file: file('db1.contoso.com', 'current') },
    { server: 'db1.contoso.com', name: 'Ipamdb', owner: 'sa', file: file('db1.contoso.com', 'ipamdb') },
    { server: 'db1.contoso.com', name: 'Old', owner: 'IpamSql', file: file('db1.contoso.com', 'old') },
  ]);
  expect(state.simulatedDatabases('db2.contoso.com')).toEqual([{ server: 'db2.contoso.com', name: 'Other', owner: 'sa', file: file('db2.contoso.com', 'other') }]);
  for (const f of [file('db1.contoso.com', 'ipamdb'), file('db1.contoso.com', 'old'), file('db1.contoso.com', 'current'), file('db2.contoso.com', 'other')]) {
    expect(fs.existsSync(f)).toBe(true);
  }
});

test('a database declared without an IPAM schema version is an empty database', async () => {
  await seedSimulatedDatabases(SPECS, servers, state);
  expect(await withDb(file('db1.contoso.com', 'ipamdb'), (db) => db.schemaVersion())).toBeUndefined();
});

test('a database declared with an IPAM schema version holds that schema', async () => {
  await seedSimulatedDatabases(SPECS, servers, state);
  const old = await withDb(file('db1.contoso.com', 'old'), (db) => db.summary());
  const current = await withDb(file('db1.contoso.com', 'current'), (db) => db.summary());
  expect(old.schemaVersion).toBe('1.2');
  expect(old.roles).not.toContain('IPAM DNS Administrator Role');
  expect(current.schemaVersion).toBe('1.3');
  expect(current.roles).toContain('IPAM DNS Administrator Role');
});

test('real servers get nothing: their databases are their own business', async () => {
  await seedSimulatedDatabases(SPECS, servers, state);
  expect(state.simulatedDatabases('real.contoso.com')).toEqual([]);
  expect(fs.existsSync(path.join(dataDir, 'sqlservers', 'real.contoso.com'))).toBe(false);
});

test('seeding again creates nothing and keeps what the databases hold', async () => {
  await seedSimulatedDatabases(SPECS, servers, state);
  await withDb(file('db1.contoso.com', 'current'), (db) => db.setConfiguration('Marker', 'kept'));
  await withDb(file('db1.contoso.com', 'ipamdb'), (db) => db.conn.run('CREATE TABLE UserData (x INTEGER)'));
  const catalog = state.simulatedDatabases('db1.contoso.com');

  expect(await seedSimulatedDatabases(SPECS, servers, state)).toBe(0);
  expect(state.simulatedDatabases('db1.contoso.com')).toEqual(catalog);
  expect((await withDb(file('db1.contoso.com', 'current'), (db) => db.summary())).configuration.Marker).toBe('kept');
  const tables = await withDb(file('db1.contoso.com', 'ipamdb'), (db) => db.conn.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'"));
  expect(tables.map((t) => t.name)).toEqual(['UserData']);
});

test('a database already in the catalog (e.g. created by a provisioning) is kept, whatever the fixture says of it', async () => {
  const f = file('db1.contoso.com', 'old');
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, 'not touched');
  state.addSimulatedDatabase({ server: 'db1.contoso.com', name: 'OLD', owner: 'CONTOSO\\IPAM1$', file: f });
  expect(await seedSimulatedDatabases(SPECS, servers, state)).toBe(3);
  expect(fs.readFileSync(f, 'utf8')).toBe('not touched');
  expect(state.simulatedDatabase('db1.contoso.com', 'Old')?.owner).toBe('CONTOSO\\IPAM1$');
});

test('a stray file with no catalog row (a seed cut short) is replaced by the declared database', async () => {
  const f = file('db1.contoso.com', 'current');
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, 'half-written');
  await seedSimulatedDatabases(SPECS, servers, state);
  expect(await withDb(f, (db) => db.schemaVersion())).toBe('1.3');
});

test('a fixture without SQL Servers seeds nothing', async () => {
  expect(await seedSimulatedDatabases([], new SqlServerDirectory([], dataDir, state, {}), state)).toBe(0);
  expect(fs.existsSync(path.join(dataDir, 'sqlservers'))).toBe(false);
});
