import { loadSchemas } from '../../../src/app';
import { CimDateTime } from '../../../src/cim/datetime';
import { parseMof } from '../../../src/cim/mof/parser';
import { ClassRegistry } from '../../../src/cim/registry';
import type { CimIntrinsicType, CimReference, CimScalar, ResolvedClass } from '../../../src/cim/types';
import {
  CimValueError,
  cimValue,
  coerceScalar,
  instanceOf,
  parseScalarText,
  plain,
  referenceTo,
  scalarText,
} from '../../../src/cim/values';

const IPAM = 'root/Microsoft/IPAM';

function ipamClass(name: string): ResolvedClass {
  const cls = loadSchemas().getClass(IPAM, name);
  if (!cls) throw new Error(`${name} is not in the schemas`);
  return cls;
}

const INTEGER_RANGES: ReadonlyArray<[CimIntrinsicType, bigint, bigint]> = [
  ['uint8', 0n, 255n],
  ['sint8', -128n, 127n],
  ['uint16', 0n, 65535n],
  ['sint16', -32768n, 32767n],
  ['uint32', 0n, 4294967295n],
  ['sint32', -2147483648n, 2147483647n],
  ['uint64', 0n, 18446744073709551615n],
  ['sint64', -9223372036854775808n, 9223372036854775807n],
];

const is64 = (t: CimIntrinsicType): boolean => t === 'uint64' || t === 'sint64';
/** The representation the types contract promises: bigint for 64-bit integers, number otherwise. */
const asScalar = (t: CimIntrinsicType, n: bigint): number | bigint => (is64(t) ? n : Number(n));

describe('parseScalarText: integers', () => {
  describe.each(INTEGER_RANGES)('%s', (type, min, max) => {
    it(`accepts its minimum ${min} and maximum ${max}`, () => {
      expect(parseScalarText(type, min.toString())).toBe(asScalar(type, min));
      expect(parseScalarText(type, max.toString())).toBe(asScalar(type, max));
    });

    it(`refuses ${min - 1n} and ${max + 1n} as out of range`, () => {
      expect(() => parseScalarText(type, (min - 1n).toString())).toThrow(`${min - 1n} is out of range for ${type}`);
      expect(() => parseScalarText(type, (max + 1n).toString())).toThrow(`${max + 1n} is out of range for ${type}`);
    });
  });

  it('returns bigint for 64-bit types beyond the safe integer range, exactly', () => {
    expect(parseScalarText('uint64', '9007199254740993')).toBe(9007199254740993n);
    expect(parseScalarText('sint64', '-9007199254740993')).toBe(-9007199254740993n);
    expect(typeof parseScalarText('uint64', '1')).toBe('bigint');
    expect(typeof parseScalarText('uint32', '1')).toBe('number');
  });

  it('accepts surrounding whitespace and an explicit plus sign', () => {
    expect(parseScalarText('uint16', ' 48885\n')).toBe(48885);
    expect(parseScalarText('sint8', '+7')).toBe(7);
  });

  it.each(['', ' ', '0x10', '1.0', '1e2', '--1', '1 000', 'ten', '١'])('refuses %j as a uint32', (text) => {
    expect(() => parseScalarText('uint32', text)).toThrow(CimValueError);
  });
});

describe('parseScalarText: reals', () => {
  it.each([
    ['1.5', 1.5],
    ['-1.5E-3', -0.0015],
    ['.5', 0.5],
    ['5.', 5],
    ['+2', 2],
    ['1e10', 1e10],
  ])('reads %s', (text, value) => {
    expect(parseScalarText('real64', text)).toBe(value);
    expect(parseScalarText('real32', text)).toBe(value);
  });

  it('reads the xs:double specials INF, -INF and NaN', () => {
    expect(parseScalarText('real64', 'INF')).toBe(Infinity);
    expect(parseScalarText('real64', '-INF')).toBe(-Infinity);
    expect(parseScalarText('real32', 'NaN')).toBeNaN();
  });

  it.each(['inf', 'Infinity', '+INF', 'nan', 'abc', '', '1,5', '0x1p3'])('refuses %j', (text) => {
    expect(() => parseScalarText('real64', text)).toThrow(CimValueError);
  });

  it('accepts the largest real32 and refuses anything larger in magnitude', () => {
    expect(parseScalarText('real32', '3.4028234663852886e38')).toBe(3.4028234663852886e38);
    expect(() => parseScalarText('real32', '3.5e38')).toThrow('out of range for real32');
    expect(() => parseScalarText('real32', '-3.5e38')).toThrow('out of range for real32');
  });

  it('accepts for real64 what overflows real32', () => {
    expect(parseScalarText('real64', '1e300')).toBe(1e300);
  });
});

describe('parseScalarText: other types', () => {
  it.each([
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
    ['TRUE', true],
    ['False', false],
    [' true ', true],
  ])('reads the boolean %j', (text, value) => {
    expect(parseScalarText('boolean', text)).toBe(value);
  });

  it.each(['yes', 'no', '2', '', 't'])('refuses the boolean %j', (text) => {
    expect(() => parseScalarText('boolean', text)).toThrow(`'${text}' is not a boolean`);
  });

  it('reads a char16 of exactly one UTF-16 unit', () => {
    expect(parseScalarText('char16', 'x')).toBe('x');
    expect(parseScalarText('char16', ' ')).toBe(' ');
    expect(() => parseScalarText('char16', '')).toThrow(CimValueError);
    expect(() => parseScalarText('char16', 'ab')).toThrow(CimValueError);
    expect(() => parseScalarText('char16', '\u{1F600}')).toThrow(CimValueError);
  });

  it('keeps a string verbatim, whitespace included', () => {
    expect(parseScalarText('string', '  C:\\IPAM  ')).toBe('  C:\\IPAM  ');
  });

  it.each([
    ['a CIM timestamp', '20220510113045.000000-480', '20220510113045.000000-480'],
    ['a CIM interval', '00000001020304.000000:000', '00000001020304.000000:000'],
    ['an xs:dateTime', '2022-05-10T11:30:45Z', '20220510113045.000000+000'],
    ['an xs:duration', 'P1DT2H', '00000001020000.000000:000'],
    ['an xs:date', '2022-05-10', '20220510000000.000000+000'],
  ])('reads a datetime given as %s', (_name, text, cim) => {
    const d = parseScalarText('datetime', text);
    expect(d).toBeInstanceOf(CimDateTime);
    expect((d as CimDateTime).toCimString()).toBe(cim);
  });

  it('refuses text that is no datetime form', () => {
    expect(() => parseScalarText('datetime', 'yesterday')).toThrow(CimValueError);
  });

  it('refuses references and embedded instances, which have no text form', () => {
    expect(() => parseScalarText('reference', 'x')).toThrow('a reference has no text form');
    expect(() => parseScalarText('instance', 'x')).toThrow('a instance has no text form');
  });
});

describe('scalarText', () => {
  it('writes the canonical text of each kind of scalar', () => {
    expect(scalarText('boolean', true)).toBe('true');
    expect(scalarText('boolean', false)).toBe('false');
    expect(scalarText('uint64', 18446744073709551615n)).toBe('18446744073709551615');
    expect(scalarText('sint32', -5)).toBe('-5');
    expect(scalarText('real64', 1.5)).toBe('1.5');
    expect(scalarText('string', 'a b')).toBe('a b');
    expect(scalarText('datetime', CimDateTime.parseXsDuration('PT1M'))).toBe('00000000000100.000000:000');
  });

  it('writes real specials as INF, -INF and NaN', () => {
    expect(scalarText('real32', Infinity)).toBe('INF');
    expect(scalarText('real64', -Infinity)).toBe('-INF');
    expect(scalarText('real64', NaN)).toBe('NaN');
  });

  it.each<[CimIntrinsicType, CimScalar]>([
    ['real64', 1e21],
    ['real64', 1.5e-7],
    ['real64', 5e-324],
    ['real64', Number.MAX_VALUE],
    ['real32', -3.4028234663852886e38],
    ['real64', NaN],
    ['sint64', -9223372036854775808n],
    ['uint8', 255],
    ['boolean', false],
  ])('writes %s %p as text that parseScalarText reads back', (type, value) => {
    expect(parseScalarText(type, scalarText(type, value))).toEqual(value);
  });

  it('refuses a reference, which has no text form', () => {
    const ref: CimReference = { kind: 'reference', className: 'CIM_ConcreteJob', namespace: IPAM, keys: [] };
    expect(() => scalarText('reference', ref)).toThrow('a reference has no text form');
  });
});

describe('coerceScalar', () => {
  it('accepts the JavaScript type of each CIM type', () => {
    expect(coerceScalar('boolean', true, 'X.P')).toBe(true);
    expect(coerceScalar('string', 'abc', 'X.P')).toBe('abc');
    expect(coerceScalar('char16', 'a', 'X.P')).toBe('a');
    expect(coerceScalar('real64', 0.25, 'X.P')).toBe(0.25);
    expect(coerceScalar('uint16', 48885, 'X.P')).toBe(48885);
  });

  it('converts integers to the representation of the type: bigint for 64-bit, number otherwise', () => {
    expect(coerceScalar('uint64', 5, 'X.P')).toBe(5n);
    expect(coerceScalar('sint64', -5n, 'X.P')).toBe(-5n);
    expect(coerceScalar('uint32', 5n, 'X.P')).toBe(5);
  });

  it('turns a Date or a datetime string into a CimDateTime', () => {
    expect((coerceScalar('datetime', new Date(0), 'X.P') as CimDateTime).toCimString()).toBe('19700101000000.000000+000');
    expect((coerceScalar('datetime', 'PT5M', 'X.P') as CimDateTime).toCimString()).toBe('00000000000500.000000:000');
    const d = CimDateTime.parseXsDuration('PT1S');
    expect(coerceScalar('datetime', d, 'X.P')).toBe(d);
  });

  it.each<[CimIntrinsicType, unknown]>([
    ['uint32', '5'],
    ['boolean', 1],
    ['string', 5],
    ['string', null],
    ['char16', 'ab'],
    ['real64', '1.5'],
    ['uint8', 1.5],
    ['datetime', 12],
  ])('refuses %s from %p, naming what was being coerced', (type, value) => {
    expect(() => coerceScalar(type, value, 'MSFT_X.Prop')).toThrow(/^MSFT_X\.Prop: .* is not a valid /);
  });

  it('refuses integers out of the range of the type', () => {
    expect(() => coerceScalar('uint8', 256, 'X.P')).toThrow(CimValueError);
    expect(() => coerceScalar('sint64', 9223372036854775808n, 'X.P')).toThrow(CimValueError);
    expect(() => coerceScalar('uint32', -1, 'X.P')).toThrow(CimValueError);
  });

  it('names what was being coerced when an integer is out of range', () => {
    expect(() => coerceScalar('uint8', 256, 'MSFT_X.Prop')).toThrow(/MSFT_X\.Prop/);
  });

  it('refuses a real32 beyond the real32 range, as parseScalarText does', () => {
    expect(() => coerceScalar('real32', 1e39, 'MSFT_X.Prop')).toThrow(CimValueError);
  });

  it('tells references and embedded instances apart', () => {
    const ref: CimReference = { kind: 'reference', className: 'C', namespace: IPAM, keys: [] };
    const inst = { kind: 'instance', className: 'C', namespace: IPAM, properties: new Map() } as const;
    expect(coerceScalar('reference', ref, 'X.P')).toBe(ref);
    expect(coerceScalar('instance', inst, 'X.P')).toBe(inst);
    expect(() => coerceScalar('reference', inst, 'X.P')).toThrow('X.P: instance is not a valid reference');
    expect(() => coerceScalar('instance', ref, 'X.P')).toThrow('X.P: reference is not a valid instance');
  });
});

describe('cimValue', () => {
  const scalarDecl = { valueType: 'uint16', isArray: false } as const;
  const arrayDecl = { valueType: 'uint16', isArray: true } as const;

  it('makes null and undefined a CIM NULL', () => {
    expect(cimValue(scalarDecl, null, 'X.P')).toMatchObject({ type: 'uint16', isArray: false, value: null });
    expect(cimValue(arrayDecl, undefined, 'X.P')).toMatchObject({ type: 'uint16', isArray: true, value: null });
  });

  it('coerces every array member', () => {
    expect(cimValue({ valueType: 'uint64', isArray: true }, [1, 2n], 'X.P').value).toEqual([1n, 2n]);
  });

  it('names the index of a bad array member', () => {
    expect(() => cimValue(arrayDecl, [1, 'two'], 'X.P')).toThrow('X.P[1]: string two is not a valid uint16');
  });

  it('refuses an array for a scalar and a scalar for an array', () => {
    expect(() => cimValue(scalarDecl, [1], 'X.P')).toThrow('X.P: an array given for a scalar');
    expect(() => cimValue(arrayDecl, 1, 'X.P')).toThrow('X.P: expected an array');
  });

  it('keeps the referenced and embedded class of the declaration', () => {
    const v = cimValue({ valueType: 'instance', isArray: false, embeddedClass: 'MSFT_IPAM_DBConfig' }, null, 'X.P');
    expect(v.embeddedClass).toBe('MSFT_IPAM_DBConfig');
    const r = cimValue({ valueType: 'reference', isArray: true, refClass: 'CIM_ConcreteJob' }, [], 'X.P');
    expect(r).toMatchObject({ refClass: 'CIM_ConcreteJob', value: [] });
  });
});

describe('instanceOf and referenceTo on the IPAM schema', () => {
  const config = ipamClass('MSFT_IPAM_ServerConfiguration');

  it('builds an instance with every property of the class, in class order, absent ones NULL', () => {
    const inst = instanceOf(config, { InstanceID: 'cfg', Port: 48885 });
    expect(inst).toMatchObject({ kind: 'instance', className: 'MSFT_IPAM_ServerConfiguration', namespace: IPAM });
    expect([...inst.properties.keys()]).toEqual(config.properties.map((p) => p.name));
    expect(plain(inst.properties.get('InstanceID'))).toBe('cfg');
    expect(inst.properties.get('Port')).toMatchObject({ type: 'uint16', isArray: false, value: 48885 });
    expect(inst.properties.get('GpoPrefix')).toMatchObject({ type: 'string', value: null });
  });

  it('matches property names case-insensitively and stores them as declared', () => {
    const inst = instanceOf(config, { instanceid: 'cfg', GPOPREFIX: 'IPAM' });
    expect(plain(inst.properties.get('InstanceID'))).toBe('cfg');
    expect(plain(inst.properties.get('GpoPrefix'))).toBe('IPAM');
    expect(inst.properties.has('instanceid')).toBe(false);
  });

  it('throws for a property the class does not have', () => {
    expect(() => instanceOf(config, { Colour: 'blue' })).toThrow('MSFT_IPAM_ServerConfiguration has no property Colour');
  });

  it('coerces arrays of an array property', () => {
    const job = instanceOf(ipamClass('CIM_ConcreteJob'), { InstanceID: 'j1', OperationalStatus: [2, 17] });
    expect(job.properties.get('OperationalStatus')).toMatchObject({ type: 'uint16', isArray: true, value: [2, 17] });
  });

  it('names the class and property when a value is out of range', () => {
    expect(() => instanceOf(config, { Port: 70000 })).toThrow(/MSFT_IPAM_ServerConfiguration\.Port/);
  });

  it('names the class and property when a value has the wrong type', () => {
    expect(() => instanceOf(config, { Port: '48885' })).toThrow('MSFT_IPAM_ServerConfiguration.Port: string 48885 is not a valid uint16');
  });

  it('referenceTo takes the key values of the instance', () => {
    const job = ipamClass('CIM_ConcreteJob');
    expect(referenceTo(job, instanceOf(job, { InstanceID: 'IPAM:Job:1', Name: 'x' }))).toEqual({
      kind: 'reference',
      className: 'CIM_ConcreteJob',
      namespace: IPAM,
      keys: [{ name: 'InstanceID', value: 'IPAM:Job:1' }],
    });
  });

  it('referenceTo lists every key of a class with several, in key order', () => {
    const server = ipamClass('MSFT_IPAM_Server');
    const inst = instanceOf(server, { Version: '1.3', Vendor: 'Microsoft', Name: 'IPAM', IdentifyingNumber: 'ipam01' });
    expect(referenceTo(server, inst).keys).toEqual([
      { name: 'Name', value: 'IPAM' },
      { name: 'IdentifyingNumber', value: 'ipam01' },
      { name: 'Vendor', value: 'Microsoft' },
      { name: 'Version', value: '1.3' },
    ]);
  });

  it('referenceTo throws when a key is NULL', () => {
    const job = ipamClass('CIM_ConcreteJob');
    expect(() => referenceTo(job, instanceOf(job, {}))).toThrow('CIM_ConcreteJob instance has no value for key InstanceID');
  });

  it('referenceTo writes non-string keys in their canonical text form', () => {
    const mof = 'class T_Keyed { [Key] uint64 Id; [Key] boolean Flag; [Key] datetime At; };';
    const cls = ClassRegistry.fromDeclarations(IPAM, parseMof(mof, 'test.mof')).getClass(IPAM, 'T_Keyed') as ResolvedClass;
    const inst = instanceOf(cls, { Id: 18446744073709551615n, Flag: false, At: new Date('2024-01-02T03:04:05Z') });
    expect(referenceTo(cls, inst).keys).toEqual([
      { name: 'Id', value: '18446744073709551615' },
      { name: 'Flag', value: 'false' },
      { name: 'At', value: '20240102030405.000000+000' },
    ]);
  });

  it('plain gives null for a NULL or missing value and the scalar otherwise', () => {
    expect(plain(undefined)).toBeNull();
    expect(plain({ type: 'string', isArray: false, value: null })).toBeNull();
    expect(plain({ type: 'uint16', isArray: true, value: [1, 2] })).toEqual([1, 2]);
  });
});

test('a bad datetime text in an instance names the property, with the separator', () => {
  expect(() => instanceOf(ipamClass('MSFT_IPAM_ConcreteJob'), { TimeSubmitted: 'yesterday' })).toThrow("MSFT_IPAM_ConcreteJob.TimeSubmitted: 'yesterday' is not a datetime");
  expect(() => instanceOf(ipamClass('MSFT_IPAM_ConcreteJob'), { OperationalStatus: [2, 'x'] })).toThrow('MSFT_IPAM_ConcreteJob.OperationalStatus[1]: ');
});
