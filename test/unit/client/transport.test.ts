/**
 * The transport against tiny fake servers on real sockets (as tedious tests
 * do): what goes out (Host, Content-Type, Authorization), how replies come
 * back (UTF-16, faults, other statuses), and the authenticator contract.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BasicAuthenticator, WsmanAuthError, WsmanFaultError, WsmanTransport, WsmanTransportError, type AuthExchange, type Authenticator } from '../../../src/client/transport';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
const servers: http.Server[] = [];
const transports: WsmanTransport[] = [];
afterEach(async () => {
  transports.splice(0).forEach((t) => t.close());
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve)).then(() => s.closeAllConnections())));
});

async function fakeServer(handler: Handler): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/wsman`;
}

function transport(endpoint: string, opts: Partial<ConstructorParameters<typeof WsmanTransport>[0]> = {}): WsmanTransport {
  const t = new WsmanTransport({ endpoint, ...opts });
  transports.push(t);
  return t;
}

const SOAP = 'http://www.w3.org/2003/05/soap-envelope';
const REPLY = `<s:Envelope xmlns:s="${SOAP}"><s:Header/><s:Body><ok>é✓</ok></s:Body></s:Envelope>`;

test('sends SOAP as UTF-8 with the Host override and preemptive Basic; reads a UTF-16LE reply with BOM', async () => {
  let seen: http.IncomingHttpHeaders = {};
  const url = await fakeServer((req, _body, res) => {
    seen = req.headers;
    res.writeHead(200, { 'Content-Type': 'application/soap+xml;charset=UTF-16' });
    res.end(Buffer.from('\ufeff' + REPLY, 'utf16le'));
  });
  const t = transport(url, { hostHeader: 'ipam7.contoso.com', authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
  const reply = await t.post(REPLY);
  expect(seen.host).toBe('ipam7.contoso.com');
  expect(seen['content-type']).toBe('application/soap+xml;charset=UTF-8');
  expect(seen.authorization).toBe('Basic ' + Buffer.from('Administrator:Passw0rd!').toString('base64'));
  expect(reply.envelope.local).toBe('Envelope');
  expect(JSON.stringify(reply.envelope)).toContain('é✓');
});

test('UTF-16 without a BOM is little-endian', async () => {
  const url = await fakeServer((_req, _body, res) => {
    res.writeHead(200, { 'Content-Type': 'application/soap+xml;charset=utf-16' }).end(Buffer.from(REPLY, 'utf16le'));
  });
  expect((await transport(url).post(REPLY)).status).toBe(200);
});

test('401 is WsmanAuthError with each WWW-Authenticate value, and no password anywhere in it', async () => {
  const url = await fakeServer((_req, _body, res) => {
    res.setHeader('WWW-Authenticate', ['Negotiate', 'Basic realm="WSMAN"']);
    res.writeHead(401).end();
  });
  const t = transport(url, { authenticator: new BasicAuthenticator('Administrator', 'S3cret-Pw') });
  const err = (await t.post(REPLY).catch((e: unknown) => e)) as WsmanAuthError;
  expect(err).toBeInstanceOf(WsmanAuthError);
  expect(err.challenges).toEqual(['Negotiate', 'Basic realm="WSMAN"']);
  expect(err.message).toContain('Administrator');
  expect(`${err.message} ${err.stack} ${JSON.stringify(err)}`).not.toMatch(/S3cret|UzNjcmV0/);
  expect(JSON.stringify(new BasicAuthenticator('u', 'S3cret-Pw'))).not.toContain('S3cret');
});

test('a fault body is WsmanFaultError; another status without SOAP is WsmanTransportError', async () => {
  const fault = `<s:Envelope xmlns:s="${SOAP}"><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value></s:Code><s:Reason><s:Text>broken</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`;
  const url = await fakeServer((req, _body, res) => {
    if (req.headers['x-case'] === 'fault') res.writeHead(500, { 'Content-Type': 'application/soap+xml;charset=UTF-8' }).end(fault);
    else res.writeHead(503, { 'Content-Type': 'text/html' }).end('<html>busy</html>');
  });
  const t = transport(url);
  const f = await t.post(REPLY, { headers: { 'X-Case': 'fault' } }).catch((e: unknown) => e);
  expect(f).toBeInstanceOf(WsmanFaultError);
  expect(f).toMatchObject({ httpStatus: 500, code: 'Receiver', reason: 'broken', message: 'broken' });
  const other = await t.post(REPLY).catch((e: unknown) => e);
  expect(other).toBeInstanceOf(WsmanTransportError);
  expect(other).toMatchObject({ status: 503 });
});

test('no reply within the deadline is WsmanTransportError ETIMEDOUT; a closed port is ECONNREFUSED', async () => {
  const url = await fakeServer(() => undefined);
  await expect(transport(url, { timeoutMs: 100 }).post(REPLY)).rejects.toMatchObject({ name: 'WsmanTransportError', code: 'ETIMEDOUT' });
  const closed = await fakeServer(() => undefined);
  await new Promise((resolve) => servers.pop()!.close(resolve));
  await expect(transport(closed).post(REPLY)).rejects.toMatchObject({ name: 'WsmanTransportError', code: 'ECONNREFUSED' });
});

test('a connection-bound authenticator runs its legs on one connection (the Negotiate shape)', async () => {
  const sockets = new Set<unknown>();
  const url = await fakeServer((req, _body, res) => {
    sockets.add(req.socket);
    const auth = req.headers.authorization ?? '';
    if (auth === 'Token leg-2') res.writeHead(200, { 'Content-Type': 'application/soap+xml;charset=UTF-8', 'WWW-Authenticate': 'Token final' }).end(REPLY);
    else res.writeHead(401, { 'WWW-Authenticate': 'Token challenge-1' }).end();
  });
  const connections: object[] = [];
  let finished = '';
  const twoLegs: Authenticator = {
    scheme: 'Token',
    connectionBound: true,
    userName: 'u',
    authorize: (x: AuthExchange) => {
      connections.push(x.connection);
      return 'Token leg-1';
    },
    onChallenge: (values, x) => {
      connections.push(x.connection);
      return values[0] === 'Token challenge-1' ? 'Token leg-2' : undefined;
    },
    onSuccess: (headers) => {
      finished = String(headers['www-authenticate']);
    },
  };
  expect((await transport(url, { authenticator: twoLegs }).post(REPLY)).status).toBe(200);
  expect(connections).toHaveLength(2);
  expect(connections[0]).toBe(connections[1]);
  expect(sockets.size).toBe(1);
  expect(finished).toBe('Token final');
});
