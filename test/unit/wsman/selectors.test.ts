/**
 * Key selectors → CIM references, and instance matching (DSP0226 §7.2,
 * MS-WSMV 3.1.4.1.2; fault codes from wsman-facts.md §4).
 */
import { loadSchemas } from '../../../src/app';
import { parseMof } from '../../../src/cim/mof/parser';
import { ClassRegistry } from '../../../src/cim/registry';
import type { ResolvedClass } from '../../../src/cim/types';
import { instanceOf } from '../../../src/cim/values';
import { WsmanFault } from '../../../src/wsman/faults';
import type { Selector } from '../../../src/wsman/request';
import { instanceMatches, selectorsToReference } from '../../../src/wsman/selectors';

const FD = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/';

const TEST_MOF = `
class Test_Typed
{
    [Key] string Name;
    [Key] uint16 Port;
    [Key] boolean Enabled;
    string Note;
};
class Test_NoKeys
{
    string Note;
};
`;
const testRegistry = ClassRegistry.fromDeclarations('root/test', parseMof(TEST_MOF, 'test.mof'));

function cls(registry: ClassRegistry, ns: string, name: string): ResolvedClass {
  const c = registry.getClass(ns, name);
  if (!c) throw new Error(`no class ${name}`);
  return c;
}

const server = cls(loadSchemas(), 'root/Microsoft/IPAM', 'MSFT_IPAM_Server');
const typed = cls(testRegistry, 'root/test', 'Test_Typed');
const noKeys = cls(testRegistry, 'root/test', 'Test_NoKeys');

const sel = (pairs: Record<string, string>): Selector[] => Object.entries(pairs).map(([name, value]) => ({ name, value }));
const SERVER_KEYS = { Name: 'IPAM', IdentifyingNumber: 'ipam1.contoso.com', Vendor: 'Microsoft Corporation', Version: '10.0.20348' };

function faultOf(fn: () => unknown): WsmanFault {
  try {
    fn();
  } catch (e) {
    if (e instanceof WsmanFault) return e;
    throw e;
  }
  throw new Error('expected a WsmanFault');
}
const summary = (f: WsmanFault) => ({ fault: f.fault, detail: f.detailUri, code: f.winrmCode });

describe('selectorsToReference', () => {
  it('builds the reference in key order, with the class\'s own name spellings', () => {
    const ref = selectorsToReference(server, sel({ version: '10.0.20348', VENDOR: 'Microsoft Corporation', name: 'IPAM', IdentifyingNumber: 'ipam1.contoso.com' }));
    expect(ref).toEqual({
      kind: 'reference',
      className: 'MSFT_IPAM_Server',
      namespace: 'root/Microsoft/IPAM',
      keys: [
        { name: 'Name', value: 'IPAM' },
        { name: 'IdentifyingNumber', value: 'ipam1.contoso.com' },
        { name: 'Vendor', value: 'Microsoft Corporation' },
        { name: 'Version', value: '10.0.20348' },
      ],
    });
  });

  it('a selector that is not a key → UnexpectedSelectors (2150858843), naming the keys', () => {
    const f = faultOf(() => selectorsToReference(server, sel({ ...SERVER_KEYS, ServerName: 'ipam1' })));
    expect(summary(f)).toEqual({ fault: 'InvalidSelectors', detail: FD + 'UnexpectedSelectors', code: 2150858843 });
    expect(f.message).toContain('ServerName is not a key of MSFT_IPAM_Server (keys: Name, IdentifyingNumber, Vendor, Version).');
  });

  it('a selector that names no property at all → UnexpectedSelectors', () => {
    expect(faultOf(() => selectorsToReference(server, sel({ ...SERVER_KEYS, Bogus: '1' }))).detailUri).toBe(FD + 'UnexpectedSelectors');
  });

  it('any selector on a class without keys → UnexpectedSelectors', () => {
    expect(faultOf(() => selectorsToReference(noKeys, sel({ Note: 'x' }))).detailUri).toBe(FD + 'UnexpectedSelectors');
  });

  it('no selectors on a class without keys is the empty reference', () => {
    expect(selectorsToReference(noKeys, []).keys).toEqual([]);
  });

  it('a missing key → InsufficientSelectors (2150858842), naming it', () => {
    const { Vendor: _omitted, ...three } = SERVER_KEYS;
    const f = faultOf(() => selectorsToReference(server, sel(three)));
    expect(summary(f)).toEqual({ fault: 'InvalidSelectors', detail: FD + 'InsufficientSelectors', code: 2150858842 });
    expect(f.message).toContain('The key Vendor of MSFT_IPAM_Server is missing.');
  });

  it('no selectors on a keyed class → InsufficientSelectors', () => {
    expect(faultOf(() => selectorsToReference(server, [])).detailUri).toBe(FD + 'InsufficientSelectors');
  });

  it('normalises numeric and boolean keys to their canonical text', () => {
    const ref = selectorsToReference(typed, sel({ Name: ' Web ', Port: ' 0080 ', Enabled: 'TRUE' }));
    expect(ref.keys).toEqual([
      { name: 'Name', value: ' Web ' },
      { name: 'Port', value: '80' },
      { name: 'Enabled', value: 'true' },
    ]);
  });

  it.each([
    ['Port', 'eighty'],
    ['Port', '70000'],
    ['Port', '-1'],
    ['Enabled', 'yes'],
  ])('%s=%j does not parse as the key type → TypeMismatch (2150858844)', (name, value) => {
    const f = faultOf(() => selectorsToReference(typed, sel({ Name: 'a', Port: '1', Enabled: 'true', [name]: value })));
    expect(summary(f)).toEqual({ fault: 'InvalidSelectors', detail: FD + 'TypeMismatch', code: 2150858844 });
    expect(f.message).toContain(`'${value}'`);
  });

  it('an EndpointReference given for a string key → TypeMismatch', () => {
    const selectors: Selector[] = sel(SERVER_KEYS).map((s) =>
      s.name === 'Name' ? { ...s, value: '', epr: { ns: 'urn:x', local: 'EndpointReference', prefix: 'a', attrs: [], children: [], scope: new Map() } } : s,
    );
    expect(faultOf(() => selectorsToReference(server, selectors)).detailUri).toBe(FD + 'TypeMismatch');
  });
});

describe('instanceMatches', () => {
  const inst = instanceOf(typed, { Name: 'WebFarm', Port: 80, Enabled: true, Note: 'n' });
  const ref = (name: string, port: string, enabled = 'true') => selectorsToReference(typed, sel({ Name: name, Port: port, Enabled: enabled }));

  it('matches when every key value is equal', () => {
    expect(instanceMatches(inst, ref('WebFarm', '80'))).toBe(true);
  });

  it('compares string keys case-insensitively, as WMI does', () => {
    expect(instanceMatches(inst, ref('WEBFARM', '80'))).toBe(true);
    expect(instanceMatches(inst, ref('webfarm', '80'))).toBe(true);
  });

  it('does not match a different string, port or flag', () => {
    expect(instanceMatches(inst, ref('WebFarm2', '80'))).toBe(false);
    expect(instanceMatches(inst, ref('WebFarm', '81'))).toBe(false);
    expect(instanceMatches(inst, ref('WebFarm', '80', 'false'))).toBe(false);
  });

  it('matches a numeric key given in a non-canonical form, once normalised', () => {
    expect(instanceMatches(inst, ref('WebFarm', '+080'))).toBe(true);
  });

  it('an instance whose key is NULL matches nothing', () => {
    const nullKey = instanceOf(typed, { Name: null, Port: 80, Enabled: true });
    expect(instanceMatches(nullKey, ref('WebFarm', '80'))).toBe(false);
  });

  it('matches the real IPAM server keys case-insensitively', () => {
    const s = instanceOf(server, SERVER_KEYS);
    expect(instanceMatches(s, selectorsToReference(server, sel({ ...SERVER_KEYS, IdentifyingNumber: 'IPAM1.CONTOSO.COM' })))).toBe(true);
    expect(instanceMatches(s, selectorsToReference(server, sel({ ...SERVER_KEYS, IdentifyingNumber: 'ipam2.contoso.com' })))).toBe(false);
  });
});
