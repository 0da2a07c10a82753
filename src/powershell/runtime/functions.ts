/**
 * Script functions and script blocks: their parameters (from `param(...)` with
 * [Parameter()], [Alias()], [ValidateSet()] … attributes) as command metadata the
 * binder understands, and running their begin/process/end blocks in a new scope.
 */
import type * as A from '../language/ast';
import type { SourceText } from '../language/extent';
import type { BindResult, BindableCommand } from './binder';
import { ALL_PARAMETER_SETS, type PsParameter, type PsParameterInSet, type PsParameterType } from './commands';
import { isTrue, toStringPs } from './conversions';
import { MAX_CALL_DEPTH } from './engine';
import { PsRuntimeError, ReturnSignal, runtimeError } from './errors';
import { parseScript } from '../language/parser';
import { PsParseError } from '../language/parseErrors';
import { at, type Emit, type Exec, setVariable } from './exec';
import { evalExpr, resolveType, scriptBlockBody, type ScriptBlockBody } from './expressions';
import { execStatements } from './evaluator';
import { Scope } from './scope';
import { makeScriptCmdlet } from './scriptCmdlet';
import type { PsType } from './types';
import { PsEnum, PsHashtable, PsScriptBlock, PsSwitch, type PsValue } from './values';

const CONTRACT_TYPES: Readonly<Record<string, PsParameterType>> = {
  'system.string': 'string',
  'system.string[]': 'string[]',
  'system.int32': 'int',
  'system.int32[]': 'int[]',
  'system.uint16': 'uint16',
  'system.uint32': 'uint32',
  'system.int64': 'int64',
  'system.double': 'double',
  'system.boolean': 'bool',
  'system.management.automation.switchparameter': 'switch',
  'system.security.securestring': 'securestring',
  'system.management.automation.pscredential': 'pscredential',
  'system.datetime': 'datetime',
  'system.management.automation.scriptblock': 'scriptblock',
  'system.collections.hashtable': 'hashtable',
  'system.object[]': 'object[]',
};

/** An attribute argument's value: attribute arguments are constants. */
function constant(e: A.Expression | undefined): PsValue {
  if (!e) return true;
  switch (e.type) {
    case 'Constant':
      return e.value;
    case 'StringConstant':
      return e.value;
    case 'Variable':
      return e.name.toLowerCase() === 'true' ? true : e.name.toLowerCase() === 'false' ? false : null;
    case 'ArrayLiteral':
      return e.elements.map(constant);
    case 'Unary':
      return e.operator === '-' && typeof constant(e.operand) === 'number' ? -(constant(e.operand) as number) : null;
    default:
      return null;
  }
}

function named(a: A.Attribute, name: string): PsValue | undefined {
  const n = a.named.find((x) => x.name.toLowerCase() === name.toLowerCase());
  return n ? constant(n.value) : undefined;
}

const attributeIs = (a: A.Attribute, ...names: string[]): boolean => names.some((n) => a.name.toLowerCase() === n || a.name.toLowerCase() === `${n}attribute`);

export class ScriptFunction {
  readonly parameters: PsParameter[] = [];
  /** Each declared parameter's .NET type, when it has one (the variable keeps it as a constraint). */
  readonly parameterTypes = new Map<string, PsType>();
  readonly advanced: boolean;
  readonly defaultParameterSet?: string;
  readonly supportsShouldProcess: boolean;
  readonly confirmImpact?: 'None' | 'Low' | 'Medium' | 'High';

  constructor(
    readonly name: string,
    readonly body: A.ScriptBlock,
    readonly source: SourceText,
    /** The parameters as written (`function f($a)` or `param($a)`), for their default values. */
    readonly declared: readonly A.Parameter[],
    exec: Exec,
    readonly isFilter = false,
  ) {
    const binding = body.param?.attributes.find((a) => attributeIs(a, 'cmdletbinding'));
    this.advanced = binding !== undefined || declared.some((p) => p.attributes.some((a) => attributeIs(a, 'parameter')));
    const defaultSet = binding && named(binding, 'DefaultParameterSetName');
    this.defaultParameterSet = defaultSet === undefined || defaultSet === null ? undefined : toStringPs(defaultSet);
    this.supportsShouldProcess = binding !== undefined && isTrue(named(binding, 'SupportsShouldProcess') ?? false);
    const impact = binding && named(binding, 'ConfirmImpact');
    this.confirmImpact = impact ? (toStringPs(impact) as ScriptFunction['confirmImpact']) : undefined;
    const explicitPositions = declared.some((p) => p.attributes.some((a) => attributeIs(a, 'parameter') && named(a, 'Position') !== undefined));
    let nextPosition = 0;
    for (const p of declared) {
      const type = p.typeName ? resolveType(exec, p.typeName, at(exec, p)) : undefined;
      if (type) this.parameterTypes.set(p.name.toLowerCase(), type);
      const contract: PsParameterType = type ? (type.enum ? { enum: type.fullName, values: type.enum.values } : (CONTRACT_TYPES[type.fullName.toLowerCase()] ?? 'object')) : 'object';
      const sets: Record<string, { -readonly [K in keyof PsParameterInSet]: PsParameterInSet[K] }> = {};
      for (const a of p.attributes.filter((x) => attributeIs(x, 'parameter'))) {
        const set = named(a, 'ParameterSetName');
        const position = named(a, 'Position');
        sets[set === undefined || set === null ? ALL_PARAMETER_SETS : toStringPs(set)] = {
          mandatory: isTrue(named(a, 'Mandatory') ?? false),
          position: typeof position === 'number' ? position : undefined,
          valueFromPipeline: isTrue(named(a, 'ValueFromPipeline') ?? false),
          valueFromPipelineByPropertyName: isTrue(named(a, 'ValueFromPipelineByPropertyName') ?? false),
        };
      }
      if (Object.keys(sets).length === 0) sets[ALL_PARAMETER_SETS] = {};
      // Without explicit positions, parameters are positional in declaration order (switches never are).
      if (!explicitPositions && contract !== 'switch') for (const s of Object.values(sets)) if (s.position === undefined) s.position = nextPosition;
      if (!explicitPositions && contract !== 'switch') nextPosition++;
      const aliases = p.attributes.filter((a) => attributeIs(a, 'alias')).flatMap((a) => a.positional.map(constant).flat().map((v) => toStringPs(v)));
      const validateSet = p.attributes.find((a) => attributeIs(a, 'validateset'));
      const validateRange = p.attributes.find((a) => attributeIs(a, 'validaterange'));
      this.parameters.push({
        name: p.name,
        type: contract,
        aliases: aliases.length ? aliases : undefined,
        sets,
        validateSet: validateSet ? validateSet.positional.map(constant).flat().map((v) => toStringPs(v)) : undefined,
        validateRange: validateRange ? [Number(constant(validateRange.positional[0])), Number(constant(validateRange.positional[1]))] : undefined,
        validateNotNullOrEmpty: p.attributes.some((a) => attributeIs(a, 'validatenotnullorempty')),
      });
    }
  }

  bindable(): BindableCommand {
    return {
      name: this.name,
      errorSource: this.name,
      parameters: this.parameters,
      defaultParameterSet: this.defaultParameterSet,
      supportsShouldProcess: this.supportsShouldProcess,
      commonParameters: this.advanced,
      collectsUnbound: !this.advanced,
    };
  }
}

export function defineFunction(def: A.FunctionDefinition, exec: Exec): void {
  const declared = def.parameters ?? def.body.param?.parameters ?? [];
  exec.scope.defineFunction(new ScriptFunction(def.name, def.body, exec.source, declared, exec, def.isFilter));
}

/** An anonymous function for `& { … }` and for script blocks commands invoke. */
export function scriptBlockFunction(block: PsScriptBlock, exec: Exec): ScriptFunction {
  const body = scriptBlockBody(block);
  return new ScriptFunction('<ScriptBlock>', body.node, body.source, body.node.param?.parameters ?? [], { ...exec, source: body.source });
}

/**
 * A script block from text ([scriptblock]::Create, Invoke-Expression). A parse error is
 * thrown as a terminating error carrying the ParseException record.
 */
export function scriptBlockFromText(text: string): PsScriptBlock {
  try {
    const parsed = parseScript(text);
    return new PsScriptBlock({ node: parsed.ast, source: parsed.source } satisfies ScriptBlockBody, text);
  } catch (e) {
    if (e instanceof PsParseError) throw new PsRuntimeError(e.toErrorRecord());
    throw e;
  }
}

/** Enters a script block invocation; past MAX_CALL_DEPTH: "The script failed due to call depth overflow." */
export function enterCall(exec: Exec): void {
  if (exec.engine.callDepth >= MAX_CALL_DEPTH) {
    throw runtimeError({
      message: 'The script failed due to call depth overflow.',
      errorId: 'CallDepthOverflow',
      category: 'InvalidOperation',
      exceptionType: 'System.Management.Automation.ScriptCallDepthException',
    });
  }
  exec.engine.callDepth++;
}

/** The variables a function's scope starts with: its parameters, $args, $PSBoundParameters, preferences from common parameters. */
export async function bindFunctionScope(fn: ScriptFunction, scope: Scope, exec: Exec, bound: BindResult, emit?: Emit): Promise<void> {
  const psBound = new PsHashtable();
  scope.set('args', bound.unbound);
  const common = bound.common;
  if (common.errorAction) scope.set('ErrorActionPreference', new PsEnum('System.Management.Automation.ActionPreference', common.errorAction, actionValue(common.errorAction)));
  if (common.warningAction) scope.set('WarningPreference', new PsEnum('System.Management.Automation.ActionPreference', common.warningAction, actionValue(common.warningAction)));
  if (common.informationAction) scope.set('InformationPreference', new PsEnum('System.Management.Automation.ActionPreference', common.informationAction, actionValue(common.informationAction)));
  if (common.verbose !== undefined) scope.set('VerbosePreference', new PsEnum('System.Management.Automation.ActionPreference', common.verbose ? 'Continue' : 'SilentlyContinue', common.verbose ? 2 : 0));
  if (common.debug !== undefined) scope.set('DebugPreference', new PsEnum('System.Management.Automation.ActionPreference', common.debug ? 'Inquire' : 'SilentlyContinue', common.debug ? 3 : 0));
  if (common.whatIf !== undefined) scope.set('WhatIfPreference', common.whatIf);
  if (common.confirm !== undefined) scope.set('ConfirmPreference', new PsEnum('System.Management.Automation.ConfirmImpact', common.confirm ? 'Low' : 'None', common.confirm ? 1 : 0));
  const inner: Exec = { ...exec, scope, source: fn.source };
  for (const p of fn.parameters) {
    const type = fn.parameterTypes.get(p.name.toLowerCase());
    let value: PsValue;
    if (bound.values.has(p.name)) {
      value = bound.values.get(p.name) as PsValue;
      psBound.set(p.name, value);
    } else {
      const node = fn.declared.find((d) => d.name.toLowerCase() === p.name.toLowerCase());
      if (node?.defaultValue) value = await evalExpr(node.defaultValue, inner);
      else if (p.type === 'switch') value = new PsSwitch(false);
      else value = null;
      if (value === null && type && ['System.String', 'System.Int32', 'System.Int64', 'System.Double', 'System.Boolean', 'System.UInt16', 'System.UInt32'].includes(type.fullName)) {
        value = type.fullName === 'System.String' ? '' : type.fullName === 'System.Boolean' ? false : 0;
      }
    }
    scope.set(p.name, value);
    if (type) setVariable(inner, p.name, value, undefined, type);
  }
  scope.set('PSBoundParameters', psBound);
  if (fn.advanced) scope.set('PSCmdlet', makeScriptCmdlet(fn, inner, bound.sets[0] ?? '__AllParameterSets', emit ?? (() => undefined)));
}

function actionValue(name: string): number {
  return ['silentlycontinue', 'stop', 'continue', 'inquire', 'ignore', 'suspend'].indexOf(name.toLowerCase());
}

/** Runs one named block, where `return` ends the block. */
export async function runBlock(block: A.StatementBlock | undefined, exec: Exec, emit: Emit): Promise<void> {
  try {
    await execStatements(block, exec, emit);
  } catch (e) {
    if (e instanceof ReturnSignal) return;
    throw e;
  }
}

export interface ScriptBlockInvocation {
  /** $_ while it runs (ForEach-Object, Where-Object, calculated properties). */
  readonly dollarUnder?: PsValue;
  readonly args: readonly PsValue[];
  /** Run in the caller's scope (ForEach-Object and Where-Object do, so assignments persist). */
  readonly dotSource: boolean;
}

/** Invokes a script block value and returns its output. */
export async function invokeScriptBlockValue(exec: Exec, block: PsScriptBlock, how: ScriptBlockInvocation): Promise<PsValue[]> {
  const body = scriptBlockBody(block);
  enterCall(exec);
  const scope = how.dotSource ? exec.scope : new Scope(exec.scope, 'local');
  const saved = scope.local('_');
  try {
    if (how.dollarUnder !== undefined) scope.set('_', how.dollarUnder);
    if (!how.dotSource) {
      scope.set('args', [...how.args]);
      const params = body.node.param?.parameters ?? [];
      for (let i = 0; i < params.length; i++) scope.set(params[i].name, how.args[i] ?? null);
    }
    const out: PsValue[] = [];
    const inner: Exec = { ...exec, scope, source: body.source };
    const emit: Emit = (v) => out.push(v);
    await runBlock(body.node.begin, inner, emit);
    await runBlock(body.node.process ?? body.node.end, inner, emit);
    if (body.node.process) await runBlock(body.node.end, inner, emit);
    return out;
  } finally {
    exec.engine.callDepth--;
    if (how.dotSource) {
      if (saved) scope.set('_', saved.value);
      else if (how.dollarUnder !== undefined) scope.remove('_');
    }
  }
}
