/**
 * Import-Module, Get-Module and Get-Command (Microsoft.PowerShell.Core), with the
 * objects PowerShell returns (PSModuleInfo, CmdletInfo/FunctionInfo/AliasInfo)
 * and their table views.
 */
import { engineOf } from '../runtime/commandContext';
import type { PsCommand, PsCommandContext, PsFormatView, PsModule } from '../runtime/commands';
import { availableModules, loadModule } from '../runtime/commandLookup';
import { makeVersion, toStringPs } from '../runtime/conversions';
import { hasWildcard, wildcardMatch } from '../runtime/wildcard';
import { PsEnum, PsObject } from '../runtime/values';
import { cmdlet, list, param, switchOn } from './define';

const CORE = 'Microsoft.PowerShell.Core';

/** The Core "module" is a snap-in in Windows PowerShell: Get-Module does not list it. */
const isSnapIn = (m: PsModule): boolean => m.name === CORE;

const MODULE_TYPES: ReadonlyArray<readonly [string, number]> = [
  ['Script', 0],
  ['Binary', 1],
  ['Manifest', 2],
  ['Cim', 3],
  ['Workflow', 4],
];

const COMMAND_TYPES: ReadonlyArray<readonly [string, number]> = [
  ['Alias', 1],
  ['Function', 2],
  ['Filter', 4],
  ['Cmdlet', 8],
  ['ExternalScript', 16],
  ['Application', 32],
];

function moduleInfo(m: PsModule): PsObject {
  const type = MODULE_TYPES.find(([n]) => n === m.moduleType) ?? MODULE_TYPES[2];
  return new PsObject(
    ['System.Management.Automation.PSModuleInfo', 'System.Object'],
    [
      ['ModuleType', new PsEnum('System.Management.Automation.ModuleType', type[0], type[1])],
      ['Version', makeVersion(m.version) ?? m.version],
      ['Name', m.name],
      ['ExportedCommands', m.commands.map((c) => c.metadata.name).sort()],
      ['Path', `C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\Modules\\${m.name}\\${m.name}.psd1`],
    ],
    { text: m.name },
  );
}

function commandType(name: string): PsEnum {
  const t = COMMAND_TYPES.find(([n]) => n === name) ?? COMMAND_TYPES[3];
  return new PsEnum('System.Management.Automation.CommandTypes', t[0], t[1]);
}

function commandInfo(c: PsCommand, m: PsModule, alias?: string): PsObject {
  const kind = alias ? 'Alias' : c.metadata.commandType;
  const name = alias ? `${alias} -> ${c.metadata.name}` : c.metadata.name;
  return new PsObject(
    [`System.Management.Automation.${kind === 'Alias' ? 'AliasInfo' : kind === 'Function' ? 'FunctionInfo' : 'CmdletInfo'}`, 'System.Management.Automation.CommandInfo', 'System.Object'],
    [
      ['CommandType', commandType(kind)],
      ['Name', name],
      ['Version', makeVersion(m.version) ?? m.version],
      ['Source', m.name],
      ['ModuleName', m.name],
      ['Definition', alias ? c.metadata.name : name],
      ['DefaultParameterSet', c.metadata.defaultParameterSet ?? null],
      ['Verb', c.metadata.name.split('-')[0] ?? ''],
      ['Noun', c.metadata.name.split('-').slice(1).join('-')],
    ],
    { text: alias ?? c.metadata.name },
  );
}

function matches(name: string, patterns: readonly string[]): boolean {
  return patterns.length === 0 || patterns.some((p) => (hasWildcard(p) ? wildcardMatch(name, p) : name.toLowerCase() === p.toLowerCase()));
}

const importModule = cmdlet(
  CORE,
  {
    name: 'Import-Module',
    implementingType: 'Microsoft.PowerShell.Commands.ImportModuleCommand',
    aliases: ['ipmo'],
    parameters: [
      param('Name', 'string[]', { position: 0, mandatory: true, pipeline: true }),
      param('Force', 'switch'),
      param('PassThru', 'switch'),
      param('Global', 'switch'),
      param('Prefix', 'string'),
      param('DisableNameChecking', 'switch'),
      param('MinimumVersion', 'string'),
      param('RequiredVersion', 'string'),
    ],
  },
  {
    process(ctx) {
      const services = engineOf(ctx);
      const modules = availableModules(services.exec.engine, services.coreModules);
      for (const raw of list(ctx.bound.get('Name'))) {
        const written = toStringPs(raw);
        // A path to the module's manifest names it by its file's base name.
        const base = written.replace(/^.*[\\/]/, '').replace(/\.(psd1|psm1|dll)$/i, '');
        const found = modules.filter((m) => (hasWildcard(base) ? wildcardMatch(m.name, base) : m.name.toLowerCase() === base.toLowerCase()));
        if (found.length === 0) {
          ctx.writeError(
            ctx.errorRecord({
              exceptionType: 'System.IO.FileNotFoundException',
              message: `The specified module '${written}' was not loaded because no valid module file was found in any module directory.`,
              errorId: 'Modules_ModuleNotFound',
              category: 'ResourceUnavailable',
              targetObject: written,
            }),
          );
          continue;
        }
        for (const m of found) {
          const loaded = loadModule(services.exec.engine, m);
          if (loaded) for (const c of m.commands) ctx.writeVerbose(`Importing ${c.metadata.commandType === 'Function' ? 'function' : 'cmdlet'} '${c.metadata.name}'.`);
          if (switchOn(ctx, 'PassThru')) ctx.writeObject(moduleInfo(m));
        }
      }
    },
  },
);

const getModule = cmdlet(
  CORE,
  {
    name: 'Get-Module',
    implementingType: 'Microsoft.PowerShell.Commands.GetModuleCommand',
    aliases: ['gmo'],
    defaultParameterSet: 'Loaded',
    parameters: [param('Name', 'string[]', { position: 0, pipeline: true }), param('ListAvailable', 'switch', { set: 'Available' }), param('All', 'switch'), param('Refresh', 'switch', { set: 'Available' })],
  },
  {
    process(ctx) {
      const services = engineOf(ctx);
      const engine = services.exec.engine;
      const names = list(ctx.bound.get('Name')).map((n) => toStringPs(n));
      const source = switchOn(ctx, 'ListAvailable') ? availableModules(engine, services.coreModules) : [...engine.loaded.values()];
      const found = source.filter((m) => !isSnapIn(m) && matches(m.name, names)).sort((a, b) => a.name.localeCompare(b.name));
      for (const m of found) ctx.writeObject(moduleInfo(m));
    },
  },
);

/** Every command the session can see, with the module it comes from (aliases after their commands). */
function allCommands(ctx: PsCommandContext): Array<{ info: PsObject; name: string; module: string; type: string }> {
  const services = engineOf(ctx);
  const out: Array<{ info: PsObject; name: string; module: string; type: string }> = [];
  for (const f of services.exec.scope.allFunctions()) {
    out.push({
      info: new PsObject(['System.Management.Automation.FunctionInfo', 'System.Management.Automation.CommandInfo', 'System.Object'], [['CommandType', commandType('Function')], ['Name', f.name], ['Version', ''], ['Source', '']], { text: f.name }),
      name: f.name,
      module: '',
      type: 'Function',
    });
  }
  for (const m of availableModules(services.exec.engine, services.coreModules)) {
    for (const c of m.commands) {
      out.push({ info: commandInfo(c, m), name: c.metadata.name, module: m.name, type: c.metadata.commandType });
      for (const a of c.metadata.aliases ?? []) out.push({ info: commandInfo(c, m, a), name: a, module: m.name, type: 'Alias' });
    }
  }
  return out;
}

const getCommand = cmdlet(
  CORE,
  {
    name: 'Get-Command',
    implementingType: 'Microsoft.PowerShell.Commands.GetCommandCommand',
    aliases: ['gcm'],
    defaultParameterSet: 'CmdletSet',
    parameters: [
      param('Name', 'string[]', { position: 0, pipeline: true, byPropertyName: true, set: 'AllCommandSet' }),
      param('Verb', 'string[]', { set: 'CmdletSet' }),
      param('Noun', 'string[]', { set: 'CmdletSet' }),
      param('Module', 'string[]', { aliases: ['PSSnapin'] }),
      param('CommandType', { enum: 'System.Management.Automation.CommandTypes', values: COMMAND_TYPES }, { set: 'AllCommandSet', aliases: ['Type'] }),
      param('ListImported', 'switch'),
      param('All', 'switch'),
    ],
  },
  {
    process(ctx) {
      const names = list(ctx.bound.get('Name')).map((n) => toStringPs(n));
      const modules = list(ctx.bound.get('Module')).map((n) => toStringPs(n));
      const verbs = list(ctx.bound.get('Verb')).map((n) => toStringPs(n));
      const nouns = list(ctx.bound.get('Noun')).map((n) => toStringPs(n));
      const type = ctx.bound.get('CommandType');
      const commands = allCommands(ctx).filter(
        (c) =>
          (names.length > 0 || c.type !== 'Alias') &&
          matches(c.name, names) &&
          matches(c.module, modules) &&
          matches(c.name.split('-')[0], verbs) &&
          matches(c.name.split('-').slice(1).join('-'), nouns) &&
          (!(type instanceof PsEnum) || type.name === c.type),
      );
      const emitted = new Set<string>();
      for (const c of commands) {
        const key = `${c.type}:${c.name}`.toLowerCase();
        if (emitted.has(key)) continue;
        emitted.add(key);
        ctx.writeObject(c.info);
      }
      for (const n of names) {
        if (hasWildcard(n) || commands.some((c) => c.name.toLowerCase() === n.toLowerCase())) continue;
        ctx.writeError(
          ctx.errorRecord({
            exceptionType: 'System.Management.Automation.CommandNotFoundException',
            message: `The term '${n}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
            errorId: 'CommandNotFoundException',
            category: 'ObjectNotFound',
            targetObject: n,
          }),
        );
      }
    },
  },
);

/** How Get-Command and Get-Module output shows (Windows PowerShell's views for CommandInfo and PSModuleInfo). */
export const CORE_VIEWS: readonly PsFormatView[] = [
  {
    typeName: 'System.Management.Automation.CommandInfo',
    kind: 'table',
    columns: [
      { property: 'CommandType', width: 15 },
      { property: 'Name', width: 50 },
      { property: 'Version', width: 10 },
      { property: 'Source' },
    ],
  },
  {
    typeName: 'System.Management.Automation.PSModuleInfo',
    kind: 'table',
    columns: [
      { property: 'ModuleType', width: 10 },
      { property: 'Version', width: 10 },
      { property: 'Name', width: 35 },
      { property: 'ExportedCommands' },
    ],
  },
];

export const MODULE_COMMANDS: readonly PsCommand[] = [importModule, getModule, getCommand];


