/**
 * The contract between the PowerShell evaluator and the commands it runs: what a
 * command declares (its parameters and sets, as a cmdlet's metadata does), and
 * what it may do while it runs (write to the streams, ask ShouldProcess, raise
 * errors). Core cmdlets, the formatter's cmdlets and the modules (IpamServer,
 * ServerManager) are all written against this file and know nothing of the
 * evaluator's internals, nor of WS-Man.
 */
import type { PsErrorRecord, PsValue } from './values';

/** A parameter's type, which the binder converts arguments to (PowerShell's conversion rules). */
export type PsParameterType =
  | 'object'
  | 'string'
  | 'string[]'
  | 'int'
  | 'int[]'
  | 'uint16'
  | 'uint32'
  | 'int64'
  | 'double'
  | 'bool'
  | 'switch'
  | 'securestring'
  | 'pscredential'
  | 'datetime'
  | 'scriptblock'
  | 'hashtable'
  | 'object[]'
  /** An enum: the binder accepts a name (case-insensitive, unique prefix not allowed) or the number, and gives a PsEnum. */
  | { readonly enum: string; readonly values: ReadonlyArray<readonly [name: string, value: number]> };

/** How a parameter takes part in one parameter set. */
export interface PsParameterInSet {
  readonly mandatory?: boolean;
  /** 0-based position for positional binding; undefined: named only. */
  readonly position?: number;
  readonly valueFromPipeline?: boolean;
  readonly valueFromPipelineByPropertyName?: boolean;
  /** Takes every positional argument no other parameter takes (Write-Output a b c), as an array. */
  readonly valueFromRemainingArguments?: boolean;
}

export interface PsParameter {
  readonly name: string;
  readonly type: PsParameterType;
  readonly aliases?: readonly string[];
  /**
   * The sets the parameter belongs to, by name; `__AllParameterSets` for all of them.
   * Omitted: `{ __AllParameterSets: {} }` (optional, named, in every set).
   */
  readonly sets?: Readonly<Record<string, PsParameterInSet>>;
  /** [ValidateSet(...)]: case-insensitive; the error text is PowerShell's. */
  readonly validateSet?: readonly string[];
  /** [ValidateRange(min, max)]. */
  readonly validateRange?: readonly [number, number];
  /** [ValidateNotNullOrEmpty()]. */
  readonly validateNotNullOrEmpty?: boolean;
  /** [AllowNull()] [AllowEmptyString()] [AllowEmptyCollection()]: a mandatory parameter that accepts $null, '' and @(). */
  readonly allowNull?: boolean;
}

export const ALL_PARAMETER_SETS = '__AllParameterSets';

export interface PsCommandMetadata {
  /** Verb-Noun, as Get-Command shows it. */
  readonly name: string;
  /** The module it comes from ('Microsoft.PowerShell.Utility', 'IpamServer', …); shown by Get-Command. */
  readonly module: string;
  /** 'Cmdlet' (binary or CDXML: shown as Function for CDXML), 'Function', 'Alias'. */
  readonly commandType: 'Cmdlet' | 'Function';
  readonly parameters: readonly PsParameter[];
  readonly defaultParameterSet?: string;
  /** Adds -WhatIf and -Confirm; the command calls shouldProcess before it changes anything. */
  readonly supportsShouldProcess?: boolean;
  readonly confirmImpact?: 'None' | 'Low' | 'Medium' | 'High';
  /** Aliases that name this command (e.g. 'select' for Select-Object, '%' and 'foreach' for ForEach-Object). */
  readonly aliases?: readonly string[];
  /**
   * A binary cmdlet's .NET class ('Microsoft.PowerShell.Commands.WriteOutputCommand'): what PowerShell
   * appends to the FullyQualifiedErrorId of the command's errors. Undefined: the command's name
   * (as for CDXML and script functions: 'WIN32 8,Add-IpamRange').
   */
  readonly implementingType?: string;
}

/** The parameters as bound: converted values by declared name (absent ones are not there). */
export interface BoundParameters {
  readonly parameterSetName: string;
  /** By the parameter's declared name, case as declared. Switches bound to true or false are present. */
  readonly values: ReadonlyMap<string, PsValue>;
  has(name: string): boolean;
  get(name: string): PsValue | undefined;
}

/** A progress record (Write-Progress), as CLIXML and the console show it. */
export interface PsProgressRecord {
  readonly activityId: number;
  readonly parentActivityId: number;
  readonly activity: string;
  readonly statusDescription: string;
  readonly currentOperation?: string;
  readonly percentComplete: number;
  readonly secondsRemaining: number;
  readonly recordType: 'Processing' | 'Completed';
}

/** Where streams go; the host (console host over WinRS, a test) supplies it. */
export interface PsStreams {
  writeError(record: PsErrorRecord): void;
  writeWarning(text: string): void;
  writeVerbose(text: string): void;
  writeDebug(text: string): void;
  writeProgress(sourceId: number, record: PsProgressRecord): void;
  /** Write-Host and Write-Information; `noNewLine` for Write-Host -NoNewline. */
  writeInformation(text: string, options: { readonly fromHost: boolean; readonly noNewLine: boolean }): void;
  /**
   * A line the engine writes on the host's UI itself (ShouldProcess's "What if:" lines): shown as
   * Write-Host text is, but no InformationRecord, so no redirection or CLIXML record carries it.
   */
  writeHostLine(text: string): void;
}

/** What the session knows of the machine it runs on (for $env:COMPUTERNAME, whoami, module commands). */
export interface PsMachine {
  /** NetBIOS name, upper case: 'IPAM1'. */
  readonly computerName: string;
  /** 'ipam1.contoso.com'. */
  readonly fqdn: string;
  /** NetBIOS domain name ('CONTOSO') or the computer name for a workgroup host. */
  readonly userDomain: string;
  /** The account the shell runs as: 'Administrator'. */
  readonly userName: string;
  /** The machine's time and GUIDs ([datetime]::Now, Get-Date, Start-Sleep, [guid]::NewGuid()); the real ones when absent. */
  readonly time?: PsMachineTime;
}

export interface PsMachineTime {
  now(): Date;
  /** Resolves after `ms` on the machine's clock, or as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  newGuid(): string;
}

/**
 * What a command may do while it runs. Errors a command raises as terminating are
 * thrown (see `PsRuntimeError`); non-terminating ones go through `writeError`,
 * which applies -ErrorAction / $ErrorActionPreference (and so may itself throw).
 */
export interface PsCommandContext {
  readonly bound: BoundParameters;
  /** The invocation (for error records: position of the command in the script). */
  readonly invocation: { readonly commandName: string; readonly line: number; readonly column: number; readonly lineText: string; readonly length: number };
  readonly machine: PsMachine;
  /** Aborted when the command is stopped (Ctrl+C, a WinRS Signal); long work must watch it. */
  readonly signal: AbortSignal;
  writeObject(value: PsValue, enumerateCollection?: boolean): void;
  /** A non-terminating error (Write-Error, a cmdlet's WriteError). */
  writeError(record: PsErrorRecord): void;
  writeWarning(text: string): void;
  writeVerbose(text: string): void;
  writeDebug(text: string): void;
  writeProgress(record: PsProgressRecord): void;
  writeInformation(text: string, options?: { readonly fromHost?: boolean; readonly noNewLine?: boolean }): void;
  /** A line on the host's UI with no record behind it, as ShouldProcess writes "What if:" (PsStreams.writeHostLine). */
  writeHostLine(text: string): void;
  /** -WhatIf in effect for this command: the common parameter when given, else $WhatIfPreference. */
  readonly whatIf: boolean;
  /**
   * -Confirm in effect: true (-Confirm), false (-Confirm:$false, or $ConfirmPreference None), undefined
   * (neither: the command's ConfirmImpact against $ConfirmPreference decides).
   */
  readonly confirm: boolean | undefined;
  /**
   * Cmdlet.ShouldProcess(target, action): with -WhatIf writes `What if: Performing the operation
   * "<action>" on target "<target>".` and returns false; with -Confirm (or an impact at or above
   * $ConfirmPreference) prompts, which a non-interactive host refuses with PowerShell's
   * NonInteractive error (thrown); otherwise true.
   */
  shouldProcess(target: string, action: string): Promise<boolean>;
  /** Cmdlet.ShouldContinue(query, caption): always prompts; a non-interactive host throws its NonInteractive error. */
  shouldContinue(query: string, caption: string): Promise<boolean>;
  /** Builds an error record attributed to this command (commandName, invocation position filled in). */
  errorRecord(init: Omit<PsErrorRecord['init'], 'invocation' | 'commandName'>): PsErrorRecord;
  /** Reads a variable of the caller's scope (e.g. $VerbosePreference); undefined when unset. */
  getVariable(name: string): PsValue | undefined;
  /** Invokes a script block (Where-Object, ForEach-Object) with $_ set to `dollarUnder` and args; returns its output. */
  invokeScriptBlock(block: PsValue, dollarUnder: PsValue | undefined, args?: readonly PsValue[]): Promise<PsValue[]>;
  /** The format views of the modules loaded in the session (for Out-Default, Format-Table, Format-List). */
  getFormatViews(): readonly PsFormatView[];
}

/**
 * A command the engine can run. `begin` runs once, `process` once per pipeline input
 * (or once with undefined when there is no pipeline input), `end` once.
 */
export interface PsCommand {
  readonly metadata: PsCommandMetadata;
  begin?(ctx: PsCommandContext): Promise<void> | void;
  process?(ctx: PsCommandContext, input: PsValue | undefined): Promise<void> | void;
  end?(ctx: PsCommandContext): Promise<void> | void;
}

/**
 * A format view (what a module's .format.ps1xml declares): how objects whose PSObject.TypeNames
 * include `typeName` are shown by Out-Default / Format-Table / Format-List when no view is chosen.
 */
export interface PsFormatView {
  readonly typeName: string;
  readonly kind: 'table' | 'list';
  readonly columns: ReadonlyArray<{
    readonly property: string;
    /** The heading (table) or label (list); defaults to the property name. */
    readonly label?: string;
    /** Table column width in characters; undefined: sized to the data as Format-Table does. */
    readonly width?: number;
    readonly alignment?: 'Left' | 'Right';
  }>;
}

/** A module: a name, a version and its commands (Import-Module / Get-Module / Get-Command see these). */
export interface PsModule {
  readonly name: string;
  readonly version: string;
  /** 'Manifest' for IpamServer and ServerManager, 'Binary' or 'Script' for others. */
  readonly moduleType: 'Manifest' | 'Binary' | 'Script';
  readonly commands: readonly PsCommand[];
  readonly views?: readonly PsFormatView[];
}
