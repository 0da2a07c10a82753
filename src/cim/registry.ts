/**
 * The class registry: parsed class declarations, resolved once per namespace
 * into ResolvedClass objects with inheritance flattened (DSP0004 §5.1.2.4
 * inheritance, §5.1.2.8 overrides, §5.6.1.1 qualifier propagation).
 *
 * Lookups run on every request, so everything is precomputed at registration
 * and looked up through Maps keyed by lower-cased names.
 */
import {
  hasQualifier,
  qualifier,
  type CimClassDecl,
  type CimMethodDecl,
  type CimParameterDecl,
  type CimPropertyDecl,
  type CimTypedFeature,
  type CimValueType,
  type QualifierSet,
  type ResolvedClass,
  type ResolvedMethod,
  type ResolvedParameter,
  type ResolvedProperty,
} from './types';

export class SchemaError extends Error {
  constructor(
    readonly namespace: string,
    readonly className: string,
    /** The offending property or method (`Method.Parameter` for parameters), when there is one. */
    readonly feature: string | undefined,
    /** The message without the namespace/class prefix. */
    readonly reason: string,
  ) {
    super(`${namespace}: class '${className}': ${reason}`);
    this.name = 'SchemaError';
  }
}

/**
 * Qualifiers with the DSP0004 Restricted flavor apply only where written, so
 * inherited features and subclasses do not see them.
 */
const RESTRICTED_QUALIFIERS: ReadonlySet<string> = new Set(
  ['Abstract', 'ClassVersion', 'Deprecated', 'Experimental', 'Override', 'Version'].map((q) => q.toLowerCase()),
);

/** Namespaces compare case-insensitively, and WMI's `\` equals WS-Man's `/`. */
const namespaceKey = (ns: string): string => ns.replace(/\\/g, '/').toLowerCase();

function propagate(inherited: QualifierSet, own?: QualifierSet): QualifierSet {
  const merged = new Map([...inherited].filter(([key]) => !RESTRICTED_QUALIFIERS.has(key)));
  for (const [key, q] of own ?? []) merged.set(key, q);
  return merged;
}

const typeLabel = (f: CimTypedFeature): string =>
  `${f.mofType === 'reference' ? `${f.refClass} REF` : f.mofType}${f.isArray ? '[]' : ''}`;

class ResolvedClassImpl implements ResolvedClass {
  readonly keys: readonly ResolvedProperty[];
  private readonly propertyIndex: ReadonlyMap<string, ResolvedProperty>;
  private readonly methodIndex: ReadonlyMap<string, ResolvedMethod>;
  private readonly lineage: ReadonlySet<string>;

  constructor(
    readonly name: string,
    readonly namespace: string,
    readonly superclass: string | undefined,
    readonly ancestors: readonly string[],
    readonly qualifiers: QualifierSet,
    readonly isAbstract: boolean,
    readonly properties: readonly ResolvedProperty[],
    readonly methods: readonly ResolvedMethod[],
    readonly declaration: CimClassDecl,
  ) {
    this.keys = properties.filter((p) => p.isKey);
    this.propertyIndex = new Map(properties.map((p) => [p.name.toLowerCase(), p]));
    this.methodIndex = new Map(methods.map((m) => [m.name.toLowerCase(), m]));
    this.lineage = new Set([name, ...ancestors].map((n) => n.toLowerCase()));
  }

  property(name: string): ResolvedProperty | undefined {
    return this.propertyIndex.get(name.toLowerCase());
  }

  method(name: string): ResolvedMethod | undefined {
    return this.methodIndex.get(name.toLowerCase());
  }

  isA(name: string): boolean {
    return this.lineage.has(name.toLowerCase());
  }
}

interface NamespaceEntry {
  readonly name: string;
  readonly classes: Map<string, ResolvedClass>;
  readonly order: ResolvedClass[];
  /** Direct subclasses by lower-cased superclass name, in registration order. */
  readonly children: Map<string, ResolvedClass[]>;
}

export class ClassRegistry {
  private readonly spaces = new Map<string, NamespaceEntry>();

  static fromDeclarations(namespace: string, decls: readonly CimClassDecl[]): ClassRegistry {
    return new ClassRegistry().addNamespace(namespace, decls);
  }

  /**
   * Registers `decls` in `namespace`, creating it or adding to it. Classes may
   * derive from classes registered earlier or from any class in `decls`,
   * whatever the order. All or nothing: on SchemaError nothing is registered.
   */
  addNamespace(namespace: string, decls: readonly CimClassDecl[]): this {
    const key = namespaceKey(namespace);
    const space: NamespaceEntry = this.spaces.get(key) ?? { name: namespace, classes: new Map(), order: [], children: new Map() };
    const resolved = new BatchResolver(space.name, space.classes, decls).resolveAll();
    for (const cls of resolved) {
      space.classes.set(cls.name.toLowerCase(), cls);
      space.order.push(cls);
      if (cls.superclass !== undefined) {
        const superKey = cls.superclass.toLowerCase();
        const siblings = space.children.get(superKey) ?? [];
        siblings.push(cls);
        space.children.set(superKey, siblings);
      }
    }
    this.spaces.set(key, space);
    return this;
  }

  namespaces(): string[] {
    return [...this.spaces.values()].map((s) => s.name);
  }

  hasNamespace(ns: string): boolean {
    return this.spaces.has(namespaceKey(ns));
  }

  /** The namespace as first registered (e.g. 'root/Microsoft/IPAM'), for echoing back to clients. */
  canonicalNamespace(ns: string): string | undefined {
    return this.spaces.get(namespaceKey(ns))?.name;
  }

  getClass(ns: string, name: string): ResolvedClass | undefined {
    return this.spaces.get(namespaceKey(ns))?.classes.get(name.toLowerCase());
  }

  /** All classes of the namespace in registration order; empty for an unknown namespace. */
  classes(ns: string): ResolvedClass[] {
    return [...(this.spaces.get(namespaceKey(ns))?.order ?? [])];
  }

  /**
   * Subclasses of `name` (not `name` itself). Deep results list every class
   * after its superclass (depth-first), which polymorphic enumeration relies on.
   */
  subclasses(ns: string, name: string, deep = true): ResolvedClass[] {
    const space = this.spaces.get(namespaceKey(ns));
    if (space === undefined) return [];
    const out: ResolvedClass[] = [];
    const visit = (className: string): void => {
      for (const child of space.children.get(className.toLowerCase()) ?? []) {
        out.push(child);
        if (deep) visit(child.name);
      }
    };
    visit(name);
    return out;
  }
}

/** Where a schema problem is: the class, the feature key, and how to name it in a message. */
interface Site {
  readonly className: string;
  /** `Name` for properties and methods, `Method.Parameter` for parameters. */
  readonly feature?: string;
  /** e.g. "property 'Port'"; absent for class-level problems. */
  readonly label?: string;
}

const propertySite = (className: string, name: string): Site => ({ className, feature: name, label: `property '${name}'` });
const methodSite = (className: string, name: string): Site => ({ className, feature: name, label: `method '${name}'` });
const parameterSite = (className: string, method: string, name: string): Site =>
  ({ className, feature: `${method}.${name}`, label: `parameter '${name}' of method '${method}'` });

/** A reference override that narrows the referenced class; checked once every class of the batch exists. */
interface NarrowedReference {
  readonly site: Site;
  readonly inherited: string;
  readonly declared: string;
}

/** Resolves one batch of declarations against the classes already in the namespace. */
class BatchResolver {
  private readonly pending = new Map<string, CimClassDecl>();
  private readonly staged = new Map<string, ResolvedClassImpl>();
  private readonly narrowed: NarrowedReference[] = [];

  constructor(
    private readonly namespace: string,
    private readonly existing: ReadonlyMap<string, ResolvedClass>,
    private readonly decls: readonly CimClassDecl[],
  ) {
    for (const decl of decls) {
      const key = decl.name.toLowerCase();
      if (existing.has(key)) this.fail({ className: decl.name }, 'class is already defined in this namespace');
      if (this.pending.has(key)) this.fail({ className: decl.name }, 'class is declared more than once');
      this.pending.set(key, decl);
    }
  }

  resolveAll(): ResolvedClass[] {
    const resolved = this.decls.map((decl) => this.resolve(decl, []));
    for (const cls of resolved) this.checkReferencedClasses(cls.declaration);
    for (const { site, inherited, declared } of this.narrowed) {
      if (!this.lookup(declared)?.isA(inherited)) {
        this.fail(site, `narrows ${inherited} REF to ${declared} REF, but ${declared} does not derive from ${inherited}`);
      }
    }
    return resolved;
  }

  private fail(site: Site, reason: string): never {
    const message = site.label === undefined ? reason : `${site.label} ${reason}`;
    throw new SchemaError(this.namespace, site.className, site.feature, message);
  }

  private lookup(name: string): ResolvedClass | undefined {
    const key = name.toLowerCase();
    return this.staged.get(key) ?? this.existing.get(key);
  }

  private resolve(decl: CimClassDecl, chain: readonly string[]): ResolvedClassImpl {
    const key = decl.name.toLowerCase();
    const done = this.staged.get(key);
    if (done !== undefined) return done;
    if (chain.some((n) => n.toLowerCase() === key)) {
      this.fail({ className: decl.name }, `inheritance cycle ${[...chain, decl.name].join(' → ')}`);
    }
    let parent: ResolvedClass | undefined;
    if (decl.superclass !== undefined) {
      const superKey = decl.superclass.toLowerCase();
      const superDecl = this.pending.get(superKey);
      parent = superDecl !== undefined ? this.resolve(superDecl, [...chain, decl.name]) : this.existing.get(superKey);
      if (parent === undefined) this.fail({ className: decl.name }, `superclass '${decl.superclass}' is not defined`);
    }
    const cls = new ResolvedClassImpl(
      decl.name,
      this.namespace,
      parent?.name,
      parent === undefined ? [] : [parent.name, ...parent.ancestors],
      parent === undefined ? decl.qualifiers : propagate(parent.qualifiers, decl.qualifiers),
      // Abstract is Restricted: a subclass of an abstract class is concrete unless it says otherwise.
      hasQualifier(decl.qualifiers, 'abstract'),
      this.resolveProperties(decl, parent),
      this.resolveMethods(decl, parent),
      decl,
    );
    this.staged.set(key, cls);
    return cls;
  }

  private resolveProperties(decl: CimClassDecl, parent: ResolvedClass | undefined): ResolvedProperty[] {
    const props: ResolvedProperty[] = (parent?.properties ?? []).map((p) => ({
      ...p,
      qualifiers: propagate(p.qualifiers),
      propagated: true,
    }));
    const index = new Map(props.map((p, i) => [p.name.toLowerCase(), i]));
    for (const d of decl.properties) {
      const site = propertySite(decl.name, d.name);
      const at = index.get(d.name.toLowerCase());
      const base = at === undefined ? undefined : props[at];
      this.checkOverrideQualifier(site, d, base !== undefined);
      if (base === undefined || at === undefined) {
        index.set(d.name.toLowerCase(), props.length);
        props.push(this.resolveProperty(site, d, decl.name, d.qualifiers));
        continue;
      }
      this.checkSameType(site, base, d);
      // An override without a default keeps the inherited one; `= null` clears it.
      const withDefault =
        d.defaultValue !== undefined || base.defaultValue === undefined ? d : { ...d, defaultValue: base.defaultValue };
      props[at] = this.resolveProperty(site, withDefault, base.classOrigin, propagate(base.qualifiers, d.qualifiers));
    }
    return props;
  }

  private resolveMethods(decl: CimClassDecl, parent: ResolvedClass | undefined): ResolvedMethod[] {
    const methods: ResolvedMethod[] = (parent?.methods ?? []).map((m) => ({
      ...m,
      qualifiers: propagate(m.qualifiers),
      propagated: true,
    }));
    const index = new Map(methods.map((m, i) => [m.name.toLowerCase(), i]));
    for (const d of decl.methods) {
      const at = index.get(d.name.toLowerCase());
      const base = at === undefined ? undefined : methods[at];
      this.checkOverrideQualifier(methodSite(decl.name, d.name), d, base !== undefined);
      if (base === undefined || at === undefined) {
        index.set(d.name.toLowerCase(), methods.length);
        methods.push(this.resolveMethod(decl.name, d, decl.name, d.qualifiers, undefined));
      } else {
        methods[at] = this.resolveMethod(decl.name, d, base.classOrigin, propagate(base.qualifiers, d.qualifiers), base);
      }
    }
    return methods;
  }

  private resolveProperty(site: Site, d: CimPropertyDecl, classOrigin: string, qualifiers: QualifierSet): ResolvedProperty {
    return {
      ...d,
      qualifiers,
      classOrigin,
      propagated: false,
      isKey: hasQualifier(qualifiers, 'key'),
      ...this.valueTypeOf(site, d, qualifiers),
    };
  }

  /** An override keeps the inherited signature (DSP0004 §5.1.2.8) and inherits parameter qualifiers. */
  private resolveMethod(
    className: string,
    d: CimMethodDecl,
    classOrigin: string,
    qualifiers: QualifierSet,
    base: ResolvedMethod | undefined,
  ): ResolvedMethod {
    const site = methodSite(className, d.name);
    if (base !== undefined && base.returnType !== d.returnType) {
      this.fail(site, `changes the inherited return type ${base.returnType} to ${d.returnType}`);
    }
    const sameNames = (b: ResolvedMethod): boolean =>
      b.parameters.length === d.parameters.length &&
      b.parameters.every((p, i) => p.name.toLowerCase() === d.parameters[i].name.toLowerCase());
    if (base !== undefined && !sameNames(base)) {
      const expected = base.parameters.map((p) => `${typeLabel(p)} ${p.name}`).join(', ');
      this.fail(site, `must keep the inherited parameters (${expected})`);
    }
    const parameters = d.parameters.map((p, i) => {
      const paramSite = parameterSite(className, d.name, p.name);
      const inherited = base?.parameters[i];
      if (inherited === undefined) return this.resolveParameter(paramSite, p, p.qualifiers);
      this.checkSameType(paramSite, inherited, p);
      return this.resolveParameter(paramSite, p, propagate(inherited.qualifiers, p.qualifiers));
    });
    return {
      name: d.name,
      returnType: d.returnType,
      qualifiers,
      classOrigin,
      propagated: false,
      isStatic: hasQualifier(qualifiers, 'static'),
      parameters,
    };
  }

  /** DSP0004: In defaults to true and Out to false, but a parameter marked only Out is not an input. */
  private resolveParameter(site: Site, p: CimParameterDecl, qualifiers: QualifierSet): ResolvedParameter {
    const inValue = qualifier(qualifiers, 'in');
    const isOut = hasQualifier(qualifiers, 'out');
    const isIn = inValue === undefined ? !isOut : inValue !== false;
    if (!isIn && !isOut) this.fail(site, 'is neither In nor Out');
    return { ...p, qualifiers, isIn, isOut, ...this.valueTypeOf(site, p, qualifiers) };
  }

  private valueTypeOf(site: Site, f: CimTypedFeature, qs: QualifierSet): { valueType: CimValueType; embeddedClass?: string } {
    const embeddedInstance = qualifier(qs, 'embeddedinstance');
    if (embeddedInstance === undefined && !hasQualifier(qs, 'embeddedobject')) return { valueType: f.mofType };
    if (f.mofType !== 'string' || f.refClass !== undefined) {
      this.fail(site, `is ${typeLabel(f)}, but EmbeddedInstance and EmbeddedObject need type string`);
    }
    if (embeddedInstance === undefined) return { valueType: 'instance' };
    if (typeof embeddedInstance !== 'string') this.fail(site, 'has an EmbeddedInstance qualifier without a class name');
    return { valueType: 'instance', embeddedClass: embeddedInstance };
  }

  /** `Override("X")` must name an inherited feature, by its own name. */
  private checkOverrideQualifier(site: Site, d: CimPropertyDecl | CimMethodDecl, overrides: boolean): void {
    const target = qualifier(d.qualifiers, 'override');
    if (target === undefined || target === false) return;
    if (!overrides) this.fail(site, 'has an Override qualifier but no superclass declares it');
    if (typeof target === 'string' && target.toLowerCase() !== d.name.toLowerCase()) {
      this.fail(site, `has Override("${target}"), but an override must keep the inherited name`);
    }
  }

  /** Overrides keep the inherited type; a reference may narrow to a subclass (DSP0004 §5.1.2.8). */
  private checkSameType(site: Site, inherited: CimTypedFeature, declared: CimTypedFeature): void {
    if (inherited.mofType !== declared.mofType || inherited.isArray !== declared.isArray) {
      this.fail(site, `changes the inherited type ${typeLabel(inherited)} to ${typeLabel(declared)}`);
    }
    const from = inherited.refClass;
    const to = declared.refClass;
    if (from !== undefined && to !== undefined && from.toLowerCase() !== to.toLowerCase()) {
      this.narrowed.push({ site, inherited: from, declared: to });
    }
  }

  private checkReferencedClasses(decl: CimClassDecl): void {
    const check = (site: Site, f: CimTypedFeature): void => {
      if (f.refClass !== undefined && this.lookup(f.refClass) === undefined) {
        this.fail(site, `refers to class '${f.refClass}', which is not defined`);
      }
    };
    for (const p of decl.properties) check(propertySite(decl.name, p.name), p);
    for (const m of decl.methods) {
      for (const p of m.parameters) check(parameterSite(decl.name, m.name, p.name), p);
    }
  }
}
