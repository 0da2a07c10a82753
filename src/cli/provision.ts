/**
 * `ipam-emulator provision`: the twin of Invoke-IpamServerProvisioning. It
 * provisions one host per CIM session over real WS-Man, at most
 * --throttle-limit at a time, and reports each host as a line (a redrawn
 * progress line on a terminal, plain lines otherwise, or JSON lines).
 *
 * Secrets: --password and --database-credential are never printed, and are
 * better given through IPAM_PASSWORD / IPAM_DATABASE_CREDENTIAL, because a
 * command line is visible to every local user (ps, /proc/<pid>/cmdline).
 */
import { parseArgs } from 'node:util';
import { runAcrossSessions } from '../client/fanout';
import {
  DatabaseAuthType,
  JobState,
  ProvisioningMethod,
  getJob,
  getJobError,
  provisionHost,
  waitForJob,
  type IpamJob,
  type ProvisioningParameters,
} from '../client/ipam';
import { NegotiateAuthenticator } from '../client/negotiate';
import { BasicAuthenticator, WsmanFaultError, type CimErrorDetail } from '../client/transport';
import { WsmanClient } from '../client/wsmanClient';
import { createReporter, type HostReport, type ProvisionIo } from './provisionOutput';
import { UsageError, integerOption, tlsOptions } from './usage';

export type { ProvisionIo };

export const PROVISION_USAGE = `Usage: ipam-emulator provision [options]

Provisions IPAM on each host, as Invoke-IpamServerProvisioning does, over WS-Management.

Sessions and connection:
  --cim-session <h1,h2,…>        hosts: name, name:port, or URL (http[s]://host:port/wsman);
                                 repeatable; default localhost
  --endpoint <url>               connect here for every session, naming the session in the
                                 Host header (how the emulator's virtual hosts are reached)
  --user <name>                  account on the hosts
  --password <password>          its password (visible to other local users: prefer IPAM_PASSWORD)
  --authentication <scheme>      basic (the default) or negotiate (NTLM; messages sealed over http://)
  --encryption <auto|always|never>
                                 with negotiate: seal messages (auto: over http:// only)
  --ca-cert <file>               trust this PEM certificate for https:// (e.g. the emulator's data/tls/cert.pem)
  --skip-ca-check                do not check the https:// certificate (New-CimSessionOption -SkipCACheck)
  --throttle-limit <n>           hosts provisioned at once (0 = default, 32)
  --operation-timeout <seconds>  WS-Man OperationTimeout (default 60)

Provisioning (the cmdlet's parameters):
  --wid-schema-path <path>       Windows Internal Database folder
  --database-server <name>       SQL Server (external database)
  --database-name <name>
  --database-port <port>
  --database-auth-type <windows|sql>
  --database-credential <user:password>
                                 SQL login (visible to other local users: prefer IPAM_DATABASE_CREDENTIAL)
  --use-existing-schema
  --provisioning-method <automatic|manual>
  --gpo-prefix <prefix>
  --force                        no confirmation prompt
  --whatif                       show what would happen; change nothing
  --confirm                      ask the server to confirm (PROMPTUSERMODE Inquire)
  --as-job                       return once every host has accepted a job; print the job ids
  --wait                         with --as-job: follow the jobs to the end, with their progress

Output:
  --json                         one JSON line per host
  -h, --help                     show this help

Exit status: 0 when every host succeeded, 1 when any failed, 2 for a usage error.
`;


interface SessionTarget {
  /** As the user named it; also the Host header when --endpoint is given. */
  readonly name: string;
  readonly endpoint: string;
  readonly hostHeader?: string;
}

const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?)$/;

/** Sessions as PowerShell's -CimSession names computers, plus URLs (ours). */
export function parseSessions(specs: readonly string[], endpoint: string | undefined): SessionTarget[] {
  const names = specs.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) {
    if (!endpoint) return [{ name: 'localhost', endpoint: 'http://localhost:5985/wsman' }];
    return [{ name: new URL(endpoint).host, endpoint }];
  }
  return names.map((name) => {
    if (/^https?:\/\//i.test(name)) {
      if (endpoint) throw new UsageError(`--cim-session ${name} is a URL; with --endpoint, name sessions by host`);
      let url: URL;
      try {
        url = new URL(name);
      } catch {
        throw new UsageError(`--cim-session: '${name}' is not a valid URL`);
      }
      if (url.pathname === '/' || url.pathname === '') url.pathname = '/wsman';
      return { name: url.host, endpoint: url.toString() };
    }
    const m = /^(.*?)(?::(\d{1,5}))?$/.exec(name) as RegExpExecArray;
    const host = m[1] as string;
    const port = m[2] === undefined ? 5985 : Number(m[2]);
    if (!HOST.test(host) || port < 1 || port > 65535) throw new UsageError(`--cim-session: '${name}' is not a host name, host:port or URL`);
    return endpoint ? { name, endpoint, hostHeader: name } : { name, endpoint: `http://${host}:${port}/wsman` };
  });
}

function choice<T>(flag: string, value: string | undefined, choices: Readonly<Record<string, T>>): T | undefined {
  if (value === undefined) return undefined;
  const hit = choices[value.toLowerCase()];
  if (hit === undefined) throw new UsageError(`--${flag} must be one of ${Object.keys(choices).join(', ')}`);
  return hit;
}


function splitCredential(text: string): { userName: string; password: string } {
  // The first colon ends the user name; the password may hold colons. The value is never echoed.
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UsageError('--database-credential must be user:password with a non-empty user');
  return { userName: text.slice(0, colon), password: text.slice(colon + 1) };
}

function parse(argv: string[], io: ProvisionIo) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'cim-session': { type: 'string', multiple: true },
      endpoint: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      authentication: { type: 'string', default: 'basic' },
      encryption: { type: 'string' },
      'ca-cert': { type: 'string' },
      'skip-ca-check': { type: 'boolean', default: false },
      'throttle-limit': { type: 'string' },
      'operation-timeout': { type: 'string' },
      'as-job': { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
      'wid-schema-path': { type: 'string' },
      'database-server': { type: 'string' },
      'database-name': { type: 'string' },
      'database-port': { type: 'string' },
      'database-auth-type': { type: 'string' },
      'database-credential': { type: 'string' },
      'use-existing-schema': { type: 'boolean' },
      'provisioning-method': { type: 'string' },
      'gpo-prefix': { type: 'string' },
      force: { type: 'boolean' },
      whatif: { type: 'boolean', default: false },
      confirm: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true as const };
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const authentication = choice('authentication', values.authentication, { basic: 'basic', negotiate: 'negotiate' } as const) ?? 'basic';
  const encryption = choice('encryption', values.encryption, { auto: 'auto', always: 'always', never: 'never' } as const);
  if (encryption !== undefined && authentication !== 'negotiate') throw new UsageError('--encryption goes with --authentication negotiate');
  const tls = tlsOptions(values);
  if (values.endpoint !== undefined && !/^https?:\/\//i.test(values.endpoint)) throw new UsageError('--endpoint must be an http:// or https:// URL');
  if (values.wait && !values['as-job']) throw new UsageError('--wait goes with --as-job');
  const user = values.user;
  if (!user) throw new UsageError('--user is required');
  if (values.password !== undefined) io.stderr.write('warning: --password is visible to other local users; prefer the IPAM_PASSWORD environment variable\n');
  const password = values.password ?? io.env.IPAM_PASSWORD;
  if (password === undefined) throw new UsageError('give the password in IPAM_PASSWORD (or --password)');
  if (values['database-credential'] !== undefined) {
    io.stderr.write('warning: --database-credential is visible to other local users; prefer the IPAM_DATABASE_CREDENTIAL environment variable\n');
  }
  const credentialText = values['database-credential'] ?? io.env.IPAM_DATABASE_CREDENTIAL;
  const timeoutSeconds = values['operation-timeout'] === undefined ? undefined : Number(values['operation-timeout']);
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0 && timeoutSeconds <= 86400)) throw new UsageError('--operation-timeout must be a number of seconds above 0');

  const params: ProvisioningParameters = {
    DatabaseServer: values['database-server'],
    DatabaseName: values['database-name'],
    DatabasePort: integerOption('database-port', values['database-port'], 0, 65535),
    DatabaseAuthType: choice('database-auth-type', values['database-auth-type'], { windows: DatabaseAuthType.Windows, sql: DatabaseAuthType.Sql }),
    DatabaseCredential: credentialText === undefined ? undefined : splitCredential(credentialText),
    ProvisioningMethod: choice('provisioning-method', values['provisioning-method'], {
      automatic: ProvisioningMethod.Automatic,
      manual: ProvisioningMethod.Manual,
    }),
    GpoPrefix: values['gpo-prefix'],
    WidSchemaPath: values['wid-schema-path'],
    UseExistingSchema: values['use-existing-schema'],
    Force: values.force,
  };
  return {
    help: false as const,
    sessions: parseSessions(values['cim-session'] ?? [], values.endpoint),
    user,
    password,
    authentication,
    encryption,
    tls,
    throttleLimit: integerOption('throttle-limit', values['throttle-limit'], 0, 100000),
    operationTimeoutMs: timeoutSeconds === undefined ? undefined : Math.round(timeoutSeconds * 1000),
    asJob: values['as-job'],
    wait: values.wait,
    whatIf: values.whatif,
    confirm: values.confirm,
    json: values.json,
    params,
  };
}

type Parsed = Exclude<ReturnType<typeof parse>, { help: true }>;

/** A job that ended in another state than Completed, with its CIM error when GetError gave one. */
class JobFailedError extends Error {
  constructor(
    readonly job: IpamJob,
    readonly cimError: CimErrorDetail | null,
  ) {
    super(
      cimError?.message ??
        job.errorDescription ??
        `The job ${job.instanceId} ended in state ${job.jobStateName}${job.errorCode ? ` (ErrorCode ${job.errorCode})` : ''}.`,
    );
  }
}

export async function runProvision(argv: string[], io: ProvisionIo): Promise<number> {
  let opts: Parsed;
  try {
    const parsed = parse(argv, io);
    if (parsed.help) {
      io.stdout.write(PROVISION_USAGE);
      return 0;
    }
    opts = parsed;
  } catch (e) {
    // By its code, not instanceof: the TypeError may come from another realm (a test VM).
    const isParseError = typeof e === 'object' && e !== null && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS');
    if (!(e instanceof UsageError || isParseError)) throw e;
    io.stderr.write(`ipam-emulator provision: ${(e as Error).message}\n\n${PROVISION_USAGE}`);
    return 2;
  }

  const reporter = createReporter(io, opts.json, opts.sessions.map((s) => s.name));
  const { outcomes } = await runAcrossSessions(opts.sessions, (target, index) => provisionOne(opts, target, (u) => reporter.progress(index, u)), {
    throttleLimit: opts.throttleLimit,
    onStart: (_s, index) => reporter.progress(index, { phase: 'running' }),
    onSettled: (outcome, index) => reporter.settled(index, outcome.ok ? outcome.value : failureReport(opts.sessions[index]?.name ?? '', outcome.error)),
  });
  reporter.close();
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

async function provisionOne(
  opts: Parsed,
  target: SessionTarget,
  progress: (u: { phase: 'running'; percent?: number; detail?: string }) => void,
): Promise<HostReport> {
  const client = new WsmanClient({
    endpoint: target.endpoint,
    hostHeader: target.hostHeader,
    authenticator:
      opts.authentication === 'negotiate'
        ? new NegotiateAuthenticator({ userName: opts.user, password: opts.password, encryption: opts.encryption })
        : new BasicAuthenticator(opts.user, opts.password),
    tls: opts.tls,
    operationTimeoutMs: opts.operationTimeoutMs,
  });
  try {
    const r = await provisionHost(client, opts.params, { asJob: opts.asJob, whatIf: opts.whatIf, confirm: opts.confirm, operationTimeoutMs: opts.operationTimeoutMs });
    const base = { host: target.name, ok: true, returnValue: r.returnValue, whatIf: opts.whatIf };
    if (!r.accepted || !r.job) {
      // ReturnValue 0 is answered when the run has ended (the synchronous contract), so its job is Completed.
      return { ...base, job: r.job ? { instanceId: r.job.instanceId, state: 'Completed' } : undefined };
    }
    const ref = r.job;
    if (!opts.wait) {
      progress({ phase: 'running', detail: `job ${ref.instanceId} accepted` });
      let state: string | null = null;
      let warning: string | undefined;
      try {
        state = (await getJob(client, ref)).jobStateName;
      } catch (e) {
        warning = `the job was accepted but its state could not be read: ${e instanceof Error ? e.message : String(e)}`;
      }
      return { ...base, job: { instanceId: ref.instanceId, state }, warning };
    }
    const job = await waitForJob(client, ref, {
      onProgress: (j) => progress({ phase: 'running', percent: j.percentComplete ?? undefined, detail: `job ${j.instanceId} ${j.jobStateName}` }),
    });
    if (job.jobState !== JobState.Completed) {
      // GetError only adds MessageID and category to what the job already says; the failure is reported either way.
      const cimError = await getJobError(client, ref).catch(() => null);
      throw new JobFailedError(job, cimError);
    }
    return { ...base, job: { instanceId: job.instanceId, state: job.jobStateName } };
  } finally {
    client.close();
  }
}

function failureReport(host: string, error: unknown): HostReport {
  const message = error instanceof Error ? error.message : String(error);
  const base = { host, ok: false, returnValue: null };
  if (error instanceof WsmanFaultError) {
    return {
      ...base,
      error: { message, messageId: error.cimError?.messageId ?? null, category: error.cimError?.errorCategory ?? null, subcode: error.subcodeName },
    };
  }
  if (error instanceof JobFailedError) {
    const cim = error.cimError;
    return {
      ...base,
      job: { instanceId: error.job.instanceId, state: error.job.jobStateName },
      error: { message, messageId: cim?.messageId ?? null, category: cim?.errorCategory ?? null, subcode: null },
    };
  }
  // A 401, a transport failure or an IpamMethodError: no CIM error came back, so no MessageID or category.
  return { ...base, error: { message, messageId: null, category: null, subcode: null } };
}
