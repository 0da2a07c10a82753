/**
 * InvokeIpamServerProvisioning over the wire, each case on a fresh emulator
 * (real HTTP, real SQLite state, real database files), read back through Get
 * and Enumerate of the read-back classes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ACTION, WMI, bodyOf, call, child, elements, faultOf, itemsOf, propsOf, NS, type EnvelopeSpec } from '../support/soap';
import { startEmulator, type TestEmulator } from '../support/emulator';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import { openSqliteIpamDatabase } from '../../src/storage/ipamDb/sqlite';
import { IpamDatabase } from '../../src/storage/ipamDb/ipamDatabase';

const SERVER = WMI + 'MSFT_IPAM_Server';
const running: TestEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function fresh(fixture?: Fixture): Promise<TestEmulator> {
  const emu = await startEmulator(fixture ? { fixture } : {});
  running.push(emu);
  return emu;
}

function provisionSpec(params: string, optionsXml?: string): EnvelopeSpec {
  return {
    action: `${SERVER}/InvokeIpamServerProvisioning`,
    resourceUri: SERVER,
    body: `<p:InvokeIpamServerProvisioning_INPUT xmlns:p="${SERVER}">${params}</p:InvokeIpamServerProvisioning_INPUT>`,
    optionsXml,
  };
}

async function provision(emu: TestEmulator, params: string, optionsXml?: string) {
  return call(emu.url, provisionSpec(params, optionsXml));
}

function returnValue(r: Awaited<ReturnType<typeof provision>>): string | undefined {
  const out = elements(bodyOf(r.xml))[0];
  const rv = out && child(out, SERVER, 'ReturnValue');
  return rv ? (rv.children[0] as string) : undefined;
}

async function enumerate(emu: TestEmulator, cls: string): Promise<Array<Record<string, string | null>>> {
  const r = await call(emu.url, {
    action: ACTION.enumerate,
    resourceUri: WMI + cls,
    body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>1000</w:MaxElements></n:Enumerate>',
  });
  expect(r.status).toBe(200);
  return itemsOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse')!).map(propsOf);
}

async function get(emu: TestEmulator, cls: string, selectors: Record<string, string>): Promise<Record<string, string | null>> {
  const r = await call(emu.url, { action: ACTION.get, resourceUri: WMI + cls, selectors });
  expect(r.status).toBe(200);
  return propsOf(elements(bodyOf(r.xml))[0]!);
}

/** Files under the data directory other than the state database. */
function dataFiles(emu: TestEmulator): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.startsWith('state.sqlite')) out.push(path.relative(emu.dataDir, p));
    }
  };
  walk(emu.dataDir);
  return out.sort();
}

const WID_FILE = 'hosts/ipam1.contoso.com/fs/C/windows/system32/ipam/database/ipam.sqlite';
const DB1 = '<p:DatabaseServer>Db1.Contoso.com</p:DatabaseServer><p:DatabaseName>Ipamdb</p:DatabaseName><p:DatabasePort>1433</p:DatabasePort>';

describe('the four examples of the cmdlet help provision a host', () => {
  test('1. WID at the default path: the SQLite file holds the IPAM schema; every read-back class agrees', async () => {
    const emu = await fresh();
    const r = await provision(emu, '');
    expect(r.status).toBe(200);
    expect(returnValue(r)).toBe('0');

    expect(dataFiles(emu)).toContain(WID_FILE);
    const conn = openSqliteIpamDatabase(path.join(emu.dataDir, WID_FILE), { create: false });
    const summary = await new IpamDatabase(conn).summary();
    await conn.close();
    expect(summary.schemaVersion).toBe('1.3');
    expect(summary.roles).toContain('IPAM Administrator Role');
    expect(summary.accessScopes).toContain('\\Global');
    expect(summary.capabilities.IpAddressTracking).toBe('Enabled');

    expect(await enumerate(emu, 'MSFT_IPAM_DBConfig')).toEqual([
      expect.objectContaining({ DatabaseType: '1', WidSchemaPath: 'C:\\Windows\\System32\\IPAM\\Database', DatabaseName: 'IPAM', DatabaseAuthType: '1', DatabaseServer: null, DatabasePort: null, DatabaseUser: null }),
    ]);
    expect(await get(emu, 'MSFT_IPAM_ServerConfiguration', { InstanceID: 'IpamServerConfiguration' })).toMatchObject({ Version: '1.3', Port: '48885', ProvisioningMethod: '1', GpoPrefix: null });
    expect(await enumerate(emu, 'MSFT_IPAM_ServerCapabilities')).toEqual([expect.objectContaining({ Name: 'IpAddressTracking', Capability: '1', State: '0' })]);
    expect((await enumerate(emu, 'MSFT_IPAM_Server'))[0]).toMatchObject({ ProvisioningState: '2' });

    const log = await enumerate(emu, 'MSFT_IPAM_ConfigLogEntry');
    expect(log.map((e) => e.OperationalCode)).toEqual(['Confirmation', 'service', 'database', 'tasks', 'roles', 'method', 'capabilities', 'Completed']);
    expect(log[0]?.Message).toContain('This cmdlet will provision IPAM on ipam1.contoso.com');
    expect(log[0]?.Message).toContain('Answer: yes');
    expect(log.every((e) => e.ServerName === 'ipam1.contoso.com' && e.UserName === 'Administrator')).toBe(true);
  });

  test('2. WID at D:\\database with Automatic provisioning and GpoPrefix IPAM1', async () => {
    const emu = await fresh();
    const r = await provision(emu, '<p:WidSchemaPath>D:\\database</p:WidSchemaPath><p:ProvisioningMethod>0</p:ProvisioningMethod><p:GpoPrefix>IPAM1</p:GpoPrefix><p:Force>true</p:Force>');
    expect(returnValue(r)).toBe('0');
    expect(dataFiles(emu)).toContain('hosts/ipam1.contoso.com/fs/D/database/ipam.sqlite');
    expect((await enumerate(emu, 'MSFT_IPAM_DBConfig'))[0]).toMatchObject({ DatabaseType: '1', WidSchemaPath: 'D:\\database' });
    expect((await enumerate(emu, 'MSFT_IPAM_ServerConfiguration'))[0]).toMatchObject({ ProvisioningMethod: '0', GpoPrefix: 'IPAM1' });
    const log = await enumerate(emu, 'MSFT_IPAM_ConfigLogEntry');
    expect(log.map((e) => e.OperationalCode)).not.toContain('Confirmation');
    expect(log.find((e) => e.OperationalCode === 'method')?.Message).toContain('IPAM1_DHCP, IPAM1_DNS, IPAM1_DC_NPS');
  });

  test('3. SQL Server Db1.Contoso.com / Ipamdb / 1433, Windows authentication as the computer account', async () => {
    const emu = await fresh();
    expect(returnValue(await provision(emu, DB1))).toBe('0');
    expect((await enumerate(emu, 'MSFT_IPAM_DBConfig'))[0]).toMatchObject({
      DatabaseType: '2',
      DatabaseServer: 'Db1.Contoso.com',
      DatabaseName: 'Ipamdb',
      DatabasePort: '1433',
      DatabaseAuthType: '1',
      DatabaseUser: null,
      WidSchemaPath: null,
    });
    expect(dataFiles(emu)).not.toContain(WID_FILE);
  });

  test('4. the same with SQL authentication and a credential: DatabaseUser keeps the user name only', async () => {
    const emu = await fresh();
    const r = await provision(emu, `${DB1}<p:DatabaseAuthType>2</p:DatabaseAuthType><p:DatabaseCredential>IpamSql:Sq1-Passw0rd!</p:DatabaseCredential>`);
    expect(returnValue(r)).toBe('0');
    expect((await enumerate(emu, 'MSFT_IPAM_DBConfig'))[0]).toMatchObject({ DatabaseType: '2', DatabaseAuthType: '2', DatabaseUser: 'IpamSql' });
  });
});

describe('before provisioning the read-back classes answer as an unprovisioned server', () => {
  test('the database is not configured, the capability is disabled and the log is empty', async () => {
    const emu = await fresh();
    expect((await enumerate(emu, 'MSFT_IPAM_DBConfig'))[0]).toMatchObject({ DatabaseType: '0', DatabaseAuthType: '0', WidSchemaPath: null });
    expect((await enumerate(emu, 'MSFT_IPAM_ServerConfiguration'))[0]).toMatchObject({ Version: '1.3', Port: '48885', ProvisioningMethod: null });
    expect((await enumerate(emu, 'MSFT_IPAM_ServerCapabilities'))[0]).toMatchObject({ State: '1' });
    expect(await enumerate(emu, 'MSFT_IPAM_ConfigLogEntry')).toEqual([]);
    expect((await enumerate(emu, 'MSFT_IPAM_Server'))[0]).toMatchObject({ ProvisioningState: '0' });
  });
});

/** A fixture whose db1 also holds databases and logins for every failure of the database step. */
function failureFixture(): Fixture {
  const base = contoso as Fixture;
  const db1 = base.sqlServers![0]!;
  return {
    ...base,
    sqlServers: [
      {
        ...db1,
        logins: [
          ...db1.logins!,
          { name: 'Weak', type: 'sql', password: 'Weak-Passw0rd!', databases: { Ipamdb: ['db_datareader', 'db_datawriter'] } },
          { name: 'NoRights', type: 'sql', password: 'NoRights-Passw0rd!' },
        ],
        databases: [...db1.databases!, { name: 'Old', owner: 'IpamSql', ipamSchemaVersion: '1.2' }, { name: 'Current', owner: 'IpamSql', ipamSchemaVersion: '1.3' }],
      },
    ],
  };
}

const sqlAuth = (user: string, password: string, db = 'Ipamdb') =>
  `<p:DatabaseServer>Db1.Contoso.com</p:DatabaseServer><p:DatabaseName>${db}</p:DatabaseName><p:DatabasePort>1433</p:DatabasePort><p:DatabaseAuthType>2</p:DatabaseAuthType><p:DatabaseCredential>${user}:${password}</p:DatabaseCredential>`;

describe('each failure is a fault with MSFT_WmiError and leaves the host unprovisioned, with no stray files', () => {
  test.each([
    ['an unreachable SQL Server', '<p:DatabaseServer>Db9.Contoso.com</p:DatabaseServer><p:DatabaseName>Ipamdb</p:DatabaseName><p:DatabasePort>1433</p:DatabasePort>', 'Cannot connect to the SQL Server Db9.Contoso.com', 'WIN32 1231'],
    ['the right server on the wrong port', '<p:DatabaseServer>Db1.Contoso.com</p:DatabaseServer><p:DatabaseName>Ipamdb</p:DatabaseName><p:DatabasePort>1434</p:DatabasePort>', 'on port 1434', 'WIN32 1231'],
    ['a wrong SQL password', sqlAuth('IpamSql', 'wrong-password'), "Login failed for user 'IpamSql'", 'WIN32 1326'],
    ['a database that does not exist and a login that may not create it', sqlAuth('NoRights', 'NoRights-Passw0rd!', 'Missing'), 'does not exist on the SQL Server Db1.Contoso.com', 'WIN32 5'],
    ['a login that lacks permissions (named)', sqlAuth('Weak', 'Weak-Passw0rd!'), 'db_ddladmin, VIEW DATABASE STATE, ALTER', 'WIN32 5'],
    ['UseExistingSchema with no schema', `${sqlAuth('IpamSql', 'Sq1-Passw0rd!')}<p:UseExistingSchema>true</p:UseExistingSchema>`, 'no valid IPAM schema was found', 'WIN32 1168'],
    ['UseExistingSchema on a schema of another version', `${sqlAuth('IpamSql', 'Sq1-Passw0rd!', 'Old')}<p:UseExistingSchema>true</p:UseExistingSchema>`, 'is version 1.2; this IPAM server uses version 1.3', 'WIN32 1306'],
    ['a database that already holds a schema, without UseExistingSchema', sqlAuth('IpamSql', 'Sq1-Passw0rd!', 'Current'), 'already holds an IPAM schema', 'WIN32 183'],
  ])('%s', async (_name, params, message, messageId) => {
    const emu = await fresh(failureFixture());
    const before = dataFiles(emu);
    const r = await provision(emu, params);
    expect(r.status).toBe(500);
    const f = faultOf(r.xml);
    expect(f.cimError?.Message).toContain(message);
    expect(f.cimError?.MessageID).toBe(messageId);
    expect(f.reason).toContain(message);
    expect((await enumerate(emu, 'MSFT_IPAM_Server'))[0]).toMatchObject({ ProvisioningState: '0' });
    expect((await enumerate(emu, 'MSFT_IPAM_DBConfig'))[0]).toMatchObject({ DatabaseType: '0' });
    expect(dataFiles(emu)).toEqual(before);
    const log = await enumerate(emu, 'MSFT_IPAM_ConfigLogEntry');
    const failed = log.find((e) => e.OperationalCode === 'Failed');
    expect(failed?.Message).toContain(message);
    expect(failed?.PerceivedSeverity).toBe('5');
    expect(log.find((e) => e.OperationalCode === 'service')?.Message).toContain('This step was undone.');
  });

  test('a WID folder holding a file that is not an IPAM database is refused and the file is left alone', async () => {
    const emu = await fresh();
    const file = path.join(emu.dataDir, WID_FILE);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'not a database');
    const before = dataFiles(emu);
    expect(before).toContain(WID_FILE);
    const f = faultOf((await provision(emu, '')).xml);
    expect(f.cimError?.Message).toContain('holds a file that is not an IPAM database');
    expect(fs.readFileSync(file, 'utf8')).toBe('not a database');
    expect(dataFiles(emu)).toEqual(before);
  });
});

describe('invalid parameters are refused before anything changes', () => {
  test('each rule broken gives w:InvalidParameter with MSFT_WmiError; the host reads back unprovisioned and nothing is written', async () => {
    const emu = await fresh();
    const before = dataFiles(emu);
    const cases: Array<[string, string]> = [
      ['<p:ProvisioningMethod>0</p:ProvisioningMethod>', 'GpoPrefix'],
      ['<p:GpoPrefix>X</p:GpoPrefix>', 'GpoPrefix'],
      [`${DB1}<p:WidSchemaPath>D:\\db</p:WidSchemaPath>`, 'WidSchemaPath'],
      ['<p:UseExistingSchema>true</p:UseExistingSchema>', 'UseExistingSchema'],
      ['<p:DatabaseAuthType>2</p:DatabaseAuthType>', 'DatabaseAuthType'],
      ['<p:DatabaseServer>Db1.Contoso.com</p:DatabaseServer><p:DatabaseName>Ipamdb</p:DatabaseName>', 'DatabasePort'],
      [DB1.replace('1433', '0'), 'DatabasePort'],
      [`${DB1}<p:DatabaseAuthType>2</p:DatabaseAuthType>`, 'DatabaseCredential'],
      [`${DB1}<p:DatabaseAuthType>2</p:DatabaseAuthType><p:DatabaseCredential>no-colon</p:DatabaseCredential>`, 'DatabaseCredential'],
      ['<p:WidSchemaPath>\\\\server\\share</p:WidSchemaPath>', 'WidSchemaPath'],
      ['<p:WidSchemaPath>C:\\Windows\\..\\..\\etc</p:WidSchemaPath>', 'WidSchemaPath'],
    ];
    for (const [params, parameter] of cases) {
      const f = faultOf((await provision(emu, params)).xml);
      expect({ params, subcode: f.subcode, source: f.cimError?.ErrorSource, status: f.cimError?.CIMStatusCode }).toEqual({ params, subcode: 'w:InvalidParameter', source: parameter, status: '4' });
    }
    expect((await enumerate(emu, 'MSFT_IPAM_Server'))[0]).toMatchObject({ ProvisioningState: '0' });
    expect(await enumerate(emu, 'MSFT_IPAM_ConfigLogEntry')).toEqual([]);
    expect(dataFiles(emu)).toEqual(before);
  });
});

describe('the read-back classes answer Get by their keys as they answer Enumerate', () => {
  test('after provisioning, Get of each read-back instance equals its enumerated form', async () => {
    const emu = await fresh();
    expect(returnValue(await provision(emu, `${DB1}<p:Force>true</p:Force>`))).toBe('0');
    const caps = (await enumerate(emu, 'MSFT_IPAM_ServerCapabilities'))[0]!;
    const keys: Array<[string, Record<string, string>]> = [
      ['MSFT_IPAM_ServerConfiguration', { InstanceID: 'IpamServerConfiguration' }],
      ['MSFT_IPAM_DBConfig', { InstanceID: 'IpamDatabaseConfiguration' }],
      ['MSFT_IPAM_ServerCapabilities', { Name: 'IpAddressTracking', IdentifyingNumber: caps.IdentifyingNumber!, ProductName: caps.ProductName!, Vendor: caps.Vendor!, Version: caps.Version! }],
    ];
    for (const [cls, selectors] of keys) {
      expect(await get(emu, cls, selectors)).toEqual((await enumerate(emu, cls))[0]);
    }
    const log = await enumerate(emu, 'MSFT_IPAM_ConfigLogEntry');
    expect(await get(emu, 'MSFT_IPAM_ConfigLogEntry', { InstanceID: log[2]!.InstanceID! })).toEqual(log[2]);
  });
});

describe('re-provisioning', () => {
  test('the same parameters again return 0 and change nothing', async () => {
    const emu = await fresh();
    expect(returnValue(await provision(emu, DB1))).toBe('0');
    const log = await enumerate(emu, 'MSFT_IPAM_ConfigLogEntry');
    expect(returnValue(await provision(emu, DB1.replace('Db1.Contoso.com', 'db1.contoso.com')))).toBe('0');
    expect(await enumerate(emu, 'MSFT_IPAM_ConfigLogEntry')).toEqual(log);
  });

  test('asking for another database names Move-IpamDatabase; another method names Set-IpamConfiguration', async () => {
    const emu = await fresh();
    expect(returnValue(await provision(emu, ''))).toBe('0');
    const other = faultOf((await provision(emu, DB1)).xml);
    expect(other.cimError?.Message).toContain('Move-IpamDatabase');
    expect(other.cimError?.Message).toContain('C:\\Windows\\System32\\IPAM\\Database');
    const method = faultOf((await provision(emu, '<p:ProvisioningMethod>0</p:ProvisioningMethod><p:GpoPrefix>X</p:GpoPrefix>')).xml);
    expect(method.cimError?.Message).toContain('Set-IpamConfiguration');
    expect((await enumerate(emu, 'MSFT_IPAM_DBConfig'))[0]).toMatchObject({ DatabaseType: '1' });
  });
});

describe('WhatIf', () => {
  test('PROMPTUSERMODE Report with ACK false (PowerShell -WhatIf) reports success and changes nothing', async () => {
    const emu = await fresh();
    const whatIf =
      '<w:Option Name="wmi:__MI_OPERATIONOPTIONS_PROMPTUSERMODE" Type="xs:unsignedInt">0</w:Option>' +
      '<w:Option Name="wmi:__MI_OPERATIONOPTIONS_PROMPTUSERMODEREGULAR_ACKVALUE" Type="xs:boolean">false</w:Option>';
    expect(returnValue(await provision(emu, '', whatIf))).toBe('0');
    expect((await enumerate(emu, 'MSFT_IPAM_Server'))[0]).toMatchObject({ ProvisioningState: '0' });
    expect(await enumerate(emu, 'MSFT_IPAM_ConfigLogEntry')).toEqual([]);
    expect(dataFiles(emu)).not.toContain(WID_FILE);
  });
});

describe('secrets', () => {
  test('after a provisioning with a credential, no password is in the log or anywhere in the data directory', async () => {
    const emu = await fresh();
    const password = 'Sq1-Passw0rd!';
    expect(returnValue(await provision(emu, sqlAuth('IpamSql', password)))).toBe('0');
    await emu.stop();
    running.splice(running.indexOf(emu), 1);
    expect(emu.logs().join('\n')).not.toContain(password);
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(emu.dataDir);
    // The state database and the simulated SQL Server's database file, at least.
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['state.sqlite', 'ipamdb.sqlite']));
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      expect({ file: f, hasPassword: bytes.includes(password) || bytes.includes(Buffer.from(password, 'utf16le')) }).toEqual({ file: f, hasPassword: false });
    }
  });
});

describe('UpdateIpamServer', () => {
  const update = (emu: TestEmulator) =>
    call(emu.url, { action: `${SERVER}/UpdateIpamServer`, resourceUri: SERVER, body: `<p:UpdateIpamServer_INPUT xmlns:p="${SERVER}"><p:Force>true</p:Force></p:UpdateIpamServer_INPUT>` });

  test('upgrades a host provisioned (by the fixture) with an older schema, then has no update left', async () => {
    const fixture: Fixture = { ...(contoso as Fixture), hosts: [{ ...(contoso as Fixture).hosts[0]!, ipam: { provisioned: { ProvisioningMethod: 1 }, schemaVersion: '1.2' } }] };
    const emu = await fresh(fixture);
    expect((await enumerate(emu, 'MSFT_IPAM_Server'))[0]).toMatchObject({ ProvisioningState: '2' });
    const r = await update(emu);
    expect(r.status).toBe(200);
    expect(returnValue(r)).toBe('0');
    const conn = openSqliteIpamDatabase(path.join(emu.dataDir, WID_FILE), { create: false });
    const summary = await new IpamDatabase(conn).summary();
    await conn.close();
    expect(summary.schemaVersion).toBe('1.3');
    expect(summary.roles).toContain('IPAM DNS Administrator Role');
    const again = faultOf((await update(emu)).xml);
    expect(again.cimError?.Message).toContain('No update is available');
    expect((await enumerate(emu, 'MSFT_IPAM_ConfigLogEntry')).map((e) => e.OperationalCode)).toContain('SchemaUpgraded');
  });

  test('on an unprovisioned host it is an error naming Invoke-IpamServerProvisioning', async () => {
    const emu = await fresh();
    expect(faultOf((await update(emu)).xml).cimError?.Message).toContain('Invoke-IpamServerProvisioning');
  });
});
