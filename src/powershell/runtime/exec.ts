/**
 * What evaluation carries from node to node: the session's engine, the current
 * scope, the script text (for positions), where the streams go now, and whether
 * a try statement encloses the code (which decides what a terminating error does).
 * Also variable access, with PowerShell's automatic variables and scope prefixes.
 */
import type { Extent, SourceText } from '../language/extent';
import { ConversionFailure, convertTo, toStringPs } from './conversions';
import type { Engine } from './engine';
import { runtimeError, type ScriptPosition } from './errors';
import type { Scope } from './scope';
import type { StreamSink } from './streams';
import type { PsType } from './types';
import { PsEnum, type PsValue } from './values';

export interface Exec {
  readonly engine: Engine;
  readonly scope: Scope;
  readonly source: SourceText;
  readonly sink: StreamSink;
  /** > 0 inside a try block (here or in a caller): terminating errors go to its catch. */
  readonly tryDepth: number;
  /**
   * The script or function whose code this is: what Write-Error's record names as its
   * invocation ("f : message", FullyQualifiedErrorId "…,f"); the whole script text at top level.
   */
  readonly caller?: { readonly name: string; readonly at?: ScriptPosition; readonly isScript?: boolean };
}

export type Emit = (value: PsValue) => void;

export function at(exec: Exec, node: { readonly extent: Extent }): ScriptPosition {
  return { source: exec.source, extent: node.extent };
}

/** Variables PowerShell will not let a script assign. */
const READ_ONLY: ReadonlySet<string> = new Set(['true', 'false', '?', 'pid', 'psversiontable', 'home', 'host', 'pshome', 'shellid', 'error', 'executioncontext']);

function splitQualifier(name: string): { qualifier: string | undefined; bare: string } {
  const i = name.indexOf(':');
  return i <= 0 ? { qualifier: undefined, bare: name } : { qualifier: name.slice(0, i).toLowerCase(), bare: name.slice(i + 1) };
}

/** The scope a qualified name refers to (undefined: the normal lookup). */
function scopeFor(exec: Exec, qualifier: string | undefined): Scope | undefined {
  switch (qualifier) {
    case 'global':
      return exec.scope.global;
    case 'script':
      return exec.scope.script;
    case 'local':
    case 'private':
      return exec.scope;
    default:
      return undefined;
  }
}

export function getVariable(exec: Exec, name: string): PsValue {
  const lower = name.toLowerCase();
  switch (lower) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
    case '?':
      return exec.engine.questionMark;
    case 'error':
      return exec.engine.errorList;
    case 'psitem':
      return exec.scope.lookup('_')?.value ?? null;
  }
  const { qualifier, bare } = splitQualifier(name);
  if (qualifier === 'env') return exec.engine.getEnv(bare) ?? null;
  if (qualifier === 'variable') return getVariable(exec, bare);
  const scope = scopeFor(exec, qualifier);
  if (qualifier && !scope) return null;
  if (scope) return (qualifier === 'local' || qualifier === 'private' ? scope.local(bare) : scope.lookup(bare))?.value ?? null;
  return exec.scope.lookup(name)?.value ?? null;
}

/** Whether a variable exists (for Get-Variable and `Test-Path variable:`). */
export function hasVariable(exec: Exec, name: string): boolean {
  return exec.scope.lookup(name) !== undefined || ['true', 'false', 'null', '?', 'error'].includes(name.toLowerCase());
}

/**
 * Assigns a variable: in the current scope unless qualified; a type constraint (from
 * `[int]$x = …` now or earlier) converts the value, with PowerShell's error when it cannot.
 */
export function setVariable(exec: Exec, name: string, value: PsValue, at?: ScriptPosition, type?: PsType): void {
  const lower = name.toLowerCase();
  if (lower === 'null') return;
  const { qualifier, bare } = splitQualifier(name);
  if (qualifier === 'env') {
    exec.engine.setEnv(bare, value === null ? undefined : toStringPs(value));
    return;
  }
  if (READ_ONLY.has(lower) || (qualifier && READ_ONLY.has(bare.toLowerCase()))) {
    throw runtimeError({
      message: `Cannot overwrite variable ${bare} because it is read-only or constant.`,
      errorId: 'VariableNotWritable',
      category: 'WriteError',
      exceptionType: 'System.Management.Automation.SessionStateUnauthorizedAccessException',
      targetObject: bare,
      at,
    });
  }
  const target = scopeFor(exec, qualifier) ?? (qualifier === 'variable' ? exec.scope : exec.scope);
  const existing = target.local(bare) ?? (qualifier ? undefined : findPreference(exec, bare));
  const constraint = type ?? existing?.type;
  let stored = value;
  if (constraint) {
    const converted = convertTo(value, constraint);
    if (converted instanceof ConversionFailure) {
      throw runtimeError({ message: converted.message, errorId: converted.errorId, category: 'InvalidArgument', at, exceptionType: 'System.Management.Automation.ArgumentTransformationMetadataException' });
    }
    stored = converted;
  }
  target.set(bare, stored, constraint);
}

/** Preference variables keep their type (ActionPreference) in whichever scope they are set. */
function findPreference(exec: Exec, name: string): { type?: PsType } | undefined {
  if (!/preference$/i.test(name)) return undefined;
  return exec.scope.global.local(name);
}

export type ActionPreference = 'SilentlyContinue' | 'Stop' | 'Continue' | 'Inquire' | 'Ignore' | 'Suspend';

const ACTIONS: readonly ActionPreference[] = ['SilentlyContinue', 'Stop', 'Continue', 'Inquire', 'Ignore', 'Suspend'];

/** An ActionPreference from a variable's or parameter's value (an enum, its name, or its number). */
export function toActionPreference(v: PsValue | undefined, fallback: ActionPreference): ActionPreference {
  if (v === undefined || v === null) return fallback;
  if (v instanceof PsEnum) return ACTIONS[v.value] ?? fallback;
  if (typeof v === 'number') return ACTIONS[v] ?? fallback;
  const text = toStringPs(v).toLowerCase();
  return ACTIONS.find((a) => a.toLowerCase() === text) ?? fallback;
}

/** $ErrorActionPreference and friends as seen from the current scope. */
export function preference(exec: Exec, variable: string, fallback: ActionPreference): ActionPreference {
  return toActionPreference(exec.scope.lookup(variable)?.value, fallback);
}

/** Enumerates a value into a pipeline: arrays one level deep, everything else as is. */
export function enumerate(value: PsValue, emit: Emit): void {
  if (Array.isArray(value)) for (const v of value) emit(v);
  else emit(value);
}

/** Output collected from a statement as one value: nothing is $null, one is itself, more is an array. */
export function collected(values: PsValue[]): PsValue {
  return values.length === 0 ? null : values.length === 1 ? values[0] : values;
}
