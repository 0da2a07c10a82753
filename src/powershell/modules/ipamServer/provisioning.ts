/**
 * Invoke-IpamServerProvisioning and Update-IpamServer, run on the same engine and
 * dispatcher as the CIM door (one job per host). Parameters and sets as the cmdlet
 * reference gives them (reference/ipam-provisioning.md §1, winrs-shell.md §5);
 * prompts as PowerShell surfaces the provider's Critical confirmation
 * (ShouldContinue: in a non-interactive host, the NonInteractive error, and
 * nothing changes); -WhatIf prints the plan as "What if:" lines; -Verbose and
 * progress come from the engine's events.
 */
import type { FleetHost } from '../../../fleet/fleet';
import { ThrottleGroup } from '../../../jobs/dispatcher';
import { ProvisioningError } from '../../../provisioning/errors';
import type { EventSink, PromptAnswer } from '../../../provisioning/events';
import { validateProvisioningParameters, type RawProvisioningParameters } from '../../../provisioning/parameters';
import { ALL_PARAMETER_SETS, type PsCommand, type PsCommandContext, type PsParameter } from '../../runtime/commands';
import { PsEnum, PsObject, PsSecureString, PsSwitch, type PsValue } from '../../runtime/values';
import type { IpamBackend } from './backend';
import { cimErrorRecord, type IpamClass } from './errors';
import { AUTH_TYPES, AUTH_TYPE_ENUM, PROVISIONING_METHODS, PROVISIONING_METHOD_ENUM } from './objects';

export const MODULE = 'IpamServer';
/** PowerShell's default ThrottleLimit for CIM cmdlets when 0 or none is given. */
const DEFAULT_THROTTLE = 32;

/** The parameters every CDXML cmdlet has (-CimSession, -ThrottleLimit, -AsJob). */
export const CIM_PARAMETERS: readonly PsParameter[] = [
  { name: 'CimSession', type: 'string[]', aliases: ['Session'] },
  { name: 'ThrottleLimit', type: 'int' },
  { name: 'AsJob', type: 'switch' },
];

export function isSet(v: PsValue | undefined): boolean {
  if (v instanceof PsSwitch) return v.isPresent;
  return v === true;
}

export function text(v: PsValue | undefined): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

/** The hosts a CIM cmdlet runs against: -CimSession's computers, or the shell's own host (no ComputerName then). */
export function targets(ctx: PsCommandContext, backend: IpamBackend, cls: IpamClass): Array<{ host: FleetHost; computerName: string | undefined }> {
  if (isSet(ctx.bound.get('AsJob'))) {
    throw ctx.errorRecord({
      exceptionType: 'System.NotSupportedException',
      message: 'The emulator runs IpamServer cmdlets in the foreground: -AsJob is not supported. Run the command without it.',
      errorId: 'AsJobNotSupported',
      category: 'NotImplemented',
    });
  }
  const names = ctx.bound.get('CimSession');
  if (names === undefined || names === null) return [{ host: backend.host, computerName: undefined }];
  const list = (Array.isArray(names) ? names : [names]).map((n) => String(n));
  const out: Array<{ host: FleetHost; computerName: string | undefined }> = [];
  for (const name of list) {
    const host = backend.resolve(name);
    if (!host) {
      // What WinRM answers for a computer it cannot reach, as the CIM client reports it.
      ctx.writeError(
        ctx.errorRecord({
          exceptionType: 'Microsoft.Management.Infrastructure.CimException',
          message: `${name}: WinRM cannot process the request because the computer ${name} is not part of the fleet: it cannot be reached.`,
          errorId: 'HRESULT 0x80338126',
          category: 'ConnectionError',
          targetName: cls,
          targetType: `ROOT/microsoft/ipam/${cls}`,
          reason: 'CimException',
        }),
      );
      continue;
    }
    out.push({ host, computerName: name });
  }
  return out;
}

/** Runs `work` for each target, at most ThrottleLimit at once, reporting a provisioning error as the CDXML cmdlet does. */
export async function forEachTarget(
  ctx: PsCommandContext,
  backend: IpamBackend,
  cls: IpamClass,
  work: (host: FleetHost, computerName: string | undefined, group: ThrottleGroup) => Promise<void>,
): Promise<void> {
  const list = targets(ctx, backend, cls);
  const limit = Number(ctx.bound.get('ThrottleLimit') ?? 0);
  const group = new ThrottleGroup(limit > 0 ? limit : DEFAULT_THROTTLE);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      const { host, computerName } = list[next++] as (typeof list)[number];
      try {
        await work(host, computerName, group);
      } catch (e) {
        if (!(e instanceof ProvisioningError)) throw e;
        ctx.writeError(cimErrorRecord(ctx, e, cls, computerName));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(list.length, limit > 0 ? limit : DEFAULT_THROTTLE) }, worker));
}

/**
 * The engine's event sink for one call: verbose lines to the verbose stream (the plan's "What if:" lines to the
 * host under -WhatIf), progress to the progress stream, and the confirmation through ShouldContinue —
 * answered yes under -Confirm:$false; a refusal (the NonInteractive error) is kept to be thrown once the
 * engine has declined, so nothing is made.
 */
export function engineEvents(ctx: PsCommandContext, computerName: string | undefined, whatIf: boolean): { events: EventSink; refusal: () => unknown } {
  let refusal: unknown;
  const prefix = computerName ? `${computerName}: ` : '';
  const confirmOff = ctx.confirm === false;
  const events: EventSink = {
    emit: (e) => {
      if (e.type === 'Progress') {
        ctx.writeProgress({
          activityId: 1,
          parentActivityId: -1,
          activity: `${prefix}${e.activity}`,
          statusDescription: e.statusDescription,
          currentOperation: e.currentOperation,
          percentComplete: e.percentComplete,
          secondsRemaining: e.secondsRemaining,
          recordType: e.percentComplete >= 100 ? 'Completed' : 'Processing',
        });
      } else if (e.type === 'Verbose') {
        if (e.description.startsWith('What if: ')) {
          if (whatIf) ctx.writeHostLine(`What if: ${prefix}${e.description.slice('What if: '.length)}`);
        } else ctx.writeVerbose(`${prefix}${e.description}`);
      } else if (e.type === 'Warning') ctx.writeWarning(`${prefix}${e.description}`);
      else ctx.writeDebug(`${prefix}${e.description}`);
    },
    prompt: async (p): Promise<PromptAnswer> => {
      if (confirmOff) return 'yes';
      try {
        return (await ctx.shouldContinue(`${prefix}${p.description}`, 'Confirm')) ? 'yes' : 'no';
      } catch (e) {
        refusal = e;
        return 'no';
      }
    },
  };
  return { events, refusal: () => refusal };
}

/** A PSCredential as the CIM method takes it: `escapedUser:password` (cimConverter.cs; reference §1). */
function credentialText(v: PsValue | undefined): string | undefined {
  if (!(v instanceof PsObject)) return undefined;
  const user = String(v.get('UserName') ?? '');
  const password = v.get('Password');
  const plain = password instanceof PsSecureString ? password.reveal() : String(password ?? '');
  return `${user.replace(/\\/g, '\\\\').replace(/:/g, '\\:')}:${plain}`;
}

function enumNumber(v: PsValue | undefined): number | undefined {
  if (v instanceof PsEnum) return v.value;
  return typeof v === 'number' ? v : undefined;
}

const WID_SET = 'WID';
const EXTERNAL_SET = 'ExternalDatabase';

export function invokeIpamServerProvisioning(backend: IpamBackend): PsCommand {
  return {
    metadata: {
      name: 'Invoke-IpamServerProvisioning',
      module: MODULE,
      commandType: 'Function',
      defaultParameterSet: WID_SET,
      supportsShouldProcess: true,
      confirmImpact: 'Medium',
      parameters: [
        { name: 'WidSchemaPath', type: 'string', sets: { [WID_SET]: {} } },
        { name: 'DatabaseServer', type: 'string', sets: { [EXTERNAL_SET]: { mandatory: true, position: 0 } } },
        { name: 'DatabaseName', type: 'string', sets: { [EXTERNAL_SET]: { mandatory: true, position: 1 } } },
        { name: 'DatabasePort', type: 'uint16', sets: { [EXTERNAL_SET]: { mandatory: true, position: 2 } } },
        { name: 'DatabaseAuthType', type: { enum: AUTH_TYPE_ENUM, values: AUTH_TYPES }, sets: { [EXTERNAL_SET]: {} } },
        { name: 'DatabaseCredential', type: 'pscredential', sets: { [EXTERNAL_SET]: {} } },
        { name: 'UseExistingSchema', type: 'switch', sets: { [EXTERNAL_SET]: {} } },
        { name: 'ProvisioningMethod', type: { enum: PROVISIONING_METHOD_ENUM, values: PROVISIONING_METHODS }, sets: { [ALL_PARAMETER_SETS]: {} } },
        { name: 'GpoPrefix', type: 'string', sets: { [ALL_PARAMETER_SETS]: {} } },
        { name: 'Force', type: 'switch', sets: { [ALL_PARAMETER_SETS]: {} } },
        ...CIM_PARAMETERS,
      ],
    },
    async end(ctx) {
      const b = ctx.bound;
      const raw: RawProvisioningParameters = {
        DatabaseServer: text(b.get('DatabaseServer')),
        DatabaseName: text(b.get('DatabaseName')),
        DatabasePort: b.has('DatabasePort') ? Number(b.get('DatabasePort')) : undefined,
        DatabaseAuthType: enumNumber(b.get('DatabaseAuthType')),
        DatabaseCredential: credentialText(b.get('DatabaseCredential')),
        ProvisioningMethod: enumNumber(b.get('ProvisioningMethod')),
        GpoPrefix: text(b.get('GpoPrefix')),
        WidSchemaPath: text(b.get('WidSchemaPath')),
        UseExistingSchema: b.has('UseExistingSchema') ? isSet(b.get('UseExistingSchema')) : undefined,
        Force: isSet(b.get('Force')),
      };
      const whatIf = ctx.whatIf;
      await forEachTarget(ctx, backend, 'MSFT_IPAM_Server', async (host, computerName, group) => {
        const request = validateProvisioningParameters(raw);
        const { events, refusal } = engineEvents(ctx, computerName, whatIf);
        const outcome = await backend.provision(host, request, { whatIf, events, signal: ctx.signal, group });
        if (outcome.kind === 'declined' && refusal() !== undefined) throw refusal();
      });
    },
  };
}

export function updateIpamServer(backend: IpamBackend): PsCommand {
  return {
    metadata: {
      name: 'Update-IpamServer',
      module: MODULE,
      commandType: 'Function',
      supportsShouldProcess: true,
      confirmImpact: 'Medium',
      parameters: [{ name: 'DeleteSystemCheckFailureRows', type: 'switch' }, { name: 'Force', type: 'switch' }, ...CIM_PARAMETERS],
    },
    async end(ctx) {
      const whatIf = ctx.whatIf;
      await forEachTarget(ctx, backend, 'MSFT_IPAM_Server', async (host, computerName) => {
        const { events, refusal } = engineEvents(ctx, computerName, whatIf);
        const outcome = await backend.update(host, isSet(ctx.bound.get('Force')), { whatIf, events, signal: ctx.signal });
        if (outcome.kind === 'declined' && refusal() !== undefined) throw refusal();
      });
    },
  };
}
