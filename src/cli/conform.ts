/**
 * `ipam-emulator conform <cassette.json>`: sends every recorded request to a fresh emulator (or to
 * --endpoint) and reports where its replies differ from the recorded host's (harness/conform.ts).
 * Exit status 0 when none differs, 1 when one does, 2 for a usage error or an unreadable cassette.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Emulator } from '../app';
import { NegotiateAuthenticator } from '../client/negotiate';
import { BasicAuthenticator, WsmanTransport, type Authenticator } from '../client/transport';
import { DEFAULT_FIXTURE, FixtureError, loadFixture, type Fixture } from '../config/fixture';
import { CassetteError, readCassette } from '../harness/cassette';
import { conform, formatReport, type ConformReport } from '../harness/conform';
import { createLogger } from '../log';
import { tlsOptions, UsageError } from './usage';

export const CONFORM_USAGE = `Usage: ipam-emulator conform <cassette.json> [options]

Sends every request the cassette recorded, in order, to a fresh emulator (started here on a
temporary data directory) or to --endpoint, and reports where the replies differ from the
recorded host's: HTTP status, fault subcode and WinRM code, element names, values. Volatile
values (MessageIDs, dates, ShellIds, enumeration contexts, job ids) are not differences.

Endpoint:
  --endpoint <url>               an endpoint already running, instead of a fresh emulator
  --fixture <file>               the fresh emulator's fleet (default fixtures/contoso.json)
  --host <name>                  the Host header to send (a virtual host of the emulator)
  --user <name>                  account to log on with (default, on a fresh emulator: an
                                 administrator of its fixture); its password in IPAM_PASSWORD
  --authentication <basic|negotiate>
                                 basic (the default), or negotiate (NTLM; sealed over http://)
  --ca-cert <file>               trust this PEM certificate for https://
  --skip-ca-check                do not check the https:// certificate

Requests:
  --secret-env <VAR>             send the value of this environment variable where the cassette
                                 says <redacted> (e.g. the DatabaseCredential user:password)

Report:
  --json                         the report as JSON
  --report <file>                write the report to a file instead of standard output
  -h, --help                     show this help

Exit status: 0 when no reply differs, 1 when one does (or the endpoint cannot be reached),
2 for a usage error or a cassette that cannot be read.
`;

export interface ConformIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

class HelpRequested extends Error {}

function parse(argv: string[], env: ConformIo['env']) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      endpoint: { type: 'string' },
      fixture: { type: 'string' },
      host: { type: 'string' },
      user: { type: 'string' },
      authentication: { type: 'string', default: 'basic' },
      'ca-cert': { type: 'string' },
      'skip-ca-check': { type: 'boolean', default: false },
      'secret-env': { type: 'string' },
      json: { type: 'boolean', default: false },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new HelpRequested();
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the cassette to conform to' : `unexpected argument '${positionals[1]}'`);
  const authentication = values.authentication.toLowerCase();
  if (authentication !== 'basic' && authentication !== 'negotiate') throw new UsageError('--authentication must be basic or negotiate');
  if (values.endpoint !== undefined && !/^https?:\/\//i.test(values.endpoint)) throw new UsageError('--endpoint must be an http:// or https:// URL');
  if (values.endpoint !== undefined && values.fixture !== undefined) throw new UsageError('--fixture is for a fresh emulator; not with --endpoint');
  if (values.endpoint !== undefined && values.user === undefined) throw new UsageError('--endpoint needs --user (and its password in IPAM_PASSWORD)');
  const password = values.user !== undefined ? env.IPAM_PASSWORD : undefined;
  if (values.user !== undefined && password === undefined) throw new UsageError('give the password of --user in IPAM_PASSWORD');
  let secret: string | undefined;
  if (values['secret-env'] !== undefined) {
    secret = env[values['secret-env']];
    if (secret === undefined) throw new UsageError(`--secret-env: the environment variable ${values['secret-env']} is not set`);
  }
  const tls = tlsOptions(values);
  return {
    cassette: positionals[0] as string,
    endpoint: values.endpoint,
    fixture: values.fixture,
    host: values.host,
    user: values.user,
    password,
    authentication: authentication as 'basic' | 'negotiate',
    tls,
    secret,
    json: values.json,
    report: values.report,
  };
}

/** An administrator of the fixture's default host (or of its domain), to log on to a fresh emulator with. */
function administratorOf(fixture: Fixture): { user: string; password: string } | undefined {
  const host = fixture.hosts.find((h) => h.fqdn.toLowerCase() === (fixture.defaultHost ?? fixture.hosts[0]?.fqdn ?? '').toLowerCase());
  if (!host) return undefined;
  const domain = fixture.domains.find((d) => d.name.toLowerCase() === host.domain.toLowerCase());
  const isAdmin = (a: { groups?: string[]; disabled?: boolean }): boolean => !a.disabled && (a.groups ?? []).some((g) => /^administrators$/i.test(g));
  const local = (host.accounts ?? []).find(isAdmin);
  if (local) return { user: local.name, password: local.password };
  const fromDomain = (domain?.accounts ?? []).find(isAdmin);
  return fromDomain ? { user: `${domain?.name}\\${fromDomain.name}`, password: fromDomain.password } : undefined;
}

export async function runConform(argv: string[], io: ConformIo): Promise<number> {
  let opts: ReturnType<typeof parse>;
  let fixture: Fixture | undefined;
  try {
    opts = parse(argv, io.env);
    if (!opts.endpoint) fixture = loadFixture(opts.fixture ? path.resolve(opts.fixture) : DEFAULT_FIXTURE);
  } catch (e) {
    if (e instanceof HelpRequested) {
      io.stdout.write(CONFORM_USAGE);
      return 0;
    }
    if (e instanceof FixtureError) {
      io.stderr.write(`ipam-emulator conform: ${e.message}\n`);
      return 2;
    }
    const isParseError = typeof e === 'object' && e !== null && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS');
    if (!(e instanceof UsageError || isParseError)) throw e;
    io.stderr.write(`ipam-emulator conform: ${(e as Error).message}\n\n${CONFORM_USAGE}`);
    return 2;
  }
  let cassette;
  try {
    cassette = readCassette(path.resolve(opts.cassette));
  } catch (e) {
    if (!(e instanceof CassetteError)) throw e;
    io.stderr.write(`ipam-emulator conform: ${e.message}\n`);
    return 2;
  }

  let emulator: Emulator | undefined;
  let dataDir: string | undefined;
  let endpoint = opts.endpoint;
  let credentials = opts.user !== undefined ? { user: opts.user, password: opts.password as string } : undefined;
  if (fixture) {
    credentials ??= administratorOf(fixture);
    if (!credentials) {
      io.stderr.write('ipam-emulator conform: the fixture has no enabled Administrators account on its default host; give --user (and IPAM_PASSWORD)\n');
      return 2;
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-conform-'));
    emulator = Emulator.create({ fixture, dataDir, logger: createLogger('error', process.stderr) });
    const listener = await emulator.start('127.0.0.1', 0, { httpsPort: false });
    endpoint = listener.url;
  }
  const { user, password } = credentials as { user: string; password: string };
  const authenticator: Authenticator =
    opts.authentication === 'negotiate' ? new NegotiateAuthenticator({ userName: user, password }) : new BasicAuthenticator(user, password);
  const transport = new WsmanTransport({ endpoint: endpoint as string, hostHeader: opts.host, authenticator, tls: opts.tls });
  // Requests recorded without credentials go on connections of their own: an NTLM logon is bound to its connection.
  const anonymous = new WsmanTransport({ endpoint: endpoint as string, hostHeader: opts.host, tls: opts.tls });
  let report: ConformReport;
  try {
    report = await conform(cassette, {
      send: (xml, o) =>
        (o.unauthenticated ? anonymous : transport).exchange(xml, {
          anonymous: o.unauthenticated,
          headers: { ...(o.unauthenticated ? { WSMANIDENTIFY: 'unauthenticated' } : {}), ...(o.userAgent !== undefined ? { 'User-Agent': o.userAgent } : {}) },
        }),
      secret: opts.secret,
    });
  } finally {
    transport.close();
    anonymous.close();
    if (emulator) await emulator.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const full: ConformReport = { ...report, cassette: opts.cassette, endpoint: opts.endpoint ?? 'a fresh emulator' };
  const text = opts.json ? JSON.stringify(full, null, 2) + '\n' : formatReport(full);
  if (opts.report) fs.writeFileSync(opts.report, text);
  else io.stdout.write(text);
  return full.differing === 0 && full.sent === full.entries ? 0 : 1;
}
