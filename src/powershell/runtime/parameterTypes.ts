/**
 * Parameter types of the command contract (PsParameterType) as .NET types, and the
 * common parameters every cmdlet and advanced function has.
 */
import type { PsParameter, PsParameterType } from './commands';
import { BUILTIN_ENUMS, type PsType, type TypeRegistry } from './types';

const FULL_NAMES: Readonly<Record<string, string>> = {
  object: 'System.Object',
  string: 'System.String',
  'string[]': 'System.String[]',
  int: 'System.Int32',
  'int[]': 'System.Int32[]',
  uint16: 'System.UInt16',
  uint32: 'System.UInt32',
  int64: 'System.Int64',
  double: 'System.Double',
  bool: 'System.Boolean',
  switch: 'System.Management.Automation.SwitchParameter',
  securestring: 'System.Security.SecureString',
  pscredential: 'System.Management.Automation.PSCredential',
  datetime: 'System.DateTime',
  scriptblock: 'System.Management.Automation.ScriptBlock',
  hashtable: 'System.Collections.Hashtable',
  'object[]': 'System.Object[]',
};

export function parameterTypeName(type: PsParameterType): string {
  return typeof type === 'string' ? FULL_NAMES[type] : type.enum;
}

/** The PsType a parameter's values are converted to. */
export function parameterType(type: PsParameterType, registry: TypeRegistry): PsType {
  if (typeof type !== 'string') {
    registry.registerEnum(type.enum, type.values);
    return registry.resolve(type.enum) ?? { fullName: type.enum, display: type.enum, enum: { values: type.values } };
  }
  const resolved = registry.resolve(FULL_NAMES[type]);
  if (!resolved) throw new Error(`parameter type ${type} has no .NET type`);
  return resolved;
}

const ACTION_PREFERENCE: PsParameterType = {
  enum: 'System.Management.Automation.ActionPreference',
  values: BUILTIN_ENUMS['System.Management.Automation.ActionPreference'].values,
};

/** The common parameters (about_CommonParameters), in the order PowerShell lists them. */
export const COMMON_PARAMETERS: readonly PsParameter[] = [
  { name: 'Verbose', type: 'switch', aliases: ['vb'] },
  { name: 'Debug', type: 'switch', aliases: ['db'] },
  { name: 'ErrorAction', type: ACTION_PREFERENCE, aliases: ['ea'] },
  { name: 'WarningAction', type: ACTION_PREFERENCE, aliases: ['wa'] },
  { name: 'InformationAction', type: ACTION_PREFERENCE, aliases: ['infa'] },
  { name: 'ErrorVariable', type: 'string', aliases: ['ev'] },
  { name: 'WarningVariable', type: 'string', aliases: ['wv'] },
  { name: 'InformationVariable', type: 'string', aliases: ['iv'] },
  { name: 'OutVariable', type: 'string', aliases: ['ov'] },
  { name: 'OutBuffer', type: 'int', aliases: ['ob'] },
  { name: 'PipelineVariable', type: 'string', aliases: ['pv'] },
];

/** -WhatIf and -Confirm, for commands that support ShouldProcess. */
export const SHOULD_PROCESS_PARAMETERS: readonly PsParameter[] = [
  { name: 'WhatIf', type: 'switch', aliases: ['wi'] },
  { name: 'Confirm', type: 'switch', aliases: ['cf'] },
];

export const COMMON_NAMES: ReadonlySet<string> = new Set([...COMMON_PARAMETERS, ...SHOULD_PROCESS_PARAMETERS].map((p) => p.name.toLowerCase()));
