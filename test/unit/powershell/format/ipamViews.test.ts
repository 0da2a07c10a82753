import { PsEnum, PsObject, type PsValue } from '../../../../src/powershell/runtime/values';
import { formatForHost } from '../../../../src/powershell/format/outDefault';
import { IPAM_SERVER_VIEWS, IPAM_TYPE_NAMES, SERVER_MANAGER_TYPE_NAMES, SERVER_MANAGER_VIEWS } from '../../../../src/powershell/format/ipamViews';

const views = [...IPAM_SERVER_VIEWS, ...SERVER_MANAGER_VIEWS];
const lines = (values: PsValue[], bufferWidth = 120): string[] => formatForHost(values, { bufferWidth, views }).split('\r\n');
const installState = (name: string): PsEnum => new PsEnum('Microsoft.Windows.ServerManager.Commands.InstallState', name, name === 'Installed' ? 1 : 0);

function feature(displayName: string, name: string, depth: number, state: string): PsObject {
  return new PsObject(
    [SERVER_MANAGER_TYPE_NAMES.feature, 'System.Object'],
    [
      ['Name', name],
      ['DisplayName', displayName],
      ['Depth', depth],
      ['Installed', state === 'Installed'],
      ['InstallState', installState(state)],
    ],
  );
}

describe('ServerManager views', () => {
  it('Get-WindowsFeature: [X] or [ ] before the display name, four blanks per sub-level (as captured)', () => {
    const out = lines([
      feature('Print and Document Services', 'Print-Services', 1, 'Available'),
      feature('Print Server', 'Print-Server', 2, 'Available'),
      feature('Windows PowerShell', 'PowerShellRoot', 1, 'Installed'),
      feature('Windows PowerShell 5.0', 'PowerShell', 2, 'Installed'),
    ]);
    expect(out).toEqual([
      '',
      'Display Name                                            Name                       Install State',
      '------------                                            ----                       -------------',
      '[ ] Print and Document Services                         Print-Services                 Available',
      '    [ ] Print Server                                    Print-Server                   Available',
      '[X] Windows PowerShell                                  PowerShellRoot                 Installed',
      '    [X] Windows PowerShell 5.0                          PowerShell                     Installed',
      '',
      '',
      '',
    ]);
  });

  it('Install-WindowsFeature: the result table, the feature list cut at 45 columns (as captured)', () => {
    const result = new PsObject(
      [SERVER_MANAGER_TYPE_NAMES.featureOperationResult, 'System.Object'],
      [
        ['Success', true],
        ['RestartNeeded', new PsEnum('Microsoft.Windows.ServerManager.Commands.RestartState', 'No', 1)],
        ['ExitCode', new PsEnum('Microsoft.Windows.ServerManager.Commands.FeatureOperationExitCode', 'Success', 0)],
        ['FeatureResult', ['Active Directory Domain Services', 'Group Policy Management', 'Remote Server Administration Tools']],
      ],
    );
    expect(lines([result]).map((l) => l.trimEnd())).toEqual([
      '',
      'Success Restart Needed Exit Code      Feature Result',
      '------- -------------- ---------      --------------',
      'True    No             Success        {Active Directory Domain Services, Group P...',
      '',
      '',
      '',
    ]);
  });

  it('a result needing a restart shows its exit code cut to 14 columns', () => {
    const result = new PsObject([SERVER_MANAGER_TYPE_NAMES.featureOperationResult], [
      ['Success', true],
      ['RestartNeeded', new PsEnum('R', 'Yes', 2)],
      ['ExitCode', new PsEnum('E', 'SuccessRestartRequired', 3010)],
      ['FeatureResult', []],
    ]);
    expect(lines([result])[3]?.trimEnd()).toBe('True    Yes            SuccessRest... {}');
  });
});

describe('IpamServer views', () => {
  it('Get-IpamCapability: Name and Status, sized to the data as 5.1 does', () => {
    const cap = new PsObject([IPAM_TYPE_NAMES.capability], [['Name', 'IpAddressTracking'], ['Status', 'Enabled'], ['CapabilityId', 1]]);
    expect(lines([cap])).toEqual(['', 'Name              Status ', '----              ------ ', 'IpAddressTracking Enabled', '', '', '']);
  });

  it('Get-IpamConfiguration: a list of Version, Port, ProvisioningMethod and GpoPrefix', () => {
    const cfg = new PsObject([IPAM_TYPE_NAMES.configuration], [
      ['Version', '10.0.20348.1'],
      ['Port', 48885],
      ['ProvisioningMethod', new PsEnum('Microsoft.Windows.Ipam.ProvisioningMethod', 'Automatic', 1)],
      ['GpoPrefix', 'IPAM'],
      ['HmacKey', null],
    ]);
    expect(lines([cfg])).toEqual(['', '', 'Version            : 10.0.20348.1', 'Port               : 48885', 'ProvisioningMethod : Automatic', 'GpoPrefix          : IPAM', '', '', '', '']);
  });

  it('Get-IpamDatabase: its seven properties as a list, an empty user still followed by " : "', () => {
    const db = new PsObject([IPAM_TYPE_NAMES.database], [
      ['DatabaseType', new PsEnum('Microsoft.Windows.Ipam.DatabaseType', 'Wid', 0)],
      ['WidSchemaPath', 'C:\\Windows\\System32\\ipam\\Database'],
      ['DatabaseServer', null],
      ['DatabaseName', null],
      ['DatabasePort', null],
      ['DatabaseAuthType', null],
      ['DatabaseUser', null],
    ]);
    expect(lines([db]).slice(2, 9)).toEqual([
      'DatabaseType     : Wid',
      'WidSchemaPath    : C:\\Windows\\System32\\ipam\\Database',
      'DatabaseServer   : ',
      'DatabaseName     : ',
      'DatabasePort     : ',
      'DatabaseAuthType : ',
      'DatabaseUser     : ',
    ]);
  });
});
