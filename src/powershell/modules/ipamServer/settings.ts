/**
 * Enable-IpamCapability, Disable-IpamCapability and Set-IpamConfiguration
 * (reference/winrs-shell.md §5): the engine's setting changes
 * (provisioning/settings.ts), the cmdlets' Confirm prompts through ShouldContinue,
 * -PassThru writing the updated object.
 */
import type { PsCommand, PsCommandContext } from '../../runtime/commands';
import { PsEnum, PsSecureString, type PsValue } from '../../runtime/values';
import type { IpamBackend } from './backend';
import { CAPABILITIES, CAPABILITY_ENUM, PROVISIONING_METHODS, PROVISIONING_METHOD_ENUM } from './objects';
import { CIM_PARAMETERS, MODULE, engineEvents, forEachTarget, isSet, text } from './provisioning';
import { getIpamCapability, getIpamConfiguration } from './reading';

/** Runs another cmdlet of the module for -PassThru (its output is the updated object). */
async function passThru(ctx: PsCommandContext, command: PsCommand): Promise<void> {
  await command.end?.(ctx);
}

function capabilityCommand(backend: IpamBackend, enable: boolean): PsCommand {
  return {
    metadata: {
      name: enable ? 'Enable-IpamCapability' : 'Disable-IpamCapability',
      module: MODULE,
      commandType: 'Function',
      supportsShouldProcess: true,
      confirmImpact: 'Medium',
      parameters: [
        { name: 'Capability', type: { enum: CAPABILITY_ENUM, values: CAPABILITIES }, sets: { __AllParameterSets: { mandatory: true, position: 0 } } },
        { name: 'Force', type: 'switch' },
        { name: 'PassThru', type: 'switch' },
        ...CIM_PARAMETERS,
      ],
    },
    async end(ctx) {
      const capability = ctx.bound.get('Capability');
      const name = capability instanceof PsEnum ? capability.name : String(capability);
      const whatIf = ctx.whatIf;
      await forEachTarget(ctx, backend, 'MSFT_IPAM_ServerCapabilities', async (host, computerName) => {
        const { events, refusal } = engineEvents(ctx, computerName, whatIf);
        const outcome = await backend.setCapability(host, name, enable, isSet(ctx.bound.get('Force')), { whatIf, events });
        if (outcome.kind === 'declined' && refusal() !== undefined) throw refusal();
      });
      if (isSet(ctx.bound.get('PassThru')) && !whatIf) await passThru(ctx, getIpamCapability(backend));
    },
  };
}

const SET_PORT = 'SetIpamConfiguration0';
const SET_METHOD = 'SetIpamConfiguration1';
const SET_REFRESH_HMAC = 'SetIpamConfiguration2';
const SET_HMAC = 'SetIpamConfiguration3';
const SET_UPDATE_TABLES = 'SetIpamConfiguration4';

export function setIpamConfiguration(backend: IpamBackend): PsCommand {
  return {
    metadata: {
      name: 'Set-IpamConfiguration',
      module: MODULE,
      commandType: 'Function',
      supportsShouldProcess: true,
      confirmImpact: 'Medium',
      defaultParameterSet: SET_PORT,
      parameters: [
        { name: 'Port', type: 'uint16', sets: { [SET_PORT]: { mandatory: true, position: 0 } } },
        { name: 'ProvisioningMethod', type: { enum: PROVISIONING_METHOD_ENUM, values: PROVISIONING_METHODS }, sets: { [SET_METHOD]: { mandatory: true, position: 0 } } },
        { name: 'GpoPrefix', type: 'string', sets: { [SET_METHOD]: { position: 1 } } },
        { name: 'RefreshHmacKey', type: 'switch', sets: { [SET_REFRESH_HMAC]: {} } },
        { name: 'HmacKey', type: 'securestring', sets: { [SET_HMAC]: { mandatory: true } } },
        { name: 'UpdateTables', type: 'switch', sets: { [SET_HMAC]: {}, [SET_UPDATE_TABLES]: {} } },
        { name: 'Force', type: 'switch' },
        { name: 'PassThru', type: 'switch' },
        ...CIM_PARAMETERS,
      ],
    },
    async end(ctx) {
      const set = ctx.bound.parameterSetName;
      const whatIf = ctx.whatIf;
      if (set === SET_HMAC || set === SET_REFRESH_HMAC || set === SET_UPDATE_TABLES) {
        // The HMAC key and the table update have no state the emulator keeps: accepted, and said so.
        const key = ctx.bound.get('HmacKey');
        if (key instanceof PsSecureString && key.length === 0) {
          throw ctx.errorRecord({ exceptionType: 'System.ArgumentException', message: 'The HmacKey cannot be empty.', errorId: 'WIN32 87', category: 'InvalidArgument' });
        }
        ctx.writeWarning('The emulator keeps no HMAC key and no access-control tables: -HmacKey, -RefreshHmacKey and -UpdateTables change nothing.');
      } else {
        const method = ctx.bound.get('ProvisioningMethod');
        const request = {
          ...(ctx.bound.has('Port') ? { port: Number(ctx.bound.get('Port')) } : {}),
          ...(method instanceof PsEnum ? { provisioningMethod: method.name as 'Automatic' | 'Manual' } : {}),
          ...(ctx.bound.has('GpoPrefix') ? { gpoPrefix: text(ctx.bound.get('GpoPrefix') as PsValue) } : {}),
        };
        await forEachTarget(ctx, backend, 'MSFT_IPAM_ServerConfiguration', async (host, computerName) => {
          const { events, refusal } = engineEvents(ctx, computerName, whatIf);
          const outcome = await backend.setConfiguration(host, request, isSet(ctx.bound.get('Force')), { whatIf, events });
          if (outcome.kind === 'declined' && refusal() !== undefined) throw refusal();
        });
      }
      if (isSet(ctx.bound.get('PassThru')) && !whatIf) await passThru(ctx, getIpamConfiguration(backend));
    },
  };
}

export function enableIpamCapability(backend: IpamBackend): PsCommand {
  return capabilityCommand(backend, true);
}

export function disableIpamCapability(backend: IpamBackend): PsCommand {
  return capabilityCommand(backend, false);
}
