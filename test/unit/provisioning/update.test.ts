/**
 * UpdateIpamServer through IpamService on real state: a host seeded at schema
 * 1.2 (as a fixture declares it) is upgraded to 1.3; the refusals and the
 * ways of changing nothing (WhatIf, a declined prompt).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ProvisioningError } from '../../../src/provisioning/errors';
import { loadFixture, type Fixture } from '../../../src/config/fixture';
import { Fleet, type FleetHost, type Principal } from '../../../src/fleet/fleet';
import type { IpamHostConfiguration } from '../../../src/provisioning/model';
import { UPDATE_PROMPT } from '../../../src/provisioning/prompts';
import { IpamService } from '../../../src/provisioning/service';
import type { UpdateInput } from '../../../src/provisioning/update';
import type { EventSink, OperationEvent, PromptAnswer, PromptEvent } from '../../../src/providers/types';
import { IpamDatabase } from '../../../src/storage/ipamDb/ipamDatabase';
import { openSqliteIpamDatabase } from '../../../src/storage/ipamDb/sqlite';
import type { IpamDatabaseSummary } from '../../../src/storage/ipamDb/types';
import { IpamState } from '../../../src/storage/ipamState';
import { seedSimulatedDatabases } from '../../../src/storage/seed';
import { SqlServerDirectory } from '../../../src/storage/sqlServers';
import { ProvisioningState, StateStore } from '../../../src/storage/stateStore';

const FIXTURE: Fixture = loadFixture();
const ADMIN: Principal = { name: 'Administrator', authority: 'IPAM1', groups: ['Administrators'] };
const FQDN = 'ipam1.contoso.com';
const WID_FILE = 'hosts/ipam1.contoso.com/fs/C/windows/system32/ipam/database/ipam.sqlite';
const DNS_ROLE = 'IPAM DNS Administrator Role';

let dataDir: string;
let store: StateStore;
let state: IpamState;
let host: FleetHost;
let service: IpamService;

function serviceWith(servers: SqlServerDirectory): IpamService {
  return new IpamService({ state, servers, dataDir, log: pino({ level: 'silent' }) });
}

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'update-'));
  store = StateStore.open(dataDir);
  const fleet = new Fleet(FIXTURE);
  store.ensureHosts(fleet.hosts.map((h) => h.fqdn));
  host = fleet.defaultHost;
  state = new IpamState(store.db);
  service = serviceWith(new SqlServerDirectory(FIXTURE.sqlServers ?? [], dataDir, state, {}));
});
afterEach(() => {
  store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

class RecordingSink implements EventSink {
  readonly seen: Array<OperationEvent | PromptEvent> = [];
  constructor(private readonly answer: PromptAnswer = 'yes') {}
  emit(event: OperationEvent): void {
    this.seen.push(event);
  }
  async prompt(event: PromptEvent): Promise<PromptAnswer> {
    this.seen.push(event);
    return this.answer;
  }
}

function update(opts: Partial<UpdateInput> = {}) {
  return service.update({ host, requester: ADMIN, force: true, whatIf: false, events: new RecordingSink(), ...opts });
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

async function summaryOf(file: string): Promise<IpamDatabaseSummary> {
  const conn = openSqliteIpamDatabase(file, { create: false });
  try {
    return await new IpamDatabase(conn).summary();
  } finally {
    await conn.close();
  }
}

const widSummary = () => summaryOf(path.join(dataDir, WID_FILE));
const config = () => state.hostConfig<IpamHostConfiguration>(FQDN);

function stagingFiles(): string[] {
  return fs
    .readdirSync(dataDir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.staging'));
}

/** A host the fixture declares provisioned at schema 1.2, as the emulator seeds it at start. */
async function seededAt12(): Promise<void> {
  const outcome = await service.seed(host, { ProvisioningMethod: 1 }, '1.2');
  expect(outcome?.kind).toBe('provisioned');
  expect(config()?.schemaVersion).toBe('1.2');
  expect((await widSummary()).roles).not.toContain(DNS_ROLE);
}

test('a host seeded at schema 1.2 is upgraded to 1.3: the DNS role appears, the data stays, the log says so', async () => {
  await seededAt12();
  const before = config();
  const conn = openSqliteIpamDatabase(path.join(dataDir, WID_FILE), { create: false });
  await new IpamDatabase(conn).setConfiguration('Marker', 'kept');
  await conn.close();

  expect(await update()).toEqual({ kind: 'updated', from: '1.2', to: '1.3' });

  const summary = await widSummary();
  expect(summary.schemaVersion).toBe('1.3');
  expect(summary.roles).toContain(DNS_ROLE);
  expect(summary.roles).toHaveLength(9);
  expect(summary.configuration).toMatchObject({ Marker: 'kept', ProvisioningMethod: 'Manual' });
  expect(summary.capabilities).toEqual({ IpAddressTracking: 'Enabled' });
  expect(config()).toEqual({ ...before, schemaVersion: '1.3' });
  expect(store.hostState(FQDN)?.provisioningState).toBe(ProvisioningState.Provisioned);
  expect(stagingFiles()).toEqual([]);

  const last = state.log(FQDN).at(-1);
  expect(last).toMatchObject({
    taskCategory: 'Upgrade',
    operationalCode: 'SchemaUpgraded',
    keywords: 'Success',
    severity: 2,
    userName: 'Administrator',
    userDomain: 'IPAM1',
    message: 'The IPAM database schema of ipam1.contoso.com was upgraded from version 1.2 to 1.3 by IPAM1\\Administrator.',
  });
  const run = state.runsIn('done').find((r) => r.operation === 'UpdateIpamServer');
  expect(run?.runId).toBe(last?.runId);
  expect(state.runsIn('running', 'committed', 'rolledback', 'interrupted')).toEqual([]);
});

test('a host on a simulated SQL Server is upgraded in its server database', async () => {
  const servers = new SqlServerDirectory(FIXTURE.sqlServers ?? [], dataDir, state, {});
  await seedSimulatedDatabases(FIXTURE.sqlServers ?? [], servers, state);
  const params = { DatabaseServer: 'db1.contoso.com', DatabaseName: 'Ipamdb', DatabasePort: 1433, ProvisioningMethod: 1 };
  expect((await service.seed(host, params, '1.2'))?.kind).toBe('provisioned');
  expect(await update()).toEqual({ kind: 'updated', from: '1.2', to: '1.3' });
  expect((await summaryOf(path.join(dataDir, 'sqlservers', 'db1.contoso.com', 'ipamdb.sqlite'))).roles).toContain(DNS_ROLE);
});

test('without Force it asks the Update-IpamServer question (Critical) and goes on when the answer is yes', async () => {
  await seededAt12();
  const sink = new RecordingSink('yes');
  expect((await update({ force: false, events: sink })).kind).toBe('updated');
  expect(sink.seen).toEqual([{ type: 'Confirm', description: UPDATE_PROMPT, promptType: 'Critical' }]);
  expect(UPDATE_PROMPT).toBe(
    'Upgrading IPAM Server. As a part of upgrade, any changes in IPAM Server settings & configuration will be applied. Any requisite changes to database schema changes will be made. Do you want to continue?',
  );
});

test.each(['no', 'noToAll'] as const)("a declined prompt ('%s') changes nothing", async (answer) => {
  await seededAt12();
  const before = { config: config(), log: state.log(FQDN), runs: state.runsIn('done') };
  expect(await update({ force: false, events: new RecordingSink(answer) })).toEqual({ kind: 'declined' });
  expect({ config: config(), log: state.log(FQDN), runs: state.runsIn('done') }).toEqual(before);
  expect((await widSummary()).schemaVersion).toBe('1.2');
});

test('WhatIf says what it would do, asks nothing and changes nothing', async () => {
  await seededAt12();
  const before = { config: config(), log: state.log(FQDN) };
  const sink = new RecordingSink('no');
  expect(await update({ force: false, whatIf: true, events: sink })).toEqual({ kind: 'whatIf' });
  expect(sink.seen).toEqual([{ type: 'Verbose', description: 'What if: upgrading the IPAM schema of ipam1.contoso.com from 1.2 to 1.3.' }]);
  expect({ config: config(), log: state.log(FQDN) }).toEqual(before);
  expect((await widSummary()).schemaVersion).toBe('1.2');
  expect(state.runsIn('running', 'committed', 'rolledback')).toEqual([]);
});

test('a host already at the current schema: "No update is available"', async () => {
  expect((await service.seed(host, { ProvisioningMethod: 1 }))?.kind).toBe('provisioned');
  const log = state.log(FQDN);
  const err = await rejection(update());
  expect({ messageId: err.messageId, category: err.category, message: err.message }).toEqual({
    messageId: 'WIN32 4317',
    category: 'InvalidOperation',
    message: 'No update is available for IPAM on ipam1.contoso.com: its database schema is already at version 1.3.',
  });
  expect(state.log(FQDN)).toEqual(log);
});

test('after an upgrade there is no update left', async () => {
  await seededAt12();
  await update();
  expect((await rejection(update())).message).toContain('No update is available');
});

test('an unprovisioned host: "not provisioned", naming Invoke-IpamServerProvisioning, and nothing is written', async () => {
  const err = await rejection(update({ whatIf: true }));
  expect({ messageId: err.messageId, message: err.message }).toEqual({
    messageId: 'WIN32 4317',
    message: 'IPAM on ipam1.contoso.com is not provisioned. Run Invoke-IpamServerProvisioning first.',
  });
  expect(await rejection(update())).toMatchObject({ messageId: 'WIN32 4317' });
  expect(state.log(FQDN)).toEqual([]);
  expect(state.runsIn('running', 'committed', 'done', 'rolledback', 'interrupted')).toEqual([]);
});

test('while the host is busy (a provisioning or update running), an update is the in-progress error (WIN32 170)', async () => {
  await seededAt12();
  let release!: () => void;
  const held = service.engine.exclusive(host, () => new Promise<void>((r) => (release = r)));
  expect((await rejection(update())).messageId).toBe('WIN32 170');
  release();
  await held;
  expect((await update()).kind).toBe('updated');
});

test('a database server gone from the fixture: the unreachable error, logged, with no run left running', async () => {
  const servers = new SqlServerDirectory(FIXTURE.sqlServers ?? [], dataDir, state, {});
  await seedSimulatedDatabases(FIXTURE.sqlServers ?? [], servers, state);
  expect((await service.seed(host, { DatabaseServer: 'db1.contoso.com', DatabaseName: 'Ipamdb', DatabasePort: 1433 }, '1.2'))?.kind).toBe('provisioned');

  service = serviceWith(new SqlServerDirectory([], dataDir, state, {}));
  const err = await rejection(update());
  expect(err.messageId).toBe('WIN32 1231');
  expect(config()?.schemaVersion).toBe('1.2');
  expect(store.hostState(FQDN)?.provisioningState).toBe(ProvisioningState.Provisioned);
  expect(state.runsIn('running')).toEqual([]);
  expect(state.log(FQDN).at(-1)).toMatchObject({ taskCategory: 'Upgrade', operationalCode: 'Failed', messageId: 'WIN32 1231' });
});
