/**
 * The IpamServer module of the emulated host (Windows Server 2022: IpamServer
 * 2.0.0.0, a manifest module of CDXML cmdlets), with the cmdlets the emulator
 * serves and the format views of their objects. Present only on a host with the
 * IP Address Management (IPAM) Server feature.
 */
import { IPAM_SERVER_VIEWS } from '../../format/ipamViews';
import type { PsModule } from '../../runtime/commands';
import type { IpamBackend } from './backend';
import { invokeIpamServerProvisioning, updateIpamServer } from './provisioning';
import { getIpamCapability, getIpamConfiguration, getIpamConfigurationEvent, getIpamDatabase } from './reading';
import { disableIpamCapability, enableIpamCapability, setIpamConfiguration } from './settings';

export { IpamBackend, type IpamBackendDeps } from './backend';

export function ipamServerModule(backend: IpamBackend): PsModule {
  return {
    name: 'IpamServer',
    version: '2.0.0.0',
    moduleType: 'Manifest',
    commands: [
      disableIpamCapability(backend),
      enableIpamCapability(backend),
      getIpamCapability(backend),
      getIpamConfiguration(backend),
      getIpamConfigurationEvent(backend),
      getIpamDatabase(backend),
      invokeIpamServerProvisioning(backend),
      setIpamConfiguration(backend),
      updateIpamServer(backend),
    ],
    views: IPAM_SERVER_VIEWS,
  };
}
