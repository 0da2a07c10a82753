/**
 * Instance methods a script may call: the String methods scripts use, arrays and
 * lists (Add, Contains, the Where/ForEach methods), hashtables, dates, numbers,
 * credentials and encodings. A method the engine does not model is PowerShell's
 * MethodNotFound; a .NET exception inside one is "Exception calling …".
 */
import { cloneHashtable, dictionaryEntry, listKind } from './collections';
import { formatValue } from './compositeFormat';
import { ConversionFailure, isTrue, toNumber, toStringPs } from './conversions';
import { formatDate } from './dateFormat';
import { runtimeError } from './errors';
import { getProperty, typeOf } from './members';
import { valuesEqual, type OperatorContext } from './operators';
import { PsDateTime, PsEnum, PsErrorRecord, PsHashtable, PsObject, PsScriptBlock, PsSecureString, type PsValue, typeNameOf } from './values';

/** Marks a method that returns void: the call produces no output. */
export const VOID: unique symbol = Symbol('void');
type MethodResult = PsValue | typeof VOID | undefined;

/** Objects whose methods the engine implements itself ($PSCmdlet): name and arguments → result, or undefined. */
export const objectBehaviors = new WeakMap<PsObject, (name: string, args: readonly PsValue[]) => Promise<MethodResult>>();

export interface MethodContext extends OperatorContext {
  invokeScriptBlock(block: PsScriptBlock, dollarUnder: PsValue | undefined, args: readonly PsValue[]): Promise<PsValue[]>;
}

/** "Exception calling "M" with "N" argument(s): "…"" (MethodInvocationException). */
export function methodException(ctx: OperatorContext, method: string, argc: number, message: string, exceptionType: string): never {
  const short = exceptionType.slice(exceptionType.lastIndexOf('.') + 1);
  throw runtimeError({
    message: `Exception calling "${method}" with "${argc}" argument(s): "${message}"`,
    errorId: short,
    category: 'NotSpecified',
    exceptionType: 'System.Management.Automation.MethodInvocationException',
    innerExceptionType: exceptionType,
    at: ctx.at,
  });
}

export function overloadNotFound(ctx: OperatorContext, method: string, argc: number): never {
  throw runtimeError({
    message: `Cannot find an overload for "${method}" and the argument count: "${argc}".`,
    errorId: 'MethodCountCouldNotFindBest',
    category: 'NotSpecified',
    exceptionType: 'System.Management.Automation.MethodException',
    at: ctx.at,
  });
}

export function methodNotFound(ctx: OperatorContext, target: PsValue, method: string): never {
  throw runtimeError({ message: `Method invocation failed because [${typeNameOf(target)}] does not contain a method named '${method}'.`, errorId: 'MethodNotFound', category: 'InvalidOperation', at: ctx.at });
}

function intArg(ctx: OperatorContext, method: string, args: readonly PsValue[], i: number): number {
  const n = toNumber(args[i] ?? null);
  if (n instanceof ConversionFailure) {
    throw runtimeError({
      message: `Cannot convert argument "${i === 0 ? 'startIndex' : 'length'}", with value: "${toStringPs(args[i] ?? null)}", for "${method}" to type "System.Int32": "${n.message}"`,
      errorId: 'MethodArgumentConversionInvalidCastArgument',
      category: 'NotSpecified',
      exceptionType: 'System.Management.Automation.MethodException',
      at: ctx.at,
    });
  }
  return Math.trunc(n);
}

/** Characters of a separator argument: a string is its characters (String.Split(params char[])). */
function charSet(v: PsValue): string[] {
  if (Array.isArray(v)) return v.flatMap((e) => [...toStringPs(e)]);
  return [...toStringPs(v)];
}

const WHITESPACE = [' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u0085', '\u2028', '\u2029'];

function trimChars(s: string, chars: readonly string[], start: boolean, end: boolean): string {
  let a = 0;
  let b = s.length;
  if (start) while (a < b && chars.includes(s[a])) a++;
  if (end) while (b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

function ignoresCase(v: PsValue | undefined): boolean {
  return v !== undefined && /ignorecase/i.test(toStringPs(v));
}

function stringMethod(ctx: OperatorContext, s: string, name: string, args: readonly PsValue[]): PsValue | undefined {
  const argc = args.length;
  const str = (i: number): string => toStringPs(args[i] ?? null);
  switch (name) {
    case 'toupper':
    case 'toupperinvariant':
      return s.toUpperCase();
    case 'tolower':
    case 'tolowerinvariant':
      return s.toLowerCase();
    case 'trim':
    case 'trimstart':
    case 'trimend': {
      const chars = argc === 0 ? WHITESPACE : charSet(args.length === 1 ? args[0] : [...args]);
      return trimChars(s, chars, name !== 'trimend', name !== 'trimstart');
    }
    case 'split': {
      let separators = argc === 0 ? WHITESPACE : charSet(args[0]);
      if (separators.length === 0) separators = WHITESPACE;
      let max = Infinity;
      let removeEmpty = false;
      for (const a of args.slice(1)) {
        if (typeof a === 'number') max = a;
        else if (/removeemptyentries/i.test(toStringPs(a)) || (a instanceof PsEnum && a.value === 1)) removeEmpty = true;
      }
      const parts: string[] = [];
      let current = '';
      for (let i = 0; i < s.length; i++) {
        if (parts.length === max - 1) {
          current += s.slice(i);
          break;
        }
        if (separators.includes(s[i])) {
          if (!(removeEmpty && current === '')) parts.push(current);
          current = '';
        } else current += s[i];
      }
      if (!(removeEmpty && current === '')) parts.push(current);
      return parts;
    }
    case 'replace': {
      if (argc !== 2) overloadNotFound(ctx, 'Replace', argc);
      const old = str(0);
      if (old === '') methodException(ctx, 'Replace', 2, 'String cannot be of zero length.\nParameter name: oldValue', 'System.ArgumentException');
      return s.split(old).join(str(1));
    }
    case 'contains':
      if (argc !== 1) overloadNotFound(ctx, 'Contains', argc);
      return s.includes(str(0));
    case 'startswith':
    case 'endswith': {
      if (argc < 1 || argc > 2) overloadNotFound(ctx, name === 'startswith' ? 'StartsWith' : 'EndsWith', argc);
      const [a, b] = ignoresCase(args[1]) ? [s.toLowerCase(), str(0).toLowerCase()] : [s, str(0)];
      return name === 'startswith' ? a.startsWith(b) : a.endsWith(b);
    }
    case 'indexof':
    case 'lastindexof': {
      if (argc < 1) overloadNotFound(ctx, name === 'indexof' ? 'IndexOf' : 'LastIndexOf', argc);
      const needle = str(0);
      const from = argc > 1 && typeof args[1] === 'number' ? args[1] : undefined;
      if (ignoresCase(args[argc - 1])) return name === 'indexof' ? s.toLowerCase().indexOf(needle.toLowerCase(), from) : s.toLowerCase().lastIndexOf(needle.toLowerCase(), from);
      return name === 'indexof' ? s.indexOf(needle, from) : s.lastIndexOf(needle, from);
    }
    case 'substring': {
      if (argc < 1 || argc > 2) overloadNotFound(ctx, 'Substring', argc);
      const start = intArg(ctx, 'Substring', args, 0);
      if (start < 0 || start > s.length) methodException(ctx, 'Substring', argc, start < 0 ? 'StartIndex cannot be less than zero.\nParameter name: startIndex' : 'startIndex cannot be larger than length of string.\nParameter name: startIndex', 'System.ArgumentOutOfRangeException');
      if (argc === 1) return s.slice(start);
      const length = intArg(ctx, 'Substring', args, 1);
      if (length < 0 || start + length > s.length) methodException(ctx, 'Substring', argc, length < 0 ? 'Length cannot be less than zero.\nParameter name: length' : 'Index and length must refer to a location within the string.\nParameter name: length', 'System.ArgumentOutOfRangeException');
      return s.slice(start, start + length);
    }
    case 'padleft':
    case 'padright': {
      const width = intArg(ctx, name === 'padleft' ? 'PadLeft' : 'PadRight', args, 0);
      const fill = argc > 1 ? str(1)[0] ?? ' ' : ' ';
      return name === 'padleft' ? s.padStart(width, fill) : s.padEnd(width, fill);
    }
    case 'insert':
      return s.slice(0, intArg(ctx, 'Insert', args, 0)) + str(1) + s.slice(intArg(ctx, 'Insert', args, 0));
    case 'remove': {
      const start = intArg(ctx, 'Remove', args, 0);
      return argc > 1 ? s.slice(0, start) + s.slice(start + intArg(ctx, 'Remove', args, 1)) : s.slice(0, start);
    }
    case 'tochararray':
      return [...s];
    case 'equals':
      return ignoresCase(args[1]) ? s.toLowerCase() === str(0).toLowerCase() : s === str(0);
    case 'compareto':
      return Math.sign(s.localeCompare(str(0), 'en-US'));
    case 'tostring':
      return s;
    case 'clone':
      return s;
    case 'normalize':
      return s.normalize('NFC');
    default:
      return undefined;
  }
}

async function arrayMethod(ctx: MethodContext, a: PsValue[], name: string, args: readonly PsValue[]): Promise<MethodResult> {
  const kind = listKind(a);
  const fixedSize = (): never => methodException(ctx, name[0].toUpperCase() + name.slice(1), args.length, 'Collection was of a fixed size.', 'System.NotSupportedException');
  switch (name) {
    case 'add':
      if (!kind) fixedSize();
      a.push(args[0] ?? null);
      return kind === 'ArrayList' ? a.length - 1 : VOID;
    case 'addrange':
      if (!kind) fixedSize();
      a.push(...(Array.isArray(args[0]) ? args[0] : [args[0] ?? null]));
      return VOID;
    case 'remove': {
      if (!kind) fixedSize();
      const i = a.findIndex((e) => valuesEqual(e, args[0] ?? null, true));
      if (i >= 0) a.splice(i, 1);
      return kind === 'List' ? i >= 0 : VOID;
    }
    case 'removeat':
      if (!kind) fixedSize();
      a.splice(Math.trunc(toNumber(args[0] ?? null) as number), 1);
      return VOID;
    case 'insert':
      if (!kind) fixedSize();
      a.splice(Math.trunc(toNumber(args[0] ?? null) as number), 0, args[1] ?? null);
      return VOID;
    case 'clear':
      if (!kind) {
        a.fill(null);
        return VOID;
      }
      a.length = 0;
      return VOID;
    case 'contains':
      return a.some((e) => valuesEqual(e, args[0] ?? null, false));
    case 'indexof':
      return a.findIndex((e) => valuesEqual(e, args[0] ?? null, true));
    case 'toarray':
    case 'clone':
      return [...a];
    case 'where':
    case 'foreach': {
      const block = args[0];
      const out: PsValue[] = [];
      for (const item of a) {
        if (block instanceof PsScriptBlock) {
          const r = await ctx.invokeScriptBlock(block, item, []);
          if (name === 'where') {
            if (isTrue(r.length === 1 ? r[0] : r)) out.push(item);
          } else out.push(...r);
        } else if (name === 'foreach' && typeof block === 'string') {
          const v = getProperty(item, block);
          if (v !== undefined) out.push(v);
        } else overloadNotFound(ctx, name === 'where' ? 'Where' : 'ForEach', args.length);
      }
      return out;
    }
    case 'tostring':
      return typeNameOf(a);
    default:
      return undefined;
  }
}

function hashtableMethod(ctx: OperatorContext, h: PsHashtable, name: string, args: readonly PsValue[]): MethodResult {
  const key = args[0] ?? null;
  switch (name) {
    case 'containskey':
    case 'contains':
      return h.has(key);
    case 'containsvalue':
      return h.entries().some((e) => valuesEqual(e.value, key, false));
    case 'add':
      if (args.length !== 2) overloadNotFound(ctx, 'Add', args.length);
      if (h.has(key)) methodException(ctx, 'Add', 2, `Item has already been added. Key in dictionary: '${toStringPs(key)}'  Key being added: '${toStringPs(key)}'`, 'System.ArgumentException');
      h.set(key, args[1]);
      return VOID;
    case 'remove':
      h.delete(key);
      return VOID;
    case 'clear':
      for (const k of h.keys()) h.delete(k);
      return VOID;
    case 'getenumerator':
      return h.entries().map((e) => dictionaryEntry(e.key, e.value));
    case 'clone':
      return cloneHashtable(h);
    case 'tostring':
      return typeNameOf(h);
    default:
      return undefined;
  }
}

function dateMethod(d: PsDateTime, name: string, args: readonly PsValue[]): PsValue | undefined {
  const n = (): number => {
    const v = toNumber(args[0] ?? null);
    return v instanceof ConversionFailure ? 0 : v;
  };
  const shifted = (ms: number): PsDateTime => new PsDateTime(new Date(d.date.getTime() + ms), d.kind);
  switch (name) {
    case 'addmilliseconds':
      return shifted(n());
    case 'addseconds':
      return shifted(n() * 1000);
    case 'addminutes':
      return shifted(n() * 60000);
    case 'addhours':
      return shifted(n() * 3600000);
    case 'adddays':
      return shifted(n() * 86400000);
    case 'addmonths':
    case 'addyears': {
      const copy = new Date(d.date.getTime());
      const months = name === 'addmonths' ? n() : n() * 12;
      if (d.kind === 'Utc') copy.setUTCMonth(copy.getUTCMonth() + months);
      else copy.setMonth(copy.getMonth() + months);
      return new PsDateTime(copy, d.kind);
    }
    case 'touniversaltime':
      return new PsDateTime(d.date, 'Utc');
    case 'tolocaltime':
      return new PsDateTime(d.date, 'Local');
    case 'tostring':
      return formatDate(d, args.length ? toStringPs(args[0]) : 'G');
    case 'toshortdatestring':
      return formatDate(d, 'd');
    case 'tolongdatestring':
      return formatDate(d, 'D');
    case 'toshorttimestring':
      return formatDate(d, 't');
    case 'tolongtimestring':
      return formatDate(d, 'T');
    case 'compareto':
      return args[0] instanceof PsDateTime ? Math.sign(d.date.getTime() - args[0].date.getTime()) : 1;
    default:
      return undefined;
  }
}

function objectMethod(o: PsObject, name: string, args: readonly PsValue[]): PsValue | undefined {
  const type = o.typeNames[0] ?? '';
  if (type === 'System.Management.Automation.PSCredential' && name === 'getnetworkcredential') {
    const user = toStringPs(o.get('UserName') ?? null);
    const slash = user.indexOf('\\');
    const password = o.get('Password');
    return new PsObject(['System.Net.NetworkCredential', 'System.Object'], [
      ['UserName', slash >= 0 ? user.slice(slash + 1) : user],
      ['Password', password instanceof PsSecureString ? password.reveal() : ''],
      ['SecurePassword', password ?? null],
      ['Domain', slash >= 0 ? user.slice(0, slash) : ''],
    ]);
  }
  if (type.startsWith('System.Text.') && type.endsWith('Encoding')) {
    const encoding = type === 'System.Text.UnicodeEncoding' ? 'utf16le' : type === 'System.Text.ASCIIEncoding' ? 'ascii' : 'utf8';
    if (name === 'getstring') {
      const bytes = Array.isArray(args[0]) ? args[0].map((b) => Number(b) & 255) : [];
      return Buffer.from(bytes).toString(encoding);
    }
    if (name === 'getbytes') return [...Buffer.from(toStringPs(args[0] ?? null), encoding)];
  }
  if (name === 'tostring') return toStringPs(o);
  if (name === 'psobject') return o;
  return undefined;
}

/** Invokes `target.name(args)`; VOID for a method without a result. */
export async function invokeMethod(ctx: MethodContext, target: PsValue, name: string, args: readonly PsValue[]): Promise<PsValue | typeof VOID> {
  const lower = name.toLowerCase();
  if (target === null) throw runtimeError({ message: 'You cannot call a method on a null-valued expression.', errorId: 'InvokeMethodOnNull', category: 'InvalidOperation', at: ctx.at });
  if (lower === 'gettype' && args.length === 0) return typeOf(target, (n) => ctx.types.resolve(n));
  if (lower === 'gethashcode') return 0;
  let result: MethodResult;
  if (typeof target === 'string') result = stringMethod(ctx, target, lower, args);
  else if (Array.isArray(target)) result = await arrayMethod(ctx, target, lower, args);
  else if (target instanceof PsHashtable) result = hashtableMethod(ctx, target, lower, args);
  else if (target instanceof PsDateTime) result = dateMethod(target, lower, args);
  else if (target instanceof PsObject) result = (await objectBehaviors.get(target)?.(name, args)) ?? objectMethod(target, lower, args);
  else if (typeof target === 'number') {
    if (lower === 'tostring') result = args.length ? formatValue(target, toStringPs(args[0])) : toStringPs(target);
    else if (lower === 'compareto') result = Math.sign(target - (toNumber(args[0] ?? null) as number));
  } else if (target instanceof PsScriptBlock && (lower === 'invoke' || lower === 'invokereturnasis')) {
    const out = await ctx.invokeScriptBlock(target, undefined, args);
    result = lower === 'invoke' ? out : out.length === 1 ? out[0] : out;
  } else if (target instanceof PsEnum && lower === 'hasflag') {
    const flag = args[0] instanceof PsEnum ? args[0].value : Number(toNumber(args[0] ?? null));
    result = (target.value & flag) === flag;
  } else if (target instanceof PsSecureString && (lower === 'dispose' || lower === 'makereadonly')) result = VOID;
  else if (target instanceof PsSecureString && lower === 'copy') result = new PsSecureString(target.reveal());
  else if (target instanceof PsErrorRecord && lower === 'tostring') result = target.message;
  if (result === undefined && lower === 'tostring' && args.length === 0) result = toStringPs(target);
  if (result === undefined && lower === 'equals' && args.length === 1) result = valuesEqual(target, args[0], true);
  if (result === undefined && (lower === 'where' || lower === 'foreach')) result = await arrayMethod(ctx, [target], lower, args);
  if (result === undefined) methodNotFound(ctx, target, name);
  return result;
}
