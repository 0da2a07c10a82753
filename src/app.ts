/**
 * The composition root: builds the layers from a fixture and a data directory
 * and starts the listener. Tests and the CLI both start the emulator through here.
 */
import path from 'node:path';
import { loadMofDirectory } from './cim/loadSchemas';
import type { ClassRegistry } from './cim/registry';
import { DEFAULT_FIXTURE, loadFixture, validateFixture, type Fixture } from './config/fixture';
import { projectRoot } from './config/paths';
import { Fleet } from './fleet/fleet';
import { createApp, startListener, type RunningListener } from './http/server';
import { createLogger, type Logger } from './log';
import { IpamServerProvider } from './providers/ipamServer';
import { IPAM_NAMESPACE } from './providers/namespace';
import { ProviderRegistry } from './providers/registry';
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
    const providers = new ProviderRegistry(registry).register(IPAM_NAMESPACE, new IpamServerProvider(store));
    const enumerations = new EnumerationContexts();
    const handler = new WsmanHandler({
      registry,
      providers,
      enumerations,
      onInternalError: (err, entry) => log.error({ err, ...entry }, 'internal error while handling a request'),
    });
    return new Emulator(fleet, store, registry, log, enumerations, handler);
  }

  async start(listen = '127.0.0.1', port = 5985): Promise<RunningListener> {
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
