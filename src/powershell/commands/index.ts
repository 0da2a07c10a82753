/**
 * The engine's own modules: Microsoft.PowerShell.Core (always loaded),
 * Microsoft.PowerShell.Utility, Microsoft.PowerShell.Management and
 * Microsoft.PowerShell.Security (loaded on first use). The formatting cmdlets
 * (Format-*, Out-Default, Out-String, ConvertTo-Json) come from format/, which a
 * host adds as modules of its own.
 */
import type { PsCommand, PsModule } from '../runtime/commands';
import { MANAGEMENT_COMMANDS } from './management';
import { MEMBER_COMMANDS } from './members';
import { CORE_VIEWS, MODULE_COMMANDS } from './modules';
import { SECURITY_COMMANDS } from './security';
import { selectObject } from './selectObject';
import { UTILITY_COMMANDS } from './utility';
import { forEachObject, whereObject } from './whereForEach';
import { OUT_NULL, WRITE_COMMANDS } from './write';

function byModule(commands: readonly PsCommand[], module: string): PsCommand[] {
  return commands.filter((c) => c.metadata.module === module);
}

/** New module objects each call: a session may hold its own. */
export function coreModules(): PsModule[] {
  const all: PsCommand[] = [...WRITE_COMMANDS, OUT_NULL, selectObject, whereObject, forEachObject, ...UTILITY_COMMANDS, ...MODULE_COMMANDS, ...MANAGEMENT_COMMANDS, ...SECURITY_COMMANDS, ...MEMBER_COMMANDS];
  return [
    { name: 'Microsoft.PowerShell.Core', version: '3.0.0.0', moduleType: 'Manifest', commands: byModule(all, 'Microsoft.PowerShell.Core'), views: CORE_VIEWS },
    { name: 'Microsoft.PowerShell.Utility', version: '3.1.0.0', moduleType: 'Manifest', commands: byModule(all, 'Microsoft.PowerShell.Utility') },
    { name: 'Microsoft.PowerShell.Management', version: '3.1.0.0', moduleType: 'Manifest', commands: byModule(all, 'Microsoft.PowerShell.Management') },
    { name: 'Microsoft.PowerShell.Security', version: '3.0.0.0', moduleType: 'Manifest', commands: byModule(all, 'Microsoft.PowerShell.Security') },
  ];
}
