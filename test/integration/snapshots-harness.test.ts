/**
 * The jest harness of docs/snapshots.md, as a user writes it with the package (here imported from
 * src/): provision once through the client library, keep the fleet as a snapshot, restore it
 * before each test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { BasicAuthenticator, Emulator, WsmanClient, provisionHost } from '../../src';

const SERVER = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server';
const ADMIN = 'Basic ' + Buffer.from('Administrator:Passw0rd!').toString('base64');

let emulator: Emulator;
let url: string;

/** The admin API: JSON under /_emulator/, Basic credentials of an administrator. */
async function admin(p: string, method = 'GET', body?: unknown): Promise<unknown> {
  const res = await fetch(url.replace(/\/wsman$/, `/_emulator${p}`), {
    method,
    headers: { Authorization: ADMIN, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

function client(host: string): WsmanClient {
  return new WsmanClient({ endpoint: url, hostHeader: host, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
}

beforeAll(async () => {
  emulator = Emulator.create({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-')), logger: pino({ level: 'warn' }) });
  url = (await emulator.start('127.0.0.1', 0, { httpsPort: false })).url;
  // Once: provision ipam1, then keep that fleet as the snapshot "provisioned".
  const c = client('ipam1.contoso.com');
  await provisionHost(c, { Force: true });
  c.close();
  await admin('/snapshots', 'POST', { name: 'provisioned' });
});
beforeEach(async () => {
  await admin('/snapshots/provisioned/restore', 'POST');
});
afterAll(() => emulator.stop());

test('a test may reset the host', async () => {
  await admin('/hosts/ipam1.contoso.com/reset', 'POST');
  const c = client('ipam1.contoso.com');
  const [server] = await c.enumerate(SERVER);
  c.close();
  expect(server?.ProvisioningState).toBe('0');
});

test('the next test finds it provisioned again', async () => {
  const c = client('ipam1.contoso.com');
  const [server] = await c.enumerate(SERVER);
  c.close();
  expect(server?.ProvisioningState).toBe('2');
});
