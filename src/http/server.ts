/**
 * The HTTP listener: routes `POST /wsman` (and `/wsman/`) to the WS-Man
 * handler, answers other paths and methods as HTTP.sys does (404/405),
 * authenticates, and logs one structured line per request. The only layer that
 * touches sockets and auth headers.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AccountAuthenticator } from '../fleet/authentication';
import type { Fleet, FleetHost, Principal } from '../fleet/fleet';
import type { Logger } from '../log';
import type { EventSink } from '../providers/types';
import { WsmanFault } from '../wsman/faults';
import type { WsmanHandler } from '../wsman/handler';
import { writeFault } from '../wsman/reply';
import { NtlmError } from '../security/ntlm';
import type { HandlerOutcome } from '../wsman/handler';
import { authenticateRequest, challenges, parseBasicToken } from './auth';
import { decode, encodeReply, hasNoBody, measureIn, readBody, readRaw, type BodyEncoding, type BodyResult } from './body';
import type { NegotiateAuthenticator, NegotiateSession } from './negotiate';
import { frameSealed, isEncryptedContentType, parseSealed, SealedFramingError, withoutPadding } from '../security/sealedMessage';
import type { FaultRegistry, FiredFault } from '../harness/faults';
import { hostDownFault } from '../wsman/handler';
import { resolveHost, type Route } from './routing';
import { logLineOf, type RequestJournal, type RequestRecord } from '../harness/journal';

export interface ListenerOptions {
  readonly listen: string;
  readonly port: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly timeouts?: HttpTimeouts;
}

/** How long a client may take (node:http's server timeouts). */
export interface HttpTimeouts {
  /** The whole request, headers and body (a slow-drip body is cut off after this). Default 120 s. */
  readonly requestMs?: number;
  /** The headers. Default 30 s. */
  readonly headersMs?: number;
  /** An idle keep-alive connection. Default 120 s (WinRM keeps Negotiate logons on it). */
  readonly keepAliveMs?: number;
}

export interface RunningListener {
  readonly address: string;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Windows' HTTP.sys signs every reply so. */
const SERVER_HEADER = 'Microsoft-HTTPAPI/2.0';

/**
 * Every /wsman reply's status line and headers, in one writeHead (with the Server
 * header): headers set one by one beforehand push Node's writeHead onto its slow path.
 */
function head(res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders): void {
  res.writeHead(status, { Server: SERVER_HEADER, ...headers });
}

const NOT_FOUND_BODY =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n' +
  '<HTML><HEAD><TITLE>Not Found</TITLE>\r\n<META HTTP-EQUIV="Content-Type" Content-Type="text/html; charset=us-ascii"></HEAD>\r\n' +
  '<BODY><h2>Not Found</h2>\r\n<hr><p>HTTP Error 404. The requested resource is not found.</p>\r\n</BODY></HTML>\r\n';

/** Until full duplex lands, events are dropped and prompts answered yes (docs/protocol-decisions.md). */
const NO_EVENTS: EventSink = {
  emit: () => undefined,
  prompt: () => Promise.resolve('yes'),
};

export interface AppDeps {
  readonly fleet: Fleet;
  readonly accounts: AccountAuthenticator;
  readonly negotiate: NegotiateAuthenticator;
  /** The emulator's handler, or another that answers envelopes (the recording proxy, cli/record.ts). */
  readonly handler: Pick<WsmanHandler, 'handle'>;
  readonly log: Logger;
  /** The admin API, mounted at /_emulator. */
  readonly admin?: express.Router;
  /** Fault injection rules (docs/faults.md): authLoop and hostDown here, transport effects on replies. */
  readonly faults?: FaultRegistry;
  /** The request journal (docs/journal.md): every /wsman request is recorded in it. */
  readonly journal?: RequestJournal;
  /** The emulator's life: `GET /_emulator/health`, and WS-Man refused with 503 while it stops. */
  readonly lifecycle?: {
    phase(): string;
    health(): { status: number; body: object };
  };
}

/** What HTTP.sys answers for a URL whose service is not there to take the request. */
const UNAVAILABLE_BODY =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n' +
  '<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n<META HTTP-EQUIV="Content-Type" Content-Type="text/html; charset=us-ascii"></HEAD>\r\n' +
  '<BODY><h2>Service Unavailable</h2>\r\n<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n</BODY></HTML>\r\n';

/** HTTP.sys matches the WS-Man URL case-insensitively, with or without a trailing slash. */
const WSMAN_PATH = /^\/wsman\/?$/i;

/**
 * The request listener. POST /wsman goes straight to the WS-Man path on node:http (the hot
 * path: no router, one writeHead per reply); everything else (the admin API, 404, 405) goes
 * through express.
 */
export function createApp(deps: AppDeps): http.RequestListener {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const lifecycle = deps.lifecycle;
  if (lifecycle) {
    // No credentials: a harness or a container's health check asks before it knows any.
    app.get('/_emulator/health', (_req: Request, res: Response) => {
      const { status, body } = lifecycle.health();
      res.status(status).setHeader('Cache-Control', 'no-store').json(body);
    });
  }
  if (deps.admin) app.use('/_emulator', deps.admin);
  app.use((_req: Request, res: Response) => {
    res.status(404).type('text/html; charset=us-ascii').send(NOT_FOUND_BODY);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    lastResort(deps, req, res, err);
  });
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (!WSMAN_PATH.test(path)) {
      res.setHeader('Server', SERVER_HEADER);
      app(req, res);
      return;
    }
    if (lifecycle && lifecycle.phase() !== 'ready') {
      // Stopping (or not yet started): WinRM is not there to take the request.
      openRecord(deps, req, res, path);
      req.resume();
      head(res, 503, { 'Content-Type': 'text/html; charset=us-ascii', 'Content-Length': Buffer.byteLength(UNAVAILABLE_BODY), Connection: 'close' });
      res.end(UNAVAILABLE_BODY);
      return;
    }
    if (req.method !== 'POST') {
      openRecord(deps, req, res, path);
      req.resume();
      head(res, 405, { Allow: 'POST', 'Content-Length': 0 });
      res.end();
      return;
    }
    serveWsman(deps, req, res, path).catch((err: unknown) => lastResort(deps, req, res, err));
  };
}

/** A bug must still reach the client as a SOAP fault, never a bare 500. */
function lastResort(deps: AppDeps, req: http.IncomingMessage, res: http.ServerResponse, err: unknown): void {
  deps.log.error({ err, url: req.url }, 'unhandled error in the HTTP layer');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const fault = new WsmanFault('InternalError');
  sendFault(res, 500, fault, deps.fleet.defaultHost.fqdn);
}

/**
 * The request's one record, filled as the request goes: when the reply is done (or the client
 * has gone), it becomes the log line (at info level) and the journal entry. Below info level and
 * without a journal, no listener and no clock per request.
 */
function openRecord(deps: AppDeps, req: http.IncomingMessage, res: http.ServerResponse, path: string): { entry: RequestRecord; route: Route } {
  const route = resolveHost(deps.fleet, req.headers.host, req.socket.localPort);
  const entry: RequestRecord = {
    method: req.method,
    path,
    tls: (req.socket as { encrypted?: boolean }).encrypted === true,
    client: req.socket.remoteAddress,
    host: 'host' in route ? route.host.fqdn : route.unknownHost,
    userAgent: req.headers['user-agent'],
  };
  const journal = deps.journal?.enabled ? deps.journal : undefined;
  const logging = deps.log.isLevelEnabled('info');
  if (logging || journal) {
    const started = process.hrtime.bigint();
    const arrivedAt = journal?.now() ?? 0;
    res.on('close', () => {
      if (res.headersSent) entry.status = res.statusCode;
      if (!res.writableFinished) entry.aborted = true;
      entry.ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (logging) deps.log.info(logLineOf(entry), 'request');
      journal?.record(entry, arrivedAt);
    });
  }
  return { entry, route };
}

async function serveWsman(deps: AppDeps, req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
  const { entry, route } = openRecord(deps, req, res, path);
  const secure = entry.tls === true;
  if (!('host' in route)) {
    // A name that is not one of the fleet's hosts: say so, before authenticating anything.
    req.resume();
    const fault = new WsmanFault('DestinationUnreachable', {
      extra: `The emulator serves no host named ${route.unknownHost}. Address a host of the fleet by its name, or the emulator by IP address for the default host.`,
    });
    entry.fault = 'a:DestinationUnreachable';
    sendFault(res, 500, fault, deps.fleet.defaultHost.fqdn);
    return;
  }
  const host = route.host;
  const faults = deps.faults;
  if (faults && faults.size + faults.downCount > 0) {
    if (faults.isDown(host.fqdn)) {
      // A host a fault rule took down: its own port is closed (this connection was open before),
      // and a Host-header request finds no host.
      req.resume();
      entry.fault = 'a:DestinationUnreachable';
      entry.hostDown = true;
      if (host.port !== undefined && req.socket.localPort === host.port) res.destroy();
      else sendFault(res, 500, hostDownFault(host.fqdn), deps.fleet.defaultHost.fqdn);
      return;
    }
    const loop = faults.hasAuthRules ? faults.forAuth({ host, user: basicUser(req.headers.authorization), client: req.socket.remoteAddress }) : undefined;
    if (loop) {
      entry.faultRule = loop.ruleId;
      entry.authError = 'an authLoop fault injection rule';
      drainAndChallenge(req, res, host);
      return;
    }
  }

  // Who is calling: Basic, a Negotiate leg, the connection's Negotiate logon, or nobody yet.
  let principal: Principal | null = null;
  let session: NegotiateSession | undefined;
  const auth = authenticateRequest(req, host, deps.accounts, secure);
  switch (auth.kind) {
    case 'rejected':
      entry.authError = auth.reason;
      if (auth.user) entry.user = auth.user;
      drainAndChallenge(req, res, host);
      return;
    case 'negotiate': {
      const step = deps.negotiate.step(req.socket, host, auth.token);
      if (step.kind === 'continue') {
        entry.auth = 'Negotiate';
        entry.leg = 'challenge';
        req.resume();
        head(res, 401, { 'WWW-Authenticate': step.wwwAuthenticate, 'Content-Length': 0 });
        res.end();
        return;
      }
      if (step.kind === 'failed') {
        entry.authError = step.reason;
        if (step.user) entry.user = step.user;
        drainAndChallenge(req, res, host);
        return;
      }
      session = step.session;
      principal = session.principal;
      entry.auth = 'Negotiate';
      if (step.wwwAuthenticate) res.setHeader('WWW-Authenticate', step.wwwAuthenticate);
      break;
    }
    case 'authenticated':
      principal = auth.principal;
      entry.auth = 'Basic';
      break;
    case 'anonymous':
      session = deps.negotiate.session(req.socket, host);
      if (session) {
        principal = session.principal;
        entry.auth = 'Negotiate';
      } else if (!auth.identifyOnly && !host.policy.auth.certificate) {
        // Without credentials only an unauthenticated Identify proceeds, or, where WS-Security
        // is enabled, a request that may log on with its signature (the handler decides).
        drainAndChallenge(req, res, host);
        return;
      }
      break;
  }
  if (principal) entry.user = `${principal.authority}\\${principal.name}`;

  if (session && hasNoBody(req)) {
    // pywinrm and Go winrm POST nothing to set up the Negotiate context for sealing, and need a 200.
    entry.emptyBody = true;
    req.resume();
    head(res, 200, { 'Content-Length': 0 });
    res.end();
    return;
  }

  if (isEncryptedContentType(req.headers['content-type'])) {
    if (!session) {
      // Sealed with a context this connection does not have (a new connection, a dropped logon): log on again.
      entry.authError = 'an encrypted body on a connection without a Negotiate logon';
      drainAndChallenge(req, res, host);
      return;
    }
    await serveSealed(deps, req, res, host, session, entry);
    return;
  }

  if (session && !secure && !host.policy.allowUnencrypted) {
    // AllowUnencrypted=false: a Negotiate logon over plain HTTP must seal its messages. Windows
    // answers 500 (pywinrm issue #129 and #208); the fault is our choice (docs/security.md).
    req.resume();
    const fault = new WsmanFault('AccessDenied', {
      extra: `Unencrypted traffic is disabled on ${host.fqdn} (AllowUnencrypted is false): seal the messages (Negotiate message encryption) or use HTTPS.`,
    });
    entry.fault = 'w:AccessDenied';
    entry.authError = 'an unencrypted body over HTTP (AllowUnencrypted is false)';
    sendFault(res, 500, fault, host.fqdn);
    return;
  }

  const body = await readBody(req, host.policy.maxEnvelopeSize);
  if (body.kind !== 'ok') {
    refuseBody(res, body, host, entry);
    return;
  }
  const outcome = await handleEnvelope(deps, req, host, principal, body.text, body.encoding);
  Object.assign(entry, outcome.log);
  if (outcome.kind === 'authenticationRequired') {
    challenge(res, host);
    return;
  }
  if (outcome.kind === 'httpStatus') {
    head(res, outcome.status, { 'Content-Length': 0 });
    res.end();
    return;
  }
  if (outcome.transportFault && faults) {
    const { body: bytes, contentType } = encodeReply(outcome.body, body.encoding);
    await deliverFaulty(res, outcome.status, { 'Content-Type': contentType, 'Content-Length': bytes.length }, bytes, outcome.transportFault, faults);
    return;
  }
  sendXml(res, outcome.status, outcome.body, body.encoding, outcome.stable);
}

/** The user a Basic header names (for authLoop rules), without checking anything. */
function basicUser(authorization: string | undefined): string | undefined {
  const m = /^Basic\s+(\S+)$/i.exec((authorization ?? '').trim());
  return m ? parseBasicToken(m[1] as string)?.user : undefined;
}

/**
 * A reply that a transport fault rule acts on (docs/faults.md): held back (`delay`, real time),
 * replaced by a TCP reset (`reset`), cut after `n` body bytes (`closeAfterBytes`), or sent a few
 * bytes at a time (`dribble`). The operation has run.
 */
async function deliverFaulty(res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders, body: Buffer, fault: FiredFault, faults: FaultRegistry): Promise<void> {
  const e = fault.effect;
  const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  if ('delay' in e) {
    await wait(faults.delayMs(e.delay));
    if (res.destroyed) return;
    head(res, status, headers);
    res.end(body);
  } else if ('reset' in e) {
    res.socket?.resetAndDestroy();
  } else if ('closeAfterBytes' in e) {
    head(res, status, headers);
    res.write(body.subarray(0, e.closeAfterBytes.n), () => res.socket?.destroy());
  } else if ('dribble' in e) {
    head(res, status, headers);
    const size = e.dribble.chunkBytes;
    let at = 0;
    for (; at + size < body.length && !res.destroyed; at += size) {
      res.write(body.subarray(at, at + size));
      await wait(e.dribble.intervalMs);
    }
    // The last chunk ends the response: a client that has every byte finds the exchange over.
    res.end(body.subarray(at));
  } else {
    head(res, status, headers);
    res.end(body);
  }
}

function handleEnvelope(deps: AppDeps, req: http.IncomingMessage, host: FleetHost, principal: Principal | null, xml: string, encoding: BodyEncoding): Promise<HandlerOutcome> {
  return deps.handler.handle({
    xml,
    host,
    principal,
    userAgent: req.headers['user-agent'],
    clientAddress: req.socket.remoteAddress ?? 'unknown',
    events: NO_EVENTS,
    measure: measureIn(encoding),
  });
}

/** A body that could not be read: the HTTP status (and fault) Windows gives. */
function refuseBody(res: http.ServerResponse, body: Exclude<BodyResult, { kind: 'ok' }>, host: FleetHost, entry: Record<string, unknown>): void {
  switch (body.kind) {
    case 'aborted':
      entry.aborted = true;
      res.destroy();
      return;
    case 'unsupportedMediaType':
      // What Windows answers for a body that is not application/soap+xml.
      head(res, 415, { 'Content-Length': 0 });
      res.end();
      return;
    case 'tooLarge': {
      // MS-WSMV 3.1.4.1.20: past MaxEnvelopeSizekb the request is refused with 413.
      const fault = new WsmanFault('EncodingLimit', {
        detail: 'ServiceEnvelopeLimit',
        httpStatus: 413,
        extra: `The request is larger than the ${body.limit} bytes this host accepts (MaxEnvelopeSizekb).`,
      });
      entry.fault = 'w:EncodingLimit';
      res.setHeader('Connection', 'close');
      sendFault(res, 413, fault, host.fqdn);
      return;
    }
    case 'badCharset': {
      const fault = new WsmanFault('EncodingLimit', { detail: 'CharacterSet', extra: `The request cannot be decoded: ${body.detail}.` });
      entry.fault = 'w:EncodingLimit';
      sendFault(res, 500, fault, host.fqdn);
      return;
    }
  }
}

/** Room for the MIME framing and the signature around a sealed envelope. */
const SEALING_OVERHEAD = 1024;

/**
 * A sealed request (MS-WSMV 2.2.9.1.1): unseal it with the connection's NTLM
 * session, handle it, seal the reply (faults too). One at a time per connection,
 * because both directions' sequence numbers must follow the wire order.
 */
async function serveSealed(deps: AppDeps, req: http.IncomingMessage, res: http.ServerResponse, host: FleetHost, session: NegotiateSession, entry: Record<string, unknown>): Promise<void> {
  entry.sealed = true;
  const raw = await readRaw(req, host.policy.maxEnvelopeSize + SEALING_OVERHEAD);
  if (raw.kind !== 'ok') {
    refuseBody(res, raw, host, entry);
    return;
  }
  const run = session.queue.then(async () => {
    let plain: Buffer;
    let charset: string | undefined;
    let indented: boolean;
    try {
      const message = parseSealed(req.headers['content-type'] ?? '', raw.bytes);
      charset = message.charset;
      indented = message.indented;
      plain = withoutPadding(session.security.unseal(message.sealed, message.signature), charset);
    } catch (err) {
      if (err instanceof SealedFramingError) {
        entry.sealError = err.message;
        head(res, err.kind === 'unsupported' ? 415 : 400, { 'Content-Length': 0 });
        res.end();
        return;
      }
      if (err instanceof NtlmError) {
        // Altered, replayed or reordered: the connection's logon is not trusted any more.
        entry.sealError = `${err.code}: ${err.detail}`;
        deps.negotiate.drop(req.socket);
        head(res, 400, { Connection: 'close', 'Content-Length': 0 });
        res.end();
        return;
      }
      throw err;
    }
    if (plain.length > host.policy.maxEnvelopeSize) {
      refuseBody(res, { kind: 'tooLarge', limit: host.policy.maxEnvelopeSize }, host, entry);
      return;
    }
    const body = decode(plain, charset);
    if (body.kind !== 'ok') {
      refuseBody(res, body, host, entry);
      return;
    }
    const outcome = await handleEnvelope(deps, req, host, session.principal, body.text, body.encoding);
    Object.assign(entry, outcome.log);
    if (outcome.kind === 'authenticationRequired') {
      challenge(res, host);
      return;
    }
    if (outcome.kind === 'httpStatus') {
      head(res, outcome.status, { 'Content-Length': 0 });
      res.end();
      return;
    }
    const encoded = encodeReply(outcome.body, body.encoding);
    const { signature, sealed } = session.security.seal(encoded.body);
    // Answer in the client's framing: part headers after a TAB (Windows, pywinrm) or not (OMI).
    const framed = frameSealed(signature, sealed, body.encoding === 'utf-8' ? 'UTF-8' : body.encoding === 'utf-16be' ? 'UTF-16BE' : 'UTF-16', indented);
    const headers = { 'Content-Type': framed.contentType, 'Content-Length': framed.body.length };
    if (outcome.transportFault && deps.faults) {
      await deliverFaulty(res, outcome.status, headers, framed.body, outcome.transportFault, deps.faults);
      return;
    }
    head(res, outcome.status, headers);
    res.end(framed.body);
  });
  session.queue = run.catch(() => undefined);
  await run;
}

/** The encoded bytes of stable replies (cached strings such as IdentifyResponse), per encoding; bounded. */
const stableReplies: Record<BodyEncoding, Map<string, { body: Buffer; contentType: string }>> = {
  'utf-8': new Map(),
  'utf-16le': new Map(),
  'utf-16be': new Map(),
};
const STABLE_REPLIES = 4096;

function encodeStable(xml: string, encoding: BodyEncoding): { body: Buffer; contentType: string } {
  const cache = stableReplies[encoding];
  let encoded = cache.get(xml);
  if (!encoded) {
    encoded = encodeReply(xml, encoding);
    if (cache.size >= STABLE_REPLIES) cache.clear();
    cache.set(xml, encoded);
  }
  return encoded;
}

/** A fault raised before any envelope was read (so it relates to no MessageID and has no locale), in UTF-8. */
function sendFault(res: http.ServerResponse, status: number, fault: WsmanFault, machine: string): void {
  sendXml(res, status, writeFault(fault, { relatesTo: undefined, lang: '', machine }, () => undefined), 'utf-8');
}

function sendXml(res: http.ServerResponse, status: number, xml: string, encoding: BodyEncoding, stable = false): void {
  const { body, contentType } = stable ? encodeStable(xml, encoding) : encodeReply(xml, encoding);
  head(res, status, { 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(body);
}

function challenge(res: http.ServerResponse, host: FleetHost): void {
  head(res, 401, { 'WWW-Authenticate': challenges(host), 'Content-Length': 0 });
  res.end();
}

/** A 401 before the body was read: consume it so the client sees the reply, not a reset. */
function drainAndChallenge(req: http.IncomingMessage, res: http.ServerResponse, host: FleetHost): void {
  req.resume();
  challenge(res, host);
}

export function startListener(app: http.RequestListener, opts: ListenerOptions): Promise<RunningListener> {
  // Bound the time a client may take: slow-drip bodies and idle sockets do not pile up.
  const t = opts.timeouts ?? {};
  const headersMs = t.headersMs ?? 30_000;
  const limits = {
    requestTimeout: t.requestMs ?? 120_000,
    headersTimeout: headersMs,
    keepAliveTimeout: t.keepAliveMs ?? 120_000,
    // node:http checks those timeouts only this often (30 s by default): a slow-drip client would keep its
    // connection up to 30 s past its timeout. A check a second (or faster for shorter timeouts) is cheap.
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersMs / 2))),
  };
  const server: http.Server = opts.tls
    ? https.createServer({ ...limits, key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2' }, app)
    : http.createServer(limits, app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.listen, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const hostPart = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        address: addr.address,
        port: addr.port,
        url: `${opts.tls ? 'https' : 'http'}://${hostPart}:${addr.port}/wsman`,
        close: () => closeServer(server),
      });
    });
  });
}

/** Stops accepting, lets in-flight requests finish (up to a grace period), then closes everything. */
function closeServer(server: http.Server, graceMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
