/**
 * Win32_Service: WinRM and a few services every Windows Server runs, plus the
 * ones the IPAM feature brings, whose state follows provisioning (docs/windows-host.md):
 *
 * - Windows Internal Database (MSSQL$MICROSOFT##WID): installed with the feature;
 *   runs while the host's IPAM database is a WID database.
 * - Net.Tcp Listener Adapter (NetTcpActivator) and Windows Process Activation Service
 *   (WAS): IPAM's WCF endpoint (net.tcp, port 48885) is activated through them; they
 *   are stopped (Manual) until provisioning configures the IPAM service, then running.
 *
 * Read-only: StartService of a running service answers 10 ("Service Already Running"),
 * as Windows does; any other start or stop is refused (the emulator does not run services).
 */
import { CimError, CimStatus, ErrorCategory } from '../../cim/errors';
import type { CimInstance, ResolvedClass } from '../../cim/types';
import { instanceOf } from '../../cim/values';
import type { FleetHost } from '../../fleet/fleet';
import { IPAM_FEATURE } from '../../fleet/windowsFeatures';
import type { CimProvider, MethodCall, MethodResult, ProviderContext } from '../types';
import type { HostFacts } from './hostFacts';
import { WINDOWS_DIRECTORY } from './system';

interface ServiceSpec {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly pathName: string;
  readonly startName: string;
  readonly serviceType: 'Own Process' | 'Share Process';
  readonly processId: number;
  /** The feature that installs it; undefined: part of every installation. */
  readonly feature?: string;
  /** Running and start mode for a host in this state. */
  state(host: FleetHost, facts: HostFacts): { running: boolean; startMode: 'Auto' | 'Manual' };
}

const SVCHOST = `${WINDOWS_DIRECTORY}\\System32\\svchost.exe`;
const always = (): { running: boolean; startMode: 'Auto' } => ({ running: true, startMode: 'Auto' });
const withIpamService = (host: FleetHost, facts: HostFacts): { running: boolean; startMode: 'Auto' | 'Manual' } =>
  facts.provisioned(host) ? { running: true, startMode: 'Auto' } : { running: false, startMode: 'Manual' };

const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'Dnscache',
    displayName: 'DNS Client',
    description: 'The DNS Client service (dnscache) caches Domain Name System (DNS) names and registers the full computer name for this computer.',
    pathName: `${SVCHOST} -k NetworkService -p`,
    startName: 'NT AUTHORITY\\NetworkService',
    serviceType: 'Share Process',
    processId: 1464,
    state: always,
  },
  {
    name: 'EventLog',
    displayName: 'Windows Event Log',
    description: 'This service manages events and event logs.',
    pathName: `${SVCHOST} -k LocalServiceNetworkRestricted -p`,
    startName: 'NT AUTHORITY\\LocalService',
    serviceType: 'Share Process',
    processId: 1228,
    state: always,
  },
  {
    name: 'LanmanServer',
    displayName: 'Server',
    description: 'Supports file, print, and named-pipe sharing over the network for this computer.',
    pathName: `${SVCHOST} -k netsvcs -p`,
    startName: 'LocalSystem',
    serviceType: 'Share Process',
    processId: 1052,
    state: always,
  },
  {
    name: 'Spooler',
    displayName: 'Print Spooler',
    description: 'This service spools print jobs and handles interaction with the printer.',
    pathName: `${WINDOWS_DIRECTORY}\\System32\\spoolsv.exe`,
    startName: 'LocalSystem',
    serviceType: 'Own Process',
    processId: 2388,
    state: always,
  },
  {
    name: 'W32Time',
    displayName: 'Windows Time',
    description: 'Maintains date and time synchronization on all clients and servers in the network.',
    pathName: `${SVCHOST} -k LocalService`,
    startName: 'NT AUTHORITY\\LocalService',
    serviceType: 'Share Process',
    processId: 1700,
    state: always,
  },
  {
    name: 'WinRM',
    displayName: 'Windows Remote Management (WS-Management)',
    description: 'Windows Remote Management (WinRM) service implements the WS-Management protocol for remote management.',
    pathName: `${SVCHOST} -k NetworkService -p`,
    startName: 'NT AUTHORITY\\NetworkService',
    serviceType: 'Share Process',
    processId: 2772,
    state: always,
  },
  {
    name: 'MSSQL$MICROSOFT##WID',
    displayName: 'Windows Internal Database',
    description: 'Provides storage for the data of Windows roles and features such as IPAM.',
    pathName: `${WINDOWS_DIRECTORY}\\WID\\Binn\\sqlservr.exe -sMICROSOFT##WID -s"MICROSOFT##WID"`,
    startName: 'NT SERVICE\\MSSQL$MICROSOFT##WID',
    serviceType: 'Own Process',
    processId: 3312,
    feature: IPAM_FEATURE,
    state: (host, facts) => (facts.databaseType(host) === 'WID' ? { running: true, startMode: 'Auto' } : { running: false, startMode: 'Manual' }),
  },
  {
    name: 'NetTcpActivator',
    displayName: 'Net.Tcp Listener Adapter',
    description: 'Receives activation requests over the net.tcp protocol and passes them to the Windows Process Activation Service.',
    pathName: `${SVCHOST} -k NetTcpActivator`,
    startName: 'NT AUTHORITY\\LocalService',
    serviceType: 'Share Process',
    processId: 3544,
    feature: IPAM_FEATURE,
    state: withIpamService,
  },
  {
    name: 'WAS',
    displayName: 'Windows Process Activation Service',
    description: 'The Windows Process Activation Service (WAS) provides process activation, resource management and health management services for message-activated applications.',
    pathName: `${SVCHOST} -k iissvcs`,
    startName: 'LocalSystem',
    serviceType: 'Share Process',
    processId: 3480,
    feature: IPAM_FEATURE,
    state: withIpamService,
  },
];

/** Win32_Service.StartService's "Service Already Running". */
const ALREADY_RUNNING = 10;

export class ServiceProvider implements CimProvider {
  readonly classNames = ['Win32_Service'];

  constructor(private readonly facts: HostFacts) {}

  async enumerateInstances(ctx: ProviderContext, cls: ResolvedClass): Promise<readonly CimInstance[]> {
    return this.present(ctx.host).map((s) => this.instance(cls, ctx.host, s));
  }

  async invokeMethod(ctx: ProviderContext, call: MethodCall): Promise<MethodResult> {
    const name = call.target?.keys.find((k) => k.name === 'Name')?.value;
    const spec = this.present(ctx.host).find((s) => s.name.toLowerCase() === String(name).toLowerCase());
    if (!spec) throw new CimError({ status: CimStatus.NOT_FOUND, message: `No service named ${String(name)} exists on ${ctx.host.fqdn}.` });
    if (call.method.name === 'StartService' && spec.state(ctx.host, this.facts).running) return { returnValue: ALREADY_RUNNING };
    throw new CimError({
      status: CimStatus.NOT_SUPPORTED,
      message: `Win32_Service.${call.method.name} is not supported by the emulator: its root/cimv2 is read-only, and ${spec.name}'s state follows the host's IPAM provisioning.`,
      category: ErrorCategory.NotImplemented,
    });
  }

  private present(host: FleetHost): ServiceSpec[] {
    return SERVICES.filter((s) => s.feature === undefined || this.facts.features.isInstalled(host, s.feature));
  }

  private instance(cls: ResolvedClass, host: FleetHost, s: ServiceSpec): CimInstance {
    const { running, startMode } = s.state(host, this.facts);
    return instanceOf(cls, {
      AcceptPause: false,
      AcceptStop: running,
      Caption: s.displayName,
      CheckPoint: 0,
      CreationClassName: 'Win32_Service',
      DelayedAutoStart: false,
      Description: s.description,
      DesktopInteract: false,
      DisplayName: s.displayName,
      ErrorControl: 'Normal',
      ExitCode: running ? 0 : 1077,
      Name: s.name,
      PathName: s.pathName,
      ProcessId: running ? s.processId : 0,
      ServiceSpecificExitCode: 0,
      ServiceType: s.serviceType,
      Started: running,
      StartMode: startMode,
      StartName: s.startName,
      State: running ? 'Running' : 'Stopped',
      Status: 'OK',
      SystemCreationClassName: 'Win32_ComputerSystem',
      SystemName: host.computerName,
      TagId: 0,
      WaitHint: 0,
    });
  }
}
