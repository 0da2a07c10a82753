/**
 * Near misses against the real class registry (schemas/mof): which part of a refused request
 * named something unknown, and what the emulator suggests instead.
 */
import { loadSchemas } from '../../../src/app';
import { IPAM_NAMESPACE } from '../../../src/providers/namespace';
import { nearMissesOf, type NearMissContext } from '../../../src/wsman/nearMiss';
import { ACTION } from '../../../src/wsman/namespaces';
import type { WsmanPlugin } from '../../../src/wsman/plugin';
import { parseRequest } from '../../../src/wsman/request';
import { parseXml } from '../../../src/xml/parse';
import { envelope, type EnvelopeSpec } from '../../support/soap';

const WMI = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/';
const DMTF = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/';
const SERVER = WMI + 'MSFT_IPAM_Server';
const SHELL = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
const KEYS = { Name: 'n', IdentifyingNumber: 'i', Vendor: 'v', Version: '1' };

const shellPlugin: WsmanPlugin = {
  resourceUri: SHELL,
  handle: () => Promise.reject(new Error('not served here')),
  journal: { door: 'shell', actions: [ACTION.create, ACTION.delete, 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command'], selectors: ['ShellId'], describe: () => ({}) },
};
const ctx: NearMissContext = { registry: loadSchemas(), visible: () => true, plugins: [shellPlugin] };

const misses = (spec: EnvelopeSpec, fault: string, c: NearMissContext = ctx) => nearMissesOf(parseRequest(parseXml(envelope(spec))), fault, c);

describe('near misses: the resource URI', () => {
  test('a misspelt class, WMI form: the class and the URI', () => {
    expect(misses({ action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_Servr' }, 'a:DestinationUnreachable')).toEqual([
      { kind: 'resourceUri', given: 'MSFT_IPAM_Servr', didYouMean: 'MSFT_IPAM_Server', hint: `did you mean MSFT_IPAM_Server? (${SERVER})`, suggested: { resourceUri: SERVER } },
    ]);
  });

  test('a DMTF URI without __cimnamespace: the class and the namespace selector', () => {
    const [m] = misses({ action: ACTION.get, resourceUri: DMTF + 'MSFT_IPAM_Server' }, 'a:DestinationUnreachable');
    expect(m).toMatchObject({
      kind: 'resourceUri',
      given: 'MSFT_IPAM_Server',
      didYouMean: 'MSFT_IPAM_Server / __cimnamespace=root/Microsoft/IPAM',
      suggested: { resourceUri: DMTF + 'MSFT_IPAM_Server', cimNamespace: IPAM_NAMESPACE },
    });
    expect(m?.hint).toBe(
      'did you mean MSFT_IPAM_Server / __cimnamespace=root/Microsoft/IPAM? (MSFT_IPAM_Server is in root/Microsoft/IPAM; a DMTF resource URI without __cimnamespace means root/cimv2)',
    );
  });

  test('a class in the wrong namespace of a WMI URI', () => {
    const [m] = misses({ action: ACTION.get, resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/MSFT_IPAM_Server' }, 'a:DestinationUnreachable');
    expect(m).toMatchObject({ didYouMean: 'MSFT_IPAM_Server / __cimnamespace=root/Microsoft/IPAM', suggested: { resourceUri: SERVER } });
  });

  test('a misspelt namespace with a wildcard URI: the namespace', () => {
    const [m] = misses({ action: ACTION.enumerate, resourceUri: 'http://schemas.dmtf.org/wbem/wscim/1/*', selectors: { __cimnamespace: 'root/Microsoft/IPM' } }, 'a:DestinationUnreachable');
    expect(m).toMatchObject({ kind: 'resourceUri', given: 'root/Microsoft/IPM', didYouMean: '__cimnamespace=root/Microsoft/IPAM', suggested: { cimNamespace: IPAM_NAMESPACE } });
  });

  test('a namespace the host lacks (no IPAM feature) is said so, with nothing to guess', () => {
    const noIpam: NearMissContext = { ...ctx, visible: (ns) => ns.toLowerCase() !== IPAM_NAMESPACE.toLowerCase() };
    const [m] = misses({ action: ACTION.get, resourceUri: SERVER }, 'a:DestinationUnreachable', noIpam);
    expect(m).toMatchObject({ kind: 'resourceUri', didYouMean: null, hint: 'the namespace root/Microsoft/IPAM is not available on this host' });
  });

  test('nothing close: what is known instead', () => {
    const [m] = misses({ action: ACTION.get, resourceUri: WMI + 'Zzzzzzzzzz' }, 'a:DestinationUnreachable');
    expect(m).toMatchObject({ kind: 'resourceUri', given: 'Zzzzzzzzzz', didYouMean: null });
    expect(m?.hint).toMatch(/^no class like Zzzzzzzzzz in root\/Microsoft\/IPAM; its classes: /);
  });

  test('a URI of neither form: the plugin URI it nearly is, or the class at its end', () => {
    expect(misses({ action: ACTION.create, resourceUri: SHELL + 'd' }, 'a:DestinationUnreachable')[0]).toMatchObject({ didYouMean: SHELL });
    expect(misses({ action: ACTION.get, resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/wnmi/root/microsoft/ipam/MSFT_IPAM_Server' }, 'a:DestinationUnreachable')[0]).toMatchObject({
      didYouMean: SERVER,
    });
  });
});

describe('near misses: Action, selectors, parameters', () => {
  test('a misspelt method: the method and its Action', () => {
    expect(misses({ action: `${SERVER}/UpdateIpamSrever`, resourceUri: SERVER }, 'a:ActionNotSupported')).toEqual([
      { kind: 'action', given: 'UpdateIpamSrever', didYouMean: 'UpdateIpamServer', hint: `did you mean UpdateIpamServer? (the Action ${SERVER}/UpdateIpamServer)`, suggested: { action: `${SERVER}/UpdateIpamServer` } },
    ]);
  });

  test('a method named after the wrong prefix: the right Action', () => {
    const [m] = misses({ action: `${DMTF}MSFT_IPAM_Server/UpdateIpamServer`, resourceUri: SERVER }, 'a:ActionNotSupported');
    expect(m).toMatchObject({ kind: 'action', didYouMean: `${SERVER}/UpdateIpamServer` });
  });

  test('a misspelt WS-Transfer Action', () => {
    expect(misses({ action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Gte', resourceUri: SERVER }, 'a:ActionNotSupported')[0]).toMatchObject({ kind: 'action', didYouMean: ACTION.get });
  });

  test('a known Action the emulator does not serve (Renew) is no near miss', () => {
    expect(misses({ action: ACTION.renew, resourceUri: SERVER }, 'a:ActionNotSupported')).toEqual([]);
  });

  test('wrong selector names, each with the key it most likely meant; a property that is not a key is said so', () => {
    const { Name, Vendor, ...rest } = KEYS;
    const found = misses({ action: ACTION.get, resourceUri: SERVER, selectors: { Nmae: Name, Vendr: Vendor, ...rest } }, 'w:InvalidSelectors');
    expect(found.map((m) => [m.kind, m.given, m.didYouMean])).toEqual([
      ['selector', 'Nmae', 'Name'],
      ['selector', 'Vendr', 'Vendor'],
    ]);
    const [p] = misses({ action: ACTION.get, resourceUri: SERVER, selectors: { ...KEYS, ServerName: 'x' } }, 'w:InvalidSelectors');
    expect(p).toMatchObject({ given: 'ServerName', didYouMean: null });
    expect(p?.hint).toContain('ServerName is a property but not a key of MSFT_IPAM_Server');
  });

  test('selectors on a static method are not looked at (the method ignores them)', () => {
    const body = `<p:UpdateIpamServer_INPUT xmlns:p="${SERVER}"><p:Forse>true</p:Forse></p:UpdateIpamServer_INPUT>`;
    const found = misses({ action: `${SERVER}/UpdateIpamServer`, resourceUri: SERVER, selectors: { Bogus: 'x' }, body }, 'w:InvalidParameter');
    expect(found.map((m) => [m.kind, m.given, m.didYouMean])).toEqual([['parameter', 'Forse', 'Force']]);
  });

  test('a misspelt parameter, and an output parameter sent as input', () => {
    const body = `<p:InvokeIpamServerProvisioning_INPUT xmlns:p="${SERVER}"><p:DatabaseCredentail>x</p:DatabaseCredentail><p:Job>y</p:Job></p:InvokeIpamServerProvisioning_INPUT>`;
    const found = misses({ action: `${SERVER}/InvokeIpamServerProvisioning`, resourceUri: SERVER, body }, 'w:InvalidParameter');
    expect(found.map((m) => [m.kind, m.given, m.didYouMean])).toEqual([
      ['parameter', 'DatabaseCredentail', 'DatabaseCredential'],
      ['parameter', 'Job', null],
    ]);
    expect(found[1]?.hint).toContain('Job is an output parameter of MSFT_IPAM_Server.InvokeIpamServerProvisioning');
    // The value is never part of a near miss.
    expect(JSON.stringify(found)).not.toContain('>x<');
  });

  test('the shell: a misspelt selector or Action', () => {
    expect(misses({ action: ACTION.delete, resourceUri: SHELL, selectors: { ShelId: 'A' } }, 'w:InvalidSelectors')[0]).toMatchObject({ kind: 'selector', didYouMean: 'ShellId' });
    expect(misses({ action: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Comand', resourceUri: SHELL }, 'a:ActionNotSupported')[0]).toMatchObject({
      kind: 'action',
      didYouMean: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command',
    });
  });

  test('only requests refused for an unknown name are looked at', () => {
    expect(misses({ action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_Servr' }, 'w:AccessDenied')).toEqual([]);
    expect(misses({ action: ACTION.get, resourceUri: SERVER, selectors: KEYS }, 'a:DestinationUnreachable')).toEqual([]);
  });
});
