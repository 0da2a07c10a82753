/**
 * What the journal keeps of a request: operation, selectors, parameters with secrets redacted.
 */
import { loadSchemas } from '../../../src/app';
import { ACTION } from '../../../src/wsman/namespaces';
import { describeRequest, isSecretParameter, REDACTED, scrub } from '../../../src/wsman/requestFacts';
import { parseRequest } from '../../../src/wsman/request';
import { parseXml } from '../../../src/xml/parse';
import { envelope, IDENTIFY, type EnvelopeSpec } from '../../support/soap';

const WMI = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/';
const SERVER = WMI + 'MSFT_IPAM_Server';
const registry = loadSchemas();
const describe_ = (spec: EnvelopeSpec | string) => describeRequest(parseRequest(parseXml(typeof spec === 'string' ? spec : envelope(spec))), registry, undefined);

describe('request facts', () => {
  test('operations: Identify, Get, GetClass, Enumerate, Invoke with the method', () => {
    expect(describe_(IDENTIFY).facts.operation).toBe('Identify');
    expect(describe_({ action: ACTION.get, resourceUri: SERVER, selectors: { Name: 'x' } }).facts).toEqual({ operation: 'Get', door: 'cim', selectors: { Name: 'x' } });
    expect(describe_({ action: ACTION.get, resourceUri: 'http://schemas.dmtf.org/wbem/cim-xml/2/cim-schema/2/MSFT_IPAM_Server' }).facts.operation).toBe('GetClass');
    expect(describe_({ action: ACTION.enumerate, resourceUri: SERVER }).facts.operation).toBe('Enumerate');
    expect(describe_({ action: 'urn:nothing', resourceUri: SERVER }).facts.operation).toBeUndefined();
    const inv = describe_({ action: `${SERVER}/UpdateIpamServer`, resourceUri: SERVER, body: `<p:UpdateIpamServer_INPUT xmlns:p="${SERVER}"><p:Force>true</p:Force></p:UpdateIpamServer_INPUT>` });
    expect(inv.facts).toMatchObject({ operation: 'Invoke', methodName: 'UpdateIpamServer', parameters: { Force: 'true' } });
  });

  test('DatabaseCredential, HMACKey and undeclared parameters are redacted; the rest kept as text', () => {
    const body =
      `<p:InvokeIpamServerProvisioning_INPUT xmlns:p="${SERVER}">` +
      '<p:DatabaseServer>db1</p:DatabaseServer><p:databasecredential>CONTOSO\\sa:Pa55-Word!</p:databasecredential>' +
      '<p:Colour>blue</p:Colour><p:DatabasePort xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>' +
      '</p:InvokeIpamServerProvisioning_INPUT>';
    const d = describe_({ action: `${SERVER}/InvokeIpamServerProvisioning`, resourceUri: SERVER, body });
    expect(d.facts.parameters).toEqual({ DatabaseServer: 'db1', DatabaseCredential: REDACTED, Colour: REDACTED, DatabasePort: '<null>' });
    expect(d.secrets).toEqual(['CONTOSO\\sa:Pa55-Word!', 'Pa55-Word!']);
    const cfg = WMI + 'MSFT_IPAM_ServerConfiguration';
    const h = describe_({ action: `${cfg}/SetIpamConfiguration`, resourceUri: cfg, body: `<p:SetIpamConfiguration_INPUT xmlns:p="${cfg}"><p:HMACKey>k3y-k3y-k3y</p:HMACKey><p:Port>48885</p:Port></p:SetIpamConfiguration_INPUT>` });
    expect(h.facts.parameters).toEqual({ HMACKey: REDACTED, Port: '48885' });
  });

  test('a method of a class that does not exist keeps no parameter value', () => {
    const uri = WMI + 'MSFT_IPAM_Servr';
    const d = describe_({ action: `${uri}/Foo`, resourceUri: uri, body: `<p:Foo_INPUT xmlns:p="${uri}"><p:Name>secret?</p:Name></p:Foo_INPUT>` });
    expect(d.facts.parameters).toEqual({ Name: REDACTED });
  });

  test('secret names: Password, Credential, HmacKey, Secret, Token in any case', () => {
    for (const name of ['DatabaseCredential', 'HmacKey', 'AdminPassword', 'clientsecret', 'AccessToken']) expect(isSecretParameter(name)).toBe(true);
    for (const name of ['DatabaseServer', 'WidSchemaPath', 'Force']) expect(isSecretParameter(name)).toBe(false);
  });

  test('scrub replaces every secret form in a message', () => {
    expect(scrub('login sa:Pa55-Word! failed (Pa55-Word!)', ['sa:Pa55-Word!', 'Pa55-Word!'])).toBe(`login ${REDACTED} failed (${REDACTED})`);
  });
});

test('a selector or parameter named __proto__ is kept as a name like any other', () => {
  const d = describe_({ action: ACTION.get, resourceUri: SERVER, selectors: Object.fromEntries([['__proto__', 'x'], ['Name', 'n']]) });
  expect(Object.getPrototypeOf(d.facts.selectors)).toBe(Object.prototype);
  expect(Object.entries(d.facts.selectors ?? {})).toEqual([
    ['__proto__', 'x'],
    ['Name', 'n'],
  ]);
});
