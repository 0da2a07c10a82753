/**
 * The emulator in one call, for a test harness in Node (and the CLI, which is built on it):
 * free ports by default, a temporary data directory removed at stop, the URLs it listens on,
 * a typed admin client and a WS-Man client bound to a host.
 *
 *     const emu = await startEmulator({ hosts: 3 });
 *     await provisionHost(emu.client('ipam2.contoso.com'), { ProvisioningMethod: 1, Force: true });
 *     (await emu.admin.host('ipam2.contoso.com')).provisioningState; // 'Provisioned'
 *     await emu.stop();
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Emulator, type EmulatorOptions } from '../app';
import { DEFAULT_FIXTURE, loadFixture, validateFixture, withGeneratedHosts, type Fixture, type FixtureFaultRule } from '../config/fixture';
import { packageVersion } from '../config/paths';
import { parseClockOption, type Clock } from '../harness';
import { BasicAuthenticator, type Authenticator } from '../client/transport';
import { WsmanClient, type WsmanClientOptions } from '../client/wsmanClient';
import type { Logger } from '../log';
import { AdminClient } from './adminClient';

export interface StartEmulatorOptions {
  /** A fixture file or object (docs/fixtures.md); the embedded default fleet otherwise. */
  readonly fixture?: string | Fixture;
  /** The file a fixture object was read from, for the ready line (`fixture`): where a harness finds the accounts' passwords. */
  readonly fixtureFile?: string;
  /** Adds hosts ipam1…ipamN (the first host's domain and accounts), each on a free port of its own. */
  readonly hosts?: number;
  /** Address to bind; 127.0.0.1 by default. */
  readonly listen?: string;
  /** The HTTP port; 0 (a free one) by default. */
  readonly port?: number;
  /** The HTTPS port; 0 (a free one) by default; false for none. */
  readonly httpsPort?: number | false;
  /** PEM files for HTTPS; a self-signed certificate in the data directory by default. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Where state is kept; a temporary directory by default, removed at stop. A directory given here is kept. */
  readonly dataDir?: string;
  /** Every generated identifier drawn from this seed (docs/determinism.md). */
  readonly seed?: number;
  /** 'system' (default), 'virtual' (starting now), 'virtual=<ISO-8601>', or a Clock (docs/determinism.md). */
  readonly clock?: string | Clock;
  /** Fault rules to add at start (docs/faults.md); they are the API's, so a fleet reset removes them. */
  readonly faults?: readonly FixtureFaultRule[];
  /** pino level for the emulator's log (to stderr); 'silent' by default. */
  readonly logLevel?: string;
  /** A logger of your own instead (logLevel is then ignored). */
  readonly logger?: Logger;
  /** Provisioning jobs that run at once (the fixture's, or 32). */
  readonly concurrency?: number;
  /** How many requests the journal keeps (10,000; 0 turns it off). */
  readonly journalSize?: number;
  /** Start from a snapshot archive (docs/snapshots.md). */
  readonly restore?: string;
  /** Answer from a recorded cassette (docs/record-replay.md). */
  readonly replay?: EmulatorOptions['replay'];
}

/** Who a client logs on as. */
export interface Credentials {
  readonly user: string;
  readonly password: string;
}

export interface EmulatorHostInfo {
  readonly name: string;
  /** The host's own port's URL, or the main URL (where the Host header picks it) when it has none. */
  readonly url: string;
  /** Whether `url` is the host's own port (otherwise a client must send its name as the Host header). */
  readonly ownPort: boolean;
  /** Its accounts' names (passwords are in the fixture). */
  readonly accounts: readonly string[];
}

/**
 * What a started emulator announces: the `serve` ready line (docs/embedding.md) and `--ready-file`.
 * Never a password.
 */
export interface ReadyInfo {
  readonly event: 'ready';
  readonly version: string;
  readonly pid: number;
  readonly url: string;
  readonly httpsUrl: string | null;
  readonly thumbprint: string | null;
  readonly adminUrl: string;
  readonly healthUrl: string;
  readonly dashboardUrl: string;
  /** The fixture file (null when the fixture was given as an object). */
  readonly fixture: string | null;
  readonly fleet: string;
  readonly dataDir: string;
  readonly defaultHost: string;
  readonly hosts: readonly EmulatorHostInfo[];
}

export interface RunningEmulator {
  readonly url: string;
  readonly httpsUrl: string | undefined;
  readonly adminUrl: string;
  readonly healthUrl: string;
  readonly dashboardUrl: string;
  /** The HTTPS certificate's SHA-1 thumbprint (upper-case hex). */
  readonly thumbprint: string | undefined;
  readonly hosts: readonly EmulatorHostInfo[];
  /** The data directory (a temporary one unless you gave one). */
  readonly dataDir: string;
  /** An administrator of the default host from the fixture (or the fixture's admin.credential). */
  readonly credentials: Credentials;
  /** The admin API (docs/admin-api.md), typed. */
  readonly admin: AdminClient;
  /** The ready line's facts. */
  readonly ready: ReadyInfo;
  /** The emulator itself (its fleet, jobs and state), for what the API does not cover. */
  readonly emulator: Emulator;
  /**
   * The project's WS-Man client for a host (the default host without one), logged on with Basic as
   * `credentials` (the fixture's administrator by default). Close it when done (client.close()).
   */
  client(host?: string, credentials?: Credentials | Authenticator, options?: Partial<WsmanClientOptions>): WsmanClient;
  /** Stops listening, lets jobs finish (up to graceMs), closes the state; removes a temporary data directory. */
  stop(graceMs?: number): Promise<void>;
}

export async function startEmulator(opts: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const fixtureFile = opts.fixture === undefined ? DEFAULT_FIXTURE : typeof opts.fixture === 'string' ? path.resolve(opts.fixture) : (opts.fixtureFile ?? null);
  let fixture = typeof opts.fixture === 'object' ? validateFixture(opts.fixture, 'fixture object') : loadFixture(fixtureFile as string);
  if (opts.hosts !== undefined) fixture = withGeneratedHosts(fixture, opts.hosts, 0);
  const temporary = opts.dataDir === undefined;
  const dataDir = temporary ? fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-emulator-')) : opts.dataDir === ':memory:' ? ':memory:' : path.resolve(opts.dataDir as string);
  const removeTemporary = (): void => {
    if (temporary) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  let emulator: Emulator;
  try {
    const clock = typeof opts.clock === 'string' ? parseClockOption(opts.clock) : opts.clock;
    emulator = Emulator.create({
      fixture,
      dataDir,
      logger: opts.logger ?? pino({ level: opts.logLevel ?? 'silent', base: { name: 'ipam-emulator' } }, pino.destination(2)),
      concurrency: opts.concurrency,
      seed: opts.seed,
      clock,
      journalSize: opts.journalSize,
      restore: opts.restore,
      replay: opts.replay,
    });
  } catch (e) {
    removeTemporary();
    throw e;
  }
  try {
    await emulator.start(opts.listen ?? '127.0.0.1', opts.port ?? 0, { httpsPort: opts.httpsPort ?? 0, tls: opts.tls });
    for (const rule of opts.faults ?? []) emulator.control.addFaultRule(rule);
  } catch (e) {
    await emulator.stop().catch(() => undefined);
    removeTemporary();
    throw e;
  }
  const ready = readyInfo(emulator, fixtureFile, dataDir);
  const credentials = adminCredentials(fixture, emulator);
  const admin = new AdminClient({ url: ready.url, ...credentials });
  const byName = new Map(ready.hosts.map((h) => [h.name, h]));
  let stopped: Promise<void> | undefined;
  return {
    url: ready.url,
    httpsUrl: ready.httpsUrl ?? undefined,
    adminUrl: ready.adminUrl,
    healthUrl: ready.healthUrl,
    dashboardUrl: ready.dashboardUrl,
    thumbprint: ready.thumbprint ?? undefined,
    hosts: ready.hosts,
    dataDir,
    credentials,
    admin,
    ready,
    emulator,
    client(host, who, options) {
      const target = host === undefined ? emulator.fleet.defaultHost : emulator.fleet.host(host);
      if (!target) throw new Error(`the fleet has no host ${host}; its hosts: ${ready.hosts.map((h) => h.name).join(', ')}`);
      const info = byName.get(target.fqdn) as EmulatorHostInfo;
      const as = who ?? credentials;
      return new WsmanClient({
        endpoint: info.url,
        // On the main port the Host header picks the host; on its own port it is the host anyway.
        hostHeader: info.ownPort ? undefined : target.fqdn,
        authenticator: 'user' in as ? new BasicAuthenticator(as.user, as.password) : as,
        ...options,
      });
    },
    stop(graceMs) {
      stopped ??= emulator.stop(graceMs).finally(removeTemporary);
      return stopped;
    },
  };
}

/** The ready line's facts of a started emulator. */
export function readyInfo(emulator: Emulator, fixtureFile: string | null, dataDir: string): ReadyInfo {
  const urls = emulator.urls;
  if (!urls) throw new Error('the emulator is not listening');
  const origin = new URL(urls.url).origin;
  return {
    event: 'ready',
    version: packageVersion(),
    pid: process.pid,
    url: urls.url,
    httpsUrl: urls.httpsUrl ?? null,
    thumbprint: emulator.httpsListener ? (emulator.tls?.thumbprint ?? null) : null,
    adminUrl: `${origin}/_emulator/`,
    healthUrl: `${origin}/_emulator/health`,
    dashboardUrl: `${origin}/_emulator/ui/`,
    fixture: fixtureFile,
    fleet: emulator.fleet.name,
    dataDir: dataDir === ':memory:' ? ':memory:' : path.resolve(dataDir),
    defaultHost: emulator.fleet.defaultHost.fqdn,
    hosts: urls.hosts.map((h) => {
      const host = emulator.fleet.host(h.name);
      return { name: h.name, url: h.url, ownPort: h.url !== urls.url, accounts: (host?.accounts ?? []).map((a) => a.name) };
    }),
  };
}

/** The credentials the admin client and client() use: the fixture's admin.credential, or an administrator of the default host. */
function adminCredentials(fixture: Fixture, emulator: Emulator): Credentials {
  const own = fixture.admin?.credential;
  if (own) return { user: own.user, password: own.password };
  const fleet = emulator.fleet;
  const fh = fixture.hosts.find((h) => h.fqdn.toLowerCase() === fleet.defaultHost.fqdn);
  const group = fleet.adminGroup.toLowerCase();
  const local = (fh?.accounts ?? []).find((a) => (a.groups ?? []).some((g) => g.toLowerCase() === group));
  if (local) return { user: local.name, password: local.password };
  const domain = fixture.domains.find((d) => d.name.toUpperCase() === fleet.defaultHost.domain.name);
  const domainAdmin = (domain?.accounts ?? []).find((a) => (a.groups ?? []).some((g) => g.toLowerCase() === group));
  if (domainAdmin) return { user: `${domain?.name}\\${domainAdmin.name}`, password: domainAdmin.password };
  throw new Error(`the fixture names no administrator of ${fleet.defaultHost.fqdn} (an account in ${fleet.adminGroup}) and no admin.credential: the admin API would refuse every request`);
}
