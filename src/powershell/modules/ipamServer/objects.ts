/**
 * The objects the IpamServer cmdlets write: CIM instances as PowerShell shows them,
 * with the documented output type first among their type names (so the module's
 * format views apply) and the CimInstance names after.
 */
import { IPAM_TYPE_NAMES } from '../../format/ipamViews';
import { PsEnum, PsObject, type PsValue } from '../../runtime/values';
import type { IpamClass } from './errors';

export const PROVISIONING_METHOD_ENUM = 'Microsoft.PowerShell.Cmdletization.GeneratedTypes.IpamServer.ProvisioningMethod';
export const AUTH_TYPE_ENUM = 'Microsoft.PowerShell.Cmdletization.GeneratedTypes.IpamServer.AuthType';
export const DATABASE_TYPE_ENUM = 'Microsoft.PowerShell.Cmdletization.GeneratedTypes.IpamServer.DatabaseType';
export const CAPABILITY_ENUM = 'Microsoft.PowerShell.Cmdletization.GeneratedTypes.IpamServer.IpamCapabilityName';
export const CAPABILITY_STATE_ENUM = 'Microsoft.PowerShell.Cmdletization.GeneratedTypes.IpamServer.IpamCapabilityStatus';

/** The enums the cmdlets bind (Automatic 0 and Manual 1 as on the wire; Windows 1, SQL 2). */
export const PROVISIONING_METHODS: ReadonlyArray<readonly [string, number]> = [
  ['Automatic', 0],
  ['Manual', 1],
];
export const AUTH_TYPES: ReadonlyArray<readonly [string, number]> = [
  ['Windows', 1],
  ['SQL', 2],
];
export const CAPABILITIES: ReadonlyArray<readonly [string, number]> = [['IpAddressTracking', 1]];

export function enumValue(typeName: string, values: ReadonlyArray<readonly [string, number]>, name: string): PsEnum {
  const found = values.find(([n]) => n.toLowerCase() === name.toLowerCase());
  return new PsEnum(typeName, found?.[0] ?? name, found?.[1] ?? 0);
}

/** A CIM instance's type names: the documented output type, then CimInstance#ROOT/…/Class and its relatives. */
function cimTypeNames(outputType: string | undefined, cls: IpamClass): string[] {
  return [
    ...(outputType ? [outputType] : []),
    `Microsoft.Management.Infrastructure.CimInstance#ROOT/microsoft/ipam/${cls}`,
    `Microsoft.Management.Infrastructure.CimInstance#${cls}`,
    'Microsoft.Management.Infrastructure.CimInstance',
    'System.Object',
  ];
}

export function cimObject(cls: IpamClass, outputType: keyof typeof IPAM_TYPE_NAMES | undefined, properties: ReadonlyArray<readonly [string, PsValue]>, computerName: string | undefined): PsObject {
  return new PsObject(cimTypeNames(outputType ? IPAM_TYPE_NAMES[outputType] : undefined, cls), [...properties, ['PSComputerName', computerName ?? null]]);
}
