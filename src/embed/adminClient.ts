/**
 * A typed client for the admin API (`/_emulator/`, docs/admin-api.md): what a harness
 * does between tests (reset, faults, snapshots, clock, journal) without writing URLs.
 * It speaks HTTP to any running emulator, in this process or another, so the types are
 * the JSON the API sends (dates as ISO-8601 strings).
 */
import type { ClockSummary, HostSummary } from '../admin/control';
import type { HealthReport } from '../app';
import type { RestoreResult } from '../admin/snapshots';
import type { FixtureFaultRule } from '../config/fixture';
import type { FaultRuleView } from '../harness/faults';
import type { JournalEntry, JournalPage } from '../harness/journal';
import type { NearMiss } from '../harness/nearMisses';
import type { ConcurrencySnapshot } from '../jobs/dispatcher';
import type { ShellSummary } from '../shell/shells';
import type { SnapshotInfo } from '../storage/snapshots/folder';
import { JobState, type JobRecord } from '../storage/jobStore';

/** A value as JSON carries it: dates become strings. */
type Json<T> = T extends Date ? string : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

/** A job as `GET /_emulator/jobs` gives it. */
export type AdminJob = Json<JobRecord> & { readonly stateName: keyof typeof JobState };
export type AdminHost = Json<HostSummary>;
export type { ClockSummary, ConcurrencySnapshot, HealthReport, FaultRuleView, JournalEntry, JournalPage, NearMiss, ShellSummary, SnapshotInfo };
export type AdminRestoreResult = Json<RestoreResult>;


/** Filters of `GET /_emulator/requests` and `GET /_emulator/near-misses` (docs/journal.md). */
export interface JournalQuery {
  readonly host?: string;
  readonly operation?: string;
  readonly status?: number | string;
  readonly fault?: string;
  readonly kind?: string;
  /** Entries after this sequence number (a page's lastSeq). */
  readonly since?: number;
  readonly limit?: number;
}

/** A refusal of the admin API: its HTTP status and the error it gave. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export interface AdminClientOptions {
  /** The emulator's base URL (http://127.0.0.1:5985) or its admin URL (…/_emulator/). */
  readonly url: string;
  /** An administrator of the default host, or the fixture's admin.credential. */
  readonly user: string;
  readonly password: string;
}

export class AdminClient {
  private readonly base: string;
  private readonly authorization: string;

  constructor(opts: AdminClientOptions) {
    const u = new URL(opts.url);
    this.base = `${u.protocol}//${u.host}/_emulator`;
    this.authorization = `Basic ${Buffer.from(`${opts.user}:${opts.password}`).toString('base64')}`;
  }

  /** Liveness and readiness; 503 answers (starting, stopping) are returned, not thrown. */
  async health(): Promise<HealthReport & { readonly httpStatus: number }> {
    const res = await fetch(`${this.base}/health`);
    return { ...((await res.json()) as HealthReport), httpStatus: res.status };
  }

  hosts(): Promise<AdminHost[]> {
    return this.call('GET', '/hosts');
  }

  host(fqdn: string): Promise<AdminHost> {
    return this.call('GET', `/hosts/${encodeURIComponent(fqdn)}`);
  }

  /** One host back to its fixture state (409 while it has jobs). */
  resetHost(fqdn: string): Promise<AdminHost> {
    return this.call('POST', `/hosts/${encodeURIComponent(fqdn)}/reset`);
  }

  /** The whole fleet back to its fixture state: hosts, fault rules, journal, lockouts. */
  reset(): Promise<AdminHost[]> {
    return this.call('POST', '/reset');
  }

  jobs(filter: { host?: string; state?: keyof typeof JobState | JobState } = {}): Promise<AdminJob[]> {
    return this.call('GET', `/jobs${query({ host: filter.host, state: filter.state })}`);
  }

  job(instanceId: string): Promise<AdminJob> {
    return this.call('GET', `/jobs/${encodeURIComponent(instanceId)}`);
  }

  /**
   * Waits until every job (of `host`, if given) is in a final state, polling `GET /jobs`.
   * Returns the jobs. Throws after `timeoutMs` (default 60 s).
   */
  async waitForJobs(opts: { host?: string; timeoutMs?: number; pollMs?: number } = {}): Promise<AdminJob[]> {
    const until = Date.now() + (opts.timeoutMs ?? 60_000);
    for (;;) {
      const jobs = await this.jobs({ host: opts.host });
      if (jobs.every((j) => FINAL.has(j.stateName))) return jobs;
      if (Date.now() > until) throw new Error(`jobs still running after ${opts.timeoutMs ?? 60_000} ms: ${jobs.filter((j) => !FINAL.has(j.stateName)).map((j) => `${j.fqdn} ${j.stateName}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 50));
    }
  }

  concurrency(): Promise<ConcurrencySnapshot> {
    return this.call('GET', '/concurrency');
  }

  resetConcurrency(): Promise<ConcurrencySnapshot> {
    return this.call('POST', '/concurrency/reset');
  }

  shells(host?: string): Promise<ShellSummary[]> {
    return this.call('GET', `/shells${query({ host })}`);
  }

  deleteShell(shellId: string): Promise<void> {
    return this.call('DELETE', `/shells/${encodeURIComponent(shellId)}`);
  }

  faults(): Promise<{ rules: FaultRuleView[]; hostsDown: Array<{ host: string; until: string }> }> {
    return this.call('GET', '/faults');
  }

  fault(id: string): Promise<FaultRuleView> {
    return this.call('GET', `/faults/${encodeURIComponent(id)}`);
  }

  /** Adds a fault rule (docs/faults.md); its id removes it. */
  addFault(rule: FixtureFaultRule): Promise<{ id: string; rule: FaultRuleView }> {
    return this.call('POST', '/faults', rule);
  }

  removeFault(id: string): Promise<void> {
    return this.call('DELETE', `/faults/${encodeURIComponent(id)}`);
  }

  clearFaults(): Promise<{ removed: number }> {
    return this.call('DELETE', '/faults');
  }

  lockouts(): Promise<Array<{ account: string; lockedUntil: string | null; recentFailures: number }>> {
    return this.call('GET', '/lockouts');
  }

  clearLockouts(): Promise<{ cleared: number }> {
    return this.call('DELETE', '/lockouts');
  }

  clock(): Promise<ClockSummary> {
    return this.call('GET', '/clock');
  }

  /** Moves a virtual clock forward (`serve --clock virtual`, `startEmulator({ clock: 'virtual' })`). */
  advanceClock(ms: number): Promise<ClockSummary> {
    return this.call('POST', '/clock', { advanceMs: ms });
  }

  setClock(at: Date | string): Promise<ClockSummary> {
    return this.call('POST', '/clock', { set: typeof at === 'string' ? at : at.toISOString() });
  }

  requests(q: JournalQuery = {}): Promise<JournalPage<JournalEntry>> {
    return this.call('GET', `/requests${query({ ...q })}`);
  }

  nearMisses(q: JournalQuery = {}): Promise<JournalPage<NearMiss>> {
    return this.call('GET', `/near-misses${query({ ...q })}`);
  }

  snapshots(): Promise<SnapshotInfo[]> {
    return this.call('GET', '/snapshots');
  }

  snapshot(name: string): Promise<SnapshotInfo> {
    return this.call('GET', `/snapshots/${encodeURIComponent(name)}`);
  }

  takeSnapshot(name: string): Promise<SnapshotInfo> {
    return this.call('POST', '/snapshots', { name });
  }

  restoreSnapshot(name: string): Promise<AdminRestoreResult> {
    return this.call('POST', `/snapshots/${encodeURIComponent(name)}/restore`);
  }

  deleteSnapshot(name: string): Promise<void> {
    return this.call('DELETE', `/snapshots/${encodeURIComponent(name)}`);
  }

  /** The snapshot as an archive file's bytes (for `serve --restore`, or another machine). */
  async snapshotArchive(name: string): Promise<Buffer> {
    const res = await fetch(`${this.base}/snapshots/${encodeURIComponent(name)}/archive`, { headers: { Authorization: this.authorization } });
    if (!res.ok) throw await refusal(res, 'GET', `/snapshots/${name}/archive`);
    return Buffer.from(await res.arrayBuffer());
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { Authorization: this.authorization, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw await refusal(res, method, path);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
}

const FINAL: ReadonlySet<string> = new Set(['Completed', 'Terminated', 'Killed', 'Exception']);

function query(q: Readonly<Record<string, string | number | undefined>>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

async function refusal(res: Response, method: string, path: string): Promise<AdminApiError> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  const error = typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : text.slice(0, 200);
  return new AdminApiError(res.status, `${method} /_emulator${path}: ${res.status} ${error}`, body);
}
