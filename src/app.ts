/**
 * The composition root: builds the layers from a fixture and a data directory
 * and starts the listener. Tests and the CLI both start the emulator through here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadMofDirectory } from './cim/loadSchemas';
import type { ClassRegistry } from './cim/registry';
import { DEFAULT_FIXTURE, loadFixture, validateFixture, type Fixture } from './config/fixture';
import { projectRoot } from './config/paths';
import { EmulatorControl } from './admin/control';
import { Fleet } from './fleet/fleet';
import { adminRouter } from './http/admin';
import { createApp, startListener, type RunningListener } from './http/server';
import { Dispatcher } from './jobs/dispatcher';
import { JobService } from './jobs/jobs';
import { createLogger, type Logger } from './log';
import { FleetProvider } from './providers/fleet';
import { IpamConfigurationProvider } from './providers/ipamConfiguration';
import { IpamServerProvider } from './providers/ipamServer';
import { JobProvider } from './providers/jobs';
import { IPAM_NAMESPACE } from './providers/namespace';
import { ProviderRegistry } from './providers/registry';
import { pauseHook } from './provisioning/engine';
import { IpamService } from './provisioning/service';
import { IpamState } from './storage/ipamState';
import { JobStore } from './storage/jobStore';
import { seedSimulatedDatabases } from './storage/seed';
import { SqlServerDirectory } from './storage/sqlServers';
import { StateStore } from './storage/stateStore';
import { EnumerationContexts } from './wsman/enumeration/contexts';
import { WsmanHandler } from './wsman/handler';

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
  /** Test hook: a pause before each provisioning step (see EngineDeps.stepDelayMs). */
  readonly stepDelayMs?: number;
}

let schemaCache: ClassRegistry | undefined;

/** The CIM classes from schemas/mof, loaded once per process. */
export function loadSchemas(): ClassRegistry {
  schemaCache ??= loadMofDirectory(path.join(projectRoot(), 'schemas', 'mof'), IPAM_NAMESPACE);
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
}

export class Emulator {
  private listeners: RunningListener[] = [];
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
    const fleet = new Fleet(fixture);
    const registry = loadSchemas();
    const store = StateStore.open(opts.dataDir);
    store.ensureHosts(fleet.hosts.map((h) => h.fqdn));
    const ipamState = new IpamState(store.db);
    const dataDir = opts.dataDir === ':memory:' ? fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-emulator-')) : opts.dataDir;
    const servers = new SqlServerDirectory(fixture.sqlServers ?? [], dataDir, ipamState);
    const stepDelay = Number(process.env.IPAM_EMULATOR_TEST_STEP_DELAY_MS ?? 0);
    const ipam = new IpamService({
      state: ipamState,
      servers,
      dataDir,
      log,
      pauseAt: pauseHook(dataDir, process.env.IPAM_EMULATOR_TEST_PAUSE_AT),
      stepDelayMs: opts.stepDelayMs ?? (Number.isFinite(stepDelay) && stepDelay > 0 ? stepDelay : undefined),
    });
    const dispatcher = new Dispatcher(opts.concurrency ?? fleet.concurrency);
    const jobStore = new JobStore(store.db);
    const jobs = new JobService(jobStore, dispatcher, log);
    const providers = new ProviderRegistry(registry)
      .register(IPAM_NAMESPACE, new IpamServerProvider(store, ipam, jobs))
      .register(IPAM_NAMESPACE, new IpamConfigurationProvider(ipamState))
      .register(IPAM_NAMESPACE, new JobProvider(jobs))
      .register(IPAM_NAMESPACE, new FleetProvider(fleet, ipam, jobs));
    const enumerations = new EnumerationContexts();
    const handler = new WsmanHandler({
      registry,
      providers,
      enumerations,
      onInternalError: (err, entry) => log.error({ err, ...entry }, 'internal error while handling a request'),
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
      dataDir,
      clearEnumerations: (fqdn) => enumerations.clearHost(fqdn),
    });
    return new Emulator({ fixture, fleet, store, registry, log, ipam, ipamState, servers, enumerations, handler, dispatcher, jobs, control });
  }

  /**
   * Brings the state to a consistent point before serving: finishes or undoes
   * provisioning runs a crash interrupted, then makes the fixture's simulated
   * databases and pre-provisioned hosts exist.
   */
  async prepare(): Promise<void> {
    const { fixture, ipamState, servers } = this.parts;
    for (const r of await this.ipam.recover()) {
      this.log.warn({ runId: r.runId, host: r.fqdn, outcome: r.outcome }, 'recovered a provisioning run interrupted by a stop');
    }
    const interrupted = this.jobs.recover();
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
  async start(listen = '127.0.0.1', port = 5985): Promise<RunningListener> {
    await this.prepare();
    const app = createApp({
      fleet: this.fleet,
      handler: this.parts.handler,
      log: this.log,
      admin: adminRouter(this.fleet, this.control, this.log),
    });
    try {
      const main = await startListener(app, { listen, port });
      this.listeners.push(main);
      for (const host of this.fleet.hosts) {
        if (host.port !== undefined && host.port !== main.port) this.listeners.push(await startListener(app, { listen, port: host.port }));
      }
      this.log.info(
        { url: main.url, fleet: this.fleet.name, hosts: this.fleet.hosts.length, hostPorts: this.listeners.length - 1, defaultHost: this.fleet.defaultHost.fqdn },
        'listening',
      );
      return main;
    } catch (e) {
      await this.closeListeners();
      throw e;
    }
  }

  private async closeListeners(): Promise<void> {
    await Promise.all(this.listeners.map((l) => l.close()));
    this.listeners = [];
  }

  /** Stops listening, lets running jobs end (up to `graceMs`), then closes the state. */
  async stop(graceMs = 10_000): Promise<void> {
    await this.closeListeners();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.jobs.drain(), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    this.parts.enumerations.close();
    this.store.close();
  }
}
