import { join } from 'node:path';
import { loadMofDirectory } from '../../../src/cim/loadSchemas';
import { parseMof } from '../../../src/cim/mof/parser';
import { ClassRegistry, SchemaError } from '../../../src/cim/registry';
import { qualifier, type ResolvedClass } from '../../../src/cim/types';

const NS = 'root/Microsoft/IPAM';

const registryOf = (mof: string, ns = NS): ClassRegistry =>
  ClassRegistry.fromDeclarations(ns, parseMof(mof, 'test.mof'));

function classOf(mof: string, name: string): ResolvedClass {
  const cls = registryOf(mof).getClass(NS, name);
  if (cls === undefined) throw new Error(`class ${name} not registered`);
  return cls;
}

function schemaError(mof: string): SchemaError {
  try {
    registryOf(mof);
  } catch (e) {
    if (e instanceof SchemaError) return e;
    throw e;
  }
  throw new Error('expected a SchemaError');
}

const HIERARCHY = `
  [Abstract, Version("2.19.0"), Description("root")]
  class CIM_ManagedElement {
    [Description("id")] string InstanceID;
    [MaxLen(64)] string Caption;
  };
  [Abstract] class CIM_LogicalElement : CIM_ManagedElement {
    string Name;
  };
  class CIM_Job : CIM_LogicalElement {
    [Description("job status"), Write] string JobStatus;
    uint16 Priority = 5;
    [Description("kill it")] uint32 KillJob([In] boolean DeleteOnKill);
  };
  class CIM_ConcreteJob : CIM_Job {
    [Key, Override("InstanceID")] string InstanceID;
    [Override("JobStatus"), Write(false)] string JobStatus;
    uint16 Priority;
    uint32 RequestStateChange([In] uint16 RequestedState, [In] datetime TimeoutPeriod);
  };
`;

describe('ClassRegistry: inheritance', () => {
  const registry = registryOf(HIERARCHY);
  const job = registry.getClass(NS, 'CIM_ConcreteJob') as ResolvedClass;

  it('lists inherited properties first, in the superclass order, then new ones', () => {
    expect(job.properties.map((p) => p.name)).toEqual(['InstanceID', 'Caption', 'Name', 'JobStatus', 'Priority']);
    expect(job.methods.map((m) => m.name)).toEqual(['KillJob', 'RequestStateChange']);
  });

  it('records the superclass chain nearest first', () => {
    expect(job.superclass).toBe('CIM_Job');
    expect(job.ancestors).toEqual(['CIM_Job', 'CIM_LogicalElement', 'CIM_ManagedElement']);
    expect(registry.getClass(NS, 'CIM_ManagedElement')?.ancestors).toEqual([]);
    expect(registry.getClass(NS, 'CIM_ManagedElement')?.superclass).toBeUndefined();
  });

  it('marks inherited-unchanged features as propagated and keeps their class origin', () => {
    const caption = job.property('Caption');
    expect(caption).toMatchObject({ classOrigin: 'CIM_ManagedElement', propagated: true });
    expect(qualifier(caption?.qualifiers ?? new Map(), 'maxlen')).toBe(64);
    expect(job.method('KillJob')).toMatchObject({ classOrigin: 'CIM_Job', propagated: true });
    expect(job.property('Name')).toMatchObject({ classOrigin: 'CIM_LogicalElement', propagated: true });
    expect(registry.getClass(NS, 'CIM_LogicalElement')?.property('Name')?.propagated).toBe(false);
  });

  it('replaces an overridden property in place, keeping the original class origin', () => {
    const id = job.property('InstanceID');
    expect(job.properties[0]).toBe(id);
    expect(id).toMatchObject({ classOrigin: 'CIM_ManagedElement', propagated: false, isKey: true });
    expect(job.keys.map((k) => k.name)).toEqual(['InstanceID']);
    expect(registry.getClass(NS, 'CIM_Job')?.keys).toEqual([]);
  });

  it('propagates qualifiers the override does not restate, and lets it restate others', () => {
    const status = job.property('JobStatus');
    expect(qualifier(status?.qualifiers ?? new Map(), 'description')).toBe('job status');
    expect(qualifier(status?.qualifiers ?? new Map(), 'write')).toBe(false);
    expect(qualifier(job.property('InstanceID')?.qualifiers ?? new Map(), 'description')).toBe('id');
  });

  it('does not propagate Restricted qualifiers (Override, Abstract, Version) to subclasses', () => {
    const sub = classOf(`${HIERARCHY} class MSFT_Job : CIM_ConcreteJob { };`, 'MSFT_Job');
    expect(qualifier(sub.property('InstanceID')?.qualifiers ?? new Map(), 'override')).toBeUndefined();
    expect(sub.property('InstanceID')?.isKey).toBe(true);
    const element = registry.getClass(NS, 'CIM_ManagedElement') as ResolvedClass;
    const logical = registry.getClass(NS, 'CIM_LogicalElement') as ResolvedClass;
    expect(qualifier(logical.qualifiers, 'description')).toBe('root');
    expect(qualifier(logical.qualifiers, 'version')).toBeUndefined();
    expect(element.isAbstract).toBe(true);
    expect(logical.isAbstract).toBe(true);
    expect(registry.getClass(NS, 'CIM_Job')?.isAbstract).toBe(false);
  });

  it('keeps an inherited default when the override gives none, and lets `= null` clear it', () => {
    expect(job.property('Priority')).toMatchObject({ defaultValue: 5, propagated: false, classOrigin: 'CIM_Job' });
    const cleared = classOf(`${HIERARCHY} class X : CIM_Job { uint16 Priority = null; };`, 'X');
    expect(cleared.property('Priority')?.defaultValue).toBeNull();
  });

  it('keeps the own declaration for consumers that need declared features only', () => {
    expect(job.declaration.properties.map((p) => p.name)).toEqual(['InstanceID', 'JobStatus', 'Priority']);
    expect(job.declaration.name).toBe('CIM_ConcreteJob');
  });

  it('answers isA over the class itself and its ancestors, case-insensitively', () => {
    expect(job.isA('cim_concretejob')).toBe(true);
    expect(job.isA('CIM_MANAGEDELEMENT')).toBe(true);
    expect(job.isA('CIM_Error')).toBe(false);
    expect(registry.getClass(NS, 'CIM_Job')?.isA('CIM_ConcreteJob')).toBe(false);
  });

  it('resolves superclasses declared later in the same batch and in earlier batches', () => {
    const reg = registryOf('class B : A { string Y; }; class A { string X; };');
    expect(reg.getClass(NS, 'B')?.properties.map((p) => p.name)).toEqual(['X', 'Y']);
    reg.addNamespace('ROOT/microsoft/ipam', parseMof('class C : b { string Z; };', 'more.mof'));
    expect(reg.getClass(NS, 'C')?.properties.map((p) => p.classOrigin)).toEqual(['A', 'B', 'C']);
  });
});

describe('ClassRegistry: methods and parameters', () => {
  const cls = classOf(
    `class CIM_ConcreteJob { string InstanceID; };
     class Error { string Message; };
     class S {
       [Static] uint32 InvokeIpamServerProvisioning(
         string Plain, [In] string InOnly, [Out] string OutOnly, [In, Out] string Both,
         [In(false), Out] string NotIn, [In(true)] string ExplicitIn,
         [Out] CIM_ConcreteJob REF Job, [In] CIM_ConcreteJob REF Jobs[],
         [Out, EmbeddedInstance("Error")] string Errors[], [In, EmbeddedObject] string Anything);
       uint32 Instance();
     };`,
    'S',
  );
  const method = cls.method('invokeipamserverprovisioning');

  it('derives isStatic from the Static qualifier', () => {
    expect(method?.isStatic).toBe(true);
    expect(cls.method('Instance')?.isStatic).toBe(false);
  });

  it('applies the In/Out direction rules', () => {
    const dir = Object.fromEntries((method?.parameters ?? []).map((p) => [p.name, [p.isIn, p.isOut]]));
    expect(dir).toMatchObject({
      Plain: [true, false],
      InOnly: [true, false],
      OutOnly: [false, true],
      Both: [true, true],
      NotIn: [false, true],
      ExplicitIn: [true, false],
    });
  });

  it('gives parameters their value type, reference class and embedded class', () => {
    const byName = new Map((method?.parameters ?? []).map((p) => [p.name, p]));
    expect(byName.get('Plain')).toMatchObject({ valueType: 'string', mofType: 'string' });
    expect(byName.get('Job')).toMatchObject({ valueType: 'reference', refClass: 'CIM_ConcreteJob', isArray: false });
    expect(byName.get('Jobs')).toMatchObject({ valueType: 'reference', isArray: true });
    expect(byName.get('Errors')).toMatchObject({ valueType: 'instance', embeddedClass: 'Error', isArray: true });
    expect(byName.get('Anything')).toMatchObject({ valueType: 'instance' });
    expect(byName.get('Anything')?.embeddedClass).toBeUndefined();
  });

  it('gives properties their value type', () => {
    const c = classOf(
      `class E { string M; };
       class P { [EmbeddedInstance("E")] string Err; [EmbeddedObject] string Obj; E REF Ref; datetime When; };`,
      'P',
    );
    expect(c.properties.map((p) => [p.name, p.valueType, p.embeddedClass])).toEqual([
      ['Err', 'instance', 'E'],
      ['Obj', 'instance', undefined],
      ['Ref', 'reference', undefined],
      ['When', 'datetime', undefined],
    ]);
  });

  it('overrides methods in place, inheriting method and parameter qualifiers', () => {
    const sub = classOf(
      `class A { [Description("d"), Static] uint32 M([Out, Description("p")] string P); uint32 N(); };
       class B : A { [Override("M")] uint32 M(string P); };`,
      'B',
    );
    expect(sub.methods.map((m) => m.name)).toEqual(['M', 'N']);
    const m = sub.method('M');
    expect(m).toMatchObject({ classOrigin: 'A', propagated: false, isStatic: true });
    expect(qualifier(m?.qualifiers ?? new Map(), 'description')).toBe('d');
    expect(m?.parameters[0]).toMatchObject({ isIn: false, isOut: true });
    expect(qualifier(m?.parameters[0].qualifiers ?? new Map(), 'description')).toBe('p');
  });
});

describe('ClassRegistry: namespaces and lookups', () => {
  const registry = registryOf(HIERARCHY);
  registry.addNamespace('root/cimv2', parseMof('class Win32_Thing { };', 'cimv2.mof'));

  it('matches namespaces case-insensitively and keeps the first registered spelling', () => {
    expect(registry.namespaces()).toEqual([NS, 'root/cimv2']);
    expect(registry.hasNamespace('ROOT/MICROSOFT/ipam')).toBe(true);
    expect(registry.hasNamespace('root\\Microsoft\\IPAM')).toBe(true);
    expect(registry.hasNamespace('root/other')).toBe(false);
    expect(registry.canonicalNamespace('root/microsoft/ipam')).toBe(NS);
    expect(registry.canonicalNamespace('root/other')).toBeUndefined();
    expect(registry.getClass('ROOT/MICROSOFT/IPAM', 'cim_job')?.namespace).toBe(NS);
  });

  it('looks classes, properties and methods up case-insensitively', () => {
    const job = registry.getClass(NS, 'cim_concretejob');
    expect(job?.name).toBe('CIM_ConcreteJob');
    expect(job?.property('instanceid')?.name).toBe('InstanceID');
    expect(job?.method('KILLJOB')?.name).toBe('KillJob');
    expect(job?.property('Nope')).toBeUndefined();
    expect(registry.getClass(NS, 'Win32_Thing')).toBeUndefined();
    expect(registry.getClass('root/other', 'CIM_Job')).toBeUndefined();
  });

  it('lists classes in registration order, per namespace', () => {
    expect(registry.classes(NS).map((c) => c.name)).toEqual([
      'CIM_ManagedElement',
      'CIM_LogicalElement',
      'CIM_Job',
      'CIM_ConcreteJob',
    ]);
    expect(registry.classes('root/cimv2').map((c) => c.name)).toEqual(['Win32_Thing']);
    expect(registry.classes('root/other')).toEqual([]);
  });

  it('lists subclasses deep (each after its superclass) or direct only', () => {
    const reg = registryOf('class A { }; class B : A { }; class C : B { }; class D : A { }; class E { };');
    expect(reg.subclasses(NS, 'a').map((c) => c.name)).toEqual(['B', 'C', 'D']);
    expect(reg.subclasses(NS, 'A', false).map((c) => c.name)).toEqual(['B', 'D']);
    expect(reg.subclasses(NS, 'C')).toEqual([]);
    expect(reg.subclasses(NS, 'Nope')).toEqual([]);
    expect(reg.subclasses('root/other', 'A')).toEqual([]);
  });
});

describe('ClassRegistry: schema errors', () => {
  it.each([
    ['undefined superclass', 'class B : A { };', 'B', undefined, "superclass 'A' is not defined"],
    ['self inheritance', 'class A : A { };', 'A', undefined, 'inheritance cycle A → A'],
    ['inheritance cycle', 'class A : C { }; class B : A { }; class C : B { };', 'A', undefined, 'inheritance cycle A → C → B → A'],
    ['duplicate class', 'class A { }; class a { };', 'a', undefined, 'class is declared more than once'],
    ['property type change', 'class A { uint32 P; }; class B : A { string P; };', 'B', 'P', "property 'P' changes the inherited type uint32 to string"],
    ['property array change', 'class A { uint32 P; }; class B : A { uint32 P[]; };', 'B', 'P', "property 'P' changes the inherited type uint32 to uint32[]"],
    ['method return change', 'class A { uint32 M(); }; class B : A { uint16 M(); };', 'B', 'M', "method 'M' changes the inherited return type uint32 to uint16"],
    ['method parameters change', 'class A { uint32 M(string X); }; class B : A { uint32 M(string Y); };', 'B', 'M', "method 'M' must keep the inherited parameters (string X)"],
    ['parameter type change', 'class A { uint32 M(string X); }; class B : A { uint32 M(uint8 X); };', 'B', 'M.X', "parameter 'X' of method 'M' changes the inherited type string to uint8"],
    ['override of nothing', 'class A { }; class B : A { [Override("P")] string P; };', 'B', 'P', "property 'P' has an Override qualifier but no superclass declares it"],
    ['override of another name', 'class A { string P; }; class B : A { [Override("Q")] string P; };', 'B', 'P', 'property \'P\' has Override("Q"), but an override must keep the inherited name'],
    ['method override of nothing', 'class A { [Override("M")] uint32 M(); };', 'A', 'M', "method 'M' has an Override qualifier but no superclass declares it"],
    ['undefined reference class', 'class A { Nope REF R; };', 'A', 'R', "property 'R' refers to class 'Nope', which is not defined"],
    ['undefined parameter reference class', 'class A { uint32 M(Nope REF R); };', 'A', 'M.R', "parameter 'R' of method 'M' refers to class 'Nope', which is not defined"],
    ['reference widened', 'class X { }; class Y : X { }; class A { Y REF R; }; class B : A { X REF R; };', 'B', 'R', "property 'R' narrows Y REF to X REF, but X does not derive from Y"],
    ['embedded instance on non-string', 'class A { [EmbeddedInstance("E")] uint32 P; };', 'A', 'P', "property 'P' is uint32, but EmbeddedInstance and EmbeddedObject need type string"],
    ['embedded instance without class', 'class A { [EmbeddedInstance] string P; };', 'A', 'P', "property 'P' has an EmbeddedInstance qualifier without a class name"],
    ['parameter neither in nor out', 'class A { uint32 M([In(false)] string P); };', 'A', 'M.P', "parameter 'P' of method 'M' is neither In nor Out"],
  ])('%s', (_name, mof, className, feature, reason) => {
    const err = schemaError(mof);
    expect(err.name).toBe('SchemaError');
    expect(err.message).toBe(`${NS}: class '${className}': ${reason}`);
    expect({ namespace: err.namespace, className: err.className, feature: err.feature, reason: err.reason }).toEqual({
      namespace: NS,
      className,
      feature,
      reason,
    });
  });

  it('allows a reference override to narrow to a subclass', () => {
    const b = classOf('class X { }; class Y : X { }; class A { X REF R; }; class B : A { Y REF R; };', 'B');
    expect(b.property('R')).toMatchObject({ refClass: 'Y', classOrigin: 'A', valueType: 'reference' });
  });

  it('refuses a class that is already registered, and registers nothing from a failed batch', () => {
    const reg = registryOf('class A { };');
    expect(() => reg.addNamespace(NS, parseMof('class B : A { }; class A { };', 'again.mof'))).toThrow(
      `${NS}: class 'A': class is already defined in this namespace`,
    );
    expect(() => reg.addNamespace(NS, parseMof('class B : A { }; class C : Nope { };', 'bad.mof'))).toThrow(SchemaError);
    expect(reg.getClass(NS, 'B')).toBeUndefined();
    expect(reg.classes(NS).map((c) => c.name)).toEqual(['A']);
  });
});

describe('the shipped schemas (schemas/mof)', () => {
  const registry = loadMofDirectory(join(__dirname, '../../../schemas/mof'), NS);

  it('load without error into root/Microsoft/IPAM', () => {
    expect(registry.namespaces()).toEqual([NS]);
    expect(registry.classes(NS).length).toBeGreaterThan(0);
  });

  it('give MSFT_IPAM_Server a static InvokeIpamServerProvisioning method', () => {
    const method = registry.getClass(NS, 'MSFT_IPAM_Server')?.method('InvokeIpamServerProvisioning');
    expect(method).toBeDefined();
    expect(method?.isStatic).toBe(true);
  });

  it('key CIM_ConcreteJob by InstanceID', () => {
    expect(registry.getClass(NS, 'CIM_ConcreteJob')?.keys.map((k) => k.name)).toEqual(['InstanceID']);
  });

  it('make MSFT_WmiError a CIM_Error', () => {
    expect(registry.getClass(NS, 'MSFT_WmiError')?.isA('CIM_Error')).toBe(true);
  });
});
