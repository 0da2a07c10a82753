/**
 * CIM jobs: each provisioning or update runs as an MSFT_IPAM_ConcreteJob
 * through the dispatcher. A job is recorded before it is queued, advances
 * New → Running → Completed | Exception | Terminated, reports PercentComplete
 * per step, can be cancelled (its steps are undone), and survives restarts:
 * one that was running when the process died reads back as Exception.
 */
import { RandomIds, type Ids } from '../harness/ids';
import { ProvisioningError } from '../provisioning/errors';
import type { Logger } from '../log';
import { JobState, type JobRecord, type JobStore } from '../storage/jobStore';
import type { Dispatcher, ThrottleGroup } from './dispatcher';

export interface JobContext {
  readonly instanceId: string;
  /** Aborted when the job is killed or terminated. */
  readonly signal: AbortSignal;
  /** Reports progress: a fraction 0..1 and what is being done. */
  progress(fraction: number, status: string): void;
}

export interface JobSpec {
  readonly host: string;
  readonly submittedOn: string;
  readonly operation: string;
  readonly owner: string;
  readonly client: string;
  readonly group?: ThrottleGroup;
  /** The work; it throws a ProvisioningError to fail and resolves with a status text to complete. */
  readonly work: (ctx: JobContext) => Promise<string>;
}

export interface SubmittedJob {
  readonly instanceId: string;
  /** Resolves when the job ends; rejects with its ProvisioningError when it failed, JobTerminatedError when terminated. */
  readonly done: Promise<JobRecord>;
}

/** Thrown by `done` for a job that was terminated. */
export class JobTerminatedError extends Error {
  constructor(readonly instanceId: string) {
    super(`job ${instanceId} was terminated`);
    this.name = 'JobTerminatedError';
  }
}

/** A step a job reported done: the status it gave (the step's title) and when, on the emulator's clock. */
export interface StepMark {
  readonly status: string;
  readonly at: string;
}

/** How many jobs' step marks are kept (the newest): the database keeps jobs, not their steps' times. */
const STEP_MARKS_KEPT = 10_000;

export class JobService {
  /** Jobs queued or running: how to cancel each, and its end. */
  private readonly active = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  /** The steps each recent job reported, in order (a Map keeps insertion order: the oldest job goes first). */
  private readonly marks = new Map<string, StepMark[]>();

  constructor(
    private readonly store: JobStore,
    private readonly dispatcher: Dispatcher,
    private readonly log: Logger,
    private readonly ids: Ids = new RandomIds(),
  ) {}

  submit(spec: JobSpec): SubmittedJob {
    const instanceId = `IPAM:Job:${this.ids.uuid(`job:${spec.host}`).toUpperCase()}`;
    this.store.insert({
      instanceId,
      fqdn: spec.host,
      submittedOn: spec.submittedOn,
      operation: spec.operation,
      name: `${spec.operation} on ${spec.host}`,
      owner: spec.owner,
      client: spec.client,
      status: 'Queued',
    });
    const controller = new AbortController();
    let percent = 0;
    const ctx: JobContext = {
      instanceId,
      signal: controller.signal,
      progress: (fraction, status) => {
        percent = Math.max(percent, Math.min(100, Math.round(fraction * 100)));
        const at = this.store.update(instanceId, { state: JobState.Running, percent, status });
        this.mark(instanceId, { status, at });
      },
    };
    const done = this.dispatcher
      .run(
        { host: spec.host, client: spec.client, group: spec.group },
        () => spec.work(ctx),
        () => this.store.update(instanceId, { state: JobState.Running, percent: 0, status: 'Running', started: true }),
        controller.signal,
      )
      .then(
        (status) => {
          this.store.update(instanceId, { state: JobState.Completed, percent: 100, status, ended: true });
          return this.store.get(instanceId) as JobRecord;
        },
        (err: unknown) => {
          if (controller.signal.aborted) {
            this.store.update(instanceId, { state: JobState.Terminated, percent, status: 'Terminated: every step done was undone', ended: true });
            throw new JobTerminatedError(instanceId);
          }
          const e = err instanceof ProvisioningError ? err : undefined;
          if (!e) this.log.error({ err, job: instanceId }, 'a job failed with an internal error');
          this.store.update(instanceId, {
            state: JobState.Exception,
            percent,
            status: 'Failed',
            ended: true,
            // CIM_ConcreteJob.ErrorCode is a uint16: the Win32 or CIM code of the error.
            errorCode: e ? e.win32Code & 0xffff : 1359,
            errorDescription: e ? e.message : 'An internal error of the emulator ended the job; its log has the details.',
            errorMessageId: e?.messageId,
          });
          throw err;
        },
      )
      .finally(() => this.active.delete(instanceId));
    this.active.set(instanceId, { controller, done });
    // The submitter may not wait (an asynchronous call): keep an unobserved failure from crashing the process.
    done.catch(() => undefined);
    return { instanceId, done };
  }

  get(instanceId: string): JobRecord | undefined {
    return this.store.get(instanceId);
  }

  /** The steps a job reported done so far, oldest first; none for a job of an earlier run of the emulator. */
  stepMarks(instanceId: string): readonly StepMark[] {
    return this.marks.get(instanceId) ?? [];
  }

  private mark(instanceId: string, m: StepMark): void {
    let list = this.marks.get(instanceId);
    if (!list) {
      if (this.marks.size >= STEP_MARKS_KEPT) this.marks.delete(this.marks.keys().next().value as string);
      list = [];
      this.marks.set(instanceId, list);
    }
    list.push(m);
  }

  getMany(instanceIds: readonly string[]): Array<JobRecord | undefined> {
    return this.store.getMany(instanceIds);
  }

  forHost(fqdn: string): JobRecord[] {
    return this.store.forHost(fqdn);
  }

  idsForHost(fqdn: string): string[] {
    return this.store.idsForHost(fqdn);
  }

  /** True while a job for the host is queued or running. */
  isHostBusy(fqdn: string): boolean {
    return this.dispatcher.isHostBusy(fqdn);
  }

  /**
   * Cancels a queued or running job and resolves when it has ended: a queued one
   * never runs; a running one stops at its next step and undoes what it did.
   */
  async terminate(instanceId: string): Promise<boolean> {
    const job = this.active.get(instanceId);
    if (!job) return false;
    job.controller.abort(new JobTerminatedError(instanceId));
    await job.done.catch(() => undefined);
    return true;
  }

  /** Terminates every queued and running job (each undoes what it did) and resolves when they have ended. */
  async terminateAll(): Promise<void> {
    await Promise.all([...this.active.keys()].map((id) => this.terminate(id)));
  }

  /** Resolves when every queued and running job has ended (for a clean stop). */
  async drain(): Promise<void> {
    await Promise.all([...this.active.values()].map((j) => j.done.catch(() => undefined)));
  }

  /**
   * At start: jobs a stop interrupted read back as Exception, with a clear description;
   * except a job whose run had committed, which recovery finished (`completed`: host FQDN →
   * the operation recovery completed): it reads back Completed, as it would have.
   */
  recover(completed: ReadonlyMap<string, string> = new Map()): number {
    const left = this.store.unfinished();
    for (const j of left) {
      if (j.state === JobState.Running && completed.get(j.fqdn.toLowerCase()) === j.operation) {
        this.store.update(j.instanceId, {
          state: JobState.Completed,
          percent: 100,
          status: j.operation === 'UpdateIpamServer' ? 'Completed: the update was finished after a restart' : 'Completed: IPAM was provisioned (finished after a restart)',
          ended: true,
        });
        continue;
      }
      this.store.update(j.instanceId, {
        state: JobState.Exception,
        percent: j.percent,
        status: 'Interrupted',
        ended: true,
        errorCode: 1067,
        errorDescription:
          j.state === JobState.New
            ? 'The emulator stopped before this job started; nothing was done.'
            : 'The emulator stopped while this job was running; at restart every step it had done was undone.',
        errorMessageId: 'WIN32 1067',
      });
    }
    return left.length;
  }
}
