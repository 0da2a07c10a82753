/**
 * The emulator inside a jest suite: one start for the file, a fleet reset before each test.
 * Run as shown in README.md ("Use it from your tests"); CI runs it against the packed tarball
 * (test/integration/pack.test.ts), so what users install is what is tested.
 */
import net from 'node:net';
import fs from 'node:fs';
import { startEmulator, provisionHost, ProvisioningMethod, AdminApiError, type RunningEmulator } from 'ipam-wsman-emulator';

const IPAM_SERVER = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server';

let emu: RunningEmulator;

beforeAll(async () => {
  // Free ports for every listener, a temporary data directory: nothing to configure.
  emu = await startEmulator({ hosts: 3, port: 0 });
});

afterAll(() => emu.stop());

beforeEach(() => emu.admin.reset());

test('provision one host through CIM, read it back through the admin API and the CIM door', async () => {
  const client = emu.client('ipam2.contoso.com');
  try {
    const result = await provisionHost(client, { ProvisioningMethod: ProvisioningMethod.Manual, Force: true });
    expect(result.returnValue).toBe(0);
    const [server] = await client.enumerate(IPAM_SERVER);
    expect(server?.ProvisioningState).toBe('2');
  } finally {
    client.close();
  }
  expect((await emu.admin.host('ipam2.contoso.com')).provisioningState).toBe('Provisioned');
  expect((await emu.admin.host('ipam1.contoso.com')).provisioningState).toBe('NotProvisioned');
  const [job] = await emu.admin.jobs({ host: 'ipam2.contoso.com' });
  expect(job?.stateName).toBe('Completed');
});

test('a fault rule makes the next provisioning fail, as a refused Invoke', async () => {
  const { id } = await emu.admin.addFault({ match: { host: 'ipam3.contoso.com', operation: 'Invoke' }, effect: { wsmanFault: { subcode: 'AccessDenied' } } });
  const client = emu.client('ipam3.contoso.com');
  try {
    await expect(provisionHost(client, { ProvisioningMethod: ProvisioningMethod.Manual, Force: true })).rejects.toThrow(/Access is denied/);
  } finally {
    client.close();
  }
  expect((await emu.admin.fault(id)).fired).toBe(1);
  expect((await emu.admin.host('ipam3.contoso.com')).provisioningState).toBe('NotProvisioned');
});

test('the admin client says what it refused', async () => {
  await expect(emu.admin.host('nowhere.contoso.com')).rejects.toBeInstanceOf(AdminApiError);
});

test('stop() leaves no port bound and no data directory; two emulators in one process do not interfere', async () => {
  const [a, b] = await Promise.all([startEmulator(), startEmulator()]);
  const client = a.client();
  try {
    await provisionHost(client, { ProvisioningMethod: ProvisioningMethod.Manual, Force: true });
  } finally {
    client.close();
  }
  expect((await a.admin.host('ipam1.contoso.com')).provisioningState).toBe('Provisioned');
  expect((await b.admin.host('ipam1.contoso.com')).provisioningState).toBe('NotProvisioned');
  await Promise.all([a.stop(), b.stop()]);
  for (const url of [a.url, a.httpsUrl, b.url, b.httpsUrl]) expect(await accepts(url as string)).toBe(false);
  expect(fs.existsSync(a.dataDir) || fs.existsSync(b.dataDir)).toBe(false);
});

function accepts(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(u.port), u.hostname);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
