/**
 * Record, replay, conform (issue 12) over real sockets: a client talks to the recording proxy,
 * which talks to a second emulator (the "target", standing in for a Windows host); the cassette
 * then answers the same client from `serve --replay`, and `conform` holds a fresh emulator
 * against it. Basic and NTLM-sealed on both sides, the project's client with Windows' framing
 * and with OMI's (the MI-client-shaped envelopes of test/corpus/mi-client).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Emulator } from '../../src/app';
import { getJob, provisionHost, DatabaseAuthType, IPAM_SERVER_URI, IPAM_WMI_URI } from '../../src/client/ipam';
import { NegotiateAuthenticator } from '../../src/client/negotiate';
import { BasicAuthenticator, WsmanFaultError, WsmanTransport, type Authenticator } from '../../src/client/transport';
import { WsmanClient } from '../../src/client/wsmanClient';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import { runConform } from '../../src/cli/conform';
import { startRecordingProxy, type RunningRecorder } from '../../src/cli/record';
import { canonicalXml } from '../../src/harness/canonical';
import { parseCassette, readCassette, writeCassette, type Cassette } from '../../src/harness/cassette';
import { conform, type ConformReport } from '../../src/harness/conform';
import type { ReplayMiss } from '../../src/harness/replay';
import { startEmulator, tempDir, type TestEmulator } from '../support/emulator';

jest.setTimeout(60_000);

const DMTF_SERVER = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_IPAM_Server';
const SERVER_KEYS = { Name: 'IP Address Management (IPAM) Server', IdentifyingNumber: 'ipam1.contoso.com', Vendor: 'Microsoft Corporation', Version: '10.0.20348' };
const MI_DIR = path.join(__dirname, '..', 'corpus', 'mi-client');
const CLIENT_PASSWORD = 'Passw0rd!';
const TARGET_PASSWORD = 'Target-Passw0rd!';
const SQL_CREDENTIAL = { userName: 'sa', password: 'Sa-Passw0rd!' };
/** Everything no cassette and no log may hold: passwords, and the Basic headers that carry them. */
const SECRETS = [
  CLIENT_PASSWORD,
  TARGET_PASSWORD,
  SQL_CREDENTIAL.password,
  Buffer.from(`Administrator:${CLIENT_PASSWORD}`).toString('base64'),
  Buffer.from(`Administrator:${TARGET_PASSWORD}`).toString('base64'),
];

/** The target plays the Windows host: its own administrator password, unknown to the proxy's clients. */
function targetFixture(): Fixture {
  const base = structuredClone(contoso) as Fixture;
  base.hosts[0]!.accounts = [{ name: 'Administrator', password: TARGET_PASSWORD, groups: ['Administrators'] }];
  return base;
}

function memoryLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

type Scheme = 'basic' | 'negotiate' | 'omi';

function authenticator(scheme: Scheme, password = CLIENT_PASSWORD): Authenticator {
  if (scheme === 'basic') return new BasicAuthenticator('Administrator', password);
  return new NegotiateAuthenticator({ userName: 'Administrator', password, ...(scheme === 'omi' ? { framing: 'omi' as const } : {}) });
}

/** GUIDs and dates in what a client read are volatile: a replay hands out its own. */
function stable(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value)
      .replace(/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/g, '<guid>')
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?/g, '<date>')
      .replace(/\d{14}\.\d{6}[+-]\d{3}/g, '<date>'),
  );
}

function faultSummary(e: unknown): unknown {
  if (!(e instanceof WsmanFaultError)) throw e;
  return { status: e.httpStatus, subcode: e.subcodeName, code: e.wsmanCode ?? null, cim: e.cimError ? { status: e.cimError.cimStatusCode, messageId: e.cimError.messageId, source: e.cimError.errorSource } : null };
}

/** A session as a user's script would run it: reads, faults, a provisioning with a SQL login, read-backs. */
async function cimSession(url: string, scheme: Scheme): Promise<unknown> {
  const c = new WsmanClient({ endpoint: url, authenticator: authenticator(scheme) });
  try {
    const out: Record<string, unknown> = {};
    out.identify = await c.identify();
    out.identifyAuthenticated = await c.identify({ authenticated: true });
    out.servers = await c.enumerate(IPAM_SERVER_URI);
    out.serversPaged = await c.enumerateItems(DMTF_SERVER, { selectors: { __cimnamespace: 'root/Microsoft/IPAM' }, mode: 'EnumerateObjectAndEPR', maxElements: 1 });
    out.get = await c.get(DMTF_SERVER, { __cimnamespace: 'root/Microsoft/IPAM', ...SERVER_KEYS });
    out.badSelector = await c.get(IPAM_SERVER_URI, { Name: 'no such server' }).catch(faultSummary);
    // The password rides in DatabaseCredential: refused (Windows authentication takes none), then used.
    out.refused = await provisionHost(c, { DatabaseServer: 'db1.contoso.com', DatabaseName: 'IPAM', DatabasePort: 1433, DatabaseAuthType: DatabaseAuthType.Windows, DatabaseCredential: SQL_CREDENTIAL, Force: true }).catch(faultSummary);
    const provisioned = await provisionHost(c, { DatabaseServer: 'db1.contoso.com', DatabaseName: 'IPAM', DatabasePort: 1433, DatabaseAuthType: DatabaseAuthType.Sql, DatabaseCredential: SQL_CREDENTIAL, Force: true });
    out.provisioned = provisioned;
    if (provisioned.job) out.job = await getJob(c, provisioned.job);
    out.configuration = await c.enumerate(IPAM_WMI_URI + 'MSFT_IPAM_ServerConfiguration');
    out.log = await c.enumerate(IPAM_WMI_URI + 'MSFT_IPAM_ConfigLogEntry', { maxElements: 3 });
    return out;
  } finally {
    c.close();
  }
}

/** The MI client's envelopes, byte for byte, over OMI's framing (or any scheme): status and reply body as read. */
async function miSession(url: string, scheme: Scheme): Promise<unknown> {
  const t = new WsmanTransport({ endpoint: url, authenticator: authenticator(scheme) });
  try {
    const out: unknown[] = [];
    for (const file of fs.readdirSync(MI_DIR).sort()) {
      const xml = fs.readFileSync(path.join(MI_DIR, file), 'utf8');
      const x = await t.exchange(xml);
      // As a namespace-aware reader sees it (canonical: prefixes do not matter), the reply's own MessageID aside.
      out.push({ file, status: x.status, body: stable(canonicalXml(x.body.toString('utf8')).replace(/<a:MessageID>[^<]*<\/a:MessageID>/, '')) });
    }
    return out;
  } finally {
    t.close();
  }
}

async function replayEmulator(cassette: Cassette, onMiss: 'fault' | 'emulate' = 'fault', misses: ReplayMiss[] = []): Promise<{ emulator: Emulator; url: string }> {
  const emulator = Emulator.create({ dataDir: tempDir(), logger: pino({ level: 'silent' }), replay: { cassette, onMiss, listener: { onMiss: (m) => misses.push(m) } } });
  const listener = await emulator.start('127.0.0.1', 0, { httpsPort: false });
  return { emulator, url: listener.url };
}

async function conformFresh(cassette: Cassette, secret?: string): Promise<ConformReport> {
  const fresh = await startEmulator();
  const t = new WsmanTransport({ endpoint: fresh.url, authenticator: new BasicAuthenticator('Administrator', CLIENT_PASSWORD) });
  try {
    return await conform(cassette, {
      secret,
      send: (xml, o) =>
        t.exchange(xml, { anonymous: o.unauthenticated, headers: { ...(o.unauthenticated ? { WSMANIDENTIFY: 'unauthenticated' } : {}), ...(o.userAgent ? { 'User-Agent': o.userAgent } : {}) } }),
    });
  } finally {
    t.close();
    await fresh.stop();
  }
}

interface Recording {
  readonly cassette: Cassette;
  readonly file: string;
  /** The proxy's log lines, then the target's. */
  readonly logs: string[];
  readonly proxyLogs: string[];
  readonly targetLogs: string[];
  readonly recorded: unknown;
}

async function record(scheme: Scheme, targetAuthentication: 'basic' | 'negotiate', run: (url: string, scheme: Scheme) => Promise<unknown>): Promise<Recording> {
  const target: TestEmulator = await startEmulator({ fixture: targetFixture() });
  const { logger, lines } = memoryLogger();
  const file = path.join(tempDir('ipam-cassette-'), 'cassette.json');
  let proxy: RunningRecorder | undefined;
  try {
    proxy = await startRecordingProxy({ target: target.url, targetUser: 'Administrator', targetPassword: TARGET_PASSWORD, targetAuthentication, port: 0, out: file, logger });
    const recorded = await run(proxy.url, scheme);
    await proxy.stop();
    proxy = undefined;
    return { cassette: readCassette(file), file, logs: [...lines, ...target.logs()], proxyLogs: [...lines], targetLogs: target.logs(), recorded };
  } finally {
    await proxy?.stop();
    await target.stop();
  }
}

describe.each([
  ['Basic to the proxy, Basic to the target', 'basic', 'basic'],
  ['NTLM-sealed to the proxy, NTLM-sealed to the target', 'negotiate', 'negotiate'],
] as const)('%s: the project\'s client', (_title, scheme, targetAuthentication) => {
  let rec: Recording;
  beforeAll(async () => {
    rec = await record(scheme, targetAuthentication, cimSession);
  });

  test('the cassette holds every exchange, normalised, and no password or Authorization anywhere (nor in the logs)', () => {
    const text = fs.readFileSync(rec.file, 'utf8');
    expect(rec.cassette.entries.length).toBeGreaterThanOrEqual(12);
    expect(rec.cassette.target).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/wsman$/), authentication: targetAuthentication });
    for (const secret of SECRETS) {
      expect({ secret, inCassette: text.includes(secret) }).toEqual({ secret, inCassette: false });
      expect({ secret, inLogs: rec.logs.some((l) => l.includes(secret)) }).toEqual({ secret, inLogs: false });
    }
    expect(text).not.toMatch(/authorization|Negotiate TlRMTVNT/i);
    expect(text).toContain('&lt;redacted&gt;');
    // Volatile values are placeholders: no GUID is left in a MessageID or RelatesTo.
    for (const e of rec.cassette.entries.filter((x) => x.request.action !== undefined)) {
      expect(e.request.headers).toMatch(/<a:MessageID>\{\{MessageID-\d+\}\}<\/a:MessageID>/);
      expect(e.reply.body).toMatch(/<a:RelatesTo>\{\{MessageID-\d+\}\}<\/a:RelatesTo>/);
    }
    // Identify has no header: the unauthenticated one is marked so.
    expect(rec.cassette.entries.filter((x) => x.request.action === undefined).map((x) => x.request.unauthenticated === true)).toEqual([true, false]);
    const provisioning = rec.cassette.entries.filter((e) => e.request.action?.endsWith('/InvokeIpamServerProvisioning'));
    expect(provisioning.map((e) => e.reply.status)).toEqual([500, 200]);
    // A fault the target answered is recorded as it was.
    expect(provisioning[0]?.reply.body).toContain('w:InvalidParameter');
    const pulls = rec.cassette.entries.filter((e) => e.request.action?.endsWith('/Pull'));
    expect(pulls.length).toBeGreaterThan(0);
    expect(pulls[0]?.request.body).toMatch(/<n:EnumerationContext>uuid:\{\{EnumerationContext-\d+\}\}<\/n:EnumerationContext>/);
    const file = fs.statSync(rec.file);
    expect(file.mode & 0o077).toBe(0);
    if (scheme === 'negotiate') {
      // Sealed on both sides: the proxy opened the client's messages, and the target the proxy's.
      expect(rec.proxyLogs.filter((l) => l.includes('"op":"Record"') && l.includes('"sealed":true')).length).toBeGreaterThanOrEqual(10);
      expect(rec.targetLogs.filter((l) => l.includes('"auth":"Negotiate"') && l.includes('"sealed":true')).length).toBeGreaterThanOrEqual(10);
    }
  });

  test('serve --replay answers the same client with what it read from the target', async () => {
    const misses: ReplayMiss[] = [];
    const replay = await replayEmulator(rec.cassette, 'fault', misses);
    try {
      expect(stable(await cimSession(replay.url, scheme))).toEqual(stable(rec.recorded));
      expect(misses).toEqual([]);
    } finally {
      await replay.emulator.stop();
    }
  });

  test('conform: a fresh emulator answers as the recorded one did (the SQL login given for the redacted credential)', async () => {
    const report = await conformFresh(rec.cassette, `${SQL_CREDENTIAL.userName}:${SQL_CREDENTIAL.password}`);
    expect(report.results.filter((r) => r.differences.length > 0)).toEqual([]);
    expect(report).toMatchObject({ entries: rec.cassette.entries.length, sent: rec.cassette.entries.length, differing: 0, differences: 0 });
  });

  test('conform without the secret: the provisioning that used the redacted credential differs, and says why', async () => {
    const report = await conformFresh(rec.cassette);
    const provisioning = report.results.find((r) => r.request === 'MSFT_IPAM_Server.InvokeIpamServerProvisioning' && r.status.recorded === 200);
    expect(provisioning).toMatchObject({ redacted: true, status: { recorded: 200, emulator: 500 } });
  });
});

describe('OMI framing (NTLM-sealed, OMI\'s padding and part headers) with the MI client\'s envelopes', () => {
  let rec: Recording;
  beforeAll(async () => {
    rec = await record('omi', 'negotiate', miSession);
  });

  test('recorded, replayed to the same client with identical replies, and conformed with no difference', async () => {
    const files = fs.readdirSync(MI_DIR);
    expect(rec.cassette.entries).toHaveLength(files.length);
    for (const e of rec.cassette.entries) expect(e.request.userAgent).toBe('Microsoft WinRM Client');
    const replay = await replayEmulator(rec.cassette);
    try {
      // The recorded replies carried the proxy's RelatesTo; so do the replayed: the same MessageIDs were sent.
      expect(await miSession(replay.url, 'omi')).toEqual(rec.recorded);
    } finally {
      await replay.emulator.stop();
    }
    const report = await conformFresh(rec.cassette);
    expect(report.results.filter((r) => r.differences.length > 0)).toEqual([]);
    expect(report.differing).toBe(0);
  });
});

describe('a cassette changed by hand, a miss, a bad cassette', () => {
  let rec: Recording;
  beforeAll(async () => {
    rec = await record('basic', 'basic', async (url) => {
      const c = new WsmanClient({ endpoint: url, authenticator: authenticator('basic') });
      try {
        await c.get(DMTF_SERVER, { __cimnamespace: 'root/Microsoft/IPAM', ...SERVER_KEYS });
        await c.get(IPAM_SERVER_URI, { Name: 'no such server' }).catch(faultSummary);
        await c.enumerate(IPAM_WMI_URI + 'MSFT_IPAM_ServerConfiguration');
      } finally {
        c.close();
      }
    });
  });

  test('conform reports exactly the altered fields: a property value and a fault code', async () => {
    const entries = rec.cassette.entries.map((e) => ({ ...e, reply: { ...e.reply } }));
    const get = entries.findIndex((e) => e.request.action?.endsWith('/transfer/Get') && e.reply.status === 200);
    const fault = entries.findIndex((e) => e.reply.status === 500);
    expect(entries[get]!.reply.body).toContain('<ns0:ServerName>ipam1.contoso.com</ns0:ServerName>');
    entries[get]!.reply = { ...entries[get]!.reply, body: entries[get]!.reply.body.replace('<ns0:ServerName>ipam1.contoso.com<', '<ns0:ServerName>ipam9.contoso.com<') };
    const code = /<f:WSManFault Code="(\d+)"/.exec(entries[fault]!.reply.body)?.[1] as string;
    entries[fault]!.reply = { ...entries[fault]!.reply, body: entries[fault]!.reply.body.replace(`Code="${code}"`, 'Code="2150858778"') };
    const altered = path.join(path.dirname(rec.file), 'altered.json');
    writeCassette(altered, { ...rec.cassette, entries });

    const report = await conformFresh(readCassette(altered));
    expect(report.results.flatMap((r) => r.differences.map((d) => ({ entry: r.entry, ...d })))).toEqual([
      { entry: get, field: 'Body/MSFT_IPAM_Server/ServerName', recorded: 'ipam9.contoso.com', emulator: 'ipam1.contoso.com' },
      { entry: fault, field: 'fault.code', recorded: '2150858778', emulator: code },
    ]);

    // The command line says the same, and exits 1; the unaltered cassette exits 0.
    const out: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) }, env: {} };
    expect(await runConform([altered], io)).toBe(1);
    expect(out.join('')).toContain(`entries[${get}] Get MSFT_IPAM_Server: 1 difference`);
    expect(out.join('')).toContain('Body/MSFT_IPAM_Server/ServerName: recorded "ipam9.contoso.com", emulator "ipam1.contoso.com"');
    expect(out.join('')).toContain(`fault.code: recorded "2150858778", emulator "${code}"`);
    out.length = 0;
    expect(await runConform([rec.file, '--json'], io)).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ differing: 0, differences: 0, sent: rec.cassette.entries.length });
  });

  test('a request the cassette does not hold: a fault naming it (--on-miss fault), or the emulator answers (--on-miss emulate); the listener hears of both', async () => {
    const misses: ReplayMiss[] = [];
    for (const onMiss of ['fault', 'emulate'] as const) {
      const replay = await replayEmulator(rec.cassette, onMiss, misses);
      const c = new WsmanClient({ endpoint: replay.url, authenticator: authenticator('basic') });
      try {
        const read = c.get(IPAM_WMI_URI + 'MSFT_IPAM_ServerConfiguration', { InstanceID: 'IpamServerConfiguration' });
        if (onMiss === 'fault') {
          const err = (await read.catch((e: unknown) => e)) as WsmanFaultError;
          expect(err).toBeInstanceOf(WsmanFaultError);
          expect(err.subcodeName).toBe('w:InternalError');
          expect(err.message).toContain('Replay: the cassette holds no reply for this request (Get MSFT_IPAM_ServerConfiguration; selectors InstanceID=IpamServerConfiguration)');
          expect(err.message).toMatch(/The nearest recorded request, entries\[\d\] \(Get MSFT_IPAM_Server\), differs in: resourceUri, selectors/);
        } else {
          expect(await read).toMatchObject({ InstanceID: 'IpamServerConfiguration' });
        }
        // The request journal lists the miss as a near miss, with the nearest recorded request.
        const res = await fetch(replay.url.replace(/\/wsman$/, '/_emulator/near-misses?kind=replay'), { headers: { Authorization: `Basic ${Buffer.from('Administrator:Passw0rd!').toString('base64')}` } });
        const near = ((await res.json()) as { entries: Array<{ given: string; didYouMean: string; hint: string; fault: string | null }> }).entries;
        expect(near).toEqual([
          expect.objectContaining({ kind: 'replay', given: 'Get MSFT_IPAM_ServerConfiguration', didYouMean: expect.stringMatching(/^entries\[\d\]: Get MSFT_IPAM_Server$/) as unknown as string }),
        ]);
        expect(near[0]!.hint).toContain(onMiss === 'emulate' ? 'the emulator answered it' : 'differs in: resourceUri, selectors');
        expect(near[0]!.fault).toBe(onMiss === 'fault' ? 'w:InternalError' : null);
      } finally {
        c.close();
        await replay.emulator.stop();
      }
    }
    expect(misses.map((m) => ({ outcome: m.outcome, resourceUri: m.request.resourceUri, differs: m.nearest?.differs }))).toEqual([
      { outcome: 'fault', resourceUri: IPAM_WMI_URI + 'MSFT_IPAM_ServerConfiguration', differs: ['resourceUri', 'selectors'] },
      { outcome: 'emulate', resourceUri: IPAM_WMI_URI + 'MSFT_IPAM_ServerConfiguration', differs: ['resourceUri', 'selectors'] },
    ]);
  });

  test('a malformed cassette is refused with the entry and the field at fault; conform exits 2 and changes nothing', async () => {
    const good = JSON.parse(fs.readFileSync(rec.file, 'utf8')) as { entries: Array<{ request: { body: string }; reply: { status: unknown } }> };
    const broken = structuredClone(good);
    broken.entries[1]!.request.body = '<s:Body><unclosed></s:Body>';
    expect(() => parseCassette(JSON.stringify(broken), 'c.json')).toThrow(/^c\.json: entries\[1\]\.request\.body is not well-formed XML: /);
    const badStatus = structuredClone(good);
    badStatus.entries[2]!.reply.status = 'OK';
    expect(() => parseCassette(JSON.stringify(badStatus), 'c.json')).toThrow('c.json: entries[2].reply.status must be an HTTP status (100 to 599)');
    expect(() => parseCassette('{"format":"ipam-wsman-cassette","version":7,"entries":[]}', 'c.json')).toThrow('c.json: version 7 was written by a newer ipam-emulator; this one reads version 1');
    expect(() => parseCassette('not json', 'c.json')).toThrow(/^c\.json: not JSON/);

    const file = path.join(tempDir(), 'broken.json');
    fs.writeFileSync(file, JSON.stringify(broken));
    const err: string[] = [];
    const io = { stdout: { write: () => undefined }, stderr: { write: (s: string) => err.push(s) }, env: {} };
    expect(await runConform([file], io)).toBe(2);
    expect(err.join('')).toMatch(/broken\.json: entries\[1\]\.request\.body is not well-formed XML/);
    expect(fs.readFileSync(file, 'utf8')).toBe(JSON.stringify(broken));
  });
});
