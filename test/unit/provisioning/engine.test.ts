/**
 * ProvisioningEngine on real state: a temporary data directory with
 * state.sqlite, the Fleet of fixtures/contoso.json, real WID files and a
 * recording EventSink. Failures are injected through the engine's own test
 * hook (EngineDeps.pauseAt), never by mocking our modules.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ProvisioningError } from '../../../src/provisioning/errors';
import { loadFixture, type Fixture } from '../../../src/config/fixture';
import { Fleet, type FleetHost, type Principal } from '../../../src/fleet/fleet';
import { ProvisioningEngine, type EngineDeps, type ProvisionInput, type ProvisionOutcome } from '../../../src/provisioning/engine';
import { validateProvisioningParameters, type RawProvisioningParameters } from '../../../src/provisioning/parameters';
import { STEPS } from '../../../src/provisioning/steps';
import type { EventSink, OperationEvent, PromptAnswer, PromptEvent } from '../../../src/providers/types';
import { IpamDatabase } from '../../../src/storage/ipamDb/ipamDatabase';
import { openSqliteIpamDatabase } from '../../../src/storage/ipamDb/sqlite';
import { IpamState, type RunState } from '../../../src/storage/ipamState';
import { seedSimulatedDatabases } from '../../../src/storage/seed';
import { SqlServerDirectory } from '../../../src/storage/sqlServers';
import { ProvisioningState, StateStore } from '../../../src/storage/stateStore';

const FIXTURE: Fixture = loadFixture();
const ADMIN: Principal = { name: 'Administrator', authority: 'IPAM1', groups: ['Administrators'] };
const FQDN = 'ipam1.contoso.com';
const WID_FILE = 'hosts/ipam1.contoso.com/fs/C/windows/system32/ipam/database/ipam.sqlite';
const ALL_RUN_STATES: RunState[] = ['running', 'committed', 'done', 'rolledback', 'interrupted'];
const SQL = { DatabaseServer: 'Db1.Contoso.com', DatabaseName: 'Ipamdb', DatabasePort: 1433 };
const AUTOMATIC = { ProvisioningMethod: 0, GpoPrefix: 'IPAM1' };

let dataDir: string;
let store: StateStore;
let state: IpamState;
let servers: SqlServerDirectory;
let host: FleetHost;
let logLines: string[];

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-'));
  store = StateStore.open(dataDir);
  const fleet = new Fleet(FIXTURE);
  store.ensureHosts(fleet.hosts.map((h) => h.fqdn));
  host = fleet.defaultHost;
  state = new IpamState(store.db);
  servers = new SqlServerDirectory(FIXTURE.sqlServers ?? [], dataDir, state, {});
  await seedSimulatedDatabases(FIXTURE.sqlServers ?? [], servers, state);
  logLines = [];
});
afterEach(() => {
  store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function engineWith(pauseAt?: EngineDeps['pauseAt']): ProvisioningEngine {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return new ProvisioningEngine({ state, servers, dataDir, log: pino({ level: 'debug' }, sink), pauseAt });
}

/** Collects what the engine emits, in order, and answers prompts as the test says. */
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
  prompts(): PromptEvent[] {
    return this.seen.filter((e): e is PromptEvent => e.type === 'Confirm');
  }
  verbose(): string[] {
    return this.seen.flatMap((e) => (e.type === 'Verbose' ? [e.description] : []));
  }
  progress(): Array<Extract<OperationEvent, { type: 'Progress' }>> {
    return this.seen.filter((e): e is Extract<OperationEvent, { type: 'Progress' }> => e.type === 'Progress');
  }
}

function provision(engine: ProvisioningEngine, params: RawProvisioningParameters, opts: Partial<ProvisionInput> = {}): Promise<ProvisionOutcome> {
  return engine.provision({ host, requester: ADMIN, request: validateProvisioningParameters(params), whatIf: false, events: new RecordingSink(), ...opts });
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

/** Files under the data directory, other than state.sqlite and its WAL. */
function dataFiles(): string[] {
  return fs
    .readdirSync(dataDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('state.sqlite'))
    .map((e) => path.relative(dataDir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Folders on the host's drives (below its sandbox root). */
function hostFolders(): string[] {
  const root = engineWith().sandbox(host).root;
  return fs.existsSync(root) ? fs.readdirSync(root, { recursive: true }).map(String) : [];
}

function provisioningState(): ProvisioningState | undefined {
  return store.hostState(FQDN)?.provisioningState;
}

async function widSummary() {
  const conn = openSqliteIpamDatabase(path.join(dataDir, WID_FILE), { create: false });
  try {
    return await new IpamDatabase(conn).summary();
  } finally {
    await conn.close();
  }
}

function expectUnprovisioned(): void {
  expect(state.hostConfig(FQDN)).toBeUndefined();
  expect(provisioningState()).toBe(ProvisioningState.NotProvisioned);
  expect(dataFiles().filter((f) => f.startsWith('hosts/'))).toEqual([]);
  expect(hostFolders()).toEqual([]);
}

const PLAN = [
  'Step 1 of 6: Configuring the IPAM service (WCF port and WinRM settings).',
  'Step 2 of 6: Creating and connecting to the IPAM database.',
  'Step 3 of 6: Creating the IPAM scheduled tasks.',
  'Step 4 of 6: Creating the IPAM roles and security groups.',
  'Step 5 of 6: Setting the provisioning method.',
  'Step 6 of 6: Enabling the optional capabilities.',
  'Database: the Windows Internal Database at C:\\Windows\\System32\\IPAM\\Database.',
  'Provisioning method: Manual.',
];

describe('events', () => {
  test('the plan as Verbose lines, the Critical prompt, then Progress rising from 0 to 100, one per step', async () => {
    const sink = new RecordingSink('yes');
    await provision(engineWith(), {}, { events: sink });
    expect(sink.verbose()).toEqual(PLAN);
    expect(sink.seen.map((e) => e.type)).toEqual([...PLAN.map(() => 'Verbose'), 'Confirm', ...STEPS.map(() => 'Progress'), 'Progress']);
    expect(sink.progress()).toEqual([
      ...STEPS.map((s, i) => ({
        type: 'Progress',
        activity: 'Provisioning IPAM on ipam1.contoso.com',
        currentOperation: s.title,
        statusDescription: s.title,
        percentComplete: [0, 17, 33, 50, 67, 83][i],
        secondsRemaining: -1,
      })),
      expect.objectContaining({ currentOperation: 'IPAM provisioning completed', percentComplete: 100 }),
    ]);
  });

  test('the plan names the GPOs for Automatic provisioning', async () => {
    const sink = new RecordingSink();
    await provision(engineWith(), { ...AUTOMATIC, Force: true }, { events: sink });
    expect(sink.verbose().at(-1)).toBe('Provisioning method: Automatic (GPO-based); GPOs IPAM1_DHCP, IPAM1_DNS, IPAM1_DC_NPS.');
  });

  const LINE_WID = 'The cmdlet will create a new IPAM database at C:\\Windows\\System32\\IPAM\\Database, create roles, and prepare IPAM for use.';
  const LINE_SQL = 'The cmdlet will create a new IPAM database, create roles, and prepare IPAM for use.';
  const LINE_MANUAL = 'Infrastructure servers managed by IPAM will have to be manually provisioned to provide access to IPAM. Read the product documentation for details.';
  const LINE_AUTOMATIC = 'IPAM will be configured to use Group Policy to provision the managed servers. Read the product documentation for details.';
  const first = (uses: string) => `This cmdlet will provision IPAM on ipam1.contoso.com. As a part of provisioning, this cmdlet will provision IPAM to use ${uses}`;

  test.each([
    ['WID, Manual', {}, [first('Windows Internal database.'), LINE_WID, LINE_MANUAL]],
    ['WID, Automatic', AUTOMATIC, [first('Windows Internal database.'), LINE_WID, LINE_AUTOMATIC]],
    ['SQL Server, Manual', SQL, [first('Microsoft SQL Server on Db1.Contoso.com.'), LINE_SQL, LINE_MANUAL]],
    ['SQL Server, Automatic', { ...SQL, ...AUTOMATIC }, [first('Microsoft SQL Server on Db1.Contoso.com.'), LINE_SQL, LINE_AUTOMATIC]],
  ])('the Confirm prompt for %s is the cmdlet text, line by line (reference §5)', async (_name, params: RawProvisioningParameters, lines) => {
    const sink = new RecordingSink('no');
    await provision(engineWith(), params, { events: sink });
    const prompts = sink.prompts();
    expect(prompts.map((p) => ({ type: p.type, promptType: p.promptType }))).toEqual([{ type: 'Confirm', promptType: 'Critical' }]);
    expect(prompts[0]?.description.split('\n')).toEqual([...lines, 'Do you want to continue?']);
  });

  test('Force asks nothing and logs no confirmation', async () => {
    const sink = new RecordingSink('no');
    expect((await provision(engineWith(), { Force: true }, { events: sink })).kind).toBe('provisioned');
    expect(sink.prompts()).toEqual([]);
    expect(state.log(FQDN).map((e) => e.operationalCode)).not.toContain('Confirmation');
  });

  test('onProgress is called after each step with the fraction done', async () => {
    const calls: Array<[number, string]> = [];
    await provision(engineWith(), { Force: true }, { onProgress: (f, s) => calls.push([f, s]) });
    expect(calls).toEqual(STEPS.map((s, i) => [(i + 1) / 6, s.title]));
  });
});

describe('the confirmation answer', () => {
  test.each(['no', 'noToAll'] as const)("'%s' declines: nothing changes but a Confirmation log entry", async (answer) => {
    const sink = new RecordingSink(answer);
    expect(await provision(engineWith(), {}, { events: sink })).toEqual({ kind: 'declined' });
    expectUnprovisioned();
    expect(dataFiles()).toEqual(['sqlservers/db1.contoso.com/ipamdb.sqlite']);
    expect(state.runsIn(...ALL_RUN_STATES)).toEqual([]);
    expect(sink.progress()).toEqual([]);
    const log = state.log(FQDN);
    expect(log.map((e) => [e.operationalCode, e.severity, e.userName, e.userDomain])).toEqual([['Confirmation', 2, 'Administrator', 'IPAM1']]);
    expect(log[0]?.message).toBe(`Confirmation asked: "${sink.prompts()[0]?.description.replace(/\n/g, ' ')}" Answer: ${answer}.`);
  });

  test.each(['yes', 'yesToAll'] as const)("'%s' provisions: configuration, state, database, log and journal agree", async (answer) => {
    const outcome = await provision(engineWith(), {}, { events: new RecordingSink(answer) });
    if (outcome.kind !== 'provisioned') throw new Error(`got ${outcome.kind}`);
    expect(state.hostConfig(FQDN)).toEqual(outcome.configuration);
    expect(outcome.configuration).toMatchObject({ version: '1.3', schemaVersion: '1.3', provisioningMethod: 'Manual', provisionedBy: 'IPAM1\\Administrator' });
    expect(provisioningState()).toBe(ProvisioningState.Provisioned);
    expect(dataFiles()).toEqual([WID_FILE, 'sqlservers/db1.contoso.com/ipamdb.sqlite'].sort());
    expect((await widSummary()).capabilities).toEqual({ IpAddressTracking: 'Enabled' });
    expect(state.log(FQDN).map((e) => e.operationalCode)).toEqual(['Confirmation', ...STEPS.map((s) => s.id), 'Completed']);
    expect(state.log(FQDN).every((e) => e.runId === outcome.runId)).toBe(true);
    expect(state.runsIn('done').map((r) => r.runId)).toEqual([outcome.runId]);
    expect(state.runsIn('running', 'committed', 'rolledback', 'interrupted')).toEqual([]);
  });
});

test('WhatIf reports the plan and changes nothing: no prompt, no log, no journal, no files', async () => {
  const sink = new RecordingSink('no');
  expect(await provision(engineWith(), {}, { events: sink, whatIf: true })).toEqual({ kind: 'whatIf', plan: PLAN });
  expect(sink.verbose()).toEqual([...PLAN, ...PLAN.map((l) => `What if: ${l}`)]);
  expect(sink.prompts()).toEqual([]);
  expectUnprovisioned();
  expect(state.log(FQDN)).toEqual([]);
  expect(state.runsIn(...ALL_RUN_STATES)).toEqual([]);
});

describe('a failure before the commit undoes every step', () => {
  test.each([1, 2, 3, 4, 5, 6])('failing before step %i', async (n) => {
    const engine = engineWith(async (point) => {
      if (point === `step:${n}`) throw new Error(`injected failure at ${point}`);
    });
    const err = await rejection(provision(engine, { Force: true }));
    expect({ kind: err.kind, messageId: err.messageId }).toEqual({ kind: 'Failed', messageId: 'WIN32 1359' });
    expect(err.message).toMatch(/^Provisioning IPAM on ipam1\.contoso\.com failed during ".+" because of an internal error of the emulator; every step done was undone\./);

    expectUnprovisioned();
    expect(dataFiles()).toEqual(['sqlservers/db1.contoso.com/ipamdb.sqlite']);
    expect(engine.isBusy(FQDN)).toBe(false);
    const [run, ...others] = state.runsIn(...ALL_RUN_STATES);
    expect({ state: run?.state, others }).toEqual({ state: 'rolledback', others: [] });

    const log = state.log(FQDN);
    expect(log.map((e) => e.operationalCode)).toEqual([...STEPS.slice(0, n - 1).map((s) => s.id), 'Failed']);
    for (const e of log.slice(0, -1)) expect(e.message).toMatch(/ This step was undone\.$/);
    expect(log.at(-1)).toMatchObject({ keywords: 'Failure', severity: 5, messageId: 'WIN32 1359', message: `Provisioning IPAM on ipam1.contoso.com failed: ${err.message}`, runId: run?.runId });
    expect(logLines.join('')).toContain(`injected failure at step:${n}`);

    // Cleanly unprovisioned: the same request now succeeds.
    expect((await provision(engineWith(), { Force: true })).kind).toBe('provisioned');
  });

  test('a new database on a simulated SQL Server is not left behind, in the catalog or on disk', async () => {
    const engine = engineWith(async (point) => {
      if (point === 'step:6') throw new Error('injected');
    });
    const params = { ...SQL, DatabaseName: 'NewIpam', DatabaseAuthType: 2, DatabaseCredential: 'IpamSql:Sq1-Passw0rd!', Force: true };
    await rejection(provision(engine, params));
    expect(state.simulatedDatabase('db1.contoso.com', 'NewIpam')).toBeUndefined();
    expect(dataFiles()).toEqual(['sqlservers/db1.contoso.com/ipamdb.sqlite']);
    expect(state.hostConfig(FQDN)).toBeUndefined();
  });

  test("a WidSchemaPath through a file is the parameter's error, not an internal one, and nothing is left", async () => {
    const engine = engineWith();
    const root = engine.sandbox(host).root;
    fs.mkdirSync(path.join(root, 'D', 'data'), { recursive: true });
    fs.writeFileSync(path.join(root, 'D', 'data', 'ipam'), 'a file');
    const err = await rejection(provision(engine, { WidSchemaPath: 'D:\\Data\\IPAM\\Database', Force: true }));
    expect(err.message).toContain("WidSchemaPath 'D:\\Data\\IPAM\\Database' cannot be used");
    expect(err.messageId).not.toBe('WIN32 1359');
    expect(state.hostConfig(FQDN)).toBeUndefined();
    expect(provisioningState()).toBe(ProvisioningState.NotProvisioned);
    // What was there before is all that is there now.
    expect(hostFolders().sort()).toEqual(['D', path.join('D', 'data'), path.join('D', 'data', 'ipam')]);
    expect(fs.readFileSync(path.join(root, 'D', 'data', 'ipam'), 'utf8')).toBe('a file');
  });

  test('a simulated SQL database whose file is damaged is refused, and the file is left as it was', async () => {
    const file = path.join(dataDir, 'sqlservers', 'db1.contoso.com', 'ipamdb.sqlite');
    fs.writeFileSync(file, 'not a database');
    const err = await rejection(provision(engineWith(), { ...SQL, Force: true }));
    expect({ messageId: err.messageId, message: err.message }).toEqual({
      messageId: 'WIN32 13',
      message: "the database Ipamdb on Db1.Contoso.com cannot be read: its file in the emulator's data directory is damaged. Reset the SQL Server through the admin API, or choose another database.",
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('not a database');
    expect(state.hostConfig(FQDN)).toBeUndefined();
  });

  test('an aborted signal cancels the run (WIN32 995) and undoes it', async () => {
    const controller = new AbortController();
    const engine = engineWith(async (point) => {
      if (point === 'step:4') controller.abort();
    });
    const err = await rejection(provision(engine, { Force: true }, { signal: controller.signal }));
    expect({ messageId: err.messageId, category: err.category, message: err.message }).toEqual({
      messageId: 'WIN32 995',
      category: 'OperationStopped',
      message: 'The IPAM provisioning of ipam1.contoso.com was cancelled; every step done was undone.',
    });
    expectUnprovisioned();
    expect(state.log(FQDN).map((e) => e.operationalCode)).toEqual(['service', 'database', 'tasks', 'Failed']);
    expect(state.log(FQDN).at(-1)?.messageId).toBe('WIN32 995');
    expect(state.runsIn('rolledback')).toHaveLength(1);
  });
});

test('a failure after the commit leaves the host provisioned, never half: the committed run is finished, not rolled back', async () => {
  const engine = engineWith(async (point) => {
    if (point === 'committed') throw new Error('injected failure after the commit');
  });
  await provision(engine, { Force: true }).catch(() => undefined);
  // What the next start does with whatever the journal says.
  await engineWith().recover();

  expect(state.hostConfig(FQDN)).toBeDefined();
  expect(provisioningState()).toBe(ProvisioningState.Provisioned);
  expect(dataFiles().filter((f) => f.startsWith('hosts/'))).toEqual([WID_FILE]);
  expect((await widSummary()).schemaVersion).toBe('1.3');
  expect(state.runsIn('rolledback', 'running', 'interrupted')).toEqual([]);
});

describe('one run at a time per host', () => {
  test('a second provisioning while one is held gets WIN32 170; after it ends, provisioning works again', async () => {
    let reached!: () => void;
    let release!: () => void;
    const atStep2 = new Promise<void>((r) => (reached = r));
    const held = new Promise<void>((r) => (release = r));
    const engine = engineWith(async (point) => {
      if (point === 'step:2') {
        reached();
        await held;
      }
    });
    const running = provision(engine, { Force: true });
    await atStep2;
    expect(engine.isBusy(FQDN)).toBe(true);
    expect(provisioningState()).toBe(ProvisioningState.Provisioning);

    const err = await rejection(provision(engine, { Force: true }));
    expect({ kind: err.kind, messageId: err.messageId, category: err.category, source: err.target, message: err.message }).toEqual({
      kind: 'Failed',
      messageId: 'WIN32 170',
      category: 'ResourceBusy',
      source: FQDN,
      message: 'An IPAM provisioning or update is already in progress on ipam1.contoso.com. Wait for it to finish, then try again.',
    });
    expect((await rejection(engine.exclusive(host, async () => 'never'))).messageId).toBe('WIN32 170');
    expect(state.runsIn(...ALL_RUN_STATES)).toHaveLength(1);

    release();
    expect((await running).kind).toBe('provisioned');
    expect(engine.isBusy(FQDN)).toBe(false);
    expect((await provision(engine, { Force: true })).kind).toBe('unchanged');
    expect(await engine.exclusive(host, async () => 'ran')).toBe('ran');
  });

  test('exclusive() frees the host when its function throws', async () => {
    const engine = engineWith();
    await expect(engine.exclusive(host, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(engine.isBusy(FQDN)).toBe(false);
  });
});

describe('recover()', () => {
  test('a run left running is undone: its staged file and created folders go, it is marked interrupted and logged', async () => {
    const engine = engineWith();
    const runId = 'RUN-INTERRUPTED';
    state.startRun({ runId, fqdn: FQDN, operation: 'InvokeIpamServerProvisioning', request: {} });
    state.setProvisioningState(FQDN, ProvisioningState.Provisioning);
    const created = engine.sandbox(host).mkdirs('D:\\IPAM\\Database');
    for (const dir of created) state.addArtifact(runId, { kind: 'createdDir', path: dir });
    const final = path.join(created.at(-1) as string, 'ipam.sqlite');
    const staged = `${final}.${runId}.staging`;
    state.addArtifact(runId, { kind: 'stagedFile', staged, final });
    fs.writeFileSync(staged, 'half-built');
    // SQLite's rollback journal, as a process killed inside the schema's transaction leaves it (issue 14).
    fs.writeFileSync(`${staged}-journal`, 'hot journal');
    // The host's folder and its fs root, D, IPAM, Database.
    expect(created).toHaveLength(5);

    expect(await engine.recover()).toEqual([{ runId, fqdn: FQDN, operation: 'InvokeIpamServerProvisioning', outcome: 'undone' }]);
    expect(hostFolders()).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'hosts', FQDN))).toBe(false);
    expect(fs.existsSync(final)).toBe(false);
    expect(provisioningState()).toBe(ProvisioningState.NotProvisioned);
    expect(state.runsIn('interrupted').map((r) => r.runId)).toEqual([runId]);
    expect(state.runsIn('running')).toEqual([]);
    expect(state.log(FQDN)).toEqual([
      expect.objectContaining({
        operationalCode: 'Interrupted',
        keywords: 'Failure',
        severity: 5,
        userName: 'SYSTEM',
        userDomain: 'NT AUTHORITY',
        runId,
        message: 'InvokeIpamServerProvisioning on ipam1.contoso.com was interrupted when the emulator stopped; every step done was undone.',
      }),
    ]);
    expect(await engine.recover()).toEqual([]);
  });

  test('an interrupted run leaves a folder that holds something else, and a provisioned host stays provisioned', async () => {
    const engine = engineWith();
    await provision(engine, { Force: true });
    const runId = 'RUN-UPDATE';
    state.startRun({ runId, fqdn: FQDN, operation: 'UpdateIpamServer', request: {} });
    const final = path.join(dataDir, WID_FILE);
    state.addArtifact(runId, { kind: 'createdDir', path: path.dirname(final) });
    state.addArtifact(runId, { kind: 'stagedFile', staged: `${final}.${runId}.staging`, final });
    fs.copyFileSync(final, `${final}.${runId}.staging`);

    expect(await engine.recover()).toEqual([{ runId, fqdn: FQDN, operation: 'UpdateIpamServer', outcome: 'undone' }]);
    expect(dataFiles().filter((f) => f.startsWith('hosts/'))).toEqual([WID_FILE]);
    expect(provisioningState()).toBe(ProvisioningState.Provisioned);
    expect((await widSummary()).schemaVersion).toBe('1.3');
  });

  test('a committed run has its staged file renamed into place and is marked done', async () => {
    const engine = engineWith();
    const runId = 'RUN-COMMITTED';
    const folder = engine.sandbox(host).mkdirs('D:\\Db').at(-1) as string;
    const final = path.join(folder, 'ipam.sqlite');
    state.startRun({ runId, fqdn: FQDN, operation: 'InvokeIpamServerProvisioning', request: {} });
    state.addArtifact(runId, { kind: 'createdDir', path: folder });
    state.addArtifact(runId, { kind: 'stagedFile', staged: `${final}.${runId}.staging`, final });
    fs.writeFileSync(`${final}.${runId}.staging`, 'the new database');
    state.setRunState(runId, 'committed');

    expect(await engine.recover()).toEqual([{ runId, fqdn: FQDN, operation: 'InvokeIpamServerProvisioning', outcome: 'completed' }]);
    expect(fs.readdirSync(folder)).toEqual(['ipam.sqlite']);
    expect(fs.readFileSync(final, 'utf8')).toBe('the new database');
    expect(state.runsIn('done').map((r) => r.runId)).toEqual([runId]);
    expect(state.runsIn('committed')).toEqual([]);
    expect(state.log(FQDN)).toEqual([]);
  });

  test('a committed run whose file was already renamed before the crash is simply marked done', async () => {
    const engine = engineWith();
    const folder = engine.sandbox(host).mkdirs('D:\\Db').at(-1) as string;
    const final = path.join(folder, 'ipam.sqlite');
    fs.writeFileSync(final, 'renamed already');
    state.startRun({ runId: 'R', fqdn: FQDN, operation: 'InvokeIpamServerProvisioning', request: {} });
    state.addArtifact('R', { kind: 'stagedFile', staged: `${final}.R.staging`, final });
    state.setRunState('R', 'committed');
    expect(await engine.recover()).toEqual([{ runId: 'R', fqdn: FQDN, operation: 'InvokeIpamServerProvisioning', outcome: 'completed' }]);
    expect(fs.readFileSync(final, 'utf8')).toBe('renamed already');
  });
});

describe('provisioning a provisioned host', () => {
  test('the same settings change nothing and log nothing; the WID path compares case-insensitively', async () => {
    const engine = engineWith();
    const first = await provision(engine, { Force: true });
    if (first.kind !== 'provisioned') throw new Error(first.kind);
    const log = state.log(FQDN);
    const sink = new RecordingSink('no');
    expect(await provision(engine, {}, { events: sink })).toEqual({ kind: 'unchanged', configuration: first.configuration });
    expect(await provision(engine, { WidSchemaPath: 'c:\\windows\\system32\\ipam\\database', Force: true })).toMatchObject({ kind: 'unchanged' });
    expect(await provision(engine, { Force: true }, { whatIf: true })).toEqual({
      kind: 'whatIf',
      plan: ['IPAM on ipam1.contoso.com is already provisioned with these settings; nothing would change.'],
    });
    expect(sink.seen).toEqual([]);
    expect(state.log(FQDN)).toEqual(log);
  });

  test.each([
    ['another WID folder', { WidSchemaPath: 'D:\\Database' }, 'the Windows Internal Database at D:\\Database'],
    ['a SQL Server database', SQL, 'the database Ipamdb on Db1.Contoso.com,1433'],
  ])('%s is the Move-IpamDatabase error', async (_name, params: RawProvisioningParameters, requested) => {
    const engine = engineWith();
    await provision(engine, { Force: true });
    const err = await rejection(provision(engine, { ...params, Force: true }));
    expect({ messageId: err.messageId, category: err.category, message: err.message }).toEqual({
      messageId: 'WIN32 4317',
      category: 'InvalidOperation',
      message: `IPAM on ipam1.contoso.com is already provisioned, using the Windows Internal Database at C:\\Windows\\System32\\IPAM\\Database. Provisioning cannot change the database (${requested} was asked for): use Move-IpamDatabase to move the IPAM data to another database.`,
    });
  });

  test.each([
    ['Automatic instead of Manual', AUTOMATIC],
    ['another GPO prefix', { ProvisioningMethod: 0, GpoPrefix: 'Other' }],
  ])('%s is the Set-IpamConfiguration error', async (_name, params) => {
    const engine = engineWith();
    await provision(engine, { ...(params === AUTOMATIC ? {} : AUTOMATIC), Force: true });
    const err = await rejection(provision(engine, { ...params, Force: true }));
    expect(err.messageId).toBe('WIN32 4317');
    expect(err.message).toBe(
      'IPAM on ipam1.contoso.com is already provisioned with another provisioning method or GPO prefix. Use Set-IpamConfiguration -ProvisioningMethod to change it.',
    );
    expect(state.log(FQDN).filter((e) => e.operationalCode === 'Completed')).toHaveLength(1);
  });
});
