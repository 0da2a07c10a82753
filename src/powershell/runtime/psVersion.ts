/**
 * $PSVersionTable and $Host as Windows PowerShell 5.1 on Windows Server 2022 shows
 * them (build 20348.2849): a table in PowerShell's order, whose versions are
 * System.Version objects.
 */
import { makeVersion } from './conversions';
import { PsHashtable, PsObject } from './values';

const BUILD = '5.1.20348.2849';

function version(text: string): PsObject {
  const v = makeVersion(text);
  if (!v) throw new Error(`bad version ${text}`);
  return v;
}

/** A PSVersionHashTable (ordered, as PowerShell lists it). */
export function psVersionTable(): PsHashtable {
  const table = new PsHashtable(true);
  table.set('PSVersion', version(BUILD));
  table.set('PSEdition', 'Desktop');
  table.set('PSCompatibleVersions', ['1.0', '2.0', '3.0', '4.0', '5.0', BUILD].map(version));
  table.set('BuildVersion', version('10.0.20348.2849'));
  table.set('CLRVersion', version('4.0.30319.42000'));
  table.set('WSManStackVersion', version('3.0'));
  table.set('PSRemotingProtocolVersion', version('2.3'));
  table.set('SerializationVersion', version('1.1.0.1'));
  return table;
}

/** $Host of powershell.exe: the console host. */
export function consoleHost(instanceId: string): PsObject {
  return new PsObject(
    ['System.Management.Automation.Internal.Host.InternalHost', 'System.Management.Automation.Host.PSHost', 'System.Object'],
    [
      ['Name', 'ConsoleHost'],
      ['Version', version(BUILD)],
      ['InstanceId', instanceId],
      ['UI', new PsObject(['System.Management.Automation.Internal.Host.InternalHostUserInterface', 'System.Object'], [], { text: 'System.Management.Automation.Internal.Host.InternalHostUserInterface' })],
      ['CurrentCulture', 'en-US'],
      ['CurrentUICulture', 'en-US'],
      ['PrivateData', null],
      ['DebuggerEnabled', true],
      ['IsRunspacePushed', false],
    ],
    { text: 'System.Management.Automation.Internal.Host.InternalHost' },
  );
}
