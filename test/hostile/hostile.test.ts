/**
 * Hostile input (acceptance item): every malformed or hostile request in the
 * corpus is refused with a SOAP fault or an HTTP 4xx — never a 200, never a
 * 500 without a fault body — the server keeps answering Identify, logs no
 * internal error, and the IPAM server instance reads back unchanged. Cases of
 * the per-operation and per-header families (operations.ts, headers.ts) must
 * get the very refusal they expect, and so must the cases this suite once caught
 * the server mishandling (regressions.ts).
 *
 * Failures are collected per case and reported together, so one run names
 * every case the server mishandles.
 */
import http from 'node:http';
import {
  ACTION,
  ADMIN,
  IDENTIFY,
  NS,
  bodyOf,
  call,
  child,
  elements,
  faultOf,
  itemsOf,
  parseXml,
  post,
  propsOf,
  rawHttp,
  statusOf,
  textOf,
  type FaultInfo,
} from '../support/soap';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { buildNegTokenInit, OID_KERBEROS } from '../../src/security/ntlm/spnego';
import {
  BASE,
  IPAM_SERVER_URI,
  LIVE_CONTEXT,
  LOWER_CASE_LIVE_CONTEXT,
  RELEASED_CONTEXT,
  hostileCases,
  type Expectation,
  type HostileCase,
} from './corpus';
import { HEADERS, headerCases } from './headers';
import { REGRESSIONS } from './regressions';
import { OPERATIONS, operationCases } from './operations';

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  /** Set when no complete HTTP reply came back. */
  readonly error?: string;
}

const CASE_TIMEOUT_MS = 10_000;
const BATCH = 25;

/** Decodes a reply body by the charset its Content-Type names (the server answers UTF-16 requests in UTF-16). */
function decodeReply(body: Buffer, contentType: string): string {
  const charset = /charset=([^;\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
  if (charset === 'utf-16' || charset === 'utf-16le' || charset === 'utf-16be') {
    let b = body[0] === 0xff && body[1] === 0xfe ? body.subarray(2) : body;
    if (body[0] === 0xfe && body[1] === 0xff) {
      b = Buffer.from(body.subarray(2));
      b.swap16();
    }
    return b.toString('utf16le');
  }
  return body.toString('utf8');
}

/**
 * Sends one case over a fresh connection with node:http, which (unlike fetch)
 * can omit Content-Type, send chunked bodies and exact bytes.
 */
function send(port: number, c: HostileCase): Promise<Reply> {
  const payload = typeof c.body === 'string' ? Buffer.from(c.body, 'utf8') : c.body;
  const merged = new Map<string, [string, string]>();
  const defaults = { 'Content-Type': 'application/soap+xml;charset=UTF-8', Authorization: ADMIN };
  for (const [k, v] of Object.entries({ ...defaults, ...c.headers })) merged.set(k.toLowerCase(), [k, v]);
  for (const o of c.omitHeaders ?? []) merged.delete(o.toLowerCase());
  const headers: Record<string, string> = Object.fromEntries(merged.values());
  if (c.chunked) headers['Transfer-Encoding'] = 'chunked';
  else headers['Content-Length'] = String(payload.length);

  return new Promise((resolve) => {
    let settled = false;
    let responded = false;
    const req = http.request({ host: '127.0.0.1', port, path: '/wsman', method: c.method ?? 'POST', headers, agent: false });
    const finish = (r: Reply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      finish({ status: 0, contentType: '', text: '', error: `no reply within ${CASE_TIMEOUT_MS} ms` });
      req.destroy();
    }, CASE_TIMEOUT_MS);
    req.on('response', (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      const contentType = String(res.headers['content-type'] ?? '');
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish({ status: res.statusCode ?? 0, contentType, text: decodeReply(Buffer.concat(chunks), contentType) }));
      res.on('error', (err) => finish({ status: res.statusCode ?? 0, contentType, text: '', error: `reply cut off: ${err.message}` }));
    });
    // Once the server has answered (e.g. 413 before the body is in), a reset while we still write is expected.
    req.on('error', (err) => {
      if (!responded) finish({ status: 0, contentType: '', text: '', error: `connection failed: ${err.message}` });
    });
    if (c.chunked) {
      for (let i = 0; i < payload.length; i += 64 * 1024) req.write(payload.subarray(i, i + 64 * 1024));
      req.end();
    } else {
      req.end(payload);
    }
  });
}

/** The element a 200 reply's Body holds (e.g. EnumerateResponse), to say what the server did. */
function servedAs(text: string): string {
  try {
    const first = elements(bodyOf(parseXml(text)))[0];
    return first ? first.local : 'an empty Body';
  } catch {
    return text.slice(0, 200);
  }
}

/** What a refusal looks like to a client, to tell one fault from another. */
/**
 * Why a reply to a hostile request is wrong, or undefined when it is a proper
 * refusal. Invokes are sent as WhatIf, so one taken for valid answers 200.
 */
function whatIsWrong(r: Reply): string | undefined {
  if (r.error !== undefined) return r.error;
  if (r.status >= 400 && r.status < 500) return undefined;
  if (r.status === 200) return `HTTP 200, the request was served (${servedAs(r.text)})`;
  if (r.status !== 500) return `HTTP ${r.status}: ${r.text.slice(0, 300)}`;
  if (!/^application\/soap\+xml\s*(;|$)/i.test(r.contentType)) return `HTTP 500 with Content-Type '${r.contentType}': ${r.text.slice(0, 300)}`;
  let fault: FaultInfo;
  try {
    fault = faultOf(parseXml(r.text));
  } catch (e) {
    return `HTTP 500 whose body is not a SOAP fault (${(e as Error).message}): ${r.text.slice(0, 300)}`;
  }
  if (fault.code === '') return 'a SOAP fault without a Code value';
  return undefined;
}

/** What a reply says, in the terms of an Expectation: its status, and its fault's subcode (or code) and detail. */
function outcomeOf(r: Reply): Expectation {
  if (!/^application\/soap\+xml\s*(;|$)/i.test(r.contentType) || r.text === '') return { status: r.status };
  try {
    const f = faultOf(parseXml(r.text));
    const detail = f.detail?.trim();
    return { status: r.status, fault: f.subcode ?? f.code, detail: detail === undefined ? undefined : detail.slice(detail.lastIndexOf('/') + 1) };
  } catch {
    return { status: r.status };
  }
}

function describeOutcome(o: Expectation): string {
  return o.fault === undefined ? `HTTP ${o.status}` : `HTTP ${o.status} ${o.fault}${o.detail !== undefined ? ` / ${o.detail}` : ''}`;
}

/** Why a reply is not the refusal a case expects, or undefined when it is exactly that. */
function unexpected(expected: Expectation, r: Reply): string | undefined {
  const got = outcomeOf(r);
  const same = expected.fault === undefined ? got.status === expected.status : got.status === expected.status && got.fault === expected.fault && got.detail === expected.detail;
  return same ? undefined : `expected ${describeOutcome(expected)}, got ${describeOutcome(got)}${r.status === 200 ? ` (${servedAs(r.text)})` : ''}`;
}

async function identifyStatus(url: string): Promise<number> {
  try {
    return (await post(url, IDENTIFY)).status;
  } catch {
    // No HTTP reply at all (connection refused or reset).
    return -1;
  }
}

/** Opens an enumeration (without OptimizeEnumeration, so a context stays open) and returns its id. */
async function openEnumeration(url: string): Promise<string> {
  const r = await call(url, { action: ACTION.enumerate, resourceUri: IPAM_SERVER_URI, body: '<n:Enumerate/>' });
  const response = child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse');
  const context = response && child(response, NS.enumeration, 'EnumerationContext');
  const id = context ? textOf(context).trim() : '';
  if (r.status !== 200 || id === '') throw new Error(`could not open an enumeration: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return id;
}

/** Every MSFT_IPAM_Server instance with its properties, read through one optimized Enumerate. */
async function readIpamServers(url: string): Promise<Array<Record<string, string | null>>> {
  const r = await call(url, {
    action: ACTION.enumerate,
    resourceUri: IPAM_SERVER_URI,
    body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements></n:Enumerate>',
  });
  const response = child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse');
  if (r.status !== 200 || !response || !child(response, NS.wsman, 'EndOfSequence')) {
    throw new Error(`could not read MSFT_IPAM_Server: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  }
  return itemsOf(response).map(propsOf);
}

/** Opens an enumeration and releases it: its id names a context that is gone. */
async function releasedEnumeration(url: string): Promise<string> {
  const id = await openEnumeration(url);
  const r = await call(url, { action: ACTION.release, resourceUri: IPAM_SERVER_URI, body: `<n:Release><n:EnumerationContext>${id}</n:EnumerationContext></n:Release>` });
  if (r.status !== 200) throw new Error(`could not release an enumeration: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return id;
}

/** Puts live (or released) enumeration contexts where a case has placeholders for them. */
async function withContexts(url: string, c: HostileCase): Promise<HostileCase> {
  if (typeof c.body !== 'string') return c;
  let body = c.body;
  if (body.includes(LOWER_CASE_LIVE_CONTEXT)) body = body.replace(LOWER_CASE_LIVE_CONTEXT, (await openEnumeration(url)).toLowerCase());
  if (body.includes(RELEASED_CONTEXT)) body = body.replace(RELEASED_CONTEXT, await releasedEnumeration(url));
  if (body.includes(LIVE_CONTEXT)) body = body.replace(LIVE_CONTEXT, await openEnumeration(url));
  return body === c.body ? c : { ...c, body };
}

const cases = [...hostileCases(), ...operationCases(), ...headerCases(), ...REGRESSIONS];
let emu: TestEmulator;
let stateBefore: Array<Record<string, string | null>>;

beforeAll(async () => {
  emu = await startEmulator();
  stateBefore = await readIpamServers(emu.url);
});
afterAll(() => emu.stop());

describe('hostile input', () => {
  test('the corpus holds at least 250 uniquely named cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(250);
    const names = cases.map((c) => c.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  test('every operation and every header the endpoint handles is attacked by at least 5 cases with a precise expectation', () => {
    const counts = new Map<string, number>();
    for (const c of cases) if (c.target !== undefined && c.expect !== undefined) counts.set(c.target, (counts.get(c.target) ?? 0) + 1);
    const thin = [...OPERATIONS, ...HEADERS].filter((t) => (counts.get(t) ?? 0) < 5).map((t) => `${t}: ${counts.get(t) ?? 0}`);
    expect(thin).toEqual([]);
    // Every case of the operation and header families says what it expects.
    expect([...operationCases(), ...headerCases()].filter((c) => c.expect === undefined || c.target === undefined).map((c) => c.name)).toEqual([]);
  });

  test('the IPAM server instance was read before the attack', () => {
    expect(stateBefore).toHaveLength(1);
    expect(stateBefore[0]).toMatchObject({ IdentifyingNumber: 'ipam1.contoso.com', ServerName: 'ipam1.contoso.com' });
  });

  test('the valid requests the corpus edits are accepted, so each refusal is due to its edit', async () => {
    for (const body of [BASE.enumerate, BASE.get, BASE.wql]) {
      const r = await send(emu.port, { name: 'base', body });
      expect({ status: r.status, reply: r.status === 200 ? 'ok' : r.text.slice(0, 300) }).toEqual({ status: 200, reply: 'ok' });
    }
    const pull = await send(emu.port, { name: 'base pull', body: BASE.pull.replace(LIVE_CONTEXT, await openEnumeration(emu.url)) });
    expect(pull.status).toBe(200);
    const release = await send(emu.port, { name: 'base release', body: BASE.release.replace(LIVE_CONTEXT, await openEnumeration(emu.url)) });
    expect({ status: release.status, served: servedAs(release.text) }).toEqual({ status: 200, served: 'an empty Body' });
    // GetClass answers with the class in CIM-XML as the only child of the Body.
    const getClass = await send(emu.port, { name: 'base GetClass', body: BASE.getClass });
    expect({ status: getClass.status, served: servedAs(getClass.text) }).toEqual({ status: 200, served: 'CLASS' });
    // A valid Invoke (sent as a WhatIf) succeeds and changes nothing.
    for (const body of [BASE.invoke, BASE.invokeWid, BASE.fleet]) {
      const r = await send(emu.port, { name: 'base invoke', body });
      expect({ status: r.status, returnValue: /<p:ReturnValue>(\d+)<\/p:ReturnValue>/.exec(r.text)?.[1] }).toEqual({ status: 200, returnValue: '0' });
    }
  });

  test('every hostile request gets a fault or a 4xx (the very one it expects, where it says), and Identify answers after each batch of 25', async () => {
    const failures: string[] = [];
    for (let i = 0; i < cases.length; i++) {
      const c = await withContexts(emu.url, cases[i] as HostileCase);
      const reply = await send(emu.port, c);
      const problem = whatIsWrong(reply) ?? (c.expect !== undefined ? unexpected(c.expect, reply) : undefined);
      if (problem !== undefined) failures.push(`${c.name}: ${problem}`);
      // HOSTILE_DEBUG=1 prints what each case got, to write or check expectations.
      if (process.env.HOSTILE_DEBUG) process.stdout.write(`${c.name.slice(0, 120)} => ${describeOutcome(outcomeOf(reply))}\n`);
      if ((i + 1) % BATCH === 0 || i === cases.length - 1) {
        const status = await identifyStatus(emu.url);
        if (status !== 200) failures.push(`Identify after case ${i + 1} (${c.name}) answered ${status}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  test('raw-socket abuse of the HTTP layer does not take the server down', async () => {
    const valid = 'POST /wsman HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/soap+xml;charset=UTF-8\r\nAuthorization: ' + ADMIN + '\r\n';
    const raw: Array<[name: string, data: string | Buffer]> = [
      ['a request line only, then close', 'POST /wsman HTTP/1.1\r\n'],
      ['headers without the body, then close', `${valid}Content-Length: 500\r\n\r\n`],
      ['Content-Length larger than the body, then close', `${valid}Content-Length: 2000\r\n\r\n${IDENTIFY}`],
      ['an HTTP/0.9 request', 'GET /wsman\r\n\r\n'],
      ['an absurdly long header (100 KB)', `${valid}X-Junk: ${'a'.repeat(100_000)}\r\nContent-Length: 0\r\n\r\n`],
      ['an absurdly long request line (100 KB)', `POST /wsman?${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
      ['10,000 headers', `${valid}${Array.from({ length: 10_000 }, (_, i) => `X-H${i}: ${i}\r\n`).join('')}Content-Length: 0\r\n\r\n`],
      ['Content-Length and Transfer-Encoding together', `${valid}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
      ['two different Content-Lengths', `${valid}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!`],
      ['a negative Content-Length', `${valid}Content-Length: -1\r\n\r\n`],
      ['an invalid chunk size', `${valid}Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`],
      ['binary garbage instead of a request', Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x00, 0xff, 0xfe])],
    ];
    // The raw channel itself works: a well-formed raw Identify is answered 200, so a status read as 0 or 4xx below is real.
    expect(statusOf(await rawHttp(emu.port, `${valid}Content-Length: ${IDENTIFY.length}\r\n\r\n${IDENTIFY}`, { halfClose: true }))).toBe(200);
    const failures: string[] = [];
    for (const [name, data] of raw) {
      const reply = await rawHttp(emu.port, data, { halfClose: true, timeoutMs: 3000 });
      const status = statusOf(reply);
      // Nothing, or a 4xx: the HTTP layer refuses what is not HTTP.
      if (status !== 0 && (status < 400 || status >= 500)) failures.push(`${name}: HTTP ${status}: ${reply.slice(0, 200)}`);
      const identify = await identifyStatus(emu.url);
      if (identify !== 200) failures.push(`${name}: Identify afterwards answered ${identify}`);
    }
    expect(failures).toEqual([]);
  });

  test('hostile Authorization headers get 401 (or 431 for an oversized header), and change nothing', async () => {
    const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64');
    const ntlm = (type: number, rest: Buffer = Buffer.alloc(0)): Buffer => {
      const head = Buffer.alloc(12);
      head.write('NTLMSSP\0', 0, 'latin1');
      head.writeUInt32LE(type, 8);
      return Buffer.concat([head, rest]);
    };
    // Offsets and lengths pointing far outside the message (MS-NLMP 2.2.1.3 security buffers).
    const wildBuffers = Buffer.alloc(80, 0xff);
    const headers: Array<[name: string, value: string]> = [
      ['Negotiate with no token (a client never sends that as credentials)', 'Negotiate'],
      ['Negotiate with non-base64', 'Negotiate !!!!'],
      ['Negotiate with random bytes', `Negotiate ${b64(Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 73 + 11) % 256)))}`],
      ['a truncated NTLM NEGOTIATE', `Negotiate ${b64(ntlm(1).subarray(0, 10))}`],
      ['an NTLM NEGOTIATE with wild security buffers', `Negotiate ${b64(ntlm(1, wildBuffers))}`],
      ['an AUTHENTICATE with no CHALLENGE before it', `Negotiate ${b64(ntlm(3, wildBuffers))}`],
      ['a CHALLENGE sent by the client', `Negotiate ${b64(ntlm(2, wildBuffers))}`],
      ['an NTLM message of type 7', `Negotiate ${b64(ntlm(7, wildBuffers))}`],
      ['SPNEGO with an indefinite length', `Negotiate ${b64(Buffer.from([0x60, 0x80, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02, 0x00, 0x00]))}`],
      ['SPNEGO claiming 2 GB', `Negotiate ${b64(Buffer.from([0x60, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x06]))}`],
      ['SPNEGO offering Kerberos only', `Negotiate ${b64(buildNegTokenInit({ mechTypes: [OID_KERBEROS], mechToken: Buffer.from('krb') }))}`],
      ['the NTLM scheme name', `NTLM ${b64(ntlm(1, Buffer.alloc(20)))}`],
      ['Kerberos', 'Kerberos YIIB'],
      ['Basic with non-base64', 'Basic !!!'],
      ['Basic without a colon', `Basic ${b64('Administrator')}`],
      ['Basic with an empty user', `Basic ${b64(':Passw0rd!')}`],
      ['Basic with a NUL in the user', `Basic ${b64('Admin\u0000istrator:Passw0rd!')}`],
      ['a scheme only', 'Basic'],
    ];
    const failures: string[] = [];
    for (const [name, value] of headers) {
      const r = await post(emu.url, IDENTIFY, { Authorization: value }).catch((e: Error) => ({ status: 0, text: e.message, headers: new Headers() }));
      if (r.status !== 401) failures.push(`${name}: HTTP ${r.status} ${r.text.slice(0, 120)}`);
      const identify = await identifyStatus(emu.url);
      if (identify !== 200) failures.push(`${name}: Identify afterwards answered ${identify}`);
    }
    // A header far past the server's limit is refused by the HTTP parser itself.
    const huge = await post(emu.url, IDENTIFY, { Authorization: `Negotiate ${'A'.repeat(40_000)}` }).catch(() => ({ status: 0 }));
    if (huge.status !== 431 && huge.status !== 0) failures.push(`a 40 KB Negotiate token: HTTP ${huge.status}`);
    // A sealed body on a connection that has no Negotiate logon.
    const sealed = await post(emu.url, Buffer.from('--Encrypted Boundary\r\ngarbage--Encrypted Boundary--\r\n'), {
      Authorization: '',
      'Content-Type': 'multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"',
    });
    if (sealed.status !== 401) failures.push(`a sealed body without a logon: HTTP ${sealed.status}`);
    expect(failures).toEqual([]);
  });

  test('the IPAM server instance reads back unchanged', async () => {
    expect(await readIpamServers(emu.url)).toEqual(stateBefore);
  });

  test('no internal error was logged (no log entry at level error or above)', () => {
    const lines = emu.logs();
    // One request line per case at least: proof the log was captured, so an empty error list means something.
    expect(lines.length).toBeGreaterThan(cases.length);
    const errors = lines
      .map((l) => JSON.parse(l) as { level: number; msg?: string; err?: { message?: string }; op?: string })
      .filter((e) => e.level >= 50)
      .map((e) => `${e.msg ?? ''}: ${e.err?.message ?? ''} ${e.op ?? ''}`);
    expect(errors).toEqual([]);
  });
});
