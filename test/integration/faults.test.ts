/**
 * Issue 12 item 1: fault injection over real sockets. A step refused on one host of three
 * through the cmdlet twin (that host unprovisioned, nothing left on disk, the rule retired, the
 * next run fine); WS-Man faults, CIM errors and bare HTTP statuses on requests; transport
 * faults (reset, closeAfterBytes, dribble, delay) as a socket sees them; authLoop; hostDown
 * closing a host's own port; the fixture's rules, the admin API's validation, and reset.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import contoso from '../../fixtures/contoso.json';
import { runProvision } from '../../src/cli/provision';
import type { Fixture, FixtureFaultRule } from '../../src/config/fixture';
import { VirtualClock } from '../../src/harness';
import { freePort, startEmulator, type TestEmulator } from '../support/emulator';
import { ACTION, ADMIN, IDENTIFY, WMI, basic, bodyOf, call, child, envelope, faultOf, itemsOf, NS, post, propsOf } from '../support/soap';

jest.setTimeout(60_000);

const SERVER = WMI + 'MSFT_IPAM_Server';

async function fleetOf(count: number, extra: Partial<Fixture> = {}): Promise<Fixture> {
  const base = structuredClone(contoso) as Fixture;
  const template = base.hosts[0]!;
  const hosts = [];
  for (let i = 1; i <= count; i++) hosts.push({ ...template, fqdn: `ipam${i}.contoso.com`, port: await freePort() });
  return { ...base, hosts, ...extra };
}

async function admin<T = unknown>(emu: TestEmulator, p: string, method = 'GET', body?: unknown): Promise<{ status: number; body: T }> {
  const r = await fetch(emu.url.replace(/\/wsman$/, `/_emulator${p}`), {
    method,
    headers: { Authorization: ADMIN, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const running: TestEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});
async function start(fx: Fixture, clock?: VirtualClock): Promise<TestEmulator> {
  const emu = await startEmulator({ fixture: fx, clock });
  running.push(emu);
  return emu;
}

const enumerateServer = (emu: TestEmulator, host: string): ReturnType<typeof call> =>
  call(emu.url, { action: ACTION.enumerate, resourceUri: SERVER, body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' }, { Host: host });

const provisioningState = async (emu: TestEmulator, host: string): Promise<string | null | undefined> =>
  propsOf(itemsOf(child(bodyOf((await enumerateServer(emu, host)).xml), NS.enumeration, 'EnumerateResponse')!)[0]!).ProvisioningState;

const provisionSpec = { action: `${SERVER}/InvokeIpamServerProvisioning`, resourceUri: SERVER, body: `<p:InvokeIpamServerProvisioning_INPUT xmlns:p="${SERVER}"><p:Force>true</p:Force></p:InvokeIpamServerProvisioning_INPUT>` };

/** Sends one request over a fresh socket and reports what came back before the socket closed. */
function rawExchange(port: number, body: string, headers: Record<string, string>): Promise<{ bytes: Buffer; error?: string; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => {
      const payload = Buffer.from(body, 'utf8');
      const lines = [`POST /wsman HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Content-Type: application/soap+xml;charset=UTF-8', `Content-Length: ${payload.length}`, 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''];
      socket.write(Buffer.concat([Buffer.from(lines.join('\r\n')), payload]));
    });
    let error: string | undefined;
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => resolve({ bytes: Buffer.concat(chunks), error, closed: true }));
  });
}

describe('a step refused on one host of three', () => {
  test('the twin reports that host failed with the rule\'s error, the others provisioned; it reads back unprovisioned with nothing left; the rule fired once and retired; the next run provisions it', async () => {
    const emu = await start(await fleetOf(3));
    const rule: FixtureFaultRule = {
      match: { host: 'ipam2.contoso.com', step: 'roles' },
      effect: { cimError: { statusCode: 1, messageId: 'IPAM.Test.RolesRefused', message: 'The IPAM roles could not be created (injected).' } },
      times: 1,
    };
    const added = await admin<{ id: string }>(emu, '/faults', 'POST', rule);
    expect(added.status).toBe(201);
    const hosts = (await admin<Array<{ fqdn: string; port: number }>>(emu, '/hosts')).body;
    const sessions = hosts.map((h) => `http://127.0.0.1:${h.port}/wsman`).join(',');
    let out = '';
    let err = '';
    const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, isTTY: false, env: { IPAM_PASSWORD: 'Passw0rd!' } };
    expect(await runProvision(['--cim-session', sessions, '--user', 'Administrator', '--throttle-limit', '3', '--force', '--json'], io)).toBe(1);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { ok: boolean; error?: { message: string; messageId: string } });
    expect(lines.map((l) => l.ok)).toEqual([true, false, true]);
    expect(lines[1]!.error).toMatchObject({ message: 'The IPAM roles could not be created (injected).', messageId: 'IPAM.Test.RolesRefused' });
    expect(err).toContain('The IPAM roles could not be created (injected).');

    expect(await provisioningState(emu, 'ipam1.contoso.com')).toBe('2');
    expect(await provisioningState(emu, 'ipam2.contoso.com')).toBe('0');
    const sandbox = path.join(emu.dataDir, 'hosts', 'ipam2.contoso.com');
    expect(fs.existsSync(sandbox) ? fs.readdirSync(sandbox, { recursive: true }) : []).toEqual([]);
    const listed = await admin<{ rules: Array<{ id: string; fired: number; retired: boolean }> }>(emu, '/faults');
    expect(listed.body.rules).toEqual([expect.objectContaining({ id: added.body.id, fired: 1, retired: true })]);
    const requests = emu.logs().filter((l) => l.includes('a fault injection rule fails the step'));
    expect(requests).toHaveLength(1);
    // The step's fault has no request to ride on (the run answers later): the journal has an entry of its own.
    const journal = await admin<{ entries: Array<Record<string, unknown>> }>(emu, '/requests?operation=Step');
    expect(journal.body.entries).toEqual([
      expect.objectContaining({ door: 'engine', operation: 'Step', fault: 'cimError', host: 'ipam2.contoso.com', selectors: { step: 'roles' }, faultRule: added.body.id, faultMessage: 'The IPAM roles could not be created (injected).' }),
    ]);

    out = '';
    expect(await runProvision(['--cim-session', sessions.split(',')[1]!, '--user', 'Administrator', '--force', '--json'], io)).toBe(0);
    expect(await provisioningState(emu, 'ipam2.contoso.com')).toBe('2');
  });
});

describe('faults on requests', () => {
  test('a WS-Man fault, a CIM error and a bare HTTP status answer the request in place of the operation; the journal line names the rule', async () => {
    const emu = await start(await fleetOf(1));
    await admin(emu, '/faults', 'POST', { id: 'busy-enum', match: { operation: 'Enumerate', className: 'MSFT_IPAM_Server' }, effect: { wsmanFault: { subcode: 'w:InternalError', code: 2150858843, reason: 'Injected: busy.' } }, times: 1 });
    const f = faultOf((await enumerateServer(emu, 'ipam1.contoso.com')).xml);
    // The reason is written as Windows writes reasons: with a space after the last sentence.
    expect({ subcode: f.subcode, code: f.wsmanCode, reason: f.reason }).toEqual({ subcode: 'w:InternalError', code: '2150858843', reason: 'Injected: busy. ' });
    expect((await enumerateServer(emu, 'ipam1.contoso.com')).status).toBe(200);
    expect(emu.logs().some((l) => l.includes('"faultRule":"busy-enum"'))).toBe(true);
    const fired = await admin<{ entries: Array<Record<string, unknown>> }>(emu, '/requests?operation=Enumerate');
    expect(fired.body.entries.map((e) => [e.faultRule, e.fault])).toEqual([
      ['busy-enum', 'w:InternalError'],
      [null, null],
    ]);

    await admin(emu, '/faults', 'POST', { match: { method: 'InvokeIpamServerProvisioning' }, effect: { cimError: { statusCode: 4, message: 'Injected invalid parameter.' } }, times: 1 });
    const cim = faultOf((await call(emu.url, provisionSpec)).xml);
    expect(cim.subcode).toBe('w:InvalidParameter');
    expect(cim.cimError?.Message).toBe('Injected invalid parameter.');
    expect(await provisioningState(emu, 'ipam1.contoso.com')).toBe('0');

    await admin(emu, '/faults', 'POST', { match: { operation: 'Identify' }, effect: { httpStatus: { status: 503 } }, times: 1 });
    const r = await post(emu.url, IDENTIFY, { Authorization: ADMIN });
    expect({ status: r.status, body: r.text }).toEqual({ status: 503, body: '' });
  });

  test('transport faults: reset, closeAfterBytes and dribble, each after the operation ran', async () => {
    const fx = await fleetOf(1);
    const emu = await start(fx);
    const env = envelope({ action: ACTION.enumerate, resourceUri: SERVER, body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' });
    await admin(emu, '/faults', 'POST', { effect: { reset: true }, match: { operation: 'Enumerate' }, times: 1 });
    const reset = await rawExchange(emu.port, env, { Authorization: ADMIN });
    expect(reset).toMatchObject({ error: 'ECONNRESET', bytes: Buffer.alloc(0) });

    await admin(emu, '/faults', 'POST', { effect: { closeAfterBytes: { n: 10 } }, match: { operation: 'Enumerate' }, times: 1 });
    const cut = await rawExchange(emu.port, env, { Authorization: ADMIN });
    const text = cut.bytes.toString('utf8');
    const headEnd = text.indexOf('\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(Number(/Content-Length: (\d+)/i.exec(text)?.[1])).toBeGreaterThan(10);
    expect(Buffer.byteLength(text.slice(headEnd + 4))).toBe(10);

    await admin(emu, '/faults', 'POST', { effect: { dribble: { chunkBytes: 100, intervalMs: 1 } }, match: { operation: 'Enumerate' }, times: 1 });
    const chunks: number[] = [];
    const whole = await new Promise<string>((resolve, reject) => {
      const req = http.request(emu.url, { method: 'POST', headers: { Authorization: ADMIN, 'Content-Type': 'application/soap+xml;charset=UTF-8' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          chunks.push(d.length);
          body += d.toString('utf8');
        });
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end(env);
    });
    expect(whole).toContain('EnumerateResponse');
    expect(chunks.length).toBeGreaterThan(3);
    expect(Math.max(...chunks)).toBeLessThanOrEqual(100);
    // Each transport fault is in the journal with the rule that fired.
    const rules = (await admin<{ rules: Array<{ id: string }> }>(emu, '/faults')).body.rules.map((r) => r.id);
    const journal = await admin<{ entries: Array<{ faultRule: string | null }> }>(emu, '/requests?operation=Enumerate');
    // (A reset request's entry is written when the server sees its socket close, which may come after the next request's.)
    expect(journal.body.entries.map((e) => e.faultRule).sort()).toEqual([...rules].sort());
  });

  test('authLoop answers every logon 401 for its host while it lasts', async () => {
    const emu = await start(await fleetOf(2));
    await admin(emu, '/faults', 'POST', { match: { host: 'ipam2*' }, effect: { authLoop: true }, times: 2 });
    for (let i = 0; i < 2; i++) expect((await post(emu.url, IDENTIFY, { Authorization: ADMIN, Host: 'ipam2.contoso.com' })).status).toBe(401);
    expect((await post(emu.url, IDENTIFY, { Authorization: ADMIN, Host: 'ipam1.contoso.com' })).status).toBe(200);
    expect((await post(emu.url, IDENTIFY, { Authorization: ADMIN, Host: 'ipam2.contoso.com' })).status).toBe(200);
  });

  test('hostDown: the host\'s own port refuses connections and Host-header requests find no host, until the clock passes', async () => {
    const emu = await start(await fleetOf(2), new VirtualClock(Date.parse('2026-01-01T00:00:00Z')));
    const port2 = (await admin<Array<{ fqdn: string; port: number }>>(emu, '/hosts')).body.find((h) => h.fqdn === 'ipam2.contoso.com')!.port;
    await admin(emu, '/faults', 'POST', { match: { host: 'ipam2.contoso.com', operation: 'Get' }, effect: { hostDown: { seconds: 30 } }, times: 1 });
    const get = await call(emu.url, { action: ACTION.get, resourceUri: SERVER, selectors: { Name: 'ipam2.contoso.com' } }, { Host: 'ipam2.contoso.com' });
    expect(faultOf(get.xml).subcode).toBe('a:DestinationUnreachable');
    const viaHeader = await post(emu.url, IDENTIFY, { Authorization: ADMIN, Host: 'ipam2.contoso.com' });
    expect(viaHeader.text).toContain('is down');
    await expect(post(`http://127.0.0.1:${port2}/wsman`, IDENTIFY, { Authorization: ADMIN })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect((await admin<{ hostsDown: unknown[] }>(emu, '/faults')).body.hostsDown).toEqual([{ host: 'ipam2.contoso.com', until: '2026-01-01T00:00:30.000Z' }]);
    expect((await post(emu.url, IDENTIFY, { Authorization: ADMIN, Host: 'ipam1.contoso.com' })).status).toBe(200);
    await admin(emu, '/clock', 'POST', { advanceMs: 30_000 });
    for (let i = 0; i < 100; i++) {
      const up = await post(`http://127.0.0.1:${port2}/wsman`, IDENTIFY, { Authorization: ADMIN }).catch(() => undefined);
      if (up?.status === 200) break;
      if (i === 99) throw new Error('the host never came back');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await post(emu.url, IDENTIFY, { Authorization: ADMIN, Host: 'ipam2.contoso.com' })).status).toBe(200);
  });

  test('probability draws from the seeded stream; a rule matches by user and client', async () => {
    const emu = await start(await fleetOf(1));
    await admin(emu, '/faults', 'POST', { match: { user: 'ipamuser', operation: 'Identify' }, effect: { httpStatus: { status: 502 } } });
    expect((await post(emu.url, IDENTIFY, { Authorization: ADMIN })).status).toBe(200);
    expect((await post(emu.url, IDENTIFY, { Authorization: basic('ipamuser', 'Passw0rd!') })).status).toBe(502);
    await admin(emu, '/faults', 'DELETE');
    await admin(emu, '/faults', 'POST', { match: { client: '10.*', operation: 'Identify' }, effect: { httpStatus: { status: 502 } } });
    expect((await post(emu.url, IDENTIFY, { Authorization: ADMIN })).status).toBe(200);
    await admin(emu, '/faults', 'DELETE');
    await admin(emu, '/faults', 'POST', { id: 'half', match: { operation: 'Identify' }, effect: { httpStatus: { status: 502 } }, probability: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await post(emu.url, IDENTIFY, { Authorization: ADMIN })).status);
    const failed = statuses.filter((s) => s === 502).length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
    expect((await admin<{ fired: number }>(emu, '/faults/half')).body.fired).toBe(failed);
  });
});

describe('rules: the fixture, the admin API, reset', () => {
  test("the fixture's rules are in force from the start; a reset restores them (fired 0) and drops the API's", async () => {
    const fx = await fleetOf(1, { faults: [{ id: 'from-fixture', match: { operation: 'Identify' }, effect: { httpStatus: { status: 503 } }, times: 1 }] });
    const emu = await start(fx);
    expect((await post(emu.url, IDENTIFY, { Authorization: ADMIN })).status).toBe(503);
    await admin(emu, '/faults', 'POST', { id: 'from-api', effect: { httpStatus: { status: 500 } }, match: { operation: 'Get' } });
    expect((await admin<{ rules: Array<{ id: string; source: string }> }>(emu, '/faults')).body.rules.map((r) => [r.id, r.source])).toEqual([
      ['from-fixture', 'fixture'],
      ['from-api', 'api'],
    ]);
    expect((await admin(emu, '/reset', 'POST')).status).toBe(200);
    expect((await admin<{ rules: Array<{ id: string; fired: number }> }>(emu, '/faults')).body.rules).toEqual([expect.objectContaining({ id: 'from-fixture', fired: 0 })]);
    expect((await post(emu.url, IDENTIFY, { Authorization: ADMIN })).status).toBe(503);
  });

  test.each([
    ['no effect', { match: { host: 'x' } }, "missing required property 'effect'"],
    ['two effects', { effect: { reset: true, authLoop: true } }, '/effect: must NOT have more than 1 properties'],
    ['an unknown effect', { effect: { explode: true } }, "/effect: unknown property 'explode'"],
    ['an unknown match key', { match: { hots: 'x' }, effect: { reset: true } }, "/match: unknown property 'hots'"],
    ['an unknown operation', { match: { operation: 'Frobnicate' }, effect: { reset: true } }, '/match/operation: must be equal to one of the allowed values'],
    ['a probability over 1', { effect: { reset: true }, probability: 2 }, '/probability: must be <= 1'],
    ['times and probability', { effect: { reset: true }, times: 1, probability: 0.5 }, 'give times or probability, not both'],
    ['a step with a transport effect', { match: { step: 'roles' }, effect: { reset: true } }, 'its effect is cimError or delay, not reset'],
    ['a step with an operation', { match: { step: 'roles', operation: 'Get' }, effect: { cimError: { statusCode: 1 } } }, 'matches host and user only, not operation'],
    ['authLoop by class', { match: { className: 'MSFT_IPAM_Server' }, effect: { authLoop: true } }, 'authLoop acts before the request is read'],
    ['an unknown WS-Man fault', { effect: { wsmanFault: { subcode: 'w:Kaboom' } } }, 'wsmanFault.subcode w:Kaboom is not a fault the emulator knows'],
    ['an upside-down delay', { effect: { delay: { distribution: 'uniform', minMs: 5, maxMs: 1 } } }, 'delay: minMs (5) is over maxMs (1)'],
    ['a bad id', { id: '../x', effect: { reset: true } }, '/id: value does not have the expected form'],
  ])('%s is refused with 400 and says what is wrong; nothing is added', async (_name, rule, message) => {
    const emu = running[0] ?? (await start(await fleetOf(1)));
    const r = await admin<{ error: string }>(emu, '/faults', 'POST', rule);
    expect(r.status).toBe(400);
    expect(r.body.error).toContain(message);
    expect((await admin<{ rules: unknown[] }>(emu, '/faults')).body.rules).toEqual([]);
  });

  test('a duplicate id is refused; DELETE removes one rule (404 for an unknown one) or all', async () => {
    const emu = await start(await fleetOf(1));
    expect((await admin(emu, '/faults', 'POST', { id: 'a', effect: { reset: true }, match: { operation: 'Get' } })).status).toBe(201);
    expect((await admin<{ error: string }>(emu, '/faults', 'POST', { id: 'a', effect: { reset: true } })).body.error).toContain('a rule with id a exists already');
    expect((await admin(emu, '/faults', 'POST', { id: 'b', effect: { reset: true }, match: { operation: 'Get' } })).status).toBe(201);
    expect((await admin(emu, '/faults/a', 'DELETE')).status).toBe(204);
    expect((await admin(emu, '/faults/a', 'DELETE')).status).toBe(404);
    expect((await admin(emu, '/faults', 'DELETE')).body).toEqual({ removed: 1 });
    const notJson = await fetch(emu.url.replace(/\/wsman$/, '/_emulator/faults'), { method: 'POST', headers: { Authorization: ADMIN, 'Content-Type': 'application/json' }, body: '{not json' });
    expect({ status: notJson.status, body: await notJson.json() }).toEqual({ status: 400, body: { error: 'the body is not valid JSON' } });
  });
});
