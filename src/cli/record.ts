/**
 * `ipam-emulator record`: a recording proxy (issue 12; docs/record-replay.md).
 *
 * Clients log on to it as to the emulator, with the fixture's accounts: the emulator's own HTTP
 * layer (http/server.ts) authenticates them (Basic, Negotiate/NTLM) and opens and seals their
 * messages. Each envelope then goes to the target with the target's credentials, through the
 * project's WS-Man client (Basic, or NTLM with sealing), so sealed traffic on both sides is seen
 * in the clear and recorded: secrets removed, volatile values normalised (harness/recorder.ts).
 * The target's reply goes back to the client as it came; a reply the target refused (a fault,
 * a 401) is recorded as it was.
 *
 * The target's password comes from the environment (IPAM_TARGET_PASSWORD, or the variable
 * --target-password-env names), never from the command line, where every local user sees it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_FIXTURE, loadFixture, validateFixture, type Fixture } from '../config/fixture';
import { NegotiateAuthenticator as ClientNegotiate } from '../client/negotiate';
import { BasicAuthenticator, WsmanTransport, type Authenticator, type WsmanExchange } from '../client/transport';
import { AccountAuthenticator } from '../fleet/authentication';
import { Fleet } from '../fleet/fleet';
import { decode, mediaTypeOf } from '../http/body';
import { NegotiateAuthenticator } from '../http/negotiate';
import { createApp, startListener, type RunningListener } from '../http/server';
import { createLogger, type Logger } from '../log';
import { canonicalTree, childOf, textOfCanonical } from '../harness/canonical';
import { requestFields } from '../harness/cassette';
import { CassetteRecorder, passwordsIn } from '../harness/recorder';
import { WsmanFault } from '../wsman/faults';
import type { EnvelopeLog, HandlerOutcome, IncomingEnvelope } from '../wsman/handler';
import { NS } from '../wsman/namespaces';
import { writeFault } from '../wsman/reply';
import { tlsOptions, UsageError } from './usage';

export const RECORD_USAGE = `Usage: ipam-emulator record --target <url> --target-user <name> --out <cassette.json> [options]

Runs a recording proxy. Clients log on to it with the fixture's accounts (Basic, or Negotiate
with sealed messages, as on the emulator); it sends each request on to the target with the
target's credentials and records every exchange in the cassette, with passwords removed and
MessageIDs, dates, ShellIds and other volatile values normalised. Stop it with Ctrl-C.

Target:
  --target <url>                 the WinRM endpoint to record, e.g. http://win1.corp.example:5985/wsman
  --target-user <name>           account on the target: user, DOMAIN\\user or user@domain
  --target-password-env <VAR>    environment variable holding its password (default IPAM_TARGET_PASSWORD)
  --target-authentication <basic|negotiate>
                                 basic (the default), or negotiate (NTLM; messages sealed over http://)
  --ca-cert <file>               trust this PEM certificate for an https:// target
  --skip-ca-check                do not check the https:// target's certificate

Proxy:
  --out <file>                   the cassette, rewritten after every exchange
  --force                        overwrite an existing cassette
  --listen <address>             address to bind (default 127.0.0.1)
  --port <port>                  port (default 5985; 0 for a free one)
  --fixture <file>               the accounts clients log on with (default fixtures/contoso.json)
  --log-level <level>            trace, debug, info, warn, error (default info)
  -h, --help                     show this help

Exit status: 0 after a clean stop, 1 when the target cannot be reached or refuses the
credentials, 2 for a usage error.
`;

export interface RecordIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the recorder should stop (the CLI: SIGINT or SIGTERM). */
  readonly stopped: Promise<unknown>;
}

export interface RecordingProxyOptions {
  readonly target: string;
  readonly targetUser: string;
  readonly targetPassword: string;
  readonly targetAuthentication?: 'basic' | 'negotiate';
  readonly tls?: { readonly ca?: string; readonly rejectUnauthorized?: boolean };
  /** The accounts clients log on with: a fixture file or object (default: the embedded contoso.json). */
  readonly fixture?: string | Fixture;
  readonly listen?: string;
  readonly port?: number;
  /** The cassette file; none: kept in memory (tests read `recorder.cassette()`). */
  readonly out?: string;
  readonly logger?: Logger;
}

export interface RunningRecorder {
  readonly url: string;
  readonly port: number;
  readonly recorder: CassetteRecorder;
  stop(): Promise<void>;
}

/** The target cannot be used: unreachable, or it refuses the credentials. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}

const IDENTIFY =
  `<s:Envelope xmlns:s="${NS.soap}" xmlns:wsmid="${NS.identity}"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>`;
const PROBE_TIMEOUT_MS = 15_000;
/** A Receive may wait out its OperationTimeout at the target: room for that and more. */
const TARGET_TIMEOUT_MS = 10 * 60_000;

function replyText(x: WsmanExchange): string {
  if (x.body.length === 0) return '';
  const r = decode(x.body, mediaTypeOf(x.contentType).charset);
  return r.kind === 'ok' ? r.text : x.body.toString('latin1');
}

/** The handler of the proxy's HTTP layer: every authenticated envelope goes to the target. */
class RecordingProxy {
  constructor(
    private readonly transport: WsmanTransport,
    /** For requests sent with no credentials: never on a connection the target has logged on (NTLM binds a logon to it). */
    private readonly anonymous: WsmanTransport,
    private readonly targetUser: string,
    private readonly recorder: CassetteRecorder,
    private readonly log: Logger,
  ) {}

  async handle(input: IncomingEnvelope): Promise<HandlerOutcome> {
    const log: EnvelopeLog = { op: 'Record' };
    let messageId: string | undefined;
    try {
      const tree = canonicalTree(input.xml);
      const fields = requestFields(tree);
      log.action = fields.action;
      log.resourceUri = fields.resourceUri;
      const id = childOf(fields.headers, NS.addressing, 'MessageID');
      messageId = id ? textOfCanonical(id).trim() : undefined;
      log.messageId = messageId;
    } catch {
      // Not XML: the target says so; nothing of it is recorded.
    }
    const unauthenticated = input.principal === null;
    const slot = this.recorder.reserve();
    const started = process.hrtime.bigint();
    let x: WsmanExchange;
    try {
      x = await (unauthenticated ? this.anonymous : this.transport).exchange(input.xml, {
        anonymous: unauthenticated,
        timeoutMs: TARGET_TIMEOUT_MS,
        headers: { ...(unauthenticated ? { WSMANIDENTIFY: 'unauthenticated' } : {}), ...(input.userAgent ? { 'User-Agent': input.userAgent } : {}) },
      });
    } catch (err) {
      this.recorder.drop(slot);
      const reason = err instanceof Error ? err.message : String(err);
      this.log.error({ target: this.transport.authority, reason }, 'the target did not answer: nothing recorded');
      const fault = new WsmanFault('InternalError', { message: `The recording proxy got no reply from the target ${this.transport.authority}: ${reason}` });
      log.fault = 'w:InternalError';
      log.faultMessage = fault.message;
      return { kind: 'reply', status: 500, body: writeFault(fault, { relatesTo: messageId, lang: 'en-US', machine: input.host.fqdn }, () => undefined), log };
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const text = replyText(x);
    try {
      const entry = this.recorder.record(slot, {
        requestXml: input.xml,
        ...(input.userAgent !== undefined ? { userAgent: input.userAgent } : {}),
        unauthenticated,
        status: x.status,
        contentType: x.contentType,
        replyText: text,
        host: this.transport.authority,
        ms,
      });
      if (!entry) this.log.warn({ target: this.transport.authority }, 'a request that is not an XML envelope was forwarded but not recorded');
    } catch (err) {
      // The cassette could not be written (a full disk): the client still gets its reply.
      this.log.error({ reason: err instanceof Error ? err.message : String(err) }, 'the exchange could not be recorded');
    }
    if (x.status === 401) {
      log.faultMessage = `the target refused the credentials of ${this.targetUser}`;
      return { kind: 'authenticationRequired', log };
    }
    return { kind: 'reply', status: x.status, body: text, log };
  }
}

function targetTransports(opts: RecordingProxyOptions): { transport: WsmanTransport; anonymous: WsmanTransport } {
  let url: URL;
  try {
    url = new URL(opts.target);
  } catch {
    throw new UsageError(`--target: '${opts.target}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--target must be an http:// or https:// URL');
  if (url.username !== '' || url.password !== '') throw new UsageError('--target must not hold credentials: give the user with --target-user and the password in the environment');
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/wsman';
  const authenticator: Authenticator =
    opts.targetAuthentication === 'negotiate'
      ? new ClientNegotiate({ userName: opts.targetUser, password: opts.targetPassword })
      : new BasicAuthenticator(opts.targetUser, opts.targetPassword);
  return {
    transport: new WsmanTransport({ endpoint: url, authenticator, tls: opts.tls, timeoutMs: TARGET_TIMEOUT_MS }),
    anonymous: new WsmanTransport({ endpoint: url, tls: opts.tls, timeoutMs: TARGET_TIMEOUT_MS }),
  };
}

/** Checks the target answers, and takes the credentials, before any client is let in. */
async function probe(transport: WsmanTransport, anonymous: WsmanTransport, user: string, scheme: string): Promise<void> {
  const where = transport.url.toString();
  try {
    await anonymous.exchange(IDENTIFY, { anonymous: true, headers: { WSMANIDENTIFY: 'unauthenticated' }, timeoutMs: PROBE_TIMEOUT_MS });
  } catch (e) {
    throw new TargetError(`cannot reach the target ${where}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let x: WsmanExchange;
  try {
    x = await transport.exchange(IDENTIFY, { timeoutMs: PROBE_TIMEOUT_MS });
  } catch (e) {
    throw new TargetError(`the target ${where} did not answer an authenticated Identify: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (x.status === 401) {
    const offered = x.challenges.length ? ` It offers: ${x.challenges.map((c) => c.split(/\s/)[0]).join(', ')}.` : '';
    throw new TargetError(`the target ${where} refused the credentials of ${user} (${scheme}).${offered}`);
  }
}

/** Starts the proxy: checks the target, then listens. */
export async function startRecordingProxy(opts: RecordingProxyOptions): Promise<RunningRecorder> {
  const log = opts.logger ?? createLogger();
  const fixture = typeof opts.fixture === 'object' ? validateFixture(opts.fixture, 'fixture object') : loadFixture(opts.fixture ?? DEFAULT_FIXTURE);
  const { transport, anonymous } = targetTransports(opts);
  const close = (): void => {
    transport.close();
    anonymous.close();
  };
  const scheme = opts.targetAuthentication === 'negotiate' ? 'Negotiate' : 'Basic';
  try {
    await probe(transport, anonymous, opts.targetUser, scheme);
  } catch (e) {
    close();
    throw e;
  }
  const targetUrl = transport.url.toString();
  const recorder = new CassetteRecorder({
    file: opts.out,
    target: { url: targetUrl, authentication: opts.targetAuthentication ?? 'basic' },
    secrets: [opts.targetPassword, ...passwordsIn(fixture)],
  });
  // The empty cassette now: a path that cannot be written fails here, not after the first exchange.
  try {
    recorder.flush();
  } catch (e) {
    close();
    throw new UsageError(`--out: cannot write ${opts.out ?? ''} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const fleet = new Fleet(fixture);
  const accounts = new AccountAuthenticator();
  const app = createApp({ fleet, accounts, negotiate: new NegotiateAuthenticator(accounts), handler: new RecordingProxy(transport, anonymous, opts.targetUser, recorder, log), log });
  let listener: RunningListener;
  try {
    listener = await startListener(app, { listen: opts.listen ?? '127.0.0.1', port: opts.port ?? 5985 });
  } catch (e) {
    close();
    throw e;
  }
  log.info({ url: listener.url, target: targetUrl, targetUser: opts.targetUser, authentication: scheme, cassette: opts.out }, 'recording');
  return {
    url: listener.url,
    port: listener.port,
    recorder,
    stop: async () => {
      await listener.close();
      close();
      recorder.flush();
    },
  };
}

function parse(argv: string[], env: RecordIo['env']): RecordingProxyOptions & { logLevel: string } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      target: { type: 'string' },
      'target-user': { type: 'string' },
      'target-password-env': { type: 'string' },
      'target-authentication': { type: 'string', default: 'basic' },
      'ca-cert': { type: 'string' },
      'skip-ca-check': { type: 'boolean', default: false },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      listen: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '5985' },
      fixture: { type: 'string' },
      'log-level': { type: 'string', default: env.IPAM_EMULATOR_LOG_LEVEL ?? 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new HelpRequested();
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.target) throw new UsageError('--target is required');
  if (!values['target-user']) throw new UsageError('--target-user is required');
  if (!values.out) throw new UsageError('--out is required (the cassette file)');
  const authentication = values['target-authentication'].toLowerCase();
  if (authentication !== 'basic' && authentication !== 'negotiate') throw new UsageError('--target-authentication must be basic or negotiate');
  const variable = values['target-password-env'] ?? 'IPAM_TARGET_PASSWORD';
  const password = env[variable];
  if (password === undefined) throw new UsageError(`give the target's password in the environment variable ${variable}`);
  const tls = tlsOptions(values);
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port must be a TCP port number, not '${values.port}'`);
  const out = path.resolve(values.out);
  if (fs.existsSync(out) && !values.force) throw new UsageError(`--out: ${out} exists; remove it or pass --force to overwrite it`);
  return {
    target: values.target,
    targetUser: values['target-user'],
    targetPassword: password,
    targetAuthentication: authentication,
    tls,
    fixture: values.fixture ? path.resolve(values.fixture) : undefined,
    listen: values.listen,
    port,
    out,
    logLevel: values['log-level'],
  };
}

class HelpRequested extends Error {}

/** The command: exit status 0 after a clean stop, 1 when the target cannot be used, 2 for bad usage. */
export async function runRecord(argv: string[], io: RecordIo): Promise<number> {
  let opts: ReturnType<typeof parse>;
  try {
    opts = parse(argv, io.env);
  } catch (e) {
    if (e instanceof HelpRequested) {
      io.stdout.write(RECORD_USAGE);
      return 0;
    }
    const isParseError = typeof e === 'object' && e !== null && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS');
    if (!(e instanceof UsageError || isParseError)) throw e;
    io.stderr.write(`ipam-emulator record: ${(e as Error).message}\n\n${RECORD_USAGE}`);
    return 2;
  }
  const log = createLogger(opts.logLevel);
  let running: RunningRecorder;
  try {
    running = await startRecordingProxy({ ...opts, logger: log });
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`ipam-emulator record: ${e.message}\n\n${RECORD_USAGE}`);
      return 2;
    }
    if (e instanceof TargetError) {
      io.stderr.write(`ipam-emulator record: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  await io.stopped;
  await running.stop();
  const entries = running.recorder.cassette().entries.length;
  log.info({ cassette: opts.out, entries }, 'stopped recording');
  await new Promise<void>((resolve) => log.flush(() => resolve()));
  return 0;
}
