import { PsErrorRecord, type PsInvocationInfo } from '../../../../src/powershell/runtime/values';
import { errorViewLines, streamRecordText } from '../../../../src/powershell/format/errorView';
import { parseErrorMessage, positionMessage } from '../../../../src/powershell/format/position';

const NOT_RECOGNIZED = (name: string): string =>
  `The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`;

function commandNotFound(name: string, invocation: PsInvocationInfo): PsErrorRecord {
  return new PsErrorRecord({
    exceptionType: 'System.Management.Automation.CommandNotFoundException',
    message: NOT_RECOGNIZED(name),
    errorId: 'CommandNotFoundException',
    category: 'ObjectNotFound',
    targetObject: name,
    invocation,
  });
}

describe('the error view (NormalView)', () => {
  it('an unknown command at 120 columns is the recorded text, wrapped after "Check "', () => {
    const record = commandNotFound('fake', { commandName: 'fake', line: 1, column: 1, lineText: 'fake cmdlet', length: 4 });
    expect(errorViewLines(record, { bufferWidth: 120 })).toEqual([
      "fake : The term 'fake' is not recognized as the name of a cmdlet, function, script file, or operable program. Check ",
      'the spelling of the name, or if a path was included, verify that the path is correct and try again.',
      'At line:1 char:1',
      '+ fake cmdlet',
      '+ ~~~~',
      '    + CategoryInfo          : ObjectNotFound: (fake:String) [], CommandNotFoundException',
      '    + FullyQualifiedErrorId : CommandNotFoundException',
      ' ',
    ]);
  });

  it('an unknown command in a long line shows an excerpt of the line (recorded from 5.1 on Windows 11)', () => {
    const line = "$ProgressPreference='SilentlyContinue';Get-WindowsFeature | Select-Object Name,InstallState | ConvertTo-Json";
    const record = commandNotFound('Get-WindowsFeature', { commandName: 'Get-WindowsFeature', line: 1, column: 40, lineText: line, length: 18 });
    expect(errorViewLines(record, { bufferWidth: 120 })).toEqual([
      "Get-WindowsFeature : The term 'Get-WindowsFeature' is not recognized as the name of a cmdlet, function, script file, ",
      'or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and ',
      'try again.',
      'At line:1 char:40',
      "+ $ProgressPreference='SilentlyContinue';Get-WindowsFeature | Select-Ob ...",
      `+ ${' '.repeat(39)}${'~'.repeat(18)}`,
      '    + CategoryInfo          : ObjectNotFound: (Get-WindowsFeature:String) [], CommandNotFoundException',
      '    + FullyQualifiedErrorId : CommandNotFoundException',
      ' ',
    ]);
  });

  it('throw "x" has no command prefix, and its FullyQualifiedErrorId is the message', () => {
    const record = new PsErrorRecord({
      exceptionType: 'System.Management.Automation.RuntimeException',
      message: 'x',
      errorId: 'x',
      category: 'OperationStopped',
      targetObject: 'x',
      invocation: { line: 1, column: 1, lineText: 'throw "x"', length: 9 },
    });
    expect(errorViewLines(record, { bufferWidth: 120 })).toEqual([
      'x',
      'At line:1 char:1',
      '+ throw "x"',
      '+ ~~~~~~~~~',
      '    + CategoryInfo          : OperationStopped: (x:String) [], RuntimeException',
      '    + FullyQualifiedErrorId : x',
      ' ',
    ]);
  });

  it('a cmdlet binding error names the cmdlet, underlines the whole command and adds the cmdlet to the error id', () => {
    const lineText = 'Invoke-IpamServerProvisioning -WidSchemaPath C:\\IPAM -DatabaseServer sql1';
    const record = new PsErrorRecord({
      exceptionType: 'System.Management.Automation.ParameterBindingException',
      message: 'Parameter set cannot be resolved using the specified named parameters.',
      errorId: 'AmbiguousParameterSet',
      category: 'InvalidArgument',
      commandName: 'Invoke-IpamServerProvisioning',
      invocation: { commandName: 'Invoke-IpamServerProvisioning', line: 1, column: 1, lineText, length: lineText.length },
    });
    expect(errorViewLines(record, { bufferWidth: 120 })).toEqual([
      'Invoke-IpamServerProvisioning : Parameter set cannot be resolved using the specified named parameters.',
      'At line:1 char:1',
      '+ Invoke-IpamServerProvisioning -WidSchemaPath C:\\IPAM -DatabaseServer  ...',
      `+ ${'~'.repeat(69)}`,
      '    + CategoryInfo          : InvalidArgument: (:) [Invoke-IpamServerProvisioning], ParameterBindingException',
      '    + FullyQualifiedErrorId : AmbiguousParameterSet,Invoke-IpamServerProvisioning',
      ' ',
    ]);
  });

  it('a parse error prints its message (which holds the positions) and no position of its own', () => {
    const at = { line: 1, column: 8, lineText: 'if ($x {', length: 0 };
    const record = new PsErrorRecord({
      exceptionType: 'System.Management.Automation.ParseException',
      message: parseErrorMessage([
        { position: at, message: "Missing closing ')' after expression in 'if' statement." },
        { position: { ...at, column: 9 }, message: "Missing closing '}' in statement block or type definition." },
      ]),
      errorId: 'MissingEndParenthesisInIfStatement',
      category: 'ParserError',
      reason: 'ParentContainsErrorRecordException',
      invocation: at,
    });
    expect(errorViewLines(record, { bufferWidth: 120 })).toEqual([
      'At line:1 char:8',
      '+ if ($x {',
      '+        ~',
      "Missing closing ')' after expression in 'if' statement.",
      '',
      'At line:1 char:9',
      '+ if ($x {',
      '+         ~',
      "Missing closing '}' in statement block or type definition.",
      '    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException',
      '    + FullyQualifiedErrorId : MissingEndParenthesisInIfStatement',
      ' ',
    ]);
  });

  it('Write-Error at the top of -EncodedCommand: the script text as prefix, no position, broken mid-word at 80 columns', () => {
    const record = new PsErrorRecord({
      exceptionType: 'Microsoft.PowerShell.Commands.WriteErrorException',
      message: 'Error',
      errorId: 'Microsoft.PowerShell.Commands.WriteErrorException',
      category: 'NotSpecified',
      activity: 'Write-Error',
      invocation: { commandName: 'Write-Error "Error"', line: 0, column: 0, lineText: '', length: 0 },
    });
    expect(errorViewLines(record, { bufferWidth: 80 })).toEqual([
      'Write-Error "Error" : Error',
      '    + CategoryInfo          : NotSpecified: (:) [Write-Error], WriteErrorExcep ',
      '   tion',
      '    + FullyQualifiedErrorId : Microsoft.PowerShell.Commands.WriteErrorExceptio ',
      '   n',
      ' ',
    ]);
  });

  it('long CategoryInfo and FullyQualifiedErrorId lines continue as recorded at 80 columns', () => {
    const record = new PsErrorRecord({
      exceptionType: 'System.Management.Automation.ParameterBindingException',
      message: "A parameter cannot be found that matches parameter name 'Path'.",
      errorId: 'NamedParameterNotFound',
      category: 'InvalidArgument',
      commandName: 'Microsoft.ActiveDirectory.Management.Commands.SetADOrganizationalUnit',
      activity: 'Set-ADOrganizationalUnit',
      invocation: { commandName: 'Set-ADOrganizationalUnit', line: 1, column: 1, lineText: 'Set-ADOrganizationalUnit -Path x', length: 32 },
    });
    expect(errorViewLines(record, { bufferWidth: 80 })).toEqual([
      'Set-ADOrganizationalUnit : A parameter cannot be found that matches parameter ',
      "name 'Path'.",
      'At line:1 char:1',
      '+ Set-ADOrganizationalUnit -Path x',
      `+ ${'~'.repeat(32)}`,
      '    + CategoryInfo          : InvalidArgument: (:) [Set-ADOrganizationalUnit], ',
      '    ParameterBindingException',
      '    + FullyQualifiedErrorId : NamedParameterNotFound,Microsoft.ActiveDirectory ',
      '   .Management.Commands.SetADOrganizationalUnit',
      ' ',
    ]);
  });

  it('a CIM error shows its CIM target, and its CategoryInfo continues where the 114-character piece ends', () => {
    const record = new PsErrorRecord({
      exceptionType: 'Microsoft.Management.Infrastructure.CimException',
      message: 'Not enough memory resources are available to process this command.',
      errorId: 'WIN32 8',
      category: 'ResourceUnavailable',
      targetName: 'MSFT_IPAM_Range',
      targetType: 'ROOT/microsoft/ipam/MSFT_IPAM_Range',
      commandName: 'Add-IpamRange',
      invocation: { commandName: 'Add-IpamRange', line: 1, column: 1, lineText: 'Add-IpamRange -StartIPAddress 10.0.0.1', length: 38 },
    });
    const full = '+ CategoryInfo          : ResourceUnavailable: (MSFT_IPAM_Range:ROOT/microsoft/ipam/MSFT_IPAM_Range) [Add-IpamRange], CimException';
    const lines = errorViewLines(record, { bufferWidth: 120 });
    // Cut at 120 - 6 = 114 characters; the word wrap keeps the blank before the next piece and puts the other three first.
    expect(lines.slice(4, 7)).toEqual([`    ${full.slice(0, 114)} `, `   ${full.slice(114)}`, '    + FullyQualifiedErrorId : WIN32 8,Add-IpamRange']);
  });

  it('shortens a CategoryInfo field over 40 characters to its first and last 15', () => {
    const message = 'JUMP_LIST_UNAVAILABLE: expected one exact visible taskbar item; refusing ambiguous shell interaction.';
    const record = new PsErrorRecord({ exceptionType: 'System.Management.Automation.RuntimeException', message, errorId: message, category: 'OperationStopped', targetObject: message });
    expect(errorViewLines(record, { bufferWidth: 300 })).toContain('    + CategoryInfo          : OperationStopped: (JUMP_LIST_UNAVA...ll interaction.:String) [], RuntimeException');
  });

  it('ErrorDetails.Message replaces the message and leaves out the final blank line', () => {
    const record = new PsErrorRecord({ exceptionType: 'System.Exception', message: 'inner', detailsMessage: 'shown instead', errorId: 'E', category: 'NotSpecified' });
    expect(errorViewLines(record, { bufferWidth: 120 })).toEqual(['shown instead', '    + CategoryInfo          : NotSpecified: (:) [], Exception', '    + FullyQualifiedErrorId : E']);
  });

  it("a native command's later stderr lines (NativeCommandErrorMessage) are shown bare", () => {
    const record = new PsErrorRecord({ exceptionType: 'System.Management.Automation.RemoteException', message: 'second line', errorId: 'NativeCommandErrorMessage', category: 'NotSpecified', invocation: { commandName: 'cmd', line: 1, column: 1, lineText: 'cmd /c x', length: 8 } });
    expect(errorViewLines(record, { bufferWidth: 120 })).toEqual(['second line']);
  });
});

describe('the position message', () => {
  it('names a script file instead of "line" and expands tabs to four blanks', () => {
    expect(positionMessage({ line: 12, column: 2, lineText: '\tGet-Foo', length: 7, scriptName: 'C:\\x.ps1' })).toBe('At C:\\x.ps1:12 char:2\n+     Get-Foo\n+     ~~~~~~~');
  });

  it('keeps 12 characters before an extent too long to fit, with dots on both sides (as recorded from 5.1)', () => {
    const head = 'x'.repeat(1668) + 'nt -ne 1) { ';
    const throwText = "throw ('JUMP_LIST_UNAVAILABLE: expected one exact visible taskbar item named Ether Recovery')";
    expect(positionMessage({ line: 1, column: head.length + 1, lineText: `${head + throwText} }`, length: throwText.length }).split('\n')).toEqual([
      'At line:1 char:1681',
      "+ ... nt -ne 1) { throw ('JUMP_LIST_UNAVAILABLE: expected one exact visible ...",
      `+ ${' '.repeat(16)}${'~'.repeat(57)}`,
    ]);
  });

  it('has no text for an invocation without a position', () => {
    expect(positionMessage({ line: 0, column: 0, lineText: '', length: 0 })).toBe('');
  });
});

describe('stream records on a plain-text host', () => {
  it('prefixes warning, verbose and debug messages', () => {
    expect(streamRecordText('warning', 'x')).toBe('WARNING: x');
    expect(streamRecordText('verbose', 'x')).toBe('VERBOSE: x');
    expect(streamRecordText('debug', 'x')).toBe('DEBUG: x');
  });
});
