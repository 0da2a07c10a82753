/**
 * What the admin API (/_emulator/) does: show hosts and jobs, reset a host or
 * the whole fleet to the fixture's state, and report the concurrency the
 * dispatcher observed since the last reset.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Fixture } from '../config/fixture';
import { VirtualClock, VirtualClockError, type Harness } from '../harness';
import type { LockoutTracker } from '../fleet/lockout';
import { FaultRuleError, type FaultRegistry, type FaultRuleView } from '../harness/faults';
import type { Fleet, FleetHost } from '../fleet/fleet';
import type { HostFeatures } from '../fleet/hostFeatures';
import type { RequestJournal } from '../harness/journal';
import type { ConcurrencySnapshot, Dispatcher } from '../jobs/dispatcher';
import type { JobService } from '../jobs/jobs';
import type { IpamHostConfiguration } from '../provisioning/model';
import type { IpamService } from '../provisioning/service';
import { STEPS } from '../provisioning/steps';
import type { ShellService, ShellSummary } from '../shell/shells';
import type { IpamState } from '../storage/ipamState';
import { JobState, type JobRecord, type JobStore } from '../storage/jobStore';
import { seedSimulatedDatabases } from '../storage/seed';
import type { SqlServerDirectory } from '../storage/sqlServers';
import { ProvisioningState, type StateStore } from '../storage/stateStore';

/** The job operation whose steps are the engine's six (an UpdateIpamServer job reports none). */
const PROVISIONING = 'InvokeIpamServerProvisioning';

export interface HostSummary {
  readonly fqdn: string;
  readonly port: number | null;
  readonly provisioningState: 'NotProvisioned' | 'Provisioning' | 'Provisioned' | 'Failed';
  readonly configuration: IpamHostConfiguration | null;
  readonly busy: boolean;
  readonly jobs: { readonly total: number; readonly active: number };
  readonly shells: number;
}

/** How the dashboard colours a host: its provisioning state, with the database type once provisioned. */
export type HostTileState = 'unprovisioned' | 'queued' | 'provisioning' | 'provisioned-wid' | 'provisioned-sql' | 'failed';

/** A provisioning step by its place among the six (1-based) and its title. */
export interface StepPosition {
  readonly number: number;
  readonly of: number;
  readonly title: string;
}

/** One host of the fleet as the dashboard's grid shows it. */
export interface HostTile {
  readonly host: string;
  readonly state: HostTileState;
  /** The step a running provisioning is on. */
  readonly step: StepPosition | null;
  /** The host's most recent job, if any. */
  readonly job: string | null;
  /** Why its most recent job failed (state `failed`). */
  readonly error: string | null;
}

/** A job with the steps it reported done (when each ended, on the emulator's clock) and the one it is on. */
export interface JobProgress {
  readonly job: JobRecord;
  readonly steps: ReadonlyArray<{ readonly title: string; readonly endedAt: string }>;
  readonly current: StepPosition | null;
}

/** What `GET /_emulator/clock` answers. */
export interface ClockSummary {
  readonly now: string;
  readonly virtual: boolean;
  /** The --seed of this run, or null when identifiers are random. */
  readonly seed: number | null;
  /** Timers waiting for a virtual clock to reach them (enumeration expiry, shell idle timeouts, sleeps…); null on the system clock. */
  readonly pendingTimers: number | null;
}

/** A request the admin API refuses with 400 (its message says what is wrong) or 409 (`conflict`). */
export class AdminRequestError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 409 = 400,
  ) {
    super(message);
    this.name = 'AdminRequestError';
  }
}

export class BusyError extends Error {
  constructor(
    readonly hosts: string[],
    message = `jobs are queued or running on ${hosts.join(', ')}; wait for them or terminate them first`,
  ) {
    super(message);
    this.name = 'BusyError';
  }
}

export interface ControlDeps {
  readonly fixture: Fixture;
  readonly fleet: Fleet;
  readonly store: StateStore;
  readonly ipamState: IpamState;
  readonly jobStore: JobStore;
  readonly jobs: JobService;
  readonly dispatcher: Dispatcher;
  readonly servers: SqlServerDirectory;
  readonly ipam: IpamService;
  readonly features: HostFeatures;
  /** The WinRS shells: listed here, and closed by a reset. */
  readonly shells: ShellService;
  readonly dataDir: string;
  /** Drops a host's open enumerations (they belong to the wsman layer). */
  readonly clearEnumerations: (fqdn: string) => void;
  /** The emulator's clock and identifiers. */
  readonly harness: Harness;
  /** Failed logons and lockouts (a reset clears them, a host reset its local accounts'). */
  readonly lockouts: LockoutTracker;
  /** Fault injection rules (a fleet reset restores the fixture's). */
  readonly faults: FaultRegistry;
  /** The request journal and near misses: emptied by a fleet reset, of a host's entries by its reset. */
  readonly journal?: RequestJournal;
}

export class EmulatorControl {
  /** The fleet-wide operation running now (a fleet reset, a snapshot taken or restored), if any. */
  private fleetOperation: string | undefined;
  /** Host resets running now: they may overlap one another, not a fleet-wide operation. */
  private hostOperations = 0;

  constructor(private readonly d: ControlDeps) {}

  /**
   * Runs a fleet-wide admin operation alone: one started while another admin operation runs gets a
   * BusyError (409) instead of interleaving with it at its awaits.
   */
  async alone<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const running = this.fleetOperation ?? (this.hostOperations > 0 ? 'a host reset' : undefined);
    if (running !== undefined) throw new BusyError([], `${running} is in progress; try again when it has finished`);
    this.fleetOperation = what;
    try {
      return await fn();
    } finally {
      this.fleetOperation = undefined;
    }
  }

  private async besideOthers<T>(fn: () => Promise<T>): Promise<T> {
    if (this.fleetOperation !== undefined) throw new BusyError([], `${this.fleetOperation} is in progress; try again when it has finished`);
    this.hostOperations++;
    try {
      return await fn();
    } finally {
      this.hostOperations--;
    }
  }

  /** Hosts with a job queued or running, or an engine run without a job. */
  busyHosts(): string[] {
    return this.d.fleet.hosts.filter((h) => this.isBusy(h)).map((h) => h.fqdn);
  }

  hosts(): HostSummary[] {
    return this.d.fleet.hosts.map((h) => this.summary(h));
  }

  host(name: string): HostSummary | undefined {
    const h = this.d.fleet.host(name);
    return h ? this.summary(h) : undefined;
  }

  jobs(filter: { host?: string; state?: JobState } = {}): JobRecord[] {
    const fqdn = filter.host !== undefined ? (this.d.fleet.host(filter.host)?.fqdn ?? filter.host) : undefined;
    return this.d.jobStore.all({ fqdn, state: filter.state });
  }

  job(instanceId: string): JobRecord | undefined {
    return this.d.jobStore.get(instanceId);
  }

  /**
   * Every host as the dashboard colours it, from three queries whatever the fleet's size. A host whose
   * last job ended in Exception (or was killed) and that is not provisioned is `failed`.
   */
  hostTiles(): HostTile[] {
    const states = this.d.store.hostStates();
    const databases = this.d.ipamState.databaseTypes();
    const latest = this.d.jobStore.latestPerHost();
    return this.d.fleet.hosts.map((h) => {
      const key = h.fqdn.toLowerCase();
      const state = states.get(key) ?? ProvisioningState.NotProvisioned;
      const job = latest.get(key);
      const running = job?.state === JobState.Running && job.operation === PROVISIONING;
      const tile = (s: HostTileState, step: StepPosition | null = null): HostTile => ({
        host: h.fqdn,
        state: s,
        step,
        job: job?.instanceId ?? null,
        error: s === 'failed' ? (job?.errorDescription ?? null) : null,
      });
      if (state === ProvisioningState.Provisioning || running) return tile('provisioning', running && job ? this.currentStep(job.instanceId) : null);
      if (state === ProvisioningState.Provisioned) return tile(databases.get(key) === 'MSSQL' ? 'provisioned-sql' : 'provisioned-wid');
      if (job && (job.state === JobState.New || job.state === JobState.Starting)) return tile('queued');
      if (state === ProvisioningState.Failed || job?.state === JobState.Exception || job?.state === JobState.Killed) return tile('failed');
      return tile('unprovisioned');
    });
  }

  /**
   * At most `limit` jobs with their steps, running ones first, then queued ones, then the most recently
   * ended; and how many jobs there are in each state.
   */
  jobBoard(limit: number): { counts: Partial<Record<keyof typeof JobState, number>>; jobs: JobProgress[] } {
    const counts: Partial<Record<keyof typeof JobState, number>> = {};
    for (const [state, n] of this.d.jobStore.stateCounts()) counts[JobState[state] as keyof typeof JobState] = n;
    const jobs = this.d.jobStore.board(limit).map((job) => ({
      job,
      steps: this.d.jobs.stepMarks(job.instanceId).map((m) => ({ title: m.status, endedAt: m.at })),
      current: job.state === JobState.Running && job.operation === PROVISIONING ? this.currentStep(job.instanceId) : null,
    }));
    return { counts, jobs };
  }

  /** The step after those a running provisioning job reported done. */
  private currentStep(instanceId: string): StepPosition | null {
    const done = this.d.jobs.stepMarks(instanceId).length;
    const step = STEPS[done];
    return step ? { number: done + 1, of: STEPS.length, title: step.title } : null;
  }

  concurrency(): ConcurrencySnapshot {
    return this.d.dispatcher.snapshot();
  }

  resetConcurrency(): ConcurrencySnapshot {
    this.d.dispatcher.resetMetrics();
    return this.d.dispatcher.snapshot();
  }

  clock(): ClockSummary {
    const { clock, ids } = this.d.harness;
    return {
      now: clock.date().toISOString(),
      virtual: clock.virtual,
      seed: ids.seed ?? null,
      pendingTimers: clock instanceof VirtualClock ? clock.pending : null,
    };
  }

  /**
   * Moves a virtual clock: `{"advanceMs": n}` or `{"set": "<ISO-8601>"}` (forward only). Timers
   * that come due fire in order, and what they start (an expiry, a timed-out Receive) runs,
   * before this answers.
   */
  async moveClock(body: unknown): Promise<ClockSummary> {
    const clock = this.d.harness.clock;
    if (!(clock instanceof VirtualClock)) {
      throw new AdminRequestError('The clock is the machine\'s: start the emulator with --clock virtual[=<ISO-8601>] to move it.', 409);
    }
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const keys = Object.keys(b);
    if (keys.length !== 1 || (keys[0] !== 'advanceMs' && keys[0] !== 'set')) {
      throw new AdminRequestError('Send exactly one of {"advanceMs": <milliseconds>} or {"set": "<ISO-8601 date and time>"}.');
    }
    try {
      if ('advanceMs' in b) {
        if (typeof b.advanceMs !== 'number' || !Number.isFinite(b.advanceMs) || b.advanceMs < 0) {
          throw new AdminRequestError(`advanceMs must be a number of milliseconds, zero or more, not ${JSON.stringify(b.advanceMs)}.`);
        }
        await clock.advance(b.advanceMs);
      } else {
        const at = typeof b.set === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(b.set) ? Date.parse(b.set) : Number.NaN;
        if (!Number.isFinite(at)) throw new AdminRequestError(`set must be an ISO-8601 date and time, not ${JSON.stringify(b.set)}.`);
        await clock.set(at);
      }
    } catch (e) {
      if (e instanceof VirtualClockError) throw new AdminRequestError(e.message);
      throw e;
    }
    return this.clock();
  }

  faultRules(): { rules: FaultRuleView[]; hostsDown: Array<{ host: string; until: string }> } {
    return { rules: this.d.faults.list(), hostsDown: this.d.faults.downHosts() };
  }

  faultRule(id: string): FaultRuleView | undefined {
    return this.d.faults.get(id);
  }

  /** Adds a rule; an invalid one is an AdminRequestError (400) listing every problem. */
  addFaultRule(body: unknown): FaultRuleView {
    try {
      return this.d.faults.add(body);
    } catch (e) {
      if (e instanceof FaultRuleError) throw new AdminRequestError(`the fault rule is not valid: ${e.problems.join('; ')}`);
      throw e;
    }
  }

  removeFaultRule(id: string): boolean {
    return this.d.faults.remove(id);
  }

  clearFaultRules(): { removed: number } {
    return { removed: this.d.faults.clear() };
  }

  /** Accounts locked out or with failed logons counted towards a lockout. */
  lockouts(): Array<{ account: string; lockedUntil: string | null; recentFailures: number }> {
    return this.d.lockouts.list().map((l) => ({ ...l, lockedUntil: l.lockedUntil?.toISOString() ?? null }));
  }

  /** Ends every lockout and forgets every failed logon; returns what was cleared. */
  clearLockouts(): { cleared: number } {
    const cleared = this.d.lockouts.list().length;
    this.d.lockouts.reset();
    return { cleared };
  }

  shells(host?: string): ShellSummary[] {
    const fqdn = host !== undefined ? (this.d.fleet.host(host)?.fqdn ?? host) : undefined;
    return this.d.shells.list(fqdn);
  }

  /** The request journal, or undefined when it is off (--journal-size 0). */
  get journal(): RequestJournal | undefined {
    return this.d.journal?.enabled ? this.d.journal : undefined;
  }

  deleteShell(shellId: string): Promise<boolean> {
    return this.d.shells.deleteById(shellId);
  }

  /**
   * Returns one host to the fixture's state (its SQL Servers keep their databases). Its shells
   * go first: their commands stop, and a provisioning one of them ran is undone.
   */
  resetHost(name: string): Promise<HostSummary> {
    return this.besideOthers(() => this.resetHostNow(name));
  }

  private async resetHostNow(name: string): Promise<HostSummary> {
    const host = this.d.fleet.host(name);
    if (!host) throw new Error(`no host ${name}`);
    await this.d.shells.closeAll(host.fqdn);
    if (this.isBusy(host)) throw new BusyError([host.fqdn]);
    await this.d.ipam.engine.exclusive(host, async () => this.forget(host));
    // The host's local accounts are as the fixture made them again: not locked out.
    this.d.lockouts.forget((account) => account.startsWith(`${host.computerName.toLowerCase()}\\`));
    await this.seed(host);
    this.d.journal?.clear(host.fqdn);
    return this.summary(host);
  }

  /** A job queued or running for the host, or an engine run without a job (WhatIf, seeding, another reset). */
  private isBusy(host: FleetHost): boolean {
    return this.d.jobs.isHostBusy(host.fqdn) || this.d.ipam.engine.isBusy(host.fqdn);
  }

  /** Returns every host and every simulated SQL Server to the fixture's state, and starts a new concurrency window. */
  resetFleet(): Promise<HostSummary[]> {
    return this.alone('a fleet reset', () => this.resetFleetNow());
  }

  private async resetFleetNow(): Promise<HostSummary[]> {
    await this.d.shells.closeAll();
    const busy = this.d.fleet.hosts.filter((h) => this.isBusy(h)).map((h) => h.fqdn);
    if (busy.length > 0) throw new BusyError(busy);
    for (const h of this.d.fleet.hosts) await this.d.ipam.engine.exclusive(h, async () => this.forget(h));
    for (const db of this.d.ipamState.forgetSimulatedDatabases()) fs.rmSync(db.file, { force: true });
    await seedSimulatedDatabases(this.d.fixture.sqlServers ?? [], this.d.servers, this.d.ipamState);
    for (const h of this.d.fleet.hosts) await this.seed(h);
    this.d.lockouts.reset();
    this.d.faults.reset();
    this.d.dispatcher.resetMetrics();
    this.d.journal?.clear();
    return this.hosts();
  }

  private forget(host: FleetHost): void {
    this.d.ipamState.transaction(() => {
      this.d.ipamState.forgetHost(host.fqdn);
      this.d.jobStore.deleteForHost(host.fqdn);
      this.d.ipamState.setProvisioningState(host.fqdn, ProvisioningState.NotProvisioned);
      this.d.features.reset(host);
    });
    fs.rmSync(path.join(this.d.dataDir, 'hosts', host.fqdn), { recursive: true, force: true });
    this.d.clearEnumerations(host.fqdn);
  }

  private async seed(host: FleetHost): Promise<void> {
    const fx = this.d.fixture.hosts.find((h) => this.d.fleet.host(h.fqdn) === host);
    if (!fx?.ipam?.provisioned) return;
    try {
      await this.d.ipam.seed(host, fx.ipam.provisioned, fx.ipam.schemaVersion);
    } catch (e) {
      // A provisioning that started between forgetting the host and seeding it: the reset lost the race.
      if (this.d.ipam.engine.isBusy(host.fqdn)) throw new BusyError([host.fqdn]);
      throw e;
    }
  }

  private summary(h: FleetHost): HostSummary {
    const state = this.d.store.hostState(h.fqdn)?.provisioningState ?? ProvisioningState.NotProvisioned;
    return {
      fqdn: h.fqdn,
      port: h.port ?? null,
      provisioningState: ProvisioningState[state] as HostSummary['provisioningState'],
      configuration: this.d.ipamState.hostConfig<IpamHostConfiguration>(h.fqdn) ?? null,
      busy: this.d.jobs.isHostBusy(h.fqdn),
      jobs: this.d.jobStore.countsForHost(h.fqdn),
      shells: this.d.shells.list(h.fqdn).length,
    };
  }
}
