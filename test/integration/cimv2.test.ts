/**
 * Issue 10: root/cimv2 exists on every Windows host. The emulator serves the classes tooling
 * asks first, read-only, from the fixture's host data; other classes there get the fault
 * Windows gives for an unknown class in an existing namespace.
 */
import path from 'node:path';
import { loadFixture, type Fixture } from '../../src/config/fixture';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { ACTION, DMTF, NS, WMI, bodyOf, call, child, elements, envelope, faultOf, itemsOf, propsOf, textOf } from '../support/soap';

const CIMV2 = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/';

function fixture(mutate: (fx: Fixture) => void = () => undefined): Fixture {
  const fx = loadFixture(path.join(__dirname, '..', '..', 'fixtures', 'contoso.json'));
  fx.machine = { memoryMb: 16384, processors: 2, logicalProcessors: 4 };
  fx.os = { ...fx.os, serialNumber: '00454-11111-22222-AA333', installDate: '2025-03-04T05:06:07Z' };
  fx.hosts.push({ fqdn: 'ipam2.contoso.com', domain: 'CONTOSO', accounts: [{ name: 'Administrator', password: 'Passw0rd!', groups: ['Administrators'] }], ipam: { feature: 'available' } });
  mutate(fx);
  return fx;
}

async function enumerate(emu: TestEmulator, cls: string, host?: string, filter?: string): Promise<Array<Record<string, string | null>>> {
  const body = filter
    ? `<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements><w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">${filter}</w:Filter></n:Enumerate>`
    : '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements></n:Enumerate>';
  const r = await call(emu.url, { action: ACTION.enumerate, resourceUri: CIMV2 + cls, body }, host ? { Host: host } : {});
  expect(r.status).toBe(200);
  return itemsOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse')!).map(propsOf);
}

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startEmulator({ fixture: fixture() });
});
afterAll(() => emu.stop());

describe('Win32_OperatingSystem', () => {
  test('a Get without selectors (a singleton) answers with the fixture host', async () => {
    const r = await call(emu.url, { action: ACTION.get, resourceUri: CIMV2 + 'Win32_OperatingSystem' });
    expect(r.status).toBe(200);
    const os = propsOf(elements(bodyOf(r.xml))[0]!);
    expect(os).toMatchObject({
      Caption: 'Microsoft Windows Server 2022 Datacenter',
      Version: '10.0.20348',
      BuildNumber: '20348',
      CSName: 'IPAM1',
      OSArchitecture: '64-bit',
      ProductType: '3',
      SerialNumber: '00454-11111-22222-AA333',
      TotalVisibleMemorySize: String(16384 * 1024),
      WindowsDirectory: 'C:\\Windows',
    });
    // Datetimes come as <cim:Datetime> inside the property (DSP0230).
    const inst = elements(bodyOf(r.xml))[0]!;
    const datetime = (name: string): string => textOf(elements(elements(inst).find((e) => e.local === name)!)[0]!);
    expect(datetime('InstallDate')).toBe('2025-03-04T05:06:07Z');
    expect(Date.parse(datetime('LastBootUpTime'))).toBeLessThanOrEqual(Date.now());
  });

  test('the DMTF form with __cimnamespace=root/cimv2, and without it (root/cimv2 is the default), name the same class', async () => {
    for (const selectors of [{ __cimnamespace: 'root/cimv2' }, {}] as Array<Record<string, string>>) {
      const r = await call(emu.url, { action: ACTION.get, resourceUri: DMTF + 'Win32_OperatingSystem', selectors });
      expect(r.status).toBe(200);
      expect(propsOf(elements(bodyOf(r.xml))[0]!).CSName).toBe('IPAM1');
    }
  });

  test('each host describes itself', async () => {
    const [os] = await enumerate(emu, 'Win32_OperatingSystem', 'ipam2.contoso.com');
    expect(os!.CSName).toBe('IPAM2');
  });
});

describe('Win32_ComputerSystem', () => {
  test('names the host, its domain and the fixture machine', async () => {
    const r = await call(emu.url, { action: ACTION.get, resourceUri: CIMV2 + 'Win32_ComputerSystem', selectors: { Name: 'IPAM1' } });
    expect(r.status).toBe(200);
    expect(propsOf(elements(bodyOf(r.xml))[0]!)).toMatchObject({
      Name: 'IPAM1',
      DNSHostName: 'ipam1',
      Domain: 'contoso.com',
      PartOfDomain: 'true',
      DomainRole: '3',
      NumberOfProcessors: '2',
      NumberOfLogicalProcessors: '4',
      TotalPhysicalMemory: String(16384 * 1024 * 1024),
    });
  });
});

describe('Win32_ServerFeature', () => {
  test('lists the IPAM feature and its management tools on a host that has them', async () => {
    const features = await enumerate(emu, 'Win32_ServerFeature');
    expect(features).toEqual(expect.arrayContaining([
      { ID: '409', ParentID: '0', Name: 'IP Address Management (IPAM) Server' },
      { ID: '410', ParentID: '265', Name: 'IP Address Management (IPAM) Client' },
    ]));
  });

  test('a host started without the feature does not list it', async () => {
    const names = (await enumerate(emu, 'Win32_ServerFeature', 'ipam2.contoso.com')).map((f) => f.Name);
    expect(names).toContain('Windows PowerShell');
    expect(names).not.toContain('IP Address Management (IPAM) Server');
  });

  test('a WQL query filters them', async () => {
    const found = await enumerate(emu, 'Win32_ServerFeature', undefined, 'SELECT * FROM Win32_ServerFeature WHERE ID = 409');
    expect(found.map((f) => f.Name)).toEqual(['IP Address Management (IPAM) Server']);
  });
});

describe('Win32_Service', () => {
  const service = async (name: string, host?: string): Promise<Record<string, string | null>> => {
    const r = await call(emu.url, { action: ACTION.get, resourceUri: CIMV2 + 'Win32_Service', selectors: { Name: name } }, host ? { Host: host } : {});
    expect(r.status).toBe(200);
    return propsOf(elements(bodyOf(r.xml))[0]!);
  };

  test('WinRM runs', async () => {
    expect(await service('WinRM')).toMatchObject({ State: 'Running', StartMode: 'Auto', DisplayName: 'Windows Remote Management (WS-Management)' });
  });

  test("the IPAM service's state follows provisioning; the WID service runs once IPAM uses WID", async () => {
    expect(await service('NetTcpActivator')).toMatchObject({ State: 'Stopped', StartMode: 'Manual' });
    expect((await service('MSSQL$MICROSOFT##WID')).State).toBe('Stopped');
    const provision = envelope({
      action: `${WMI}MSFT_IPAM_Server/InvokeIpamServerProvisioning`,
      resourceUri: WMI + 'MSFT_IPAM_Server',
      body: `<p:InvokeIpamServerProvisioning_INPUT xmlns:p="${WMI}MSFT_IPAM_Server"><p:Force>true</p:Force></p:InvokeIpamServerProvisioning_INPUT>`,
    });
    const { post, ADMIN } = await import('../support/soap');
    expect((await post(emu.url, provision, { Authorization: ADMIN })).status).toBe(200);
    expect(await service('NetTcpActivator')).toMatchObject({ State: 'Running', StartMode: 'Auto', Started: 'true' });
    expect(await service('WAS')).toMatchObject({ State: 'Running' });
    expect((await service('MSSQL$MICROSOFT##WID')).State).toBe('Running');
  });

  test('a host without the IPAM feature has none of its services', async () => {
    const names = (await enumerate(emu, 'Win32_Service', 'ipam2.contoso.com')).map((s) => s.Name);
    expect(names).toContain('WinRM');
    expect(names).not.toContain('NetTcpActivator');
    const f = faultOf((await call(emu.url, { action: ACTION.get, resourceUri: CIMV2 + 'Win32_Service', selectors: { Name: 'WAS' } }, { Host: 'ipam2.contoso.com' })).xml);
    expect(f.subcode).toBe('a:DestinationUnreachable');
    expect(f.wsmanCode).toBe('2150858752');
  });

  test('read-only: StartService of a running service answers 10 (already running); StopService is refused', async () => {
    const start = await call(emu.url, { action: `${CIMV2}Win32_Service/StartService`, resourceUri: CIMV2 + 'Win32_Service', selectors: { Name: 'Spooler' }, body: `<p:StartService_INPUT xmlns:p="${CIMV2}Win32_Service"/>` });
    expect(start.status).toBe(200);
    expect(propsOf(elements(bodyOf(start.xml))[0]!).ReturnValue).toBe('10');
    const stop = await call(emu.url, { action: `${CIMV2}Win32_Service/StopService`, resourceUri: CIMV2 + 'Win32_Service', selectors: { Name: 'Spooler' }, body: `<p:StopService_INPUT xmlns:p="${CIMV2}Win32_Service"/>` });
    expect(stop.status).toBe(500);
    expect(faultOf(stop.xml).subcode).toBe('w:UnsupportedFeature');
    expect((await service('Spooler')).State).toBe('Running');
  });
});

describe('other classes of root/cimv2', () => {
  test('Get of an unknown class is the not-found fault (2150858752) naming it', async () => {
    const f = faultOf((await call(emu.url, { action: ACTION.get, resourceUri: CIMV2 + 'Win32_Process', selectors: { Handle: '4' } })).xml);
    expect(f.subcode).toBe('a:DestinationUnreachable');
    expect(f.wsmanCode).toBe('2150858752');
    expect(f.reason).toContain('Win32_Process');
  });

  test('a WQL Enumerate of an unknown class is n:CannotProcessFilter, as Windows answers', async () => {
    const body = '<n:Enumerate><w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">SELECT * FROM Win32_Process</w:Filter></n:Enumerate>';
    const f = faultOf((await call(emu.url, { action: ACTION.enumerate, resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/*', body })).xml);
    expect(f.subcode).toBe('n:CannotProcessFilter');
  });

  test('the IPAM namespace is still there beside it', async () => {
    const r = await call(emu.url, { action: ACTION.enumerate, resourceUri: WMI + 'MSFT_IPAM_Server', body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' });
    expect(r.status).toBe(200);
  });
});
