/**
 * The composition root: builds the layers from a fixture and a data directory
 * and starts the listener. Tests and the CLI both start the emulator through here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadMofDirectory } from './cim/loadSchemas';
import type { ClassRegistry } from './cim/registry';
import { DEFAULT_FIXTURE, loadFixture, validateFixture, type Fixture, type FixtureTiming } from './config/fixture';
import { packageVersion, projectRoot } from './config/paths';
import { EmulatorControl } from './admin/control';
import { fixtureShape, SnapshotService } from './admin/snapshots';
import { AccountAuthenticator } from './fleet/authentication';
import { Fleet } from './fleet/fleet';
import { HostFeatures } from './fleet/hostFeatures';
import { adminRouter } from './http/admin';
import { Dashboard } from './http/dashboard';
import { NegotiateAuthenticator } from './http/negotiate';
import { DEFAULT_JOURNAL_SIZE, RequestJournal } from './harness/journal';
import { createApp, startListener, type HttpTimeouts, type RunningListener } from './http/server';
import { loadOrCreateCertificate, type TlsMaterial } from './http/tls';
import { Dispatcher } from './jobs/dispatcher';
import { JobService } from './jobs/jobs';
import { createLogger, type Logger } from './log';
import { FleetProvider } from './providers/fleet';
import { IpamConfigurationProvider } from './providers/ipamConfiguration';
import { IpamServerProvider } from './providers/ipamServer';
import { JobProvider } from './providers/jobs';
import { CIMV2_NAMESPACE, IPAM_NAMESPACE } from './providers/namespace';
import { hostFacts } from './providers/win32/hostFacts';
import { ServerFeatureProvider } from './providers/win32/serverFeatures';
import { ServiceProvider } from './providers/win32/services';
import { SystemProvider } from './providers/win32/system';
import { ProviderRegistry } from './providers/registry';
import { pauseHook } from './provisioning/engine';
import { IpamService } from './provisioning/service';
import { FeatureStore } from './storage/featureStore';
import { IpamState } from './storage/ipamState';
import { JobStore } from './storage/jobStore';
import { seedSimulatedDatabases } from './storage/seed';
import { SqlServerDirectory } from './storage/sqlServers';
import { StateStore } from './storage/stateStore';
import { SnapshotFolder } from './storage/snapshots/folder';
import { recoverRestore, restoreIntoEmptyDataDir } from './storage/snapshots/restore';
import { lockDataDir, type DataDirLock } from './storage/dataDirLock';
import { EnumerationContexts } from './wsman/enumeration/contexts';
import { WsmanHandler } from './wsman/handler';
import { MessageSecurity } from './security/messageSecurity';
import { machineLauncher } from './powershell/host/machine';
import { ShellPlugin } from './shell/plugin';
import { ShellService } from './shell/shells';
import { idsFor, SystemClock, type Clock, type Harness } from './harness';
import { LockoutTracker } from './fleet/lockout';
import { TimingModel } from './harness/timing';
import { FaultRegistry } from './harness/faults';
import type http from 'node:http';
import { ReplayStore, type ReplayOptions } from './harness/replay';
import type { Cassette } from './harness/cassette';

export interface EmulatorOptions {
  /** A fixture file, or an already parsed fixture object (validated here). */
  readonly fixture?: string | Fixture;
  /** Where state lives; ':memory:' for none on disk. */
  readonly dataDir: string;
  readonly listen?: string;
  readonly port?: number;
  readonly logger?: Logger;
  /** Overrides the fixture's dispatcher concurrency. */
  readonly concurrency?: number;
  /** Every provisioning step takes this long, in real time (for tests; overrides the fixture's timing, docs/timing.md). */
  readonly stepDelayMs?: number;
  /** How long clients may take over a request (defaults: 120 s, headers 30 s, idle keep-alive 120 s). */
  readonly httpTimeouts?: HttpTimeouts;
  /** `serve --seed N`: every generated identifier reproducible (docs/determinism.md). */
  readonly seed?: number;
  /** `serve --clock virtual…`: the emulator's clock; the machine's by default. */
  readonly clock?: Clock;
  /** How many requests the request journal keeps (the newest; as many near misses); 0 turns it off. Default 10,000. */
  readonly journalSize?: number;
  /**
   * A snapshot archive (GET /_emulator/snapshots/{name}/archive) to start from: the data directory must
   * hold no state yet, and the archive must be of this fleet's hosts (docs/snapshots.md).
   */
  readonly restore?: string;
  /** serve --replay: answer from this cassette before the emulator does (harness/replay.ts). */
  readonly replay?: ReplayOptions & { readonly cassette: Cassette };
}

let schemaCache: ClassRegistry | undefined;

/** The CIM classes from schemas/mof (the IPAM namespace, and the part of root/cimv2 served), loaded once per process. */
export function loadSchemas(): ClassRegistry {
  if (!schemaCache) {
    const dir = path.join(projectRoot(), 'schemas', 'mof');
    schemaCache = loadMofDirectory(dir, CIMV2_NAMESPACE, ['cimv2.mof'], loadMofDirectory(dir, IPAM_NAMESPACE));
  }
  return schemaCache;
}

interface Parts {
  readonly fixture: Fixture;
  readonly fleet: Fleet;
  readonly store: StateStore;
  readonly registry: ClassRegistry;
  readonly log: Logger;
  readonly ipam: IpamService;
  readonly ipamState: IpamState;
  readonly servers: SqlServerDirectory;
  readonly enumerations: EnumerationContexts;
  readonly handler: WsmanHandler;
  readonly dispatcher: Dispatcher;
  readonly jobs: JobService;
  readonly control: EmulatorControl;
  readonly accounts: AccountAuthenticator;
  readonly shells: ShellService;
  readonly snapshots: SnapshotService;
  /** The data directory, or a temporary one standing in for ':memory:'. */
  readonly dataDirOnDisk: string;
  /** The key WS-Security replies are signed with: the TLS certificate's, set at start. */
  readonly signing: { key?: { privateKeyPem: string; certificatePem: string } };
  readonly httpTimeouts: HttpTimeouts | undefined;
  readonly faults: FaultRegistry;
  readonly journal: RequestJournal;
  /** The data directory's lock (none for ':memory:'), released at stop. */
  readonly lock: DataDirLock | undefined;
  /** ':memory:': dataDirOnDisk is the emulator's own temporary folder, removed at stop. */
  readonly temporaryDataDir: boolean;
}

export interface StartOptions {
  /** The HTTPS port: overrides the fixture's policy.https.port; false: no HTTPS listener. */
  readonly httpsPort?: number | false;
  /** PEM files for the HTTPS listener; default: a self-signed certificate kept in the data directory. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/**
 * Where an emulator is in its life, as `GET /_emulator/health` tells it: `starting` until every
 * listener is open, `ready`, then `stopping` from the moment stop() is called (WS-Man requests get
 * HTTP 503 while shells and jobs drain) until its ports are closed.
 */
/** What `GET /_emulator/health` answers (no credentials). */
export interface HealthReport {
  readonly status: 'ok' | 'starting' | 'stopping';
  readonly version: string;
  readonly uptimeS: number;
  readonly fleet: string;
  readonly hosts: number;
}

export type EmulatorPhase = 'created' | 'starting' | 'ready' | 'stopping' | 'stopped';

export class Emulator {
  private listeners: RunningListener[] = [];
  private phaseNow: EmulatorPhase = 'created';
  private readyAt: number | undefined;
  /** The HTTPS listener, once started (if enabled). */
  httpsListener: RunningListener | undefined;
  /** The HTTPS listener's certificate, once started (if enabled). */
  tls: TlsMaterial | undefined;
  /** The live dashboard (/_emulator/ui/), once started. */
  dashboard: Dashboard | undefined;
  readonly fleet: Fleet;
  readonly store: StateStore;
  readonly registry: ClassRegistry;
  readonly log: Logger;
  readonly ipam: IpamService;
  readonly jobs: JobService;
  readonly dispatcher: Dispatcher;
  readonly control: EmulatorControl;

  private constructor(private readonly parts: Parts) {
    this.fleet = parts.fleet;
    this.store = parts.store;
    this.registry = parts.registry;
    this.log = parts.log;
    this.ipam = parts.ipam;
    this.jobs = parts.jobs;
    this.dispatcher = parts.dispatcher;
    this.control = parts.control;
  }

  static create(opts: EmulatorOptions): Emulator {
    const log = opts.logger ?? createLogger();
    const fixture =
      typeof opts.fixture === 'object' ? validateFixture(opts.fixture, 'fixture object') : loadFixture(opts.fixture ?? DEFAULT_FIXTURE);
    const harness: Harness = { clock: opts.clock ?? new SystemClock(), ids: idsFor(opts.seed) };
    const faults = new FaultRegistry(fixture.faults ?? [], harness);
    const fleet = new Fleet(fixture);
    const registry = loadSchemas();
    // One emulator per data directory; ':memory:' keeps its files in a temporary one of its own.
    const dataDir = opts.dataDir === ':memory:' ? fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-emulator-')) : opts.dataDir;
    const lock = opts.dataDir === ':memory:' ? undefined : lockDataDir(dataDir);
    try {
      return Emulator.assemble(opts, log, fixture, harness, faults, fleet, registry, dataDir, lock);
    } catch (e) {
      lock?.release();
      if (opts.dataDir === ':memory:') fs.rmSync(dataDir, { recursive: true, force: true });
      throw e;
    }
  }

  private static assemble(
    opts: EmulatorOptions,
    log: Logger,
    fixture: Fixture,
    harness: Harness,
    faults: FaultRegistry,
    fleet: Fleet,
    registry: ClassRegistry,
    dataDir: string,
    lock: DataDirLock | undefined,
  ): Emulator {
    const { clock, ids } = harness;
    // A restore a crash interrupted is finished before the state store opens; then --restore's archive, if any.
    const finishedRestore = recoverRestore(opts.dataDir);
    if (finishedRestore !== undefined) log.warn({ snapshot: finishedRestore }, 'finished restoring a snapshot that a stop interrupted');
    if (opts.restore !== undefined) {
      const manifest = restoreIntoEmptyDataDir(opts.restore, opts.dataDir, fixtureShape(fixture, fleet));
      new SnapshotFolder(opts.dataDir).adopt(opts.restore, manifest.name);
      log.info({ archive: opts.restore, snapshot: manifest.name, hosts: manifest.hosts, provisioned: manifest.provisioned }, 'started from a snapshot archive');
    }
    const store = StateStore.open(opts.dataDir, clock);
    store.ensureHosts(fleet.hosts.map((h) => h.fqdn));
    const ipamState = new IpamState(store.db, clock);
    const servers = new SqlServerDirectory(fixture.sqlServers ?? [], dataDir, ipamState);
    // Step durations: the fixture's timing; EmulatorOptions.stepDelayMs (tests) is every step, in real time.
    const timing = new TimingModel(
      opts.stepDelayMs ? { steps: { '*': { ms: opts.stepDelayMs } }, clock: 'real' } : fixture.timing,
      new Map(opts.stepDelayMs ? [] : fixture.hosts.filter((h) => h.timing).map((h) => [h.fqdn.toLowerCase(), h.timing as FixtureTiming])),
      ids,
    );
    const journal = new RequestJournal(opts.journalSize ?? DEFAULT_JOURNAL_SIZE, harness);
    const ipam = new IpamService({
      state: ipamState,
      servers,
      dataDir,
      log,
      pauseAt: pauseHook(dataDir, process.env.IPAM_EMULATOR_TEST_PAUSE_AT),
      stepDelay: timing.empty ? undefined : (fqdn, step) => timing.stepDelay(fqdn, step),
      harness,
      // A rule that fires inside a step has no request to ride on: the journal gets an entry of its own.
      faults: {
        delayMs: (d) => faults.delayMs(d),
        forStep: (facts) => {
          const fired = faults.forStep(facts);
          if (fired) {
            const effect = fired.effect;
            journal.recordStepFault({
              host: facts.host.fqdn,
              step: facts.step,
              user: facts.user && `${facts.user.authority}\\${facts.user.name}`,
              ruleId: fired.ruleId,
              effect: fired.kind,
              message: 'cimError' in effect ? (effect.cimError.message ?? `CIM status ${effect.cimError.statusCode}`) : undefined,
            });
          }
          return fired;
        },
      },
    });
    const dispatcher = new Dispatcher(opts.concurrency ?? fleet.concurrency, clock);
    const jobStore = new JobStore(store.db, clock);
    const jobs = new JobService(jobStore, dispatcher, log, ids);
    const features = new HostFeatures(new FeatureStore(store.db), clock);
    const facts = hostFacts(store, ipamState, features, clock);
    const providers = new ProviderRegistry(registry)
      .register(IPAM_NAMESPACE, new IpamServerProvider(store, ipam, jobs))
      .register(IPAM_NAMESPACE, new IpamConfigurationProvider(ipamState, ipam))
      .register(IPAM_NAMESPACE, new JobProvider(jobs, clock))
      .register(IPAM_NAMESPACE, new FleetProvider(fleet, ipam, jobs))
      .register(CIMV2_NAMESPACE, new SystemProvider(facts))
      .register(CIMV2_NAMESPACE, new ServiceProvider(facts))
      .register(CIMV2_NAMESPACE, new ServerFeatureProvider(facts));
    const enumerations = new EnumerationContexts(harness);
    const accounts = new AccountAuthenticator(new LockoutTracker(() => clock.now()));
    // The WinRS door: shells whose command lines run on the host's cmd.exe and PowerShell, on the same engine and jobs.
    const shells = new ShellService(
      machineLauncher({
        fleet,
        ipam,
        jobs,
        state: ipamState,
        features,
        machineTime: (host) => ({ now: () => clock.date(), sleep: (ms, signal) => clock.sleep(ms, signal), newGuid: () => ids.uuid(`guid:${host.fqdn}`) }),
      }),
      (host) => ({ ...host.policy.shell, maxStdinBytes: host.policy.shell.maxMemoryPerShellMB * 1024 * 1024, maxOutputBytes: host.policy.shell.maxMemoryPerShellMB * 1024 * 1024 }),
      log,
      harness,
    );
    const signing: { key?: { privateKeyPem: string; certificatePem: string } } = {};
    const handler = new WsmanHandler({
      security: new MessageSecurity(fixture.certificateMappings, accounts, () => signing.key),
      registry,
      providers,
      enumerations,
      plugins: [new ShellPlugin(shells, harness)],
      harness,
      faults,
      // The IPAM provider's namespace exists where the IPAM Server feature is installed.
      namespaceVisible: (host, namespace) => namespace !== IPAM_NAMESPACE || features.hasIpam(host),
      onInternalError: (err, entry) => log.error({ err, ...entry, journal: undefined }, 'internal error while handling a request'),
      journal: journal.enabled,
      // serve --replay: its identifiers and dates from the emulator's harness; a miss is a near miss in the journal.
      replay: opts.replay ? new ReplayStore(opts.replay.cassette, { ...opts.replay, harness }) : undefined,
    });
    const control = new EmulatorControl({
      fixture,
      fleet,
      store,
      ipamState,
      jobStore,
      jobs,
      dispatcher,
      servers,
      ipam,
      features,
      shells,
      dataDir,
      clearEnumerations: (fqdn) => enumerations.clearHost(fqdn),
      harness,
      lockouts: accounts.lockouts,
      faults,
      journal,
    });
    const snapshots = new SnapshotService({
      fixture,
      fleet,
      store,
      control,
      shells,
      dispatcher,
      features,
      lockouts: accounts.lockouts,
      dataDir,
      log,
      clearEnumerations: (fqdn) => enumerations.clearHost(fqdn),
      clock,
    });
    return new Emulator({ fixture, fleet, store, registry, log, ipam, ipamState, servers, enumerations, handler, dispatcher, jobs, control, accounts, shells, snapshots, dataDirOnDisk: dataDir, signing, httpTimeouts: opts.httpTimeouts, faults, journal, lock, temporaryDataDir: opts.dataDir === ':memory:' });
  }

  /**
   * Brings the state to a consistent point before serving: finishes or undoes
   * provisioning runs a crash interrupted, then makes the fixture's simulated
   * databases and pre-provisioned hosts exist.
   */
  async prepare(): Promise<void> {
    const { fixture, ipamState, servers } = this.parts;
    const completed = new Map<string, string>();
    for (const r of await this.ipam.recover()) {
      this.log.warn({ runId: r.runId, host: r.fqdn, outcome: r.outcome }, 'recovered a provisioning run interrupted by a stop');
      if (r.outcome === 'completed') completed.set(r.fqdn.toLowerCase(), r.operation);
    }
    const interrupted = this.jobs.recover(completed);
    if (interrupted > 0) this.log.warn({ jobs: interrupted }, 'jobs interrupted by a stop now read back as Exception');
    await seedSimulatedDatabases(fixture.sqlServers ?? [], servers, ipamState);
    for (const fh of fixture.hosts) {
      const host = this.fleet.host(fh.fqdn);
      if (host && fh.ipam?.provisioned) {
        const seeded = await this.ipam.seed(host, fh.ipam.provisioned, fh.ipam.schemaVersion);
        if (seeded) this.log.info({ host: host.fqdn, schemaVersion: fh.ipam.schemaVersion }, 'provisioned from the fixture');
      }
    }
  }

  /**
   * Listens on `port` for every host (the Host header picks one) and on each
   * host's own port, if the fixture gives it one. Returns the main listener.
   */
  async start(listen = '127.0.0.1', port = 5985, opts: StartOptions = {}): Promise<RunningListener> {
    if (this.phaseNow !== 'created') throw new Error(`an emulator starts once; this one is ${this.phaseNow}`);
    this.phaseNow = 'starting';
    await this.prepare();
    this.dashboard = new Dashboard(this.control, this.fleet, this.log);
    const app = createApp({
      fleet: this.fleet,
      accounts: this.parts.accounts,
      negotiate: new NegotiateAuthenticator(this.parts.accounts),
      handler: this.parts.handler,
      log: this.log,
      admin: adminRouter(this.fleet, this.parts.accounts, this.control, this.log, this.parts.snapshots, this.dashboard.router),
      faults: this.parts.faults,
      journal: this.parts.journal,
      lifecycle: { phase: () => this.phaseNow, health: () => this.health() },
    });
    try {
      // The certificate serves HTTPS and signs WS-Security replies, so it is loaded even without HTTPS, and
      // before any listener: a signed request must never get an unsigned reply.
      const names = [...this.fleet.hosts.map((h) => h.fqdn), ...this.fleet.hosts.map((h) => h.computerName)];
      this.tls = await loadOrCreateCertificate(this.parts.dataDirOnDisk, names, opts.tls);
      if (this.tls.generated) this.log.info({ thumbprint: this.tls.thumbprint }, 'made a self-signed certificate for HTTPS and WS-Security');
      this.parts.signing.key = { privateKeyPem: this.tls.key, certificatePem: this.tls.cert };
      const timeouts = this.parts.httpTimeouts;
      const main = await startListener(app, { listen, port, timeouts });
      this.listeners.push(main);
      for (const host of this.fleet.hosts) {
        if (host.port !== undefined && host.port !== main.port) {
          const own = await startListener(app, { listen, port: host.port, timeouts });
          // A fixture's port 0: the host's port is the free one just taken.
          if (host.port === 0) this.fleet.bindPort(host, own.port);
          this.listeners.push(own);
          this.hostListeners.set(host.fqdn.toLowerCase(), own);
        }
      }
      // A host a hostDown rule takes down stops listening on its own port until it comes back.
      this.parts.faults.onHostDown = (fqdn, down) => {
        void this.setHostListening(fqdn, !down, app, listen, timeouts);
      };
      const httpsPort = opts.httpsPort ?? (this.fleet.https.enabled ? this.fleet.https.port : false);
      if (httpsPort !== false) {
        this.httpsListener = await startListener(app, { listen, port: httpsPort, tls: this.tls, timeouts });
        this.listeners.push(this.httpsListener);
      }
      this.log.info(
        {
          url: main.url,
          httpsUrl: this.httpsListener?.url,
          thumbprint: this.tls?.thumbprint,
          fleet: this.fleet.name,
          hosts: this.fleet.hosts.length,
          hostPorts: this.fleet.hosts.filter((h) => h.port !== undefined && h.port !== main.port).length,
          defaultHost: this.fleet.defaultHost.fqdn,
        },
        'listening',
      );
      this.mainListener = main;
      this.phaseNow = 'ready';
      this.readyAt = performance.now();
      return main;
    } catch (e) {
      await this.closeListeners();
      this.phaseNow = 'stopped';
      this.release();
      throw e;
    }
  }

  /** The main listener, once started. */
  private mainListener: RunningListener | undefined;

  /** Where the hosts' files are: the data directory, or the temporary folder of a ':memory:' one. */
  get filesDir(): string {
    return this.parts.dataDirOnDisk;
  }

  /** Where the emulator is in its life (GET /_emulator/health). */
  get phase(): EmulatorPhase {
    return this.phaseNow;
  }

  /** The listeners' URLs once started: the main one, HTTPS's, and each host's own (or the main one's). */
  get urls(): { url: string; httpsUrl: string | undefined; hosts: { name: string; url: string }[] } | undefined {
    const main = this.mainListener;
    if (!main || this.phaseNow !== 'ready') return undefined;
    return {
      url: main.url,
      httpsUrl: this.httpsListener?.url,
      hosts: this.fleet.hosts.map((h) => {
        if (h.port === undefined || h.port === main.port) return { name: h.fqdn, url: main.url };
        const own = new URL(main.url);
        own.port = String(h.port);
        return { name: h.fqdn, url: own.href };
      }),
    };
  }

  /** `GET /_emulator/health`: 200 once every listener is open, 503 before that and from the moment stop() begins. */
  health(): { status: number; body: HealthReport } {
    const phase = this.phaseNow;
    const status = phase === 'ready' ? 'ok' : phase === 'created' || phase === 'starting' ? 'starting' : 'stopping';
    const uptimeS = this.readyAt === undefined ? 0 : Math.round((performance.now() - this.readyAt) / 100) / 10;
    return { status: status === 'ok' ? 200 : 503, body: { status, version: packageVersion(), uptimeS, fleet: this.fleet.name, hosts: this.fleet.hosts.length } };
  }

  /** The listeners of hosts with a port of their own, by FQDN (lower case). */
  private readonly hostListeners = new Map<string, RunningListener>();

  private async setHostListening(fqdn: string, listening: boolean, app: http.RequestListener, listen: string, timeouts: HttpTimeouts | undefined): Promise<void> {
    const host = this.fleet.host(fqdn);
    if (!host || host.port === undefined) return;
    const current = this.hostListeners.get(fqdn);
    try {
      if (!listening && current) {
        this.hostListeners.delete(fqdn);
        this.listeners = this.listeners.filter((l) => l !== current);
        await current.close();
        this.log.info({ host: fqdn, port: host.port }, 'host down (fault injection): its port is closed');
      } else if (listening && !current) {
        const own = await startListener(app, { listen, port: host.port, timeouts });
        this.hostListeners.set(fqdn, own);
        this.listeners.push(own);
        this.log.info({ host: fqdn, port: host.port }, 'host back up: listening on its port again');
      }
    } catch (err) {
      this.log.error({ err, host: fqdn }, 'could not change the listener of a host taken down by a fault rule');
    }
  }

  private async closeListeners(): Promise<void> {
    this.parts.faults.onHostDown = undefined;
    // The dashboard's event streams never end by themselves: ended first, a listener's close does not wait on them.
    await this.dashboard?.close();
    await Promise.all(this.listeners.map((l) => l.close()));
    this.listeners = [];
    this.hostListeners.clear();
    this.httpsListener = undefined;
  }

  /** Enumeration contexts held open right now, over every host (for the admin API and tests). */
  get openEnumerations(): number {
    return this.parts.enumerations.size;
  }

  /** Stops listening, lets running jobs end (up to `graceMs`), then closes the state. */
  /**
   * Stops listening, lets running jobs finish for `graceMs`, then terminates the rest (each undoes
   * its steps) for up to `graceMs` more before the database closes. A job still running after that
   * is left to the next start's recovery, which reads it back as Exception with no host half-done.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.phaseNow === 'stopping' || this.phaseNow === 'stopped') return this.stopped;
    const wasServing = this.phaseNow === 'ready';
    this.phaseNow = 'stopping';
    this.stopped = this.stopNow(graceMs, wasServing);
    return this.stopped;
  }

  private stopped: Promise<void> = Promise.resolve();

  private async stopNow(graceMs: number, wasServing: boolean): Promise<void> {
    const within = async (work: Promise<void>): Promise<void> => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([work, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    };
    // While shells and jobs drain the ports stay open: health answers 503 (a harness sees the stop
    // coming) and new WS-Man requests are refused with 503, as HTTP.sys refuses a stopped service's URLs.
    if (wasServing) {
      // Shells first: their commands stop (a provisioning one ran is terminated and undone with the jobs below).
      await within(this.parts.shells.closeAll().then(() => undefined));
      await within(this.jobs.drain());
      await within(this.jobs.terminateAll());
    }
    await this.closeListeners();
    // Anything a request still in flight started when the ports closed.
    await within(this.parts.shells.closeAll().then(() => undefined));
    await within(this.jobs.terminateAll());
    this.parts.enumerations.close();
    this.release();
    this.phaseNow = 'stopped';
  }

  /** Closes the state and gives the data directory up (a ':memory:' one is removed). */
  private release(): void {
    this.store.close();
    this.parts.lock?.release();
    if (this.parts.temporaryDataDir) fs.rmSync(this.parts.dataDirOnDisk, { recursive: true, force: true });
  }
}
