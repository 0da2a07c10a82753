/**
 * PowerShell's conversions (LanguagePrimitives): truth, text, numbers, and casts
 * to a type, with the error texts of ExtendedTypeSystem.resx when a value
 * cannot be converted.
 */
import { parseNumberText } from '../language/numbers';
import { INTEGER_RANGES, isIntegerType, type PsType } from './types';
import {
  PsDateTime,
  PsEnum,
  PsErrorRecord,
  PsHashtable,
  PsObject,
  PsScriptBlock,
  PsSecureString,
  PsSwitch,
  PsTypeLiteral,
  PSCUSTOMOBJECT_TYPES,
  type PsValue,
  typeNameOf,
} from './values';

/** A value that could not be converted: `message` is PowerShell's full text; the caller decides the record. */
export class ConversionFailure {
  constructor(
    readonly message: string,
    readonly errorId: string,
    /** The text after `Error: "` for messages that wrap an inner one. */
    readonly inner?: string,
  ) {}
}

/** LanguagePrimitives.IsTrue. */
export function isTrue(v: PsValue): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length === 0 ? false : v.length === 1 ? isTrue(v[0]) : true;
  if (v instanceof PsSwitch) return v.isPresent;
  return true;
}

/** .NET Framework's double.ToString() ("G15"): 15 significant digits, E notation outside 1E-05..1E+15. */
export function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Number.isSafeInteger(n)) return String(n);
  const [mantissa, expText] = Math.abs(n).toExponential(14).split('e');
  let digits = mantissa.replace('.', '').replace(/0+$/, '');
  let exp = Number(expText);
  if (digits === '') {
    digits = '0';
    exp = 0;
  }
  const sign = n < 0 ? '-' : '';
  if (exp >= 15 || exp < -5) {
    const rest = digits.slice(1);
    return `${sign}${digits[0]}${rest ? `.${rest}` : ''}E${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp >= 0) {
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    return `${sign}${int}${frac ? `.${frac}` : ''}`;
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** The text of a number as PowerShell prints it. */
export function numberText(n: number): string {
  return formatDouble(n);
}

/** DateTime as PowerShell converts it to a string (invariant culture): 12/07/2026 17:19:04. */
export function invariantDateText(d: PsDateTime): string {
  const f = dateFields(d);
  const p = (x: number): string => String(x).padStart(2, '0');
  return `${p(f.month)}/${p(f.day)}/${f.year} ${p(f.hour)}:${p(f.minute)}:${p(f.second)}`;
}

/** A DateTime's calendar fields: UTC ones for a Utc value, local ones otherwise. */
export function dateFields(d: PsDateTime): { year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number; weekday: number } {
  const t = d.date;
  return d.kind === 'Utc'
    ? { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(), hour: t.getUTCHours(), minute: t.getUTCMinutes(), second: t.getUTCSeconds(), ms: t.getUTCMilliseconds(), weekday: t.getUTCDay() }
    : { year: t.getFullYear(), month: t.getMonth() + 1, day: t.getDate(), hour: t.getHours(), minute: t.getMinutes(), second: t.getSeconds(), ms: t.getMilliseconds(), weekday: t.getDay() };
}

/** The string PowerShell makes of a value ("$x", [string]$x, `+` on strings). Arrays join with `ofs` ($OFS, default a space). */
export function toStringPs(v: PsValue, ofs = ' ', nested = false): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return numberText(v);
  if (Array.isArray(v)) return nested ? 'System.Object[]' : v.map((e) => toStringPs(e, ofs, true)).join(ofs);
  if (v instanceof PsObject) {
    if (v.text !== undefined) return v.text;
    if (v.isCustom) return `@{${v.properties.map((p) => `${p.name}=${toStringPs(p.value, ofs, true)}`).join('; ')}}`;
    return v.typeNames[0] ?? 'System.Object';
  }
  if (v instanceof PsHashtable) return typeNameOf(v);
  if (v instanceof PsEnum) return v.name;
  if (v instanceof PsScriptBlock) return v.text;
  if (v instanceof PsSecureString) return 'System.Security.SecureString';
  if (v instanceof PsDateTime) return invariantDateText(v);
  if (v instanceof PsTypeLiteral) return v.written.toLowerCase() === v.fullName.toLowerCase() ? v.fullName : v.written;
  if (v instanceof PsErrorRecord) return v.message;
  return v.isPresent ? 'True' : 'False';
}

/** How a value appears in a conversion error ("Cannot convert value "<this>" …"). */
function shownValue(v: PsValue): string {
  return Array.isArray(v) ? 'System.Object[]' : toStringPs(v);
}

const INPUT_FORMAT = 'Input string was not in a correct format.';

/** A string as a number for arithmetic, or a failure naming the type it was converted to. */
export function toNumber(v: PsValue, targetType = 'System.Int32'): number | ConversionFailure {
  if (v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = parseNumberText(v);
    if (n !== undefined) return n;
    return new ConversionFailure(
      `Cannot convert value "${v}" to type "${targetType}". Error: "${INPUT_FORMAT}"`,
      targetType === 'System.Double' ? 'InvalidCastFromStringToDoubleOrSingle' : 'InvalidCastFromStringToInteger',
      INPUT_FORMAT,
    );
  }
  if (v instanceof PsEnum) return v.value;
  if (v instanceof PsSwitch) return v.isPresent ? 1 : 0;
  if (Array.isArray(v) && v.length === 1) return toNumber(v[0], targetType);
  return invalidCast(v, targetType);
}

function invalidCast(v: PsValue, targetType: string): ConversionFailure {
  return new ConversionFailure(`Cannot convert the "${shownValue(v)}" value of type "${typeNameOf(v)}" to type "${targetType}".`, 'ConvertToFinalInvalidCastException');
}

/** Rounds to even, as .NET's Convert.ToInt32(double) does ([int]2.5 is 2, [int]3.5 is 4). */
export function roundHalfEven(n: number): number {
  const f = Math.floor(n);
  const diff = n - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export interface ConversionContext {
  /** $OFS for array → string. */
  readonly ofs?: string;
}

/**
 * Converts `v` to `type` as a cast does. Returns the converted value or a ConversionFailure
 * (the caller turns it into a RuntimeException or a ParameterBindingException).
 */
export function convertTo(v: PsValue, type: PsType, context: ConversionContext = {}): PsValue | ConversionFailure {
  const name = type.fullName;
  if (type.element) {
    if (v === null) return null;
    const items = Array.isArray(v) ? v : [v];
    const out: PsValue[] = [];
    for (const item of items) {
      const c = convertTo(item, type.element, context);
      if (c instanceof ConversionFailure) return c;
      out.push(c);
    }
    return out;
  }
  if (type.enum) return convertToEnum(v, type);
  if (isIntegerType(name)) return convertToInteger(v, name);
  switch (name) {
    case 'System.Object':
    case 'System.Management.Automation.PSObject':
      if (name === 'System.Management.Automation.PSObject' && v instanceof PsHashtable) return hashtableToCustomObject(v);
      return v;
    case 'System.String':
      return v === null ? '' : toStringPs(v, context.ofs ?? ' ');
    case 'System.Boolean':
      return isTrue(v);
    case 'System.Double':
    case 'System.Single':
    case 'System.Decimal': {
      if (v instanceof PsDateTime || v instanceof PsObject || v instanceof PsHashtable) return invalidCast(v, name);
      const n = toNumber(v, name);
      return n;
    }
    case 'System.Char': {
      if (typeof v === 'string') {
        if (v.length === 1) return v;
        return new ConversionFailure(`Cannot convert value "${v}" to type "System.Char". Error: "String must be exactly one character long."`, 'InvalidCastParseTargetInvocation');
      }
      if (typeof v === 'number') return String.fromCharCode(v);
      return invalidCast(v, name);
    }
    case 'System.Array':
      return v === null ? null : Array.isArray(v) ? v : [v];
    case 'System.Collections.Hashtable':
      if (v instanceof PsHashtable) return v;
      return invalidCast(v, name);
    case 'System.Management.Automation.SwitchParameter':
      return new PsSwitch(isTrue(v));
    case 'System.Management.Automation.ScriptBlock':
      if (v instanceof PsScriptBlock) return v;
      return invalidCast(v, name);
    case 'System.Security.SecureString':
      if (v instanceof PsSecureString) return v;
      // A password must not reach an error message: the value is not shown.
      return new ConversionFailure(`Cannot convert the value of type "${typeNameOf(v)}" to type "System.Security.SecureString".`, 'ConvertToFinalInvalidCastException');
    case 'System.Management.Automation.PSCredential':
      if (v instanceof PsObject && v.typeNames[0] === 'System.Management.Automation.PSCredential') return v;
      return invalidCast(v, name);
    case 'System.DateTime':
      return convertToDate(v);
    case 'System.Version':
      return convertToVersion(v);
    case 'System.Void':
      return null;
    case 'System.Management.Automation.ErrorRecord':
      if (v instanceof PsErrorRecord) return v;
      return invalidCast(v, name);
    case 'System.Collections.ArrayList':
    case 'System.Collections.Generic.List`1[[System.Object]]':
    case 'System.Collections.Generic.List`1[[System.String]]':
    case 'System.Collections.Generic.List`1[[System.Management.Automation.PSObject]]':
    case 'System.Collections.Generic.List`1[[System.Int32]]':
      return v === null ? [] : Array.isArray(v) ? [...v] : [v];
    default:
      if (v instanceof PsObject && v.typeNames.some((t) => t.toLowerCase() === name.toLowerCase())) return v;
      return invalidCast(v, name);
  }
}

function convertToInteger(v: PsValue, name: string): PsValue | ConversionFailure {
  const [min, max, article] = INTEGER_RANGES[name];
  let n: number;
  if (typeof v === 'string') {
    const parsed = parseNumberText(v);
    if (parsed === undefined) {
      return new ConversionFailure(`Cannot convert value "${v}" to type "${name}". Error: "${INPUT_FORMAT}"`, 'InvalidCastFromStringToInteger', INPUT_FORMAT);
    }
    n = parsed;
  } else {
    const r = toNumber(v, name);
    if (r instanceof ConversionFailure) return invalidCast(v, name);
    n = r;
  }
  const rounded = roundHalfEven(n);
  if (rounded < min || rounded > max || Number.isNaN(rounded)) {
    const inner = `Value was either too large or too small for ${article}.`;
    return new ConversionFailure(`Cannot convert value "${shownValue(v)}" to type "${name}". Error: "${inner}"`, 'InvalidCastIConvertible', inner);
  }
  return rounded;
}

function convertToEnum(v: PsValue, type: PsType): PsValue | ConversionFailure {
  const values = type.enum?.values ?? [];
  if (v instanceof PsEnum && v.typeName === type.fullName) return v;
  if (typeof v === 'number') {
    const match = values.find(([, value]) => value === v);
    if (match) return new PsEnum(type.fullName, match[0], match[1]);
  }
  const text = typeof v === 'string' ? v.trim() : toStringPs(v);
  // A comma list combines flags; the subset's enums are not flags, so one name must match.
  const match = values.find(([n]) => n.toLowerCase() === text.toLowerCase());
  if (match) return new PsEnum(type.fullName, match[0], match[1]);
  const inner = `Unable to match the identifier name ${text} to a valid enumerator name. Specify one of the following enumerator names and try again:\n${values.map(([n]) => n).join(', ')}`;
  return new ConversionFailure(`Cannot convert value "${text}" to type "${type.fullName}". Error: "${inner}"`, 'RuntimeException', inner);
}

function convertToDate(v: PsValue): PsValue | ConversionFailure {
  if (v instanceof PsDateTime) return v;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return new PsDateTime(new Date(ms), /Z$|[+-]\d\d:\d\d$/.test(v) ? 'Local' : 'Unspecified');
    const inner = 'String was not recognized as a valid DateTime.';
    return new ConversionFailure(`Cannot convert value "${v}" to type "System.DateTime". Error: "${inner}"`, 'InvalidCastParseTargetInvocation', inner);
  }
  return invalidCast(v, 'System.DateTime');
}

/** A System.Version object: Major.Minor[.Build[.Revision]]. */
export function makeVersion(text: string): PsObject | undefined {
  const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(text);
  if (!m) return undefined;
  const part = (s: string | undefined): number => (s === undefined ? -1 : Number(s));
  return new PsObject(
    ['System.Version', 'System.Object'],
    [
      ['Major', Number(m[1])],
      ['Minor', Number(m[2])],
      ['Build', part(m[3])],
      ['Revision', part(m[4])],
    ],
    { text: text.trim() },
  );
}

function convertToVersion(v: PsValue): PsValue | ConversionFailure {
  if (v instanceof PsObject && v.typeNames[0] === 'System.Version') return v;
  const text = toStringPs(v);
  const version = makeVersion(text);
  if (version) return version;
  const inner = 'Version string portion was too short or too long.';
  return new ConversionFailure(`Cannot convert value "${text}" to type "System.Version". Error: "${inner}"`, 'InvalidCastParseTargetInvocation', inner);
}

/** [pscustomobject]@{…}: properties in the hashtable's order. */
export function hashtableToCustomObject(h: PsHashtable): PsObject {
  return new PsObject(
    PSCUSTOMOBJECT_TYPES,
    h.entries().map((e) => [toStringPs(e.key), e.value] as const),
  );
}
