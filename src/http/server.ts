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
import type { Fleet, FleetHost } from '../fleet/fleet';
import type { Logger } from '../log';
import type { EventSink } from '../providers/types';
import { WsmanFault } from '../wsman/faults';
import type { WsmanHandler } from '../wsman/handler';
import { writeFault } from '../wsman/reply';
import { authenticateRequest, challenges } from './auth';
import { encodeReply, measureIn, readBody, type BodyEncoding } from './body';
import { resolveHost } from '../fleet/routing';

export interface ListenerOptions {
  readonly listen: string;
  readonly port: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
}

export interface RunningListener {
  readonly address: string;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Windows' HTTP.sys signs every reply so. */
const SERVER_HEADER = 'Microsoft-HTTPAPI/2.0';

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
  readonly handler: WsmanHandler;
  readonly log: Logger;
  /** The admin API, mounted at /_emulator. */
  readonly admin?: express.Router;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, res, next) => {
    res.setHeader('Server', SERVER_HEADER);
    next();
  });
  if (deps.admin) app.use('/_emulator', deps.admin);
  app.all(/^\/wsman\/?$/i, (req, res, next) => {
    if (req.method !== 'POST') {
      res.status(405).setHeader('Allow', 'POST');
      res.end();
      return;
    }
    serveWsman(deps, req, res).catch(next);
  });
  app.use((_req: Request, res: Response) => {
    res.status(404).type('text/html; charset=us-ascii').send(NOT_FOUND_BODY);
  });
  // Last resort: a bug must still reach the client as a SOAP fault, never a bare 500.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    deps.log.error({ err, url: req.url }, 'unhandled error in the HTTP layer');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const host = deps.fleet.defaultHost;
    const fault = new WsmanFault('InternalError');
    const xml = writeFault(fault, { relatesTo: undefined, lang: '', machine: host.fqdn }, () => undefined);
    res.status(500).type('application/soap+xml;charset=UTF-8').send(xml);
  });
  return app;
}

async function serveWsman(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const started = process.hrtime.bigint();
  const route = resolveHost(deps.fleet, req.headers.host, req.socket.localPort);
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  const entry: Record<string, unknown> = {
    method: req.method,
    tls: secure,
    path: req.path,
    client: req.socket.remoteAddress,
    host: 'host' in route ? route.host.fqdn : route.unknownHost,
    userAgent: req.headers['user-agent'],
  };
  res.on('finish', () => {
    entry.status = res.statusCode;
    entry.ms = Number(process.hrtime.bigint() - started) / 1e6;
    deps.log.info(entry, 'request');
  });
  if (!('host' in route)) {
    // A name that is not one of the fleet's hosts: say so, before authenticating anything.
    req.resume();
    const fault = new WsmanFault('DestinationUnreachable', {
      extra: `The emulator serves no host named ${route.unknownHost}. Address a host of the fleet by its name, or the emulator by IP address for the default host.`,
    });
    entry.fault = 'a:DestinationUnreachable';
    sendXml(res, 500, writeFault(fault, { relatesTo: undefined, lang: '', machine: deps.fleet.defaultHost.fqdn }, () => undefined), 'utf-8');
    return;
  }
  const host = route.host;

  const auth = authenticateRequest(req, host, deps.accounts, secure);
  if (auth.kind === 'rejected') {
    entry.authError = auth.reason;
    if (auth.user) entry.user = auth.user;
    drainAndChallenge(req, res, host);
    return;
  }
  // Without credentials only an unauthenticated Identify proceeds, or, where WS-Security
  // is enabled, a request that may log on with its signature (the handler decides).
  if (auth.kind === 'anonymous' && !auth.identifyOnly && !host.policy.auth.certificate) {
    drainAndChallenge(req, res, host);
    return;
  }
  const principal = auth.kind === 'authenticated' ? auth.principal : null;
  if (principal) entry.user = `${principal.authority}\\${principal.name}`;

  const body = await readBody(req, host.policy.maxEnvelopeSize);
  switch (body.kind) {
    case 'aborted':
      entry.aborted = true;
      res.destroy();
      return;
    case 'unsupportedMediaType':
      // What Windows answers for a body that is not application/soap+xml.
      res.status(415).end();
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
      sendXml(res, 413, writeFault(fault, { relatesTo: undefined, lang: '', machine: host.fqdn }, () => undefined), 'utf-8');
      return;
    }
    case 'badCharset': {
      const fault = new WsmanFault('EncodingLimit', { detail: 'CharacterSet', extra: `The request cannot be decoded: ${body.detail}.` });
      entry.fault = 'w:EncodingLimit';
      sendXml(res, 500, writeFault(fault, { relatesTo: undefined, lang: '', machine: host.fqdn }, () => undefined), 'utf-8');
      return;
    }
  }

  const outcome = await deps.handler.handle({
    xml: body.text,
    host,
    principal,
    userAgent: req.headers['user-agent'],
    clientAddress: req.socket.remoteAddress ?? 'unknown',
    events: NO_EVENTS,
    measure: measureIn(body.encoding),
  });
  Object.assign(entry, outcome.log);
  if (outcome.kind === 'authenticationRequired') {
    challenge(res, host);
    return;
  }
  sendXml(res, outcome.status, outcome.body, body.encoding);
}

function sendXml(res: Response, status: number, xml: string, encoding: BodyEncoding): void {
  const { body, contentType } = encodeReply(xml, encoding);
  res.status(status);
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

function challenge(res: Response, host: FleetHost): void {
  res.status(401);
  res.setHeader('WWW-Authenticate', challenges(host));
  res.setHeader('Content-Length', 0);
  res.end();
}

/** A 401 before the body was read: consume it so the client sees the reply, not a reset. */
function drainAndChallenge(req: Request, res: Response, host: FleetHost): void {
  req.resume();
  challenge(res, host);
}

export function startListener(app: express.Express, opts: ListenerOptions): Promise<RunningListener> {
  // Bound the time a client may take: slow-drip bodies and idle sockets do not pile up.
  const limits = { requestTimeout: 120_000, headersTimeout: 30_000, keepAliveTimeout: 120_000 };
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
