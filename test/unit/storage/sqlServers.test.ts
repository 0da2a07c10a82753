/**
 * The fixture's SQL Servers: logins, server roles and permissions of a
 * simulated server as SQL Server would check them, name resolution from a
 * host, real servers by connection string, and where database files go.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FixtureSqlServer } from '../../../src/config/fixture';
import { IpamState } from '../../../src/storage/ipamState';
import { IPAM_DATABASE_PERMISSIONS, SimulatedSqlServer, SqlServerDirectory, type SqlLogin } from '../../../src/storage/sqlServers';
import { StateStore } from '../../../src/storage/stateStore';

const ALL = [...IPAM_DATABASE_PERMISSIONS];

const DB1: FixtureSqlServer = {
  name: 'Db1.Contoso.com',
  port: 1433,
  logins: [
    { name: 'sa', type: 'sql', password: 'Sa-Passw0rd!', serverRoles: ['sysadmin'] },
    { name: 'CONTOSO\\IPAM1$', type: 'windows', databases: { Ipamdb: ALL } },
    { name: 'Creator', type: 'sql', password: 'Creator-Pw1', serverRoles: ['dbcreator'] },
    { name: 'Granted', type: 'sql', password: 'Granted-Pw1', serverPermissions: ['CREATE DATABASE'] },
    { name: 'GrantedAny', type: 'sql', password: 'GrantedAny-Pw1', serverPermissions: ['CREATE ANY DATABASE'] },
    { name: 'Controller', type: 'sql', password: 'Controller-Pw1', serverPermissions: ['CONTROL SERVER'] },
    { name: 'Nobody', type: 'sql', password: 'Nobody-Pw1', serverRoles: ['public'], serverPermissions: ['VIEW SERVER STATE'] },
    { name: 'Owner', type: 'sql', password: 'Owner-Pw1', databases: { IPAMDB: ['db_owner'] } },
    { name: 'Control', type: 'sql', password: 'Control-Pw1', databases: { ipamdb: ['CONTROL'] } },
    { name: 'Disabled', type: 'sql', password: 'Disabled-Pw1', disabled: true, serverRoles: ['sysadmin'] },
    { name: 'CONTOSO\\OldServer$', type: 'windows', disabled: true },
    { name: 'NoPassword', type: 'sql' },
  ],
};
const DB2: FixtureSqlServer = { name: 'sql2.fabrikam.com', port: 14330 };
const REAL_INLINE: FixtureSqlServer = { name: 'Real1.Contoso.com', connectionString: 'Server=real1;Database=master;User Id=sa;Password=x' };
const REAL_ENV: FixtureSqlServer = { name: 'real2.contoso.com', port: 1444, connectionStringEnv: 'IPAM_TEST_REAL2' };

let dataDir: string;
let store: StateStore;
let state: IpamState;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlservers-'));
  store = StateStore.open(dataDir);
  state = new IpamState(store.db);
});
afterEach(() => {
  store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function db1(): SimulatedSqlServer {
  return new SimulatedSqlServer(DB1, dataDir, state);
}

function login(name: string, password?: string): SqlLogin {
  const l = db1().authenticate(name, password);
  if (!l) throw new Error(`${name} did not authenticate`);
  return l;
}

describe('a simulated server', () => {
  test('takes its name lower-cased, its port (1433 by default), version and edition', () => {
    const s = db1();
    expect({ kind: s.kind, name: s.name, port: s.port, version: s.version, edition: s.edition }).toEqual({
      kind: 'simulated',
      name: 'db1.contoso.com',
      port: 1433,
      version: '15.0.2000.5',
      edition: 'Standard Edition (64-bit)',
    });
    expect(new SimulatedSqlServer({ name: 'x', version: '16.0.1000.6', edition: 'Developer Edition (64-bit)' }, dataDir, state)).toMatchObject({
      port: 1433,
      version: '16.0.1000.6',
      edition: 'Developer Edition (64-bit)',
    });
  });
});

describe('authenticate', () => {
  test('a SQL login with its password', () => {
    expect(db1().authenticate('sa', 'Sa-Passw0rd!')).toMatchObject({ name: 'sa', type: 'sql' });
  });

  test('a SQL login with a wrong, empty, differently cased or missing password fails', () => {
    const s = db1();
    expect(s.authenticate('sa', 'wrong')).toBeUndefined();
    expect(s.authenticate('sa', '')).toBeUndefined();
    expect(s.authenticate('sa', 'sa-passw0rd!')).toBeUndefined();
    expect(s.authenticate('sa', undefined)).toBeUndefined();
  });

  test('a SQL login that has no password in the fixture cannot log in', () => {
    expect(db1().authenticate('NoPassword', '')).toBeUndefined();
    expect(db1().authenticate('NoPassword', undefined)).toBeUndefined();
  });

  test('a Windows login connects without a password, and not with one', () => {
    expect(db1().authenticate('CONTOSO\\IPAM1$', undefined)).toMatchObject({ name: 'CONTOSO\\IPAM1$', type: 'windows' });
    expect(db1().authenticate('CONTOSO\\IPAM1$', 'anything')).toBeUndefined();
  });

  test('disabled logins fail, SQL or Windows, even with the right password', () => {
    expect(db1().authenticate('Disabled', 'Disabled-Pw1')).toBeUndefined();
    expect(db1().authenticate('CONTOSO\\OldServer$', undefined)).toBeUndefined();
  });

  test('an unknown login fails', () => {
    expect(db1().authenticate('CONTOSO\\IPAM2$', undefined)).toBeUndefined();
    expect(db1().authenticate('root', 'Sa-Passw0rd!')).toBeUndefined();
  });

  test('login names are case-insensitive; passwords are not', () => {
    expect(db1().authenticate('SA', 'Sa-Passw0rd!')?.name).toBe('sa');
    expect(db1().authenticate('contoso\\ipam1$', undefined)?.name).toBe('CONTOSO\\IPAM1$');
  });

  test('the password is kept as a digest, not as text', () => {
    const l = login('sa', 'Sa-Passw0rd!');
    expect(l.passwordDigest?.length).toBe(32);
    expect(JSON.stringify(l)).not.toContain('Sa-Passw0rd!');
  });
});

describe('canCreateDatabase', () => {
  test.each([
    ['sysadmin', 'sa', 'Sa-Passw0rd!', true],
    ['dbcreator', 'Creator', 'Creator-Pw1', true],
    ['CREATE DATABASE', 'Granted', 'Granted-Pw1', true],
    ['CREATE ANY DATABASE', 'GrantedAny', 'GrantedAny-Pw1', true],
    ['CONTROL SERVER', 'Controller', 'Controller-Pw1', true],
    ['public and VIEW SERVER STATE only', 'Nobody', 'Nobody-Pw1', false],
    ['database permissions only', 'Owner', 'Owner-Pw1', false],
  ])('%s → %s', (_why, name, password, can) => {
    expect(db1().canCreateDatabase(login(name, password))).toBe(can);
  });

  test('a Windows login with database permissions only may not create a database', () => {
    expect(db1().canCreateDatabase(login('CONTOSO\\IPAM1$'))).toBe(false);
  });
});

describe('missingPermissions', () => {
  test.each(ALL.map((p) => [p]))('names %s when only it is missing', (missing) => {
    const spec: FixtureSqlServer = { name: 'db1.contoso.com', logins: [{ name: 'Partial', type: 'windows', databases: { Ipamdb: ALL.filter((p) => p !== missing) } }] };
    const s = new SimulatedSqlServer(spec, dataDir, state);
    const l = s.authenticate('Partial', undefined) as SqlLogin;
    expect(s.missingPermissions(l, 'Ipamdb')).toEqual([missing]);
  });

  test('all five, in the order IPAM documents them, when nothing is granted on the database', () => {
    expect(db1().missingPermissions(login('Nobody', 'Nobody-Pw1'), 'Ipamdb')).toEqual(['db_datareader', 'db_datawriter', 'db_ddladmin', 'VIEW DATABASE STATE', 'ALTER']);
  });

  test('none when all five are granted; the database name is case-insensitive', () => {
    const l = login('CONTOSO\\IPAM1$');
    expect(db1().missingPermissions(l, 'Ipamdb')).toEqual([]);
    expect(db1().missingPermissions(l, 'IPAMDB')).toEqual([]);
    expect(db1().missingPermissions(l, 'Other')).toEqual(ALL);
  });

  test('db_owner and CONTROL on the database imply everything, on that database only', () => {
    expect(db1().missingPermissions(login('Owner', 'Owner-Pw1'), 'ipamdb')).toEqual([]);
    expect(db1().missingPermissions(login('Control', 'Control-Pw1'), 'IpamDB')).toEqual([]);
    expect(db1().missingPermissions(login('Owner', 'Owner-Pw1'), 'Other')).toEqual(ALL);
  });

  test('sysadmin and CONTROL SERVER imply everything on every database', () => {
    expect(db1().missingPermissions(login('sa', 'Sa-Passw0rd!'), 'Anything')).toEqual([]);
    expect(db1().missingPermissions(login('Controller', 'Controller-Pw1'), 'Anything')).toEqual([]);
  });

  test('dbcreator alone implies nothing on an existing database', () => {
    expect(db1().missingPermissions(login('Creator', 'Creator-Pw1'), 'Ipamdb')).toEqual(ALL);
  });

  test('the owner of the database (from the catalog, case-insensitively) needs nothing more', () => {
    const s = db1();
    state.addSimulatedDatabase({ server: s.name, name: 'Created', owner: 'CREATOR', file: s.databaseFile('Created') });
    expect(s.owner('created')).toBe('CREATOR');
    expect(s.databaseExists('CREATED')).toBe(true);
    expect(s.missingPermissions(login('Creator', 'Creator-Pw1'), 'created')).toEqual([]);
    expect(s.missingPermissions(login('Granted', 'Granted-Pw1'), 'Created')).toEqual(ALL);
  });
});

describe('databaseFile', () => {
  test('is <dataDir>/sqlservers/<server>/<name, lower-cased>.sqlite', () => {
    expect(db1().databaseFile('Ipamdb')).toBe(path.join(dataDir, 'sqlservers', 'db1.contoso.com', 'ipamdb.sqlite'));
  });

  test.each(['../../../etc/passwd', '..', '/abs/path', 'a\\..\\..\\b', 'x\u0000y', 'C:\\Windows', '%WINDIR%', 'db.sqlite/../../x'])('stays in the server folder for the hostile name %j', (name) => {
    const s = db1();
    const file = s.databaseFile(name);
    const folder = path.join(dataDir, 'sqlservers', 'db1.contoso.com');
    expect(path.dirname(file)).toBe(folder);
    expect(path.basename(file)).toMatch(/^[a-z0-9_@#$-]+\.sqlite$/);
  });

  test('a hostile server name stays under <dataDir>/sqlservers too', () => {
    const s = new SimulatedSqlServer({ name: '../../Evil/..' }, dataDir, state);
    const file = s.databaseFile('x');
    expect(path.dirname(path.dirname(file))).toBe(path.join(dataDir, 'sqlservers'));
    expect(path.basename(path.dirname(file))).not.toMatch(/\//);
  });

  test('ensureFolder creates the server folder', () => {
    const s = db1();
    s.ensureFolder();
    expect(fs.statSync(path.dirname(s.databaseFile('x'))).isDirectory()).toBe(true);
  });
});

describe('SqlServerDirectory.resolve', () => {
  const directory = (env: NodeJS.ProcessEnv = {}) => new SqlServerDirectory([DB1, DB2, REAL_INLINE, REAL_ENV], dataDir, state, env);

  test('finds a server by its FQDN, case-insensitively, on its port', () => {
    expect(directory().resolve('DB1.contoso.COM', 1433, 'contoso.com')).toMatchObject({ kind: 'simulated', name: 'db1.contoso.com' });
  });

  test('a short name is tried with the host DNS suffix', () => {
    expect(directory().resolve('Db1', 1433, 'contoso.com')).toMatchObject({ name: 'db1.contoso.com' });
    expect(directory().resolve('sql2', 14330, 'fabrikam.com')).toMatchObject({ name: 'sql2.fabrikam.com' });
    expect(directory().resolve('Db1', 1433, 'fabrikam.com')).toBeUndefined();
  });

  test('a dotted name is not completed with the suffix', () => {
    expect(directory().resolve('db1.contoso', 1433, 'com')).toBeUndefined();
  });

  test('the wrong port is unreachable', () => {
    expect(directory().resolve('db1.contoso.com', 1434, 'contoso.com')).toBeUndefined();
    expect(directory().resolve('sql2.fabrikam.com', 1433, 'fabrikam.com')).toBeUndefined();
  });

  test('an unknown name is unreachable', () => {
    expect(directory().resolve('db9.contoso.com', 1433, 'contoso.com')).toBeUndefined();
    expect(directory().resolve('db9', 1433, 'contoso.com')).toBeUndefined();
    expect(directory().resolve('10.0.0.5', 1433, 'contoso.com')).toBeUndefined();
  });
});

describe('real servers', () => {
  test('an inline connectionString makes a real server (port 1433 by default)', () => {
    const d = new SqlServerDirectory([REAL_INLINE], dataDir, state, {});
    expect(d.resolve('real1.contoso.com', 1433, 'contoso.com')).toEqual({ kind: 'real', name: 'real1.contoso.com', port: 1433, connectionString: REAL_INLINE.connectionString });
    expect(d.real('REAL1.contoso.com', 1433)?.connectionString).toBe(REAL_INLINE.connectionString);
    expect(d.simulated()).toEqual([]);
  });

  test('connectionStringEnv set: a real server with the connection string of that variable', () => {
    const d = new SqlServerDirectory([REAL_ENV], dataDir, state, { IPAM_TEST_REAL2: 'Server=real2,1444;User Id=sa;Password=y' });
    expect(d.resolve('real2', 1444, 'contoso.com')).toEqual({ kind: 'real', name: 'real2.contoso.com', port: 1444, connectionString: 'Server=real2,1444;User Id=sa;Password=y' });
    expect(d.real('real2.contoso.com', 1444)).toBeDefined();
    expect(d.real('real2.contoso.com', 1433)).toBeUndefined();
  });

  test.each([
    ['unset', {}],
    ['empty', { IPAM_TEST_REAL2: '' }],
  ])('connectionStringEnv %s: unreachable, and not a simulated server either', (_why, env: NodeJS.ProcessEnv) => {
    const d = new SqlServerDirectory([REAL_ENV], dataDir, state, env);
    expect(d.resolve('real2.contoso.com', 1444, 'contoso.com')).toBeUndefined();
    expect(d.real('real2.contoso.com', 1444)).toBeUndefined();
    expect(d.simulated()).toEqual([]);
  });

  test('real() does not return a simulated server', () => {
    const d = new SqlServerDirectory([DB1], dataDir, state, {});
    expect(d.real('db1.contoso.com', 1433)).toBeUndefined();
    expect(d.simulated().map((s) => s.name)).toEqual(['db1.contoso.com']);
  });
});
