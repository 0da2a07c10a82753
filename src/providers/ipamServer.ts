/**
 * MSFT_IPAM_Server: one instance per host (a CIM_Product: the IPAM server
 * feature of that host) and the static methods InvokeIpamServerProvisioning
 * and UpdateIpamServer.
 */
import { CimError, CimStatus, ErrorCategory } from '../cim/errors';
import type { CimInstance, ResolvedClass } from '../cim/types';
import { instanceOf, plain } from '../cim/values';
import { validateProvisioningParameters, type RawProvisioningParameters } from '../provisioning/parameters';
import { JobTerminatedError, type JobService, type SubmittedJob } from '../jobs/jobs';
import { submitProvisioning, submitUpdate } from '../jobs/provisioningJobs';
import { ProvisioningErrors } from '../provisioning/errors';
import type { IpamService } from '../provisioning/service';
import { ProvisioningState, type StateStore } from '../storage/stateStore';
import { jobReference } from './jobs';
import { asCim } from './provisioningErrors';
import type { CallOptions, CimProvider, MethodCall, MethodResult, ProviderContext } from './types';

export const IPAM_PRODUCT_NAME = 'IP Address Management (IPAM) Server';
export const PRODUCT_VENDOR = 'Microsoft Corporation';

export class IpamServerProvider implements CimProvider {
  readonly classNames = ['MSFT_IPAM_Server'];

  constructor(
    private readonly store: StateStore,
    private readonly ipam: IpamService,
    private readonly jobs: JobService,
  ) {}

  async enumerateInstances(ctx: ProviderContext, cls: ResolvedClass): Promise<readonly CimInstance[]> {
    const state = this.store.hostState(ctx.host.fqdn)?.provisioningState ?? ProvisioningState.NotProvisioned;
    return [
      instanceOf(cls, {
        Name: IPAM_PRODUCT_NAME,
        IdentifyingNumber: ctx.host.fqdn,
        Vendor: PRODUCT_VENDOR,
        Version: ctx.host.os.version,
        Caption: `${IPAM_PRODUCT_NAME} on ${ctx.host.fqdn}`,
        ElementName: ctx.host.fqdn,
        ServerName: ctx.host.fqdn,
        ProvisioningState: state,
      }),
    ];
  }

  /** The engine's errors leave as CIM errors (providers/provisioningErrors.ts). */
  invokeMethod(ctx: ProviderContext, call: MethodCall): Promise<MethodResult> {
    return asCim(() => this.invoke(ctx, call));
  }

  private async invoke(ctx: ProviderContext, call: MethodCall): Promise<MethodResult> {
    const whatIf = isWhatIf(ctx.options);
    const caller = { host: ctx.host, submittedOn: ctx.host, requester: ctx.principal, client: ctx.clientAddress, events: ctx.events };
    switch (call.method.name) {
      case 'InvokeIpamServerProvisioning': {
        const raw: RawProvisioningParameters = {};
        for (const [name, v] of call.params) (raw as Record<string, unknown>)[name] = plain(v);
        const request = validateProvisioningParameters(raw);
        if (whatIf) {
          // ShouldProcess answered no: the plan is reported, nothing runs, no job is made.
          await this.ipam.provision({ host: ctx.host, requester: ctx.principal, request, whatIf, events: ctx.events });
          return { returnValue: 0 };
        }
        return this.answer(ctx, submitProvisioning(this.ipam, this.jobs, caller, request));
      }
      case 'UpdateIpamServer': {
        const force = plain(call.params.get('Force')) === true;
        if (whatIf) {
          await this.ipam.update({ host: ctx.host, requester: ctx.principal, force, whatIf, events: ctx.events });
          return { returnValue: 0 };
        }
        return this.answer(ctx, submitUpdate(this.ipam, this.jobs, caller, force));
      }
      default:
        throw notImplemented(`${call.cls.name}.${call.method.name} is not implemented in this version of the emulator.`);
    }
  }

  /**
   * Synchronous by default, as PowerShell's CDXML cmdlet expects: the call returns
   * when the job ends, 0 or the job's CIM error. With the option IpamEmulator_AsJob
   * the call returns at once: 4096 "Method Parameters Checked - Job Started" and the
   * job's reference (for WinRM tooling; PowerShell would report 4096 as an error code).
   */
  private async answer(ctx: ProviderContext, job: SubmittedJob): Promise<MethodResult> {
    const out = { Job: jobReference(job.instanceId) };
    if (isAsJob(ctx.options)) return { returnValue: 4096, out };
    try {
      await job.done;
    } catch (e) {
      if (e instanceof JobTerminatedError) throw ProvisioningErrors.cancelled(ctx.host.fqdn);
      throw e;
    }
    return { returnValue: 0, out };
  }
}

/** The emulator's option for asynchronous calls (README: "Jobs"). */
export const AS_JOB_OPTION = 'IpamEmulator_AsJob';

export function isAsJob(options: CallOptions): boolean {
  const v = options.raw.get(AS_JOB_OPTION.toLowerCase())?.[0]?.trim().toLowerCase();
  return v === 'true' || v === '1';
}

/**
 * PowerShell -WhatIf arrives as PROMPTUSERMODE Report (0) with the regular ack
 * value false (reference/powershell-cim-client.md §3): ShouldProcess answers no.
 */
export function isWhatIf(options: CallOptions): boolean {
  return options.promptUserMode === 0 && options.promptUserAck === false;
}

function notImplemented(message: string): CimError {
  return new CimError({ status: CimStatus.NOT_SUPPORTED, message, errorType: 'Win32', errorCode: 50, category: ErrorCategory.NotImplemented });
}
