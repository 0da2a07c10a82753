/**
 * Typed CIM values without XML: coercion from plain JavaScript values (what
 * providers write) to CimValue by a declared type, text forms of scalars, and
 * range checks. The XML side lives in valueCodec.ts.
 */
import { CimDateTime } from './datetime';
import type { CimInstance, CimReference, CimScalar, CimValue, CimValueType, ResolvedClass } from './types';

export class CimValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CimValueError';
  }
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  uint8: [0n, 255n],
  sint8: [-128n, 127n],
  uint16: [0n, 65535n],
  sint16: [-32768n, 32767n],
  uint32: [0n, 4294967295n],
  sint32: [-2147483648n, 2147483647n],
  uint64: [0n, 18446744073709551615n],
  sint64: [-9223372036854775808n, 9223372036854775807n],
};

/** The largest finite real32 (IEEE 754 binary32). */
const REAL32_MAX = 3.4028234663852886e38;

export function isIntegerType(t: CimValueType): boolean {
  return t in INT_RANGES;
}

export function is64BitType(t: CimValueType): boolean {
  return t === 'uint64' || t === 'sint64';
}

/** Parses the text form of a scalar of an intrinsic type (xs: lexical forms, DSP0230 §5.2). */
export function parseScalarText(type: CimValueType, raw: string): CimScalar {
  switch (type) {
    case 'string':
      return raw;
    case 'char16':
      if (raw.length !== 1) throw new CimValueError(`'${raw}' is not a single char16 character`);
      return raw;
    case 'boolean': {
      const t = raw.trim().toLowerCase();
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      throw new CimValueError(`'${raw}' is not a boolean`);
    }
    case 'real32':
    case 'real64': {
      const t = raw.trim();
      if (t === 'INF') return Infinity;
      if (t === '-INF') return -Infinity;
      if (t === 'NaN') return NaN;
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) throw new CimValueError(`'${raw}' is not a ${type}`);
      const n = Number(t);
      if (type === 'real32' && Number.isFinite(n) && Math.abs(n) > REAL32_MAX) {
        throw new CimValueError(`'${raw}' is out of range for real32`);
      }
      return n;
    }
    case 'datetime':
      return parseDateTimeText(raw);
    case 'reference':
    case 'instance':
      throw new CimValueError(`a ${type} has no text form`);
    default: {
      const t = raw.trim();
      if (!/^[+-]?\d{1,20}$/.test(t)) throw new CimValueError(`'${raw}' is not a ${type}`);
      return checkInteger(type, BigInt(t));
    }
  }
}

/** A datetime in any text form a client may send: CIM string, xs:dateTime, xs:duration, xs:date. */
export function parseDateTimeText(raw: string): CimDateTime {
  const t = raw.trim();
  if (/^\d{14}\.\d{6}[+\-:]\d{3}$/.test(t)) return CimDateTime.parseCim(t);
  if (t.startsWith('P')) return CimDateTime.parseXsDuration(t);
  if (t.includes('T')) return CimDateTime.parseXsDateTime(t);
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) return CimDateTime.parseXsDate(t);
  throw new CimValueError(`'${raw}' is not a datetime`);
}

/** INT_RANGES of the types up to 32 bits, as numbers. */
const NUMBER_RANGES: Record<string, [number, number]> = Object.fromEntries(
  Object.entries(INT_RANGES).map(([t, [lo, hi]]) => [t, [Number(lo), Number(hi)]]),
);

function checkInteger(type: CimValueType, n: bigint): number | bigint {
  const range = INT_RANGES[type];
  if (!range) throw new CimValueError(`${type} is not an integer type`);
  if (n < range[0] || n > range[1]) throw new CimValueError(`${n} is out of range for ${type}`);
  return is64BitType(type) ? n : Number(n);
}

/** The canonical text of a scalar (what goes inside an element or selector). */
export function scalarText(type: CimValueType, v: CimScalar): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (type === 'real32' || type === 'real64') {
      if (Number.isNaN(v)) return 'NaN';
      if (v === Infinity) return 'INF';
      if (v === -Infinity) return '-INF';
    }
    return String(v);
  }
  if (typeof v === 'string') return v;
  if (v instanceof CimDateTime) return v.toCimString();
  throw new CimValueError(`a ${v.kind} has no text form`);
}

/**
 * Coerces a plain JavaScript value to a scalar of the given type, checking ranges.
 * Providers use this (through instanceOf) so they never build CimValues by hand.
 */
export function coerceScalar(type: CimValueType, v: unknown, what: string): CimScalar {
  switch (type) {
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    case 'string':
      if (typeof v === 'string') return v;
      break;
    case 'char16':
      if (typeof v === 'string' && v.length === 1) return v;
      break;
    case 'real32':
      if (typeof v === 'number') {
        if (Number.isFinite(v) && Math.abs(v) > REAL32_MAX) throw new CimValueError(`${what}: ${v} is out of range for real32`);
        return v;
      }
      break;
    case 'real64':
      if (typeof v === 'number') return v;
      break;
    case 'datetime':
      if (v instanceof CimDateTime) return v;
      if (v instanceof Date) return CimDateTime.fromDate(v);
      if (typeof v === 'string') {
        try {
          return parseDateTimeText(v);
        } catch (e) {
          // Every error out of here starts with the label (callers pass '' and add theirs in front).
          if (e instanceof CimValueError) throw new CimValueError(`${what}: ${e.message}`);
          throw e;
        }
      }
      break;
    case 'reference':
      if (isReference(v)) return v;
      break;
    case 'instance':
      if (isInstance(v)) return v;
      break;
    default:
      try {
        if (typeof v === 'number' && Number.isInteger(v)) {
          // Up to 32 bits, a safe integer checks against the range without a BigInt.
          const range = is64BitType(type) ? undefined : NUMBER_RANGES[type];
          if (range && v >= range[0] && v <= range[1]) return v;
          return checkInteger(type, BigInt(v));
        }
        if (typeof v === 'bigint') return checkInteger(type, v);
      } catch (e) {
        if (e instanceof CimValueError) throw new CimValueError(`${what}: ${e.message}`);
        throw e;
      }
  }
  throw new CimValueError(`${what}: ${describe(v)} is not a valid ${type}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as { kind?: string }).kind ?? 'an object';
  return `${typeof v} ${String(v)}`;
}

export function isReference(v: unknown): v is CimReference {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'reference';
}

export function isInstance(v: unknown): v is CimInstance {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'instance';
}

/** Builds a typed value from a plain value (null, a scalar, or an array of scalars). */
export function cimValue(
  decl: { valueType: CimValueType; isArray: boolean; refClass?: string; embeddedClass?: string },
  v: unknown,
  what: string,
): CimValue {
  // Object literals of one shape (no spreads), and an array member's label built only for an error.
  const { valueType: type, isArray, refClass, embeddedClass } = decl;
  if (v === null || v === undefined) return { type, isArray, refClass, embeddedClass, value: null };
  if (isArray) {
    if (!Array.isArray(v)) throw new CimValueError(`${what}: expected an array`);
    const members: CimScalar[] = new Array<CimScalar>(v.length);
    for (let i = 0; i < v.length; i++) {
      try {
        members[i] = coerceScalar(type, v[i], '');
      } catch (e) {
        if (e instanceof CimValueError) throw new CimValueError(`${what}[${i}]${e.message}`);
        throw e;
      }
    }
    return { type, isArray, refClass, embeddedClass, value: members };
  }
  if (Array.isArray(v)) throw new CimValueError(`${what}: an array given for a scalar`);
  return { type, isArray, refClass, embeddedClass, value: coerceScalar(type, v, what) };
}

/**
 * Builds an instance of a class from plain values keyed by property name
 * (case-insensitive). Unknown names are a programming error and throw.
 * Properties not given are present with a NULL value, as WMI returns them.
 */
export function instanceOf(cls: ResolvedClass, values: Readonly<Record<string, unknown>>): CimInstance {
  const given = new Map<string, unknown>();
  for (const [k, v] of Object.entries(values)) {
    const prop = cls.property(k);
    if (!prop) throw new CimValueError(`${cls.name} has no property ${k}`);
    given.set(prop.name, v);
  }
  const properties = new Map<string, CimValue>();
  for (const p of cls.properties) properties.set(p.name, propertyValue(cls, p, given.get(p.name)));
  return { kind: 'instance', className: cls.name, namespace: cls.namespace, properties };
}

type Decl = Parameters<typeof cimValue>[0];
/** NULL values are immutable and alike for a declaration: one object each, shared by every instance. */
const NULLS = new WeakMap<Decl, CimValue>();

/** A property's value; the "Class.Property" label of an error is built only when there is one. */
function propertyValue(cls: ResolvedClass, p: Decl & { name: string }, v: unknown): CimValue {
  if (v === null || v === undefined) {
    let n = NULLS.get(p);
    if (!n) {
      n = Object.freeze({ type: p.valueType, isArray: p.isArray, refClass: p.refClass, embeddedClass: p.embeddedClass, value: null });
      NULLS.set(p, n);
    }
    return n;
  }
  try {
    return cimValue(p, v, '');
  } catch (e) {
    if (e instanceof CimValueError) throw new CimValueError(`${cls.name}.${p.name}${e.message}`);
    throw e;
  }
}

/** The reference (object path) of an instance, from its class's key properties. */
export function referenceTo(cls: ResolvedClass, inst: CimInstance): CimReference {
  const keys = cls.keys.map((k) => {
    const v = inst.properties.get(k.name);
    if (!v || v.value === null || Array.isArray(v.value)) {
      throw new CimValueError(`${cls.name} instance has no value for key ${k.name}`);
    }
    return { name: k.name, value: scalarText(k.valueType, v.value as CimScalar) };
  });
  return { kind: 'reference', className: cls.name, namespace: cls.namespace, keys };
}

/** Plain view of a value, for logs and for providers reading parameters. */
export function plain(v: CimValue | undefined): unknown {
  if (!v || v.value === null) return null;
  return v.value;
}
