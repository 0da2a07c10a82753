/**
 * Provisioning and update calls as jobs: what MSFT_IPAM_Server and the fleet
 * fan-out submit. One job per host at a time: a host with a job queued or
 * running refuses another with the in-progress error a real server gives
 * (MS-IPAMM2 3.11.4.7: a SOAP fault while a provisioning is in progress).
 */
import type { FleetHost } from '../fleet/fleet';
import type { EventSink } from '../providers/types';
import type { ProvisionOutcome, Requester } from '../provisioning/engine';
import { ProvisioningErrors } from '../provisioning/errors';
import type { ProvisioningRequest } from '../provisioning/parameters';
import type { IpamService } from '../provisioning/service';
import type { UpdateOutcome } from '../provisioning/update';
import type { ThrottleGroup } from './dispatcher';
import type { JobService, SubmittedJob } from './jobs';

export interface JobCaller {
  readonly host: FleetHost;
  /** The host the call came to (the target itself, or the fleet coordinator). */
  readonly submittedOn: FleetHost;
  readonly requester: Requester;
  readonly client: string;
  readonly events: EventSink;
  readonly group?: ThrottleGroup;
}

function ownerOf(r: Requester): string {
  return `${r.authority}\\${r.name}`;
}

function describeProvision(o: ProvisionOutcome): string {
  switch (o.kind) {
    case 'provisioned':
      return 'Completed: IPAM was provisioned';
    case 'unchanged':
      return 'Completed: IPAM was already provisioned with these settings; nothing changed';
    case 'declined':
      return 'Completed: the confirmation was declined; nothing changed';
    default:
      return 'Completed: what-if only; nothing changed';
  }
}

function describeUpdate(o: UpdateOutcome): string {
  return o.kind === 'updated' ? `Completed: schema upgraded from ${o.from} to ${o.to}` : 'Completed: nothing changed';
}

/** A job and what its run came to, once it has ended (the same rejection as `done` when it failed). */
export interface SubmittedRun<T> extends SubmittedJob {
  readonly outcome: Promise<T>;
}

export function submitProvisioning(ipam: IpamService, jobs: JobService, caller: JobCaller, request: ProvisioningRequest): SubmittedRun<ProvisionOutcome> {
  if (jobs.isHostBusy(caller.host.fqdn)) throw ProvisioningErrors.inProgress(caller.host.fqdn);
  let result: ProvisionOutcome | undefined;
  const job = jobs.submit({
    host: caller.host.fqdn,
    submittedOn: caller.submittedOn.fqdn,
    operation: 'InvokeIpamServerProvisioning',
    owner: ownerOf(caller.requester),
    client: caller.client,
    group: caller.group,
    work: async (job) => {
      const outcome = await ipam.provision({
        host: caller.host,
        requester: caller.requester,
        request,
        whatIf: false,
        events: caller.events,
        signal: job.signal,
        onProgress: (fraction, step) => job.progress(fraction, step),
      });
      result = outcome;
      return describeProvision(outcome);
    },
  });
  return withOutcome(job, () => result as ProvisionOutcome);
}

export function submitUpdate(ipam: IpamService, jobs: JobService, caller: JobCaller, force: boolean): SubmittedRun<UpdateOutcome> {
  if (jobs.isHostBusy(caller.host.fqdn)) throw ProvisioningErrors.inProgress(caller.host.fqdn);
  let result: UpdateOutcome | undefined;
  const job = jobs.submit({
    host: caller.host.fqdn,
    submittedOn: caller.submittedOn.fqdn,
    operation: 'UpdateIpamServer',
    owner: ownerOf(caller.requester),
    client: caller.client,
    work: async () => {
      result = await ipam.update({ host: caller.host, requester: caller.requester, force, whatIf: false, events: caller.events });
      return describeUpdate(result);
    },
  });
  return withOutcome(job, () => result as UpdateOutcome);
}

/** The job with its run's outcome; a caller that never asks for it must not see an unhandled rejection. */
function withOutcome<T>(job: SubmittedJob, result: () => T): SubmittedRun<T> {
  const outcome = job.done.then(result);
  outcome.catch(() => undefined);
  return { ...job, outcome };
}
