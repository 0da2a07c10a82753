/**
 * The Windows Server roles and features a host of the fleet reports, as
 * ServerManager (Get-WindowsFeature) and Win32_ServerFeature show them: a
 * curated part of Windows Server 2022's catalog, enough to place IPAM among its
 * neighbours, not all of it (docs/windows-host.md says what is there).
 *
 * Names and display names are Windows Server 2022's. Win32_ServerFeature IDs
 * come from its documented table (MicrosoftDocs win32 `win32-serverfeature.md`);
 * an entry without a known ID is left out of Win32_ServerFeature.
 */

export interface WindowsFeature {
  /** The name Install-WindowsFeature takes ('IPAM'). */
  readonly name: string;
  readonly displayName: string;
  readonly featureType: 'Role' | 'Role Service' | 'Feature';
  /** The parent in the tree Get-WindowsFeature draws (its name), if any. */
  readonly parent?: string;
  /** Win32_ServerFeature.ID, where the documentation gives one. */
  readonly id?: number;
  /** Installed on every host (part of a Windows Server 2022 installation). */
  readonly base?: boolean;
  /** Other features installing this one installs too (ServerManager's dependencies). */
  readonly requires?: readonly string[];
  /** What -IncludeManagementTools adds. */
  readonly managementTools?: readonly string[];
}

export const IPAM_FEATURE = 'IPAM';
export const IPAM_CLIENT_FEATURE = 'IPAM-Client-Feature';

export const WINDOWS_FEATURES: readonly WindowsFeature[] = [
  { name: 'AD-Certificate', displayName: 'Active Directory Certificate Services', featureType: 'Role', id: 16 },
  { name: 'AD-Domain-Services', displayName: 'Active Directory Domain Services', featureType: 'Role', id: 10 },
  { name: 'DHCP', displayName: 'DHCP Server', featureType: 'Role', id: 12 },
  { name: 'DNS', displayName: 'DNS Server', featureType: 'Role', id: 13 },
  { name: 'FileAndStorage-Services', displayName: 'File and Storage Services', featureType: 'Role', id: 481, base: true },
  { name: 'File-Services', displayName: 'File and iSCSI Services', featureType: 'Role Service', parent: 'FileAndStorage-Services', id: 6, base: true },
  { name: 'FS-FileServer', displayName: 'File Server', featureType: 'Role Service', parent: 'File-Services', id: 255, base: true },
  { name: 'Storage-Services', displayName: 'Storage Services', featureType: 'Role Service', parent: 'FileAndStorage-Services', base: true },
  { name: 'Web-Server', displayName: 'Web Server (IIS)', featureType: 'Role', id: 2 },
  { name: 'NET-Framework-45-Features', displayName: '.NET Framework 4.8 Features', featureType: 'Feature', id: 466, base: true },
  { name: 'NET-Framework-45-Core', displayName: '.NET Framework 4.8', featureType: 'Feature', parent: 'NET-Framework-45-Features', id: 418, base: true },
  { name: 'NET-Framework-45-ASPNET', displayName: 'ASP.NET 4.8', featureType: 'Feature', parent: 'NET-Framework-45-Features' },
  { name: 'NET-WCF-Services45', displayName: 'WCF Services', featureType: 'Feature', parent: 'NET-Framework-45-Features', base: true },
  { name: 'NET-WCF-TCP-Activation45', displayName: 'TCP Activation', featureType: 'Feature', parent: 'NET-WCF-Services45', requires: ['WAS', 'WAS-Process-Model', 'WAS-Config-APIs'] },
  { name: 'NET-WCF-TCP-PortSharing45', displayName: 'TCP Port Sharing', featureType: 'Feature', parent: 'NET-WCF-Services45', base: true },
  { name: 'GPMC', displayName: 'Group Policy Management', featureType: 'Feature', id: 69 },
  {
    name: IPAM_FEATURE,
    displayName: 'IP Address Management (IPAM) Server',
    featureType: 'Feature',
    id: 409,
    // The IPAM wizard's results list .NET 4.8 / WCF TCP Activation, Windows Internal Database and
    // Group Policy Management (reference/winrs-shell.md §5).
    requires: ['NET-Framework-45-ASPNET', 'NET-WCF-TCP-Activation45', 'Windows-Internal-Database', 'GPMC'],
    managementTools: ['RSAT', 'RSAT-Feature-Tools', IPAM_CLIENT_FEATURE],
  },
  { name: 'PowerShellRoot', displayName: 'Windows PowerShell', featureType: 'Feature', id: 417, base: true },
  { name: 'PowerShell', displayName: 'Windows PowerShell 5.1', featureType: 'Feature', parent: 'PowerShellRoot', base: true },
  { name: 'PowerShell-ISE', displayName: 'Windows PowerShell ISE', featureType: 'Feature', parent: 'PowerShellRoot', id: 351, base: true },
  { name: 'RSAT', displayName: 'Remote Server Administration Tools', featureType: 'Feature', id: 67 },
  { name: 'RSAT-Feature-Tools', displayName: 'Feature Administration Tools', featureType: 'Feature', parent: 'RSAT', id: 265 },
  { name: IPAM_CLIENT_FEATURE, displayName: 'IP Address Management (IPAM) Client', featureType: 'Feature', parent: 'RSAT-Feature-Tools', id: 410 },
  { name: 'WAS', displayName: 'Windows Process Activation Service', featureType: 'Feature', id: 41 },
  { name: 'WAS-Process-Model', displayName: 'Process Model', featureType: 'Feature', parent: 'WAS', id: 219 },
  { name: 'WAS-Config-APIs', displayName: 'Configuration APIs', featureType: 'Feature', parent: 'WAS', id: 217 },
  { name: 'Windows-Internal-Database', displayName: 'Windows Internal Database', featureType: 'Feature', id: 51 },
  { name: 'WoW64-Support', displayName: 'WoW64 Support', featureType: 'Feature', id: 340, base: true },
];

const BY_NAME = new Map(WINDOWS_FEATURES.map((f) => [f.name.toLowerCase(), f]));

export function windowsFeature(name: string): WindowsFeature | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Nesting depth in Get-WindowsFeature's tree (0 for a top-level entry). */
export function featureDepth(f: WindowsFeature): number {
  let depth = 0;
  for (let p = f.parent; p !== undefined; p = windowsFeature(p)?.parent) depth++;
  return depth;
}

/**
 * What installing `names` installs: each feature, its parents, what it requires, and with
 * `includeManagementTools` its management tools, in catalog order. Unknown names are the
 * caller's to refuse first.
 */
export function installClosure(names: readonly string[], includeManagementTools: boolean): WindowsFeature[] {
  const wanted = new Set<string>();
  const visit = (name: string): void => {
    const f = windowsFeature(name);
    if (!f || wanted.has(f.name)) return;
    wanted.add(f.name);
    if (f.parent) visit(f.parent);
    for (const r of f.requires ?? []) visit(r);
    if (includeManagementTools) for (const t of f.managementTools ?? []) visit(t);
  };
  for (const n of names) visit(n);
  return WINDOWS_FEATURES.filter((f) => wanted.has(f.name));
}

/** The features a host has installed when the fixture says whether IPAM (with its management tools) is. */
export function initialFeatures(ipamInstalled: boolean): ReadonlySet<string> {
  const names = WINDOWS_FEATURES.filter((f) => f.base).map((f) => f.name);
  if (ipamInstalled) names.push(...installClosure([IPAM_FEATURE], true).map((f) => f.name));
  return new Set(names);
}
