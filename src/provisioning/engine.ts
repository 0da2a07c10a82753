/**
 * The provisioning engine: validate → plan → (prompt) → six steps → commit.
 *
 * Atomicity. A run is journaled in state.sqlite before it touches anything;
 * every artifact (a folder, a staged database file, a database on a real SQL
 * Server) is journaled before it is made. The steps build a draft and a staged
 * database; nothing is visible until one state transaction writes the host's
 * configuration, its state, the log and the journal's "committed". Then staged
 * files are renamed into place and the journal says "done". A failure before
 * the commit undoes every artifact; a crash is finished or undone by recover()
 * at the next start, from the journal. So a host is provisioned or cleanly
 * unprovisioned, never half.
 */
import { defaultHarness, SystemClock, type Harness } from '../harness';
import type { StepDelay, StepId } from '../harness/timing';
import type { FaultRegistry } from '../harness/faults';
import fs from 'node:fs';
import type { FleetHost, Principal } from '../fleet/fleet';
import type { Logger } from '../log';
import type { EventSink } from './events';
import { removeSqliteFile } from '../storage/ipamDb/sqlite';
import { CURRENT_IPAM_SCHEMA_VERSION } from '../storage/ipamDb/types';
import type { Artifact, IpamState } from '../storage/ipamState';
import { HostSandbox } from '../storage/sandbox';
import type { SqlServerDirectory } from '../storage/sqlServers';
import { ProvisioningState } from '../storage/stateStore';
import { databaseTarget, removeEmptyDirs, type DatabaseTarget } from './database';
import { fromStorageError, ProvisioningError, ProvisioningErrors } from './errors';
import { IPAM_VERSION, type DatabaseRecord, type IpamHostConfiguration } from './model';
import type { ProvisioningRequest } from './parameters';
import { provisioningPrompt } from './prompts';
import { STEPS, type Draft, type StepContext } from './steps';
import { dropRealDatabase } from './recovery';

/** Step durations with `clock: "real"` wait on this, whatever the emulator's clock. */
const REAL_TIME = new SystemClock();

export interface EngineDeps {
  readonly state: IpamState;
  readonly servers: SqlServerDirectory;
  readonly dataDir: string;
  readonly log: Logger;
  /** Test hook: see pauseHook(). */
  readonly pauseAt?: (point: PausePoint, fqdn: string) => Promise<void>;
  /**
   * How long each step takes (the fixture's timing, harness/timing.ts): the engine waits that long
   * before it runs the step, so runs overlap as real ones do. None: steps take no time.
   */
  readonly stepDelay?: (fqdn: string, step: StepId) => StepDelay | undefined;
  /** The clock runs and configurations are stamped by, and where run ids come from; the machine's and random by default. */
  readonly harness?: Harness;
  /** Fault injection rules asked before each step (docs/faults.md). */
  readonly faults?: Pick<FaultRegistry, 'forStep' | 'delayMs'>;
}

/** A run a stop interrupted, as recover() left it. */
export interface RecoveredRun {
  readonly runId: string;
  readonly fqdn: string;
  /** InvokeIpamServerProvisioning or UpdateIpamServer. */
  readonly operation: string;
  readonly outcome: 'completed' | 'undone';
}

/**
 * Where a run can be held for crash tests: before step N (1..6); inside the database step
 * (`database:staged` once the staged SQLite file is open, `database:schema` in the middle of the
 * schema's transaction, while SQLite's rollback journal exists, `database:installed` after it);
 * or after the commit before files are renamed.
 */
export type PausePoint = `step:${number}` | 'database:staged' | 'database:schema' | 'database:installed' | 'committed';

/**
 * The crash-test hook, from IPAM_EMULATOR_TEST_PAUSE_AT (e.g. "step:3" or
 * "committed"): the run writes `<dataDir>/paused-at-<point>` and waits for ever,
 * so a test can SIGKILL the process at exactly that point. Off unless set.
 */
export function pauseHook(dataDir: string, spec: string | undefined): EngineDeps['pauseAt'] {
  if (!spec) return undefined;
  return async (point) => {
    if (point !== spec) return;
    fs.writeFileSync(`${dataDir}/paused-at-${point.replace(':', '-')}`, String(process.pid));
    await new Promise<never>(() => undefined);
  };
}

/** Who asks: a user, or the fixture itself when it declares a host provisioned. */
export type Requester = Principal | { readonly name: 'SYSTEM'; readonly authority: 'NT AUTHORITY'; readonly groups: readonly string[] };

export interface ProvisionInput {
  readonly host: FleetHost;
  readonly requester: Requester;
  readonly request: ProvisioningRequest;
  /** PowerShell -WhatIf: report the plan, change nothing. */
  readonly whatIf: boolean;
  readonly events: EventSink;
  readonly signal?: AbortSignal;
  /** Schema version of a new database: the current one, or an older one to seed a fixture host. */
  readonly schemaVersion?: string;
  /** Called after each step with the fraction done (0..1), for job progress. */
  readonly onProgress?: (fraction: number, step: string) => void;
}

export type ProvisionOutcome =
  | { readonly kind: 'provisioned'; readonly runId: string; readonly configuration: IpamHostConfiguration }
  | { readonly kind: 'unchanged'; readonly configuration: IpamHostConfiguration }
  | { readonly kind: 'whatIf'; readonly plan: readonly string[] }
  | { readonly kind: 'declined' };

/** Log entry shapes (MSFT_IPAM_ConfigLogEntry): PerceivedSeverity 2 Information, 5 Major (failure). */
const INFO = 2;
const FAILURE = 5;

export class ProvisioningEngine {
  private readonly busy = new Set<string>();
  readonly harness: Harness;

  constructor(private readonly deps: EngineDeps) {
    this.harness = deps.harness ?? defaultHarness();
  }

  /** Marks a host busy for the duration of `fn`; a second call meanwhile gets the in-progress error. */
  async exclusive<T>(host: FleetHost, fn: () => Promise<T>): Promise<T> {
    if (this.busy.has(host.fqdn)) throw ProvisioningErrors.inProgress(host.fqdn);
    this.busy.add(host.fqdn);
    try {
      return await fn();
    } finally {
      this.busy.delete(host.fqdn);
    }
  }

  isBusy(fqdn: string): boolean {
    return this.busy.has(fqdn);
  }

  sandbox(host: FleetHost): HostSandbox {
    return new HostSandbox(this.deps.dataDir, host.fqdn);
  }

  provision(input: ProvisionInput): Promise<ProvisionOutcome> {
    return this.exclusive(input.host, () => this.provisionLocked(input));
  }

  private async provisionLocked(input: ProvisionInput): Promise<ProvisionOutcome> {
    const { host, request, requester, events } = input;
    const state = this.deps.state;
    const schemaVersion = input.schemaVersion ?? CURRENT_IPAM_SCHEMA_VERSION;
    const target = databaseTarget(host, request.database, this.sandbox(host), this.deps.servers, schemaVersion);

    const current = state.hostConfig<IpamHostConfiguration>(host.fqdn);
    if (current) return this.reprovision(input, current, target.record);

    const plan = [
      ...STEPS.map((s, i) => `Step ${i + 1} of ${STEPS.length}: ${s.title}.`),
      `Database: ${target.description}.`,
      request.provisioningMethod === 'Automatic'
        ? `Provisioning method: Automatic (GPO-based); GPOs ${request.gpoPrefix}_DHCP, ${request.gpoPrefix}_DNS, ${request.gpoPrefix}_DC_NPS.`
        : 'Provisioning method: Manual.',
    ];
    for (const line of plan) events.emit({ type: 'Verbose', description: line });
    if (input.whatIf) {
      for (const line of plan) events.emit({ type: 'Verbose', description: `What if: ${line}` });
      return { kind: 'whatIf', plan };
    }

    const runId = this.harness.ids.uuid(`run:${host.fqdn}`).toUpperCase();
    const who = userOf(requester);
    const entry = (operationalCode: string, message: string, severity = INFO, messageId = `IPAM.Provisioning.${operationalCode}`) => ({
      fqdn: host.fqdn,
      userName: who.name,
      userDomain: who.domain,
      taskCategory: 'Provisioning',
      operationalCode,
      keywords: severity === INFO ? 'Success' : 'Failure',
      message,
      messageId,
      severity,
      runId,
    });

    if (!request.force) {
      const text = provisioningPrompt(host.fqdn, target, request.provisioningMethod);
      const answer = await events.prompt({ type: 'Confirm', description: text, promptType: 'Critical' });
      state.addLog(entry('Confirmation', `Confirmation asked: "${text.replace(/\n/g, ' ')}" Answer: ${answer}.`));
      this.deps.log.info({ host: host.fqdn, answer }, 'provisioning confirmation answered');
      if (answer === 'no' || answer === 'noToAll') return { kind: 'declined' };
    }

    state.transaction(() => {
      state.startRun({ runId, fqdn: host.fqdn, operation: 'InvokeIpamServerProvisioning', request: redact(request) });
      state.setProvisioningState(host.fqdn, ProvisioningState.Provisioning);
    });
    const run = { runId, record: (a: Artifact) => state.addArtifact(runId, a), pause: async (point: PausePoint) => this.deps.pauseAt?.(point, host.fqdn) };
    const ctx: StepContext = { host, request, target, run, schemaVersion, draft: {} };
    const done: string[] = [];
    let current_step = STEPS[0]?.title ?? '';
    let committed = false;
    try {
      let stepsEnd: number | undefined;
      for (const [i, step] of STEPS.entries()) {
        await this.deps.pauseAt?.(`step:${i + 1}`, host.fqdn);
        // Each step ends its duration after the previous one's end, not after the engine got round to it:
        // on a virtual clock moved past several steps at once, every step due by then runs.
        const delay = this.deps.stepDelay?.(host.fqdn, step.id);
        if (delay) {
          const clock = delay.realTime ? REAL_TIME : this.harness.clock;
          stepsEnd = (stepsEnd ?? clock.now()) + delay.ms;
          await clock.sleep(stepsEnd - clock.now(), input.signal);
        }
        const fault = this.deps.faults?.forStep({ host, step: step.id, user: requester });
        if (fault && 'delay' in fault.effect) await this.harness.clock.sleep(this.deps.faults?.delayMs(fault.effect.delay) ?? 0, input.signal);
        if (fault && 'cimError' in fault.effect) {
          this.deps.log.info({ host: host.fqdn, step: step.id, rule: fault.ruleId }, 'a fault injection rule fails the step');
          const c = fault.effect.cimError;
          throw ProvisioningErrors.injected(fault.ruleId, step.id, c.statusCode, c.messageId, c.message);
        }
        if (input.signal?.aborted) throw ProvisioningErrors.cancelled(host.fqdn);
        current_step = step.title;
        events.emit(progress(host, step.title, i / STEPS.length));
        done.push(await step.run(ctx));
        input.onProgress?.((i + 1) / STEPS.length, step.title);
      }
      if (input.signal?.aborted) throw ProvisioningErrors.cancelled(host.fqdn);
      current_step = 'Committing the provisioning';
      const configuration = finalConfiguration(ctx.draft, who.qualified, this.harness.clock.date());
      state.transaction(() => {
        state.setHostConfig(host.fqdn, configuration);
        state.setProvisioningState(host.fqdn, ProvisioningState.Provisioned);
        target.commitRows(state);
        STEPS.forEach((s, i) => state.addLog(entry(s.id, done[i] as string)));
        state.addLog(entry('Completed', `IPAM on ${host.fqdn} was provisioned.`));
        state.setRunState(runId, 'committed');
      });
      committed = true;
      await this.afterCommit(target, runId, host.fqdn);
      events.emit(progress(host, 'IPAM provisioning completed', 1));
      return { kind: 'provisioned', runId, configuration };
    } catch (err) {
      // Past the commit there is nothing to undo: afterCommit() never throws.
      if (committed) throw err;
      const known = fromStorageError(err, target.description);
      const failure = known instanceof ProvisioningError ? known : ProvisioningErrors.internal(host.fqdn, current_step);
      if (!(known instanceof ProvisioningError)) this.deps.log.error({ err, host: host.fqdn, runId }, 'provisioning failed with an internal error');
      await this.undo(target, runId);
      state.transaction(() => {
        state.setProvisioningState(host.fqdn, ProvisioningState.NotProvisioned);
        done.forEach((message, i) => state.addLog(entry(STEPS[i]?.id ?? 'step', `${message} This step was undone.`)));
        state.addLog(entry('Failed', `Provisioning IPAM on ${host.fqdn} failed: ${failure.message}`, FAILURE, failure.messageId));
        state.setRunState(runId, 'rolledback', failure.message);
      });
      throw failure;
    }
  }

  /**
   * After the commit a run is only ever finished, never rolled back: the staged
   * files are renamed into place. If that fails here, the run stays "committed"
   * and recover() finishes it at the next start; the host is provisioned either way.
   */
  private async afterCommit(target: DatabaseTarget, runId: string, fqdn: string): Promise<void> {
    try {
      await this.deps.pauseAt?.('committed', fqdn);
      await target.finish();
      this.deps.state.setRunState(runId, 'done');
    } catch (e) {
      this.deps.log.error({ err: e, runId }, 'finishing a committed provisioning failed; it is finished at the next start');
      try {
        for (const run of this.deps.state.runsIn('committed').filter((r) => r.runId === runId)) {
          for (const a of run.artifacts) if (a.kind === 'stagedFile' && fs.existsSync(a.staged)) fs.renameSync(a.staged, a.final);
          this.deps.state.setRunState(runId, 'done');
        }
      } catch (again) {
        this.deps.log.error({ err: again, runId }, 'the committed run is left for recovery at the next start');
      }
    }
  }

  /**
   * MS-IPAMM2 3.11.4.7: setup runs only while IPAM is not configured. The same
   * settings again change nothing; another database is Move-IpamDatabase's job,
   * another method Set-IpamConfiguration's.
   */
  private reprovision(input: ProvisionInput, current: IpamHostConfiguration, requested: DatabaseRecord): ProvisionOutcome {
    if (!sameDatabase(current.database, requested)) {
      throw ProvisioningErrors.alreadyProvisionedOtherDatabase(input.host.fqdn, describe(current.database), describe(requested));
    }
    if (current.provisioningMethod !== input.request.provisioningMethod || (current.gpoPrefix ?? '') !== (input.request.gpoPrefix ?? '')) {
      throw ProvisioningErrors.alreadyProvisionedOtherMethod(input.host.fqdn);
    }
    if (input.whatIf) return { kind: 'whatIf', plan: [`IPAM on ${input.host.fqdn} is already provisioned with these settings; nothing would change.`] };
    return { kind: 'unchanged', configuration: current };
  }

  /** Undoes a run's artifacts: the target's own undo, then anything journaled it does not know (after a crash). */
  private async undo(target: DatabaseTarget, runId: string): Promise<void> {
    try {
      await target.abort();
    } catch (e) {
      this.deps.log.error({ err: e, runId }, 'undoing the database step failed');
    }
    const run = this.deps.state.runsIn('running').find((r) => r.runId === runId);
    if (run) await undoArtifacts(run.artifacts, this.deps);
  }

  /**
   * At start: finish committed runs and undo interrupted ones, so no host is left
   * half-provisioned by a crash. Returns the runs it handled.
   */
  async recover(): Promise<RecoveredRun[]> {
    const state = this.deps.state;
    const handled: RecoveredRun[] = [];
    for (const run of state.runsIn('committed')) {
      for (const a of run.artifacts) {
        if (a.kind === 'stagedFile' && fs.existsSync(a.staged)) fs.renameSync(a.staged, a.final);
      }
      state.setRunState(run.runId, 'done');
      handled.push({ runId: run.runId, fqdn: run.fqdn, operation: run.operation, outcome: 'completed' });
    }
    for (const run of state.runsIn('running')) {
      await undoArtifacts(run.artifacts, this.deps);
      const provisioned = state.hostConfig(run.fqdn) !== undefined;
      state.transaction(() => {
        state.setProvisioningState(run.fqdn, provisioned ? ProvisioningState.Provisioned : ProvisioningState.NotProvisioned);
        state.addLog({
          fqdn: run.fqdn,
          userName: 'SYSTEM',
          userDomain: 'NT AUTHORITY',
          taskCategory: 'Provisioning',
          operationalCode: 'Interrupted',
          keywords: 'Failure',
          message: `${run.operation} on ${run.fqdn} was interrupted when the emulator stopped; every step done was undone.`,
          messageId: 'IPAM.Provisioning.Interrupted',
          severity: FAILURE,
          runId: run.runId,
        });
        state.setRunState(run.runId, 'interrupted', 'interrupted when the emulator stopped');
      });
      handled.push({ runId: run.runId, fqdn: run.fqdn, operation: run.operation, outcome: 'undone' });
    }
    return handled;
  }
}

/** Undoes journaled artifacts; each undo is idempotent, so running it after a target's own abort is harmless. */
async function undoArtifacts(artifacts: readonly Artifact[], deps: EngineDeps): Promise<void> {
  for (const a of artifacts) {
    if (a.kind === 'stagedFile') removeSqliteFile(a.staged);
    if (a.kind === 'createdSqlDatabase') {
      await dropRealDatabase(a, deps).catch((e: unknown) => deps.log.error({ err: e, database: a.database }, 'could not drop a database left by a failed run'));
    }
  }
  // Folders were journaled parent first; removeEmptyDirs removes the deepest first.
  removeEmptyDirs(artifacts.flatMap((a) => (a.kind === 'createdDir' ? [a.path] : [])));
}

function progress(host: FleetHost, statusDescription: string, fraction: number) {
  return {
    type: 'Progress' as const,
    activity: `Provisioning IPAM on ${host.fqdn}`,
    currentOperation: statusDescription,
    statusDescription,
    percentComplete: Math.round(fraction * 100),
    secondsRemaining: -1,
  };
}

function userOf(r: Requester): { name: string; domain: string; qualified: string } {
  return { name: r.name, domain: r.authority, qualified: `${r.authority}\\${r.name}` };
}

function finalConfiguration(d: Draft, by: string, at: Date): IpamHostConfiguration {
  if (!d.service || !d.database || !d.schemaVersion || !d.tasks || !d.localGroups || !d.provisioningMethod || !d.capabilities) {
    throw new Error('a provisioning step left the configuration incomplete');
  }
  return {
    version: IPAM_VERSION,
    schemaVersion: d.schemaVersion,
    service: d.service,
    database: d.database,
    provisioningMethod: d.provisioningMethod,
    gpoPrefix: d.gpoPrefix,
    gpoNames: d.gpoNames ?? [],
    tasks: d.tasks,
    localGroups: d.localGroups,
    capabilities: d.capabilities,
    provisionedAt: at.toISOString(),
    provisionedBy: by,
  };
}

/** The request as the journal keeps it: the credential's user, never its password. */
function redact(r: ProvisioningRequest): unknown {
  const db = r.database.kind === 'MSSQL' ? { ...r.database, credential: r.database.credential ? { user: r.database.credential.user } : undefined } : r.database;
  return { ...r, database: db };
}

export function sameDatabase(a: DatabaseRecord, b: DatabaseRecord): boolean {
  if (a.type === 'WID' && b.type === 'WID') return a.widSchemaPath.toLowerCase() === b.widSchemaPath.toLowerCase();
  if (a.type === 'MSSQL' && b.type === 'MSSQL') {
    return (
      a.server.toLowerCase() === b.server.toLowerCase() &&
      a.databaseName.toLowerCase() === b.databaseName.toLowerCase() &&
      a.port === b.port &&
      a.authType === b.authType &&
      (a.user ?? '').toLowerCase() === (b.user ?? '').toLowerCase()
    );
  }
  return false;
}

export function describe(d: DatabaseRecord): string {
  return d.type === 'WID' ? `the Windows Internal Database at ${d.widSchemaPath}` : `the database ${d.databaseName} on ${d.server},${d.port}`;
}

