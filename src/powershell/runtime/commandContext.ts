/**
 * PsCommandContext for a running command: its bound parameters, its streams with
 * -ErrorAction / -WarningAction / -Verbose / … and the preference variables
 * applied, ShouldProcess and ShouldContinue, and script block invocation.
 */
import type { CommonParameterValues } from './binder';
import type { BoundParameters, PsCommandContext, PsCommandMetadata, PsFormatView, PsModule, PsProgressRecord } from './commands';
import { makeList } from './collections';
import { isTrue, toStringPs } from './conversions';
import { PsRuntimeError, runtimeError } from './errors';
import { type ActionPreference, type Exec, getVariable, hasVariable, toActionPreference } from './exec';
import { invokeScriptBlockValue } from './functions';
import type { StreamSink } from './streams';
import { PsEnum, PsErrorRecord, PsScriptBlock, type PsValue } from './values';

export class Bound implements BoundParameters {
  constructor(
    readonly parameterSetName: string,
    readonly values: ReadonlyMap<string, PsValue>,
  ) {}

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get(name: string): PsValue | undefined {
    const lower = name.toLowerCase();
    for (const [k, v] of this.values) if (k.toLowerCase() === lower) return v;
    return undefined;
  }
}

export interface CommandInvocation {
  readonly commandName: string;
  readonly line: number;
  readonly column: number;
  readonly lineText: string;
  readonly length: number;
  readonly scriptName?: string;
}

/** The engine's side of a running command, which the core cmdlets (and only they) reach through `engineOf`. */
export interface CommandServices {
  /** The caller's evaluation state (scope, streams). */
  readonly exec: Exec;
  readonly coreModules: readonly PsModule[];
  /** Ends the commands before this one in the pipeline (Select-Object -First). */
  stopUpstream(): void;
}

const services = new WeakMap<PsCommandContext, CommandServices>();

/** The engine services behind a context created by this engine (core cmdlets only). */
export function engineOf(ctx: PsCommandContext): CommandServices {
  const s = services.get(ctx);
  if (!s) throw new Error('this command context was not made by the PowerShell engine');
  return s;
}

const IMPACT: Readonly<Record<string, number>> = { none: 0, low: 1, medium: 2, high: 3 };

function stopped(variable: string, text: string, ctx: CommandContext): PsRuntimeError {
  return new PsRuntimeError(
    ctx.errorRecord({
      exceptionType: 'System.Management.Automation.ActionPreferenceStopException',
      message: `The running command stopped because the preference variable "${variable}" or common parameter is set to Stop: ${text}`,
      errorId: 'ActionPreferenceStop',
      category: 'OperationStopped',
    }),
    { stop: true },
  );
}

export class CommandContext implements PsCommandContext {
  bound: BoundParameters;
  /** The command wrote an error (so $? is false after its pipeline). */
  hadError = false;

  constructor(
    readonly metadata: PsCommandMetadata,
    readonly errorSource: string,
    readonly invocation: CommandInvocation,
    readonly exec: Exec,
    readonly sink: StreamSink,
    readonly common: CommonParameterValues,
    bound: BoundParameters,
    readonly push: (value: PsValue) => void,
    service: Omit<CommandServices, 'exec'>,
  ) {
    this.bound = bound;
    services.set(this, { ...service, exec });
  }

  get machine(): PsCommandContext['machine'] {
    return this.exec.engine.options.machine;
  }

  get signal(): AbortSignal {
    return this.exec.engine.signal;
  }

  private variable(name: string): PsValue | undefined {
    return this.exec.scope.lookup(name)?.value;
  }

  private action(given: string | undefined, variable: string, fallback: ActionPreference): ActionPreference {
    return toActionPreference(given ?? this.variable(variable), fallback);
  }

  writeObject(value: PsValue, enumerateCollection = false): void {
    if (enumerateCollection && Array.isArray(value)) for (const v of value) this.push(v);
    else this.push(value);
  }

  errorRecord(init: Omit<PsErrorRecord['init'], 'invocation' | 'commandName'>): PsErrorRecord {
    return new PsErrorRecord({ ...init, activity: init.activity ?? this.invocation.commandName, invocation: this.invocation, commandName: this.errorSource });
  }

  private appendTo(variable: string | undefined, value: PsValue): void {
    if (!variable) return;
    const append = variable.startsWith('+');
    const name = append ? variable.slice(1) : variable;
    const existing = this.exec.scope.lookup(name)?.value;
    if (append && Array.isArray(existing)) existing.push(value);
    else this.exec.scope.set(name, makeList('ArrayList', [value]));
  }

  writeError(record: PsErrorRecord): void {
    const full = record.init.invocation ? record : new PsErrorRecord({ ...record.init, invocation: this.invocation, commandName: record.init.commandName ?? this.errorSource });
    const engine = this.exec.engine;
    engine.errorsWritten++;
    this.hadError = true;
    this.appendTo(this.common.errorVariable, full);
    switch (this.action(this.common.errorAction, 'ErrorActionPreference', 'Continue')) {
      case 'Stop':
        throw new PsRuntimeError(full, { stop: true });
      case 'Ignore':
        return;
      case 'SilentlyContinue':
        engine.recordError(full);
        return;
      case 'Inquire':
        if (!engine.interactive) throw this.nonInteractive();
        engine.recordError(full);
        this.sink.error(full);
        return;
      default:
        engine.recordError(full);
        this.sink.error(full);
    }
  }

  writeWarning(text: string): void {
    this.appendTo(this.common.warningVariable, text);
    switch (this.action(this.common.warningAction, 'WarningPreference', 'Continue')) {
      case 'Stop':
        throw stopped('WarningPreference', text, this);
      case 'Continue':
        this.sink.warning(text);
        return;
      case 'Inquire':
        if (!this.exec.engine.interactive) throw this.nonInteractive();
        this.sink.warning(text);
        return;
      default:
        return;
    }
  }

  writeVerbose(text: string): void {
    const given = this.common.verbose === undefined ? undefined : this.common.verbose ? 'Continue' : 'SilentlyContinue';
    switch (this.action(given, 'VerbosePreference', 'SilentlyContinue')) {
      case 'Stop':
        throw stopped('VerbosePreference', text, this);
      case 'Continue':
        this.sink.verbose(text);
        return;
      case 'Inquire':
        if (!this.exec.engine.interactive) throw this.nonInteractive();
        this.sink.verbose(text);
        return;
      default:
        return;
    }
  }

  writeDebug(text: string): void {
    // Windows PowerShell 5.1's -Debug means Inquire (PowerShell 7 changed it to Continue).
    const given = this.common.debug === undefined ? undefined : this.common.debug ? 'Inquire' : 'SilentlyContinue';
    switch (this.action(given, 'DebugPreference', 'SilentlyContinue')) {
      case 'Stop':
        throw stopped('DebugPreference', text, this);
      case 'Continue':
        this.sink.debug(text);
        return;
      case 'Inquire':
        if (!this.exec.engine.interactive) throw this.nonInteractive();
        this.sink.debug(text);
        return;
      default:
        return;
    }
  }

  writeProgress(record: PsProgressRecord): void {
    if (this.action(undefined, 'ProgressPreference', 'Continue') !== 'Continue') return;
    this.sink.progress(1, record);
  }

  writeInformation(text: string, options: { readonly fromHost?: boolean; readonly noNewLine?: boolean } = {}): void {
    const fromHost = options.fromHost ?? false;
    this.appendTo(this.common.informationVariable, text);
    // Write-Host is shown unless -InformationAction itself says otherwise; Write-Information follows $InformationPreference.
    const action = fromHost ? toActionPreference(this.common.informationAction, 'Continue') : this.action(this.common.informationAction, 'InformationPreference', 'SilentlyContinue');
    if (action === 'Stop') throw stopped('InformationPreference', text, this);
    if (action !== 'Continue' && action !== 'Inquire') return;
    this.sink.information(text, { fromHost, noNewLine: options.noNewLine ?? false });
  }

  writeHostLine(text: string): void {
    this.sink.hostLine(text);
  }

  private nonInteractive(): PsRuntimeError {
    return new PsRuntimeError(
      this.errorRecord({
        exceptionType: 'System.Management.Automation.PSInvalidOperationException',
        message: 'Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.',
        errorId: 'InvalidOperation',
        category: 'InvalidOperation',
      }),
    );
  }

  get whatIf(): boolean {
    return this.common.whatIf ?? isTrue(this.variable('WhatIfPreference') ?? false);
  }

  get confirm(): boolean | undefined {
    if (this.common.confirm !== undefined) return this.common.confirm;
    return this.confirmPreference() === 'none' ? false : undefined;
  }

  private confirmPreference(): string {
    const pref = this.variable('ConfirmPreference');
    return (pref instanceof PsEnum ? pref.name : pref === undefined || pref === null ? 'High' : toStringPs(pref)).toLowerCase();
  }

  async shouldProcess(target: string, action: string): Promise<boolean> {
    if (this.whatIf) {
      // PowerShell writes this line to the host, not to the output.
      this.sink.hostLine(`What if: Performing the operation "${action}" on target "${target}".`);
      return false;
    }
    let prompt: boolean;
    if (this.common.confirm !== undefined) prompt = this.common.confirm;
    else {
      const prefName = this.confirmPreference();
      const impact = IMPACT[(this.metadata.confirmImpact ?? 'Medium').toLowerCase()];
      prompt = prefName !== 'none' && impact >= (IMPACT[prefName] ?? 3);
    }
    if (!prompt) return true;
    return this.prompt('Confirm', `Are you sure you want to perform this action?\nPerforming the operation "${action}" on target "${target}".`);
  }

  async shouldContinue(query: string, caption: string): Promise<boolean> {
    return this.prompt(caption, query);
  }

  private async prompt(caption: string, message: string): Promise<boolean> {
    if (!this.exec.engine.interactive) throw this.nonInteractive();
    return this.exec.engine.prompt(caption, message);
  }

  getVariable(name: string): PsValue | undefined {
    return hasVariable(this.exec, name) ? getVariable(this.exec, name) : undefined;
  }

  async invokeScriptBlock(block: PsValue, dollarUnder: PsValue | undefined, args: readonly PsValue[] = []): Promise<PsValue[]> {
    if (!(block instanceof PsScriptBlock)) {
      throw runtimeError({ message: `Cannot convert the "${toStringPs(block)}" value of type "${typeof block}" to type "System.Management.Automation.ScriptBlock".`, errorId: 'InvalidCastException', category: 'InvalidArgument' });
    }
    return invokeScriptBlockValue({ ...this.exec, sink: this.sink }, block, { dollarUnder, args, dotSource: true });
  }

  getFormatViews(): readonly PsFormatView[] {
    const out: PsFormatView[] = [];
    for (const m of this.exec.engine.loaded.values()) if (m.views) out.push(...m.views);
    return out;
  }
}
