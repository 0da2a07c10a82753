/**
 * What the IpamServer module runs on: the same engine, dispatcher, jobs and state
 * as the CIM door, so what one door provisions the other reads back. One backend
 * per shell session: it knows the host the shell runs on and who runs it.
 */
import type { Fleet, FleetHost, Principal } from '../../../fleet/fleet';
import type { HostFeatures } from '../../../fleet/hostFeatures';
import type { ThrottleGroup } from '../../../jobs/dispatcher';
import { JobTerminatedError, type JobService } from '../../../jobs/jobs';
import { submitProvisioning, submitUpdate } from '../../../jobs/provisioningJobs';
import type { ProvisionOutcome } from '../../../provisioning/engine';
import { ProvisioningErrors } from '../../../provisioning/errors';
import type { EventSink } from '../../../provisioning/events';
import type { IpamHostConfiguration } from '../../../provisioning/model';
import type { ProvisioningRequest } from '../../../provisioning/parameters';
import type { IpamService } from '../../../provisioning/service';
import type { ConfigurationRequest, SettingOutcome } from '../../../provisioning/settings';
import type { UpdateOutcome } from '../../../provisioning/update';
import type { ConfigLogRow, IpamState } from '../../../storage/ipamState';

export interface IpamBackendDeps {
  readonly fleet: Fleet;
  readonly ipam: IpamService;
  readonly jobs: JobService;
  readonly state: IpamState;
  readonly features: HostFeatures;
}

export interface RunOptions {
  readonly whatIf: boolean;
  readonly events: EventSink;
  /** Aborted by Ctrl+C or a WinRS Signal: the job is terminated and its steps undone before the call returns. */
  readonly signal: AbortSignal;
  readonly group?: ThrottleGroup;
}

export class IpamBackend {
  constructor(
    private readonly deps: IpamBackendDeps,
    /** The host the shell runs on. */
    readonly host: FleetHost,
    readonly requester: Principal,
    readonly client: string,
  ) {}

  /** A host named by -CimSession: an FQDN or NetBIOS name of the fleet, or localhost / '.' for this one. */
  resolve(name: string): FleetHost | undefined {
    const n = name.trim().toLowerCase();
    if (n === 'localhost' || n === '.' || n === '127.0.0.1' || n === '::1') return this.host;
    return this.deps.fleet.host(n);
  }

  hasIpam(host: FleetHost): boolean {
    return this.deps.features.hasIpam(host);
  }

  configuration(host: FleetHost): IpamHostConfiguration | undefined {
    return this.deps.state.hostConfig<IpamHostConfiguration>(host.fqdn);
  }

  configurationLog(host: FleetHost): ConfigLogRow[] {
    return this.deps.state.log(host.fqdn);
  }

  /** Invoke-IpamServerProvisioning: a what-if runs the engine's plan only; a real run is a job through the dispatcher. */
  async provision(host: FleetHost, request: ProvisioningRequest, opts: RunOptions): Promise<ProvisionOutcome> {
    if (opts.whatIf) return this.deps.ipam.provision({ host, requester: this.requester, request, whatIf: true, events: opts.events });
    const run = submitProvisioning(this.deps.ipam, this.deps.jobs, { host, submittedOn: this.host, requester: this.requester, client: this.client, events: opts.events, group: opts.group }, request);
    return this.awaitJob(run.instanceId, run.outcome, host, opts.signal);
  }

  async update(host: FleetHost, force: boolean, opts: RunOptions): Promise<UpdateOutcome> {
    if (opts.whatIf) return this.deps.ipam.update({ host, requester: this.requester, force, whatIf: true, events: opts.events });
    const run = submitUpdate(this.deps.ipam, this.deps.jobs, { host, submittedOn: this.host, requester: this.requester, client: this.client, events: opts.events }, force);
    return this.awaitJob(run.instanceId, run.outcome, host, opts.signal);
  }

  /** Enable-/Disable-IpamCapability: on the engine, under the host's lock (no job: it is one quick change). */
  setCapability(host: FleetHost, capability: string, enable: boolean, force: boolean, opts: Omit<RunOptions, 'signal' | 'group'>): Promise<SettingOutcome> {
    return this.deps.ipam.setCapability({ host, requester: this.requester, capability, enable, force, whatIf: opts.whatIf, events: opts.events });
  }

  setConfiguration(host: FleetHost, request: ConfigurationRequest, force: boolean, opts: Omit<RunOptions, 'signal' | 'group'>): Promise<SettingOutcome> {
    return this.deps.ipam.setConfiguration({ host, requester: this.requester, request, force, whatIf: opts.whatIf, events: opts.events });
  }

  /**
   * Waits for a job's outcome; a stop terminates the job and waits for its undo, then ends the wait
   * with the cancellation error, so nothing is half-done when the command returns.
   */
  private async awaitJob<T>(instanceId: string, outcome: Promise<T>, host: FleetHost, signal: AbortSignal): Promise<T> {
    const stop = (): void => void this.deps.jobs.terminate(instanceId);
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      return await outcome;
    } catch (e) {
      if (e instanceof JobTerminatedError) throw ProvisioningErrors.cancelled(host.fqdn);
      throw e;
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }
}
