/**
 * The formatting cmdlets as the two modules PowerShell ships them in, for the session to merge
 * with its core cmdlets: Format-Table, Format-List, Out-String and ConvertTo-Json in
 * Microsoft.PowerShell.Utility; Out-Default and Out-Host in Microsoft.PowerShell.Core.
 */
import type { PsModule } from '../../runtime/commands';
import { convertToJsonCommand } from './convertToJsonCommand';
import { formatListCommand, formatTableCommand } from './formatCommands';
import { outDefaultCommand, outHostCommand, outStringCommand } from './outCommands';
import type { FormatCommandsHost } from './support';

export interface FormatModules {
  /** Microsoft.PowerShell.Utility's formatting cmdlets. */
  readonly utility: PsModule;
  /** Microsoft.PowerShell.Core's Out-Default and Out-Host. */
  readonly core: PsModule;
}

/** The formatting cmdlets of one session (they write to its console and read its width). */
export function createFormatModules(host: FormatCommandsHost): FormatModules {
  return {
    utility: {
      name: 'Microsoft.PowerShell.Utility',
      version: '3.1.0.0',
      moduleType: 'Manifest',
      commands: [formatTableCommand(host), formatListCommand(host), outStringCommand(host), convertToJsonCommand(host)],
    },
    core: {
      name: 'Microsoft.PowerShell.Core',
      version: '3.0.0.0',
      moduleType: 'Manifest',
      commands: [outDefaultCommand(host), outHostCommand(host)],
    },
  };
}
