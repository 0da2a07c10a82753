/**
 * Snapshots (issue 12) over real sockets: take, provision, restore; the archive and
 * `serve --restore` in a real child process of the CLI; refusals while jobs run and for bad
 * names; no password or private key in an archive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { ACTION, ADMIN, WMI, bodyOf, call, child, elements, faultOf, itemsOf, NS, propsOf, textOf, type EnvelopeSpec } from '../support/soap';
import { ShellClient } from '../support/shell';
import { startEmulator, tempDir, type TestEmulator } from '../support/emulator';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';

const SERVER = WMI + 'MSFT_IPAM_Server';
const DBCONFIG = WMI + 'MSFT_IPAM_DBConfig';
const JOB = WMI + 'MSFT_IPAM_ConcreteJob';
const AS_JOB = '<w:Option Name="IpamEmulator_AsJob" Type="xs:boolean">true</w:Option>';
const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const WID_FILE = ['fs', 'C', 'windows', 'system32', 'ipam', 'database', 'ipam.sqlite'];
const SQL_AUTH =
  '<p:DatabaseServer>db1.contoso.com</p:DatabaseServer><p:DatabaseName>Snapdb</p:DatabaseName><p:DatabasePort>1433</p:DatabasePort>' +
  '<p:DatabaseAuthType>2</p:DatabaseAuthType><p:DatabaseCredential>IpamSql:Sq1-Passw0rd!</p:DatabaseCredential><p:Force>true</p:Force>';

function fleetOf(count: number): Fixture {
  const base = contoso as Fixture;
  const template = base.hosts[0]!;
  return { ...base, hosts: Array.from({ length: count }, (_, i) => ({ ...template, fqdn: `ipam${i + 1}.contoso.com` })) };
}

const running: TestEmulator[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(running.splice(0).map((e) => e.stop()));
});
async function fresh(opts: { fixture?: Fixture | string; stepDelayMs?: number; dataDir?: string } = {}): Promise<TestEmulator> {
  const emu = await startEmulator(opts);
  running.push(emu);
  return emu;
}

interface Reply<T> {
  status: number;
  body: T;
}
async function admin<T = unknown>(url: string, p: string, method = 'GET', body?: string): Promise<Reply<T>> {
  const res = await fetch(url.replace(/\/wsman$/, `/_emulator${p}`), {
    method,
    headers: { Authorization: ADMIN, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}
const take = (url: string, name: unknown): Promise<Reply<SnapshotInfo & { error?: string }>> => admin(url, '/snapshots', 'POST', JSON.stringify({ name }));
const restore = (url: string, name: string): Promise<Reply<{ snapshot: SnapshotInfo; hosts: HostSummary[]; error?: string }>> => admin(url, `/snapshots/${name}/restore`, 'POST');

interface SnapshotInfo {
  name: string;
  createdAt: string;
  hosts: number;
  provisioned: number;
  sizeBytes: number;
}
interface HostSummary {
  fqdn: string;
  provisioningState: string;
}

function provisionSpec(params = '<p:Force>true</p:Force>', optionsXml?: string): EnvelopeSpec {
  return {
    action: `${SERVER}/InvokeIpamServerProvisioning`,
    resourceUri: SERVER,
    body: `<p:InvokeIpamServerProvisioning_INPUT xmlns:p="${SERVER}">${params}</p:InvokeIpamServerProvisioning_INPUT>`,
    optionsXml,
  };
}

async function provisionAsJob(url: string, host: string, params?: string): Promise<string> {
  const r = await call(url, provisionSpec(params, AS_JOB), { Host: host });
  expect(r.status).toBe(200);
  const job = elements(elements(bodyOf(r.xml))[0]!).find((e) => e.local === 'Job')!;
  const sel = child(child(job, NS.addressing, 'ReferenceParameters')!, NS.wsman, 'SelectorSet')!;
  return textOf(elements(sel)[0]!);
}

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const jobsIn = async (url: string, state: string): Promise<number> => (await admin<unknown[]>(url, `/jobs?state=${state}`)).body.length;

/** The reply's Body as text: what a client reads, without the header's MessageID and RelatesTo. */
async function enumerateBody(url: string, classUri: string, host: string): Promise<string> {
  const r = await call(url, { action: ACTION.enumerate, resourceUri: classUri, body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>32000</w:MaxElements></n:Enumerate>' }, { Host: host });
  expect(r.status).toBe(200);
  const m = /<(\w+:)?Body[\s>][\s\S]*<\/(\w+:)?Body>/.exec(r.text);
  if (!m) throw new Error(`no Body in ${r.text}`);
  return m[0];
}

async function provisioningState(url: string, host: string): Promise<string | null | undefined> {
  const r = await call(url, { action: ACTION.enumerate, resourceUri: SERVER, body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' }, { Host: host });
  return propsOf(itemsOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse')!)[0]!).ProvisioningState;
}

describe('taking and restoring a snapshot', () => {
  test('save, provision, restore: the host is unprovisioned again and its WID file is gone; the later snapshot brings both back', async () => {
    const emu = await fresh();
    const wid = path.join(emu.dataDir, 'hosts', 'ipam1.contoso.com', ...WID_FILE);
    const clean = await take(emu.url, 'clean');
    expect(clean.status).toBe(201);
    expect(clean.body).toMatchObject({ name: 'clean', hosts: 1, provisioned: 0 });

    expect((await call(emu.url, provisionSpec(), { Host: 'ipam1.contoso.com' })).status).toBe(200);
    expect(fs.existsSync(wid)).toBe(true);
    expect(await provisioningState(emu.url, 'ipam1.contoso.com')).toBe('2');
    const provisioned = await take(emu.url, 'provisioned');
    expect(provisioned.body).toMatchObject({ name: 'provisioned', hosts: 1, provisioned: 1 });

    const back = await restore(emu.url, 'clean');
    expect(back.status).toBe(200);
    expect(back.body.snapshot.name).toBe('clean');
    expect(back.body.hosts.map((h) => h.provisioningState)).toEqual(['NotProvisioned']);
    expect(await provisioningState(emu.url, 'ipam1.contoso.com')).toBe('0');
    expect(fs.existsSync(wid)).toBe(false);
    expect(fs.existsSync(path.join(emu.dataDir, 'hosts', 'ipam1.contoso.com'))).toBe(false);

    const again = await restore(emu.url, 'provisioned');
    expect(again.body.hosts.map((h) => h.provisioningState)).toEqual(['Provisioned']);
    expect(fs.existsSync(wid)).toBe(true);
    const db = await call(emu.url, { action: ACTION.enumerate, resourceUri: DBCONFIG, body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' });
    expect(propsOf(itemsOf(child(bodyOf(db.xml), NS.enumeration, 'EnumerateResponse')!)[0]!)).toMatchObject({ DatabaseType: '1' });
    // The restored host is usable: provisioning it again with the same settings changes nothing.
    expect((await call(emu.url, provisionSpec(), { Host: 'ipam1.contoso.com' })).status).toBe(200);
  });

  test('a restore ends open enumerations, closes shells and brings back the jobs and simulated databases of its time', async () => {
    const emu = await fresh({ fixture: fleetOf(2) });
    const id = await provisionAsJob(emu.url, 'ipam2.contoso.com', SQL_AUTH);
    await waitUntil(async () => (await jobsIn(emu.url, 'Completed')) === 1, 'the job to complete');
    const sqlFile = path.join(emu.dataDir, 'sqlservers', 'db1.contoso.com', 'snapdb.sqlite');
    expect(fs.existsSync(sqlFile)).toBe(true);
    expect((await take(emu.url, 'with-job')).status).toBe(201);
    expect((await admin(emu.url, '/reset', 'POST')).status).toBe(200);
    expect(fs.existsSync(sqlFile)).toBe(false);

    const e = await call(emu.url, { action: ACTION.enumerate, resourceUri: SERVER, body: '<n:Enumerate/>' });
    const context = textOf(child(child(bodyOf(e.xml), NS.enumeration, 'EnumerateResponse')!, NS.enumeration, 'EnumerationContext')!);
    const shell = new ShellClient(emu.url);
    await shell.create();
    expect((await admin<unknown[]>(emu.url, '/shells')).body).toHaveLength(1);

    expect((await restore(emu.url, 'with-job')).status).toBe(200);
    expect((await admin<unknown[]>(emu.url, '/shells')).body).toEqual([]);
    const pull = await call(emu.url, { action: ACTION.pull, resourceUri: SERVER, body: `<n:Pull><n:EnumerationContext>${context}</n:EnumerationContext></n:Pull>` });
    expect(faultOf(pull.xml).subcode).toContain('InvalidEnumerationContext');
    const job = await call(emu.url, { action: ACTION.get, resourceUri: JOB, selectors: { InstanceID: id } }, { Host: 'ipam2.contoso.com' });
    expect(propsOf(elements(bodyOf(job.xml))[0]!)).toMatchObject({ JobState: '7' });
    expect(fs.existsSync(sqlFile)).toBe(true);
    // The catalog row points into this data directory again: a fleet reset removes the file.
    expect((await admin(emu.url, '/reset', 'POST')).status).toBe(200);
    expect(fs.existsSync(sqlFile)).toBe(false);
  });

  test('taking and restoring are refused with 409 while a job runs, and work once it has ended', async () => {
    const emu = await fresh({ stepDelayMs: 100 });
    expect((await take(emu.url, 'before')).status).toBe(201);
    await provisionAsJob(emu.url, 'ipam1.contoso.com');
    const refusedTake = await take(emu.url, 'during');
    expect(refusedTake.status).toBe(409);
    expect(refusedTake.body).toMatchObject({ hosts: ['ipam1.contoso.com'] });
    expect(refusedTake.body.error).toContain('jobs are queued or running on ipam1.contoso.com');
    const refusedRestore = await restore(emu.url, 'before');
    expect(refusedRestore.status).toBe(409);
    expect(refusedRestore.body.error).toContain('ipam1.contoso.com');
    expect((await admin<SnapshotInfo[]>(emu.url, '/snapshots')).body.map((s) => s.name)).toEqual(['before']);

    await waitUntil(async () => (await jobsIn(emu.url, 'Completed')) === 1, 'the job to complete');
    expect((await take(emu.url, 'during')).status).toBe(201);
    expect((await restore(emu.url, 'before')).body.hosts.map((h) => h.provisioningState)).toEqual(['NotProvisioned']);
  });

  test('list, get, delete; a name taken twice is refused; an unknown name is 404 everywhere', async () => {
    const emu = await fresh();
    const a = await take(emu.url, 'a.first_one-1');
    expect(a.status).toBe(201);
    expect((await take(emu.url, 'a.first_one-1')).status).toBe(409);
    const list = await admin<SnapshotInfo[]>(emu.url, '/snapshots');
    expect(list.body).toEqual([a.body]);
    expect(Object.keys(a.body).sort()).toEqual(['createdAt', 'emulatorVersion', 'fixture', 'hosts', 'name', 'provisioned', 'sizeBytes']);
    expect(a.body.sizeBytes).toBe(fs.statSync(path.join(emu.dataDir, 'snapshots', 'a.first_one-1.sqlar')).size);
    expect((await admin(emu.url, '/snapshots/a.first_one-1')).body).toEqual(a.body);
    const index = await admin<{ endpoints: string[] }>(emu.url, '/');
    expect(index.body.endpoints).toEqual(expect.arrayContaining(['GET snapshots', 'POST snapshots', 'POST snapshots/:name/restore', 'GET snapshots/:name/archive', 'DELETE snapshots/:name']));

    for (const [method, p] of [
      ['POST', '/snapshots/nothing/restore'],
      ['GET', '/snapshots/nothing'],
      ['GET', '/snapshots/nothing/archive'],
      ['DELETE', '/snapshots/nothing'],
    ] as const) {
      const r = await admin<{ error: string }>(emu.url, p, method);
      expect({ method, p, status: r.status, body: r.body }).toEqual({ method, p, status: 404, body: { error: 'no snapshot nothing' } });
    }
    expect((await admin(emu.url, '/snapshots/a.first_one-1', 'DELETE')).status).toBe(204);
    expect((await admin(emu.url, '/snapshots')).body).toEqual([]);
    expect((await admin(emu.url, '/snapshots', 'GET')).status).toBe(200);
  });
});

describe('hostile snapshot names and bodies', () => {
  test('bad names are refused with 400 and a precise message, and change nothing', async () => {
    const emu = await fresh();
    const files = (): string[] => (fs.readdirSync(emu.dataDir, { recursive: true }) as string[]).sort();
    const before = files();
    const cases: Array<[unknown, string]> = [
      ['../x', "a snapshot name may hold only letters A-Z a-z, digits, '.', '_' and '-'; '/' at position 3 is not allowed (a snapshot name is not a path)"],
      ['..\\x', "a snapshot name may hold only letters A-Z a-z, digits, '.', '_' and '-'; '\\' at position 3 is not allowed (a snapshot name is not a path)"],
      ['', 'a snapshot name may not be empty'],
      ['a'.repeat(101), 'a snapshot name is at most 100 characters; this one has 101'],
      ['with space', "a snapshot name may hold only letters A-Z a-z, digits, '.', '_' and '-'; U+0020 at position 5 is not allowed"],
      ['café', "a snapshot name may hold only letters A-Z a-z, digits, '.', '_' and '-'; U+00E9 at position 4 is not allowed"],
      ['x\u0000y', "a snapshot name may hold only letters A-Z a-z, digits, '.', '_' and '-'; U+0000 at position 2 is not allowed"],
      ['..', "a snapshot name may not start with '.'"],
      ['.hidden', "a snapshot name may not start with '.'"],
      [undefined, 'a snapshot name is required: give "name", 1 to 100 characters of A-Z a-z 0-9 . _ -'],
      [42, 'a snapshot name is a string, not number'],
      [['a'], 'a snapshot name is a string, not an array'],
    ];
    for (const [name, error] of cases) {
      const r = await take(emu.url, name);
      expect({ name, status: r.status, body: r.body }).toEqual({ name, status: 400, body: { error } });
    }
    expect((await take(emu.url, 'a'.repeat(100))).status).toBe(201);
    const notJson = await admin<{ error: string }>(emu.url, '/snapshots', 'POST', '{"name": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toBe('the body is not valid JSON');
    const notObject = await admin<{ error: string }>(emu.url, '/snapshots', 'POST', '["x"]');
    expect(notObject).toEqual({ status: 400, body: { error: 'send a JSON object {"name": "…"} with Content-Type: application/json' } });

    // In the path: an encoded slash decodes to '../x' and is refused the same way, for every verb.
    for (const [method, p] of [
      ['POST', '/snapshots/..%2Fx/restore'],
      ['GET', '/snapshots/..%2Fx/archive'],
      ['GET', '/snapshots/..%2F..%2Fstate'],
      ['DELETE', '/snapshots/..%2Fx'],
    ] as const) {
      const r = await admin<{ error: string }>(emu.url, p, method);
      expect({ p, status: r.status }).toEqual({ p, status: 400 });
      expect(r.body.error).toMatch(/^a snapshot name may/);
    }
    const after = files();
    expect(after.filter((f) => !before.includes(f))).toEqual(['snapshots', path.join('snapshots', `${'a'.repeat(100)}.sqlar`)]);
  });

  test('a snapshot of another fleet is refused with 409 and says which hosts differ', async () => {
    const dataDir = tempDir();
    const small = await startEmulator({ fixture: fleetOf(1), dataDir });
    expect((await take(small.url, 'one-host')).status).toBe(201);
    await small.stop();
    const emu = await fresh({ fixture: fleetOf(3), dataDir });
    const r = await restore(emu.url, 'one-host');
    expect(r.status).toBe(409);
    expect(r.body.error).toBe(
      "The snapshot one-host's fleet is not this fleet: 2 of this fleet's 3 hosts are not in it (ipam2.contoso.com, ipam3.contoso.com). Start the emulator with the fixture (and --hosts) the snapshot was taken with.",
    );
  });
});

describe('the archive and serve --restore', () => {
  function startCli(args: string[]): { child: ChildProcess; output: () => string; listening: Promise<string>; exited: Promise<number | null> } {
    const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(proc);
    let out = '';
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const listening = new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer): void => {
        out += d.toString();
        const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
        if (m) resolve(m[1] as string);
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      void exited.then((code) => reject(new Error(`exited with ${code} before listening:\n${out}`)));
    });
    // A run expected to refuse its arguments never listens: only awaiting `listening` should see that.
    listening.catch(() => undefined);
    return { child: proc, output: () => out, listening, exited };
  }

  async function archiveOf(url: string, name: string): Promise<Buffer> {
    const res = await fetch(url.replace(/\/wsman$/, `/_emulator/snapshots/${name}/archive`), { headers: { Authorization: ADMIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${name}.sqlar"`);
    return Buffer.from(await res.arrayBuffer());
  }

  test('an archive started with serve --restore on an empty data dir answers Enumerate with the same bodies', async () => {
    const dir = tempDir();
    const fixtureFile = path.join(dir, 'fleet.json');
    fs.writeFileSync(fixtureFile, JSON.stringify(fleetOf(3)));
    const emu = await fresh({ fixture: fixtureFile });
    await provisionAsJob(emu.url, 'ipam1.contoso.com');
    await provisionAsJob(emu.url, 'ipam2.contoso.com', SQL_AUTH);
    await waitUntil(async () => (await jobsIn(emu.url, 'Completed')) === 2, 'the jobs to complete');
    expect((await take(emu.url, 'fleet')).body).toMatchObject({ hosts: 3, provisioned: 2 });
    const archive = path.join(dir, 'fleet.sqlar');
    fs.writeFileSync(archive, await archiveOf(emu.url, 'fleet'));

    const hosts = ['ipam1.contoso.com', 'ipam2.contoso.com', 'ipam3.contoso.com'];
    const classes = [SERVER, DBCONFIG, JOB];
    const expected: string[] = [];
    for (const h of hosts) for (const c of classes) expected.push(await enumerateBody(emu.url, c, h));
    expect(expected.join('')).toContain('Snapdb');

    const dataDir = path.join(dir, 'restored');
    const cli = startCli(['serve', '--port', '0', '--no-https', '--data-dir', dataDir, '--fixture', fixtureFile, '--restore', archive]);
    const url = await cli.listening;
    const got: string[] = [];
    for (const h of hosts) for (const c of classes) got.push(await enumerateBody(url, c, h));
    expect(got).toEqual(expected);
    expect(fs.existsSync(path.join(dataDir, 'hosts', 'ipam1.contoso.com', ...WID_FILE))).toBe(true);
    // The archive is kept as a snapshot of its own name, so a harness can restore it before each test.
    expect((await admin<SnapshotInfo[]>(url, '/snapshots')).body.map((s) => [s.name, s.provisioned])).toEqual([['fleet', 2]]);
    expect((await admin(url, '/reset', 'POST')).status).toBe(200);
    expect((await restore(url, 'fleet')).body.hosts.map((h) => h.provisioningState)).toEqual(['Provisioned', 'Provisioned', 'NotProvisioned']);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);

    // A data directory that holds state is refused, and so is an archive of another fleet.
    const again = startCli(['serve', '--port', '0', '--no-https', '--data-dir', dataDir, '--fixture', fixtureFile, '--restore', archive]);
    expect(await again.exited).toBe(2);
    expect(again.output()).toContain(`ipam-emulator: --restore needs an empty data directory, and ${dataDir} already holds`);
    const other = startCli(['serve', '--port', '0', '--no-https', '--data-dir', path.join(dir, 'other'), '--restore', archive]);
    expect(await other.exited).toBe(2);
    expect(other.output()).toContain(
      "ipam-emulator: fleet.sqlar's fleet is not this fleet: 2 of fleet.sqlar's 3 hosts are not in this fleet (ipam2.contoso.com, ipam3.contoso.com). Start the emulator with the fixture (and --hosts) the snapshot was taken with.",
    );
    expect(fs.existsSync(path.join(dir, 'other', 'state.sqlite'))).toBe(false);
    const notArchive = startCli(['serve', '--port', '0', '--no-https', '--data-dir', path.join(dir, 'third'), '--fixture', fixtureFile, '--restore', fixtureFile]);
    expect(await notArchive.exited).toBe(2);
    expect(notArchive.output()).toContain('ipam-emulator: fleet.json is not an IPAM emulator snapshot archive (not a SQLite database)');
  });

  test('an archive holds no password of the fixture or of a provisioning, and no TLS key', async () => {
    const emu = await fresh({ fixture: fleetOf(2) });
    expect((await call(emu.url, provisionSpec(SQL_AUTH), { Host: 'ipam1.contoso.com' })).status).toBe(200);
    expect((await call(emu.url, provisionSpec(), { Host: 'ipam2.contoso.com' })).status).toBe(200);
    expect(fs.existsSync(path.join(emu.dataDir, 'tls', 'key.pem'))).toBe(true);
    expect((await take(emu.url, 'secrets')).status).toBe(201);
    const bytes = await archiveOf(emu.url, 'secrets');
    const file = path.join(tempDir(), 'secrets.sqlar');
    fs.writeFileSync(file, bytes);
    // Entries are compressed: look inside each one as well as at the raw bytes.
    const db = new Database(file, { readonly: true });
    const entries = (db.prepare('SELECT name, sz, data FROM sqlar').all() as Array<{ name: string; sz: number; data: Buffer }>).map((e) => ({
      name: e.name,
      data: e.data.length === e.sz ? e.data : zlib.inflateSync(e.data),
    }));
    db.close();
    expect(entries.map((e) => e.name)).toEqual(expect.arrayContaining(['state.sqlite', 'sqlservers/db1.contoso.com/snapdb.sqlite', `hosts/ipam2.contoso.com/${WID_FILE.join('/')}`]));
    expect(entries.filter((e) => !/^(state\.sqlite$|hosts\/|sqlservers\/)/.test(e.name))).toEqual([]);
    for (const secret of ['Passw0rd!', 'Sa-Passw0rd!', 'Sq1-Passw0rd!', 'PRIVATE KEY']) {
      expect({ secret, raw: bytes.includes(secret) }).toEqual({ secret, raw: false });
      for (const e of entries) expect({ secret, entry: e.name, found: e.data.includes(secret) }).toEqual({ secret, entry: e.name, found: false });
    }
  });
});
