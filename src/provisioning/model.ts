/**
 * What a provisioned IPAM server is, as the emulator keeps it: the record the
 * six provisioning steps build and the read-back classes report. Facts come
 * from reference/ipam-provisioning.md §3; where the reference is silent the
 * names are ours (docs/provisioning.md says which).
 */

/** MSFT_IPAM_ServerConfiguration.Version of this emulated IPAM (the documented example shows 1.3). */
export const IPAM_VERSION = '1.3';

/** The WCF port IPAM clients use (IPAM architecture docs: 48885). */
export const IPAM_WCF_PORT = 48885;

export interface ServiceConfiguration {
  readonly port: number;
  /** The WCF endpoint IPAM clients connect to (net.tcp, .NET Message Framing: MS-IPAMM2). */
  readonly wcfEndpoint: string;
  /** Our names: the real application pool and firewall rule names are not public. */
  readonly appPool: string;
  readonly firewallRules: readonly string[];
  /** WinRM settings provisioning makes sure of, as `winrm get winrm/config/service` shows them. */
  readonly winrm: Readonly<Record<string, string>>;
}

export interface ScheduledTask {
  readonly name: string;
  /** Task Scheduler path, `\Microsoft\Windows\IPAM\<name>`. */
  readonly path: string;
  readonly intervalMinutes: number;
  readonly enabled: boolean;
  readonly description: string;
}

/** The seven IPAM tasks with their default intervals (IPAM architecture docs). */
export const IPAM_TASKS: readonly Omit<ScheduledTask, 'path' | 'enabled'>[] = [
  { name: 'AddressExpiry', intervalMinutes: 24 * 60, description: 'Tracks IP address expiry state and logs notifications.' },
  { name: 'AddressUtilization', intervalMinutes: 2 * 60, description: 'Collects IP address space utilization from DHCP servers.' },
  { name: 'Audit', intervalMinutes: 24 * 60, description: 'Collects DHCP and IPAM operational events, and DC, NPS and DHCP events for IP address tracking.' },
  { name: 'ServerAvailability', intervalMinutes: 15, description: 'Collects service status from DHCP and DNS servers.' },
  { name: 'ServerConfiguration', intervalMinutes: 6 * 60, description: 'Collects configuration from DHCP and DNS servers.' },
  { name: 'ServerDiscovery', intervalMinutes: 24 * 60, description: 'Discovers domain controllers, DHCP servers and DNS servers.' },
  { name: 'ServiceMonitoring', intervalMinutes: 30, description: 'Collects DNS zone status events from DNS servers.' },
];

/** The five local security groups IPAM creates (IPAM architecture docs; MS-IPAMM ADM_IPAMSecurityGroups). */
export const IPAM_LOCAL_GROUPS = [
  'IPAM Users',
  'IPAM MSM Administrators',
  'IPAM ASM Administrators',
  'IPAM IP Audit Administrators',
  'IPAM Administrators',
] as const;

export const IP_ADDRESS_TRACKING = 'IpAddressTracking';

export type DatabaseRecord =
  | {
      readonly type: 'WID';
      /** As given (canonical Windows form), e.g. C:\Windows\System32\IPAM\Database. */
      readonly widSchemaPath: string;
      readonly databaseName: string;
    }
  | {
      readonly type: 'MSSQL';
      readonly server: string;
      readonly databaseName: string;
      readonly port: number;
      readonly authType: 'Windows' | 'SQL';
      /** The login user name only, never a password. */
      readonly user: string | undefined;
      readonly backend: 'simulated' | 'real';
    };

export interface IpamHostConfiguration {
  readonly version: string;
  readonly schemaVersion: string;
  readonly service: ServiceConfiguration;
  readonly database: DatabaseRecord;
  readonly provisioningMethod: 'Automatic' | 'Manual';
  readonly gpoPrefix: string | undefined;
  /** GPOs Invoke-IpamGpoProvisioning will have to create for Automatic provisioning. */
  readonly gpoNames: readonly string[];
  readonly tasks: readonly ScheduledTask[];
  readonly localGroups: readonly string[];
  readonly capabilities: Readonly<Record<string, 'Enabled' | 'Disabled'>>;
  readonly provisionedAt: string;
  readonly provisionedBy: string;
}

/** `<prefix>_DHCP`, `<prefix>_DNS`, `<prefix>_DC_NPS` (IpamGpo.psm1). */
export function gpoNames(prefix: string | undefined): string[] {
  return prefix ? [`${prefix}_DHCP`, `${prefix}_DNS`, `${prefix}_DC_NPS`] : [];
}
