/**
 * Properties of values: `$x.Name` on objects, hashtables (keys first, as
 * PowerShell does), strings, arrays (Count/Length, else member enumeration),
 * dates, error records and type literals; and assignment to them.
 */
import { positionMessage } from '../language/extent';
import { dateFields } from './conversions';
import { runtimeError, type ScriptPosition } from './errors';
import type { PsType } from './types';
import { PsDateTime, PsEnum, PsErrorRecord, PsHashtable, PsObject, PsScriptBlock, PsSecureString, PsSwitch, PsTypeLiteral, type PsValue, typeNameOf } from './values';

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The type literal GetType() returns for a value. */
export function typeOf(v: PsValue, resolve: (name: string) => PsType | undefined): PsTypeLiteral {
  const fullName = typeNameOf(v);
  return new PsTypeLiteral(resolve(fullName)?.display ?? fullName, fullName);
}

function lastSegment(name: string): string {
  const i = name.lastIndexOf('.');
  return i < 0 ? name : name.slice(i + 1);
}

/** $_.Exception: an object with the exception's type names and Message. */
export function exceptionObject(record: PsErrorRecord): PsObject {
  const type = record.init.exceptionType;
  return new PsObject(
    [type, 'System.Exception', 'System.Object'],
    [
      ['Message', record.init.message],
      ['ErrorRecord', record],
      ['InnerException', null],
      ['HResult', -2146233087],
    ],
    { text: `${type}: ${record.init.message}` },
  );
}

/** "ObjectNotFound: (fake:String) [], CommandNotFoundException": the pieces of CategoryInfo. */
export function categoryInfo(record: PsErrorRecord): { category: string; activity: string; reason: string; targetName: string; targetType: string } {
  const i = record.init;
  const target = i.targetObject;
  const targetName = i.targetName ?? (target === undefined || target === null ? '' : Array.isArray(target) ? 'System.Object[]' : target instanceof PsObject ? (target.text ?? target.typeNames[0] ?? '') : String(target instanceof PsEnum ? target.name : target instanceof PsErrorRecord ? target.message : typeof target === 'object' ? typeNameOf(target) : target));
  const targetType = i.targetType ?? (target === undefined || target === null ? '' : lastSegment(typeNameOf(target)));
  return {
    category: i.category,
    activity: i.activity ?? i.invocation?.commandName ?? '',
    reason: i.reason ?? lastSegment(i.exceptionType),
    targetName,
    targetType,
  };
}

function categoryInfoObject(record: PsErrorRecord): PsObject {
  const c = categoryInfo(record);
  return new PsObject(
    ['System.Management.Automation.ErrorCategoryInfo', 'System.Object'],
    [
      ['Category', c.category],
      ['Activity', c.activity],
      ['Reason', c.reason],
      ['TargetName', c.targetName],
      ['TargetType', c.targetType],
    ],
    { text: `${c.category}: (${c.targetName}:${c.targetType}) [${c.activity}], ${c.reason}` },
  );
}

function invocationInfoObject(record: PsErrorRecord): PsValue {
  const inv = record.init.invocation;
  if (!inv) return null;
  return new PsObject(
    ['System.Management.Automation.InvocationInfo', 'System.Object'],
    [
      ['MyCommand', inv.commandName ?? null],
      ['InvocationName', inv.commandName ?? null],
      ['ScriptLineNumber', inv.line],
      ['OffsetInLine', inv.column],
      ['Line', inv.lineText],
      ['ScriptName', inv.scriptName ?? ''],
      ['PositionMessage', inv.line > 0 ? positionMessage(inv) : ''],
    ],
  );
}

function errorRecordProperty(record: PsErrorRecord, name: string): PsValue | undefined {
  switch (name) {
    case 'exception':
      return exceptionObject(record);
    case 'categoryinfo':
      return categoryInfoObject(record);
    case 'fullyqualifiederrorid':
      return record.fullyQualifiedErrorId;
    case 'targetobject':
      return record.init.targetObject ?? null;
    case 'invocationinfo':
      return invocationInfoObject(record);
    case 'errordetails':
      return record.init.detailsMessage === undefined ? null : new PsObject(['System.Management.Automation.ErrorDetails', 'System.Object'], [['Message', record.init.detailsMessage]], { text: record.init.detailsMessage });
    case 'scriptstacktrace':
      return record.init.invocation ? `at <ScriptBlock>, <No file>: line ${record.init.invocation.line}` : '';
    default:
      return undefined;
  }
}

function dateProperty(d: PsDateTime, name: string): PsValue | undefined {
  const f = dateFields(d);
  switch (name) {
    case 'year':
      return f.year;
    case 'month':
      return f.month;
    case 'day':
      return f.day;
    case 'hour':
      return f.hour;
    case 'minute':
      return f.minute;
    case 'second':
      return f.second;
    case 'millisecond':
      return f.ms;
    case 'dayofweek':
      return new PsEnum('System.DayOfWeek', DAY_NAMES[f.weekday], f.weekday);
    case 'dayofyear': {
      const start = Date.UTC(f.year, 0, 1);
      return Math.floor((Date.UTC(f.year, f.month - 1, f.day) - start) / 86400000) + 1;
    }
    case 'kind':
      return new PsEnum('System.DateTimeKind', d.kind, d.kind === 'Unspecified' ? 0 : d.kind === 'Utc' ? 1 : 2);
    case 'ticks':
      return d.date.getTime() * 10000 + 621355968000000000;
    case 'date': {
      const day = new Date(d.date.getTime());
      if (d.kind === 'Utc') day.setUTCHours(0, 0, 0, 0);
      else day.setHours(0, 0, 0, 0);
      return new PsDateTime(day, d.kind);
    }
    default:
      return undefined;
  }
}

/**
 * `target.name`. Undefined when the value has no such member; the caller
 * decides whether that is $null (reading) or an error (strict places).
 */
export function getProperty(target: PsValue, name: string): PsValue | undefined {
  const lower = name.toLowerCase();
  if (target === null) return undefined;
  if (target instanceof PsObject) {
    const p = target.property(name);
    if (p) return p.value;
    if (lower === 'pstypenames') return [...target.typeNames];
    return undefined;
  }
  if (target instanceof PsHashtable) {
    if (target.has(name)) return target.get(name) as PsValue;
    if (lower === 'count') return target.size;
    if (lower === 'keys') return target.keys();
    if (lower === 'values') return target.entries().map((e) => e.value);
    return undefined;
  }
  if (typeof target === 'string') return lower === 'length' ? target.length : undefined;
  if (Array.isArray(target)) {
    if (lower === 'count' || lower === 'length' || lower === 'longlength') return target.length;
    if (lower === 'rank') return 1;
    // Member enumeration: the property of each element that has it.
    const values: PsValue[] = [];
    for (const e of target) {
      const v = getProperty(e, name);
      if (v === undefined) continue;
      if (Array.isArray(v)) values.push(...v);
      else values.push(v);
    }
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  }
  if (target instanceof PsErrorRecord) return errorRecordProperty(target, lower);
  if (target instanceof PsDateTime) return dateProperty(target, lower);
  if (target instanceof PsEnum) return lower === 'value__' ? target.value : undefined;
  if (target instanceof PsSwitch) return lower === 'ispresent' ? target.isPresent : undefined;
  if (target instanceof PsSecureString) return lower === 'length' ? target.length : undefined;
  if (target instanceof PsScriptBlock) return lower === 'ast' ? null : undefined;
  if (target instanceof PsTypeLiteral) {
    if (lower === 'fullname') return target.fullName;
    if (lower === 'name') return lastSegment(target.fullName);
    if (lower === 'namespace') return target.fullName.slice(0, Math.max(0, target.fullName.lastIndexOf('.')));
    return undefined;
  }
  if (typeof target === 'number' || typeof target === 'boolean') return undefined;
  return undefined;
}

/** `target.name = value`: an existing property of an object, or a hashtable key. */
export function setProperty(target: PsValue, name: string, value: PsValue, at: ScriptPosition | undefined): void {
  if (target instanceof PsHashtable) {
    target.set(name, value);
    return;
  }
  if (target instanceof PsObject && target.property(name)) {
    target.set(name, value);
    return;
  }
  throw runtimeError({
    message: `The property '${name}' cannot be found on this object. Verify that the property exists and can be set.`,
    errorId: 'PropertyNotFound',
    category: 'InvalidOperation',
    at,
  });
}
