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
import { Fleet } from './fleet/fleet';
import { createApp, startListener, type RunningListener } from './http/server';
import { createLogger, type Logger } from './log';
import { IpamConfigurationProvider } from './providers/ipamConfiguration';
import { IpamServerProvider } from './providers/ipamServer';
import { IPAM_NAMESPACE } from './providers/namespace';
import { ProviderRegistry } from './providers/registry';
import { pauseHook } from './provisioning/engine';
import { IpamService } from './provisioning/service';
import { IpamState } from './storage/ipamState';
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
}

let schemaCache: ClassRegistry | undefined;

/** The CIM classes from schemas/mof, loaded once per process. */
export function loadSchemas(): ClassRegistry {
  schemaCache ??= loadMofDirectory(path.join(projectRoot(), 'schemas', 'mof'), IPAM_NAMESPACE);
  return schemaCache;
}

export class Emulator {
  private listener: RunningListener | undefined;

  private constructor(
    readonly fleet: Fleet,
    readonly store: StateStore,
    readonly registry: ClassRegistry,
    readonly log: Logger,
    readonly ipam: IpamService,
    readonly ipamState: IpamState,
    private readonly fixture: Fixture,
    private readonly servers: SqlServerDirectory,
    private readonly enumerations: EnumerationContexts,
    private readonly handler: WsmanHandler,
  ) {}

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
    const ipam = new IpamService({ state: ipamState, servers, dataDir, log, pauseAt: pauseHook(dataDir, process.env.IPAM_EMULATOR_TEST_PAUSE_AT) });
    const providers = new ProviderRegistry(registry)
      .register(IPAM_NAMESPACE, new IpamServerProvider(store, ipam))
      .register(IPAM_NAMESPACE, new IpamConfigurationProvider(ipamState));
    const enumerations = new EnumerationContexts();
    const handler = new WsmanHandler({
      registry,
      providers,
      enumerations,
      onInternalError: (err, entry) => log.error({ err, ...entry }, 'internal error while handling a request'),
    });
    return new Emulator(fleet, store, registry, log, ipam, ipamState, fixture, servers, enumerations, handler);
  }

  /**
   * Brings the state to a consistent point before serving: finishes or undoes
   * provisioning runs a crash interrupted, then makes the fixture's simulated
   * databases and pre-provisioned hosts exist.
   */
  async prepare(): Promise<void> {
    for (const r of await this.ipam.recover()) {
      this.log.warn({ runId: r.runId, host: r.fqdn, outcome: r.outcome }, 'recovered a provisioning run interrupted by a stop');
    }
    await seedSimulatedDatabases(this.fixture.sqlServers ?? [], this.servers, this.ipamState);
    for (const fh of this.fixture.hosts) {
      const host = this.fleet.host(fh.fqdn);
      if (host && fh.ipam?.provisioned) {
        const seeded = await this.ipam.seed(host, fh.ipam.provisioned, fh.ipam.schemaVersion);
        if (seeded) this.log.info({ host: host.fqdn, schemaVersion: fh.ipam.schemaVersion }, 'provisioned from the fixture');
      }
    }
  }

  async start(listen = '127.0.0.1', port = 5985): Promise<RunningListener> {
    await this.prepare();
    const app = createApp({ fleet: this.fleet, handler: this.handler, log: this.log });
    this.listener = await startListener(app, { listen, port });
    this.log.info({ url: this.listener.url, fleet: this.fleet.name, hosts: this.fleet.hosts.length, defaultHost: this.fleet.defaultHost.fqdn }, 'listening');
    return this.listener;
  }

  async stop(): Promise<void> {
    await this.listener?.close();
    this.listener = undefined;
    this.enumerations.close();
    this.store.close();
  }
}
