/**
 * The live dashboard (docs/dashboard.md) over real sockets: its page and files need the admin
 * API's credentials, its event stream starts with the whole state and follows a provisioning,
 * and an emulator that stops ends the stream (with `bye`) instead of waiting on it.
 */
import http from 'node:http';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { ADMIN } from '../support/soap';
import { BasicAuthenticator } from '../../src/client/transport';
import { WsmanClient } from '../../src/client/wsmanClient';
import { DatabaseAuthType, provisionHost } from '../../src/client/ipam';
import { startEmulator as startEmbedded } from '../../src/embed/startEmulator';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';

const HOSTS = ['ipam1.contoso.com', 'ipam2.contoso.com', 'ipam3.contoso.com'];

interface SseEvent {
  readonly event: string;
  readonly data: unknown;
}

/** An open event stream: every event read so far, a wait for one that matches, and its end. */
interface EventStream {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly events: SseEvent[];
  next(match: (e: SseEvent) => boolean): Promise<SseEvent>;
  readonly ended: Promise<void>;
  close(): void;
}

function openEvents(base: string, authorization = ADMIN): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/_emulator/ui/events`, { headers: { Authorization: authorization, Accept: 'text/event-stream' } }, (res) => {
      const events: SseEvent[] = [];
      const waiters: Array<{ match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }> = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let at: number;
        while ((at = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === undefined || data === undefined) continue;
          const e = { event, data: JSON.parse(data) as unknown };
          events.push(e);
          for (const w of waiters.filter((x) => x.match(e))) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(e);
          }
        }
      });
      const ended = new Promise<void>((done) => res.on('end', () => done()));
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        next: (match) => {
          const seen = events.find(match);
          return seen ? Promise.resolve(seen) : new Promise((r) => waiters.push({ match, resolve: r }));
        },
        ended,
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

interface Tile {
  host: string;
  state: string;
  step: { number: number; of: number; title: string } | null;
}

let emu: TestEmulator;
let base: string;
beforeEach(async () => {
  const fx = contoso as Fixture;
  emu = await startEmulator({ fixture: { ...fx, hosts: HOSTS.map((fqdn) => ({ ...fx.hosts[0]!, fqdn })) }, stepDelayMs: 30 });
  base = emu.url.replace(/\/wsman$/, '');
});
afterEach(() => emu.stop());

test('the page and its files are served with the admin credentials, with a Content-Security-Policy', async () => {
  for (const [file, type] of [
    ['', 'text/html'],
    ['index.html', 'text/html'],
    ['app.js', 'javascript'],
    ['style.css', 'text/css'],
  ] as const) {
    const res = await fetch(`${base}/_emulator/ui/${file}`, { headers: { Authorization: ADMIN } });
    expect({ file, status: res.status }).toEqual({ file, status: 200 });
    expect(res.headers.get('content-type')).toContain(type);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).not.toContain('Passw0rd');
  }
  // Without the trailing slash the page's relative links would miss: it is redirected.
  const bare = await fetch(`${base}/_emulator/ui`, { headers: { Authorization: ADMIN }, redirect: 'manual' });
  expect(bare.status).toBe(301);
  expect(bare.headers.get('location')).toBe('/_emulator/ui/');
  const index = (await (await fetch(`${base}/_emulator/`, { headers: { Authorization: ADMIN } })).json()) as { endpoints: string[] };
  expect(index.endpoints).toEqual(expect.arrayContaining(['GET ui/', 'GET ui/events']));
});

test("an embedded emulator's dashboardUrl is the page, opened with its credentials", async () => {
  const embedded = await startEmbedded();
  try {
    const { user, password } = embedded.credentials;
    const res = await fetch(embedded.dashboardUrl, { headers: { Authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64') } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<script src="app.js"');
  } finally {
    await embedded.stop();
  }
});

test('without credentials the page, its files and the stream are refused with 401 and a Basic challenge', async () => {
  for (const file of ['', 'index.html', 'app.js', 'style.css', 'events']) {
    const res = await fetch(`${base}/_emulator/ui/${file}`);
    expect({ file, status: res.status }).toEqual({ file, status: 401 });
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
  }
  const wrong = await openEvents(base, 'Basic ' + Buffer.from('Administrator:wrong').toString('base64'));
  expect(wrong.status).toBe(401);
  wrong.close();
});

test('the stream starts with the whole state, then follows a provisioning host by host', async () => {
  const stream = await openEvents(base);
  expect(stream.status).toBe(200);
  expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  const first = await stream.next(() => true);
  expect(first.event).toBe('state');
  const state = first.data as { fleet: { name: string; hosts: number }; hosts: Tile[]; jobs: { jobs: unknown[] }; faults: { rules: unknown[] }; journal: { enabled: boolean } };
  expect(state.fleet).toMatchObject({ name: 'contoso', hosts: 3 });
  expect(state.hosts.map((t) => [t.host, t.state])).toEqual(HOSTS.map((h) => [h, 'unprovisioned']));
  expect(state.jobs.jobs).toEqual([]);
  expect(state.journal.enabled).toBe(true);

  const client = new WsmanClient({ endpoint: emu.url, hostHeader: 'ipam2.contoso.com', authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
  const provisioned = stream.next((e) => e.event === 'hosts' && (e.data as Tile[]).some((t) => t.host === 'ipam2.contoso.com' && t.state === 'provisioned-wid'));
  await provisionHost(client, { Force: true });
  await provisioned;
  const completed = (await stream.next(
    (e) => e.event === 'jobs' && (e.data as { upserted: Array<{ host: string; state: string }> }).upserted.some((j) => j.host === 'ipam2.contoso.com' && j.state === 'Completed'),
  )) as { data: { upserted: Array<{ state: string; steps: Array<{ title: string; ms: number }>; durationMs: number }> } };
  const job = completed.data.upserted.find((j) => j.state === 'Completed');
  // Six steps, each with its duration; together at least their six delays of 30 ms (a step that ran long
  // shortens the next one's wait, so each alone is not bounded).
  expect(job?.steps).toHaveLength(6);
  expect(job?.steps.reduce((sum, s) => sum + s.ms, 0)).toBeGreaterThanOrEqual(180);
  expect(job?.durationMs).toBeGreaterThanOrEqual(180);
  // The journal follows too: the Invoke is there.
  await stream.next((e) => e.event === 'journal' && (e.data as { entries: Array<{ methodName: string | null }> }).entries.some((x) => x.methodName === 'InvokeIpamServerProvisioning'));
  // And the concurrency samples came while it ran.
  expect(stream.events.some((e) => e.event === 'concurrency')).toBe(true);
  // Somewhere in all that, a provisioning tile with its step (each step is 30 ms; the stream ticks every 500 ms,
  // so that is not certain and not asserted); no password anywhere.
  expect(JSON.stringify(stream.events)).not.toContain('Passw0rd');
  stream.close();
});

test('a host provisioned on a SQL Server is provisioned-sql, and the database password is nowhere in the stream', async () => {
  const stream = await openEvents(base);
  const client = new WsmanClient({ endpoint: emu.url, hostHeader: 'ipam1.contoso.com', authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
  const sql = stream.next((e) => e.event === 'hosts' && (e.data as Tile[]).some((t) => t.host === 'ipam1.contoso.com' && t.state === 'provisioned-sql'));
  await provisionHost(client, {
    DatabaseServer: 'db1.contoso.com',
    DatabaseName: 'IPAM',
    DatabasePort: 1433,
    DatabaseAuthType: DatabaseAuthType.Sql,
    DatabaseCredential: { userName: 'sa', password: 'Sa-Passw0rd!' },
    Force: true,
  });
  await sql;
  // The Invoke's journal entry, with its parameters (the credential's password redacted).
  await stream.next((e) => e.event === 'journal' && (e.data as { entries: Array<{ parameters: Record<string, string> | null }> }).entries.some((x) => x.parameters?.DatabaseServer === 'db1.contoso.com'));
  expect(JSON.stringify(stream.events)).not.toContain('Sa-Passw0rd!');
  stream.close();
});

test('a host being provisioned shows its current step', async () => {
  await emu.stop();
  const fx = contoso as Fixture;
  // Steps long enough for a tick of the stream to land inside one.
  emu = await startEmulator({ fixture: { ...fx, hosts: HOSTS.map((fqdn) => ({ ...fx.hosts[0]!, fqdn })) }, stepDelayMs: 400 });
  base = emu.url.replace(/\/wsman$/, '');
  const stream = await openEvents(base);
  const client = new WsmanClient({ endpoint: emu.url, hostHeader: 'ipam3.contoso.com', authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
  const running = provisionHost(client, { Force: true });
  const during = await stream.next((e) => e.event === 'hosts' && (e.data as Tile[]).some((t) => t.host === 'ipam3.contoso.com' && t.state === 'provisioning' && t.step !== null));
  const tile = (during.data as Tile[]).find((t) => t.host === 'ipam3.contoso.com');
  expect(tile?.step).toEqual({ number: expect.any(Number), of: 6, title: expect.any(String) });
  await running;
  await stream.next((e) => e.event === 'hosts' && (e.data as Tile[]).some((t) => t.host === 'ipam3.contoso.com' && t.state === 'provisioned-wid'));
  stream.close();
});

test('browsers that leave are forgotten (the sampler stops with the last)', async () => {
  const one = await openEvents(base);
  const two = await openEvents(base);
  await Promise.all([one.next((e) => e.event === 'state'), two.next((e) => e.event === 'state')]);
  expect(emu.emulator.dashboard?.watchers).toBe(2);
  // Both see the same change.
  await Promise.all([one.next((e) => e.event === 'concurrency'), two.next((e) => e.event === 'concurrency')]);
  one.close();
  two.close();
  while (emu.emulator.dashboard?.watchers !== 0) await new Promise((r) => setTimeout(r, 10));
});

test('stopping the emulator ends an open stream with bye instead of waiting on it', async () => {
  const stream = await openEvents(base);
  await stream.next((e) => e.event === 'state');
  expect(emu.emulator.dashboard?.watchers).toBe(1);
  await emu.stop();
  await stream.ended;
  // A stream the listener's grace period cut would end without it.
  expect(stream.events.at(-1)).toEqual({ event: 'bye', data: { reason: 'the emulator is stopping' } });
  expect(emu.emulator.dashboard?.watchers).toBe(0);
});
