/**
 * ServerManager's Get-WindowsFeature and Install-WindowsFeature on the emulated
 * host (reference/winrs-shell.md §5), over the host's feature state
 * (fleet/hostFeatures.ts): installing IPAM is what makes the IpamServer module,
 * and the root/Microsoft/IPAM namespace, appear on a host that started without it.
 */
import type { FleetHost } from '../../fleet/fleet';
import type { HostFeatures } from '../../fleet/hostFeatures';
import { featureDepth, windowsFeature, WINDOWS_FEATURES, type WindowsFeature } from '../../fleet/windowsFeatures';
import { SERVER_MANAGER_TYPE_NAMES, SERVER_MANAGER_VIEWS } from '../format/ipamViews';
import type { PsCommand, PsCommandContext, PsModule } from '../runtime/commands';
import { PsEnum, PsObject, PsSwitch, type PsValue } from '../runtime/values';

const MODULE = 'ServerManager';
const INSTALL_STATE = 'Microsoft.Windows.ServerManager.Commands.InstallState';
const FEATURE_TYPE = 'Microsoft.Windows.ServerManager.Commands.FeatureType';
const RESTART_NEEDED = 'Microsoft.Windows.ServerManager.Commands.RestartState';
const EXIT_CODE = 'Microsoft.Windows.ServerManager.Commands.FeatureOperationExitCode';

function featureObject(f: WindowsFeature, installed: boolean): PsObject {
  const state = installed ? new PsEnum(INSTALL_STATE, 'Installed', 1) : new PsEnum(INSTALL_STATE, 'Available', 0);
  const sub = WINDOWS_FEATURES.filter((x) => x.parent === f.name).map((x) => x.name);
  return new PsObject(
    [SERVER_MANAGER_TYPE_NAMES.feature, 'System.Object'],
    [
      ['DisplayName', f.displayName],
      ['Name', f.name],
      ['Installed', installed],
      ['InstallState', state],
      ['FeatureType', new PsEnum(FEATURE_TYPE, f.featureType, f.featureType === 'Role' ? 0 : f.featureType === 'Role Service' ? 1 : 2)],
      ['Path', pathOf(f)],
      ['Depth', featureDepth(f) + 1],
      ['DependsOn', [...(f.requires ?? [])]],
      ['Parent', f.parent ?? null],
      ['SubFeatures', sub],
    ],
    { text: f.displayName },
  );
}

function pathOf(f: WindowsFeature): string {
  const names: string[] = [f.displayName];
  for (let p = f.parent ? windowsFeature(f.parent) : undefined; p; p = p.parent ? windowsFeature(p.parent) : undefined) names.unshift(p.displayName);
  return names.join('\\');
}

/** `*` and `?` wildcards, case-insensitive, as -Name takes them. */
function matcher(patterns: readonly string[]): (name: string) => boolean {
  const res = patterns.map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i'));
  return (name) => res.some((r) => r.test(name));
}

const names = (v: PsValue | undefined): string[] => (v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map((x) => (x instanceof PsObject ? String(x.get('Name')) : String(x))));
const isSet = (v: PsValue | undefined): boolean => (v instanceof PsSwitch ? v.isPresent : v === true);

function getWindowsFeature(host: FleetHost, features: HostFeatures): PsCommand {
  return {
    metadata: {
      name: 'Get-WindowsFeature',
      module: MODULE,
      commandType: 'Cmdlet',
      parameters: [
        { name: 'Name', type: 'string[]', sets: { __AllParameterSets: { position: 0, valueFromPipeline: true } } },
        { name: 'ComputerName', type: 'string', aliases: ['Cn'] },
        { name: 'LogPath', type: 'string' },
      ],
    },
    async end(ctx) {
      const wanted = names(ctx.bound.get('Name'));
      const match = wanted.length > 0 ? matcher(wanted) : () => true;
      const installed = features.installedNames(host);
      const found = WINDOWS_FEATURES.filter((f) => match(f.name));
      for (const f of found) ctx.writeObject(featureObject(f, installed.has(f.name)));
      for (const n of wanted) if (!/[*?]/.test(n) && !windowsFeature(n)) ctx.writeError(noSuchFeature(ctx, n, 'Get-WindowsFeature'));
    },
  };
}

function noSuchFeature(ctx: PsCommandContext, name: string, command: string) {
  return ctx.errorRecord({
    exceptionType: 'System.Exception',
    message: `ArgumentNotValid: The role, role service, or feature name is not valid: '${name}'. The name was not found.`,
    errorId: `NameDoesNotExist,Microsoft.Windows.ServerManager.Commands.${command === 'Get-WindowsFeature' ? 'GetWindowsFeatureCommand' : 'AddWindowsFeatureCommand'}`,
    category: 'InvalidArgument',
    targetObject: name,
    targetName: name,
    targetType: 'String',
  });
}

function installWindowsFeature(host: FleetHost, features: HostFeatures): PsCommand {
  return {
    metadata: {
      name: 'Install-WindowsFeature',
      module: MODULE,
      commandType: 'Cmdlet',
      supportsShouldProcess: true,
      confirmImpact: 'Medium',
      aliases: ['Add-WindowsFeature'],
      parameters: [
        { name: 'Name', type: 'string[]', sets: { __AllParameterSets: { mandatory: true, position: 0, valueFromPipeline: true } } },
        { name: 'IncludeAllSubFeature', type: 'switch' },
        { name: 'IncludeManagementTools', type: 'switch' },
        { name: 'Restart', type: 'switch' },
        { name: 'Source', type: 'string[]' },
        { name: 'ComputerName', type: 'string', aliases: ['Cn'] },
        { name: 'LogPath', type: 'string' },
      ],
    },
    async end(ctx) {
      const wanted = names(ctx.bound.get('Name'));
      const unknown = wanted.filter((n) => !windowsFeature(n));
      if (unknown.length > 0) throw noSuchFeature(ctx, unknown[0] as string, 'Install-WindowsFeature');
      const list = wanted.map((n) => (windowsFeature(n) as WindowsFeature).name);
      if (isSet(ctx.bound.get('IncludeAllSubFeature'))) for (const f of WINDOWS_FEATURES) if (f.parent && list.includes(f.parent)) list.push(f.name);
      if (!(await ctx.shouldProcess(host.fqdn, `Install-WindowsFeature ${list.join(', ')}`))) return;
      ctx.writeProgress({ activityId: 1, parentActivityId: -1, activity: 'Start Installation...', statusDescription: '0%', percentComplete: 0, secondsRemaining: -1, recordType: 'Processing' });
      const result = features.install(host, list, isSet(ctx.bound.get('IncludeManagementTools')));
      ctx.writeProgress({ activityId: 1, parentActivityId: -1, activity: 'Installation complete', statusDescription: '100%', percentComplete: 100, secondsRemaining: -1, recordType: 'Completed' });
      // What was asked for first (ServerManager lists the feature named before what it brought along).
      const asked = (f: WindowsFeature): number => (list.includes(f.name) ? 0 : 1);
      const entries = [...result.installed].sort((a, b) => asked(a) - asked(b)).map(
        (f) => new PsObject(['Microsoft.Windows.ServerManager.Commands.FeatureOperationResult+FeatureResult', 'System.Object'], [['DisplayName', f.displayName], ['Name', f.name], ['Success', true], ['RestartNeeded', false]], { text: f.displayName }),
      );
      ctx.writeObject(
        new PsObject(
          [SERVER_MANAGER_TYPE_NAMES.featureOperationResult, 'System.Object'],
          [
            ['Success', true],
            ['RestartNeeded', new PsEnum(RESTART_NEEDED, 'No', 1)],
            ['ExitCode', result.noChangeNeeded ? new PsEnum(EXIT_CODE, 'NoChangeNeeded', 1003) : new PsEnum(EXIT_CODE, 'Success', 0)],
            ['FeatureResult', entries],
          ],
        ),
      );
    },
  };
}

export function serverManagerModule(host: FleetHost, features: HostFeatures): PsModule {
  return {
    name: MODULE,
    version: '2.0.0.0',
    moduleType: 'Manifest',
    commands: [getWindowsFeature(host, features), installWindowsFeature(host, features)],
    views: SERVER_MANAGER_VIEWS,
  };
}
