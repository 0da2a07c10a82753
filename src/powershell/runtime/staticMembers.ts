/**
 * Static members: `[type]::Member` and `[type]::Method(...)` for the types scripts
 * use with remoting (Math, String, DateTime, Environment, Convert, Text.Encoding,
 * Guid, Regex, IO.Path), enum values, and `[T]::new(...)`.
 */
import { randomUUID } from 'node:crypto';
import type { PsMachine } from './commands';
import { ConversionFailure, isTrue, roundHalfEven, toNumber, toStringPs } from './conversions';
import { compositeFormat } from './compositeFormat';
import { runtimeError } from './errors';
import { methodException, overloadNotFound, type MethodContext } from './methods';
import { construct } from './objects';
import { dotNetRegex } from './operators';
import type { PsType } from './types';
import { PsDateTime, PsEnum, PsObject, PsTypeLiteral, type PsValue } from './values';

export interface StaticContext extends MethodContext {
  readonly machine: PsMachine;
  /** [scriptblock]::Create(text): parses it; a parse error is thrown as its ErrorRecord. */
  createScriptBlock(text: string): PsValue;
  getEnv(name: string): string | undefined;
  setEnv(name: string, value: string | undefined): void;
}

const INT_LIMITS: Readonly<Record<string, readonly [number, number]>> = {
  'System.Int32': [-2147483648, 2147483647],
  'System.Int64': [-(2 ** 63), 2 ** 63 - 1],
  'System.UInt16': [0, 65535],
  'System.UInt32': [0, 4294967295],
  'System.Byte': [0, 255],
  'System.Int16': [-32768, 32767],
};

function encoding(name: string): PsObject {
  const type = name === 'unicode' ? 'System.Text.UnicodeEncoding' : name === 'ascii' ? 'System.Text.ASCIIEncoding' : 'System.Text.UTF8Encoding';
  return new PsObject([type, 'System.Text.Encoding', 'System.Object'], [['EncodingName', name === 'unicode' ? 'Unicode' : name === 'ascii' ? 'US-ASCII' : 'Unicode (UTF-8)']], { text: type });
}

/** The machine's clock: a harness's virtual one, or the real one. */
export function machineNow(machine: PsMachine): Date {
  return machine.time?.now() ?? new Date();
}

function guid(machine: PsMachine): PsObject {
  const text = machine.time?.newGuid() ?? randomUUID();
  return new PsObject(['System.Guid', 'System.ValueType', 'System.Object'], [['Guid', text]], { text });
}

/** `[type]::Name`; undefined when the type has no such static property. */
export function staticProperty(ctx: StaticContext, type: PsType, name: string): PsValue | undefined {
  const lower = name.toLowerCase();
  if (type.enum) {
    const v = type.enum.values.find(([n]) => n.toLowerCase() === lower);
    return v ? new PsEnum(type.fullName, v[0], v[1]) : undefined;
  }
  const limits = INT_LIMITS[type.fullName];
  if (limits && (lower === 'maxvalue' || lower === 'minvalue')) return lower === 'maxvalue' ? limits[1] : limits[0];
  switch (`${type.fullName.toLowerCase()}::${lower}`) {
    case 'system.double::maxvalue':
      return Number.MAX_VALUE;
    case 'system.double::minvalue':
      return -Number.MAX_VALUE;
    case 'system.string::empty':
      return '';
    case 'system.math::pi':
      return Math.PI;
    case 'system.math::e':
      return Math.E;
    case 'system.datetime::now':
      return new PsDateTime(machineNow(ctx.machine), 'Local');
    case 'system.datetime::utcnow':
      return new PsDateTime(machineNow(ctx.machine), 'Utc');
    case 'system.datetime::today': {
      const d = machineNow(ctx.machine);
      d.setHours(0, 0, 0, 0);
      return new PsDateTime(d, 'Local');
    }
    case 'system.environment::machinename':
      return ctx.machine.computerName;
    case 'system.environment::username':
      return ctx.machine.userName;
    case 'system.environment::userdomainname':
      return ctx.machine.userDomain;
    case 'system.environment::newline':
      return '\r\n';
    case 'system.environment::is64bitoperatingsystem':
    case 'system.environment::is64bitprocess':
      return true;
    case 'system.environment::processorcount':
      return 2;
    case 'system.environment::osversion':
      return new PsObject(['System.OperatingSystem', 'System.Object'], [['Platform', new PsEnum('System.PlatformID', 'Win32NT', 2)], ['VersionString', 'Microsoft Windows NT 10.0.20348.0']], { text: 'Microsoft Windows NT 10.0.20348.0' });
    case 'system.console::outputencoding':
    case 'system.console::inputencoding':
      return encoding('utf8');
    case 'system.text.encoding::utf8':
      return encoding('utf8');
    case 'system.text.encoding::unicode':
      return encoding('unicode');
    case 'system.text.encoding::ascii':
      return encoding('ascii');
    case 'system.text.encoding::default':
      return encoding('ascii');
    case 'system.guid::empty':
      return new PsObject(['System.Guid', 'System.ValueType', 'System.Object'], [['Guid', '00000000-0000-0000-0000-000000000000']], { text: '00000000-0000-0000-0000-000000000000' });
    case 'system.io.path::directoryseparatorchar':
      return '\\';
    default:
      return undefined;
  }
}

function pathCombine(parts: readonly string[]): string {
  let out = '';
  for (const p of parts) {
    if (p === '') continue;
    if (/^[A-Za-z]:|^\\/.test(p)) out = p;
    else out = out === '' || out.endsWith('\\') ? out + p : `${out}\\${p}`;
  }
  return out;
}

/**
 * `[type]::Name = value` for the static properties scripts set on a console host
 * ([Console]::OutputEncoding); the engine has no console, so the value is accepted and not kept.
 */
export function setStaticProperty(type: PsType, name: string): boolean {
  return type.fullName === 'System.Console' && /^(output|input)encoding$/i.test(name);
}

/** `[type]::Method(args)`. */
export async function invokeStatic(ctx: StaticContext, type: PsType, name: string, args: readonly PsValue[]): Promise<PsValue> {
  const lower = name.toLowerCase();
  const argc = args.length;
  const n = (i: number): number => {
    const v = toNumber(args[i] ?? null);
    if (v instanceof ConversionFailure) throw runtimeError({ message: v.message, errorId: 'MethodArgumentConversionInvalidCastArgument', category: 'NotSpecified', at: ctx.at });
    return v;
  };
  const s = (i: number): string => toStringPs(args[i] ?? null);
  if (lower === 'new') {
    const made = construct(type.fullName, args);
    if (made !== null && typeof made === 'object' && 'kind' in made && !(made instanceof PsObject)) {
      if (made.kind === 'argument') throw runtimeError({ message: made.message, errorId: 'MethodArgumentConversionInvalidCastArgument', category: 'NotSpecified', exceptionType: 'System.Management.Automation.MethodException', at: ctx.at });
      overloadNotFound(ctx, 'new', argc);
    }
    return made as PsValue;
  }
  switch (`${type.fullName.toLowerCase()}::${lower}`) {
    case 'system.math::round': {
      const digits = argc > 1 ? n(1) : 0;
      const f = 10 ** digits;
      return roundHalfEven(n(0) * f) / f;
    }
    case 'system.math::floor':
      return Math.floor(n(0));
    case 'system.math::ceiling':
      return Math.ceil(n(0));
    case 'system.math::truncate':
      return Math.trunc(n(0));
    case 'system.math::abs':
      return Math.abs(n(0));
    case 'system.math::max':
      return Math.max(n(0), n(1));
    case 'system.math::min':
      return Math.min(n(0), n(1));
    case 'system.math::pow':
      return n(0) ** n(1);
    case 'system.math::sqrt':
      return Math.sqrt(n(0));
    case 'system.string::isnullorempty':
      return args[0] === null || args[0] === undefined || s(0) === '';
    case 'system.string::isnullorwhitespace':
      return args[0] === null || args[0] === undefined || s(0).trim() === '';
    case 'system.string::join': {
      const items = argc === 2 && Array.isArray(args[1]) ? args[1] : args.slice(1);
      return items.map((i) => toStringPs(i)).join(s(0));
    }
    case 'system.string::concat':
      return args.map((a) => toStringPs(a)).join('');
    case 'system.string::format': {
      const rest = argc === 2 && Array.isArray(args[1]) ? args[1] : args.slice(1);
      const r = compositeFormat(s(0), rest);
      if (r instanceof ConversionFailure) methodException(ctx, 'Format', argc, r.message, 'System.FormatException');
      return r;
    }
    case 'system.datetime::parse': {
      const ms = Date.parse(s(0));
      if (Number.isNaN(ms)) methodException(ctx, 'Parse', argc, 'String was not recognized as a valid DateTime.', 'System.FormatException');
      return new PsDateTime(new Date(ms), 'Unspecified');
    }
    case 'system.environment::getenvironmentvariable':
      return ctx.getEnv(s(0)) ?? null;
    case 'system.environment::setenvironmentvariable':
      ctx.setEnv(s(0), args[1] === null ? undefined : s(1));
      return null;
    case 'system.environment::expandenvironmentvariables':
      return s(0).replace(/%([^%]+)%/g, (m, v: string) => ctx.getEnv(v) ?? m);
    case 'system.convert::toint32':
    case 'system.convert::toint64':
      return argc > 1 ? parseInt(s(0), n(1)) : Math.trunc(roundHalfEven(n(0)));
    case 'system.convert::tostring':
      return argc > 1 ? Math.trunc(n(0)).toString(n(1)) : s(0);
    case 'system.convert::toboolean':
      return typeof args[0] === 'string' ? /^\s*true\s*$/i.test(s(0)) : isTrue(args[0] ?? null);
    case 'system.convert::tobase64string':
      return Buffer.from(Array.isArray(args[0]) ? args[0].map((b) => Number(b) & 255) : []).toString('base64');
    case 'system.convert::frombase64string': {
      const text = s(0).replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
        methodException(ctx, 'FromBase64String', argc, 'The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters. ', 'System.FormatException');
      }
      return [...Buffer.from(text, 'base64')];
    }
    case 'system.guid::newguid':
      return guid(ctx.machine);
    case 'system.text.regularexpressions.regex::escape':
      return s(0).replace(/[\\*+?|{[()^$.#\s]/g, (c) => (c === ' ' ? '\\ ' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : `\\${c}`));
    case 'system.text.regularexpressions.regex::ismatch':
      return dotNetRegex(ctx, s(1), true).test(s(0));
    case 'system.text.regularexpressions.regex::replace':
      return s(0).replace(dotNetRegex(ctx, s(1), true, true), s(2));
    case 'system.text.regularexpressions.regex::split':
      return s(0).split(dotNetRegex(ctx, s(1), true, true));
    case 'system.io.path::combine':
      return pathCombine(args.flatMap((a) => (Array.isArray(a) ? a.map((x) => toStringPs(x)) : [toStringPs(a)])));
    case 'system.io.path::getfilename':
      return s(0).slice(s(0).lastIndexOf('\\') + 1);
    case 'system.io.path::getdirectoryname': {
      const i = s(0).lastIndexOf('\\');
      return i < 0 ? '' : s(0).slice(0, i);
    }
    case 'system.io.path::getextension': {
      const file = s(0).slice(s(0).lastIndexOf('\\') + 1);
      const i = file.lastIndexOf('.');
      return i < 0 ? '' : file.slice(i);
    }
    case 'system.io.path::getfilenamewithoutextension': {
      const file = s(0).slice(s(0).lastIndexOf('\\') + 1);
      const i = file.lastIndexOf('.');
      return i < 0 ? file : file.slice(0, i);
    }
    case 'system.array::indexof':
      return Array.isArray(args[0]) ? args[0].findIndex((e) => toStringPs(e) === s(1)) : -1;
    case 'system.array::reverse':
      if (Array.isArray(args[0])) args[0].reverse();
      return null;
    case 'system.management.automation.scriptblock::create':
      return ctx.createScriptBlock(s(0));
    case 'system.enum::getnames':
    case 'system.enum::getvalues': {
      const t = args[0] instanceof PsTypeLiteral ? ctx.types.resolve(args[0].fullName) : undefined;
      return (t?.enum?.values ?? []).map(([nm, v]) => (lower === 'getnames' ? nm : new PsEnum(t?.fullName ?? '', nm, v)));
    }
  }
  throw runtimeError({ message: `Method invocation failed because [${type.fullName}] does not contain a method named '${name}'.`, errorId: 'MethodNotFound', category: 'InvalidOperation', at: ctx.at });
}
