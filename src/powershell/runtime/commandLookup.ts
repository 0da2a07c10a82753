/**
 * Finding a command by name, in PowerShell's order: aliases, functions, cmdlets of
 * loaded modules, cmdlets of available modules (loading the module, as PowerShell's
 * module autoloading does), then native executables; else CommandNotFoundException.
 */
import type { PsCommand, PsModule } from './commands';
import type { Engine } from './engine';
import { PsRuntimeError, invocationAt, type ScriptPosition } from './errors';
import type { Exec } from './exec';
import type { ScriptFunction } from './functions';
import { PsErrorRecord } from './values';

export type ResolvedCommand =
  | { readonly kind: 'cmdlet'; readonly command: PsCommand; readonly module: PsModule; readonly invokedAs: string }
  | { readonly kind: 'function'; readonly fn: ScriptFunction; readonly invokedAs: string }
  | { readonly kind: 'native'; readonly name: string; readonly invokedAs: string };

/** Every module the session could load: the engine's own core modules and the host's. */
export function availableModules(engine: Engine, core: readonly PsModule[]): PsModule[] {
  const seen = new Set<string>();
  const out: PsModule[] = [];
  for (const m of [...core, ...engine.options.modules()]) {
    const key = m.name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out;
}

/**
 * Imports a module (Import-Module, autoloading): its commands become visible and its
 * parameter enums nameable. Returns false when it was loaded already.
 */
export function loadModule(engine: Engine, module: PsModule): boolean {
  const key = module.name.toLowerCase();
  if (engine.loaded.has(key)) return false;
  engine.loaded.set(key, module);
  for (const c of module.commands) {
    for (const p of c.metadata.parameters) if (typeof p.type !== 'string') engine.types.registerEnum(p.type.enum, p.type.values);
  }
  return true;
}

function findIn(module: PsModule, name: string): PsCommand | undefined {
  const lower = name.toLowerCase();
  return module.commands.find((c) => c.metadata.name.toLowerCase() === lower);
}

/** The command an alias names, from Set-Alias or a module command's declared aliases. */
function resolveAlias(engine: Engine, modules: readonly PsModule[], name: string): string | undefined {
  const lower = name.toLowerCase();
  const set = engine.aliases.get(lower);
  if (set) return set;
  for (const m of modules) for (const c of m.commands) if (c.metadata.aliases?.some((a) => a.toLowerCase() === lower)) return c.metadata.name;
  return undefined;
}

export interface LookupHooks {
  /** Called when a module is loaded because one of its commands was used (PowerShell writes progress then). */
  onAutoload?(module: PsModule): void;
}

export function resolveCommand(exec: Exec, core: readonly PsModule[], name: string, hooks: LookupHooks = {}): ResolvedCommand {
  const engine = exec.engine;
  const modules = availableModules(engine, core);
  let target = name;
  const aliased = resolveAlias(engine, modules, name);
  if (aliased) target = aliased;
  const fn = exec.scope.findFunction(target);
  if (fn) return { kind: 'function', fn, invokedAs: name };
  const slash = target.indexOf('\\');
  if (slash > 0 && !/^[A-Za-z]:/.test(target) && !target.startsWith('.')) {
    const moduleName = target.slice(0, slash).toLowerCase();
    const module = modules.find((m) => m.name.toLowerCase() === moduleName);
    const command = module && findIn(module, target.slice(slash + 1));
    if (module && command) {
      if (loadModule(engine, module)) hooks.onAutoload?.(module);
      return { kind: 'cmdlet', command, module, invokedAs: name };
    }
  }
  for (const module of engine.loaded.values()) {
    const command = findIn(module, target);
    if (command) return { kind: 'cmdlet', command, module, invokedAs: name };
  }
  for (const module of modules) {
    const command = findIn(module, target);
    if (command) {
      if (loadModule(engine, module)) hooks.onAutoload?.(module);
      return { kind: 'cmdlet', command, module, invokedAs: name };
    }
  }
  return { kind: 'native', name: target, invokedAs: name };
}

/**
 * CommandNotFoundException with Windows PowerShell 5.1's text ("operable program";
 * PowerShell 7 says "executable program"): category ObjectNotFound, target the name,
 * no command in the FullyQualifiedErrorId, the command name's position.
 */
export function commandNotFound(name: string, position: ScriptPosition): PsRuntimeError {
  return new PsRuntimeError(
    new PsErrorRecord({
      exceptionType: 'System.Management.Automation.CommandNotFoundException',
      message: `The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
      errorId: 'CommandNotFoundException',
      category: 'ObjectNotFound',
      targetObject: name,
      activity: '',
      invocation: invocationAt(position, name),
    }),
  );
}
