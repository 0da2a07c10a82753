/**
 * The .NET types a script can name: the type accelerators ([int], [pscredential],
 * [ordered]…), their full names, array types (`[string[]]`), and enums (the
 * engine's own and those of loaded modules' parameters). A name the table does
 * not know is "Unable to find type [X]." as in PowerShell.
 */
import { ERROR_CATEGORIES } from './values';

export interface PsEnumType {
  readonly values: ReadonlyArray<readonly [name: string, value: number]>;
}

export interface PsType {
  /** 'System.Int32', 'System.String[]'. */
  readonly fullName: string;
  /** How PowerShell writes it back ([int] → 'int'; others their full name). */
  readonly display: string;
  /** For an array type, its element type. */
  readonly element?: PsType;
  readonly enum?: PsEnumType;
}

/** Accelerators and common short names, lower case → full name. */
const ACCELERATORS: Readonly<Record<string, string>> = {
  int: 'System.Int32',
  int32: 'System.Int32',
  long: 'System.Int64',
  int64: 'System.Int64',
  int16: 'System.Int16',
  short: 'System.Int16',
  uint16: 'System.UInt16',
  ushort: 'System.UInt16',
  uint32: 'System.UInt32',
  uint: 'System.UInt32',
  uint64: 'System.UInt64',
  ulong: 'System.UInt64',
  byte: 'System.Byte',
  sbyte: 'System.SByte',
  double: 'System.Double',
  float: 'System.Single',
  single: 'System.Single',
  decimal: 'System.Decimal',
  string: 'System.String',
  char: 'System.Char',
  bool: 'System.Boolean',
  boolean: 'System.Boolean',
  object: 'System.Object',
  array: 'System.Array',
  hashtable: 'System.Collections.Hashtable',
  ordered: 'System.Collections.Specialized.OrderedDictionary',
  pscustomobject: 'System.Management.Automation.PSObject',
  psobject: 'System.Management.Automation.PSObject',
  pscredential: 'System.Management.Automation.PSCredential',
  securestring: 'System.Security.SecureString',
  datetime: 'System.DateTime',
  timespan: 'System.TimeSpan',
  scriptblock: 'System.Management.Automation.ScriptBlock',
  switch: 'System.Management.Automation.SwitchParameter',
  regex: 'System.Text.RegularExpressions.Regex',
  version: 'System.Version',
  guid: 'System.Guid',
  void: 'System.Void',
  type: 'System.Type',
  math: 'System.Math',
  convert: 'System.Convert',
  environment: 'System.Environment',
  console: 'System.Console',
  errorrecord: 'System.Management.Automation.ErrorRecord',
  exception: 'System.Exception',
  arraylist: 'System.Collections.ArrayList',
  actionpreference: 'System.Management.Automation.ActionPreference',
  ipaddress: 'System.Net.IPAddress',
  valuetype: 'System.ValueType',
  'system.collections.generic.list[string]': 'System.Collections.Generic.List`1[[System.String]]',
  'system.collections.generic.list[object]': 'System.Collections.Generic.List`1[[System.Object]]',
  'system.collections.generic.list[psobject]': 'System.Collections.Generic.List`1[[System.Management.Automation.PSObject]]',
  'system.collections.generic.list[int]': 'System.Collections.Generic.List`1[[System.Int32]]',
};

/** Short names PowerShell shows for accelerated types (what "$([int])" prints). */
const DISPLAY: Readonly<Record<string, string>> = {
  'System.Int32': 'int',
  'System.Int64': 'long',
  'System.String': 'string',
  'System.Boolean': 'bool',
  'System.Double': 'double',
  'System.Object': 'System.Object',
  'System.Collections.Hashtable': 'hashtable',
  'System.Management.Automation.PSObject': 'psobject',
  'System.Management.Automation.PSCredential': 'pscredential',
  'System.Security.SecureString': 'securestring',
  'System.Management.Automation.ScriptBlock': 'scriptblock',
  'System.Management.Automation.SwitchParameter': 'switch',
};

/** Full names of the types the engine models (beyond the accelerators' targets). */
const KNOWN_FULL_NAMES: readonly string[] = [
  'System.Collections.ArrayList',
  'System.Collections.Generic.List`1[[System.Object]]',
  'System.Management.Automation.PSCustomObject',
  'System.Management.Automation.ErrorRecord',
  'System.Management.Automation.ActionPreference',
  'System.Management.Automation.ConfirmImpact',
  'System.Management.Automation.ErrorCategory',
  'System.Text.Encoding',
  'System.Exception',
  'System.Array',
  'System.ValueType',
  'System.Enum',
  'System.Console',
  'System.IO.Path',
  'System.Collections.IDictionary',
  'System.Collections.Specialized.OrderedDictionary',
  'System.Management.Automation.PSCustomObject',
];

export const BUILTIN_ENUMS: Readonly<Record<string, PsEnumType>> = {
  'System.Management.Automation.ActionPreference': {
    values: [
      ['SilentlyContinue', 0],
      ['Stop', 1],
      ['Continue', 2],
      ['Inquire', 3],
      ['Ignore', 4],
      ['Suspend', 5],
    ],
  },
  'System.Management.Automation.ErrorCategory': { values: ERROR_CATEGORIES.map((name, i) => [name, i] as const) },
  'System.Management.Automation.ConfirmImpact': {
    values: [
      ['None', 0],
      ['Low', 1],
      ['Medium', 2],
      ['High', 3],
    ],
  },
};

/** The types a session knows: builtins plus the enums of loaded modules' parameters. */
export class TypeRegistry {
  readonly #byName = new Map<string, PsType>();

  constructor() {
    const all = new Set<string>([...Object.values(ACCELERATORS), ...KNOWN_FULL_NAMES, ...Object.keys(BUILTIN_ENUMS)]);
    for (const fullName of all) this.add(fullName, BUILTIN_ENUMS[fullName]);
    for (const [short, fullName] of Object.entries(ACCELERATORS)) {
      const t = this.#byName.get(fullName.toLowerCase());
      if (t) this.#byName.set(short, t);
    }
  }

  private add(fullName: string, enumType?: PsEnumType): PsType {
    const t: PsType = { fullName, display: DISPLAY[fullName] ?? fullName, enum: enumType };
    this.#byName.set(fullName.toLowerCase(), t);
    return t;
  }

  /** Makes an enum nameable ([Microsoft.Windows.Ipam.ProvisioningMethod]::Automatic). */
  registerEnum(fullName: string, values: ReadonlyArray<readonly [string, number]>): void {
    if (!this.#byName.get(fullName.toLowerCase())?.enum) this.add(fullName, { values });
  }

  /** The type a script names; undefined when unknown. Tolerates a missing "System." and spaces. */
  resolve(written: string): PsType | undefined {
    const name = written.replace(/\s+/g, '');
    const lower = name.toLowerCase();
    if (lower.endsWith('[]')) {
      const element = this.resolve(name.slice(0, -2));
      return element && { fullName: `${element.fullName}[]`, display: `${element.display}[]`, element };
    }
    return this.#byName.get(lower) ?? this.#byName.get(`system.${lower}`);
  }
}

export const isIntegerType = (fullName: string): boolean =>
  ['System.Int32', 'System.Int64', 'System.Int16', 'System.UInt16', 'System.UInt32', 'System.UInt64', 'System.Byte', 'System.SByte'].includes(fullName);

/** Range of each integer type, for "Value was either too large or too small for a UInt16." */
export const INTEGER_RANGES: Readonly<Record<string, readonly [number, number, string]>> = {
  'System.Int32': [-2147483648, 2147483647, 'an Int32'],
  'System.Int64': [-(2 ** 63), 2 ** 63 - 1, 'an Int64'],
  'System.Int16': [-32768, 32767, 'an Int16'],
  'System.UInt16': [0, 65535, 'a UInt16'],
  'System.UInt32': [0, 4294967295, 'a UInt32'],
  'System.UInt64': [0, 2 ** 64 - 1, 'a UInt64'],
  'System.Byte': [0, 255, 'an unsigned byte'],
  'System.SByte': [-128, 127, 'a signed byte'],
};
