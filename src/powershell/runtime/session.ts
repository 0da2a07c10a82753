/**
 * A PowerShell session for a host (the WinRS door's powershell.exe, a test): it
 * runs scripts one at a time, sends output and streams to the host, and answers
 * with powershell.exe's exit code (reference winrs-shell.md §3): `exit N` gives N,
 * an error that ends the script gives 1, otherwise 0 when the last statement
 * succeeded ($? true) and 1 when it did not.
 */
import { randomUUID } from 'node:crypto';
import { parseScript } from '../language/parser';
import { PsParseError } from '../language/parseErrors';
import { coreModules } from '../commands';
import { loadModule } from './commandLookup';
import type { PsModule } from './commands';
import { Engine, type PsSessionOptions } from './engine';
import { BreakSignal, ContinueSignal, ExitSignal, PipelineStoppedError, PsRuntimeError, ReturnSignal, runtimeError } from './errors';
import type { Exec } from './exec';
import { execStatements } from './evaluator';
import { ParameterBinder } from './binder';
import { bindFunctionScope, ScriptFunction } from './functions';
import type { ScriptBlock } from '../language/ast';
import { consoleHost, psVersionTable } from './psVersion';
import { BUILTIN_ENUMS } from './types';
import { PsEnum, PsHashtable, PsObject, type PsValue } from './values';

export type { PsSessionOptions, PsInteractiveHost, NativeResult } from './engine';

export interface PsRunResult {
  /** powershell.exe's exit code for the script. */
  readonly exitCode: number;
  /** The session's signal stopped the script ("The pipeline has been stopped."). */
  readonly stopped: boolean;
}

function actionPreference(name: string): PsEnum {
  const values = BUILTIN_ENUMS['System.Management.Automation.ActionPreference'].values;
  const v = values.find(([n]) => n === name) ?? values[2];
  return new PsEnum('System.Management.Automation.ActionPreference', v[0], v[1]);
}

/** A script's own param(...) block: no arguments come with -Command, so defaults apply (and mandatory ones fail). */
async function bindScriptParameters(ast: ScriptBlock, exec: Exec): Promise<void> {
  const fn = new ScriptFunction('<script>', ast, exec.source, ast.param?.parameters ?? [], exec);
  const at = { source: exec.source, extent: ast.param?.extent ?? ast.extent };
  const bound = new ParameterBinder(fn.bindable(), { types: exec.engine.types, commandAt: at }).bindArguments([], false);
  await bindFunctionScope(fn, exec.scope, exec, bound);
}

/**
 * A host's module named like one of the engine's own (the formatting cmdlets come as
 * Microsoft.PowerShell.Utility and Microsoft.PowerShell.Core, as PowerShell ships them)
 * adds its commands and views to it, rather than being hidden behind it.
 */
function withHostAdditions(core: readonly PsModule[], host: readonly PsModule[]): PsModule[] {
  return core.map((m) => {
    const extra = host.filter((h) => h.name.toLowerCase() === m.name.toLowerCase());
    if (extra.length === 0) return m;
    const names = new Set(m.commands.map((c) => c.metadata.name.toLowerCase()));
    const commands = [...m.commands];
    for (const c of extra.flatMap((h) => h.commands)) {
      if (names.has(c.metadata.name.toLowerCase())) continue;
      names.add(c.metadata.name.toLowerCase());
      commands.push(c);
    }
    const views = [...(m.views ?? []), ...extra.flatMap((h) => h.views ?? [])];
    return { ...m, commands, views };
  });
}

export class PsSession {
  readonly #engine: Engine;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: PsSessionOptions) {
    const engine = new Engine(options);
    this.#engine = engine;
    const modules = withHostAdditions(coreModules(), options.modules());
    engine.coreModules = modules;
    // Microsoft.PowerShell.Core is always there; the other core modules load on first use, as in PowerShell.
    const core = modules.find((m) => m.name === 'Microsoft.PowerShell.Core');
    if (core) loadModule(engine, core);
    this.initializeVariables();
  }

  private initializeVariables(): void {
    const engine = this.#engine;
    const g = engine.global;
    const { machine } = engine.options;
    const types = engine.types;
    const actionType = types.resolve('System.Management.Automation.ActionPreference');
    const impactType = types.resolve('System.Management.Automation.ConfirmImpact');
    g.set('ErrorActionPreference', actionPreference('Continue'), actionType);
    g.set('WarningPreference', actionPreference('Continue'), actionType);
    g.set('VerbosePreference', actionPreference('SilentlyContinue'), actionType);
    g.set('DebugPreference', actionPreference('SilentlyContinue'), actionType);
    g.set('InformationPreference', actionPreference('SilentlyContinue'), actionType);
    g.set('ProgressPreference', actionPreference('Continue'), actionType);
    g.set('ConfirmPreference', new PsEnum('System.Management.Automation.ConfirmImpact', 'High', 3), impactType);
    g.set('WhatIfPreference', false);
    g.set('PSVersionTable', psVersionTable());
    g.set('PSEdition', 'Desktop');
    g.set('PID', engine.options.processId ?? 4000 + Math.floor(Math.random() * 4000) * 4);
    const home = `C:\\Users\\${machine.userName}`;
    g.set('HOME', home);
    g.set('PWD', new PsObject(['System.Management.Automation.PathInfo', 'System.Object'], [['Drive', 'C'], ['Provider', 'Microsoft.PowerShell.Core\\FileSystem'], ['ProviderPath', home], ['Path', home]], { text: home }));
    g.set('PSHOME', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0');
    g.set('ShellId', 'Microsoft.PowerShell');
    g.set('PSCulture', 'en-US');
    g.set('PSUICulture', 'en-US');
    g.set('MaximumErrorCount', 256);
    g.set('NestedPromptLevel', 0);
    g.set('PSDefaultParameterValues', new PsHashtable());
    g.set('PSScriptRoot', '');
    g.set('PSCommandPath', '');
    g.set('args', []);
    g.set('Host', consoleHost(machine.time?.newGuid() ?? randomUUID()));
    const defaults: Array<[string, string]> = [
      ['COMPUTERNAME', machine.computerName],
      ['USERNAME', machine.userName],
      ['USERDOMAIN', machine.userDomain],
    ];
    for (const [name, value] of defaults) if (engine.getEnv(name) === undefined) engine.setEnv(name, value);
  }

  /** Runs a script; resolves when it ends (never rejects for anything the script does). */
  run(script: string, options: { scriptName?: string } = {}): Promise<PsRunResult> {
    const result = this.#queue.then(() => this.runNow(script, options));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(script: string, options: { scriptName?: string }): Promise<PsRunResult> {
    const engine = this.#engine;
    const streams = engine.options.streams;
    let parsed;
    try {
      parsed = parseScript(script, options);
    } catch (e) {
      if (!(e instanceof PsParseError)) throw e;
      const record = e.toErrorRecord();
      engine.recordError(record);
      streams.writeError(record);
      engine.questionMark = false;
      return { exitCode: 1, stopped: false };
    }
    const exec: Exec = { engine, scope: engine.global, source: parsed.source, sink: engine.rootSink, tryDepth: 0, caller: { name: script, isScript: true } };
    const emit = (v: PsValue): void => engine.options.output(v);
    engine.callDepth = 0;
    try {
      if (engine.signal.aborted) throw new PipelineStoppedError();
      if (parsed.ast.param) await bindScriptParameters(parsed.ast, exec);
      await execStatements(parsed.ast.begin, exec, emit);
      await execStatements(parsed.ast.process, exec, emit);
      await execStatements(parsed.ast.end, exec, emit);
      return { exitCode: engine.questionMark ? 0 : 1, stopped: false };
    } catch (e) {
      return this.ended(e);
    }
  }

  /** How a script that did not run to its end ends. */
  private ended(e: unknown): PsRunResult {
    const engine = this.#engine;
    if (e instanceof ExitSignal) return { exitCode: e.code, stopped: false };
    if (e instanceof PipelineStoppedError) return { exitCode: 1, stopped: true };
    if (e instanceof ReturnSignal || e instanceof BreakSignal || e instanceof ContinueSignal) {
      // PowerShell ends the script quietly when break/continue find no loop.
      return { exitCode: engine.questionMark ? 0 : 1, stopped: false };
    }
    let error: PsRuntimeError;
    if (e instanceof PsRuntimeError) error = e;
    else if (e instanceof RangeError) {
      // The JavaScript stack ran out below the engine's own limits: PowerShell's answer to the same.
      error = runtimeError({ message: 'The script failed due to call depth overflow.', errorId: 'CallDepthOverflow', category: 'InvalidOperation', exceptionType: 'System.Management.Automation.ScriptCallDepthException' });
    } else throw e;
    engine.recordError(error);
    engine.questionMark = false;
    engine.options.streams.writeError(error.record);
    return { exitCode: 1, stopped: false };
  }
}
