/**
 * MSFT_IPAM_Server: one instance per host (a CIM_Product: the IPAM server
 * feature of that host) and the static methods InvokeIpamServerProvisioning
 * and UpdateIpamServer.
 */
import { CimError, CimStatus, ErrorCategory } from '../cim/errors';
import type { CimInstance, ResolvedClass } from '../cim/types';
import { instanceOf, plain } from '../cim/values';
import { validateProvisioningParameters, type RawProvisioningParameters } from '../provisioning/parameters';
import type { IpamService } from '../provisioning/service';
import { ProvisioningState, type StateStore } from '../storage/stateStore';
import type { CallOptions, CimProvider, MethodCall, MethodResult, ProviderContext } from './types';

export const IPAM_PRODUCT_NAME = 'IP Address Management (IPAM) Server';
export const PRODUCT_VENDOR = 'Microsoft Corporation';

export class IpamServerProvider implements CimProvider {
  readonly classNames = ['MSFT_IPAM_Server'];

  constructor(
    private readonly store: StateStore,
    private readonly ipam: IpamService,
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

  async invokeMethod(ctx: ProviderContext, call: MethodCall): Promise<MethodResult> {
    const whatIf = isWhatIf(ctx.options);
    switch (call.method.name) {
      case 'InvokeIpamServerProvisioning': {
        const raw: RawProvisioningParameters = {};
        for (const [name, v] of call.params) (raw as Record<string, unknown>)[name] = plain(v);
        const request = validateProvisioningParameters(raw);
        await this.ipam.provision({ host: ctx.host, requester: ctx.principal, request, whatIf, events: ctx.events, signal: ctx.signal });
        // Provisioned, already provisioned alike, declined or WhatIf: the method succeeded (a CIM error otherwise).
        return { returnValue: 0 };
      }
      case 'UpdateIpamServer': {
        const force = plain(call.params.get('Force')) === true;
        await this.ipam.update({ host: ctx.host, requester: ctx.principal, force, whatIf, events: ctx.events });
        return { returnValue: 0 };
      }
      default:
        throw notImplemented(`${call.cls.name}.${call.method.name} is not implemented in this version of the emulator.`);
    }
  }
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
