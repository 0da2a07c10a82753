/**
 * PowerShell's operators on values: arithmetic by the left operand's type, the
 * comparison family (which filter when the left side is an array and convert the
 * right side to the left side's type), -like, -match, -replace, -split, -join,
 * -f, -is, -as, ranges and bitwise operators.
 */
import { compositeFormat } from './compositeFormat';
import { ConversionFailure, convertTo, isTrue, toNumber, toStringPs } from './conversions';
import { PsRuntimeError, runtimeError, type ScriptPosition } from './errors';
import type { PsType, TypeRegistry } from './types';
import { wildcardMatch } from './wildcard';
import { PsDateTime, PsEnum, PsHashtable, PsObject, PsScriptBlock, PsSecureString, PsSwitch, PsTypeLiteral, PsErrorRecord, type PsValue, typeNameOf } from './values';

export interface OperatorContext {
  readonly at?: ScriptPosition;
  readonly ofs: string;
  readonly types: TypeRegistry;
  /** Sets $Matches after a successful scalar -match. */
  setMatches(matches: PsHashtable): void;
}

/** Ranges an expression materializes as an array are capped; `foreach` and pipelines iterate them lazily. */
export const MAX_RANGE_ARRAY = 1_000_000;

function fail(ctx: OperatorContext, message: string, errorId: string, category: PsRuntimeError['record']['init']['category'], inner?: string, exceptionType?: string): never {
  throw runtimeError({ message, errorId, category, at: ctx.at, innerExceptionType: inner, exceptionType });
}

function conversionError(ctx: OperatorContext, f: ConversionFailure): never {
  fail(ctx, f.message, f.errorId, 'InvalidArgument', 'System.Management.Automation.PSInvalidCastException');
}

function methodNotFound(ctx: OperatorContext, v: PsValue, method: string): never {
  fail(ctx, `Method invocation failed because [${typeNameOf(v)}] does not contain a method named '${method}'.`, 'MethodNotFound', 'InvalidOperation');
}

function num(ctx: OperatorContext, v: PsValue, targetType = 'System.Int32'): number {
  const n = toNumber(v, targetType);
  if (n instanceof ConversionFailure) conversionError(ctx, n);
  return n;
}

const isNumeric = (v: PsValue): boolean => typeof v === 'number' || typeof v === 'boolean' || v instanceof PsEnum || v instanceof PsSwitch;

/** The type name numbers convert to for error messages: Double when either side is fractional. */
function numericTarget(a: PsValue, b: PsValue): string {
  return (typeof a === 'number' && !Number.isInteger(a)) || (typeof b === 'number' && !Number.isInteger(b)) ? 'System.Double' : 'System.Int32';
}

// ---- arithmetic ---------------------------------------------------------------------------

export function add(ctx: OperatorContext, l: PsValue, r: PsValue): PsValue {
  if (l === null) return Array.isArray(r) ? [...r] : r;
  if (typeof l === 'string') return l + toStringPs(r, ctx.ofs);
  if (Array.isArray(l)) return Array.isArray(r) ? [...l, ...r] : [...l, r];
  if (l instanceof PsHashtable) {
    if (!(r instanceof PsHashtable)) fail(ctx, 'A hash table can only be added to another hash table.', 'AddHashTableToNonHashTable', 'InvalidOperation');
    const sum = new PsHashtable(l.ordered);
    for (const e of l.entries()) sum.set(e.key, e.value);
    for (const e of r.entries()) {
      if (sum.has(e.key)) {
        const existing = l.keys().find((k) => toStringPs(k).toLowerCase() === toStringPs(e.key).toLowerCase()) ?? e.key;
        fail(ctx, `Item has already been added. Key in dictionary: '${toStringPs(existing)}'  Key being added: '${toStringPs(e.key)}'`, 'System.ArgumentException', 'OperationStopped', undefined, 'System.ArgumentException');
      }
      sum.set(e.key, e.value);
    }
    return sum;
  }
  if (isNumeric(l)) {
    if (Array.isArray(r) || r instanceof PsHashtable || r instanceof PsObject) methodNotFound(ctx, r, 'op_Addition');
    return num(ctx, l) + num(ctx, r, numericTarget(l, r));
  }
  if (l instanceof PsDateTime && typeof r === 'number') return new PsDateTime(new Date(l.date.getTime() + r / 10000), l.kind);
  methodNotFound(ctx, l, 'op_Addition');
}

export function subtract(ctx: OperatorContext, l: PsValue, r: PsValue): PsValue {
  if (l instanceof PsDateTime && r instanceof PsDateTime) return (l.date.getTime() - r.date.getTime()) * 10000;
  if (Array.isArray(l) || l instanceof PsHashtable || l instanceof PsObject || l instanceof PsScriptBlock) methodNotFound(ctx, l, 'op_Subtraction');
  if (Array.isArray(r) || r instanceof PsHashtable || r instanceof PsObject) methodNotFound(ctx, r, 'op_Subtraction');
  return num(ctx, l, numericTarget(l, r)) - num(ctx, r, numericTarget(l, r));
}

export function multiply(ctx: OperatorContext, l: PsValue, r: PsValue): PsValue {
  if (typeof l === 'string') {
    const times = num(ctx, r);
    if (times < 0) fail(ctx, 'The argument to operator \'*\' is not valid: Count cannot be less than zero.', 'BadOperatorArgument', 'InvalidOperation');
    if (l.length * times > 100_000_000) fail(ctx, 'Array dimensions exceeded supported range.', 'System.OutOfMemoryException', 'NotSpecified');
    return l.repeat(times);
  }
  if (Array.isArray(l)) {
    const times = num(ctx, r);
    if (l.length * times > MAX_RANGE_ARRAY) fail(ctx, 'Array dimensions exceeded supported range.', 'System.OutOfMemoryException', 'NotSpecified');
    const out: PsValue[] = [];
    for (let i = 0; i < times; i++) out.push(...l);
    return out;
  }
  if (l === null || isNumeric(l) || typeof l === 'string') {
    if (Array.isArray(r) || r instanceof PsHashtable || r instanceof PsObject) methodNotFound(ctx, r, 'op_Multiply');
    return num(ctx, l) * num(ctx, r, numericTarget(l, r));
  }
  methodNotFound(ctx, l, 'op_Multiply');
}

export function divide(ctx: OperatorContext, l: PsValue, r: PsValue, remainder: boolean): PsValue {
  const op = remainder ? 'op_Modulus' : 'op_Division';
  if (Array.isArray(l) || l instanceof PsHashtable || l instanceof PsObject) methodNotFound(ctx, l, op);
  if (Array.isArray(r) || r instanceof PsHashtable || r instanceof PsObject) methodNotFound(ctx, r, op);
  const a = num(ctx, l, numericTarget(l, r));
  const b = num(ctx, r, numericTarget(l, r));
  if (b === 0 && Number.isInteger(a) && Number.isInteger(b)) {
    fail(ctx, 'Attempted to divide by zero.', 'RuntimeException', 'NotSpecified', 'System.DivideByZeroException');
  }
  return remainder ? a % b : a / b;
}

export function negate(ctx: OperatorContext, v: PsValue): PsValue {
  if (Array.isArray(v) || v instanceof PsHashtable || v instanceof PsObject) methodNotFound(ctx, v, 'op_UnaryNegation');
  return -num(ctx, v);
}

// ---- bitwise -----------------------------------------------------------------------------

export function bitwise(ctx: OperatorContext, op: string, l: PsValue, r: PsValue): PsValue {
  const a = BigInt(Math.trunc(num(ctx, l)));
  const b = BigInt(Math.trunc(num(ctx, r)));
  let result: bigint;
  switch (op) {
    case 'band':
      result = a & b;
      break;
    case 'bor':
      result = a | b;
      break;
    case 'bxor':
      result = a ^ b;
      break;
    case 'shl':
      result = BigInt.asIntN(a >= -2147483648n && a <= 2147483647n ? 32 : 64, a << (b & 63n));
      break;
    default:
      result = a >> (b & 63n);
  }
  return Number(result);
}

export function bitwiseNot(ctx: OperatorContext, v: PsValue): PsValue {
  const n = Math.trunc(num(ctx, v));
  return n >= -2147483648 && n <= 2147483647 ? ~n : Number(~BigInt(n));
}

// ---- comparison ---------------------------------------------------------------------------

/** LanguagePrimitives.Equals(l, r, ignoreCase): r converted to l's type; a failed conversion is "not equal". */
export function valuesEqual(l: PsValue, r: PsValue, caseSensitive: boolean): boolean {
  if (l === null) return r === null;
  if (r === null) return false;
  if (typeof l === 'string') {
    const rs = toStringPs(r);
    return caseSensitive ? l === rs : l.toLowerCase() === rs.toLowerCase();
  }
  if (typeof l === 'number') {
    if (typeof r === 'number') return l === r;
    const n = toNumber(r, 'System.Int32');
    return !(n instanceof ConversionFailure) && n === l;
  }
  if (typeof l === 'boolean') return l === isTrue(r);
  if (l instanceof PsSwitch) return l.isPresent === isTrue(r);
  if (l instanceof PsEnum) {
    if (r instanceof PsEnum) return l.value === r.value && l.typeName === r.typeName;
    if (typeof r === 'number') return l.value === r;
    return l.name.toLowerCase() === toStringPs(r).trim().toLowerCase();
  }
  if (l instanceof PsDateTime) return r instanceof PsDateTime ? l.date.getTime() === r.date.getTime() : false;
  if (l instanceof PsTypeLiteral) return r instanceof PsTypeLiteral && l.fullName === r.fullName;
  if (l instanceof PsObject && l.typeNames[0] === 'System.Version' && l.text !== undefined) return toStringPs(r) === l.text;
  return l === r;
}

/** LanguagePrimitives.Compare: negative, zero or positive; a failure when r does not convert. */
export function compareValues(l: PsValue, r: PsValue, caseSensitive: boolean): number | ConversionFailure {
  if (l === null) return r === null ? 0 : -1;
  if (r === null) return 1;
  if (typeof l === 'string') {
    return l.localeCompare(toStringPs(r), 'en-US', { sensitivity: caseSensitive ? 'variant' : 'accent' });
  }
  if (typeof l === 'number' || typeof l === 'boolean' || l instanceof PsSwitch) {
    const a = toNumber(l);
    const b = toNumber(r, numericTarget(l, r));
    if (b instanceof ConversionFailure) return b;
    return (a as number) - b;
  }
  if (l instanceof PsEnum) {
    const b = r instanceof PsEnum ? r.value : typeof r === 'number' ? r : undefined;
    if (b !== undefined) return l.value - b;
    return l.name.localeCompare(toStringPs(r), 'en-US', { sensitivity: 'accent' });
  }
  if (l instanceof PsDateTime && r instanceof PsDateTime) return l.date.getTime() - r.date.getTime();
  return new ConversionFailure(`Cannot compare "${toStringPs(l)}" because it is not IComparable.`, 'NotIcomparable');
}

/** The comparison operators' names without their i/c prefix, and whether they are case-sensitive. */
export function splitCase(op: string): { base: string; caseSensitive: boolean } {
  if (op.length > 2 && (op[0] === 'c' || op[0] === 'i') && !['contains', 'in', 'is', 'isnot'].includes(op)) {
    const base = op.slice(1);
    if (['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'like', 'notlike', 'match', 'notmatch', 'contains', 'notcontains', 'in', 'notin', 'replace', 'split'].includes(base)) {
      return { base, caseSensitive: op[0] === 'c' };
    }
  }
  return { base: op, caseSensitive: false };
}

function scalarCompare(ctx: OperatorContext, base: string, l: PsValue, r: PsValue, cs: boolean): boolean {
  switch (base) {
    case 'eq':
      return valuesEqual(l, r, cs);
    case 'ne':
      return !valuesEqual(l, r, cs);
    case 'like':
      return wildcardMatch(toStringPs(l), toStringPs(r), cs);
    case 'notlike':
      return !wildcardMatch(toStringPs(l), toStringPs(r), cs);
    default: {
      const c = compareValues(l, r, cs);
      if (c instanceof ConversionFailure) {
        if (c.errorId === 'NotIcomparable') fail(ctx, c.message, 'NotIcomparable', 'InvalidOperation');
        fail(ctx, `Could not compare "${toStringPs(l)}" to "${toStringPs(r)}". Error: "${c.message}"`, 'ComparisonFailure', 'InvalidOperation');
      }
      return base === 'gt' ? c > 0 : base === 'ge' ? c >= 0 : base === 'lt' ? c < 0 : c <= 0;
    }
  }
}

/** -eq -ne -gt -ge -lt -le -like -notlike (with i/c forms): an array on the left filters. */
export function compare(ctx: OperatorContext, op: string, l: PsValue, r: PsValue): PsValue {
  const { base, caseSensitive } = splitCase(op);
  if (Array.isArray(l)) return l.filter((e) => scalarCompare(ctx, base, e, r, caseSensitive));
  return scalarCompare(ctx, base, l, r, caseSensitive);
}

export function contains(op: string, collection: PsValue, value: PsValue): boolean {
  const { base, caseSensitive } = splitCase(op);
  const items = Array.isArray(collection) ? collection : [collection];
  const found = items.some((e) => valuesEqual(e, value, caseSensitive));
  return base === 'contains' || base === 'in' ? found : !found;
}

// ---- regular expressions --------------------------------------------------------------------

/** A .NET pattern as a JavaScript RegExp (the common subset; `(?i)` and \A \z are translated). */
export function dotNetRegex(ctx: OperatorContext, pattern: string, caseSensitive: boolean, global = false): RegExp {
  let source = pattern;
  let flags = caseSensitive ? '' : 'i';
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    if (inline[1].includes('i')) flags = flags.includes('i') ? flags : `${flags}i`;
    if (inline[1].includes('m')) flags += 'm';
    if (inline[1].includes('s')) flags += 's';
  }
  source = source.replace(/\\A/g, '^').replace(/\\[zZ]/g, '$');
  try {
    return new RegExp(source, global ? `${flags}g` : flags);
  } catch {
    fail(ctx, `The regular expression pattern ${pattern} is not valid.`, 'InvalidRegularExpression', 'InvalidOperation', 'System.ArgumentException');
  }
}

function matchesTable(m: RegExpExecArray): PsHashtable {
  const table = new PsHashtable();
  for (let i = m.length - 1; i >= 0; i--) if (m[i] !== undefined) table.set(i, m[i]);
  for (const [name, value] of Object.entries(m.groups ?? {})) if (value !== undefined) table.set(name, value);
  return table;
}

export function match(ctx: OperatorContext, op: string, l: PsValue, r: PsValue): PsValue {
  const { base, caseSensitive } = splitCase(op);
  const re = dotNetRegex(ctx, toStringPs(r), caseSensitive);
  const wanted = base === 'match';
  if (Array.isArray(l)) return l.filter((e) => re.test(toStringPs(e)) === wanted);
  const m = re.exec(toStringPs(l));
  if (m && wanted) ctx.setMatches(matchesTable(m));
  return (m !== null) === wanted;
}

/** A .NET replacement string in JavaScript's syntax: ${name} → $<name>, $0 → $&. */
function dotNetReplacement(text: string): string {
  return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => (/^\d+$/.test(name) ? `$${name}` : `$<${name}>`)).replace(/\$0/g, '$&');
}

export function replace(ctx: OperatorContext, op: string, l: PsValue, r: PsValue): PsValue {
  const { caseSensitive } = splitCase(op);
  const args = Array.isArray(r) ? r : [r];
  if (args.length > 2) fail(ctx, `The -replace operator allows only two elements to follow it, not ${args.length}.`, 'BadReplaceArgument', 'InvalidOperation');
  const re = dotNetRegex(ctx, toStringPs(args[0] ?? null), caseSensitive, true);
  const replacement = dotNetReplacement(toStringPs(args[1] ?? null));
  const one = (v: PsValue): string => toStringPs(v).replace(re, replacement);
  return Array.isArray(l) ? l.map(one) : one(l);
}

export function split(ctx: OperatorContext, op: string, l: PsValue, r: PsValue): PsValue[] {
  const { caseSensitive } = splitCase(op);
  const args = Array.isArray(r) ? r : [r];
  const max = args.length > 1 ? num(ctx, args[1]) : 0;
  const options = args.length > 2 ? toStringPs(args[2]).toLowerCase() : '';
  const delimiter = toStringPs(args[0] ?? null);
  const pattern = options.includes('simplematch') ? delimiter.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&') : delimiter;
  const re = dotNetRegex(ctx, pattern, caseSensitive && !options.includes('ignorecase'), true);
  const out: PsValue[] = [];
  for (const item of Array.isArray(l) ? l : [l]) out.push(...splitOne(toStringPs(item), re, max));
  return out;
}

function splitOne(text: string, re: RegExp, max: number): string[] {
  const parts: string[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (max > 0 && parts.length === max - 1) break;
    if (m[0] === '') {
      re.lastIndex++;
      if (m.index >= text.length) break;
      if (m.index === 0) continue;
    }
    parts.push(text.slice(last, m.index), ...m.slice(1).filter((g): g is string => g !== undefined));
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/** Unary -split: on runs of white space, without empty pieces. */
export function splitWhitespace(v: PsValue): PsValue[] {
  const out: PsValue[] = [];
  for (const item of Array.isArray(v) ? v : [v]) out.push(...toStringPs(item).split(/\s+/).filter((s) => s !== ''));
  return out;
}

export function join(l: PsValue, separator: PsValue): string {
  const items = Array.isArray(l) ? l : [l];
  return items.map((e) => toStringPs(e, ' ', true)).join(toStringPs(separator));
}

export function format(ctx: OperatorContext, l: PsValue, r: PsValue): string {
  const args = Array.isArray(r) ? r : [r];
  const result = compositeFormat(toStringPs(l), args);
  if (result instanceof ConversionFailure) fail(ctx, `Error formatting a string: ${result.message}.`, 'FormatError', 'InvalidOperation', 'System.FormatException');
  return result;
}

export function range(ctx: OperatorContext, l: PsValue, r: PsValue): PsValue[] {
  const from = Math.trunc(num(ctx, l));
  const to = Math.trunc(num(ctx, r));
  if (Math.abs(to - from) + 1 > MAX_RANGE_ARRAY) fail(ctx, 'Array dimensions exceeded supported range.', 'System.OutOfMemoryException', 'NotSpecified');
  const out: number[] = [];
  if (from <= to) for (let i = from; i <= to; i++) out.push(i);
  else for (let i = from; i >= to; i--) out.push(i);
  return out;
}

// ---- types ---------------------------------------------------------------------------------

/** The type on the right of -is / -as: a type literal or a type's name. */
export function typeOperand(ctx: OperatorContext, op: 'is' | 'as', v: PsValue): PsType {
  const name = v instanceof PsTypeLiteral ? v.fullName : typeof v === 'string' ? v : undefined;
  if (name === undefined) {
    fail(ctx, op === 'is' ? "The right operand of '-is' must be a type." : "The right operand of '-as' must be a type.", op === 'is' ? 'IsOperatorRequiresType' : 'AsOperatorRequiresType', 'InvalidOperation');
  }
  const type = ctx.types.resolve(name);
  if (!type) fail(ctx, `Unable to find type [${name}].`, 'TypeNotFound', 'InvalidOperation');
  return type;
}

/** Whether a value is an instance of a type (what -is answers). */
export function isInstance(v: PsValue, type: PsType): boolean {
  const name = type.fullName;
  if (v === null) return false;
  if (name === 'System.Object' || name === 'System.Management.Automation.PSObject') return true;
  if (type.element || name === 'System.Array') return Array.isArray(v);
  const actual = typeNameOf(v);
  if (actual === name) return true;
  if (name === 'System.ValueType') return typeof v === 'number' || typeof v === 'boolean' || v instanceof PsEnum || v instanceof PsDateTime || v instanceof PsSwitch;
  if (name === 'System.Management.Automation.PSCustomObject') return v instanceof PsObject && v.isCustom;
  if (name === 'System.Collections.IDictionary' || name === 'System.Collections.Hashtable') return v instanceof PsHashtable && (name !== 'System.Collections.Hashtable' || !v.ordered);
  if (name === 'System.Int64' || name === 'System.Double') return typeof v === 'number' && actual !== 'System.Int32' ? true : false;
  if (v instanceof PsObject) return v.typeNames.some((t) => t.toLowerCase() === name.toLowerCase());
  if (v instanceof PsSecureString || v instanceof PsErrorRecord || v instanceof PsScriptBlock) return actual === name;
  return false;
}

export function asType(ctx: OperatorContext, v: PsValue, type: PsType): PsValue {
  const c = convertTo(v, type, { ofs: ctx.ofs });
  return c instanceof ConversionFailure ? null : c;
}
