/**
 * The six provisioning steps, one at a time, on a real StepContext: a real
 * WID or simulated SQL Server target over a temporary data directory and the
 * run journal in a real state.sqlite. Each step is checked for the draft it
 * builds, what the IPAM database holds after it, the sentence it logs, and
 * that running it again changes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProvisioningError } from '../../../src/provisioning/errors';
import { loadFixture, type Fixture } from '../../../src/config/fixture';
import { Fleet, type FleetHost } from '../../../src/fleet/fleet';
import { databaseTarget, SimulatedSqlTarget, WidTarget, type DatabaseTarget } from '../../../src/provisioning/database';
import { validateProvisioningParameters, type RawProvisioningParameters } from '../../../src/provisioning/parameters';
import { capabilitiesStep, databaseStep, methodStep, rolesStep, serviceStep, STEPS, tasksStep, type Draft, type StepContext } from '../../../src/provisioning/steps';
import { IpamDatabase } from '../../../src/storage/ipamDb/ipamDatabase';
import { openSqliteIpamDatabase } from '../../../src/storage/ipamDb/sqlite';
import type { IpamDatabaseSummary } from '../../../src/storage/ipamDb/types';
import { IpamState } from '../../../src/storage/ipamState';
import { HostSandbox } from '../../../src/storage/sandbox';
import { seedSimulatedDatabases } from '../../../src/storage/seed';
import { SqlServerDirectory } from '../../../src/storage/sqlServers';
import { StateStore } from '../../../src/storage/stateStore';

const FIXTURE: Fixture = loadFixture();
const WID_PATH = 'C:\\Windows\\System32\\IPAM\\Database';
const GROUPS = ['IPAM Users', 'IPAM MSM Administrators', 'IPAM ASM Administrators', 'IPAM IP Audit Administrators', 'IPAM Administrators'];
const ROLES_1_3 = [
  'DNS Record Administrator Role',
  'IP Address Record Administrator Role',
  'IPAM Administrator Role',
  'IPAM ASM Administrator Role',
  'IPAM DHCP Administrator Role',
  'IPAM DHCP Reservations Administrator Role',
  'IPAM DHCP Scope Administrator Role',
  'IPAM DNS Administrator Role',
  'IPAM MSM Administrator Role',
];
const POLICIES = [
  { group: 'IPAM Administrators', role: 'IPAM Administrator Role', scope: '\\Global' },
  { group: 'IPAM ASM Administrators', role: 'IPAM ASM Administrator Role', scope: '\\Global' },
  { group: 'IPAM MSM Administrators', role: 'IPAM MSM Administrator Role', scope: '\\Global' },
];

let dataDir: string;
let store: StateStore;
let state: IpamState;
let servers: SqlServerDirectory;
let host: FleetHost;
const targets: DatabaseTarget[] = [];

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steps-'));
  store = StateStore.open(dataDir);
  host = new Fleet(FIXTURE).defaultHost;
  store.ensureHosts([host.fqdn]);
  state = new IpamState(store.db);
  servers = new SqlServerDirectory(FIXTURE.sqlServers ?? [], dataDir, state, {});
});
afterEach(async () => {
  for (const t of targets.splice(0)) await t.abort();
  store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

let runs = 0;

/** A StepContext as the engine builds it, journaling artifacts in state.sqlite. */
function context(params: RawProvisioningParameters = {}, schemaVersion = '1.3'): StepContext {
  const request = validateProvisioningParameters({ Force: true, ...params });
  const sandbox = new HostSandbox(dataDir, host.fqdn);
  const target =
    request.database.kind === 'WID'
      ? new WidTarget(sandbox, request.database.widSchemaPath, request.database.databaseName, schemaVersion)
      : databaseTarget(host, request.database, sandbox, servers, schemaVersion);
  targets.push(target);
  const runId = `RUN-${++runs}`;
  state.startRun({ runId, fqdn: host.fqdn, operation: 'InvokeIpamServerProvisioning', request: {} });
  return { host, request, target, run: { runId, record: (a) => state.addArtifact(runId, a) }, schemaVersion, draft: {} };
}

function journal(ctx: StepContext) {
  return state.runsIn('running').find((r) => r.runId === ctx.run.runId)?.artifacts ?? [];
}

function db(ctx: StepContext): IpamDatabase {
  if (!ctx.db) throw new Error('no database in the context');
  return ctx.db;
}

/** Runs a step twice; the second run must leave the draft and the database exactly as the first did. */
async function runTwice(ctx: StepContext, step: (typeof STEPS)[number]): Promise<{ message: string; draft: Draft; summary: IpamDatabaseSummary | undefined }> {
  const message = await step.run(ctx);
  const draft = structuredClone(ctx.draft);
  const summary = ctx.db ? await ctx.db.summary() : undefined;
  expect(await step.run(ctx)).toBe(message);
  expect(ctx.draft).toEqual(draft);
  if (ctx.db) expect(await ctx.db.summary()).toEqual(summary);
  return { message, draft, summary };
}

function rejection(p: Promise<unknown>): Promise<ProvisioningError> {
  return p.then(
    () => {
      throw new Error('expected a ProvisioningError');
    },
    (e: unknown) => {
      if (e instanceof ProvisioningError) return e;
      throw e;
    },
  );
}

test('the six steps, in order', () => {
  expect(STEPS.map((s) => s.id)).toEqual(['service', 'database', 'tasks', 'roles', 'method', 'capabilities']);
  expect(STEPS).toEqual([serviceStep, databaseStep, tasksStep, rolesStep, methodStep, capabilitiesStep]);
});

describe('1. service', () => {
  test('records the WCF endpoint on port 48885, the application pool, firewall rules and WinRM settings', async () => {
    const ctx = context();
    const { message, draft } = await runTwice(ctx, serviceStep);
    expect(draft).toEqual({
      service: {
        port: 48885,
        wcfEndpoint: 'net.tcp://ipam1.contoso.com:48885/Ipam',
        appPool: 'IpamAppPool',
        firewallRules: ['IPAM Server (WCF-In)', 'Windows Remote Management (HTTP-In)'],
        winrm: { AllowRemoteAccess: 'true', MaxConcurrentOperationsPerUser: '1500', MaxEnvelopeSizekb: '500' },
      },
    });
    expect(message).toBe('The IPAM service was configured: WCF endpoint net.tcp port 48885, application pool IpamAppPool, WinRM remote access enabled.');
  });

  test('touches neither the database nor the disk', async () => {
    const ctx = context();
    await serviceStep.run(ctx);
    expect(ctx.db).toBeUndefined();
    expect(journal(ctx)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'hosts'))).toBe(false);
  });
});

describe('2. database', () => {
  const widFolder = () => path.join(dataDir, 'hosts', 'ipam1.contoso.com', 'fs', 'C', 'windows', 'system32', 'ipam', 'database');

  test('WID: builds a staged ipam.sqlite with the IPAM schema in the sandbox folder, journaling each folder and the staged file first', async () => {
    const ctx = context();
    const { message, draft, summary } = await runTwice(ctx, databaseStep);
    expect(message).toBe(`IPAM created the Windows Internal Database at ${WID_PATH} with IPAM schema version 1.3.`);
    expect(draft).toEqual({ database: { type: 'WID', widSchemaPath: WID_PATH, databaseName: 'IPAM' }, schemaVersion: '1.3' });
    expect(summary).toMatchObject({ schemaVersion: '1.3', roles: ROLES_1_3, accessScopes: ['\\Global'], capabilities: { IpAddressTracking: 'Disabled' } });

    const final = path.join(widFolder(), 'ipam.sqlite');
    const staged = `${final}.${ctx.run.runId}.staging`;
    const fsRoot = path.join(dataDir, 'hosts', 'ipam1.contoso.com', 'fs');
    expect(journal(ctx)).toEqual(
      expect.arrayContaining([
        ...['C', 'C/windows', 'C/windows/system32', 'C/windows/system32/ipam', 'C/windows/system32/ipam/database'].map((p) => ({ kind: 'createdDir', path: path.join(fsRoot, p) })),
        { kind: 'stagedFile', staged, final },
      ]),
    );
    // Nothing is visible before the engine commits: only the staged copy exists.
    expect(fs.readdirSync(widFolder())).toEqual([path.basename(staged)]);
    await ctx.target.finish();
    expect(fs.readdirSync(widFolder())).toEqual(['ipam.sqlite']);
  });

  test('WID: a folder that already holds a valid current schema is reused with its data', async () => {
    const first = context();
    await databaseStep.run(first);
    await db(first).setConfiguration('Marker', 'from before');
    await first.target.finish();

    const ctx = context();
    const { message, summary } = await runTwice(ctx, databaseStep);
    expect(message).toBe(`IPAM connected to the Windows Internal Database at ${WID_PATH}, reusing its IPAM schema version 1.3.`);
    expect(summary?.configuration).toEqual({ Marker: 'from before' });
    expect(journal(ctx).filter((a) => a.kind === 'createdDir')).toEqual([]);
  });

  test('WID: a folder holding a schema of another version is refused (WIN32 1306), and so is a file that is not a database (WIN32 13)', async () => {
    const old = context({}, '1.2');
    await databaseStep.run(old);
    await old.target.finish();
    const err = await rejection(databaseStep.run(context()));
    expect({ id: err.messageId, message: err.message }).toEqual({
      id: 'WIN32 1306',
      message: `The IPAM schema in the Windows Internal Database at ${WID_PATH} is version 1.2; this IPAM server uses version 1.3. Use a database with a version 1.3 schema, or a new database.`,
    });

    fs.writeFileSync(path.join(widFolder(), 'ipam.sqlite'), 'not a database');
    expect((await rejection(databaseStep.run(context()))).messageId).toBe('WIN32 13');
    expect(fs.readFileSync(path.join(widFolder(), 'ipam.sqlite'), 'utf8')).toBe('not a database');
  });

  test('WID: abort() after the step ran twice removes the staged file and every folder the step created', async () => {
    const ctx = context();
    await databaseStep.run(ctx);
    await databaseStep.run(ctx);
    await ctx.target.abort();
    // Nothing the step made is left, the host's own folder included (issue 14).
    expect(fs.existsSync(path.join(dataDir, 'hosts', 'ipam1.contoso.com'))).toBe(false);
  });

  test('simulated SQL Server, a new database: created with the schema, owned by the creating login once committed', async () => {
    const ctx = context({ DatabaseServer: 'Db1.Contoso.com', DatabaseName: 'NewIpam', DatabasePort: 1433, DatabaseAuthType: 2, DatabaseCredential: 'IpamSql:Sq1-Passw0rd!' });
    expect(ctx.target).toBeInstanceOf(SimulatedSqlTarget);
    const { message, draft, summary } = await runTwice(ctx, databaseStep);
    expect(message).toBe('IPAM created the database NewIpam on Db1.Contoso.com with IPAM schema version 1.3.');
    expect(draft).toEqual({
      database: { type: 'MSSQL', server: 'Db1.Contoso.com', databaseName: 'NewIpam', port: 1433, authType: 'SQL', user: 'IpamSql', backend: 'simulated' },
      schemaVersion: '1.3',
    });
    expect(summary?.roles).toEqual(ROLES_1_3);
    expect(state.simulatedDatabase('db1.contoso.com', 'NewIpam')).toBeUndefined();

    const file = path.join(dataDir, 'sqlservers', 'db1.contoso.com', 'newipam.sqlite');
    ctx.target.commitRows(state);
    await ctx.target.finish();
    expect(state.simulatedDatabase('db1.contoso.com', 'NewIpam')).toEqual({ server: 'db1.contoso.com', name: 'NewIpam', owner: 'IpamSql', file });
    const conn = openSqliteIpamDatabase(file, { create: false });
    expect(await new IpamDatabase(conn).schemaVersion()).toBe('1.3');
    await conn.close();
  });

  test('simulated SQL Server, an existing empty database with Windows authentication as the computer account: prepared', async () => {
    await seedSimulatedDatabases(FIXTURE.sqlServers ?? [], servers, state);
    const ctx = context({ DatabaseServer: 'db1', DatabaseName: 'Ipamdb', DatabasePort: 1433 });
    const { message, draft } = await runTwice(ctx, databaseStep);
    expect(message).toBe('IPAM prepared the database Ipamdb on db1 with IPAM schema version 1.3.');
    expect(draft.database).toMatchObject({ type: 'MSSQL', authType: 'Windows', user: undefined });
  });

  test('simulated SQL Server: the login and permission checks come first, and nothing is made when they fail', async () => {
    const wrong = context({ DatabaseServer: 'db1.contoso.com', DatabaseName: 'Ipamdb', DatabasePort: 1433, DatabaseAuthType: 2, DatabaseCredential: 'IpamSql:wrong' });
    expect((await rejection(databaseStep.run(wrong))).messageId).toBe('WIN32 1326');
    const cannotCreate = context({ DatabaseServer: 'db1.contoso.com', DatabaseName: 'Missing', DatabasePort: 1433 });
    expect((await rejection(databaseStep.run(cannotCreate))).message).toContain("the login 'CONTOSO\\IPAM1$' does not have permission to create it");
    const unreachable = context({ DatabaseServer: 'db1.contoso.com', DatabaseName: 'Ipamdb', DatabasePort: 1434 });
    expect((await rejection(databaseStep.run(unreachable))).messageId).toBe('WIN32 1231');
    expect(fs.existsSync(path.join(dataDir, 'sqlservers'))).toBe(false);
    expect([...journal(wrong), ...journal(cannotCreate), ...journal(unreachable)]).toEqual([]);
  });
});

describe('3. tasks', () => {
  test('the seven tasks under \\Microsoft\\Windows\\IPAM with their default intervals, enabled', async () => {
    const ctx = context();
    const { message, draft } = await runTwice(ctx, tasksStep);
    expect(draft.tasks?.map(({ name, path: p, intervalMinutes, enabled }) => ({ name, path: p, intervalMinutes, enabled }))).toEqual([
      { name: 'AddressExpiry', path: '\\Microsoft\\Windows\\IPAM\\AddressExpiry', intervalMinutes: 1440, enabled: true },
      { name: 'AddressUtilization', path: '\\Microsoft\\Windows\\IPAM\\AddressUtilization', intervalMinutes: 120, enabled: true },
      { name: 'Audit', path: '\\Microsoft\\Windows\\IPAM\\Audit', intervalMinutes: 1440, enabled: true },
      { name: 'ServerAvailability', path: '\\Microsoft\\Windows\\IPAM\\ServerAvailability', intervalMinutes: 15, enabled: true },
      { name: 'ServerConfiguration', path: '\\Microsoft\\Windows\\IPAM\\ServerConfiguration', intervalMinutes: 360, enabled: true },
      { name: 'ServerDiscovery', path: '\\Microsoft\\Windows\\IPAM\\ServerDiscovery', intervalMinutes: 1440, enabled: true },
      { name: 'ServiceMonitoring', path: '\\Microsoft\\Windows\\IPAM\\ServiceMonitoring', intervalMinutes: 30, enabled: true },
    ]);
    expect(draft.tasks?.every((t) => t.description.length > 10)).toBe(true);
    expect(message).toBe(
      'The 7 IPAM scheduled tasks were created under \\Microsoft\\Windows\\IPAM: AddressExpiry (every day), AddressUtilization (every 2 hours), Audit (every day), ' +
        'ServerAvailability (every 15 minutes), ServerConfiguration (every 6 hours), ServerDiscovery (every day), ServiceMonitoring (every 30 minutes).',
    );
  });
});

describe('4. roles', () => {
  test('the built-in roles, the \\Global scope and the group policies are in the database; the five local groups in the draft', async () => {
    const ctx = context();
    await databaseStep.run(ctx);
    // Take away some of the access control, as a database from elsewhere might lack it: the step puts it back.
    await db(ctx).conn.run('DELETE FROM "AccessPolicies" WHERE "UserOrGroup" = ?', ['IPAM MSM Administrators']);
    await db(ctx).conn.run('DELETE FROM "Roles" WHERE "Name" = ?', ['IPAM DNS Administrator Role']);
    const { message, draft, summary } = await runTwice(ctx, rolesStep);
    expect(draft.localGroups).toEqual(GROUPS);
    expect(summary).toMatchObject({ roles: ROLES_1_3, accessScopes: ['\\Global'], accessPolicies: POLICIES });
    expect(message).toBe(
      'The built-in IPAM roles (9), the Global access scope and the local security groups IPAM Users, IPAM MSM Administrators, IPAM ASM Administrators, IPAM IP Audit Administrators, IPAM Administrators were created.',
    );
  });

  test('at schema 1.2 there are eight roles (no IPAM DNS Administrator Role)', async () => {
    const ctx = context({}, '1.2');
    await databaseStep.run(ctx);
    const { message, summary } = await runTwice(ctx, rolesStep);
    expect(summary?.roles).toEqual(ROLES_1_3.filter((r) => r !== 'IPAM DNS Administrator Role'));
    expect(message).toContain('The built-in IPAM roles (8)');
  });

  test('cannot run before the database step', async () => {
    await expect(rolesStep.run(context())).rejects.toThrow('the database step has not run');
  });
});

describe('5. method', () => {
  test('Manual: no GPO prefix and no GPOs; the database records the method', async () => {
    const ctx = context();
    await databaseStep.run(ctx);
    const { message, draft, summary } = await runTwice(ctx, methodStep);
    expect({ method: draft.provisioningMethod, prefix: draft.gpoPrefix, gpos: draft.gpoNames }).toEqual({ method: 'Manual', prefix: undefined, gpos: [] });
    expect(summary?.configuration).toEqual({ ProvisioningMethod: 'Manual', GpoPrefix: '' });
    expect(message).toBe('The provisioning method is Manual: managed servers are to be provisioned by hand.');
  });

  test('Automatic with GpoPrefix IPAM1: the GPOs IPAM1_DHCP, IPAM1_DNS and IPAM1_DC_NPS', async () => {
    const ctx = context({ ProvisioningMethod: 0, GpoPrefix: 'IPAM1' });
    await databaseStep.run(ctx);
    const { message, draft, summary } = await runTwice(ctx, methodStep);
    expect({ method: draft.provisioningMethod, prefix: draft.gpoPrefix, gpos: draft.gpoNames }).toEqual({
      method: 'Automatic',
      prefix: 'IPAM1',
      gpos: ['IPAM1_DHCP', 'IPAM1_DNS', 'IPAM1_DC_NPS'],
    });
    expect(summary?.configuration).toEqual({ ProvisioningMethod: 'Automatic', GpoPrefix: 'IPAM1' });
    expect(message).toBe(
      'The provisioning method is Automatic (GPO-based) with GPO prefix IPAM1; Invoke-IpamGpoProvisioning will create the GPOs IPAM1_DHCP, IPAM1_DNS, IPAM1_DC_NPS.',
    );
  });

  test('cannot run before the database step', async () => {
    await expect(methodStep.run(context())).rejects.toThrow('the database step has not run');
  });
});

describe('6. capabilities', () => {
  test('IpAddressTracking is enabled in the database and the draft', async () => {
    const ctx = context();
    await databaseStep.run(ctx);
    expect((await db(ctx).summary()).capabilities).toEqual({ IpAddressTracking: 'Disabled' });
    const { message, draft, summary } = await runTwice(ctx, capabilitiesStep);
    expect(draft.capabilities).toEqual({ IpAddressTracking: 'Enabled' });
    expect(summary?.capabilities).toEqual({ IpAddressTracking: 'Enabled' });
    expect(message).toBe('The optional capability IpAddressTracking was enabled.');
  });

  test('cannot run before the database step', async () => {
    await expect(capabilitiesStep.run(context())).rejects.toThrow('the database step has not run');
  });
});

test('all six in order build a complete draft, and nothing outside the staged database and the journal', async () => {
  const ctx = context({ ProvisioningMethod: 0, GpoPrefix: 'Corp' });
  for (const step of STEPS) await step.run(ctx);
  expect(Object.keys(ctx.draft).sort()).toEqual(['capabilities', 'database', 'gpoNames', 'gpoPrefix', 'localGroups', 'provisioningMethod', 'schemaVersion', 'service', 'tasks']);
  expect(state.hostConfig(host.fqdn)).toBeUndefined();
  expect(state.log(host.fqdn)).toEqual([]);
  expect(store.hostState(host.fqdn)?.provisioningState).toBe(0);
});
