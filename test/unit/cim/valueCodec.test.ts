import { loadSchemas } from '../../../src/app';
import { CimDateTime } from '../../../src/cim/datetime';
import {
  CIM_INTRINSIC_TYPES,
  type CimInstance,
  type CimIntrinsicType,
  type CimReference,
  type CimScalar,
  type CimValue,
  type ResolvedClass,
} from '../../../src/cim/types';
import { ValueEncoder, decodeValue, type CodecContext, type TypedDecl } from '../../../src/cim/valueCodec';
import { CimValueError, cimValue, instanceOf } from '../../../src/cim/values';
import { readEpr, writeEprContent } from '../../../src/wsman/epr';
import { NS } from '../../../src/wsman/namespaces';
import { classUri, type UriForm } from '../../../src/wsman/resource';
import { XSD_NS, XSI_NS, attr, child, childrenNamed, elements, parseXml, textOf, type XmlElement } from '../../../src/xml/parse';
import { XmlWriter } from '../../../src/xml/write';

const IPAM = 'root/Microsoft/IPAM';
/** Namespace of the property elements in these tests (a method's _INPUT/_OUTPUT namespace in real use). */
const P = 'urn:test:properties';
const registry = loadSchemas();

function ipamClass(name: string): ResolvedClass {
  const cls = registry.getClass(IPAM, name);
  if (!cls) throw new Error(`${name} is not in the schemas`);
  return cls;
}

/** A CodecContext whose references are real EPRs, read and written by wsman/epr.ts against the real registry. */
function codec(opts: { datetimeWrapper: boolean; typedValues: boolean; form?: UriForm }): CodecContext {
  const form = opts.form ?? 'wmi';
  return {
    datetimeWrapper: opts.datetimeWrapper,
    typedValues: opts.typedValues,
    classUri: (className, namespace) => classUri(form, namespace, className),
    writeReference: (w, ref) => writeEprContent(w, ref, form),
    readReference: (el) => readEpr(registry, el),
    lookupClass: (namespace, className) => registry.getClass(namespace, className),
  };
}

const ROOT_NS = { 'xmlns:p': P, 'xmlns:xsi': XSI_NS, 'xmlns:cim': NS.cimCommon, 'xmlns:a': NS.addressing, 'xmlns:wsman': NS.wsman };

/** Writes `v` as property `name` inside a root element declaring every prefix the encoder uses, and parses it back. */
function encode(ctx: CodecContext, name: string, v: CimValue): XmlElement {
  const w = new XmlWriter().open('p:Root', ROOT_NS);
  new ValueEncoder(ctx).writeValue(w, `p:${name}`, v);
  return parseXml(w.close().toString());
}

function decode(ctx: CodecContext, decl: TypedDecl, root: XmlElement): CimValue {
  return decodeValue(ctx, decl, childrenNamed(root, P, decl.name), IPAM);
}

/** Parses hand-written property elements (what a client sends) and decodes them. */
function decodeXml(decl: TypedDecl, inner: string, rootAttrs = `xmlns:p="${P}" xmlns:xsi="${XSI_NS}"`): CimValue {
  return decode(codec({ datetimeWrapper: true, typedValues: false }), decl, parseXml(`<p:Root ${rootAttrs}>${inner}</p:Root>`));
}

function decodeError(decl: TypedDecl, inner: string): CimValueError {
  try {
    decodeXml(decl, inner);
  } catch (e) {
    if (e instanceof CimValueError) return e;
    throw e;
  }
  throw new Error('decodeValue accepted the value');
}

const members = (v: CimValue): readonly CimScalar[] => (v.value === null ? [] : v.isArray ? (v.value as readonly CimScalar[]) : [v.value as CimScalar]);

/** Same value; datetimes compared with CimDateTime.equals. */
function expectSameValue(got: CimValue, want: CimValue): void {
  if (want.type !== 'datetime') {
    expect(got).toEqual(want);
    return;
  }
  expect({ ...got, value: got.value === null }).toEqual({ ...want, value: want.value === null });
  const g = members(got) as CimDateTime[];
  const w = members(want) as CimDateTime[];
  expect(g.map(String)).toEqual(w.map(String));
  expect(g.every((d, i) => d instanceof CimDateTime && d.equals(w[i] as CimDateTime))).toBe(true);
}

const SAMPLES: Record<CimIntrinsicType, readonly unknown[]> = {
  boolean: [true, false],
  string: ['', 'IPAM01.contoso.com', '  spaced  ', 'a & b < c > "d" \'e\'', 'line\nbreak\ttab\rcr', 'é中\u{1F600}'],
  char16: ['x', '<', '&', ' ', 'é'],
  uint8: [0, 255],
  sint8: [-128, 0, 127],
  uint16: [0, 48885, 65535],
  sint16: [-32768, 32767],
  uint32: [0, 4294967295],
  sint32: [-2147483648, 2147483647],
  uint64: [0n, 9007199254740993n, 18446744073709551615n],
  sint64: [-9223372036854775808n, -1n, 9223372036854775807n],
  real32: [0, 1.5, -3.4028234663852886e38, Infinity, -Infinity, NaN],
  real64: [-0.1, 5e-324, Number.MAX_VALUE, 1e21, Infinity, NaN],
  datetime: [
    CimDateTime.parseCim('20220510113045.123456-480'),
    CimDateTime.parseCim('20240229000000.000000+000'),
    CimDateTime.parseCim('20220510113045.500000+330'),
    CimDateTime.parseCim('00000001020304.500000:000'),
    CimDateTime.parseCim('00000000000000.000000:000'),
  ],
};

const CONTEXTS: ReadonlyArray<[string, CodecContext]> = [
  ['Windows client: cim:Datetime wrapper', codec({ datetimeWrapper: true, typedValues: false })],
  ['omicli: plain CIM datetime text', codec({ datetimeWrapper: false, typedValues: false })],
  ['typed values (as in MSFT_WmiError)', codec({ datetimeWrapper: true, typedValues: true })],
  ['typed values without the wrapper', codec({ datetimeWrapper: false, typedValues: true })],
];

describe.each(CONTEXTS)('round trip of every intrinsic CIM type (%s)', (_name, ctx) => {
  const roundTrip = (decl: TypedDecl, v: CimValue): CimValue => decode(ctx, decl, encode(ctx, decl.name, v));

  it.each([...CIM_INTRINSIC_TYPES])('%s scalars', (type) => {
    const decl: TypedDecl = { name: 'Value', valueType: type, isArray: false };
    for (const sample of SAMPLES[type]) {
      const v = cimValue(decl, sample, 'Value');
      expectSameValue(roundTrip(decl, v), v);
    }
  });

  it.each([...CIM_INTRINSIC_TYPES])('%s arrays, one element per member', (type) => {
    const decl: TypedDecl = { name: 'Values', valueType: type, isArray: true };
    const v = cimValue(decl, SAMPLES[type], 'Values');
    const root = encode(ctx, 'Values', v);
    expect(childrenNamed(root, P, 'Values')).toHaveLength(SAMPLES[type].length);
    expectSameValue(decode(ctx, decl, root), v);
  });

  it.each([...CIM_INTRINSIC_TYPES])('%s NULL scalar, as one xsi:nil element', (type) => {
    const decl: TypedDecl = { name: 'Value', valueType: type, isArray: false };
    const v = cimValue(decl, null, 'Value');
    const root = encode(ctx, 'Value', v);
    const els = childrenNamed(root, P, 'Value');
    expect(els.map((e) => attr(e, XSI_NS, 'nil'))).toEqual(['true']);
    expect(decode(ctx, decl, root)).toEqual(v);
  });

  it.each([...CIM_INTRINSIC_TYPES])('%s NULL array, as one xsi:nil element', (type) => {
    const decl: TypedDecl = { name: 'Values', valueType: type, isArray: true };
    const v = cimValue(decl, null, 'Values');
    const root = encode(ctx, 'Values', v);
    expect(childrenNamed(root, P, 'Values').map((e) => attr(e, XSI_NS, 'nil'))).toEqual(['true']);
    expect(decode(ctx, decl, root)).toEqual(v);
  });

  it('references to a CIM_ConcreteJob, scalar, array and NULL', () => {
    const job = (id: string): CimReference => ({ kind: 'reference', className: 'CIM_ConcreteJob', namespace: IPAM, keys: [{ name: 'InstanceID', value: id }] });
    const scalarDecl: TypedDecl = { name: 'Job', valueType: 'reference', isArray: false, refClass: 'CIM_ConcreteJob' };
    const arrayDecl: TypedDecl = { name: 'Jobs', valueType: 'reference', isArray: true, refClass: 'CIM_ConcreteJob' };
    for (const [decl, value] of [
      [scalarDecl, job('IPAM:Job:1')],
      [arrayDecl, [job('IPAM:Job:1'), job('IPAM:Job:<2>&')]],
      [scalarDecl, null],
      [arrayDecl, null],
    ] as const) {
      const v = cimValue(decl, value, decl.name);
      expect(roundTrip(decl, v)).toEqual(v);
    }
  });

  it('embedded MSFT_IPAM_ServerConfiguration instances, scalar and array', () => {
    const config = ipamClass('MSFT_IPAM_ServerConfiguration');
    const inst = (id: string): CimInstance => instanceOf(config, { InstanceID: id, Port: 48885, GpoPrefix: 'IPAM & Co', Version: '1.3' });
    const scalarDecl: TypedDecl = { name: 'Output', valueType: 'instance', isArray: false, embeddedClass: config.name };
    const arrayDecl: TypedDecl = { ...scalarDecl, name: 'Outputs', isArray: true };
    const one = cimValue(scalarDecl, inst('cfg1'), 'Output');
    const many = cimValue(arrayDecl, [inst('cfg1'), inst('cfg2')], 'Outputs');
    expect(roundTrip(scalarDecl, one)).toEqual(one);
    expect(roundTrip(arrayDecl, many)).toEqual(many);
  });

  it('a whole CIM_ConcreteJob instance written by writeInstance', () => {
    const jobClass = ipamClass('CIM_ConcreteJob');
    const inst = instanceOf(jobClass, {
      InstanceID: 'IPAM:Job:7',
      Name: 'Provision',
      OperationalStatus: [2, 17],
      JobState: 7,
      PercentComplete: 100,
      RunDay: -31,
      RunMonth: 11,
      DeleteOnCompletion: false,
      StartTime: CimDateTime.parseCim('20240315123000.000500+060'),
      TimeBeforeRemoval: CimDateTime.parseXsDuration('PT5M'),
    });
    const w = new XmlWriter().open('p:Root', ROOT_NS);
    new ValueEncoder(ctx).writeInstance(w, inst);
    const root = parseXml(w.close().toString());
    const decl: TypedDecl = { name: 'CIM_ConcreteJob', valueType: 'instance', isArray: false };
    const got = decodeValue(ctx, decl, elements(root), IPAM).value as CimInstance;
    expect(got.className).toBe('CIM_ConcreteJob');
    for (const [name, want] of inst.properties) expectSameValue(got.properties.get(name) as CimValue, want);
  });
});

describe('wire shapes written by ValueEncoder', () => {
  const when = CimDateTime.parseCim('20220510113045.000000-480');
  const span = CimDateTime.parseCim('00000000000140.000000:000');
  const dt = (d: CimDateTime): CimValue => ({ type: 'datetime', isArray: false, value: d });

  it('wraps datetimes in cim:Datetime / cim:Interval for a Windows client (DSP0230 §5.2.4)', () => {
    const ctx = codec({ datetimeWrapper: true, typedValues: false });
    expect(textOf(child(elements(encode(ctx, 'At', dt(when)))[0] as XmlElement, NS.cimCommon, 'Datetime') as XmlElement)).toBe('2022-05-10T11:30:45-08:00');
    expect(textOf(child(elements(encode(ctx, 'For', dt(span)))[0] as XmlElement, NS.cimCommon, 'Interval') as XmlElement)).toBe('P0DT0H1M40S');
  });

  it('writes datetimes as plain CIM text without the wrapper', () => {
    const ctx = codec({ datetimeWrapper: false, typedValues: false });
    const el = elements(encode(ctx, 'At', dt(when)))[0] as XmlElement;
    expect(elements(el)).toEqual([]);
    expect(textOf(el)).toBe('20220510113045.000000-480');
  });

  it('writes a reference as the EPR children Address and ReferenceParameters', () => {
    const ref: CimReference = { kind: 'reference', className: 'CIM_ConcreteJob', namespace: IPAM, keys: [{ name: 'InstanceID', value: 'j1' }] };
    const el = elements(encode(codec({ datetimeWrapper: true, typedValues: false, form: 'dmtf' }), 'Job', { type: 'reference', isArray: false, value: ref }))[0] as XmlElement;
    expect(elements(el).map((e) => `${e.ns} ${e.local}`)).toEqual([`${NS.addressing} Address`, `${NS.addressing} ReferenceParameters`]);
    const params = child(el, NS.addressing, 'ReferenceParameters') as XmlElement;
    expect(textOf(child(params, NS.wsman, 'ResourceURI') as XmlElement)).toBe('http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ConcreteJob');
  });

  it('reads back a reference written in the DMTF form, whose __cimnamespace selector is not a key', () => {
    const ctx = codec({ datetimeWrapper: true, typedValues: false, form: 'dmtf' });
    const decl: TypedDecl = { name: 'Job', valueType: 'reference', isArray: false, refClass: 'CIM_ConcreteJob' };
    const ref: CimReference = { kind: 'reference', className: 'CIM_ConcreteJob', namespace: IPAM, keys: [{ name: 'InstanceID', value: 'j1' }] };
    const v: CimValue = { type: 'reference', isArray: false, value: ref, refClass: 'CIM_ConcreteJob' };
    expect(decode(ctx, decl, encode(ctx, 'Job', v))).toEqual(v);
  });

  it('writes an embedded instance with its class namespace and xsi:type on the property element (OMI _PackInstance)', () => {
    const config = ipamClass('MSFT_IPAM_ServerConfiguration');
    const v: CimValue = { type: 'instance', isArray: false, value: instanceOf(config, { InstanceID: 'c' }) };
    const el = elements(encode(codec({ datetimeWrapper: true, typedValues: false }), 'Output', v))[0] as XmlElement;
    const uri = classUri('wmi', IPAM, 'MSFT_IPAM_ServerConfiguration');
    expect(el.scope.get('p1')).toBe(uri);
    expect(attr(el, XSI_NS, 'type')).toBe('p1:MSFT_IPAM_ServerConfiguration_Type');
    expect(textOf(child(el, uri, 'InstanceID') as XmlElement)).toBe('c');
  });

  it.each<[CimIntrinsicType, string]>([
    ['boolean', 'cim:cimBoolean'],
    ['string', 'cim:cimString'],
    ['char16', 'cim:cimChar16'],
    ['datetime', 'cim:cimDateTime'],
    ['uint8', 'cim:cimUnsignedByte'],
    ['sint8', 'cim:cimByte'],
    ['uint16', 'cim:cimUnsignedShort'],
    ['sint16', 'cim:cimShort'],
    ['uint32', 'cim:cimUnsignedInt'],
    ['sint32', 'cim:cimInt'],
    ['uint64', 'cim:cimUnsignedLong'],
    ['sint64', 'cim:cimLong'],
    ['real32', 'cim:cimFloat'],
    ['real64', 'cim:cimDouble'],
  ])('with typedValues, a %s value carries xsi:type="%s", NULL included', (type, xsiType) => {
    const ctx = codec({ datetimeWrapper: true, typedValues: true });
    const decl = { valueType: type, isArray: false };
    const value = encode(ctx, 'V', cimValue(decl, SAMPLES[type][0], 'V'));
    const nil = encode(ctx, 'V', cimValue(decl, null, 'V'));
    expect(attr(elements(value)[0] as XmlElement, XSI_NS, 'type')).toBe(xsiType);
    expect(attr(elements(nil)[0] as XmlElement, XSI_NS, 'type')).toBe(xsiType);
    const untyped = encode(codec({ datetimeWrapper: true, typedValues: false }), 'V', cimValue(decl, SAMPLES[type][0], 'V'));
    expect(attr(elements(untyped)[0] as XmlElement, XSI_NS, 'type')).toBeUndefined();
  });
});

describe('writeInstance', () => {
  const write = (inst: CimInstance, typedValues = false, extra: Record<string, string> = {}): XmlElement => {
    const w = new XmlWriter().open('p:Root', ROOT_NS);
    new ValueEncoder(codec({ datetimeWrapper: true, typedValues })).writeInstance(w, inst, 'p', extra);
    return elements(parseXml(w.close().toString()))[0] as XmlElement;
  };

  it('names the class element and its type after the class, in the class resource URI namespace', () => {
    const fleet = ipamClass('MSFT_IPAM_Fleet');
    const el = write(instanceOf(fleet, { InstanceID: 'fleet', HostCount: 3 }), false, { 'b:IsCIM_Error': 'true', 'xmlns:b': NS.cimbinding });
    const uri = classUri('wmi', IPAM, 'MSFT_IPAM_Fleet');
    expect(el).toMatchObject({ ns: uri, local: 'MSFT_IPAM_Fleet' });
    expect(attr(el, XSI_NS, 'type')).toBe('p:MSFT_IPAM_Fleet_Type');
    expect(attr(el, NS.cimbinding, 'IsCIM_Error')).toBe('true');
    expect(elements(el).map((e) => [e.ns, e.local, textOf(e)])).toEqual([
      [uri, 'HostCount', '3'],
      [uri, 'InstanceID', 'fleet'],
    ]);
  });

  it('writes properties in ordinal (code unit) order, not declaration or case-insensitive order', () => {
    const s = (value: string): CimValue => ({ type: 'string', isArray: false, value });
    const inst: CimInstance = {
      kind: 'instance',
      className: 'T_Order',
      namespace: IPAM,
      properties: new Map([['b', s('1')], ['B', s('2')], ['a', s('3')], ['Z', s('4')], ['_x', s('5')]]),
    };
    expect(elements(write(inst)).map((e) => e.local)).toEqual(['B', 'Z', '_x', 'a', 'b']);
  });

  it('writes NULL properties as empty xsi:nil elements', () => {
    const el = write(instanceOf(ipamClass('MSFT_IPAM_Fleet'), { InstanceID: 'fleet' }));
    const hostCount = elements(el)[0] as XmlElement;
    expect(hostCount.local).toBe('HostCount');
    expect(attr(hostCount, XSI_NS, 'nil')).toBe('true');
    expect(hostCount.children).toEqual([]);
  });

  it('adds cim:cimXxx xsi:type to every property with typedValues', () => {
    const el = write(instanceOf(ipamClass('MSFT_IPAM_Fleet'), { InstanceID: 'fleet', HostCount: 2 }), true);
    expect(elements(el).map((e) => attr(e, XSI_NS, 'type'))).toEqual(['cim:cimUnsignedInt', 'cim:cimString']);
  });
});

describe('decodeValue: what clients send', () => {
  const port: TypedDecl = { name: 'Port', valueType: 'uint16', isArray: false };
  const at: TypedDecl = { name: 'At', valueType: 'datetime', isArray: false };
  const cimNs = `xmlns:p="${P}" xmlns:cim="${NS.cimCommon}"`;
  const dtText = (inner: string): string => (decodeXml(at, `<p:At>${inner}</p:At>`, cimNs).value as CimDateTime).toCimString();

  it('accepts xsi:nil with xsi bound to the XMLSchema URI (omicli) and with an unbound xsi prefix', () => {
    expect(decodeXml(port, '<p:Port xsi:nil="true"/>', `xmlns:p="${P}" xmlns:xsi="${XSD_NS}"`).value).toBeNull();
    expect(decodeXml(port, '<p:Port xsi:nil="true"/>', `xmlns:p="${P}"`).value).toBeNull();
    expect(decodeXml(port, '<p:Port xsi:nil="1"/>').value).toBeNull();
  });

  it('does not take xsi:nil="false" or a nil attribute of another namespace as NULL', () => {
    expect(decodeXml(port, '<p:Port xsi:nil="false">5</p:Port>').value).toBe(5);
    expect(decodeXml(port, '<p:Port o:nil="true" xmlns:o="urn:other">5</p:Port>').value).toBe(5);
  });

  it('accepts xsi:type naming an undeclared cim: prefix', () => {
    expect(decodeXml(port, '<p:Port xsi:type="cim:cimUnsignedShort">48885</p:Port>').value).toBe(48885);
  });

  it('reads no elements as NULL', () => {
    expect(decodeXml(port, '').value).toBeNull();
  });

  it.each([
    ['cim:Datetime', '<cim:Datetime>2014-04-03T14:45:50.46875+08:00</cim:Datetime>', '20140403144550.468750+480'],
    ['cim:DateTime', '<cim:DateTime>2014-04-03T14:45:50Z</cim:DateTime>', '20140403144550.000000+000'],
    ['cim:Interval', '<cim:Interval>P0DT0H1M40S</cim:Interval>', '00000000000140.000000:000'],
    ['cim:Date', '<cim:Date>2014-04-03</cim:Date>', '20140403000000.000000+000'],
    ['cim:Time', '<cim:Time>14:45:50</cim:Time>', '00000000144550.000000:000'],
    ['cim:CIM_DateTime', '<cim:CIM_DateTime> 20140403144550.000000-300 </cim:CIM_DateTime>', '20140403144550.000000-300'],
    ['plain CIM timestamp text', '20140403144550.000000-300', '20140403144550.000000-300'],
    ['plain CIM interval text', '00000001000000.000000:000', '00000001000000.000000:000'],
    ['plain xs:dateTime text', '2014-04-03T14:45:50-05:00', '20140403144550.000000-300'],
    ['plain xs:duration text', 'PT90M', '00000000013000.000000:000'],
    ['plain xs:date text', '2014-04-03', '20140403000000.000000+000'],
  ])('reads a datetime given as %s', (_name, inner, cim) => {
    expect(dtText(inner)).toBe(cim);
  });

  it('refuses an unknown datetime child element and more than one child, naming the parameter', () => {
    expect(() => dtText('<cim:Instant>x</cim:Instant>')).toThrow(/^At: unknown datetime element Instant/);
    expect(() => dtText('<cim:Date>2014-04-03</cim:Date><cim:Time>00:00:00</cim:Time>')).toThrow(/^At: a datetime holds one value/);
  });

  it('refuses a malformed datetime as a CimValueError naming the parameter', () => {
    expect(decodeError(at, '<p:At>2014-02-30T00:00:00Z</p:At>').message).toBe('At: day out of range');
  });

  it('refuses a scalar given twice', () => {
    expect(decodeError(port, '<p:Port>1</p:Port><p:Port>2</p:Port>').message).toBe('Port is not an array but was given 2 times');
  });

  it('refuses a NULL array member', () => {
    const ports: TypedDecl = { ...port, name: 'Ports', isArray: true };
    expect(decodeError(ports, '<p:Ports>1</p:Ports><p:Ports xsi:nil="true"/>').message).toBe('Ports[1] is null; arrays cannot hold null members');
  });

  it('refuses child elements where a scalar is expected', () => {
    expect(decodeError(port, '<p:Port><p:Inner>1</p:Inner></p:Port>').message).toMatch(/^Port: expected a uint16 value, found child elements/);
  });

  it.each([
    ['uint16', '65536'],
    ['uint16', '-1'],
    ['uint16', 'twelve'],
    ['sint8', '1.5'],
    ['real32', '1e39'],
    ['boolean', 'yes'],
  ])('refuses the %s text %j, naming the parameter', (type, text) => {
    const decl: TypedDecl = { name: 'Param', valueType: type as CimIntrinsicType, isArray: false };
    expect(decodeError(decl, `<p:Param>${text}</p:Param>`).message).toMatch(/^Param: /);
  });

  it('reads a reference given as an EndpointReference child', () => {
    const decl: TypedDecl = { name: 'Job', valueType: 'reference', isArray: false, refClass: 'CIM_ConcreteJob' };
    const inner =
      `<p:Job><a:EndpointReference><a:Address>${NS.addressing}/role/anonymous</a:Address><a:ReferenceParameters>` +
      `<w:ResourceURI>${classUri('wmi', IPAM, 'CIM_ConcreteJob')}</w:ResourceURI>` +
      '<w:SelectorSet><w:Selector Name="InstanceID">IPAM:Job:9</w:Selector></w:SelectorSet></a:ReferenceParameters></a:EndpointReference></p:Job>';
    const v = decodeXml(decl, inner, `xmlns:p="${P}" xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}"`);
    expect(v.value).toEqual({ kind: 'reference', className: 'CIM_ConcreteJob', namespace: IPAM, keys: [{ name: 'InstanceID', value: 'IPAM:Job:9' }] });
  });

  it('refuses a reference without ReferenceParameters as a CimValueError naming the parameter', () => {
    const decl: TypedDecl = { name: 'Job', valueType: 'reference', isArray: false, refClass: 'CIM_ConcreteJob' };
    expect(decodeError(decl, '<p:Job>IPAM:Job:9</p:Job>').message).toMatch(/^Job: /);
  });
});

describe('decodeValue: embedded instances', () => {
  const configUri = classUri('wmi', IPAM, 'MSFT_IPAM_ServerConfiguration');
  const output: TypedDecl = { name: 'Output', valueType: 'instance', isArray: false, embeddedClass: 'MSFT_IPAM_ServerConfiguration' };
  const read = (inner: string): CimInstance => decodeXml(output, inner).value as CimInstance;

  it('takes the class from the namespace of the properties when xsi:type is a cim: type', () => {
    const inst = read(`<p:Output xsi:type="cim:cimString"><c:InstanceID xmlns:c="${configUri}">cfg</c:InstanceID></p:Output>`);
    expect(inst.className).toBe('MSFT_IPAM_ServerConfiguration');
    expect(inst.properties.get('InstanceID')?.value).toBe('cfg');
    expect(inst.properties.get('Port')?.value).toBeNull();
  });

  it('takes the class from xsi:type when it names one, matching property names case-insensitively', () => {
    const inst = read(`<p:Output xmlns:q="${configUri}" xsi:type="q:MSFT_IPAM_ServerConfiguration_Type"><q:port>48885</q:port></p:Output>`);
    expect(inst.properties.get('Port')?.value).toBe(48885);
  });

  it('falls back to the declared class for an empty element', () => {
    expect(read('<p:Output/>').className).toBe('MSFT_IPAM_ServerConfiguration');
  });

  it('refuses an instance of a class that does not derive from the declared one', () => {
    const dbUri = classUri('wmi', IPAM, 'MSFT_IPAM_DBConfig');
    expect(decodeError(output, `<p:Output><d:InstanceID xmlns:d="${dbUri}">x</d:InstanceID></p:Output>`).message).toBe(
      'Output: embedded instance of MSFT_IPAM_DBConfig where MSFT_IPAM_ServerConfiguration is expected',
    );
  });

  it('refuses an unknown class and an unknown property', () => {
    expect(decodeError(output, '<p:Output><u:X xmlns:u="urn:x/MSFT_Nope">1</u:X></p:Output>').message).toBe('Output: embedded instance of unknown class MSFT_Nope');
    expect(decodeError(output, `<p:Output><c:Colour xmlns:c="${configUri}">blue</c:Colour></p:Output>`).message).toBe(
      'Output: MSFT_IPAM_ServerConfiguration has no property Colour',
    );
  });
});
