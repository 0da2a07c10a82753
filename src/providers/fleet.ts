/**
 * MSFT_IPAM_Fleet, the emulator's own fleet-level class (not a Windows class;
 * docs/jobs.md): one instance, and the static method
 * InvokeIpamServerProvisioningOnHosts, the fan-out inside the emulator. It runs
 * the provisioning engine once per listed host through the dispatcher, never
 * more than ThrottleLimit at once, and returns one job reference per host
 * (ReturnValue 4096: jobs started).
 */
import { CimError, CimStatus, ErrorCategory } from '../cim/errors';
import type { CimInstance, ResolvedClass } from '../cim/types';
import { instanceOf, plain } from '../cim/values';
import type { Fleet, FleetHost } from '../fleet/fleet';
import { ThrottleGroup } from '../jobs/dispatcher';
import type { JobService } from '../jobs/jobs';
import { submitProvisioning } from '../jobs/provisioningJobs';
import { ProvisioningErrors } from '../provisioning/errors';
import { validateProvisioningParameters, type RawProvisioningParameters } from '../provisioning/parameters';
import type { IpamService } from '../provisioning/service';
import { isWhatIf } from './ipamServer';
import { jobReference } from './jobs';
import { asCim } from './provisioningErrors';
import type { CimProvider, MethodCall, MethodResult, ProviderContext } from './types';

/** ThrottleLimit 0 (or none) means this, as 0 means "PowerShell picks" for the cmdlet (our choice: 32, docs/jobs.md). */
export const DEFAULT_THROTTLE_LIMIT = 32;

function invalid(parameter: string, message: string): CimError {
  return new CimError({ status: CimStatus.INVALID_PARAMETER, message, errorType: 'Win32', errorCode: 87, category: ErrorCategory.InvalidArgument, errorSource: parameter });
}

export class FleetProvider implements CimProvider {
  readonly classNames = ['MSFT_IPAM_Fleet'];

  constructor(
    private readonly fleet: Fleet,
    private readonly ipam: IpamService,
    private readonly jobs: JobService,
  ) {}

  async enumerateInstances(_ctx: ProviderContext, cls: ResolvedClass): Promise<readonly CimInstance[]> {
    return [instanceOf(cls, { InstanceID: this.fleet.name, HostCount: this.fleet.hosts.length })];
  }

  /** The engine's errors leave as CIM errors (providers/provisioningErrors.ts). */
  invokeMethod(ctx: ProviderContext, call: MethodCall): Promise<MethodResult> {
    return asCim(() => this.invoke(ctx, call));
  }

  private async invoke(ctx: ProviderContext, call: MethodCall): Promise<MethodResult> {
    if (call.method.name !== 'InvokeIpamServerProvisioningOnHosts') {
      throw new CimError({ status: CimStatus.NOT_SUPPORTED, message: `${call.method.name} is not supported.` });
    }
    const names = (plain(call.params.get('Hosts')) as string[] | null) ?? [];
    if (names.length === 0) throw invalid('Hosts', 'Hosts is required: list the FQDNs (or short names) of the hosts to provision.');
    // A Set keeps the order given and drops repeats (a host named by FQDN and by short name counts once).
    const unique = new Set<FleetHost>();
    for (const name of names) {
      const host = this.fleet.host(name.trim());
      if (!host) throw invalid('Hosts', `The host ${name} is not part of the fleet ${this.fleet.name}.`);
      unique.add(host);
    }
    const hosts = [...unique];
    const throttle = (plain(call.params.get('ThrottleLimit')) as number | null) ?? 0;
    const raw: RawProvisioningParameters = {};
    for (const [name, v] of call.params) if (name !== 'Hosts' && name !== 'ThrottleLimit') (raw as Record<string, unknown>)[name] = plain(v);
    const request = validateProvisioningParameters(raw);
    if (isWhatIf(ctx.options)) {
      for (const host of hosts) await this.ipam.provision({ host, requester: ctx.principal, request, whatIf: true, events: ctx.events });
      return { returnValue: 0, out: { Jobs: [] } };
    }
    // All or nothing: a busy host refuses the whole call before any job starts.
    const busy = hosts.filter((h) => this.jobs.isHostBusy(h.fqdn));
    if (busy.length > 0) {
      const first = ProvisioningErrors.inProgress(busy.map((h) => h.fqdn).join(', '));
      throw first;
    }
    const group = new ThrottleGroup(throttle > 0 ? throttle : DEFAULT_THROTTLE_LIMIT);
    const submitted = hosts.map((host) =>
      submitProvisioning(this.ipam, this.jobs, { host, submittedOn: ctx.host, requester: ctx.principal, client: ctx.clientAddress, events: ctx.events, group }, request),
    );
    return { returnValue: 4096, out: { Jobs: submitted.map((j) => jobReference(j.instanceId)) } };
  }
}
