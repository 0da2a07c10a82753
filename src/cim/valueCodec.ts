/**
 * WS-CIM XML encoding of typed CIM values and instances (DSP0230; MS-WSMV 2.2.4
 * for Windows' choices). Reads method parameters and embedded instances from a
 * parsed request; writes instances, properties and out parameters into a reply.
 *
 * EPR (reference) details belong to WS-Addressing and are delegated to the
 * context, so this module knows CIM typing, not WS-Man headers.
 */
import { CimDateTime } from './datetime';
import type { CimInstance, CimReference, CimScalar, CimValue, CimValueType, ResolvedClass } from './types';
import { CimValueError, parseDateTimeText, parseScalarText, scalarText } from './values';
import { XSD_NS, XSI_NS, elements, hasElementChildren, resolveQNameValue, textOf, type XmlElement } from '../xml/parse';
import type { XmlWriter } from '../xml/write';

export interface CodecContext {
  /** Wrap datetimes in cim:Datetime / cim:Interval (Windows) rather than plain CIM text. */
  readonly datetimeWrapper: boolean;
  /** Write xsi:type="cim:cimXxx" on each property, as Windows does inside MSFT_WmiError. */
  readonly typedValues: boolean;
  /** The resource URI of a class, in the form the request used (WMI or DMTF). */
  classUri(className: string, namespace: string): string;
  /** Writes the children of an EPR element (Address, ReferenceParameters). */
  writeReference(w: XmlWriter, ref: CimReference): void;
  /** Reads an EPR from an element holding Address/ReferenceParameters (or an EndpointReference child). */
  readReference(el: XmlElement): CimReference;
  lookupClass(namespace: string, className: string): ResolvedClass | undefined;
}

/** xsi:type names of DSP0230's common schema. */
const CIM_XSI_TYPE: Record<CimValueType, string> = {
  boolean: 'cim:cimBoolean',
  string: 'cim:cimString',
  char16: 'cim:cimChar16',
  datetime: 'cim:cimDateTime',
  uint8: 'cim:cimUnsignedByte',
  sint8: 'cim:cimByte',
  uint16: 'cim:cimUnsignedShort',
  sint16: 'cim:cimShort',
  uint32: 'cim:cimUnsignedInt',
  sint32: 'cim:cimInt',
  uint64: 'cim:cimUnsignedLong',
  sint64: 'cim:cimLong',
  real32: 'cim:cimFloat',
  real64: 'cim:cimDouble',
  reference: 'cim:cimReference',
  instance: 'cim:cimAnySimpleType',
};

// ---------------------------------------------------------------------------
// Writing

/** `prefix:name` strings, made once: the same string objects each time are cheap for the writer's name check. */
const qualifiedNames = new Map<string, Map<string, string>>();
const QUALIFIED_NAMES = 20_000;
let qualifiedCount = 0;

function qualified(prefix: string, name: string): string {
  let forPrefix = qualifiedNames.get(prefix);
  if (!forPrefix) {
    forPrefix = new Map();
    qualifiedNames.set(prefix, forPrefix);
  }
  let q = forPrefix.get(name);
  if (q === undefined) {
    q = `${prefix}:${name}`;
    if (qualifiedCount < QUALIFIED_NAMES) {
      forPrefix.set(name, q);
      qualifiedCount++;
    }
  }
  return q;
}

/**
 * Property names in ordinal order, per distinct list of names: instances of a class
 * come with the same names in the same order, so each list is sorted once.
 */
const sortedNames = new Map<string, readonly string[]>();
const SORTED_NAMES = 1000;

function inOrdinalOrder(names: readonly string[]): readonly string[] {
  const key = names.join('\u0000');
  let sorted = sortedNames.get(key);
  if (!sorted) {
    sorted = [...names].sort(ordinal);
    if (sortedNames.size < SORTED_NAMES) sortedNames.set(key, sorted);
  }
  return sorted;
}

const NIL: Readonly<Record<string, string>> = { 'xsi:nil': 'true' };
const NO_ATTRS: Readonly<Record<string, string>> = {};

export class ValueEncoder {
  private nextPrefix = 1;

  constructor(private readonly ctx: CodecContext) {}

  /**
   * Writes an instance as the element `<p:Class xmlns:p="classUri" xsi:type="p:Class_Type">`.
   * Properties are written in ordinal name order, as WMI returns them; NULL
   * properties are written as xsi:nil elements.
   */
  writeInstance(w: XmlWriter, inst: CimInstance, prefix = 'p', extraAttrs: Record<string, string> = {}): void {
    const uri = this.ctx.classUri(inst.className, inst.namespace);
    w.open(`${prefix}:${inst.className}`, { [`xmlns:${prefix}`]: uri, 'xsi:type': `${prefix}:${inst.className}_Type`, ...extraAttrs });
    this.writeProperties(w, inst, prefix);
    w.close();
  }

  /** Writes the property elements of an instance (without the wrapping element). */
  writeProperties(w: XmlWriter, inst: CimInstance, prefix: string): void {
    for (const name of inOrdinalOrder([...inst.properties.keys()])) this.writeValue(w, qualified(prefix, name), inst.properties.get(name) as CimValue);
  }

  /** Writes one property or parameter: one element per array member, xsi:nil for NULL. */
  writeValue(w: XmlWriter, qname: string, v: CimValue): void {
    const typeAttr: Readonly<Record<string, string>> = this.ctx.typedValues ? { 'xsi:type': CIM_XSI_TYPE[v.type] } : NO_ATTRS;
    if (v.value === null) {
      w.leaf(qname, this.ctx.typedValues ? { 'xsi:nil': 'true', ...typeAttr } : NIL);
      return;
    }
    if (!v.isArray) {
      this.writeScalar(w, qname, v.type, v.value as CimScalar, typeAttr);
      return;
    }
    for (const m of v.value as readonly CimScalar[]) this.writeScalar(w, qname, v.type, m, typeAttr);
  }

  private writeScalar(w: XmlWriter, qname: string, type: CimValueType, v: CimScalar, typeAttr: Readonly<Record<string, string>>): void {
    if (type === 'datetime' && v instanceof CimDateTime) {
      if (!this.ctx.datetimeWrapper) {
        w.leaf(qname, typeAttr, v.toCimString());
      } else {
        // DSP0230 §5.2.4: cim:Datetime carries xs:dateTime, cim:Interval xs:duration.
        w.open(qname, typeAttr);
        if (v.isInterval) w.leaf('cim:Interval', undefined, v.toXsDuration());
        else w.leaf('cim:Datetime', undefined, v.toXsDateTime());
        w.close();
      }
      return;
    }
    if (type === 'reference') {
      w.open(qname, typeAttr);
      this.ctx.writeReference(w, v as CimReference);
      w.close();
      return;
    }
    if (type === 'instance') {
      const inst = v as CimInstance;
      const p = `p${this.nextPrefix++}`;
      // Embedded instance (MS-WSMV 2.2.4.x, OMI _PackInstance): the property element
      // declares the embedded class's namespace and names its type in xsi:type.
      w.open(qname, { [`xmlns:${p}`]: this.ctx.classUri(inst.className, inst.namespace), 'xsi:type': `${p}:${inst.className}_Type` });
      this.writeProperties(w, inst, p);
      w.close();
      return;
    }
    w.leaf(qname, typeAttr, scalarText(type, v));
  }
}

function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------
// Reading

/** xsi:nil, accepting the XMLSchema URI some clients bind xsi to and an unbound xsi prefix. */
export function isNil(el: XmlElement): boolean {
  for (const a of el.attrs) {
    if (a.local !== 'nil') continue;
    if (a.ns === XSI_NS || a.ns === XSD_NS || (a.ns === '' && a.prefix === 'xsi')) {
      const v = a.value.trim().toLowerCase();
      return v === 'true' || v === '1';
    }
  }
  return false;
}

/** The local name of an xsi:type value (e.g. 'cimString' or 'MSFT_Foo_Type'), lenient as isNil. */
export function xsiTypeLocal(el: XmlElement): string | undefined {
  for (const a of el.attrs) {
    if (a.local === 'type' && (a.ns === XSI_NS || a.ns === XSD_NS || (a.ns === '' && a.prefix === 'xsi'))) {
      return resolveQNameValue(el, a.value).local;
    }
  }
  return undefined;
}

export interface TypedDecl {
  readonly name: string;
  readonly valueType: CimValueType;
  readonly isArray: boolean;
  readonly refClass?: string;
  readonly embeddedClass?: string;
}

/**
 * Decodes the elements given for one property or parameter (several elements
 * for an array) against its declaration. Throws CimValueError naming it.
 */
export function decodeValue(ctx: CodecContext, decl: TypedDecl, els: readonly XmlElement[], namespace: string): CimValue {
  const base = { type: decl.valueType, isArray: decl.isArray, refClass: decl.refClass, embeddedClass: decl.embeddedClass };
  if (els.length === 0) return { ...base, value: null };
  if (!decl.isArray) {
    if (els.length > 1) throw new CimValueError(`${decl.name} is not an array but was given ${els.length} times`);
    const el = els[0] as XmlElement;
    return { ...base, value: isNil(el) ? null : decodeScalar(ctx, decl, el, namespace) };
  }
  if (els.length === 1 && isNil(els[0] as XmlElement)) return { ...base, value: null };
  const members = els.map((el, i) => {
    if (isNil(el)) throw new CimValueError(`${decl.name}[${i}] is null; arrays cannot hold null members`);
    return decodeScalar(ctx, decl, el, namespace);
  });
  return { ...base, value: members };
}

function decodeScalar(ctx: CodecContext, decl: TypedDecl, el: XmlElement, namespace: string): CimScalar {
  try {
    switch (decl.valueType) {
      case 'datetime':
        return decodeDateTime(el);
      case 'reference':
        return ctx.readReference(el);
      case 'instance':
        return decodeEmbedded(ctx, decl, el, namespace);
      default:
        if (hasElementChildren(el)) throw new CimValueError(`expected a ${decl.valueType} value, found child elements`);
        return parseScalarText(decl.valueType, textOf(el));
    }
  } catch (e) {
    if (e instanceof CimValueError && !e.message.startsWith(decl.name)) {
      throw new CimValueError(`${decl.name}: ${e.message}`);
    }
    if (e instanceof Error && !(e instanceof CimValueError)) throw new CimValueError(`${decl.name}: ${e.message}`);
    throw e;
  }
}

function decodeDateTime(el: XmlElement): CimDateTime {
  const kids = elements(el);
  if (kids.length === 0) return parseDateTimeText(textOf(el));
  if (kids.length > 1) throw new CimValueError('a datetime holds one value');
  const k = kids[0] as XmlElement;
  const text = textOf(k);
  switch (k.local) {
    case 'Datetime':
    case 'DateTime':
      return CimDateTime.parseXsDateTime(text);
    case 'Interval':
      return CimDateTime.parseXsDuration(text);
    case 'Date':
      return CimDateTime.parseXsDate(text);
    case 'Time':
      return CimDateTime.parseXsTime(text);
    case 'CIM_DateTime':
      return CimDateTime.parseCim(text.trim());
    default:
      throw new CimValueError(`unknown datetime element ${k.local}`);
  }
}

function decodeEmbedded(ctx: CodecContext, decl: TypedDecl, el: XmlElement, namespace: string): CimInstance {
  // The class comes from xsi:type (`p1:Cls_Type`), else from the namespace URI of
  // the property elements (its last path segment), else from the declaration.
  let className = xsiTypeLocal(el)?.replace(/_Type$/, '');
  const kids = elements(el);
  if (!className || className.startsWith('cim')) {
    const firstNs = kids[0]?.ns;
    className = firstNs ? firstNs.slice(firstNs.lastIndexOf('/') + 1) : decl.embeddedClass;
  }
  if (!className) throw new CimValueError('cannot tell the class of the embedded instance');
  const cls = ctx.lookupClass(namespace, className);
  if (!cls) throw new CimValueError(`embedded instance of unknown class ${className}`);
  if (decl.embeddedClass && !cls.isA(decl.embeddedClass)) {
    throw new CimValueError(`embedded instance of ${cls.name} where ${decl.embeddedClass} is expected`);
  }
  const byName = new Map<string, XmlElement[]>();
  for (const k of kids) {
    const prop = cls.property(k.local);
    if (!prop) throw new CimValueError(`${cls.name} has no property ${k.local}`);
    const list = byName.get(prop.name) ?? [];
    list.push(k);
    byName.set(prop.name, list);
  }
  const properties = new Map<string, CimValue>();
  for (const p of cls.properties) properties.set(p.name, decodeValue(ctx, p, byName.get(p.name) ?? [], cls.namespace));
  return { kind: 'instance', className: cls.name, namespace: cls.namespace, properties };
}
