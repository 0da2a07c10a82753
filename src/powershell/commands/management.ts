/**
 * Microsoft.PowerShell.Management, the part that needs no file system: Get-Location,
 * and Get-ChildItem / Get-Item on the Env: drive. Other paths do not exist here
 * (the engine has no file system), and say so as PowerShell does.
 */
import { engineOf } from '../runtime/commandContext';
import type { PsCommand, PsCommandContext } from '../runtime/commands';
import { dictionaryEntry } from '../runtime/collections';
import { getVariable } from '../runtime/exec';
import { toStringPs } from '../runtime/conversions';
import { hasWildcard, wildcardMatch } from '../runtime/wildcard';
import { cmdlet, list, param } from './define';

const MANAGEMENT = 'Microsoft.PowerShell.Management';

const getLocation = cmdlet(
  MANAGEMENT,
  { name: 'Get-Location', implementingType: 'Microsoft.PowerShell.Commands.GetLocationCommand', aliases: ['gl', 'pwd'], parameters: [] },
  {
    process(ctx) {
      ctx.writeObject(getVariable(engineOf(ctx).exec, 'PWD'));
    },
  },
);

/** The Env: drive's items matching a path ('env:', 'env:COMPUTERNAME', 'Env:\\USER*'), or undefined for another drive. */
function envItems(ctx: PsCommandContext, path: string): Array<{ name: string; value: string }> | undefined {
  const m = /^env:\\?(.*)$/i.exec(path);
  if (!m) return undefined;
  const engine = engineOf(ctx).exec.engine;
  const pattern = m[1] === '' ? '*' : m[1];
  return engine
    .envEntries()
    .filter((e) => (hasWildcard(pattern) ? wildcardMatch(e.name, pattern) : e.name.toLowerCase() === pattern.toLowerCase()))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function itemCommand(name: string, implementingType: string, aliases: readonly string[]): PsCommand {
  return cmdlet(
    MANAGEMENT,
    { name, implementingType, aliases, parameters: [param('Path', 'string[]', { position: 0, pipeline: true, byPropertyName: true }), param('Force', 'switch'), param('Recurse', 'switch')] },
    {
      process(ctx) {
        const paths = list(ctx.bound.get('Path')).map((p) => toStringPs(p));
        for (const path of paths.length ? paths : ['.']) {
          const items = envItems(ctx, path);
          if (items && (items.length > 0 || hasWildcard(path))) {
            for (const e of items) ctx.writeObject(dictionaryEntry(e.name, e.value));
            continue;
          }
          ctx.writeError(
            ctx.errorRecord({
              exceptionType: 'System.Management.Automation.ItemNotFoundException',
              message: `Cannot find path '${path}' because it does not exist.`,
              errorId: 'PathNotFound',
              category: 'ObjectNotFound',
              targetObject: path,
            }),
          );
        }
      },
    },
  );
}

export const MANAGEMENT_COMMANDS: readonly PsCommand[] = [
  getLocation,
  itemCommand('Get-ChildItem', 'Microsoft.PowerShell.Commands.GetChildItemCommand', ['dir', 'gci', 'ls']),
  itemCommand('Get-Item', 'Microsoft.PowerShell.Commands.GetItemCommand', ['gi']),
];
