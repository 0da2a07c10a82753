/**
 * The settings a provisioned IPAM server changes after provisioning, as the
 * cmdlets do (reference/ipam-provisioning.md §2): Enable-/Disable-IpamCapability
 * (EnableIpamCapability/DisableIpamCapability of MSFT_IPAM_ServerCapabilities) and
 * Set-IpamConfiguration's -Port and -ProvisioningMethod/-GpoPrefix
 * (SetIpamConfiguration of MSFT_IPAM_ServerConfiguration). Each runs under the
 * host's engine lock, asks its confirmation unless Force, writes the IPAM
 * database first and the host's configuration and log in one state
 * transaction after, and puts the database back if that transaction fails.
 */
import path from 'node:path';
import type { FleetHost } from '../fleet/fleet';
import { IpamDatabase } from '../storage/ipamDb/ipamDatabase';
import { openMssqlConnection } from '../storage/ipamDb/mssql';
import { openSqliteIpamDatabase } from '../storage/ipamDb/sqlite';
import type { SqlConnection } from '../storage/ipamDb/types';
import { WID_FILE } from './database';
import type { EngineDeps, ProvisioningEngine, Requester } from './engine';
import { fromStorageError, ProvisioningError, ProvisioningErrors } from './errors';
import type { EventSink } from './events';
import { IP_ADDRESS_TRACKING, gpoNames, type IpamHostConfiguration } from './model';

export interface SettingInput {
  readonly host: FleetHost;
  readonly requester: Requester;
  readonly force: boolean;
  readonly whatIf: boolean;
  readonly events: EventSink;
}

export type SettingOutcome =
  | { readonly kind: 'changed'; readonly configuration: IpamHostConfiguration }
  | { readonly kind: 'unchanged'; readonly configuration: IpamHostConfiguration }
  | { readonly kind: 'whatIf' }
  | { readonly kind: 'declined' };

/** The capabilities IPAM has (MSFT_IPAM_ServerCapabilities.Capability: 1 IpAddressTracking). */
export const CAPABILITIES = [IP_ADDRESS_TRACKING] as const;

/** The confirmation of Enable-/Disable-IpamCapability, as the cmdlet help shows it (punctuation included). */
export const capabilityPrompt = (capability: string, enable: boolean): string => `${enable ? 'Enabling' : 'Disabling'} ${capability}.Do you want to continue?.`;

export const configurationPrompt = (what: string): string => `Modifying the IPAM server configuration: ${what}. Do you want to continue?`;

async function openDatabase(engine: ProvisioningEngine, deps: EngineDeps, host: FleetHost, config: IpamHostConfiguration): Promise<SqlConnection> {
  const db = config.database;
  if (db.type === 'WID') return openSqliteIpamDatabase(path.join(engine.sandbox(host).map(db.widSchemaPath), WID_FILE), { create: false });
  const server = deps.servers.resolve(db.server, db.port, host.domain.dnsName);
  if (server?.kind === 'simulated') return openSqliteIpamDatabase(server.databaseFile(db.databaseName), { create: false });
  if (server?.kind === 'real') return openMssqlConnection({ connectionString: server.connectionString, server: db.server, port: db.port, database: db.databaseName });
  throw ProvisioningErrors.databaseServerUnreachable(db.server, db.port);
}

interface Change {
  /** What the log and the What-if line say. */
  readonly description: string;
  readonly prompt: string;
  readonly operationalCode: string;
  /** The new configuration, or undefined when nothing would change. */
  readonly next: IpamHostConfiguration | undefined;
  apply(db: IpamDatabase): Promise<void>;
  revert(db: IpamDatabase): Promise<void>;
}

async function change(engine: ProvisioningEngine, deps: EngineDeps, input: SettingInput, plan: (config: IpamHostConfiguration) => Change): Promise<SettingOutcome> {
  return engine.exclusive(input.host, async () => {
    const { host, events } = input;
    const state = deps.state;
    const config = state.hostConfig<IpamHostConfiguration>(host.fqdn);
    if (!config) throw ProvisioningErrors.notProvisioned(host.fqdn);
    const c = plan(config);
    if (!c.next) return { kind: 'unchanged', configuration: config };
    if (input.whatIf) {
      events.emit({ type: 'Verbose', description: `What if: ${c.description}` });
      return { kind: 'whatIf' };
    }
    if (!input.force) {
      const answer = await events.prompt({ type: 'Confirm', description: c.prompt, promptType: 'Normal' });
      if (answer === 'no' || answer === 'noToAll') return { kind: 'declined' };
    }
    let conn: SqlConnection | undefined;
    try {
      conn = await openDatabase(engine, deps, host, config);
      const db = new IpamDatabase(conn);
      await c.apply(db);
      try {
        state.transaction(() => {
          state.setHostConfig(host.fqdn, c.next);
          state.addLog({
            fqdn: host.fqdn,
            userName: input.requester.name,
            userDomain: input.requester.authority,
            taskCategory: 'Configuration',
            operationalCode: c.operationalCode,
            keywords: 'Success',
            message: `${c.description} (by ${input.requester.authority}\\${input.requester.name}).`,
            messageId: `IPAM.Configuration.${c.operationalCode}`,
            severity: 2,
            runId: null,
          });
        });
      } catch (e) {
        await c.revert(db).catch((err: unknown) => deps.log.error({ err, host: host.fqdn }, 'could not put the IPAM database back after a failed setting change'));
        throw e;
      }
      return { kind: 'changed', configuration: c.next };
    } catch (err) {
      const known = fromStorageError(err, `the IPAM database of ${host.fqdn}`);
      if (known instanceof ProvisioningError) throw known;
      deps.log.error({ err, host: host.fqdn }, 'changing an IPAM setting failed with an internal error');
      throw ProvisioningErrors.internal(host.fqdn, c.description);
    } finally {
      await conn?.close().catch(() => undefined);
    }
  });
}

export function setCapability(engine: ProvisioningEngine, deps: EngineDeps, input: SettingInput & { readonly capability: string; readonly enable: boolean }): Promise<SettingOutcome> {
  return change(engine, deps, input, (config) => {
    const name = CAPABILITIES.find((c) => c.toLowerCase() === input.capability.toLowerCase());
    if (!name) throw ProvisioningErrors.invalidParameter('Capability', `${input.capability} is not an IPAM capability: the capability is IpAddressTracking.`);
    const state = input.enable ? 'Enabled' : 'Disabled';
    const before = config.capabilities[name] ?? 'Disabled';
    return {
      description: `${input.enable ? 'Enabling' : 'Disabling'} the IPAM capability ${name} on ${input.host.fqdn}`,
      prompt: capabilityPrompt(name, input.enable),
      operationalCode: input.enable ? 'CapabilityEnabled' : 'CapabilityDisabled',
      next: before === state ? undefined : { ...config, capabilities: { ...config.capabilities, [name]: state } },
      apply: (db) => db.setCapabilityState(name, state),
      revert: (db) => db.setCapabilityState(name, before),
    };
  });
}

export interface ConfigurationRequest {
  readonly port?: number;
  readonly provisioningMethod?: 'Automatic' | 'Manual';
  readonly gpoPrefix?: string;
}

/** GPO names are `<prefix>_DHCP` etc. (the same rule as provisioning's parameter check). */
const GPO_PREFIX = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;

export function setConfiguration(engine: ProvisioningEngine, deps: EngineDeps, input: SettingInput & { readonly request: ConfigurationRequest }): Promise<SettingOutcome> {
  const r = input.request;
  if (r.port !== undefined && (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535)) {
    throw ProvisioningErrors.invalidParameter('Port', `Port ${r.port} is not valid: give a TCP port from 1 to 65535 (IPAM's default is 48885).`);
  }
  if (r.provisioningMethod === 'Automatic' && (r.gpoPrefix === undefined || r.gpoPrefix.trim() === '')) {
    throw ProvisioningErrors.invalidParameter('GpoPrefix', 'GpoPrefix is required when ProvisioningMethod is Automatic: the GPOs are named <GpoPrefix>_DHCP, <GpoPrefix>_DNS and <GpoPrefix>_DC_NPS.');
  }
  if (r.gpoPrefix !== undefined && r.provisioningMethod !== 'Automatic') {
    throw ProvisioningErrors.invalidParameter('GpoPrefix', 'GpoPrefix applies only with ProvisioningMethod Automatic.');
  }
  if (r.gpoPrefix !== undefined && !GPO_PREFIX.test(r.gpoPrefix.trim())) {
    throw ProvisioningErrors.invalidParameter('GpoPrefix', `GpoPrefix '${r.gpoPrefix}' is not valid: use up to 64 letters, digits, spaces, '_', '.' or '-', starting with a letter or digit.`);
  }
  return change(engine, deps, input, (config) => {
    const parts: string[] = [];
    let next: IpamHostConfiguration = config;
    if (r.port !== undefined && r.port !== config.service.port) {
      parts.push(`the port from ${config.service.port} to ${r.port}`);
      next = { ...next, service: { ...next.service, port: r.port, wcfEndpoint: `net.tcp://${input.host.fqdn}:${r.port}/Ipam` } };
    }
    if (r.provisioningMethod !== undefined) {
      const prefix = r.provisioningMethod === 'Automatic' ? r.gpoPrefix?.trim() : undefined;
      if (r.provisioningMethod !== config.provisioningMethod || prefix !== config.gpoPrefix) {
        parts.push(`the provisioning method to ${r.provisioningMethod}${prefix ? ` with GPO prefix ${prefix}` : ''}`);
        next = { ...next, provisioningMethod: r.provisioningMethod, gpoPrefix: prefix, gpoNames: gpoNames(prefix) };
      }
    }
    return {
      description: `Changing ${parts.join(' and ')} on ${input.host.fqdn}`,
      prompt: configurationPrompt(parts.join(' and ')),
      operationalCode: 'ConfigurationChanged',
      next: parts.length === 0 ? undefined : next,
      apply: async (db) => {
        if (next.provisioningMethod !== config.provisioningMethod || next.gpoPrefix !== config.gpoPrefix) {
          await db.setConfiguration('ProvisioningMethod', next.provisioningMethod);
          await db.setConfiguration('GpoPrefix', next.gpoPrefix ?? '');
        }
      },
      revert: async (db) => {
        await db.setConfiguration('ProvisioningMethod', config.provisioningMethod);
        await db.setConfiguration('GpoPrefix', config.gpoPrefix ?? '');
      },
    };
  });
}
