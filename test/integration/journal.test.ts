/**
 * The request journal and its near misses (issue 12 item 4), over real sockets: what a harness
 * reads back from GET /_emulator/requests and /_emulator/near-misses after real requests, that
 * no password reaches it or the log, that it is bounded and reset with the fleet, and that its
 * filters answer or refuse precisely.
 */
import { ACTION, ADMIN, DMTF, IDENTIFY, WMI, basic, envelope, post } from '../support/soap';
import { ShellClient } from '../support/shell';
import { startEmulator, type TestEmulator } from '../support/emulator';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import type { JournalEntry, JournalPage } from '../../src/harness/journal';
import type { NearMiss } from '../../src/harness/nearMisses';

const SERVER = WMI + 'MSFT_IPAM_Server';
const SERVER_KEYS = { Name: 'IP Address Management (IPAM) Server', IdentifyingNumber: 'ipam1.contoso.com', Vendor: 'Microsoft Corporation', Version: '10.0.20348' };

function twoHosts(): Fixture {
  const base = contoso as Fixture;
  const template = base.hosts[0]!;
  return { ...base, hosts: [template, { ...template, fqdn: 'ipam2.contoso.com' }] };
}

async function admin<T>(emu: TestEmulator, path: string, method = 'GET'): Promise<{ status: number; body: T }> {
  const res = await fetch(emu.url.replace(/\/wsman$/, `/_emulator${path}`), { method, headers: { Authorization: ADMIN } });
  return { status: res.status, body: (await res.json()) as T };
}

const requests = async (emu: TestEmulator, query = ''): Promise<JournalPage<JournalEntry>> => {
  const r = await admin<JournalPage<JournalEntry>>(emu, `/requests${query}`);
  expect(r.status).toBe(200);
  return r.body;
};

const nearMisses = async (emu: TestEmulator, query = ''): Promise<JournalPage<NearMiss>> => {
  const r = await admin<JournalPage<NearMiss>>(emu, `/near-misses${query}`);
  expect(r.status).toBe(200);
  return r.body;
};

/** The newest journal entry (after the request a test just made). */
const last = async (emu: TestEmulator): Promise<JournalEntry> => {
  const page = await requests(emu, '?limit=1');
  expect(page.entries).toHaveLength(1);
  return page.entries[0]!;
};

/** The near misses of the newest request. */
const missesOfLast = async (emu: TestEmulator): Promise<NearMiss[]> => {
  const entry = await last(emu);
  const page = await nearMisses(emu, `?since=${entry.seq - 1}`);
  return page.entries.filter((m) => m.requestSeq === entry.seq);
};

const invoke = (method: string, params: string, resourceUri = SERVER): string =>
  envelope({ action: `${resourceUri}/${method}`, resourceUri, body: `<p:${method}_INPUT xmlns:p="${resourceUri}">${params}</p:${method}_INPUT>` });

describe('the request journal', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ fixture: twoHosts() });
  });
  afterAll(async () => {
    await emu.stop();
  });

  test('an entry gives time, client, user, host, operation, action, resource, selectors, status, fault, fault rule and duration', async () => {
    const r = await post(emu.url, envelope({ action: ACTION.get, resourceUri: SERVER, selectors: { ...SERVER_KEYS, IdentifyingNumber: 'nobody.contoso.com' } }));
    expect(r.status).toBe(500);
    const e = await last(emu);
    expect(e).toMatchObject({
      client: '127.0.0.1',
      user: 'IPAM1\\Administrator',
      auth: 'Basic',
      host: 'ipam1.contoso.com',
      httpMethod: 'POST',
      door: 'cim',
      operation: 'Get',
      action: ACTION.get,
      resourceUri: SERVER,
      selectors: { ...SERVER_KEYS, IdentifyingNumber: 'nobody.contoso.com' },
      parameters: null,
      status: 500,
      fault: 'a:DestinationUnreachable',
      faultRule: null,
      error: null,
    });
    expect(e.faultMessage).toContain('No MSFT_IPAM_Server instance');
    expect(typeof e.durationMs).toBe('number');
    expect(Number.isNaN(Date.parse(e.time))).toBe(false);
    expect(e.seq).toBeGreaterThan(0);
    // A missing instance with the right selector names is not a near miss.
    expect(await missesOfLast(emu)).toEqual([]);
  });

  test('CIM operations are named Identify, Get, GetClass, Enumerate, Pull, Invoke (with the method)', async () => {
    const page0 = await requests(emu, '?limit=1');
    await post(emu.url, IDENTIFY);
    await post(emu.url, envelope({ action: ACTION.get, resourceUri: 'http://schemas.dmtf.org/wbem/cim-xml/2/cim-schema/2/MSFT_IPAM_Server', selectors: { __cimnamespace: 'root/Microsoft/IPAM' } }));
    await post(emu.url, envelope({ action: ACTION.enumerate, resourceUri: SERVER, body: '<n:Enumerate/>' }));
    await post(emu.url, envelope({ action: ACTION.pull, resourceUri: SERVER, body: '<n:Pull><n:EnumerationContext>uuid:00000000-0000-0000-0000-000000000000</n:EnumerationContext></n:Pull>' }));
    await post(emu.url, invoke('UpdateIpamServer', '<p:Force>true</p:Force>'));
    const page = await requests(emu, `?since=${page0.lastSeq}`);
    expect(page.entries.map((e) => e.operation)).toEqual(['Identify', 'GetClass', 'Enumerate', 'Pull', 'Invoke']);
    expect(page.entries[4]).toMatchObject({ methodName: 'UpdateIpamServer', parameters: { Force: 'true' } });
  });

  test('shell requests are named Create, Command, Receive, Signal, Delete; a Command keeps its program only', async () => {
    const page0 = await requests(emu, '?limit=1');
    const shell = new ShellClient(emu.url);
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, 'cmd', ['/c', 'echo', 'Sh3ll-Arg-S3cret']);
    await shell.receiveAll(shellId, commandId);
    await shell.signal(shellId, commandId);
    await shell.delete(shellId);
    const entries = (await requests(emu, `?since=${page0.lastSeq}`)).entries;
    const ops = entries.map((e) => e.operation);
    expect(ops[0]).toBe('Create');
    expect(ops[1]).toBe('Command');
    expect(ops).toContain('Receive');
    expect(ops.slice(-2)).toEqual(['Signal', 'Delete']);
    expect(entries.every((e) => e.door === 'shell')).toBe(true);
    expect(entries[1]).toMatchObject({ parameters: { program: 'cmd' }, selectors: { ShellId: shellId } });
    expect(JSON.stringify(entries)).not.toContain('Sh3ll-Arg-S3cret');
  });

  test('requests refused at the HTTP layer are journaled: 401, 405, 413, 415, an unknown host', async () => {
    const page0 = await requests(emu, '?limit=1');
    await post(emu.url, envelope({ action: ACTION.get, resourceUri: SERVER }), { Authorization: '' });
    await post(emu.url, envelope({ action: ACTION.get, resourceUri: SERVER }), { Authorization: basic('Administrator', 'wrong') });
    await fetch(emu.url, { method: 'GET' });
    await post(emu.url, 'x'.repeat(600_000));
    await post(emu.url, envelope({ action: ACTION.get, resourceUri: SERVER }), { 'Content-Type': 'text/plain' });
    await post(emu.url, IDENTIFY, { Host: 'nowhere.contoso.com' });
    const entries = (await requests(emu, `?since=${page0.lastSeq}`)).entries;
    expect(entries.map((e) => e.status)).toEqual([401, 401, 405, 413, 415, 500]);
    expect(entries[1]).toMatchObject({ user: 'Administrator', error: expect.stringContaining('logon failed') });
    expect(entries[2]).toMatchObject({ httpMethod: 'GET', operation: null });
    expect(entries[3]).toMatchObject({ fault: 'w:EncodingLimit' });
    expect(entries[5]).toMatchObject({ host: 'nowhere.contoso.com', fault: 'a:DestinationUnreachable' });
  });

  test('passwords (DatabaseCredential, HMACKey, Basic) are nowhere in the journal, the near misses or the log', async () => {
    const dbPassword = 'Db-Cr3d-Passw0rd';
    const typoPassword = 'Typo-Cr3d-Passw0rd';
    const hmac = 'Hmac-S3cret-Key-Value';
    const basicPassword = 'Wr0ng-Basic-Passw0rd';
    const sqlParams = (credential: string, name = 'DatabaseCredential') =>
      `<p:DatabaseServer>Db1.Contoso.com</p:DatabaseServer><p:DatabaseName>Ipamdb</p:DatabaseName><p:DatabasePort>1433</p:DatabasePort><p:DatabaseAuthType>2</p:DatabaseAuthType><p:${name}>${credential}</p:${name}>`;
    const page0 = await requests(emu, '?limit=1');
    // Refused (the login has no such password), so the host stays as it is.
    await post(emu.url, invoke('InvokeIpamServerProvisioning', sqlParams(`IpamSql:${dbPassword}`)));
    await post(emu.url, invoke('InvokeIpamServerProvisioning', sqlParams(`IpamSql:${typoPassword}`, 'DatabaseCredentail')));
    const config = WMI + 'MSFT_IPAM_ServerConfiguration';
    await post(emu.url, invoke('SetIpamConfiguration', `<p:HMACKey>${hmac}</p:HMACKey>`, config));
    await post(emu.url, IDENTIFY, { Authorization: basic('Administrator', basicPassword) });
    await post(emu.url, envelope({ action: ACTION.get, resourceUri: SERVER, selectors: SERVER_KEYS }), { Authorization: basic('Administrator', basicPassword) });

    const entries = (await requests(emu, `?since=${page0.lastSeq}`)).entries;
    expect(entries).toHaveLength(5);
    expect(entries[0]!.parameters).toMatchObject({ DatabaseServer: 'Db1.Contoso.com', DatabaseCredential: '<redacted>' });
    expect(entries[1]!.parameters).toMatchObject({ DatabaseCredentail: '<redacted>' });
    expect(entries[2]!.parameters).toMatchObject({ HMACKey: '<redacted>' });
    const everything = JSON.stringify(await admin(emu, '/requests?limit=10000')) + JSON.stringify(await admin(emu, '/near-misses?limit=10000'));
    const logs = emu.logs().join('\n');
    for (const secret of [dbPassword, typoPassword, hmac, basicPassword, 'Passw0rd!', Buffer.from(`Administrator:${basicPassword}`).toString('base64'), ADMIN.slice(6)]) {
      expect(everything).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    // The log line never carries the journal's request content.
    expect(logs).not.toContain('"parameters"');
  });
});

describe('near misses', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu.stop();
  });

  test('a wrong class name is listed with the right one suggested (WMI form)', async () => {
    const r = await post(emu.url, envelope({ action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_Servr', selectors: SERVER_KEYS }));
    expect(r.status).toBe(500);
    const [miss, ...more] = await missesOfLast(emu);
    expect(more).toEqual([]);
    expect(miss).toMatchObject({ kind: 'resourceUri', given: 'MSFT_IPAM_Servr', didYouMean: 'MSFT_IPAM_Server', fault: 'a:DestinationUnreachable', operation: 'Get', host: 'ipam1.contoso.com' });
    expect(miss!.suggested.resourceUri).toBe(SERVER);
    expect(miss!.hint).toContain('did you mean MSFT_IPAM_Server?');
  });

  test('a DMTF URI without __cimnamespace is told the namespace', async () => {
    await post(emu.url, envelope({ action: ACTION.get, resourceUri: DMTF + 'MSFT_IPAM_Server', selectors: SERVER_KEYS }));
    const [miss] = await missesOfLast(emu);
    expect(miss).toMatchObject({
      kind: 'resourceUri',
      didYouMean: 'MSFT_IPAM_Server / __cimnamespace=root/Microsoft/IPAM',
      suggested: { resourceUri: DMTF + 'MSFT_IPAM_Server', cimNamespace: 'root/Microsoft/IPAM' },
    });
    expect(miss!.hint).toContain('did you mean MSFT_IPAM_Server / __cimnamespace=root/Microsoft/IPAM?');
  });

  test('a misspelt class in a DMTF URI with the right namespace', async () => {
    await post(emu.url, envelope({ action: ACTION.get, resourceUri: DMTF + 'msft_ipam_sever', selectors: { ...SERVER_KEYS, __cimnamespace: 'root/Microsoft/IPAM' } }));
    const [miss] = await missesOfLast(emu);
    expect(miss).toMatchObject({ kind: 'resourceUri', given: 'msft_ipam_sever', didYouMean: 'MSFT_IPAM_Server' });
  });

  test('a wrong selector name is listed with the key it most likely meant', async () => {
    const { Name, ...rest } = SERVER_KEYS;
    const r = await post(emu.url, envelope({ action: ACTION.get, resourceUri: SERVER, selectors: { Nmae: Name, ...rest } }));
    expect(r.status).toBe(500);
    const misses = await missesOfLast(emu);
    expect(misses).toHaveLength(1);
    expect(misses[0]).toMatchObject({ kind: 'selector', given: 'Nmae', didYouMean: 'Name', fault: 'w:InvalidSelectors' });
    expect(misses[0]!.hint).toContain('Name, IdentifyingNumber, Vendor, Version');
  });

  test('a wrong method name in the Action is listed with the method', async () => {
    const r = await post(emu.url, invoke('InvokeIpamServerProvisionin', '<p:Force>true</p:Force>'));
    expect(r.status).toBe(500);
    const [miss] = await missesOfLast(emu);
    expect(miss).toMatchObject({
      kind: 'action',
      given: 'InvokeIpamServerProvisionin',
      didYouMean: 'InvokeIpamServerProvisioning',
      fault: 'a:ActionNotSupported',
      suggested: { action: `${SERVER}/InvokeIpamServerProvisioning` },
    });
  });

  test('a misspelt WS-Transfer Action is listed with the Action', async () => {
    await post(emu.url, envelope({ action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Gett', resourceUri: SERVER, selectors: SERVER_KEYS }));
    const [miss] = await missesOfLast(emu);
    expect(miss).toMatchObject({ kind: 'action', didYouMean: ACTION.get });
  });

  test('a wrong method parameter name is listed with the parameter, its value not kept', async () => {
    const r = await post(emu.url, invoke('InvokeIpamServerProvisioning', '<p:WidSchemaPth>D:\\ipam</p:WidSchemaPth>'));
    expect(r.status).toBe(500);
    const entry = await last(emu);
    expect(entry).toMatchObject({ fault: 'w:InvalidParameter', parameters: { WidSchemaPth: '<redacted>' } });
    const [miss] = await missesOfLast(emu);
    expect(miss).toMatchObject({ kind: 'parameter', given: 'WidSchemaPth', didYouMean: 'WidSchemaPath' });
  });

  test('a shell request with a misspelt selector is listed with ShellId', async () => {
    await post(emu.url, envelope({ action: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command', resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd', selectors: { ShelId: 'ABC' }, body: '' }));
    const [miss] = await missesOfLast(emu);
    expect(miss).toMatchObject({ kind: 'selector', given: 'ShelId', didYouMean: 'ShellId', operation: 'Command' });
  });

  test('a misspelt shell resource URI is listed with the shell URI', async () => {
    await post(emu.url, envelope({ action: ACTION.create, resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmdd', body: '' }));
    const [miss] = await missesOfLast(emu);
    expect(miss).toMatchObject({ kind: 'resourceUri', didYouMean: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd' });
  });

  test('the kind filter picks near misses of one kind', async () => {
    const page = await nearMisses(emu, '?kind=selector&limit=50');
    expect(page.entries.length).toBeGreaterThan(0);
    expect(page.entries.every((m) => m.kind === 'selector')).toBe(true);
  });
});

describe('bounds, resets and filters', () => {
  const running: TestEmulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.stop()));
  });
  const fresh = async (opts: Parameters<typeof startEmulator>[0] = {}): Promise<TestEmulator> => {
    const emu = await startEmulator(opts);
    running.push(emu);
    return emu;
  };

  test('a journal of size N keeps the newest N requests', async () => {
    const emu = await fresh({ journalSize: 3 });
    for (let i = 0; i < 5; i++) await post(emu.url, envelope({ action: ACTION.get, resourceUri: SERVER, selectors: { ...SERVER_KEYS, Name: `n${i}` } }));
    const page = await requests(emu, '?limit=3');
    expect(page.capacity).toBe(3);
    expect(page.lastSeq).toBe(5);
    expect(page.entries.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(page.entries.map((e) => e.selectors.Name)).toEqual(['n2', 'n3', 'n4']);
    // Without limit: the journal's size when it is below the default of 100.
    expect((await requests(emu)).entries).toHaveLength(3);
    const tooMany = await admin<{ error: string }>(emu, '/requests?limit=4');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toContain('from 1 to 3');
  });

  test('size 0 turns the journal off: the lists answer 404 and say so', async () => {
    const emu = await fresh({ journalSize: 0 });
    await post(emu.url, IDENTIFY);
    for (const list of ['/requests', '/near-misses']) {
      const r = await admin<{ error: string }>(emu, list);
      expect(r.status).toBe(404);
      expect(r.body.error).toContain('journal is off');
    }
    // The log line is still written.
    expect(emu.logs().some((l) => l.includes('"msg":"request"') && l.includes('"op":"Identify"'))).toBe(true);
  });

  test('a fleet reset empties the journal and the near misses; a host reset only its own entries', async () => {
    const emu = await fresh({ fixture: twoHosts() });
    for (const host of ['ipam1.contoso.com', 'ipam2.contoso.com']) {
      await post(emu.url, envelope({ action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_Servr', selectors: SERVER_KEYS }), { Host: host });
    }
    expect((await requests(emu)).entries.map((e) => e.host)).toEqual(['ipam1.contoso.com', 'ipam2.contoso.com']);
    expect((await nearMisses(emu)).entries).toHaveLength(2);

    expect((await admin(emu, '/hosts/ipam1.contoso.com/reset', 'POST')).status).toBe(200);
    expect((await requests(emu)).entries.map((e) => e.host)).toEqual(['ipam2.contoso.com']);
    expect((await nearMisses(emu)).entries.map((m) => m.host)).toEqual(['ipam2.contoso.com']);

    expect((await admin(emu, '/reset', 'POST')).status).toBe(200);
    const after = await requests(emu);
    expect(after.entries).toEqual([]);
    expect(after.lastSeq).toBe(2);
    expect((await nearMisses(emu)).entries).toEqual([]);
    // Numbering goes on after a reset, so a `since` mark taken before it stays valid.
    await post(emu.url, IDENTIFY);
    expect((await requests(emu)).entries.map((e) => e.seq)).toEqual([3]);
  });

  test('filters: host (FQDN or NetBIOS, any case), operation, status, fault (with or without prefix), since, limit', async () => {
    const emu = await fresh({ fixture: twoHosts() });
    await post(emu.url, IDENTIFY, { Host: 'ipam1.contoso.com' });
    await post(emu.url, envelope({ action: ACTION.get, resourceUri: SERVER, selectors: { Nmae: 'x' } }), { Host: 'ipam2.contoso.com' });
    await post(emu.url, envelope({ action: ACTION.enumerate, resourceUri: SERVER, body: '<n:Enumerate/>' }), { Host: 'ipam2.contoso.com' });
    await post(emu.url, IDENTIFY, { Host: 'ipam2.contoso.com', Authorization: basic('Administrator', 'nope') });

    const seqs = async (q: string): Promise<number[]> => (await requests(emu, q)).entries.map((e) => e.seq);
    expect(await seqs('?host=IPAM2')).toEqual([2, 3, 4]);
    expect(await seqs('?host=ipam1.CONTOSO.com')).toEqual([1]);
    // The refused logon never got as far as the envelope: it names no operation.
    expect(await seqs('?operation=identify')).toEqual([1]);
    expect(await seqs('?status=500')).toEqual([2]);
    expect(await seqs('?status=401')).toEqual([4]);
    expect(await seqs('?fault=w:InvalidSelectors')).toEqual([2]);
    expect(await seqs('?fault=invalidselectors')).toEqual([2]);
    expect(await seqs('?fault=a:DestinationUnreachable')).toEqual([]);
    expect(await seqs('?since=2')).toEqual([3, 4]);
    expect(await seqs('?since=2000-01-01T00:00:00Z')).toEqual([1, 2, 3, 4]);
    expect(await seqs('?since=2999-01-01T00:00:00.000%2B01:00')).toEqual([]);
    expect(await seqs('?host=ipam2&limit=2')).toEqual([3, 4]);
    const page = await requests(emu, '?host=ipam2&limit=2');
    expect(page.matched).toBe(3);
    expect((await nearMisses(emu, '?host=ipam2')).entries.map((m) => m.requestSeq)).toEqual([2]);
    expect((await nearMisses(emu, '?host=ipam1')).entries).toEqual([]);
  });

  describe('bad filters', () => {
    let emu: TestEmulator;
    beforeAll(async () => {
      emu = await startEmulator();
    });
    afterAll(async () => {
      await emu.stop();
    });
    test.each([
      ['?host=ipam9', "no host 'ipam9' in the fleet"],
      ['?operation=Frobnicate', "unknown operation 'Frobnicate'"],
      ['?status=abc', "status must be an HTTP status code (100 to 599), not 'abc'"],
      ['?status=700', 'status must be an HTTP status code'],
      ['?fault=NoSuchFault', "unknown fault 'NoSuchFault'"],
      ['?fault=a:InvalidSelectors', "unknown fault 'a:InvalidSelectors'"],
      ['?since=yesterday', "since must be a journal sequence number"],
      ['?since=2026-13-45', 'since must be'],
      ['?limit=0', "limit must be a whole number from 1 to 10000 (the journal's size), not '0'"],
      ['?limit=ten', 'limit must be a whole number'],
      ['?hots=ipam1', "unknown filter 'hots'"],
      ['?host=ipam1&host=ipam2', "give the filter 'host' once"],
      ['?kind=selector', "unknown filter 'kind'"],
    ])('GET /_emulator/requests%s is a 400 naming the problem', async (query, message) => {
      const r = await admin<{ error: string }>(emu, `/requests${query}`);
      expect(r.status).toBe(400);
      expect(r.body.error).toContain(message);
    });

    test('GET /_emulator/near-misses refuses a status filter and an unknown kind', async () => {
      for (const [q, msg] of [['?status=500', "unknown filter 'status'"], ['?kind=class', "unknown kind 'class'"]] as const) {
        const r = await admin<{ error: string }>(emu, `/near-misses${q}`);
        expect(r.status).toBe(400);
        expect(r.body.error).toContain(msg);
      }
    });

    test('the endpoint list names the journal', async () => {
      const r = await admin<{ endpoints: string[] }>(emu, '/');
      expect(r.body.endpoints).toEqual(expect.arrayContaining(['GET requests?host=&operation=&status=&fault=&since=&limit=', 'GET near-misses?host=&operation=&fault=&kind=&since=&limit=']));
    });
  });
});
