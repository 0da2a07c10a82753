/**
 * PowerShell values as the engine holds them. JavaScript primitives stand for
 * the common .NET types (string → System.String, boolean → System.Boolean,
 * number → System.Int32 when integral and in range, else System.Double;
 * null → $null); classes below stand for the rest. The engine knows no WS-Man
 * and no CIM: a module that wraps a CIM class builds a PsObject with the type
 * names PowerShell would show.
 *
 * This file is the contract between the evaluator (runtime/), the formatter
 * (format/) and the modules (modules/): change it with all three in mind.
 */

/** Any PowerShell value. Arrays are System.Object[] (never sparse; may hold nested arrays). */
export type PsValue =
  | null
  | string
  | boolean
  | number
  | PsValue[]
  | PsHashtable
  | PsObject
  | PsEnum
  | PsScriptBlock
  | PsSecureString
  | PsDateTime
  | PsTypeLiteral
  | PsErrorRecord
  | PsSwitch;

/** A property of a PsObject; the name keeps its case, lookups ignore it. */
export interface PsProperty {
  readonly name: string;
  value: PsValue;
  /** The .NET type name shown by Get-Member and used by CLIXML (e.g. 'System.UInt16'); optional. */
  readonly typeName?: string;
}

/**
 * An object with properties: PSCustomObject, a module's output (a CIM instance
 * in real PowerShell), PSCredential, System.Version, … `typeNames` is
 * PSObject.TypeNames, most derived first; the formatter chooses a view by it.
 */
export class PsObject {
  readonly typeNames: readonly string[];
  readonly #properties = new Map<string, PsProperty>();
  /**
   * The properties shown when no format view exists (PSStandardMembers.DefaultDisplayPropertySet);
   * undefined: all of them.
   */
  readonly defaultDisplay: readonly string[] | undefined;
  /** What ToString() gives (and "$obj" expands to); undefined: PowerShell's default for the type. */
  readonly text: string | undefined;

  constructor(typeNames: readonly string[], properties: Iterable<PsProperty | readonly [string, PsValue]> = [], options: { defaultDisplay?: readonly string[]; text?: string } = {}) {
    this.typeNames = typeNames;
    for (const p of properties) {
      const prop: PsProperty = Array.isArray(p) ? { name: p[0] as string, value: p[1] as PsValue } : (p as PsProperty);
      this.#properties.set(prop.name.toLowerCase(), { ...prop });
    }
    this.defaultDisplay = options.defaultDisplay;
    this.text = options.text;
  }

  /** A [pscustomobject]@{…}. */
  static custom(properties: Iterable<readonly [string, PsValue]>): PsObject {
    return new PsObject(PSCUSTOMOBJECT_TYPES, properties);
  }

  get isCustom(): boolean {
    return this.typeNames[0] === PSCUSTOMOBJECT_TYPES[0];
  }

  /** Properties in declaration order. */
  get properties(): readonly PsProperty[] {
    return [...this.#properties.values()];
  }

  property(name: string): PsProperty | undefined {
    return this.#properties.get(name.toLowerCase());
  }

  get(name: string): PsValue | undefined {
    return this.#properties.get(name.toLowerCase())?.value;
  }

  /** Sets an existing property, or adds a note property (Add-Member, $o.x = … on a PSCustomObject). */
  set(name: string, value: PsValue): void {
    const p = this.#properties.get(name.toLowerCase());
    if (p) p.value = value;
    else this.#properties.set(name.toLowerCase(), { name, value });
  }
}

export const PSCUSTOMOBJECT_TYPES: readonly string[] = ['System.Management.Automation.PSCustomObject', 'System.Object'];

/** A hashtable (@{…}) or an ordered dictionary ([ordered]@{…}); string keys compare case-insensitively. */
export class PsHashtable {
  readonly #entries = new Map<string, { key: PsValue; value: PsValue }>();

  constructor(readonly ordered = false) {}

  /** How a key is compared: strings ignore case; other keys by their text. */
  private static slot(key: PsValue): string {
    return typeof key === 'string' ? `s:${key.toLowerCase()}` : `${typeof key}:${String(key instanceof Object ? keyText(key) : key)}`;
  }

  get size(): number {
    return this.#entries.size;
  }

  has(key: PsValue): boolean {
    return this.#entries.has(PsHashtable.slot(key));
  }

  get(key: PsValue): PsValue | undefined {
    return this.#entries.get(PsHashtable.slot(key))?.value;
  }

  set(key: PsValue, value: PsValue): void {
    const slot = PsHashtable.slot(key);
    const e = this.#entries.get(slot);
    if (e) e.value = value;
    else this.#entries.set(slot, { key, value });
  }

  delete(key: PsValue): boolean {
    return this.#entries.delete(PsHashtable.slot(key));
  }

  /** Entries in insertion order. (A real Hashtable's order is its hash order; we keep insertion order for both kinds.) */
  entries(): Array<{ key: PsValue; value: PsValue }> {
    return [...this.#entries.values()];
  }

  keys(): PsValue[] {
    return this.entries().map((e) => e.key);
  }
}

function keyText(key: object): string {
  if (key instanceof PsEnum) return key.name;
  return Object.prototype.toString.call(key);
}

/** A value of a .NET enum, e.g. [Microsoft.Windows.Ipam.ProvisioningMethod]::Automatic. ToString gives the name. */
export class PsEnum {
  constructor(
    /** The enum's full type name. */
    readonly typeName: string,
    readonly name: string,
    readonly value: number,
  ) {}
}

/** A script block: { … }. `ast` is the parser's node (opaque here), `text` its source between the braces. */
export class PsScriptBlock {
  constructor(
    readonly ast: unknown,
    readonly text: string,
  ) {}
}

/** System.Security.SecureString: its plain text is reachable only through reveal(). */
export class PsSecureString {
  readonly #plain: string;

  constructor(plain: string) {
    this.#plain = plain;
  }

  reveal(): string {
    return this.#plain;
  }

  get length(): number {
    return this.#plain.length;
  }

  toString(): string {
    return 'System.Security.SecureString';
  }

  toJSON(): string {
    return 'System.Security.SecureString';
  }
}

/** System.DateTime. `kind` is DateTimeKind; ToString uses en-US ("12/7/2026 5:19:04 PM") in `zone`'s local time. */
export class PsDateTime {
  constructor(
    readonly date: Date,
    readonly kind: 'Local' | 'Utc' | 'Unspecified' = 'Local',
  ) {}
}

/** A type literal such as [int] or [pscredential], resolved to the full name where the engine knows it. */
export class PsTypeLiteral {
  constructor(
    /** As written, without brackets: 'pscredential'. */
    readonly written: string,
    /** The full .NET name: 'System.Management.Automation.PSCredential'. */
    readonly fullName: string,
  ) {}
}

/** A [switch] parameter value (System.Management.Automation.SwitchParameter); ToString gives True/False. */
export class PsSwitch {
  constructor(readonly isPresent: boolean) {}
}

/** PowerShell's ErrorCategory (System.Management.Automation.ErrorCategory), same numbers as MI_ErrorCategory. */
export const ERROR_CATEGORIES = [
  'NotSpecified',
  'OpenError',
  'CloseError',
  'DeviceError',
  'DeadlockDetected',
  'InvalidArgument',
  'InvalidData',
  'InvalidOperation',
  'InvalidResult',
  'InvalidType',
  'MetadataError',
  'NotImplemented',
  'NotInstalled',
  'ObjectNotFound',
  'OperationStopped',
  'OperationTimeout',
  'SyntaxError',
  'ParserError',
  'PermissionDenied',
  'ResourceBusy',
  'ResourceExists',
  'ResourceUnavailable',
  'ReadError',
  'WriteError',
  'FromStdErr',
  'SecurityError',
  'ProtocolError',
  'ConnectionError',
  'AuthenticationError',
  'LimitsExceeded',
  'QuotaExceeded',
  'NotEnabled',
] as const;
export type PsErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** Where in the script an error arose: what PowerShell's "At line:1 char:1" and the "+ ~~~~" lines are made of. */
export interface PsInvocationInfo {
  /** The command's name as invoked ('Invoke-IpamServerProvisioning'); undefined for a statement such as throw. */
  readonly commandName?: string;
  /** 1-based line and column of the extent's start. */
  readonly line: number;
  readonly column: number;
  /** The whole text of the script's line(s) the extent covers. */
  readonly lineText: string;
  /** The extent's length in characters on its first line (the number of ~ under it). */
  readonly length: number;
  /** The script's name when it came from a file ('C:\x.ps1'), else undefined ("At line:1 char:1"). */
  readonly scriptName?: string;
}

/**
 * An ErrorRecord. What PowerShell prints for it (the "NormalView" of errors) is built from
 * these fields by the formatter: `<commandName> : <message>`, `At line:L char:C`, the line and
 * the squiggle, `CategoryInfo : <category>: (<targetName>:<targetType>) [<activity>], <reason>`,
 * `FullyQualifiedErrorId : <errorId>[,<commandName>]`.
 */
export class PsErrorRecord {
  constructor(
    readonly init: {
      /** The exception's full type name ('System.Management.Automation.RuntimeException'). */
      readonly exceptionType: string;
      readonly message: string;
      /** The error id; the FullyQualifiedErrorId is this plus ",<command's full name>" when a command raised it. */
      readonly errorId: string;
      readonly category: PsErrorCategory;
      /** The object the error is about (CategoryInfo's TargetName/TargetType come from it unless given). */
      readonly targetObject?: PsValue;
      readonly targetName?: string;
      readonly targetType?: string;
      /** CategoryInfo's Activity; defaults to the command name, or empty. */
      readonly activity?: string;
      /** CategoryInfo's Reason; defaults to the exception's short type name. */
      readonly reason?: string;
      readonly invocation?: PsInvocationInfo;
      /** The command that raised it, when one did (used in the FullyQualifiedErrorId). */
      readonly commandName?: string;
      /** ErrorDetails.Message, when set: shown instead of the exception's message. */
      readonly detailsMessage?: string;
      /** For CIM-backed module errors: the native error's code (shown nowhere by default, kept for $_.Exception). */
      readonly nativeErrorCode?: number;
    },
  ) {}

  get message(): string {
    return this.init.detailsMessage ?? this.init.message;
  }

  get fullyQualifiedErrorId(): string {
    return this.init.commandName ? `${this.init.errorId},${this.init.commandName}` : this.init.errorId;
  }

  /** ToString() of an ErrorRecord is its message ("$_" in a catch block). */
  toString(): string {
    return this.message;
  }
}

/** What `$x.GetType().FullName` would say, for the values the engine holds. */
export function typeNameOf(v: PsValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'System.String';
  if (typeof v === 'boolean') return 'System.Boolean';
  if (typeof v === 'number') return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0) ? 'System.Int32' : 'System.Double';
  if (Array.isArray(v)) return 'System.Object[]';
  if (v instanceof PsHashtable) return v.ordered ? 'System.Collections.Specialized.OrderedDictionary' : 'System.Collections.Hashtable';
  if (v instanceof PsObject) return v.typeNames[0] ?? 'System.Object';
  if (v instanceof PsEnum) return v.typeName;
  if (v instanceof PsScriptBlock) return 'System.Management.Automation.ScriptBlock';
  if (v instanceof PsSecureString) return 'System.Security.SecureString';
  if (v instanceof PsDateTime) return 'System.DateTime';
  if (v instanceof PsTypeLiteral) return 'System.RuntimeType';
  if (v instanceof PsErrorRecord) return 'System.Management.Automation.ErrorRecord';
  return 'System.Management.Automation.SwitchParameter';
}
