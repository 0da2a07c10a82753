/**
 * The typed CIM model: the contract between wsman/ (which reads and writes XML),
 * providers/ (which turn CIM operations into domain calls) and the class registry.
 * No XML here.
 */
import type { CimDateTime } from './datetime';

/** Intrinsic CIM data types (DSP0004 §5.2). */
export type CimIntrinsicType =
  | 'boolean'
  | 'string'
  | 'char16'
  | 'datetime'
  | 'uint8'
  | 'sint8'
  | 'uint16'
  | 'sint16'
  | 'uint32'
  | 'sint32'
  | 'uint64'
  | 'sint64'
  | 'real32'
  | 'real64';

export const CIM_INTRINSIC_TYPES: readonly CimIntrinsicType[] = [
  'boolean',
  'string',
  'char16',
  'datetime',
  'uint8',
  'sint8',
  'uint16',
  'sint16',
  'uint32',
  'sint32',
  'uint64',
  'sint64',
  'real32',
  'real64',
];

/**
 * The type a value actually carries. A MOF `string` property with an
 * EmbeddedInstance or EmbeddedObject qualifier carries 'instance' values.
 */
export type CimValueType = CimIntrinsicType | 'reference' | 'instance';

/** A reference to an instance (an object path); on the WS-Man wire, an EPR. */
export interface CimReference {
  readonly kind: 'reference';
  readonly className: string;
  readonly namespace: string;
  /** Key property values, in key order. Selector values are strings on the wire. */
  readonly keys: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

export interface CimInstance {
  readonly kind: 'instance';
  readonly className: string;
  readonly namespace: string;
  /** Property values by name, in class declaration order. A missing entry is "not present". */
  readonly properties: ReadonlyMap<string, CimValue>;
}

export type CimScalar = boolean | string | number | bigint | CimDateTime | CimReference | CimInstance;

/**
 * A typed value. `value` is null for a CIM NULL; for arrays it is an array of
 * non-null scalars (WS-Man cannot carry null array members, MS-WSMV 3.1.4.1.26).
 *
 * Scalar representation per type: boolean → boolean; string/char16 → string;
 * 8/16/32-bit integers and reals → number; 64-bit integers → bigint;
 * datetime → CimDateTime; reference → CimReference; instance → CimInstance.
 */
export interface CimValue {
  readonly type: CimValueType;
  readonly isArray: boolean;
  readonly value: CimScalar | readonly CimScalar[] | null;
  /** For references: the declared class of the referenced object. */
  readonly refClass?: string;
  /** For embedded instances: the declared class (EmbeddedInstance qualifier), if any. */
  readonly embeddedClass?: string;
}

// ---------------------------------------------------------------------------
// Class declarations, as read from MOF.

export type QualifierScalar = string | number | boolean | null;
export type QualifierValue = QualifierScalar | readonly QualifierScalar[];

export interface CimQualifier {
  readonly name: string;
  readonly value: QualifierValue;
}

/** Qualifiers keyed by lower-cased name (CIM names are case-insensitive). */
export type QualifierSet = ReadonlyMap<string, CimQualifier>;

export interface CimTypedFeature {
  readonly name: string;
  /** The type as written in MOF: an intrinsic type, or 'reference' for `Class REF`. */
  readonly mofType: CimIntrinsicType | 'reference';
  readonly isArray: boolean;
  /** Fixed array size (`uint8 X[4]`), when given. */
  readonly arraySize?: number;
  /** For references: the referenced class name. */
  readonly refClass?: string;
  readonly qualifiers: QualifierSet;
}

export interface CimPropertyDecl extends CimTypedFeature {
  /** Default value as written in MOF (already typed as a qualifier-style literal). */
  readonly defaultValue?: QualifierValue;
}

export type CimParameterDecl = CimTypedFeature;

export interface CimMethodDecl {
  readonly name: string;
  readonly returnType: CimIntrinsicType;
  readonly parameters: readonly CimParameterDecl[];
  readonly qualifiers: QualifierSet;
}

export interface CimClassDecl {
  readonly name: string;
  readonly superclass?: string;
  readonly qualifiers: QualifierSet;
  /** Properties declared (or overridden) in this class, in declaration order. */
  readonly properties: readonly CimPropertyDecl[];
  /** Methods declared (or overridden) in this class, in declaration order. */
  readonly methods: readonly CimMethodDecl[];
}

// ---------------------------------------------------------------------------
// Resolved classes: inheritance flattened by the registry.

export interface ResolvedProperty extends CimPropertyDecl {
  /** The class that first declared this property (CIM-XML CLASSORIGIN). */
  readonly classOrigin: string;
  /** True when inherited unchanged from a superclass (CIM-XML PROPAGATED). */
  readonly propagated: boolean;
  readonly isKey: boolean;
  /** The type values of this property carry (see CimValueType). */
  readonly valueType: CimValueType;
  readonly embeddedClass?: string;
}

export interface ResolvedParameter extends CimParameterDecl {
  readonly isIn: boolean;
  readonly isOut: boolean;
  readonly valueType: CimValueType;
  readonly embeddedClass?: string;
}

export interface ResolvedMethod extends Omit<CimMethodDecl, 'parameters'> {
  readonly classOrigin: string;
  readonly propagated: boolean;
  readonly isStatic: boolean;
  readonly parameters: readonly ResolvedParameter[];
}

export interface ResolvedClass {
  readonly name: string;
  readonly namespace: string;
  readonly superclass?: string;
  /** Superclass chain, nearest first (e.g. CIM_ConcreteJob → [CIM_Job, CIM_LogicalElement, …]). */
  readonly ancestors: readonly string[];
  readonly qualifiers: QualifierSet;
  readonly isAbstract: boolean;
  /** All properties, inherited first, in declaration order. */
  readonly properties: readonly ResolvedProperty[];
  readonly methods: readonly ResolvedMethod[];
  readonly keys: readonly ResolvedProperty[];
  /** The class as declared (own features only), for CIM-XML without inherited elements. */
  readonly declaration: CimClassDecl;
  property(name: string): ResolvedProperty | undefined;
  method(name: string): ResolvedMethod | undefined;
  /** True if this class is `name` or derives from it (case-insensitive). */
  isA(name: string): boolean;
}

/** Case-insensitive qualifier lookup. */
export function qualifier(set: QualifierSet, name: string): QualifierValue | undefined {
  return set.get(name.toLowerCase())?.value;
}

/** A boolean qualifier is on when present with value true (or no value). */
export function hasQualifier(set: QualifierSet, name: string): boolean {
  const q = set.get(name.toLowerCase());
  return q !== undefined && q.value !== false;
}
