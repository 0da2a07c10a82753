/**
 * The jest harness of docs/journal.md, run as written (but importing ../../src where a user
 * imports 'ipam-wsman-emulator'): an emulator in the test process, the project's WS-Man client
 * making the calls, and assertions on what the journal says the emulator received.
 */
import pino from 'pino';
import { BasicAuthenticator, Emulator, WsmanClient, WsmanFaultError, type JournalEntry, type JournalPage, type NearMiss } from '../../src';

const SERVER = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server';
const ADMIN = { user: 'Administrator', password: 'Passw0rd!' };

let emulator: Emulator;
let url: string;
let client: WsmanClient;

beforeAll(async () => {
  emulator = Emulator.create({ dataDir: ':memory:', journalSize: 1000, logger: pino({ level: 'warn' }) });
  url = (await emulator.start('127.0.0.1', 0, { httpsPort: false })).url;
  client = new WsmanClient({ endpoint: url, authenticator: new BasicAuthenticator(ADMIN.user, ADMIN.password) });
});

afterAll(async () => {
  client.close();
  await emulator.stop();
});

/** GET /_emulator/<list>?<filters>, as the fleet's administrator. */
async function journal<T>(list: 'requests' | 'near-misses', filters: Record<string, string | number> = {}): Promise<JournalPage<T>> {
  const query = new URLSearchParams(Object.entries(filters).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await fetch(url.replace(/\/wsman$/, `/_emulator/${list}?${query}`), {
    headers: { Authorization: 'Basic ' + Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64') },
  });
  if (!res.ok) throw new Error(`GET ${list}: ${res.status} ${await res.text()}`);
  return (await res.json()) as JournalPage<T>;
}

/** The newest sequence number so far: a test looks only at what comes after it. */
const mark = async (): Promise<number> => (await journal<JournalEntry>('requests', { limit: 1 })).lastSeq;

test('provisioning was asked for once, with the expected parameters, and the password was not kept', async () => {
  const since = await mark();
  const out = await client.invoke(SERVER, 'InvokeIpamServerProvisioning', {
    DatabaseServer: 'Db1.Contoso.com',
    DatabaseName: 'Ipamdb',
    DatabasePort: 1433,
    DatabaseAuthType: 2,
    DatabaseCredential: 'IpamSql:Sq1-Passw0rd!',
    Force: true,
  });
  expect(out.returnValue).toBe(0);

  const page = await journal<JournalEntry>('requests', { operation: 'Invoke', since });
  expect(page.entries).toHaveLength(1);
  expect(page.entries[0]).toMatchObject({
    methodName: 'InvokeIpamServerProvisioning',
    user: 'IPAM1\\Administrator',
    status: 200,
    fault: null,
    parameters: { DatabaseServer: 'Db1.Contoso.com', DatabasePort: '1433', DatabaseCredential: '<redacted>' },
  });
  expect(JSON.stringify(page)).not.toContain('Sq1-Passw0rd!');
});

test('a misspelt class name is a near miss that names the right class', async () => {
  const since = await mark();
  await expect(client.get(SERVER.replace('MSFT_IPAM_Server', 'MSFT_IPAM_Servr'), { Name: 'x' })).rejects.toBeInstanceOf(WsmanFaultError);

  const misses = await journal<NearMiss>('near-misses', { since });
  expect(misses.entries).toEqual([expect.objectContaining({ kind: 'resourceUri', given: 'MSFT_IPAM_Servr', didYouMean: 'MSFT_IPAM_Server', fault: 'a:DestinationUnreachable' })]);
});

test('no request since the mark was refused', async () => {
  const since = await mark();
  await client.enumerate(SERVER);
  const page = await journal<JournalEntry>('requests', { since });
  expect(page.entries.map((e) => e.operation)).toEqual(['Enumerate']);
  expect(page.entries.filter((e) => e.fault !== null || (e.status ?? 0) >= 400)).toEqual([]);
});
