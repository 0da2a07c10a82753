/**
 * JobStore on a real SQLite file: getMany reads a page of jobs in one query and
 * answers in the order asked, with a gap for each job that is not there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JobState, JobStore } from '../../../src/storage/jobStore';
import { StateStore } from '../../../src/storage/stateStore';

let dataDir: string;
let store: StateStore;
let jobs: JobStore;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobstore-'));
  store = StateStore.open(dataDir);
  store.ensureHosts(['ipam1.contoso.com']);
  jobs = new JobStore(store.db);
  for (const n of ['A', 'B', 'C']) {
    jobs.insert({ instanceId: `IPAM:Job:${n}`, fqdn: 'ipam1.contoso.com', submittedOn: 'ipam1.contoso.com', operation: 'Op', name: `Job ${n}`, owner: 'IPAM1\\Administrator', client: null, status: 'Queued' });
  }
  jobs.update('IPAM:Job:B', { state: JobState.Completed, percent: 100, status: 'Completed', started: true, ended: true });
});
afterEach(() => {
  store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('getMany answers in the order asked, with undefined for a job that is not there', () => {
  const got = jobs.getMany(['IPAM:Job:C', 'IPAM:Job:missing', 'IPAM:Job:A', 'IPAM:Job:B']);
  expect(got.map((j) => j?.instanceId)).toEqual(['IPAM:Job:C', undefined, 'IPAM:Job:A', 'IPAM:Job:B']);
  expect(got[3]).toEqual(jobs.get('IPAM:Job:B'));
  expect(got[3]?.state).toBe(JobState.Completed);
});

test('getMany of nothing is nothing, and ids that look like SQL or JSON are only values', () => {
  expect(jobs.getMany([])).toEqual([]);
  expect(jobs.getMany(["x' OR 1=1 --", '"]', 'IPAM:Job:A'])).toEqual([undefined, undefined, jobs.get('IPAM:Job:A')]);
});

test("countsForHost counts a host's jobs and those still queued or running, without reading them", () => {
  expect(jobs.countsForHost('ipam1.contoso.com')).toEqual({ total: 3, active: 2 });
  jobs.update('IPAM:Job:A', { state: JobState.Running, percent: 10, status: 'Running', started: true });
  jobs.update('IPAM:Job:C', { state: JobState.Exception, percent: 10, status: 'Failed', ended: true });
  expect(jobs.countsForHost('ipam1.contoso.com')).toEqual({ total: 3, active: 1 });
  expect(jobs.countsForHost('ipam2.contoso.com')).toEqual({ total: 0, active: 0 });
});
