/**
 * 7. Snapshots (issue 12): a fleet of 100 and 1,000 provisioned hosts, each on a fresh emulator
 * child (`serve --hosts N --concurrency 32`), provisioned through the fleet fan-out
 * (MSFT_IPAM_Fleet.InvokeIpamServerProvisioningOnHosts, ThrottleLimit 32, WID, Force), then:
 *
 *  - take: `POST /_emulator/snapshots`, client wall time, 3 snapshots of the same state;
 *  - restore: `POST /_emulator/reset` (every host unprovisioned, its WID file gone), then
 *    `POST /_emulator/snapshots/{name}/restore`, client wall time, 3 times, each checked to bring
 *    back N provisioned hosts; and the same after a reset of one host only (what a harness that
 *    restores before each test mostly sees: a restore rewrites only the folders that differ);
 *  - the archive: its size, and `GET …/archive` to a file;
 *  - `serve --restore` of that archive on an empty data dir: start-up until every host answers,
 *    against the start-up of an empty data dir with the same hosts;
 *  - baseline, in the same run: `fs.cpSync` of the child's data directory (state.sqlite, its WAL,
 *    hosts/, sqlservers/, tls/; not the snapshots) into a fresh folder, 3 times, and its size —
 *    what copying the state as files costs, without consistency, compression or a restore.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmulator, tempDir, type ChildServer } from '../lib/children';
import { ADMIN_BASIC, envelope, IPAM_WMI, SOAP_CONTENT_TYPE } from '../lib/envelopes';
import { getJson, post200 } from '../lib/http';
import { fmtMs, Samples } from '../lib/stats';
import { passMark, table, type BenchConfig, type Floor, type Section } from '../lib/report';

const FLEET = `${IPAM_WMI}MSFT_IPAM_Fleet`;
const hostName = (k: number): string => `ipam${k}.contoso.com`;

interface AdminReply {
  readonly status: number;
  readonly body: Buffer;
  readonly ms: number;
}

/** One admin API request over a fresh connection, timed from sending to the last byte. */
function adminRequest(method: string, url: string, json?: unknown, saveTo?: string): Promise<AdminReply> {
  const payload = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
  const headers: Record<string, string> = { Authorization: ADMIN_BASIC };
  if (payload) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) });
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(url, { method, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      const out = saveTo && res.statusCode === 200 ? fs.createWriteStream(saveTo) : undefined;
      res.on('data', (c: Buffer) => (out ? out.write(c) : chunks.push(c)));
      res.on('end', () => {
        const done = (): void => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - t0 });
        if (out) out.end(done);
        else done();
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function expectStatus(r: Promise<AdminReply>, status: number, what: string): Promise<AdminReply> {
  const reply = await r;
  if (reply.status !== status) throw new Error(`${what}: HTTP ${reply.status} ${reply.body.toString('utf8').slice(0, 500)}`);
  return reply;
}

const adminUrl = (emu: ChildServer, p: string): string => emu.url.replace(/\/wsman$/, `/_emulator${p}`);

async function provisionedCount(emu: ChildServer): Promise<number> {
  const hosts = await getJson<Array<{ provisioningState: string }>>(adminUrl(emu, '/hosts'), ADMIN_BASIC);
  return hosts.filter((h) => h.provisioningState === 'Provisioned').length;
}

/** Provisions ipam1…ipamN through the fleet fan-out and waits for every job to end. */
async function provisionFleet(emu: ChildServer, hosts: number): Promise<void> {
  const list = Array.from({ length: hosts }, (_, i) => `<p:Hosts>${hostName(i + 1)}</p:Hosts>`).join('');
  const body = envelope({
    action: `${FLEET}/InvokeIpamServerProvisioningOnHosts`,
    resourceUri: FLEET,
    body: `<p:InvokeIpamServerProvisioningOnHosts_INPUT xmlns:p="${FLEET}">${list}<p:ThrottleLimit>32</p:ThrottleLimit><p:Force>true</p:Force></p:InvokeIpamServerProvisioningOnHosts_INPUT>`,
  });
  await post200(emu.url, body, { 'Content-Type': SOAP_CONTENT_TYPE, Authorization: ADMIN_BASIC }, 'the fleet fan-out');
  for (;;) {
    const active = await getJson<unknown[]>(adminUrl(emu, '/jobs?state=Running'), ADMIN_BASIC);
    const queued = await getJson<unknown[]>(adminUrl(emu, '/jobs?state=New'), ADMIN_BASIC);
    if (active.length === 0 && queued.length === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const n = await provisionedCount(emu);
  if (n !== hosts) throw new Error(`${n} of ${hosts} hosts were provisioned`);
}

function bytesUnder(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) total += fs.statSync(path.join(e.parentPath, e.name)).size;
  return total;
}

const fmtKB = (bytes: number): string => (bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 0 });

interface SnapshotResult {
  readonly hosts: number;
  readonly provisionS: number;
  readonly take: Samples;
  readonly restore: Samples;
  readonly restoreOne: Samples;
  readonly archiveBytes: number;
  readonly downloadMs: number;
  readonly baseline: Samples;
  readonly dataDirBytes: number;
  readonly startRestoreS: number;
  readonly startEmptyS: number;
}

async function snapshotRun(cfg: BenchConfig, hosts: number, repeat: number): Promise<SnapshotResult> {
  const dataDir = tempDir(`ipam-bench-snap-${hosts}-`);
  const scratch = tempDir(`ipam-bench-snap-${hosts}-scratch-`);
  const emu = await startEmulator({ label: `emulator (${hosts} hosts, snapshots)`, dataDir, hosts, concurrency: 32 });
  try {
    const p0 = performance.now();
    await provisionFleet(emu, hosts);
    const provisionS = (performance.now() - p0) / 1000;
    cfg.log(`  ${hosts} hosts provisioned in ${provisionS.toFixed(1)} s`);

    const take = new Samples();
    let archiveBytes = 0;
    for (let i = 1; i <= repeat; i++) {
      const r = await expectStatus(adminRequest('POST', adminUrl(emu, '/snapshots'), { name: `bench-${i}` }), 201, 'taking a snapshot');
      take.add(r.ms);
      archiveBytes = (JSON.parse(r.body.toString('utf8')) as { sizeBytes: number }).sizeBytes;
    }
    const restore = new Samples();
    for (let i = 1; i <= repeat; i++) {
      await expectStatus(adminRequest('POST', adminUrl(emu, '/reset')), 200, 'a fleet reset');
      if ((await provisionedCount(emu)) !== 0) throw new Error('the reset left hosts provisioned');
      const r = await expectStatus(adminRequest('POST', adminUrl(emu, '/snapshots/bench-1/restore')), 200, 'restoring a snapshot');
      restore.add(r.ms);
      const back = await provisionedCount(emu);
      if (back !== hosts) throw new Error(`the restore brought back ${back} of ${hosts} provisioned hosts`);
    }
    const restoreOne = new Samples();
    for (let i = 1; i <= repeat; i++) {
      await expectStatus(adminRequest('POST', adminUrl(emu, `/hosts/${hostName(i)}/reset`)), 200, 'a host reset');
      const r = await expectStatus(adminRequest('POST', adminUrl(emu, '/snapshots/bench-1/restore')), 200, 'restoring a snapshot');
      restoreOne.add(r.ms);
      const back = await provisionedCount(emu);
      if (back !== hosts) throw new Error(`the restore brought back ${back} of ${hosts} provisioned hosts`);
    }
    const archive = path.join(scratch, 'bench-1.sqlar');
    const download = await expectStatus(adminRequest('GET', adminUrl(emu, '/snapshots/bench-1/archive'), undefined, archive), 200, 'downloading the archive');

    // The baseline: the data directory copied as files, snapshots left out.
    const snapshots = path.join(dataDir, 'snapshots');
    const baseline = new Samples();
    let dataDirBytes = 0;
    for (let i = 1; i <= repeat; i++) {
      const to = path.join(scratch, `copy-${i}`);
      const t0 = performance.now();
      fs.cpSync(dataDir, to, { recursive: true, filter: (src) => src !== snapshots });
      baseline.add(performance.now() - t0);
      dataDirBytes = bytesUnder(to);
      fs.rmSync(to, { recursive: true, force: true });
    }
    await emu.stop();

    // serve --restore on an empty data dir, against an empty start with the same hosts.
    const restoredDir = path.join(scratch, 'restored');
    const s0 = performance.now();
    const restored = await startEmulator({ label: `emulator (${hosts} hosts, --restore)`, dataDir: restoredDir, hosts, concurrency: 32, extraArgs: ['--restore', archive] });
    const startRestoreS = (performance.now() - s0) / 1000;
    const ok = await provisionedCount(restored);
    await restored.stop();
    if (ok !== hosts) throw new Error(`serve --restore brought back ${ok} of ${hosts} provisioned hosts`);
    const e0 = performance.now();
    const empty = await startEmulator({ label: `emulator (${hosts} hosts, empty)`, dataDir: path.join(scratch, 'empty'), hosts, concurrency: 32 });
    const startEmptyS = (performance.now() - e0) / 1000;
    await empty.stop();
    return { hosts, provisionS, take, restore, restoreOne, archiveBytes, downloadMs: download.ms, baseline, dataDirBytes, startRestoreS, startEmptyS };
  } finally {
    await emu.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export async function snapshotSection(cfg: BenchConfig): Promise<Section> {
  const repeat = 3;
  const results: SnapshotResult[] = [];
  for (const hosts of [100, 1000]) {
    cfg.log(`  ${hosts} hosts: provisioning on a fresh child, then ${repeat} takes and ${repeat} restores`);
    const r = await snapshotRun(cfg, hosts, repeat);
    results.push(r);
    cfg.log(
      `  ${hosts} hosts: take p50 ${fmtMs(r.take.percentile(50))} ms, restore p50 ${fmtMs(r.restore.percentile(50))} ms (one host changed: ${fmtMs(r.restoreOne.percentile(50))} ms), archive ${fmtKB(r.archiveBytes)} KB; ` +
        `baseline cpSync p50 ${fmtMs(r.baseline.percentile(50))} ms of ${fmtKB(r.dataDirBytes)} KB; start --restore ${r.startRestoreS.toFixed(1)} s vs empty ${r.startEmptyS.toFixed(1)} s`,
    );
  }
  const big = results.find((r) => r.hosts === 1000);
  const floors: Floor[] = [
    {
      name: 'Snapshot of 1,000 provisioned hosts',
      target: 'take ≤ 5 s and restore ≤ 5 s (p50)',
      measured: big ? `take ${fmtMs(big.take.percentile(50))} ms, restore ${fmtMs(big.restore.percentile(50))} ms` : 'not measured',
      pass: big ? big.take.percentile(50) <= 5000 && big.restore.percentile(50) <= 5000 : undefined,
    },
  ];
  const markdown = [
    `A fleet of N hosts provisioned (WID, through the fleet fan-out at ThrottleLimit 32) on a fresh child (\`serve --hosts N --concurrency 32\`), then ${repeat} snapshots taken ` +
      `(\`POST /_emulator/snapshots\`) and ${repeat} restores (\`POST /_emulator/reset\`, then \`POST /_emulator/snapshots/{name}/restore\`, each checked to bring back N ` +
      'provisioned hosts), then 3 restores after a reset of one host only (a restore rewrites only the host folders that differ from the snapshot). Times are the client\'s, from the request sent to the reply read; the take blocks the emulator\'s event loop for about that long (docs/snapshots.md). ' +
      'Baseline: `fs.cpSync` of the same data directory (snapshots left out) in the bench process, the same number of times — a copy of the files, neither consistent nor compressed. ' +
      '`serve --restore` is the start-up of a child from the archive on an empty data dir until every host\'s port answers, against an empty start with the same hosts.',
    '',
    table(
      ['Hosts', 'take p50 ms', 'take max ms', 'restore p50 ms (all hosts reset)', 'restore max ms', 'restore p50 ms (one host reset)', 'archive KB', 'download ms', 'cpSync p50 ms (baseline)', 'data dir KB (baseline)', 'take vs cpSync', 'restore (all) vs cpSync', 'start --restore s', 'start empty s', 'provisioning s'],
      results.map((r) => [
        r.hosts.toLocaleString('en-US'),
        fmtMs(r.take.percentile(50)),
        fmtMs(r.take.max),
        fmtMs(r.restore.percentile(50)),
        fmtMs(r.restore.max),
        fmtMs(r.restoreOne.percentile(50)),
        fmtKB(r.archiveBytes),
        fmtMs(r.downloadMs),
        fmtMs(r.baseline.percentile(50)),
        fmtKB(r.dataDirBytes),
        `${(r.take.percentile(50) / r.baseline.percentile(50)).toFixed(2)}×`,
        `${(r.restore.percentile(50) / r.baseline.percentile(50)).toFixed(2)}×`,
        r.startRestoreS.toFixed(1),
        r.startEmptyS.toFixed(1),
        r.provisionS.toFixed(1),
      ]),
    ),
    '',
    ...floors.map((f) => `Floor: ${f.name} ${f.target}: ${f.measured} — ${passMark(f.pass)}`),
  ].join('\n');
  return { id: 'snapshots', title: '7. Snapshots', markdown, floors, notes: [] };
}
