/**
 * Win32_OperatingSystem (a singleton) and Win32_ComputerSystem: the host as
 * Windows describes itself, from the fixture's os and machine data. Figures the
 * fixture does not give (processes, free memory) are fixed plausible values, so
 * two reads agree. Property meanings: MicrosoftDocs win32 CIMWin32Prov pages.
 */
import type { CimInstance, ResolvedClass } from '../../cim/types';
import { CimDateTime } from '../../cim/datetime';
import { instanceOf } from '../../cim/values';
import type { FleetHost } from '../../fleet/fleet';
import type { CimProvider, ProviderContext } from '../types';
import type { HostFacts } from './hostFacts';

/** OperatingSystemSKU and the suite mask by edition (PRODUCT_DATACENTER_SERVER 8, PRODUCT_STANDARD_SERVER 7). */
function edition(caption: string): { sku: number; suite: number } {
  return /datacenter/i.test(caption) ? { sku: 8, suite: 400 } : { sku: 7, suite: 272 };
}

export const WINDOWS_DIRECTORY = 'C:\\Windows';

export class SystemProvider implements CimProvider {
  readonly classNames = ['Win32_OperatingSystem', 'Win32_ComputerSystem'];

  constructor(private readonly facts: HostFacts) {}

  async enumerateInstances(ctx: ProviderContext, cls: ResolvedClass): Promise<readonly CimInstance[]> {
    return [cls.name === 'Win32_OperatingSystem' ? this.operatingSystem(cls, ctx.host) : this.computerSystem(cls, ctx.host)];
  }

  private operatingSystem(cls: ResolvedClass, host: FleetHost): CimInstance {
    const os = host.os;
    const { sku, suite } = edition(os.caption);
    const [spMajor, spMinor] = os.servicePack.split('.').map(Number);
    const memoryKb = host.machine.memoryMb * 1024;
    return instanceOf(cls, {
      BootDevice: '\\Device\\HarddiskVolume1',
      BuildNumber: os.version.split('.')[2],
      BuildType: 'Multiprocessor Free',
      Caption: os.caption,
      CodeSet: '1252',
      CountryCode: '1',
      CreationClassName: 'Win32_OperatingSystem',
      CSCreationClassName: 'Win32_ComputerSystem',
      CSName: host.computerName,
      CurrentTimeZone: 0,
      DataExecutionPrevention_32BitApplications: true,
      DataExecutionPrevention_Available: true,
      DataExecutionPrevention_Drivers: true,
      DataExecutionPrevention_SupportPolicy: 3,
      Debug: false,
      Description: '',
      Distributed: false,
      EncryptionLevel: 256,
      ForegroundApplicationBoost: 2,
      FreePhysicalMemory: Math.floor(memoryKb * 0.62),
      FreeSpaceInPagingFiles: 1_179_648,
      FreeVirtualMemory: Math.floor(memoryKb * 0.62) + 1_179_648,
      InstallDate: CimDateTime.fromDate(os.installDate),
      LastBootUpTime: CimDateTime.fromDate(this.facts.bootTime),
      LocalDateTime: CimDateTime.fromDate(this.facts.now()),
      Locale: '0409',
      Manufacturer: 'Microsoft Corporation',
      MaxNumberOfProcesses: 4294967295,
      MaxProcessMemorySize: 137438953344n,
      MUILanguages: ['en-US'],
      Name: `${os.caption}|${WINDOWS_DIRECTORY}|\\Device\\Harddisk0\\Partition2`,
      NumberOfLicensedUsers: 0,
      NumberOfProcesses: 64,
      NumberOfUsers: 1,
      OperatingSystemSKU: sku,
      Organization: os.organization,
      OSArchitecture: '64-bit',
      OSLanguage: 1033,
      OSProductSuite: suite,
      OSType: 18,
      PortableOperatingSystem: false,
      Primary: true,
      // 3: a member server (an IPAM server cannot be a domain controller).
      ProductType: 3,
      RegisteredUser: os.registeredUser,
      SerialNumber: os.serialNumber,
      ServicePackMajorVersion: spMajor ?? 0,
      ServicePackMinorVersion: spMinor ?? 0,
      SizeStoredInPagingFiles: 1_179_648,
      Status: 'OK',
      SuiteMask: suite,
      SystemDevice: '\\Device\\HarddiskVolume2',
      SystemDirectory: `${WINDOWS_DIRECTORY}\\system32`,
      SystemDrive: 'C:',
      TotalVirtualMemorySize: memoryKb + 1_179_648,
      TotalVisibleMemorySize: memoryKb,
      Version: os.version,
      WindowsDirectory: WINDOWS_DIRECTORY,
    });
  }

  private computerSystem(cls: ResolvedClass, host: FleetHost): CimInstance {
    const m = host.machine;
    return instanceOf(cls, {
      AdminPasswordStatus: 3,
      AutomaticManagedPagefile: true,
      AutomaticResetBootOption: true,
      AutomaticResetCapability: true,
      BootupState: 'Normal boot',
      Caption: host.computerName,
      ChassisBootupState: 3,
      CreationClassName: 'Win32_ComputerSystem',
      CurrentTimeZone: 0,
      DaylightInEffect: false,
      Description: 'AT/AT COMPATIBLE',
      DNSHostName: host.fqdn.split('.')[0],
      Domain: host.domain.dnsName,
      // 3: member server.
      DomainRole: 3,
      EnableDaylightSavingsTime: true,
      FrontPanelResetStatus: 3,
      HypervisorPresent: true,
      InfraredSupported: false,
      KeyboardPasswordStatus: 3,
      Manufacturer: m.manufacturer,
      Model: m.model,
      Name: host.computerName,
      NetworkServerModeEnabled: true,
      NumberOfLogicalProcessors: m.logicalProcessors,
      NumberOfProcessors: m.processors,
      PartOfDomain: true,
      PCSystemType: 0,
      PowerOnPasswordStatus: 3,
      PrimaryOwnerName: host.os.registeredUser,
      Roles: ['LM_Workstation', 'LM_Server', 'NT', 'Server_NT'],
      Status: 'OK',
      SystemFamily: m.model,
      SystemSKUNumber: 'None',
      SystemType: 'x64-based PC',
      TotalPhysicalMemory: BigInt(m.memoryMb) * 1024n * 1024n,
      WakeUpType: 6,
    });
  }
}
