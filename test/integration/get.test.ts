import { ACTION, DMTF, NS, WMI, bodyOf, call, child, elements, faultOf, headerText, propsOf } from '../support/soap';
import { startEmulator, type TestEmulator } from '../support/emulator';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.stop());

const KEYS = {
  Name: 'IP Address Management (IPAM) Server',
  IdentifyingNumber: 'ipam1.contoso.com',
  Vendor: 'Microsoft Corporation',
  Version: '10.0.20348',
};

describe('Get', () => {
  test('gets MSFT_IPAM_Server by its four keys through the WMI resource URI', async () => {
    const r = await call(emu.url, { action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_Server', selectors: KEYS, messageId: 'uuid:0F0F0F0F-1111-2222-3333-444444444444' });
    expect(r.status).toBe(200);
    expect(headerText(r.xml, NS.addressing, 'Action')).toBe(ACTION.getResponse);
    expect(headerText(r.xml, NS.addressing, 'RelatesTo')).toBe('uuid:0F0F0F0F-1111-2222-3333-444444444444');
    const inst = elements(bodyOf(r.xml))[0];
    expect(inst?.local).toBe('MSFT_IPAM_Server');
    expect(inst?.ns).toBe(WMI + 'MSFT_IPAM_Server');
    expect(propsOf(inst!)).toMatchObject({ ServerName: 'ipam1.contoso.com', ProvisioningState: '0', Vendor: 'Microsoft Corporation' });
  });

  test('the DMTF form with __cimnamespace names the same instance; namespace and key values compare case-insensitively', async () => {
    const r = await call(emu.url, {
      action: ACTION.get,
      resourceUri: DMTF + 'msft_ipam_server',
      selectors: { __cimnamespace: 'ROOT\\microsoft\\ipam', ...KEYS, IdentifyingNumber: 'IPAM1.CONTOSO.COM' },
    });
    expect(r.status).toBe(200);
    const inst = elements(bodyOf(r.xml))[0]!;
    expect(inst.ns).toBe(DMTF + 'MSFT_IPAM_Server');
    expect(propsOf(inst).IdentifyingNumber).toBe('ipam1.contoso.com');
  });

  test('a missing key is w:InvalidSelectors / InsufficientSelectors', async () => {
    const { Version: _v, ...partial } = KEYS;
    const f = faultOf((await call(emu.url, { action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_Server', selectors: partial })).xml);
    expect(f.subcode).toBe('w:InvalidSelectors');
    expect(f.detail).toBe('http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InsufficientSelectors');
    expect(f.wsmanCode).toBe('2150858842');
    expect(f.reason).toContain('Version');
  });

  test('a selector that is not a key is w:InvalidSelectors / UnexpectedSelectors (2150858843)', async () => {
    const r = await call(emu.url, { action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_Server', selectors: { ...KEYS, Colour: 'blue' } });
    expect(r.status).toBe(500);
    const f = faultOf(r.xml);
    expect(f.code).toBe('s:Sender');
    expect(f.subcode).toBe('w:InvalidSelectors');
    expect(f.wsmanCode).toBe('2150858843');
    expect(f.action).toBe(ACTION.wsmanFault);
  });

  test('keys that match no instance get the "cannot find the resource" fault Windows gives', async () => {
    const f = faultOf((await call(emu.url, { action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_Server', selectors: { ...KEYS, IdentifyingNumber: 'ipam9.contoso.com' } })).xml);
    expect(f.subcode).toBe('a:DestinationUnreachable');
    expect(f.wsmanCode).toBe('2150858752');
    expect(f.reason).toContain('cannot find the resource identified by the resource URI and selectors');
  });

  test('an unknown class is a:DestinationUnreachable naming the class', async () => {
    const f = faultOf((await call(emu.url, { action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_NoSuchClass', selectors: KEYS })).xml);
    expect(f.subcode).toBe('a:DestinationUnreachable');
    expect(f.reason).toContain('MSFT_IPAM_NoSuchClass');
  });

  test('a DMTF URI without __cimnamespace looks in root/cimv2, where IPAM classes do not exist', async () => {
    const f = faultOf((await call(emu.url, { action: ACTION.get, resourceUri: DMTF + 'MSFT_IPAM_Server', selectors: KEYS })).xml);
    expect(f.subcode).toBe('a:DestinationUnreachable');
    expect(f.reason).toContain('root/cimv2');
  });

  test('a WMI URI whose namespace disagrees with __cimnamespace is the InternalError Windows gives (MS-WSMV <46>)', async () => {
    const f = faultOf((await call(emu.url, { action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_Server', selectors: { __cimnamespace: 'root/cimv2', ...KEYS } })).xml);
    expect(f.code).toBe('s:Receiver');
    expect(f.subcode).toBe('w:InternalError');
    expect(f.wsmanCode).toBe('2150859067');
    expect(f.reason).toContain('__cimnamespace selector attempted to use different namespaces');
  });

  test('a resource URI no plugin serves is the catalog fault (2150858811)', async () => {
    // The cmd shell is a plugin (a Get needs its ShellId); a custom shell no plugin serves is not in the catalog.
    const f = faultOf((await call(emu.url, { action: ACTION.get, resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CustomShell' })).xml);
    expect(f.subcode).toBe('a:DestinationUnreachable');
    expect(f.wsmanCode).toBe('2150858811');
    expect(f.reason).toContain('was not found in the WS-Management catalog');
  });

  test('the namespace selector is a namespace of the emulator or the fault says which one is missing', async () => {
    const f = faultOf((await call(emu.url, { action: ACTION.get, resourceUri: DMTF + 'MSFT_IPAM_Server', selectors: { __cimnamespace: 'root/nowhere', ...KEYS } })).xml);
    expect(f.subcode).toBe('a:DestinationUnreachable');
    expect(f.reason).toContain('root/nowhere');
  });

  test('Put, Create and Delete are refused with a CIM NOT_SUPPORTED error: IPAM state changes only through methods', async () => {
    for (const action of [ACTION.put, ACTION.create, ACTION.delete]) {
      const f = faultOf((await call(emu.url, { action, resourceUri: WMI + 'MSFT_IPAM_Server', selectors: KEYS, body: '' })).xml);
      expect(f.subcode).toBe('w:UnsupportedFeature');
      expect(f.cimError?.CIMStatusCode).toBe('7');
    }
  });

  test('the reply envelope carries no OperationID even when the request did (no full duplex yet)', async () => {
    const r = await call(emu.url, {
      action: ACTION.get,
      resourceUri: WMI + 'MSFT_IPAM_Server',
      selectors: KEYS,
      headersXml: '<p:OperationID s:mustUnderstand="false">uuid:4A6E8B13-E127-4048-8FE8-60347BA49E0D</p:OperationID><p:SequenceId s:mustUnderstand="false">1</p:SequenceId>',
    });
    expect(r.status).toBe(200);
    const header = child(r.xml, NS.soap, 'Header')!;
    expect(child(header, NS.wsmv, 'OperationID')).toBeUndefined();
    expect(child(header, NS.wsmv, 'SequenceId')).toBeUndefined();
  });
});

describe('authorization', () => {
  test('ipamuser (IPAM Users) can read but not provision: w:AccessDenied with WinRM code 5', async () => {
    const { IPAMUSER } = await import('../support/soap');
    const r = await call(emu.url, { action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_Server', selectors: KEYS }, { Authorization: IPAMUSER });
    expect(r.status).toBe(200);
    const SERVER = WMI + 'MSFT_IPAM_Server';
    const denied = await call(
      emu.url,
      { action: `${SERVER}/InvokeIpamServerProvisioning`, resourceUri: SERVER, body: `<p:InvokeIpamServerProvisioning_INPUT xmlns:p="${SERVER}"><p:Force>true</p:Force></p:InvokeIpamServerProvisioning_INPUT>` },
      { Authorization: IPAMUSER },
    );
    const f = faultOf(denied.xml);
    expect(f.subcode).toBe('w:AccessDenied');
    expect(f.wsmanCode).toBe('5');
    expect(f.reason).toContain('Access is denied.');
    expect(f.reason).toContain('ipamuser');
    const still = await call(emu.url, { action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_Server', selectors: KEYS });
    expect(propsOf(elements(bodyOf(still.xml))[0]!).ProvisioningState).toBe('0');
  });
});
