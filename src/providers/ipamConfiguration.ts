/**
 * The read-back classes: MSFT_IPAM_ServerConfiguration (Get-IpamConfiguration),
 * MSFT_IPAM_DBConfig (Get-IpamDatabase), MSFT_IPAM_ServerCapabilities
 * (Get-IpamCapability) and MSFT_IPAM_ConfigLogEntry (Get-IpamConfigurationEvent),
 * answered from the host's committed IPAM configuration.
 *
 * Before provisioning they answer as an unprovisioned server does (our choice,
 * docs/provisioning.md): the configuration with its version and default port
 * only, the database as "Not configured" (DatabaseType 0, the value the class
 * documents for it), the capability Disabled, and no log entries.
 */
import { CimError, CimStatus, ErrorCategory } from '../cim/errors';
import type { CimInstance, ResolvedClass } from '../cim/types';
import { instanceOf } from '../cim/values';
import { plain } from '../cim/values';
import { IPAM_VERSION, IPAM_WCF_PORT, IP_ADDRESS_TRACKING, type IpamHostConfiguration } from '../provisioning/model';
import type { IpamService } from '../provisioning/service';
import type { SettingOutcome } from '../provisioning/settings';
import type { IpamState } from '../storage/ipamState';
import { IPAM_PRODUCT_NAME, PRODUCT_VENDOR, isWhatIf } from './ipamServer';
import { asCim } from './provisioningErrors';
import type { CimProvider, MethodCall, MethodResult, ProviderContext } from './types';

const PROVISIONING_METHOD = { Automatic: 0, Manual: 1 } as const;
const AUTH_TYPE = { Windows: 1, SQL: 2 } as const;
/** MSFT_IPAM_ConfigLogEntry.ServerType: 1 IPAM. */
const SERVER_TYPE_IPAM = 1;

export class IpamConfigurationProvider implements CimProvider {
  readonly classNames = ['MSFT_IPAM_ServerConfiguration', 'MSFT_IPAM_DBConfig', 'MSFT_IPAM_ServerCapabilities', 'MSFT_IPAM_ConfigLogEntry'];

  constructor(
    private readonly state: IpamState,
    private readonly ipam: IpamService,
  ) {}

  async enumerateInstances(ctx: ProviderContext, cls: ResolvedClass): Promise<readonly CimInstance[]> {
    const config = this.state.hostConfig<IpamHostConfiguration>(ctx.host.fqdn);
    switch (cls.name) {
      case 'MSFT_IPAM_ServerConfiguration':
        return [
          instanceOf(cls, {
            InstanceID: 'IpamServerConfiguration',
            ElementName: `IPAM configuration of ${ctx.host.fqdn}`,
            Version: config?.version ?? IPAM_VERSION,
            Port: config?.service.port ?? IPAM_WCF_PORT,
            ProvisioningMethod: config ? PROVISIONING_METHOD[config.provisioningMethod] : null,
            GpoPrefix: config?.gpoPrefix ?? null,
          }),
        ];
      case 'MSFT_IPAM_DBConfig':
        return [dbConfig(cls, ctx.host.fqdn, config)];
      case 'MSFT_IPAM_ServerCapabilities': {
        const enabled = config?.capabilities[IP_ADDRESS_TRACKING] === 'Enabled';
        return [
          instanceOf(cls, {
            Name: IP_ADDRESS_TRACKING,
            IdentifyingNumber: ctx.host.fqdn,
            ProductName: IPAM_PRODUCT_NAME,
            Vendor: PRODUCT_VENDOR,
            Version: ctx.host.os.version,
            ElementName: IP_ADDRESS_TRACKING,
            Capability: 1,
            // MSFT_IPAM_ServerCapabilities.State: 0 Enabled, 1 Disabled.
            State: enabled ? 0 : 1,
          }),
        ];
      }
      case 'MSFT_IPAM_ConfigLogEntry':
        return this.state.log(ctx.host.fqdn).map((e) =>
          instanceOf(cls, {
            InstanceID: `${ctx.host.fqdn}:${e.eventId}`,
            LogName: 'Microsoft-Windows-IPAM/Configuration',
            RecordID: String(e.eventId),
            EventID: BigInt(e.eventId),
            TimeOfEvent: e.time,
            CreationTimeStamp: e.time,
            UserName: e.userName,
            UserDomainName: e.userDomain,
            UserForestName: ctx.host.domain.dnsName,
            ServerName: ctx.host.fqdn,
            ServerType: SERVER_TYPE_IPAM,
            Keywords: e.keywords,
            TaskCategory: e.taskCategory,
            OperationalCode: e.operationalCode,
            Message: e.message,
            MessageID: e.messageId,
            PerceivedSeverity: e.severity,
          }),
        );
      default:
        return [];
    }
  }

  /**
   * EnableIpamCapability / DisableIpamCapability and SetIpamConfiguration run on the engine
   * (provisioning/settings.ts) and answer with the updated instance(s) in Output; the other
   * methods (MoveDatabaseConfig, SetDatabaseConfig, RemoveConfigurationLog) are not served.
   */
  invokeMethod(ctx: ProviderContext, call: MethodCall): Promise<MethodResult> {
    return asCim(() => this.invoke(ctx, call));
  }

  private async invoke(ctx: ProviderContext, call: MethodCall): Promise<MethodResult> {
    const base = { host: ctx.host, requester: ctx.principal, force: false, whatIf: isWhatIf(ctx.options), events: ctx.events };
    const answer = async (outcome: SettingOutcome, cls: string, many: boolean): Promise<MethodResult> => {
      if (outcome.kind === 'whatIf' || outcome.kind === 'declined') return { returnValue: 0 };
      const classOf = ctx.registry.getClass(call.cls.namespace, cls);
      const instances = classOf ? await this.enumerateInstances(ctx, classOf) : [];
      return { returnValue: 0, out: { Output: many ? instances : (instances[0] ?? null) } };
    };
    switch (call.method.name) {
      case 'EnableIpamCapability':
      case 'DisableIpamCapability': {
        const capability = plain(call.params.get('Capability'));
        const name = capability === 1 ? IP_ADDRESS_TRACKING : String(capability ?? '');
        const outcome = await this.ipam.setCapability({ ...base, capability: name, enable: call.method.name === 'EnableIpamCapability' });
        return answer(outcome, 'MSFT_IPAM_ServerCapabilities', true);
      }
      case 'SetIpamConfiguration': {
        const port = plain(call.params.get('Port')) as number | null;
        const method = plain(call.params.get('ProvisioningMethod')) as number | null;
        const prefix = plain(call.params.get('GpoPrefix')) as string | null;
        const request = {
          ...(port !== null && port !== undefined ? { port } : {}),
          ...(method !== null && method !== undefined ? { provisioningMethod: method === PROVISIONING_METHOD.Automatic ? ('Automatic' as const) : ('Manual' as const) } : {}),
          ...(prefix !== null && prefix !== undefined ? { gpoPrefix: prefix } : {}),
        };
        return answer(await this.ipam.setConfiguration({ ...base, request }), 'MSFT_IPAM_ServerConfiguration', false);
      }
    }
    throw new CimError({
      status: CimStatus.NOT_SUPPORTED,
      message: `${call.cls.name}.${call.method.name} is not implemented in this version of the emulator.`,
      errorType: 'Win32',
      errorCode: 50,
      category: ErrorCategory.NotImplemented,
    });
  }
}

function dbConfig(cls: ResolvedClass, fqdn: string, config: IpamHostConfiguration | undefined): CimInstance {
  const base = { InstanceID: 'IpamDatabaseConfiguration', ElementName: `IPAM database of ${fqdn}` };
  if (!config) return instanceOf(cls, { ...base, DatabaseType: 0, DatabaseAuthType: 0 });
  const db = config.database;
  if (db.type === 'WID') {
    // Get-IpamDatabase on WID: the path, the name IPAM, Windows authentication; no server, port or user.
    return instanceOf(cls, { ...base, DatabaseType: 1, WidSchemaPath: db.widSchemaPath, DatabaseName: db.databaseName, DatabaseAuthType: AUTH_TYPE.Windows });
  }
  return instanceOf(cls, {
    ...base,
    DatabaseType: 2,
    DatabaseServer: db.server,
    DatabaseName: db.databaseName,
    DatabasePort: db.port,
    DatabaseAuthType: AUTH_TYPE[db.authType],
    DatabaseUser: db.user ?? null,
  });
}
