/**
 * MSFT_IPAM_Server: one instance per host (a CIM_Product: the IPAM server
 * feature of that host) and the static methods InvokeIpamServerProvisioning
 * and UpdateIpamServer.
 */
import { CimError, CimStatus, ErrorCategory } from '../cim/errors';
import type { CimInstance, ResolvedClass } from '../cim/types';
import { instanceOf, plain } from '../cim/values';
import { validateProvisioningParameters, type RawProvisioningParameters } from '../provisioning/parameters';
import { ProvisioningState, type StateStore } from '../storage/stateStore';
import type { CimProvider, MethodCall, MethodResult, ProviderContext } from './types';

export const IPAM_PRODUCT_NAME = 'IP Address Management (IPAM) Server';
export const PRODUCT_VENDOR = 'Microsoft Corporation';

export class IpamServerProvider implements CimProvider {
  readonly classNames = ['MSFT_IPAM_Server'];

  constructor(private readonly store: StateStore) {}

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

  async invokeMethod(_ctx: ProviderContext, call: MethodCall): Promise<MethodResult> {
    switch (call.method.name) {
      case 'InvokeIpamServerProvisioning': {
        const raw: RawProvisioningParameters = {};
        for (const [name, v] of call.params) (raw as Record<string, unknown>)[name] = plain(v);
        validateProvisioningParameters(raw);
        // No fake success: the parameters were valid, but the engine is not here yet.
        throw notImplemented('Provisioning (InvokeIpamServerProvisioning) is not implemented in this version of the emulator; the parameters given are valid.');
      }
      case 'UpdateIpamServer':
        throw notImplemented('UpdateIpamServer is not implemented in this version of the emulator.');
      default:
        throw notImplemented(`${call.cls.name}.${call.method.name} is not implemented in this version of the emulator.`);
    }
  }
}

function notImplemented(message: string): CimError {
  return new CimError({ status: CimStatus.NOT_SUPPORTED, message, errorType: 'Win32', errorCode: 50, category: ErrorCategory.NotImplemented });
}
