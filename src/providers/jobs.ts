/**
 * MSFT_IPAM_ConcreteJob (a CIM_ConcreteJob): the jobs of provisioning and
 * update calls. A host lists the jobs working on it and those submitted to it.
 * KillJob and RequestStateChange(Terminate | Kill) cancel a queued or running
 * job, whose steps are undone; GetError returns the CIM_Error of a failed job.
 */
import { CimError, CimStatus } from '../cim/errors';
import { CimDateTime } from '../cim/datetime';
import type { CimInstance, CimReference, ResolvedClass } from '../cim/types';
import { instanceOf, plain } from '../cim/values';
import type { JobService } from '../jobs/jobs';
import { FINAL_STATES, JobState, type JobRecord } from '../storage/jobStore';
import { IPAM_NAMESPACE } from './namespace';
import type { CimProvider, MethodCall, MethodResult, ProviderContext } from './types';
import { SystemClock, type Clock } from '../harness/clock';

export const JOB_CLASS = 'MSFT_IPAM_ConcreteJob';

/** CIM_ConcreteJob return codes (RequestStateChange ValueMap). */
const RC = { OK: 0, NOT_SUPPORTED: 1, INVALID_STATE_TRANSITION: 4097 } as const;

/** Jobs are kept until a reset; the property says so in CIM terms (5 minutes is the CIM default). */
const TIME_BEFORE_REMOVAL = CimDateTime.interval({ days: 0, hours: 0, minutes: 5, seconds: 0, microseconds: 0 });

/** CIM_ManagedSystemElement.OperationalStatus per job state: 2 OK, 6 Error, 10 Stopped, 17 Completed. */
function operationalStatus(state: JobState): number[] {
  switch (state) {
    case JobState.Completed:
      return [2, 17];
    case JobState.Exception:
      return [6, 17];
    case JobState.Terminated:
    case JobState.Killed:
      return [10, 17];
    default:
      return [2];
  }
}

export function jobReference(instanceId: string): CimReference {
  return { kind: 'reference', className: JOB_CLASS, namespace: IPAM_NAMESPACE, keys: [{ name: 'InstanceID', value: instanceId }] };
}

export function jobInstance(cls: ResolvedClass, j: JobRecord, now = Date.now()): CimInstance {
  const end = j.endTime?.getTime() ?? now;
  return instanceOf(cls, {
    InstanceID: j.instanceId,
    Name: j.name,
    Caption: j.name,
    ElementName: j.name,
    JobState: j.state,
    JobStatus: j.status,
    OperationalStatus: operationalStatus(j.state),
    PercentComplete: j.percent,
    TimeSubmitted: j.timeSubmitted,
    StartTime: j.startTime,
    ElapsedTime: j.startTime ? CimDateTime.fromMilliseconds(Math.max(0, end - j.startTime.getTime())) : null,
    TimeOfLastStateChange: j.stateChanged,
    TimeBeforeRemoval: TIME_BEFORE_REMOVAL,
    DeleteOnCompletion: false,
    Owner: j.owner,
    ErrorCode: j.errorCode,
    ErrorDescription: j.errorDescription,
    TargetHost: j.fqdn,
    OperationName: j.operation,
  });
}

export class JobProvider implements CimProvider {
  readonly classNames = [JOB_CLASS];

  /** ElapsedTime of a running job is measured on `clock`. */
  constructor(
    private readonly jobs: JobService,
    private readonly clock: Clock = new SystemClock(),
  ) {}

  async enumerateInstances(ctx: ProviderContext, cls: ResolvedClass): Promise<readonly CimInstance[]> {
    const now = this.clock.now();
    return this.jobs.forHost(ctx.host.fqdn).map((j) => jobInstance(cls, j, now));
  }

  async enumerateReferences(ctx: ProviderContext, cls: ResolvedClass): Promise<readonly CimReference[]> {
    return this.jobs.idsForHost(ctx.host.fqdn).map((id) => ({ kind: 'reference', className: cls.name, namespace: cls.namespace, keys: [{ name: 'InstanceID', value: id }] }));
  }

  async getInstance(ctx: ProviderContext, cls: ResolvedClass, ref: CimReference): Promise<CimInstance | undefined> {
    const id = ref.keys.find((k) => k.name.toLowerCase() === 'instanceid')?.value;
    const j = id !== undefined ? this.visible(ctx, id) : undefined;
    return j ? jobInstance(cls, j) : undefined;
  }

  async invokeMethod(ctx: ProviderContext, call: MethodCall): Promise<MethodResult> {
    const id = call.target?.keys.find((k) => k.name === 'InstanceID')?.value;
    const job = id !== undefined ? this.visible(ctx, id) : undefined;
    if (!job) throw new CimError({ status: CimStatus.NOT_FOUND, message: `No job ${id ?? ''} on ${ctx.host.fqdn}.` });
    switch (call.method.name) {
      case 'KillJob':
        return { returnValue: (await this.cancel(job)) ? RC.OK : RC.INVALID_STATE_TRANSITION };
      case 'RequestStateChange': {
        const requested = plain(call.params.get('RequestedState'));
        // 4 Terminate, 5 Kill: both cancel here (the steps are undone either way).
        if (requested !== 4 && requested !== 5) return { returnValue: RC.NOT_SUPPORTED };
        return { returnValue: (await this.cancel(job)) ? RC.OK : RC.INVALID_STATE_TRANSITION };
      }
      case 'GetError': {
        if (job.state !== JobState.Exception) return { returnValue: RC.OK, out: { Error: null } };
        const errorClass = ctx.registry.getClass(IPAM_NAMESPACE, 'CIM_Error');
        if (!errorClass) throw new Error('schema: CIM_Error is not loaded');
        return {
          returnValue: RC.OK,
          out: {
            Error: instanceOf(errorClass, {
              CIMStatusCode: CimStatus.FAILED,
              Message: job.errorDescription,
              MessageID: job.errorMessageId,
              ErrorSource: job.instanceId,
              ErrorSourceFormat: 0,
              ErrorType: 0,
              PerceivedSeverity: 0,
              ProbableCause: 0,
            }),
          },
        };
      }
      default:
        throw new CimError({ status: CimStatus.NOT_SUPPORTED, message: `${call.method.name} is not supported on jobs.` });
    }
  }

  async getInstances(ctx: ProviderContext, cls: ResolvedClass, refs: readonly CimReference[]): Promise<ReadonlyArray<CimInstance | undefined>> {
    const ids = refs.map((ref) => ref.keys.find((k) => k.name.toLowerCase() === 'instanceid')?.value ?? '');
    const now = this.clock.now();
    return this.jobs.getMany(ids).map((j) => (j && this.isVisible(ctx, j) ? jobInstance(cls, j, now) : undefined));
  }

  private visible(ctx: ProviderContext, instanceId: string): JobRecord | undefined {
    const j = this.jobs.get(instanceId);
    return j && this.isVisible(ctx, j) ? j : undefined;
  }

  /** A host shows the jobs working on it and those submitted to it. */
  private isVisible(ctx: ProviderContext, j: JobRecord): boolean {
    return j.fqdn === ctx.host.fqdn || j.submittedOn === ctx.host.fqdn;
  }

  /** True when the job was still queued or running and is now terminated. */
  private async cancel(job: JobRecord): Promise<boolean> {
    if (FINAL_STATES.has(job.state)) return false;
    return this.jobs.terminate(job.instanceId);
  }
}
