/**
 * Negotiate and message sealing over a real keep-alive socket, driven leg by leg
 * so the tests can do what no polite client does: replay a sealed message, alter
 * one byte, send it on another connection, drop the TAB from the part headers,
 * wrap the tokens in SPNEGO. The NTLM client is the codec's own (unit-tested
 * against MS-NLMP 4.2.4 and Debian's ntlm-auth); pywinrm covers the real client.
 */
import http from 'node:http';
import path from 'node:path';
import { loadFixture, type Fixture } from '../../src/config/fixture';
import { frameSealed, parseSealed } from '../../src/security/sealedMessage';
import { buildNegTokenInit, buildNegTokenResp, NtlmClientContext, OID_NTLMSSP, parseNegTokenResp } from '../../src/security/ntlm';
import { buildMechTypeList, OID_KERBEROS } from '../../src/security/ntlm/spnego';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { ACTION, IDENTIFY, WMI, bodyOf, child, envelope, faultOf, itemsOf, NS, parseXml, propsOf } from '../support/soap';

const SERVER = WMI + 'MSFT_IPAM_Server';
const ENUMERATE = envelope({ action: ACTION.enumerate, resourceUri: SERVER, body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' });

function stock(policy: Fixture['policy'] = {}): Fixture {
  const fx = loadFixture(path.join(__dirname, '..', '..', 'fixtures', 'windows-defaults.json'));
  return { ...fx, policy: { ...fx.policy, ...policy, auth: { ...fx.policy?.auth, ...policy.auth } } };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  socket: object;
}

/** One keep-alive connection: every request goes out on the same socket, in order. */
class Connection {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  constructor(private readonly url: string) {}

  send(body: Buffer, headers: Record<string, string | number> = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = http.request(this.url, { method: 'POST', agent: this.agent, headers: { 'Content-Length': body.length, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), socket: req.socket as object }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const token = (r: Reply): Buffer => {
  const value = String(r.headers['www-authenticate'] ?? '');
  const m = /^Negotiate ([A-Za-z0-9+/=]+)$/.exec(value);
  if (!m) throw new Error(`no Negotiate token in ${value}`);
  return Buffer.from(m[1] as string, 'base64');
};

/** Logs the connection on with raw NTLM (as pywinrm does): NEGOTIATE, then AUTHENTICATE on the empty body. */
async function logOn(conn: Connection, user = 'Administrator', password = 'Passw0rd!'): Promise<{ client: NtlmClientContext; reply: Reply }> {
  const client = new NtlmClientContext({ user, domain: '', password });
  const challenge = await conn.send(Buffer.alloc(0), { Authorization: `Negotiate ${client.negotiate().toString('base64')}` });
  expect(challenge.status).toBe(401);
  const reply = await conn.send(Buffer.alloc(0), { Authorization: `Negotiate ${client.authenticate(token(challenge)).toString('base64')}` });
  return { client, reply };
}

function sealedRequest(client: NtlmClientContext, xml: string): { body: Buffer; contentType: string } {
  const { signature, sealed } = client.session.seal(Buffer.from(xml, 'utf8'));
  return frameSealed(signature, sealed, 'UTF-8');
}

function openReply(client: NtlmClientContext, r: Reply): string {
  const m = parseSealed(String(r.headers['content-type']), r.body);
  return client.session.unseal(m.sealed, m.signature).toString('utf8');
}

let emu: TestEmulator;
const connections: Connection[] = [];
const connect = (url = emu.url): Connection => {
  const c = new Connection(url);
  connections.push(c);
  return c;
};
beforeEach(async () => {
  emu = await startEmulator({ fixture: stock() });
});
afterEach(async () => {
  for (const c of connections.splice(0)) c.close();
  await emu.stop();
});

describe('the handshake', () => {
  test('a stock host challenges with Negotiate only; the empty set-up POST gets 200 once logged on', async () => {
    const conn = connect();
    const first = await conn.send(Buffer.alloc(0));
    expect(first.status).toBe(401);
    expect(first.headers['www-authenticate']).toBe('Negotiate');
    const { reply } = await logOn(conn);
    expect(reply.status).toBe(200);
    expect(reply.body.length).toBe(0);
  });

  test('the CHALLENGE names the host (target info) and comes back on the same connection', async () => {
    const conn = connect();
    const client = new NtlmClientContext({ user: 'Administrator', domain: '', password: 'Passw0rd!' });
    const r = await conn.send(Buffer.alloc(0), { Authorization: `Negotiate ${client.negotiate().toString('base64')}` });
    expect(r.status).toBe(401);
    expect(token(r).subarray(0, 8).toString('latin1')).toBe('NTLMSSP\0');
    expect(token(r).includes(Buffer.from('ipam1.contoso.com', 'utf16le'))).toBe(true);
  });

  test('user, HOST\\user, DOMAIN\\user, the DNS domain and user@domain all log on', async () => {
    const fx = stock();
    await emu.stop();
    emu = await startEmulator({
      fixture: { ...fx, domains: [{ ...fx.domains[0]!, accounts: [{ name: 'ipamadmin', password: 'D0main-Pass!', groups: ['IPAM Administrators'] }] }] },
    });
    for (const [user, domain, password] of [
      ['Administrator', '', 'Passw0rd!'],
      ['Administrator', 'IPAM1', 'Passw0rd!'],
      ['ipamadmin', 'CONTOSO', 'D0main-Pass!'],
      ['ipamadmin', 'contoso.com', 'D0main-Pass!'],
      ['ipamadmin@contoso.com', '', 'D0main-Pass!'],
    ] as const) {
      const conn = connect();
      const client = new NtlmClientContext({ user, domain, password });
      const challenge = await conn.send(Buffer.alloc(0), { Authorization: `Negotiate ${client.negotiate().toString('base64')}` });
      const r = await conn.send(Buffer.alloc(0), { Authorization: `Negotiate ${client.authenticate(token(challenge)).toString('base64')}` });
      expect([`${domain}\\${user}`, r.status]).toEqual([`${domain}\\${user}`, 200]);
    }
  });

  test('a wrong password gets 401 with the plain challenge, and counts toward lockout', async () => {
    await emu.stop();
    emu = await startEmulator({ fixture: stock({ lockout: { threshold: 2, windowMinutes: 5, durationMinutes: 5 } }) });
    for (let i = 0; i < 2; i++) {
      const { reply } = await logOn(connect(), 'Administrator', 'wrong');
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Negotiate');
    }
    // Locked: the right password is refused too.
    expect((await logOn(connect())).reply.status).toBe(401);
    expect(emu.logs().some((l) => l.includes('"authError":"logon failed: locked"'))).toBe(true);
  });

  test('SPNEGO-wrapped tokens (GSSAPI clients): the accept token carries our mechListMIC', async () => {
    const conn = connect();
    const client = new NtlmClientContext({ user: 'Administrator', domain: '', password: 'Passw0rd!' });
    const mechTypes = [OID_NTLMSSP];
    const init = buildNegTokenInit({ mechTypes, mechToken: client.negotiate() });
    const r1 = await conn.send(Buffer.alloc(0), { Authorization: `Negotiate ${init.toString('base64')}` });
    expect(r1.status).toBe(401);
    const resp1 = parseNegTokenResp(token(r1));
    expect(resp1.negState).toBe('accept-incomplete');
    const authenticate = client.authenticate(resp1.responseToken as Buffer);
    const mic = client.session.signMechListMic(buildMechTypeList(mechTypes));
    const sealedEnumerate = (): { body: Buffer; contentType: string } => sealedRequest(client, ENUMERATE);
    const leg2 = buildNegTokenResp({ responseToken: authenticate, mechListMic: mic });
    // The AUTHENTICATE rides with the first sealed message, as Windows' client sends it.
    const req = sealedEnumerate();
    const r2 = await conn.send(req.body, { Authorization: `Negotiate ${leg2.toString('base64')}`, 'Content-Type': req.contentType });
    expect(r2.status).toBe(200);
    const accept = parseNegTokenResp(token(r2));
    expect(accept.negState).toBe('accept-completed');
    client.session.verifyMechListMic(buildMechTypeList(mechTypes), accept.mechListMic as Buffer);
    const xml = parseXml(openReply(client, r2));
    expect(itemsOf(child(bodyOf(xml), NS.enumeration, 'EnumerateResponse')!).map((i) => propsOf(i).ServerName)).toEqual(['ipam1.contoso.com']);
  });

  test('a GSSAPI client that offers Kerberos first is steered to NTLM (RFC 4178 §3.2) and must send the mechListMIC', async () => {
    const mechTypes = [OID_KERBEROS, OID_NTLMSSP];
    /** Kerberos first with an optimistic (here fake) AP-REQ; NTLM's NEGOTIATE only once selected. */
    const logOnSelected = async (withMic: boolean): Promise<{ status: number; accept?: ReturnType<typeof parseNegTokenResp>; client: NtlmClientContext }> => {
      const conn = connect();
      const client = new NtlmClientContext({ user: 'Administrator', domain: '', password: 'Passw0rd!' });
      const init = buildNegTokenInit({ mechTypes, mechToken: Buffer.from('a Kerberos AP-REQ') });
      const r0 = await conn.send(Buffer.alloc(0), { Authorization: `Negotiate ${init.toString('base64')}` });
      expect(r0.status).toBe(401);
      const select = parseNegTokenResp(token(r0));
      expect({ negState: select.negState, supportedMech: select.supportedMech, responseToken: select.responseToken }).toEqual({
        negState: 'accept-incomplete',
        supportedMech: OID_NTLMSSP,
        responseToken: undefined,
      });
      const r1 = await conn.send(Buffer.alloc(0), { Authorization: `Negotiate ${buildNegTokenResp({ responseToken: client.negotiate() }).toString('base64')}` });
      expect(r1.status).toBe(401);
      const challenge = parseNegTokenResp(token(r1));
      expect(challenge.supportedMech).toBeUndefined(); // selected once, not again
      const authenticate = client.authenticate(challenge.responseToken as Buffer);
      const mic = withMic ? client.session.signMechListMic(buildMechTypeList(mechTypes)) : undefined;
      const r2 = await conn.send(Buffer.alloc(0), { Authorization: `Negotiate ${buildNegTokenResp({ responseToken: authenticate, mechListMic: mic }).toString('base64')}` });
      return { status: r2.status, accept: r2.status === 200 ? parseNegTokenResp(token(r2)) : undefined, client };
    };
    const ok = await logOnSelected(true);
    expect(ok.status).toBe(200);
    expect(ok.accept?.negState).toBe('accept-completed');
    ok.client.session.verifyMechListMic(buildMechTypeList(mechTypes), ok.accept?.mechListMic as Buffer);
    // NTLM was not the client's first choice: without the mechListMIC the logon fails.
    expect((await logOnSelected(false)).status).toBe(401);
    expect(emu.logs().some((l) => l.includes('the mechListMIC the negotiation requires is missing'))).toBe(true);
  });

  test('a SPNEGO logon whose mechListMIC does not verify fails and counts toward lockout, even with the right password', async () => {
    await emu.stop();
    emu = await startEmulator({ fixture: stock({ lockout: { threshold: 2, windowMinutes: 5, durationMinutes: 5 } }) });
    const badMic = async (): Promise<number> => {
      const conn = connect();
      const client = new NtlmClientContext({ user: 'Administrator', domain: '', password: 'Passw0rd!' });
      const init = buildNegTokenInit({ mechTypes: [OID_NTLMSSP], mechToken: client.negotiate() });
      const r1 = await conn.send(Buffer.alloc(0), { Authorization: `Negotiate ${init.toString('base64')}` });
      const authenticate = client.authenticate(parseNegTokenResp(token(r1)).responseToken as Buffer);
      const leg2 = buildNegTokenResp({ responseToken: authenticate, mechListMic: Buffer.alloc(16, 7) });
      return (await conn.send(Buffer.alloc(0), { Authorization: `Negotiate ${leg2.toString('base64')}` })).status;
    };
    // A wrong password, then a bad MIC with the right one: had the MIC failure counted as a success, it would
    // have reset the count and the account would not be locked now.
    expect((await logOn(connect(), 'Administrator', 'wrong')).reply.status).toBe(401);
    expect(await badMic()).toBe(401);
    expect(emu.logs().some((l) => l.includes('SPNEGO mechListMIC'))).toBe(true);
    expect((await logOn(connect())).reply.status).toBe(401);
    expect(emu.logs().some((l) => l.includes('"authError":"logon failed: locked"'))).toBe(true);
  });

  test('Negotiate is refused where the host disables it', async () => {
    await emu.stop();
    emu = await startEmulator({ fixture: stock({ allowUnencrypted: true, auth: { basic: true, negotiate: false } }) });
    const client = new NtlmClientContext({ user: 'Administrator', domain: '', password: 'Passw0rd!' });
    const r = await connect().send(Buffer.alloc(0), { Authorization: `Negotiate ${client.negotiate().toString('base64')}` });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Basic realm="WSMAN"');
  });
});

describe('sealed messages', () => {
  test('a sealed Enumerate gets a sealed reply in Windows framing (TAB-indented part headers)', async () => {
    const conn = connect();
    const { client } = await logOn(conn);
    const req = sealedRequest(client, ENUMERATE);
    const r = await conn.send(req.body, { 'Content-Type': req.contentType });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"');
    const head = r.body.toString('latin1', 0, 300);
    expect(head).toMatch(/^--Encrypted Boundary\r\n\tContent-Type: application\/HTTP-SPNEGO-session-encrypted\r\n\tOriginalContent: type=application\/soap\+xml;charset=UTF-8;Length=\d+\r\n--Encrypted Boundary\r\n\tContent-Type: application\/octet-stream\r\n/);
    expect(r.body.toString('latin1').endsWith('--Encrypted Boundary--\r\n')).toBe(true);
    expect(r.body.includes(Buffer.from('EnumerateResponse'))).toBe(false);
    expect(openReply(client, r)).toContain('EnumerateResponse');
  });

  test('part headers without the TAB, and bare LF line ends, are read too', async () => {
    const conn = connect();
    const { client } = await logOn(conn);
    const req = sealedRequest(client, ENUMERATE);
    const plainHeaders = Buffer.from(req.body.toString('latin1').replace(/\r\n\t/g, '\n'), 'latin1');
    const r = await conn.send(plainHeaders, { 'Content-Type': req.contentType });
    expect(r.status).toBe(200);
    expect(openReply(client, r)).toContain('EnumerateResponse');
  });

  test('a fault is sealed too', async () => {
    const conn = connect();
    const { client } = await logOn(conn);
    const req = sealedRequest(client, envelope({ action: ACTION.get, resourceUri: SERVER, selectors: { Name: 'x' } }));
    const r = await conn.send(req.body, { 'Content-Type': req.contentType });
    expect(r.status).toBe(500);
    expect(String(r.headers['content-type'])).toMatch(/^multipart\/encrypted/);
    expect(faultOf(parseXml(openReply(client, r))).subcode).toBe('w:InvalidSelectors');
  });

  test('a replayed message is refused (sequence number), the connection closed and its logon dropped', async () => {
    const conn = connect();
    const { client } = await logOn(conn);
    const req = sealedRequest(client, ENUMERATE);
    const first = await conn.send(req.body, { 'Content-Type': req.contentType });
    expect(first.status).toBe(200);
    const replay = await conn.send(req.body, { 'Content-Type': req.contentType });
    expect(replay.status).toBe(400);
    expect(replay.headers.connection).toBe('close');
    expect(emu.logs().some((l) => l.includes('"sealError":"sequence'))).toBe(true);
  });

  test('an altered byte is refused (signature), and nothing runs', async () => {
    const conn = connect();
    const { client } = await logOn(conn);
    const provision = envelope({
      action: `${SERVER}/InvokeIpamServerProvisioning`,
      resourceUri: SERVER,
      body: `<p:InvokeIpamServerProvisioning_INPUT xmlns:p="${SERVER}"><p:Force>true</p:Force></p:InvokeIpamServerProvisioning_INPUT>`,
    });
    const req = sealedRequest(client, provision);
    const altered = Buffer.from(req.body);
    altered[altered.length - 40] = (altered[altered.length - 40] as number) ^ 0x01;
    const r = await conn.send(altered, { 'Content-Type': req.contentType });
    expect(r.status).toBe(400);
    expect(emu.logs().some((l) => l.includes('"sealError":"signature'))).toBe(true);
    expect(emu.logs().some((l) => l.includes('InvokeIpamServerProvisioning') && l.includes('"op"'))).toBe(false);
    // Nothing was provisioned: a fresh logon reads the server back unprovisioned.
    const again = connect();
    const fresh = await logOn(again);
    const read = sealedRequest(fresh.client, ENUMERATE);
    const listed = parseXml(openReply(fresh.client, await again.send(read.body, { 'Content-Type': read.contentType })));
    expect(propsOf(itemsOf(child(bodyOf(listed), NS.enumeration, 'EnumerateResponse')!)[0]!).ProvisioningState).toBe('0');
  });

  test('a sealed message on a connection that never logged on gets 401', async () => {
    const { client } = await logOn(connect());
    const req = sealedRequest(client, ENUMERATE);
    const other = connect();
    const r = await other.send(req.body, { 'Content-Type': req.contentType });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Negotiate');
  });

  test('Kerberos or CredSSP framing is 415; a Length that does not match is 400', async () => {
    const conn = connect();
    const { client } = await logOn(conn);
    const req = sealedRequest(client, IDENTIFY);
    const kerberos = await conn.send(req.body, { 'Content-Type': req.contentType.replace('HTTP-SPNEGO', 'HTTP-Kerberos') });
    expect(kerberos.status).toBe(415);
    const lying = Buffer.from(req.body.toString('latin1').replace(/Length=(\d+)/, (_m, n: string) => `Length=${Number(n) + 1}`), 'latin1');
    const r = await conn.send(lying, { 'Content-Type': req.contentType });
    expect(r.status).toBe(400);
  });

  test('an unsealed body from a Negotiate logon over HTTP is refused while AllowUnencrypted is false', async () => {
    const conn = connect();
    await logOn(conn);
    const r = await conn.send(Buffer.from(ENUMERATE), { 'Content-Type': 'application/soap+xml;charset=UTF-8' });
    expect(r.status).toBe(500);
    const f = faultOf(parseXml(r.body.toString('utf8')));
    expect(f.subcode).toBe('w:AccessDenied');
    expect(f.reason).toContain('AllowUnencrypted is false');
  });

  test('over HTTPS a Negotiate logon sends plain bodies', async () => {
    // Through the client library, which speaks TLS and binds the logon to the certificate (channel binding).
    const { WsmanClient } = await import('../../src/client/wsmanClient');
    const { NegotiateAuthenticator } = await import('../../src/client/negotiate');
    const c = new WsmanClient({
      endpoint: emu.httpsUrl,
      authenticator: new NegotiateAuthenticator({ userName: 'Administrator', password: 'Passw0rd!' }),
      tls: { rejectUnauthorized: false },
    });
    try {
      const id = await c.identify({ authenticated: true });
      expect(id.productVendor).toBe('Microsoft Corporation');
    } finally {
      c.close();
    }
    const lines = emu.logs().filter((l) => l.includes('"msg":"request"') && l.includes('"op":"Identify"'));
    expect(lines.some((l) => l.includes('"tls":true') && l.includes('"auth":"Negotiate"') && !l.includes('"sealed"'))).toBe(true);
  });
});

/**
 * Issue 10: OMI's client (omicli --auth NegoWithCreds --encryption http) pads the sealed
 * plaintext with NULs to a multiple of 16 (counted in Length), writes part headers without
 * the TAB, and reads a reply's part headers only at the start of a line. Our client learns
 * that framing as an option (`framing: 'omi'`), so these run what omicli would send.
 */
describe("OMI's framing (NUL padding, part headers at the start of the line)", () => {
  const MSFT_SERVER_KEYS = { Name: 'IP Address Management (IPAM) Server', IdentifyingNumber: 'ipam1.contoso.com', Vendor: 'Microsoft Corporation', Version: '10.0.20348' };

  async function omiClient() {
    const { WsmanClient } = await import('../../src/client/wsmanClient');
    const { NegotiateAuthenticator } = await import('../../src/client/negotiate');
    return new WsmanClient({
      endpoint: emu.url,
      authenticator: new NegotiateAuthenticator({ userName: 'Administrator', password: 'Passw0rd!', encryption: 'always', framing: 'omi' }),
    });
  }

  test('Enumerate, Get, a WQL query and a WID provisioning all succeed, sealed', async () => {
    const c = await omiClient();
    try {
      const listed = await c.enumerate(SERVER);
      expect(listed).toHaveLength(1);
      expect(listed[0]!.ProvisioningState).toBe('0');
      const got = await c.get(SERVER, MSFT_SERVER_KEYS);
      expect(got.IdentifyingNumber).toBe('ipam1.contoso.com');
      const out = await c.invoke(SERVER, 'InvokeIpamServerProvisioning', { WidSchemaPath: 'D:\\OmiDb', Force: true });
      expect(out.returnValue).toBe(0);
      const provisioned = await c.enumerate(SERVER, { filter: 'SELECT * FROM MSFT_IPAM_Server WHERE ProvisioningState = 2' });
      expect(provisioned.map((i) => i.IdentifyingNumber)).toEqual(['ipam1.contoso.com']);
      const db = await c.enumerate(WMI + 'MSFT_IPAM_DBConfig');
      expect(db[0]!.WidSchemaPath).toBe('D:\\OmiDb');
    } finally {
      c.close();
    }
    // Every one of those went sealed, and every reply was framed without the TAB, as the request was.
    const lines = emu.logs().filter((l) => l.includes('"msg":"request"') && l.includes('"op"'));
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.every((l) => l.includes('"sealed":true'))).toBe(true);
  });

  test('the reply to a TAB-less request is TAB-less, byte for byte as OMI reads it', async () => {
    const conn = connect();
    const { client } = await logOn(conn);
    const padded = Buffer.concat([Buffer.from(ENUMERATE, 'utf8'), Buffer.alloc(16 - (Buffer.byteLength(ENUMERATE) % 16 || 16))]);
    const { signature, sealed } = client.session.seal(padded);
    const req = frameSealed(signature, sealed, 'UTF-8', false);
    const r = await conn.send(req.body, { 'Content-Type': req.contentType });
    expect(r.status).toBe(200);
    expect(r.body.toString('latin1', 0, 300)).toMatch(
      /^--Encrypted Boundary\r\nContent-Type: application\/HTTP-SPNEGO-session-encrypted\r\nOriginalContent: type=application\/soap\+xml;charset=UTF-8;Length=\d+\r\n--Encrypted Boundary\r\nContent-Type: application\/octet-stream\r\n/,
    );
    const m = parseSealed(String(r.headers['content-type']), r.body, { headersAtLineStart: true });
    expect(client.session.unseal(m.sealed, m.signature).toString('utf8')).toContain('EnumerateResponse');
  });

  test('a NUL inside a sealed envelope is still refused, and the connection goes on', async () => {
    const conn = connect();
    const { client } = await logOn(conn);
    const req = sealedRequest(client, ENUMERATE.replace('<n:Enumerate>', '<n:Enumerate>\0'));
    const r = await conn.send(req.body, { 'Content-Type': req.contentType });
    expect(r.status).toBe(500);
    const f = faultOf(parseXml(openReply(client, r)));
    expect(f.subcode).toBe('w:SchemaValidationError');
    expect(f.reason).toContain('U+0000');
    const next = sealedRequest(client, ENUMERATE);
    expect((await conn.send(next.body, { 'Content-Type': next.contentType })).status).toBe(200);
  });
});
