/**
 * Command processors: what runs one element of a pipeline. A cmdlet (a PsCommand
 * of a module), a script function or script block, or a native executable. Each
 * binds its arguments when it is created (so binding errors come before anything
 * runs), buffers what it writes, and is driven by the pipeline (pipeline.ts).
 */
import { ParameterBinder, type BindArgument, type BindResult } from './binder';
import { Bound, CommandContext, type CommandInvocation } from './commandContext';
import type { PsCommand, PsModule } from './commands';
import { commandNotFound } from './commandLookup';
import { makeList } from './collections';
import { toStringPs } from './conversions';
import { PipelineStoppedError, PsRuntimeError, invocationAt, type ScriptPosition } from './errors';
import { type Exec, setVariable } from './exec';
import { bindFunctionScope, enterCall, runBlock, type ScriptFunction } from './functions';
import { Scope } from './scope';
import type { StreamSink } from './streams';
import { PsErrorRecord, type PsValue } from './values';

export abstract class Processor {
  /** What the command wrote and the pipeline has not yet passed on. */
  readonly output: PsValue[] = [];
  /** `> $null`: the command's output goes nowhere. */
  discardOutput = false;
  /** Set by Select-Object -First when it has what it needs. */
  stopRequested = false;
  /** The command failed or wrote an error ($? is false after the pipeline). */
  failed = false;
  sink!: StreamSink;
  #collect: PsValue[] | undefined;

  readonly push = (v: PsValue): void => {
    this.#collect?.push(v);
    if (!this.discardOutput) this.output.push(v);
  };

  /** -OutVariable: remember what the command writes. */
  collectInto(list: PsValue[]): void {
    this.#collect = list;
  }

  abstract begin(): Promise<void>;
  /** One pipeline object, or undefined for the first command's single call without input. */
  abstract process(input: PsValue | undefined): Promise<void>;
  abstract end(): Promise<void>;
  dispose(): void {}
}

/** Turns an exception out of module code into a terminating error; signals pass through. */
function asTerminating(e: unknown, exec: Exec, ctx: CommandContext): unknown {
  if (e instanceof PsRuntimeError || e instanceof PipelineStoppedError || !(e instanceof Error)) return e;
  if (exec.engine.signal.aborted) return new PipelineStoppedError();
  return new PsRuntimeError(ctx.errorRecord({ exceptionType: 'System.Exception', message: e.message, errorId: 'System.Exception', category: 'NotSpecified' }));
}

export class CmdletProcessor extends Processor {
  readonly #binder: ParameterBinder;
  readonly #bound: BindResult;
  readonly ctx: CommandContext;

  constructor(
    readonly command: PsCommand,
    readonly module: PsModule,
    readonly exec: Exec,
    position: ScriptPosition,
    args: readonly BindArgument[],
    expectsInput: boolean,
    sink: StreamSink,
    coreModules: readonly PsModule[],
  ) {
    super();
    this.sink = sink;
    const m = command.metadata;
    const errorSource = m.implementingType ?? m.name;
    this.#binder = new ParameterBinder(
      { name: m.name, errorSource, parameters: m.parameters, defaultParameterSet: m.defaultParameterSet, supportsShouldProcess: m.supportsShouldProcess, commonParameters: true, collectsUnbound: false },
      { types: exec.engine.types, commandAt: position },
    );
    this.#bound = this.#binder.bindArguments(args, expectsInput);
    // Errors name the command itself ("Write-Output : …") even when an alias invoked it.
    this.ctx = new CommandContext(m, errorSource, invocationAt(position, m.name) as CommandInvocation, exec, sink, this.#bound.common, new Bound(this.#bound.sets[0], this.#bound.values), this.push, {
      coreModules,
      stopUpstream: () => {
        this.stopRequested = true;
      },
    });
    if (this.#bound.common.outVariable) {
      const list = makeList('ArrayList');
      this.collectInto(list);
      exec.scope.set(this.#bound.common.outVariable.replace(/^\+/, ''), list);
    }
  }

  private async run(step: () => Promise<void> | void): Promise<void> {
    try {
      await step();
    } catch (e) {
      this.failed = true;
      throw asTerminating(e, this.exec, this.ctx);
    } finally {
      if (this.ctx.hadError) this.failed = true;
    }
  }

  async begin(): Promise<void> {
    const begin = this.command.begin?.bind(this.command);
    if (begin) await this.run(() => begin(this.ctx));
  }

  async process(input: PsValue | undefined): Promise<void> {
    const process = this.command.process?.bind(this.command);
    if (input === undefined) {
      if (process) await this.run(() => process(this.ctx, undefined));
      return;
    }
    const bound = this.#binder.takesPipelineInput(this.#bound.sets) ? this.#binder.bindPipelineInput(input, this.#bound) : undefined;
    if (!bound) {
      // Non-terminating, per object, as PowerShell's InputObjectNotBound.
      this.ctx.writeError(
        this.ctx.errorRecord({
          exceptionType: 'System.Management.Automation.ParameterBindingException',
          message: 'The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.',
          errorId: 'InputObjectNotBound',
          category: 'InvalidArgument',
          targetObject: input,
        }),
      );
      return;
    }
    this.ctx.bound = new Bound(bound.set, bound.values);
    if (process) await this.run(() => process(this.ctx, input));
  }

  async end(): Promise<void> {
    const end = this.command.end?.bind(this.command);
    if (end) await this.run(() => end(this.ctx));
  }
}

export class FunctionProcessor extends Processor {
  readonly #binder: ParameterBinder;
  readonly #bound: BindResult;
  readonly #inputs: PsValue[] = [];
  #inner: Exec | undefined;
  #entered = false;

  constructor(
    readonly fn: ScriptFunction,
    readonly exec: Exec,
    readonly position: ScriptPosition,
    args: readonly BindArgument[],
    expectsInput: boolean,
    sink: StreamSink,
    readonly dotSource = false,
  ) {
    super();
    this.sink = sink;
    this.#binder = new ParameterBinder(fn.bindable(), { types: exec.engine.types, commandAt: position });
    this.#bound = this.#binder.bindArguments(args, expectsInput);
  }

  private get inner(): Exec {
    if (!this.#inner) throw new Error('function used before begin');
    return this.#inner;
  }

  private get usesProcessBlock(): boolean {
    return this.fn.isFilter || this.fn.body.process !== undefined;
  }

  async begin(): Promise<void> {
    enterCall(this.exec);
    this.#entered = true;
    const scope = this.dotSource ? this.exec.scope : new Scope(this.exec.scope, 'local');
    const before = this.exec.engine.errorsWritten;
    await bindFunctionScope(this.fn, scope, { ...this.exec, sink: this.sink }, this.#bound, this.push);
    this.#inner = { ...this.exec, scope, source: this.fn.source, sink: this.sink, caller: this.fn.name === '<ScriptBlock>' ? this.exec.caller : { name: this.fn.name, at: this.position } };
    await this.track(() => runBlock(this.fn.body.begin, this.inner, this.push), before);
  }

  private async track(step: () => Promise<void>, before = this.exec.engine.errorsWritten): Promise<void> {
    try {
      await step();
    } catch (e) {
      this.failed = true;
      throw e;
    } finally {
      if (this.exec.engine.errorsWritten > before) this.failed = true;
    }
  }

  async process(input: PsValue | undefined): Promise<void> {
    if (!this.usesProcessBlock) {
      if (input !== undefined) this.#inputs.push(input);
      return;
    }
    const scope = this.inner.scope;
    if (input !== undefined) {
      scope.set('_', input);
      if (this.fn.advanced && this.#binder.takesPipelineInput(this.#bound.sets)) {
        const bound = this.#binder.bindPipelineInput(input, this.#bound);
        if (bound) {
          for (const [name, value] of bound.values) {
            if (this.#bound.values.has(name)) continue;
            setVariable(this.inner, name, value, undefined, this.fn.parameterTypes.get(name.toLowerCase()));
          }
        }
      }
    }
    await this.track(() => runBlock(this.fn.isFilter ? this.fn.body.end : this.fn.body.process, this.inner, this.push));
  }

  async end(): Promise<void> {
    if (this.fn.isFilter) return;
    if (!this.usesProcessBlock) this.inner.scope.set('input', this.#inputs);
    await this.track(() => runBlock(this.fn.body.end, this.inner, this.push));
  }

  override dispose(): void {
    if (this.#entered) this.exec.engine.callDepth--;
    this.#entered = false;
  }
}

/** A native executable the host provides (hostname, whoami, cmd /c …). */
export class NativeProcessor extends Processor {
  constructor(
    readonly name: string,
    readonly invokedAs: string,
    readonly exec: Exec,
    readonly position: ScriptPosition,
    readonly namePosition: ScriptPosition,
    readonly args: readonly BindArgument[],
    sink: StreamSink,
  ) {
    super();
    this.sink = sink;
  }

  async begin(): Promise<void> {}

  async process(): Promise<void> {}

  async end(): Promise<void> {
    const native = this.exec.engine.options.native;
    const args = this.args.flatMap((a) => {
      const text = (v: PsValue): string[] => (Array.isArray(v) ? v.flatMap(text) : [toStringPs(v)]);
      if (a.kind === 'value') return text(a.value);
      return a.value === undefined ? [`-${a.name}${a.hasValue ? ':' : ''}`] : [`-${a.name}:`, ...text(a.value)];
    });
    const result = native ? await native(this.name, args) : undefined;
    this.exec.engine.checkStopped();
    if (!result) throw commandNotFound(this.invokedAs, this.namePosition);
    for (const line of splitLines(result.stdout)) this.push(line);
    splitLines(result.stderr).forEach((line, i) => {
      const record = new PsErrorRecord({
        exceptionType: 'System.Management.Automation.RemoteException',
        message: line,
        errorId: i === 0 ? 'NativeCommandError' : 'NativeCommandErrorMessage',
        category: 'NotSpecified',
        targetObject: line,
        activity: '',
        invocation: invocationAt(this.position, this.invokedAs),
      });
      this.exec.engine.recordError(record);
      this.sink.error(record);
    });
    this.exec.scope.global.set('LASTEXITCODE', result.exitCode);
    if (result.exitCode !== 0) this.failed = true;
  }
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

