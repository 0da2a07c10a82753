/**
 * Terminating errors and flow control. A terminating error is a thrown
 * PsRuntimeError carrying the ErrorRecord PowerShell would build; break,
 * continue, return and exit are signals (plain objects: no stack to capture in
 * a tight loop) that unwind to the loop, function or run that handles them.
 */
import { type Extent, type SourceText, positionInfo } from '../language/extent';
import { PsErrorRecord, type PsErrorCategory, type PsInvocationInfo, type PsValue } from './values';

/** Where in which script something happened. */
export interface ScriptPosition {
  readonly source: SourceText;
  readonly extent: Extent;
}

export function invocationAt(at: ScriptPosition, commandName?: string): PsInvocationInfo {
  return { ...positionInfo(at.source, at.extent), commandName, scriptName: at.source.scriptName };
}

export interface RuntimeErrorOptions {
  /** Raised by `throw` (RuntimeException.WasThrownFromThrowStatement): it ends the script unless caught. */
  readonly fromThrow?: boolean;
  /**
   * An ActionPreferenceStopException (-ErrorAction Stop, $ErrorActionPreference = 'Stop'):
   * it unwinds to the nearest catch or ends the run, whatever the preference.
   */
  readonly stop?: boolean;
  /** The .NET exception inside the record's exception (catch [System.DivideByZeroException] matches it). */
  readonly innerExceptionType?: string;
}

export class PsRuntimeError extends Error {
  /** Already added to $Error (a rethrow must not add it twice). */
  recorded = false;

  constructor(
    /** The record; given a position by the statement it unwinds through when it has none. */
    public record: PsErrorRecord,
    readonly options: RuntimeErrorOptions = {},
  ) {
    super(record.message);
    this.name = 'PsRuntimeError';
  }

  /** The same error, now unwinding as a Stop (a statement saw $ErrorActionPreference = 'Stop'). */
  asStop(): PsRuntimeError {
    if (this.options.stop) return this;
    const e = new PsRuntimeError(this.record, { ...this.options, stop: true });
    e.recorded = this.recorded;
    return e;
  }
}

/** "The pipeline has been stopped." (PipelineStoppedException): the session's signal fired. No catch handles it; finally blocks run. */
export class PipelineStoppedError extends Error {
  constructor() {
    super('The pipeline has been stopped.');
    this.name = 'PipelineStoppedError';
  }
}

export class BreakSignal {
  constructor(readonly label: string | undefined) {}
}

export class ContinueSignal {
  constructor(readonly label: string | undefined) {}
}

export class ReturnSignal {}

export class ExitSignal {
  constructor(readonly code: number) {}
}

/** Thrown by a downstream command (Select-Object -First) to end the commands before it. */
export class StopUpstreamSignal {
  constructor(readonly processorIndex: number) {}
}

export interface RuntimeErrorInit {
  readonly message: string;
  readonly errorId: string;
  readonly category: PsErrorCategory;
  /** Default System.Management.Automation.RuntimeException. */
  readonly exceptionType?: string;
  readonly targetObject?: PsValue;
  readonly at?: ScriptPosition;
  readonly innerExceptionType?: string;
}

/** A terminating error raised by the language itself (an operator, a conversion, a method call). */
export function runtimeError(init: RuntimeErrorInit): PsRuntimeError {
  const record = new PsErrorRecord({
    exceptionType: init.exceptionType ?? 'System.Management.Automation.RuntimeException',
    message: init.message,
    errorId: init.errorId,
    category: init.category,
    targetObject: init.targetObject,
    reason: init.exceptionType ? undefined : 'RuntimeException',
    invocation: init.at ? invocationAt(init.at) : undefined,
  });
  return new PsRuntimeError(record, { innerExceptionType: init.innerExceptionType });
}

/** The record with its position set, when it has none (PowerShell's UpdateExceptionErrorRecordPosition). */
export function withPosition(record: PsErrorRecord, at: ScriptPosition | undefined): PsErrorRecord {
  if (record.init.invocation || !at) return record;
  return new PsErrorRecord({ ...record.init, invocation: invocationAt(at) });
}

/**
 * .NET exception types the engine raises or matches in `catch [T]`, each with its
 * base types (most derived first), so a catch of a base type catches it.
 */
const EXCEPTION_BASES: Readonly<Record<string, string>> = {
  'System.Exception': '',
  'System.SystemException': 'System.Exception',
  'System.Management.Automation.RuntimeException': 'System.SystemException',
  'System.Management.Automation.CommandNotFoundException': 'System.Management.Automation.RuntimeException',
  'System.Management.Automation.ParameterBindingException': 'System.Management.Automation.RuntimeException',
  'System.Management.Automation.ActionPreferenceStopException': 'System.Management.Automation.RuntimeException',
  'System.Management.Automation.PipelineStoppedException': 'System.Management.Automation.RuntimeException',
  'System.Management.Automation.ParseException': 'System.Management.Automation.RuntimeException',
  'System.Management.Automation.MethodException': 'System.Management.Automation.RuntimeException',
  'System.Management.Automation.MethodInvocationException': 'System.Management.Automation.MethodException',
  'System.Management.Automation.SessionStateException': 'System.Management.Automation.RuntimeException',
  'System.Management.Automation.ItemNotFoundException': 'System.Management.Automation.SessionStateException',
  'System.Management.Automation.SetValueException': 'System.Management.Automation.RuntimeException',
  'System.Management.Automation.ScriptCallDepthException': 'System.SystemException',
  'System.Management.Automation.PSInvalidCastException': 'System.InvalidCastException',
  'System.Management.Automation.PSInvalidOperationException': 'System.InvalidOperationException',
  'System.Management.Automation.PSArgumentException': 'System.ArgumentException',
  'System.Management.Automation.PSArgumentNullException': 'System.ArgumentNullException',
  'System.Management.Automation.PSArgumentOutOfRangeException': 'System.ArgumentOutOfRangeException',
  'System.Management.Automation.PSNotSupportedException': 'System.NotSupportedException',
  'System.Management.Automation.RemoteException': 'System.Management.Automation.RuntimeException',
  'System.Management.Automation.Host.HostException': 'System.Management.Automation.RuntimeException',
  'Microsoft.PowerShell.Commands.WriteErrorException': 'System.SystemException',
  'Microsoft.Management.Infrastructure.CimException': 'System.SystemException',
  'System.InvalidCastException': 'System.SystemException',
  'System.InvalidOperationException': 'System.SystemException',
  'System.ArgumentException': 'System.SystemException',
  'System.ArgumentNullException': 'System.ArgumentException',
  'System.ArgumentOutOfRangeException': 'System.ArgumentException',
  'System.NotSupportedException': 'System.SystemException',
  'System.NotImplementedException': 'System.SystemException',
  'System.FormatException': 'System.SystemException',
  'System.ArithmeticException': 'System.SystemException',
  'System.DivideByZeroException': 'System.ArithmeticException',
  'System.OverflowException': 'System.ArithmeticException',
  'System.IndexOutOfRangeException': 'System.SystemException',
  'System.Collections.Generic.KeyNotFoundException': 'System.SystemException',
  'System.IO.IOException': 'System.SystemException',
  'System.IO.FileNotFoundException': 'System.IO.IOException',
  'System.UnauthorizedAccessException': 'System.SystemException',
  'System.TimeoutException': 'System.SystemException',
  'System.Management.Automation.ValidationMetadataException': 'System.Management.Automation.MetadataException',
  'System.Management.Automation.MetadataException': 'System.Management.Automation.RuntimeException',
};

/** The type and its bases, most derived first; an unknown type derives from System.Exception. */
function exceptionChain(type: string): string[] {
  const chain: string[] = [];
  let t: string | undefined = type;
  while (t) {
    chain.push(t.toLowerCase());
    t = t in EXCEPTION_BASES ? EXCEPTION_BASES[t] : t === 'System.Exception' ? undefined : 'System.Exception';
  }
  return chain;
}

/** Whether `catch [typeName]` handles the error. `typeName` as written: 'Exception', 'System.Exception', … */
export function catchMatches(error: PsRuntimeError, typeName: string): boolean {
  const wanted = typeName.toLowerCase().replace(/^system\./, '');
  const candidates = [error.record.init.exceptionType, error.options.innerExceptionType, error.options.stop ? 'System.Management.Automation.ActionPreferenceStopException' : undefined];
  return candidates.some((c) => c !== undefined && exceptionChain(c).some((t) => t === typeName.toLowerCase() || t.replace(/^system\./, '') === wanted));
}
