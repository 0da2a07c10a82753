/**
 * The read-back cmdlets: Get-IpamConfiguration, Get-IpamDatabase, Get-IpamCapability
 * and Get-IpamConfigurationEvent, reading the same state the CIM door's read-back
 * classes read (providers/ipamConfiguration.ts), with the same answers before
 * provisioning (docs/provisioning.md).
 */
import { IPAM_VERSION, IPAM_WCF_PORT, IP_ADDRESS_TRACKING } from '../../../provisioning/model';
import type { PsCommand } from '../../runtime/commands';
import { PsDateTime, PsEnum, type PsValue } from '../../runtime/values';
import type { IpamBackend } from './backend';
import { AUTH_TYPES, AUTH_TYPE_ENUM, CAPABILITIES, CAPABILITY_ENUM, CAPABILITY_STATE_ENUM, DATABASE_TYPE_ENUM, PROVISIONING_METHODS, PROVISIONING_METHOD_ENUM, cimObject, enumValue } from './objects';
import { CIM_PARAMETERS, MODULE, forEachTarget } from './provisioning';

export function getIpamConfiguration(backend: IpamBackend): PsCommand {
  return {
    metadata: { name: 'Get-IpamConfiguration', module: MODULE, commandType: 'Function', parameters: [...CIM_PARAMETERS] },
    async end(ctx) {
      await forEachTarget(ctx, backend, 'MSFT_IPAM_ServerConfiguration', async (host, computerName) => {
        const config = backend.configuration(host);
        ctx.writeObject(
          cimObject(
            'MSFT_IPAM_ServerConfiguration',
            'configuration',
            [
              ['Version', config?.version ?? IPAM_VERSION],
              ['Port', config?.service.port ?? IPAM_WCF_PORT],
              ['ProvisioningMethod', config ? enumValue(PROVISIONING_METHOD_ENUM, PROVISIONING_METHODS, config.provisioningMethod) : null],
              ['GpoPrefix', config?.gpoPrefix ?? null],
            ],
            computerName,
          ),
        );
      });
    },
  };
}

export function getIpamDatabase(backend: IpamBackend): PsCommand {
  return {
    metadata: { name: 'Get-IpamDatabase', module: MODULE, commandType: 'Function', parameters: [...CIM_PARAMETERS] },
    async end(ctx) {
      await forEachTarget(ctx, backend, 'MSFT_IPAM_DBConfig', async (host, computerName) => {
        const db = backend.configuration(host)?.database;
        const wid = db?.type === 'WID' ? db : undefined;
        const sql = db?.type === 'MSSQL' ? db : undefined;
        const props: Array<readonly [string, PsValue]> = [
          ['DatabaseType', db ? new PsEnum(DATABASE_TYPE_ENUM, db.type === 'WID' ? 'WID' : 'MSSQL', db.type === 'WID' ? 1 : 2) : null],
          ['WidSchemaPath', wid?.widSchemaPath ?? null],
          ['DatabaseServer', sql?.server ?? null],
          ['DatabaseName', db?.databaseName ?? null],
          ['DatabasePort', sql?.port ?? null],
          // WID connects with Windows authentication, as Get-IpamDatabase shows it.
          ['DatabaseAuthType', db ? enumValue(AUTH_TYPE_ENUM, AUTH_TYPES, sql?.authType ?? 'Windows') : null],
          ['DatabaseUser', sql?.user ?? null],
        ];
        ctx.writeObject(cimObject('MSFT_IPAM_DBConfig', 'database', props, computerName));
      });
    },
  };
}

export function getIpamCapability(backend: IpamBackend): PsCommand {
  return {
    metadata: {
      name: 'Get-IpamCapability',
      module: MODULE,
      commandType: 'Function',
      parameters: [{ name: 'Capability', type: { enum: CAPABILITY_ENUM, values: CAPABILITIES }, sets: { __AllParameterSets: { position: 0 } } }, ...CIM_PARAMETERS],
    },
    async end(ctx) {
      await forEachTarget(ctx, backend, 'MSFT_IPAM_ServerCapabilities', async (host, computerName) => {
        const enabled = backend.configuration(host)?.capabilities[IP_ADDRESS_TRACKING] === 'Enabled';
        ctx.writeObject(
          cimObject(
            'MSFT_IPAM_ServerCapabilities',
            'capability',
            [
              ['Name', enumValue(CAPABILITY_ENUM, CAPABILITIES, IP_ADDRESS_TRACKING)],
              ['Status', new PsEnum(CAPABILITY_STATE_ENUM, enabled ? 'Enabled' : 'Disabled', enabled ? 0 : 1)],
            ],
            computerName,
          ),
        );
      });
    },
  };
}

const asList = (v: PsValue | undefined): string[] | undefined => (v === undefined || v === null ? undefined : (Array.isArray(v) ? v : [v]).map((x) => String(x).toLowerCase()));

export function getIpamConfigurationEvent(backend: IpamBackend): PsCommand {
  return {
    metadata: {
      name: 'Get-IpamConfigurationEvent',
      module: MODULE,
      commandType: 'Function',
      parameters: [
        { name: 'UserName', type: 'string[]' },
        { name: 'UserDomainName', type: 'string[]' },
        { name: 'UserForestName', type: 'string[]' },
        { name: 'StartDate', type: 'datetime' },
        { name: 'EndDate', type: 'datetime' },
        ...CIM_PARAMETERS,
      ],
    },
    async end(ctx) {
      const users = asList(ctx.bound.get('UserName'));
      const domains = asList(ctx.bound.get('UserDomainName'));
      const forests = asList(ctx.bound.get('UserForestName'));
      const start = ctx.bound.get('StartDate');
      const end = ctx.bound.get('EndDate');
      await forEachTarget(ctx, backend, 'MSFT_IPAM_ConfigLogEntry', async (host, computerName) => {
        for (const e of backend.configurationLog(host)) {
          if (users && !users.includes((e.userName ?? '').toLowerCase())) continue;
          if (domains && !domains.includes((e.userDomain ?? '').toLowerCase())) continue;
          if (forests && !forests.includes(host.domain.dnsName.toLowerCase())) continue;
          if (start instanceof PsDateTime && e.time < start.date) continue;
          if (end instanceof PsDateTime && e.time > end.date) continue;
          ctx.writeObject(
            cimObject(
              'MSFT_IPAM_ConfigLogEntry',
              undefined,
              [
                ['TimeOfEvent', new PsDateTime(e.time)],
                ['UserName', e.userName],
                ['UserDomainName', e.userDomain],
                ['UserForestName', host.domain.dnsName],
                ['ServerName', host.fqdn],
                ['TaskCategory', e.taskCategory],
                ['OperationalCode', e.operationalCode],
                ['Keywords', e.keywords],
                ['Message', e.message],
                ['EventId', e.eventId],
              ],
              computerName,
            ),
          );
        }
      });
    },
  };
}
