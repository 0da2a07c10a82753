/**
 * What the providers and the app call: provisioning, update, recovery at start,
 * and seeding the hosts a fixture declares provisioned.
 */
import type { FleetHost } from '../fleet/fleet';
import type { EventSink } from './events';
import { ProvisioningEngine, type EngineDeps, type ProvisionInput, type ProvisionOutcome, type Requester } from './engine';
import { validateProvisioningParameters, type RawProvisioningParameters } from './parameters';
import { setCapability, setConfiguration, type ConfigurationRequest, type SettingInput, type SettingOutcome } from './settings';
import { updateIpamServer, type UpdateInput, type UpdateOutcome } from './update';

const SYSTEM: Requester = { name: 'SYSTEM', authority: 'NT AUTHORITY', groups: [] };

const SILENT: EventSink = { emit: () => undefined, prompt: async () => 'yes' };

export class IpamService {
  readonly engine: ProvisioningEngine;

  constructor(private readonly deps: EngineDeps) {
    this.engine = new ProvisioningEngine(deps);
  }

  provision(input: ProvisionInput): Promise<ProvisionOutcome> {
    return this.engine.provision(input);
  }

  update(input: UpdateInput): Promise<UpdateOutcome> {
    return updateIpamServer(this.engine, this.deps, input);
  }

  /** Enable-/Disable-IpamCapability. */
  setCapability(input: SettingInput & { readonly capability: string; readonly enable: boolean }): Promise<SettingOutcome> {
    return setCapability(this.engine, this.deps, input);
  }

  /** Set-IpamConfiguration's -Port and -ProvisioningMethod/-GpoPrefix. */
  setConfiguration(input: SettingInput & { readonly request: ConfigurationRequest }): Promise<SettingOutcome> {
    return setConfiguration(this.engine, this.deps, input);
  }

  recover(): ReturnType<ProvisioningEngine['recover']> {
    return this.engine.recover();
  }

  /**
   * Provisions a host the fixture declares provisioned, unless it already is
   * (state survives restarts). Runs the same engine as a client would, as SYSTEM.
   */
  async seed(host: FleetHost, params: RawProvisioningParameters, schemaVersion?: string): Promise<ProvisionOutcome | undefined> {
    if (this.deps.state.hostConfig(host.fqdn) !== undefined) return undefined;
    const request = { ...validateProvisioningParameters(params), force: true };
    return this.engine.provision({ host, requester: SYSTEM, request, whatIf: false, events: SILENT, schemaVersion });
  }
}
