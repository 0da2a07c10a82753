/**
 * Evaluation of expressions: literals, variables, strings, operators, members,
 * indexes, casts, arrays, hashtables and script block literals.
 */
import type * as A from '../language/ast';
import { ConversionFailure, convertTo, hashtableToCustomObject, isTrue, toNumber, toStringPs } from './conversions';
import { runtimeError, type ScriptPosition } from './errors';
import { at, collected, type Emit, type Exec, getVariable, setVariable } from './exec';
import { getProperty, setProperty } from './members';
import { invokeMethod, VOID, type MethodContext } from './methods';
import * as ops from './operators';
import { execStatements, statementValue } from './evaluator';
import { invokeScriptBlockValue, scriptBlockFromText } from './functions';
import { invokeStatic, setStaticProperty, staticProperty, type StaticContext } from './staticMembers';
import type { PsType } from './types';
import { PsHashtable, PsScriptBlock, PsTypeLiteral, type PsValue } from './values';

/** What a PsScriptBlock value holds: its tree and the text it came from. */
export interface ScriptBlockBody {
  readonly node: A.ScriptBlock;
  readonly source: Exec['source'];
}

export function scriptBlockBody(sb: PsScriptBlock): ScriptBlockBody {
  return sb.ast as ScriptBlockBody;
}

export function operatorContext(exec: Exec, position?: ScriptPosition): StaticContext {
  const ofsValue = exec.scope.lookup('OFS')?.value;
  return {
    at: position,
    ofs: ofsValue === undefined || ofsValue === null ? ' ' : toStringPs(ofsValue),
    types: exec.engine.types,
    machine: exec.engine.options.machine,
    setMatches: (m) => exec.scope.set('Matches', m),
    getEnv: (n) => exec.engine.getEnv(n),
    setEnv: (n, v) => exec.engine.setEnv(n, v),
    invokeScriptBlock: (block, dollarUnder, args) => invokeScriptBlockValue(exec, block, { dollarUnder, args, dotSource: false }),
    createScriptBlock: (text) => scriptBlockFromText(text),
  };
}

export function resolveType(exec: Exec, typeName: string, position: ScriptPosition): PsType {
  const type = exec.engine.types.resolve(typeName);
  if (!type) {
    throw runtimeError({ message: `Unable to find type [${typeName}].`, errorId: 'TypeNotFound', category: 'InvalidOperation', targetObject: typeName, at: position });
  }
  return type;
}

/** Whether evaluating the expression as a statement outputs nothing ($i++, [void]…, a void method). */
export function isVoidStatement(e: A.Expression): boolean {
  return (e.type === 'Unary' && ['++pre', '--pre', '++post', '--post'].includes(e.operator)) || (e.type === 'Convert' && e.typeName.toLowerCase() === 'void');
}

/** Evaluates an expression used as a statement: its value is enumerated into `emit`, unless it is void. */
export async function evalExpressionStatement(e: A.Expression, exec: Exec, emit: Emit): Promise<void> {
  if (isVoidStatement(e)) {
    await evalExpr(e, exec);
    return;
  }
  if (e.type === 'InvokeMember') {
    const r = await evalInvoke(e, exec);
    if (r !== VOID) emitValue(r, emit);
    return;
  }
  emitValue(await evalExpr(e, exec), emit);
}

function emitValue(v: PsValue, emit: Emit): void {
  if (Array.isArray(v)) for (const x of v) emit(x);
  else emit(v);
}

export async function evalExpr(e: A.Expression, exec: Exec): Promise<PsValue> {
  switch (e.type) {
    case 'Constant':
      return e.value;
    case 'StringConstant':
      return e.value;
    case 'Variable':
      return getVariable(exec, e.name);
    case 'ExpandableString':
      return expandString(e, exec);
    case 'ArrayLiteral': {
      const out: PsValue[] = [];
      for (const el of e.elements) out.push(await evalExpr(el, exec));
      return out;
    }
    case 'ArrayExpression': {
      const out: PsValue[] = [];
      await execStatements(e.body, exec, (v) => out.push(v));
      return out;
    }
    case 'SubExpression': {
      const out: PsValue[] = [];
      await execStatements(e.body, exec, (v) => out.push(v));
      return collected(out);
    }
    case 'Paren':
      return statementValue(e.pipeline, exec);
    case 'Hashtable':
      return evalHashtable(e, exec, false);
    case 'ScriptBlockExpression':
      return new PsScriptBlock({ node: e.block, source: exec.source } satisfies ScriptBlockBody, e.block.text);
    case 'TypeExpression': {
      const type = resolveType(exec, e.typeName, at(exec, e));
      return new PsTypeLiteral(e.typeName, type.fullName);
    }
    case 'Convert':
      return evalConvert(e, exec);
    case 'Unary':
      return evalUnary(e, exec);
    case 'Binary':
      return evalBinary(e, exec);
    case 'MemberAccess':
      return evalMember(e, exec);
    case 'InvokeMember': {
      const r = await evalInvoke(e, exec);
      return r === VOID ? null : r;
    }
    case 'Index':
      return evalIndex(e, exec);
  }
}

async function expandString(e: A.ExpandableString, exec: Exec): Promise<string> {
  const ofs = operatorContext(exec).ofs;
  let out = '';
  for (const part of e.parts) {
    if (typeof part === 'string') out += part;
    else out += toStringPs(await evalExpr(part, exec), ofs);
  }
  return out;
}

async function evalHashtable(e: A.Hashtable, exec: Exec, ordered: boolean): Promise<PsHashtable> {
  const h = new PsHashtable(ordered);
  for (const pair of e.pairs) {
    const key = await evalExpr(pair.key, exec);
    if (key === null) throw runtimeError({ message: 'A null key is not allowed in a hash literal.', errorId: 'InvalidNullKey', category: 'InvalidOperation', at: at(exec, pair.key) });
    h.set(key, await statementValue(pair.value, exec));
  }
  return h;
}

async function evalConvert(e: A.Convert, exec: Exec): Promise<PsValue> {
  const name = e.typeName.toLowerCase();
  if (e.operand.type === 'Hashtable') {
    if (name === 'ordered') return evalHashtable(e.operand, exec, true);
    if (name === 'pscustomobject' || name === 'system.management.automation.pscustomobject') return hashtableToCustomObject(await evalHashtable(e.operand, exec, true));
  }
  if (name === 'ordered') {
    throw runtimeError({ message: 'The ordered attribute can be specified only on a hash literal node.', errorId: 'OrderedAttributeOnlyOnHashLiteralNode', category: 'InvalidOperation', at: at(exec, e) });
  }
  const type = resolveType(exec, e.typeName, at(exec, e));
  const value = await evalExpr(e.operand, exec);
  if (type.fullName === 'System.Void') return null;
  const converted = convertTo(value, type, { ofs: operatorContext(exec).ofs });
  if (converted instanceof ConversionFailure) {
    throw runtimeError({ message: converted.message, errorId: converted.errorId, category: 'InvalidArgument', at: at(exec, e), innerExceptionType: 'System.Management.Automation.PSInvalidCastException' });
  }
  return converted;
}

async function evalUnary(e: A.Unary, exec: Exec): Promise<PsValue> {
  const ctx = operatorContext(exec, at(exec, e));
  switch (e.operator) {
    case '++pre':
    case '--pre':
    case '++post':
    case '--post': {
      const old = await evalExpr(e.operand, exec);
      const delta = e.operator.startsWith('++') ? 1 : -1;
      const updated = ops.add(ctx, old === null ? 0 : old, delta);
      await assignTo(e.operand, updated, exec);
      return e.operator.endsWith('pre') ? updated : old;
    }
  }
  const v = await evalExpr(e.operand, exec);
  switch (e.operator) {
    case '-not':
    case '!':
      return !isTrue(v);
    case '-bnot':
      return ops.bitwiseNot(ctx, v);
    case '-':
      return ops.negate(ctx, v);
    case '+': {
      const n = toNumber(v);
      return n instanceof ConversionFailure ? v : n;
    }
    case ',':
      return [v];
    case '-split':
    case '-isplit':
    case '-csplit':
      return ops.splitWhitespace(v);
    case '-join':
      return ops.join(v, '');
  }
}

async function evalBinary(e: A.Binary, exec: Exec): Promise<PsValue> {
  if (e.operator === 'and' || e.operator === 'or') {
    const l = isTrue(await evalExpr(e.left, exec));
    if (e.operator === 'and' ? !l : l) return l;
    return isTrue(await evalExpr(e.right, exec));
  }
  if (e.operator === '..') {
    const l = await evalExpr(e.left, exec);
    const r = await evalExpr(e.right, exec);
    return ops.range(operatorContext(exec, at(exec, e)), l, r);
  }
  const l = await evalExpr(e.left, exec);
  const r = await evalExpr(e.right, exec);
  const ctx = operatorContext(exec, at(exec, e));
  switch (e.operator) {
    case '+':
      return ops.add(ctx, l, r);
    case '-':
      return ops.subtract(ctx, l, r);
    case '*':
      return ops.multiply(ctx, l, r);
    case '/':
      return ops.divide(ctx, l, r, false);
    case '%':
      return ops.divide(ctx, l, r, true);
    case 'xor':
      return isTrue(l) !== isTrue(r);
    case 'f':
      return ops.format(ctx, l, r);
    case 'band':
    case 'bor':
    case 'bxor':
    case 'shl':
    case 'shr':
      return ops.bitwise(ctx, e.operator, l, r);
    case 'is':
      return ops.isInstance(l, ops.typeOperand(ctx, 'is', r));
    case 'isnot':
      return !ops.isInstance(l, ops.typeOperand(ctx, 'is', r));
    case 'as':
      return ops.asType(ctx, l, ops.typeOperand(ctx, 'as', r));
    case 'join':
      return ops.join(l, r);
  }
  const { base } = ops.splitCase(e.operator);
  switch (base) {
    case 'match':
    case 'notmatch':
      return ops.match(ctx, e.operator, l, r);
    case 'contains':
    case 'notcontains':
      return ops.contains(e.operator, l, r);
    case 'in':
    case 'notin':
      return ops.contains(e.operator, r, l);
    case 'replace':
      return ops.replace(ctx, e.operator, l, r);
    case 'split':
      return ops.split(ctx, e.operator, l, r);
    default:
      return ops.compare(ctx, e.operator, l, r);
  }
}

async function memberName(member: A.Expression, exec: Exec): Promise<string> {
  return member.type === 'StringConstant' ? member.value : toStringPs(await evalExpr(member, exec));
}

async function evalMember(e: A.MemberAccess, exec: Exec): Promise<PsValue> {
  const name = await memberName(e.member, exec);
  if (e.isStatic) {
    const type = await staticTarget(e.target, exec);
    return staticProperty(operatorContext(exec, at(exec, e)), type, name) ?? null;
  }
  const target = await evalExpr(e.target, exec);
  return getProperty(target, name) ?? null;
}

async function staticTarget(target: A.Expression, exec: Exec): Promise<PsType> {
  if (target.type === 'TypeExpression') return resolveType(exec, target.typeName, at(exec, target));
  const v = await evalExpr(target, exec);
  if (v instanceof PsTypeLiteral) return resolveType(exec, v.fullName, at(exec, target));
  return resolveType(exec, toStringPs(v), at(exec, target));
}

export async function evalInvoke(e: A.InvokeMember, exec: Exec): Promise<PsValue | typeof VOID> {
  const name = await memberName(e.member, exec);
  const ctx: MethodContext & StaticContext = operatorContext(exec, at(exec, e));
  if (e.isStatic) {
    const type = await staticTarget(e.target, exec);
    const args = await evalArgs(e.args, exec);
    return invokeStatic(ctx, type, name, args);
  }
  const target = await evalExpr(e.target, exec);
  const args = await evalArgs(e.args, exec);
  return invokeMethod(ctx, target, name, args);
}

async function evalArgs(args: readonly A.Expression[], exec: Exec): Promise<PsValue[]> {
  const out: PsValue[] = [];
  for (const a of args) out.push(await evalExpr(a, exec));
  return out;
}

function indexOne(target: PsValue, index: PsValue): PsValue {
  if (target instanceof PsHashtable) return target.get(index) ?? null;
  const n = toNumber(index);
  if (n instanceof ConversionFailure) return null;
  const i = Math.trunc(n);
  if (typeof target === 'string') {
    const k = i < 0 ? target.length + i : i;
    return k >= 0 && k < target.length ? target[k] : null;
  }
  if (Array.isArray(target)) {
    const k = i < 0 ? target.length + i : i;
    return k >= 0 && k < target.length ? target[k] : null;
  }
  return null;
}

async function evalIndex(e: A.Index, exec: Exec): Promise<PsValue> {
  const target = await evalExpr(e.target, exec);
  const index = await evalExpr(e.index, exec);
  if (target === null) throw runtimeError({ message: 'Cannot index into a null array.', errorId: 'NullArray', category: 'InvalidOperation', at: at(exec, e) });
  if (!(Array.isArray(target) || typeof target === 'string' || target instanceof PsHashtable)) {
    if (index === 0 || (Array.isArray(index) && index.length === 0)) return target;
    throw runtimeError({ message: `Unable to index into an object of type ${toStringPs(new PsTypeLiteral('', targetTypeName(target)))}.`, errorId: 'CannotIndex', category: 'InvalidOperation', at: at(exec, e) });
  }
  if (Array.isArray(index)) return index.map((i) => indexOne(target, i));
  return indexOne(target, index);
}

function targetTypeName(v: PsValue): string {
  return typeof v === 'number' ? 'System.Int32' : typeof v === 'boolean' ? 'System.Boolean' : 'System.Object';
}

// ---- assignment ------------------------------------------------------------------------------

/** Assigns to a variable, property, element, typed variable, or a list of them (`$a, $b = 1, 2`). */
export async function assignTo(target: A.Expression, value: PsValue, exec: Exec): Promise<void> {
  switch (target.type) {
    case 'Variable':
      setVariable(exec, target.name, value, at(exec, target));
      return;
    case 'Convert': {
      if (target.operand.type !== 'Variable') return assignTo(target.operand, value, exec);
      const type = resolveType(exec, target.typeName, at(exec, target));
      setVariable(exec, target.operand.name, value, at(exec, target), type);
      return;
    }
    case 'MemberAccess': {
      const name = await memberName(target.member, exec);
      if (target.isStatic) {
        const type = await staticTarget(target.target, exec);
        if (setStaticProperty(type, name)) return;
        throw runtimeError({ message: `'${name}' is a ReadOnly property.`, errorId: 'PropertyAssignmentException', category: 'InvalidOperation', at: at(exec, target) });
      }
      const obj = await evalExpr(target.target, exec);
      setProperty(obj, name, value, at(exec, target));
      return;
    }
    case 'Index': {
      const obj = await evalExpr(target.target, exec);
      const index = await evalExpr(target.index, exec);
      if (obj instanceof PsHashtable) {
        obj.set(index, value);
        return;
      }
      if (Array.isArray(obj)) {
        const n = toNumber(index);
        const i = n instanceof ConversionFailure ? NaN : Math.trunc(n);
        const k = i < 0 ? obj.length + i : i;
        if (!(k >= 0 && k < obj.length)) {
          throw runtimeError({ message: 'Index was outside the bounds of the array.', errorId: 'System.IndexOutOfRangeException', category: 'OperationStopped', exceptionType: 'System.IndexOutOfRangeException', at: at(exec, target) });
        }
        obj[k] = value;
        return;
      }
      if (obj === null) throw runtimeError({ message: 'Cannot index into a null array.', errorId: 'NullArray', category: 'InvalidOperation', at: at(exec, target) });
      throw runtimeError({ message: `Unable to index into an object of type ${targetTypeName(obj)}.`, errorId: 'CannotIndex', category: 'InvalidOperation', at: at(exec, target) });
    }
    case 'ArrayLiteral': {
      const values = Array.isArray(value) ? value : [value];
      const targets = target.elements;
      for (let i = 0; i < targets.length; i++) {
        const v = i === targets.length - 1 ? (values.length - i > 1 ? values.slice(i) : (values[i] ?? null)) : (values[i] ?? null);
        await assignTo(targets[i], v, exec);
      }
      return;
    }
    case 'Paren':
      if (target.pipeline.type === 'Pipeline' && target.pipeline.elements[0]?.type === 'CommandExpression') return assignTo(target.pipeline.elements[0].expression, value, exec);
      break;
  }
  throw runtimeError({ message: 'The assignment expression is not valid. The input to an assignment operator must be an object that is able to accept assignments, such as a variable or a property.', errorId: 'InvalidLeftHandSide', category: 'ParserError', at: at(exec, target) });
}

/** `target op= value`: the operator applied to the current value. */
export async function compoundAssign(target: A.Expression, operator: A.AssignmentOperator, rhs: PsValue, exec: Exec, position: ScriptPosition): Promise<PsValue> {
  const current = await evalExpr(target, exec);
  const ctx = operatorContext(exec, position);
  let result: PsValue;
  switch (operator) {
    case '+=':
      result = ops.add(ctx, current, rhs);
      break;
    case '-=':
      result = ops.subtract(ctx, current, rhs);
      break;
    case '*=':
      result = ops.multiply(ctx, current, rhs);
      break;
    case '/=':
      result = ops.divide(ctx, current, rhs, false);
      break;
    default:
      result = ops.divide(ctx, current, rhs, true);
  }
  await assignTo(target, result, exec);
  return result;
}

