import { loadSchemas } from '../../../src/app';
import { writeClassCimXml, type CimXmlOptions } from '../../../src/cim/cimXml';
import { parseMof } from '../../../src/cim/mof/parser';
import { ClassRegistry } from '../../../src/cim/registry';
import type { ResolvedClass } from '../../../src/cim/types';
import { attr, elements, parseXml, textOf, type XmlElement } from '../../../src/xml/parse';
import { XmlWriter } from '../../../src/xml/write';

const IPAM = 'root/Microsoft/IPAM';
const registry = loadSchemas();

const NONE: CimXmlOptions = { includeInheritanceHierarchy: false, includeInheritedElements: false, includeQualifiers: false, includeClassOrigin: false };
const ALL: CimXmlOptions = { includeInheritanceHierarchy: true, includeInheritedElements: true, includeQualifiers: true, includeClassOrigin: true };

function ipamClass(name: string): ResolvedClass {
  const cls = registry.getClass(IPAM, name);
  if (!cls) throw new Error(`${name} is not in the schemas`);
  return cls;
}

/** The CIM-XML of a class, parsed back: the CLASS element. */
function classXml(cls: ResolvedClass | string, options: Partial<CimXmlOptions> = {}): XmlElement {
  const w = new XmlWriter();
  writeClassCimXml(w, typeof cls === 'string' ? ipamClass(cls) : cls, { ...NONE, ...options });
  return parseXml(w.toString());
}

const a = (el: XmlElement, name: string): string | undefined => attr(el, '', name);

/** Child elements of `el` named `tag`, as "NAME" → element. */
function byName(el: XmlElement, tag: string): Map<string, XmlElement> {
  return new Map(elements(el).filter((e) => e.local === tag).map((e) => [a(e, 'NAME') as string, e]));
}

function named(el: XmlElement, tag: string, name: string): XmlElement {
  const found = byName(el, tag).get(name);
  if (!found) throw new Error(`no ${tag} NAME="${name}" in ${a(el, 'NAME')}`);
  return found;
}

/** Every element of the tree, root included. */
function allElements(el: XmlElement): XmlElement[] {
  return [el, ...elements(el).flatMap(allElements)];
}

/** QUALIFIER children as NAME → { type, values } (a single VALUE, or the members of VALUE.ARRAY). */
function qualifiers(el: XmlElement): Map<string, { type: string | undefined; value: string | string[] | undefined }> {
  const out = new Map<string, { type: string | undefined; value: string | string[] | undefined }>();
  for (const q of elements(el).filter((e) => e.local === 'QUALIFIER')) {
    const [v] = elements(q);
    const value = v === undefined ? undefined : v.local === 'VALUE.ARRAY' ? elements(v).map(textOf) : textOf(v);
    out.set(a(q, 'NAME') as string, { type: a(q, 'TYPE'), value });
  }
  return out;
}

describe('CLASS element', () => {
  it('names the class and its superclass', () => {
    const el = classXml('CIM_ConcreteJob');
    expect(el.local).toBe('CLASS');
    expect(a(el, 'NAME')).toBe('CIM_ConcreteJob');
    expect(a(el, 'SUPERCLASS')).toBe('CIM_Job');
  });

  it('has no SUPERCLASS for a root class', () => {
    expect(a(classXml('MSFT_IPAM_Fleet'), 'SUPERCLASS')).toBeUndefined();
  });

  it('writes DERIVATION, nearest ancestor first, comma-separated, only with includeInheritanceHierarchy', () => {
    expect(a(classXml('CIM_ConcreteJob'), 'DERIVATION')).toBeUndefined();
    expect(a(classXml('CIM_ConcreteJob', { includeInheritanceHierarchy: true }), 'DERIVATION')).toBe(
      'CIM_Job,CIM_LogicalElement,CIM_ManagedSystemElement,CIM_ManagedElement',
    );
    expect(a(classXml('MSFT_IPAM_Server', { includeInheritanceHierarchy: true }), 'DERIVATION')).toBe('CIM_Product,CIM_ManagedElement');
  });

  it('writes an empty DERIVATION for a root class (as OMI does)', () => {
    expect(a(classXml('MSFT_IPAM_Fleet', { includeInheritanceHierarchy: true }), 'DERIVATION')).toBe('');
  });
});

describe('inherited elements', () => {
  const OWN_JOB_PROPERTIES = ['InstanceID', 'Name', 'JobState', 'TimeOfLastStateChange', 'TimeBeforeRemoval'];

  it('without includeInheritedElements, lists only what the class declares or overrides, none PROPAGATED', () => {
    const el = classXml('CIM_ConcreteJob');
    const props = elements(el).filter((e) => e.local.startsWith('PROPERTY'));
    expect(props.map((p) => a(p, 'NAME'))).toEqual(OWN_JOB_PROPERTIES);
    expect([...byName(el, 'METHOD').keys()]).toEqual(['RequestStateChange', 'GetError']);
    expect(allElements(el).filter((e) => a(e, 'PROPAGATED') !== undefined)).toEqual([]);
  });

  it('with includeInheritedElements, lists inherited properties and methods too, marked PROPAGATED="true"', () => {
    const el = classXml('CIM_ConcreteJob', { includeInheritedElements: true });
    const props = elements(el).filter((e) => e.local.startsWith('PROPERTY'));
    expect(props).toHaveLength(ipamClass('CIM_ConcreteJob').properties.length);
    expect(a(named(el, 'PROPERTY', 'Caption'), 'PROPAGATED')).toBe('true');
    expect(a(named(el, 'PROPERTY', 'JobStatus'), 'PROPAGATED')).toBe('true');
    expect(a(named(el, 'PROPERTY.ARRAY', 'OperationalStatus'), 'PROPAGATED')).toBe('true');
    expect(a(named(el, 'METHOD', 'KillJob'), 'PROPAGATED')).toBe('true');
    const unmarked = props.filter((p) => a(p, 'PROPAGATED') === undefined).map((p) => a(p, 'NAME'));
    expect(unmarked).toEqual(OWN_JOB_PROPERTIES);
    expect(a(named(el, 'METHOD', 'RequestStateChange'), 'PROPAGATED')).toBeUndefined();
  });

  it('lists the inherited keys of MSFT_IPAM_Server only with includeInheritedElements', () => {
    expect([...byName(classXml('MSFT_IPAM_Server'), 'PROPERTY').keys()]).toEqual(['ServerName', 'ProvisioningState']);
    const all = byName(classXml('MSFT_IPAM_Server', { includeInheritedElements: true }), 'PROPERTY');
    for (const key of ['Name', 'IdentifyingNumber', 'Vendor', 'Version']) expect(a(all.get(key) as XmlElement, 'PROPAGATED')).toBe('true');
  });
});

describe('CLASSORIGIN', () => {
  it('is written only with includeClassOrigin', () => {
    const el = classXml('CIM_ConcreteJob', { includeInheritedElements: true });
    expect(allElements(el).filter((e) => a(e, 'CLASSORIGIN') !== undefined)).toEqual([]);
  });

  it('names the class that first declared the feature, for overridden ones too', () => {
    const el = classXml('CIM_ConcreteJob', { includeInheritedElements: true, includeClassOrigin: true });
    expect(a(named(el, 'PROPERTY', 'JobState'), 'CLASSORIGIN')).toBe('CIM_ConcreteJob');
    expect(a(named(el, 'PROPERTY', 'Caption'), 'CLASSORIGIN')).toBe('CIM_ManagedElement');
    expect(a(named(el, 'PROPERTY', 'InstanceID'), 'CLASSORIGIN')).toBe('CIM_ManagedElement');
    expect(a(named(el, 'PROPERTY.ARRAY', 'OperationalStatus'), 'CLASSORIGIN')).toBe('CIM_ManagedSystemElement');
    expect(a(named(el, 'METHOD', 'KillJob'), 'CLASSORIGIN')).toBe('CIM_Job');
    expect(a(named(el, 'METHOD', 'GetError'), 'CLASSORIGIN')).toBe('CIM_ConcreteJob');
  });
});

describe('QUALIFIER elements', () => {
  it('are written only with includeQualifiers', () => {
    const el = classXml('CIM_ConcreteJob', { includeInheritedElements: true });
    expect(allElements(el).filter((e) => e.local === 'QUALIFIER')).toEqual([]);
  });

  it('appear on the class, properties, methods and parameters', () => {
    const el = classXml('MSFT_IPAM_Fleet', { includeQualifiers: true });
    expect(qualifiers(el).get('ClassVersion')).toEqual({ type: 'string', value: '1.0.0' });
    expect(qualifiers(named(el, 'PROPERTY', 'InstanceID')).get('Key')).toEqual({ type: 'boolean', value: 'true' });
    const method = named(el, 'METHOD', 'InvokeIpamServerProvisioningOnHosts');
    expect(qualifiers(method).get('Static')).toEqual({ type: 'boolean', value: 'true' });
    expect(qualifiers(named(method, 'PARAMETER.ARRAY', 'Hosts')).get('In')).toEqual({ type: 'boolean', value: 'true' });
    expect(qualifiers(named(method, 'PARAMETER.REFARRAY', 'Jobs')).get('Out')).toEqual({ type: 'boolean', value: 'true' });
  });

  it('write array qualifiers as VALUE.ARRAY of VALUE', () => {
    const method = named(classXml('MSFT_IPAM_Fleet', { includeQualifiers: true }), 'METHOD', 'InvokeIpamServerProvisioningOnHosts');
    expect(qualifiers(method).get('ValueMap')).toEqual({ type: 'string', value: ['0', '1', '2', '4', '5', '4096'] });
    expect(qualifiers(named(method, 'PARAMETER', 'ProvisioningMethod')).get('Values')).toEqual({ type: 'string', value: ['GpoBased', 'Manual'] });
  });

  it('type the numeric standard qualifiers as DSP0004 declares them', () => {
    const job = classXml('CIM_ConcreteJob', { includeQualifiers: true, includeInheritedElements: true });
    expect(qualifiers(named(job, 'PROPERTY', 'RunDay')).get('MinValue')).toEqual({ type: 'sint64', value: '-31' });
    expect(qualifiers(named(job, 'PROPERTY', 'RunDay')).get('MaxValue')).toEqual({ type: 'sint64', value: '31' });
    const server = classXml('MSFT_IPAM_Server', { includeQualifiers: true, includeInheritedElements: true });
    expect(qualifiers(named(server, 'PROPERTY', 'Version')).get('MaxLen')).toEqual({ type: 'uint32', value: '64' });
  });

  it('carry EmbeddedInstance on a parameter that holds an embedded instance', () => {
    const getError = named(classXml('CIM_ConcreteJob', { includeQualifiers: true }), 'METHOD', 'GetError');
    const error = named(getError, 'PARAMETER', 'Error');
    expect(a(error, 'TYPE')).toBe('string');
    expect(qualifiers(error).get('EmbeddedInstance')).toEqual({ type: 'string', value: 'CIM_Error' });
  });

  it('do not carry restricted qualifiers of the superclass (Abstract of CIM_Job) into the subclass', () => {
    const q = qualifiers(classXml('CIM_ConcreteJob', { includeQualifiers: true }));
    expect(q.has('Abstract')).toBe(false);
    expect(q.get('Version')).toEqual({ type: 'string', value: '2.22.0' });
  });

  it('come before the default VALUE of a property', () => {
    const prop = named(classXml('CIM_ConcreteJob', { includeQualifiers: true }), 'PROPERTY', 'TimeBeforeRemoval');
    const tags = elements(prop).map((e) => e.local);
    expect(tags[tags.length - 1]).toBe('VALUE');
    expect(tags.slice(0, -1).every((t) => t === 'QUALIFIER')).toBe(true);
  });
});

describe('element shapes', () => {
  it('MSFT_IPAM_Server: static methods as METHOD with a return TYPE and typed PARAMETERs', () => {
    const el = classXml('MSFT_IPAM_Server');
    expect(a(named(el, 'PROPERTY', 'ProvisioningState'), 'TYPE')).toBe('uint16');
    const provision = named(el, 'METHOD', 'InvokeIpamServerProvisioning');
    expect(a(provision, 'TYPE')).toBe('uint32');
    expect(elements(provision).map((p) => [p.local, a(p, 'NAME'), a(p, 'TYPE')])).toEqual([
      ['PARAMETER', 'DatabaseServer', 'string'],
      ['PARAMETER', 'DatabaseName', 'string'],
      ['PARAMETER', 'DatabasePort', 'uint16'],
      ['PARAMETER', 'DatabaseAuthType', 'uint16'],
      ['PARAMETER', 'DatabaseCredential', 'string'],
      ['PARAMETER', 'ProvisioningMethod', 'uint16'],
      ['PARAMETER', 'GpoPrefix', 'string'],
      ['PARAMETER', 'WidSchemaPath', 'string'],
      ['PARAMETER', 'UseExistingSchema', 'boolean'],
      ['PARAMETER', 'Force', 'boolean'],
      ['PARAMETER.REFERENCE', 'Job', undefined],
    ]);
    expect(a(named(provision, 'PARAMETER.REFERENCE', 'Job'), 'REFERENCECLASS')).toBe('CIM_ConcreteJob');
    expect(elements(named(el, 'METHOD', 'UpdateIpamServer')).map((p) => a(p, 'NAME'))).toEqual(['DeleteSystemCheckFailureRows', 'Force', 'Job']);
  });

  it('CIM_ConcreteJob: PROPERTY.ARRAY with TYPE, and default values as VALUE', () => {
    const el = classXml('CIM_ConcreteJob', { includeInheritedElements: true });
    const status = named(el, 'PROPERTY.ARRAY', 'OperationalStatus');
    expect(a(status, 'TYPE')).toBe('uint16');
    expect(a(status, 'ARRAYSIZE')).toBeUndefined();
    expect(byName(el, 'PROPERTY').has('OperationalStatus')).toBe(false);
    expect(textOf(elements(named(el, 'PROPERTY', 'TimeBeforeRemoval'))[0] as XmlElement)).toBe('00000000000500.000000:000');
    expect(textOf(elements(named(el, 'PROPERTY', 'JobRunTimes'))[0] as XmlElement)).toBe('1');
    expect(elements(named(el, 'PROPERTY', 'JobState'))).toEqual([]);
    expect(elements(named(el, 'METHOD', 'RequestStateChange')).map((p) => [a(p, 'NAME'), a(p, 'TYPE')])).toEqual([
      ['RequestedState', 'uint16'],
      ['TimeoutPeriod', 'datetime'],
    ]);
  });

  it('MSFT_IPAM_Fleet: PARAMETER.ARRAY and PARAMETER.REFARRAY with REFERENCECLASS and no TYPE', () => {
    const method = named(classXml('MSFT_IPAM_Fleet'), 'METHOD', 'InvokeIpamServerProvisioningOnHosts');
    const hosts = named(method, 'PARAMETER.ARRAY', 'Hosts');
    expect(a(hosts, 'TYPE')).toBe('string');
    const jobs = named(method, 'PARAMETER.REFARRAY', 'Jobs');
    expect(a(jobs, 'REFERENCECLASS')).toBe('CIM_ConcreteJob');
    expect(a(jobs, 'TYPE')).toBeUndefined();
    expect(byName(method, 'PARAMETER').has('Hosts')).toBe(false);
  });

  it('PARAMETER.REFERENCE for a reference parameter (CIM_EnabledLogicalElement.RequestStateChange Job)', () => {
    const method = named(classXml('CIM_EnabledLogicalElement'), 'METHOD', 'RequestStateChange');
    const job = named(method, 'PARAMETER.REFERENCE', 'Job');
    expect(a(job, 'REFERENCECLASS')).toBe('CIM_ConcreteJob');
    expect(a(job, 'TYPE')).toBeUndefined();
  });

  describe('declared in test MOF', () => {
    const mof = `
      class T_Thing { [Key] string Id; };
      [Association, Description("links a < b & \\"c\\"")]
      class T_Link {
        [Key] T_Thing REF Left;
        [Key] T_Thing REF Right;
        uint8 Mac[6];
        string Tags[] = {"a", "b"};
        uint32 Resize([In] uint8 Bytes[4], [In] T_Thing REF Things[]);
      };`;
    const link = ClassRegistry.fromDeclarations(IPAM, parseMof(mof, 'test.mof')).getClass(IPAM, 'T_Link') as ResolvedClass;

    it('PROPERTY.REFERENCE with REFERENCECLASS and no TYPE', () => {
      const el = classXml(link, { includeClassOrigin: true, includeQualifiers: true });
      const left = named(el, 'PROPERTY.REFERENCE', 'Left');
      expect(a(left, 'REFERENCECLASS')).toBe('T_Thing');
      expect(a(left, 'TYPE')).toBeUndefined();
      expect(a(left, 'CLASSORIGIN')).toBe('T_Link');
      expect(qualifiers(left).get('Key')).toEqual({ type: 'boolean', value: 'true' });
    });

    it('ARRAYSIZE for fixed-size arrays and VALUE.ARRAY for an array default', () => {
      const el = classXml(link);
      expect(a(named(el, 'PROPERTY.ARRAY', 'Mac'), 'ARRAYSIZE')).toBe('6');
      const tags = elements(named(el, 'PROPERTY.ARRAY', 'Tags'));
      expect(tags.map((e) => e.local)).toEqual(['VALUE.ARRAY']);
      expect(elements(tags[0] as XmlElement).map(textOf)).toEqual(['a', 'b']);
      const resize = named(el, 'METHOD', 'Resize');
      expect(a(named(resize, 'PARAMETER.ARRAY', 'Bytes'), 'ARRAYSIZE')).toBe('4');
      expect(a(named(resize, 'PARAMETER.REFARRAY', 'Things'), 'REFERENCECLASS')).toBe('T_Thing');
    });

    it('escapes qualifier text so it reads back unchanged', () => {
      expect(qualifiers(classXml(link, { includeQualifiers: true })).get('Description')).toEqual({ type: 'string', value: 'links a < b & "c"' });
    });
  });
});

describe('well-formed output', () => {
  const classes = registry.classes(IPAM);

  it('covers the whole IPAM namespace', () => {
    expect(classes.map((c) => c.name)).toEqual(expect.arrayContaining(['MSFT_IPAM_Server', 'CIM_ConcreteJob', 'MSFT_IPAM_Fleet', 'MSFT_WmiError']));
  });

  it.each([
    ['no options', NONE],
    ['every option', ALL],
  ])('every class parses as XML with a single CLASS root (%s)', (_name, options) => {
    for (const cls of classes) {
      const el = classXml(cls, options);
      expect([el.local, a(el, 'NAME')]).toEqual(['CLASS', cls.name]);
    }
  });
});
