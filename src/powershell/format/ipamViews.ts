/**
 * Format views for the objects the IpamServer and ServerManager modules write, for those
 * modules to put in PsModule.views and give their objects these type names (most derived
 * first in PsObject.typeNames). The type names are the output types the cmdlet reference
 * documents; a CDXML cmdlet's object would also carry its CimInstance#… names, which the
 * modules may add after these. Choices and their evidence: docs/powershell-output.md.
 */
import { PsEnum, type PsValue } from '../runtime/values';
import { propertyValue, toDisplayString } from './text';
import type { FormatView } from './views';

export const IPAM_TYPE_NAMES = {
  capability: 'Microsoft.Windows.Ipam.Commands.IpamCapability',
  configuration: 'Microsoft.Windows.Ipam.Commands.IpamConfiguration',
  database: 'Microsoft.Windows.Ipam.Commands.IpamDatabase',
} as const;

export const SERVER_MANAGER_TYPE_NAMES = {
  feature: 'Microsoft.Windows.ServerManager.Commands.Feature',
  featureOperationResult: 'Microsoft.Windows.ServerManager.Commands.FeatureOperationResult',
} as const;

/**
 * Get-IpamCapability: Name and Status. The reference page shows Name 59 columns wide, which is
 * PowerShell 4.0 sharing a 120-column console evenly between two unsized columns; 5.1 sizes
 * unsized columns to the data, so the view gives no widths.
 */
export const ipamCapabilityView: FormatView = {
  typeName: IPAM_TYPE_NAMES.capability,
  kind: 'table',
  columns: [{ property: 'Name' }, { property: 'Status' }],
};

/** Get-IpamConfiguration: a list even for few properties (the reference shows "Version : 1.3" / "Port    : 48885"). */
export const ipamConfigurationView: FormatView = {
  typeName: IPAM_TYPE_NAMES.configuration,
  kind: 'list',
  columns: [{ property: 'Version' }, { property: 'Port' }, { property: 'ProvisioningMethod' }, { property: 'GpoPrefix' }],
};

/** Get-IpamDatabase: its seven properties as a list. */
export const ipamDatabaseView: FormatView = {
  typeName: IPAM_TYPE_NAMES.database,
  kind: 'list',
  columns: ['DatabaseType', 'WidSchemaPath', 'DatabaseServer', 'DatabaseName', 'DatabasePort', 'DatabaseAuthType', 'DatabaseUser'].map((property) => ({ property })),
};

function isInstalled(feature: PsValue): boolean {
  const installed = propertyValue(feature, 'Installed');
  if (typeof installed === 'boolean') return installed;
  const state = propertyValue(feature, 'InstallState');
  return (state instanceof PsEnum ? state.name : toDisplayString(state ?? null)) === 'Installed';
}

/**
 * ServerManager's Display Name column: four blanks per level below the top, then "[X] " for an
 * installed feature or "[ ] ", then the display name.
 */
export function featureDisplayName(feature: PsValue): string {
  const depth = propertyValue(feature, 'Depth');
  const indent = '    '.repeat(typeof depth === 'number' && depth > 1 ? depth - 1 : 0);
  return `${indent}${isInstalled(feature) ? '[X]' : '[ ]'} ${toDisplayString(propertyValue(feature, 'DisplayName') ?? null)}`;
}

/** Get-WindowsFeature: "Display Name" 55, "Name" 26, "Install State" 13 right-aligned (96 columns, as captured). */
export const windowsFeatureView: FormatView = {
  typeName: SERVER_MANAGER_TYPE_NAMES.feature,
  kind: 'table',
  columns: [
    { property: 'DisplayName', label: 'Display Name', width: 55, value: featureDisplayName },
    { property: 'Name', width: 26 },
    { property: 'InstallState', label: 'Install State', width: 13, alignment: 'Right' },
  ],
};

/** Install-WindowsFeature's result: Success 7, Restart Needed 14, Exit Code 14, Feature Result 45 (as captured). */
export const featureOperationResultView: FormatView = {
  typeName: SERVER_MANAGER_TYPE_NAMES.featureOperationResult,
  kind: 'table',
  columns: [
    { property: 'Success', width: 7 },
    { property: 'RestartNeeded', label: 'Restart Needed', width: 14 },
    { property: 'ExitCode', label: 'Exit Code', width: 14 },
    { property: 'FeatureResult', label: 'Feature Result', width: 45 },
  ],
};

export const IPAM_SERVER_VIEWS: readonly FormatView[] = [ipamCapabilityView, ipamConfigurationView, ipamDatabaseView];
export const SERVER_MANAGER_VIEWS: readonly FormatView[] = [windowsFeatureView, featureOperationResultView];
