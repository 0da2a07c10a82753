/**
 * What the root/cimv2 providers read about a host beyond its fixture data: its
 * installed features and how far IPAM is provisioned. One small interface, so
 * these providers depend on the facts and not on the stores behind them.
 */
import type { FleetHost } from '../../fleet/fleet';
import type { HostFeatures } from '../../fleet/hostFeatures';
import type { IpamHostConfiguration } from '../../provisioning/model';
import type { IpamState } from '../../storage/ipamState';
import { ProvisioningState, type StateStore } from '../../storage/stateStore';
import { SystemClock, type Clock } from '../../harness/clock';

export interface HostFacts {
  readonly features: HostFeatures;
  /** When the emulator started: every host's LastBootUpTime. */
  readonly bootTime: Date;
  /** The host's clock now (LocalDateTime). */
  now(): Date;
  provisioned(host: FleetHost): boolean;
  /** The provisioned host's database type, else undefined. */
  databaseType(host: FleetHost): 'WID' | 'MSSQL' | undefined;
}

export function hostFacts(store: StateStore, ipamState: IpamState, features: HostFeatures, clock: Clock = new SystemClock()): HostFacts {
  return {
    features,
    // The hosts booted when the emulator started, by its clock.
    bootTime: clock.date(),
    now: () => clock.date(),
    provisioned: (host) => store.hostState(host.fqdn)?.provisioningState === ProvisioningState.Provisioned,
    databaseType: (host) => ipamState.hostConfig<IpamHostConfiguration>(host.fqdn)?.database.type,
  };
}
