/**
 * A class declaration in CIM-XML (DSP0201 §3.2.4.x), which is what the MI client
 * asks for with GetClass (MS-WSMV 3.1.4.1.38: CIM-XML, not WS-CIM). Options
 * follow OMI's serializer, whose output the MI client accepts
 * (docs/research/wsman-facts.md §7).
 */
import type { XmlWriter } from '../xml/write';
import type {
  CimQualifier,
  QualifierScalar,
  QualifierSet,
  ResolvedClass,
  ResolvedMethod,
  ResolvedParameter,
  ResolvedProperty,
} from './types';

export interface CimXmlOptions {
  /** DERIVATION="Parent,GrandParent,…". */
  readonly includeInheritanceHierarchy: boolean;
  /** Inherited properties and methods too. */
  readonly includeInheritedElements: boolean;
  readonly includeQualifiers: boolean;
  readonly includeClassOrigin: boolean;
}

/** Declared types of the standard qualifiers that carry numbers (DSP0004 §5.6.3). */
const QUALIFIER_TYPES: Readonly<Record<string, string>> = {
  maxlen: 'uint32',
  minlen: 'uint32',
  maxvalue: 'sint64',
  minvalue: 'sint64',
};

export function writeClassCimXml(w: XmlWriter, cls: ResolvedClass, o: CimXmlOptions): void {
  w.open('CLASS', {
    NAME: cls.name,
    SUPERCLASS: cls.superclass,
    DERIVATION: o.includeInheritanceHierarchy ? cls.ancestors.join(',') : undefined,
  });
  if (o.includeQualifiers) writeQualifiers(w, cls.qualifiers);
  for (const p of cls.properties) {
    if (p.propagated && !o.includeInheritedElements) continue;
    writeProperty(w, p, o);
  }
  for (const m of cls.methods) {
    if (m.propagated && !o.includeInheritedElements) continue;
    writeMethod(w, m, o);
  }
  w.close();
}

function origin(o: CimXmlOptions, classOrigin: string, propagated: boolean): Record<string, string | undefined> {
  return { CLASSORIGIN: o.includeClassOrigin ? classOrigin : undefined, PROPAGATED: propagated ? 'true' : undefined };
}

function writeProperty(w: XmlWriter, p: ResolvedProperty, o: CimXmlOptions): void {
  const common = { NAME: p.name, ...origin(o, p.classOrigin, p.propagated) };
  if (p.mofType === 'reference') {
    w.open('PROPERTY.REFERENCE', { NAME: p.name, REFERENCECLASS: p.refClass, ...origin(o, p.classOrigin, p.propagated) });
    if (o.includeQualifiers) writeQualifiers(w, p.qualifiers);
    w.close();
    return;
  }
  if (p.isArray) {
    w.open('PROPERTY.ARRAY', { ...common, TYPE: p.mofType, ARRAYSIZE: p.arraySize });
    if (o.includeQualifiers) writeQualifiers(w, p.qualifiers);
    if (Array.isArray(p.defaultValue)) writeValueArray(w, p.defaultValue as readonly QualifierScalar[]);
    w.close();
    return;
  }
  w.open('PROPERTY', { ...common, TYPE: p.mofType });
  if (o.includeQualifiers) writeQualifiers(w, p.qualifiers);
  if (p.defaultValue !== undefined && p.defaultValue !== null && !Array.isArray(p.defaultValue)) {
    w.leaf('VALUE', undefined, valueText(p.defaultValue as QualifierScalar));
  }
  w.close();
}

function writeMethod(w: XmlWriter, m: ResolvedMethod, o: CimXmlOptions): void {
  w.open('METHOD', { NAME: m.name, TYPE: m.returnType, ...origin(o, m.classOrigin, m.propagated) });
  if (o.includeQualifiers) writeQualifiers(w, m.qualifiers);
  for (const p of m.parameters) writeParameter(w, p, o);
  w.close();
}

function writeParameter(w: XmlWriter, p: ResolvedParameter, o: CimXmlOptions): void {
  let el: string;
  let attrs: Record<string, string | number | undefined>;
  if (p.mofType === 'reference') {
    el = p.isArray ? 'PARAMETER.REFARRAY' : 'PARAMETER.REFERENCE';
    attrs = { NAME: p.name, REFERENCECLASS: p.refClass, ARRAYSIZE: p.isArray ? p.arraySize : undefined };
  } else {
    el = p.isArray ? 'PARAMETER.ARRAY' : 'PARAMETER';
    attrs = { NAME: p.name, TYPE: p.mofType, ARRAYSIZE: p.isArray ? p.arraySize : undefined };
  }
  w.open(el, attrs);
  if (o.includeQualifiers) writeQualifiers(w, p.qualifiers);
  w.close();
}

function writeQualifiers(w: XmlWriter, set: QualifierSet): void {
  for (const q of set.values()) writeQualifier(w, q);
}

function qualifierType(q: CimQualifier): string {
  const known = QUALIFIER_TYPES[q.name.toLowerCase()];
  if (known) return known;
  const sample = Array.isArray(q.value) ? (q.value as readonly QualifierScalar[]).find((v) => v !== null) : q.value;
  if (typeof sample === 'boolean') return 'boolean';
  if (typeof sample === 'number') return Number.isInteger(sample) ? 'sint32' : 'real64';
  return 'string';
}

function writeQualifier(w: XmlWriter, q: CimQualifier): void {
  w.open('QUALIFIER', { NAME: q.name, TYPE: qualifierType(q) });
  if (Array.isArray(q.value)) writeValueArray(w, q.value as readonly QualifierScalar[]);
  else if (q.value !== null) w.leaf('VALUE', undefined, valueText(q.value as QualifierScalar));
  w.close();
}

function writeValueArray(w: XmlWriter, values: readonly QualifierScalar[]): void {
  w.open('VALUE.ARRAY');
  for (const v of values) {
    if (v === null) w.leaf('VALUE.NULL');
    else w.leaf('VALUE', undefined, valueText(v));
  }
  w.close();
}

function valueText(v: QualifierScalar): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}
