/**
 * ResourceURI resolution against the real class registry (schemas/mof):
 * MS-WSMV 3.1.4.1.1/3.1.4.1.2 URI forms, and the faults of wsman-facts.md §3.
 */
import { loadSchemas } from '../../../src/app';
import { WsmanFault } from '../../../src/wsman/faults';
import type { Selector } from '../../../src/wsman/request';
import { classUri, resolveResource, type ResolvedResource } from '../../../src/wsman/resource';

const WMI = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/';
const DMTF = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/';
const CIMXML = 'http://schemas.dmtf.org/wbem/cim-xml/2/cim-schema/2/';
const FD_INVALID_URI = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidResourceURI';
const IPAM_WMI = WMI + 'root/microsoft/ipam/';
const IPAM_NS = 'root/Microsoft/IPAM';

const registry = loadSchemas();
const ns = (value: string): Selector => ({ name: '__cimnamespace', value });
const resolve = (uri: string | undefined, selectors: Selector[] = []): ResolvedResource => resolveResource(registry, uri, selectors);

function faultOf(fn: () => unknown): WsmanFault {
  try {
    fn();
  } catch (e) {
    if (e instanceof WsmanFault) return e;
    throw e;
  }
  throw new Error('expected a WsmanFault');
}

const summary = (f: WsmanFault) => ({ fault: f.fault, code: f.spec.code, winrmCode: f.winrmCode, detail: f.detailUri });
const NOT_FOUND = { fault: 'DestinationUnreachable', code: 'Sender', winrmCode: 2150858752, detail: FD_INVALID_URI };
const NOT_IN_CATALOG = { fault: 'DestinationUnreachable', code: 'Sender', winrmCode: 2150858811, detail: FD_INVALID_URI };

describe('resolveResource: WMI and DMTF forms', () => {
  it('the WMI URI names a class in the namespace of its path', () => {
    const r = resolve(IPAM_WMI + 'MSFT_IPAM_Server');
    expect(r.form).toBe('wmi');
    expect(r.namespace).toBe(IPAM_NS);
    expect(r.cls?.name).toBe('MSFT_IPAM_Server');
    expect(r.isClassSchema).toBe(false);
  });

  it('the DMTF URI with __cimnamespace resolves to the same class, and __cimnamespace is not a key selector', () => {
    const key: Selector = { name: 'InstanceID', value: 'x' };
    const r = resolve(DMTF + 'MSFT_IPAM_ServerConfiguration', [ns('root/Microsoft/IPAM'), key]);
    expect(r.form).toBe('dmtf');
    expect(r.cls).toBe(resolve(IPAM_WMI + 'MSFT_IPAM_ServerConfiguration').cls);
    expect(r.keySelectors).toEqual([key]);
  });

  it.each([
    WMI + 'ROOT/Microsoft/Ipam/msft_ipam_server',
    'HTTP://SCHEMAS.MICROSOFT.COM/WBEM/WSMAN/1/WMI/root/microsoft/ipam/MSFT_IPAM_SERVER',
    `  ${IPAM_WMI}MSFT_IPAM_Server  `,
  ])('is case-insensitive in namespace and class and ignores surrounding blanks: %s', (uri) => {
    const r = resolve(uri);
    expect(r.cls?.name).toBe('MSFT_IPAM_Server');
    expect(r.namespace).toBe(IPAM_NS);
  });

  it.each(['root\\Microsoft\\IPAM', 'ROOT\\MICROSOFT\\IPAM', '/root/microsoft/ipam/'])(
    'accepts __cimnamespace %j (backslashes, any case, stray slashes)',
    (value) => {
      expect(resolve(DMTF + 'MSFT_IPAM_Server', [ns(value)]).namespace).toBe(IPAM_NS);
    },
  );

  it('matches the __cimnamespace selector name case-insensitively', () => {
    const r = resolve(DMTF + 'MSFT_IPAM_Server', [{ name: '__CIMNamespace', value: 'root/microsoft/ipam' }]);
    expect(r.namespace).toBe(IPAM_NS);
    expect(r.keySelectors).toEqual([]);
  });

  it('a WMI URI with an agreeing __cimnamespace (other case, backslashes) is accepted', () => {
    expect(resolve(IPAM_WMI + 'MSFT_IPAM_Server', [ns('Root\\Microsoft\\IPAM')]).cls?.name).toBe('MSFT_IPAM_Server');
  });

  it('a WMI URI with a disagreeing __cimnamespace → w:InternalError (Receiver) 2150859067, Windows\' text', () => {
    const f = faultOf(() => resolve(IPAM_WMI + 'MSFT_IPAM_Server', [ns('root/cimv2')]));
    expect({ fault: f.fault, code: f.spec.code, winrmCode: f.winrmCode }).toEqual({ fault: 'InternalError', code: 'Receiver', winrmCode: 2150859067 });
    expect(f.message).toBe(
      'The WS-Management service cannot process the request. The resource URI and __cimnamespace selector attempted to use different namespaces. ' +
        'Try removing the __cimnamespace selector or using a DMTF resource URI. If a non-DMTF resource URI is used with a __cimnamespace selector, the namespaces must match.',
    );
  });

  it('a DMTF URI without __cimnamespace means root/cimv2, where the IPAM class does not exist → not found', () => {
    expect(summary(faultOf(() => resolve(DMTF + 'MSFT_IPAM_Server')))).toEqual(NOT_FOUND);
  });

  it('a class that does not exist in the namespace → not found (2150858752)', () => {
    expect(summary(faultOf(() => resolve(IPAM_WMI + 'Win32_NoSuchClass')))).toEqual(NOT_FOUND);
  });

  it('a namespace that does not exist → not found (2150858752)', () => {
    expect(summary(faultOf(() => resolve(WMI + 'root/nowhere/Win32_Service')))).toEqual(NOT_FOUND);
    expect(faultOf(() => resolve(WMI + 'root/nowhere/Win32_Service')).message).toContain('root/nowhere does not exist');
  });
});

describe('resolveResource: URIs outside the catalog', () => {
  it.each([
    'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd',
    'http://schemas.microsoft.com/powershell/Microsoft.PowerShell',
    'urn:nonsense',
    WMI + 'MSFT_IPAM_Server',
  ])('%s → DestinationUnreachable 2150858811 naming the URI', (uri) => {
    const f = faultOf(() => resolve(uri));
    expect(summary(f)).toEqual(NOT_IN_CATALOG);
    expect(f.message).toBe(
      `The WS-Management service cannot process the request. The resource URI (${uri}) was not found in the WS-Management catalog. ` +
        'The catalog contains the metadata that describes resources, or logical endpoints.',
    );
  });

  it.each([undefined, ''])('a missing ResourceURI (%j) → DestinationUnreachable 2150858811', (uri) => {
    expect(summary(faultOf(() => resolve(uri)))).toEqual(NOT_IN_CATALOG);
  });

  it.each([
    ['an empty class', IPAM_WMI],
    ['a hyphen', IPAM_WMI + 'MSFT-IPAM-Server'],
    ['a leading digit', IPAM_WMI + '1Server'],
    ['a query string', IPAM_WMI + 'MSFT_IPAM_Server?x=1'],
    ['a DMTF path with a slash', DMTF + 'root/MSFT_IPAM_Server'],
    ['a DMTF URI with no class', DMTF],
  ])('a bad class name (%s) → not in the catalog', (_label, uri) => {
    expect(summary(faultOf(() => resolve(uri, [ns(IPAM_NS)])))).toEqual(NOT_IN_CATALOG);
  });
});

describe('resolveResource: wildcards and CIM-XML', () => {
  it('the DMTF wildcard URI names a namespace and no class', () => {
    const r = resolve('http://schemas.dmtf.org/wbem/wscim/1/*', [ns(IPAM_NS)]);
    expect(r).toMatchObject({ form: 'dmtf', namespace: IPAM_NS, cls: undefined, isClassSchema: false });
  });

  it('the WMI wildcard URI names its path namespace and no class', () => {
    const r = resolve(IPAM_WMI + '*');
    expect(r).toMatchObject({ form: 'wmi', namespace: IPAM_NS, cls: undefined });
  });

  it('the DMTF wildcard without __cimnamespace falls back to root/cimv2 (served since issue 10)', () => {
    expect(resolve('http://schemas.dmtf.org/wbem/wscim/1/*')).toMatchObject({ namespace: 'root/cimv2', cls: undefined });
  });

  it('a root/cimv2 class resolves in both forms', () => {
    expect(resolve(WMI + 'root/cimv2/Win32_Service').cls?.name).toBe('Win32_Service');
    expect(resolve(DMTF + 'Win32_Service').cls?.name).toBe('Win32_Service');
  });

  it('the CIM-XML URI of a class is flagged isClassSchema', () => {
    const r = resolve(CIMXML + 'MSFT_IPAM_Server', [ns(IPAM_NS)]);
    expect(r).toMatchObject({ form: 'dmtf', isClassSchema: true, namespace: IPAM_NS });
    expect(r.cls?.name).toBe('MSFT_IPAM_Server');
  });

  it('GetClass as the MI client sends it: CIM-XML `*` with ClassName kept as a key selector', () => {
    const className: Selector = { name: 'ClassName', value: 'MSFT_IPAM_Server' };
    const r = resolve(CIMXML + '*', [ns(IPAM_NS), className]);
    expect(r).toMatchObject({ isClassSchema: true, cls: undefined, namespace: IPAM_NS });
    expect(r.keySelectors).toEqual([className]);
  });
});

describe('classUri', () => {
  it('writes the WMI form with the lower-case namespace path, as Windows does', () => {
    expect(classUri('wmi', IPAM_NS, 'MSFT_IPAM_Server')).toBe('http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server');
  });

  it('writes the DMTF form without a namespace', () => {
    expect(classUri('dmtf', IPAM_NS, 'MSFT_IPAM_Server')).toBe('http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_IPAM_Server');
  });

  it.each(['wmi', 'dmtf'] as const)('a %s class URI resolves back to the class', (form) => {
    const r = resolve(classUri(form, IPAM_NS, 'MSFT_IPAM_DBConfig'), form === 'dmtf' ? [ns(IPAM_NS)] : []);
    expect(r.cls?.name).toBe('MSFT_IPAM_DBConfig');
    expect(r.form).toBe(form);
  });
});
