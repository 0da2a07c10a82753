import type { PsCommand, PsFormatView, PsModule } from '../../../../src/powershell/runtime/commands';
import { PsDateTime, PsEnum, PsObject, PsSecureString } from '../../../../src/powershell/runtime/values';
import { lines, onlyError, run } from '../harness';

describe('Write-* cmdlets and Out-Null', () => {
  it('Write-Output writes each argument, enumerating arrays unless -NoEnumerate; echo and write are aliases', async () => {
    expect(await lines('Write-Output a b; echo (1, 2); write x')).toEqual(['a', 'b', '1', '2', 'x']);
    const r = await run('Write-Output (1, 2) -NoEnumerate');
    expect(r.output).toEqual([[1, 2]]);
  });

  it('Write-Host goes to the host (information, fromHost), joined by the separator, with -NoNewline', async () => {
    const r = await run('Write-Host a b; Write-Host (1, 2) -Separator "," -NoNewline; Write-Host');
    expect(r.information).toEqual([
      { text: 'a b', fromHost: true, noNewLine: false },
      { text: '1,2', fromHost: true, noNewLine: true },
      { text: '', fromHost: true, noNewLine: false },
    ]);
    expect(r.output).toEqual([]);
  });

  it('Write-Information is shown only when $InformationPreference says so', async () => {
    const r = await run('Write-Information hidden; Write-Information shown -InformationAction Continue');
    expect(r.information).toEqual([{ text: 'shown', fromHost: false, noNewLine: false }]);
  });

  it('Write-Error builds a WriteErrorException record with its category and id', async () => {
    const e = await onlyError('Write-Error -Message "m" -Category ResourceUnavailable -ErrorId "MyId" -TargetObject "t"');
    expect(e.init).toMatchObject({ message: 'm', errorId: 'MyId', category: 'ResourceUnavailable', targetObject: 't', exceptionType: 'Microsoft.PowerShell.Commands.WriteErrorException' });
  });

  it('Write-Progress writes a progress record unless $ProgressPreference is SilentlyContinue', async () => {
    const r = await run('Write-Progress -Activity "Installing" -Status "Half" -PercentComplete 50; $ProgressPreference = "SilentlyContinue"; Write-Progress -Activity hidden');
    expect(r.progress.filter((p) => p.activity !== 'Preparing modules for first use.')).toEqual([
      { activityId: 0, parentActivityId: -1, activity: 'Installing', statusDescription: 'Half', currentOperation: undefined, percentComplete: 50, secondsRemaining: -1, recordType: 'Processing' },
    ]);
  });

  it('Out-Null and > $null discard output', async () => {
    expect(await lines('1, 2 | Out-Null; Write-Output 3 > $null; 4')).toEqual(['4']);
  });

  it('2>&1 turns errors into output objects', async () => {
    const r = await run('$x = Write-Error "e" 2>&1; $x.GetType().FullName; $x.ToString()');
    expect(r.errors).toEqual([]);
    expect(r.lines).toEqual(['System.Management.Automation.ErrorRecord', 'e']);
  });
});

describe('Select-Object, Where-Object, ForEach-Object, Sort-Object, Measure-Object', () => {
  const people = '$p = [pscustomobject]@{Name = "ann"; Age = 31}, [pscustomobject]@{Name = "bob"; Age = 25}, [pscustomobject]@{Name = "cy"; Age = 40}';

  it('selects properties (with wildcards and calculated ones) into Selected.* objects', async () => {
    const r = await run(`${people}; $p | Select-Object Name, @{n = "Next"; e = { $_.Age + 1 }} -First 1; $p[0] | select N*`);
    const first = r.output[0] as PsObject;
    expect(first.typeNames[0]).toBe('Selected.System.Management.Automation.PSCustomObject');
    expect(first.properties.map((p) => [p.name, p.value])).toEqual([
      ['Name', 'ann'],
      ['Next', 32],
    ]);
    expect((r.output[1] as PsObject).properties.map((p) => p.name)).toEqual(['Name']);
  });

  it('expands a property, and reports one that does not exist', async () => {
    expect(await lines(`${people}; $p | Select-Object -ExpandProperty Name`)).toEqual(['ann', 'bob', 'cy']);
    expect((await onlyError(`${people}; $p[0] | Select-Object -ExpandProperty Nope`)).message).toBe('Property "Nope" cannot be found.');
  });

  it('takes -First, -Last, -Skip, -Index and -Unique', async () => {
    expect(await lines('1..10 | Select-Object -Skip 2 -First 3')).toEqual(['3', '4', '5']);
    expect(await lines('1..10 | Select-Object -Last 2')).toEqual(['9', '10']);
    expect(await lines('"a", "b", "c" | Select-Object -Index 0, 2')).toEqual(['a', 'c']);
    expect(await lines('1, 2, 2, 3, 1 | Select-Object -Unique')).toEqual(['1', '2', '3']);
  });

  it('-First stops the commands before it', async () => {
    expect(await lines('$n = 0; 1..1000000 | ForEach-Object { $script:n++; $_ } | Select-Object -First 2; $n')).toEqual(['1', '2', '2']);
  });

  it('Where-Object filters with a script block or the simplified syntax', async () => {
    expect(await lines(`${people}; ($p | Where-Object { $_.Age -gt 30 }).Name; ($p | ? Age -lt 30).Name; ($p | where Name -like "*y").Name; ($p | Where-Object Name -in "ann", "cy").Count`)).toEqual(['ann', 'cy', 'bob', 'cy', '2']);
  });

  it('ForEach-Object runs begin/process/end blocks, member names and methods; % is an alias', async () => {
    expect(await lines('1, 2 | ForEach-Object -Begin { "b" } -Process { $_ * 10 } -End { "e" }')).toEqual(['b', '10', '20', 'e']);
    expect(await lines('1, 2 | % { "s" } { $_ } { "e" }')).toEqual(['s', '1', '2', 'e']);
    expect(await lines('"a", "bb" | ForEach-Object Length; "x" | ForEach-Object ToUpper')).toEqual(['1', '2', 'X']);
  });

  it('runs ForEach-Object blocks in the caller scope', async () => {
    expect(await lines('$sum = 0; 1..4 | ForEach-Object { $sum += $_ }; $sum')).toEqual(['10']);
  });

  it('Sort-Object sorts by property, descending, unique', async () => {
    expect(await lines(`${people}; ($p | Sort-Object Age).Name -join ","; ($p | Sort-Object -Property Name -Descending).Name -join ","; (3, 1, 3, 2 | Sort-Object -Unique) -join ","`)).toEqual([
      'bob,ann,cy',
      'cy,bob,ann',
      '1,2,3',
    ]);
  });

  it('Measure-Object counts and sums', async () => {
    const r = await run(`${people}; $p | Measure-Object -Property Age -Sum -Average -Maximum`);
    const m = r.output[0] as PsObject;
    expect(m.typeNames[0]).toBe('Microsoft.PowerShell.Commands.GenericMeasureInfo');
    expect([m.get('Count'), m.get('Sum'), m.get('Average'), m.get('Maximum'), m.get('Minimum')]).toEqual([3, 96, 32, 40, null]);
  });
});

describe('modules and commands', () => {
  const views: PsFormatView[] = [{ typeName: 'Microsoft.Windows.Ipam.Commands.IpamConfiguration', kind: 'list', columns: [{ property: 'Version' }] }];
  const getConfiguration: PsCommand = {
    metadata: { name: 'Get-IpamConfiguration', module: 'IpamServer', commandType: 'Function', parameters: [] },
    process(ctx) {
      // Core's two views and this module's one.
      ctx.writeObject(ctx.getFormatViews().length);
    },
  };
  const ipam: PsModule = { name: 'IpamServer', version: '2.0.0.0', moduleType: 'Manifest', commands: [getConfiguration], views };

  it('Import-Module of a module that is not there writes PowerShell 5.1\'s FileNotFoundException and goes on', async () => {
    const r = await run('Import-Module IpamServer; "after"');
    const e = r.errors[0];
    expect(e.message).toBe("The specified module 'IpamServer' was not loaded because no valid module file was found in any module directory.");
    expect(e.init).toMatchObject({ category: 'ResourceUnavailable', targetObject: 'IpamServer', exceptionType: 'System.IO.FileNotFoundException' });
    expect(e.fullyQualifiedErrorId).toBe('Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand');
    expect(r.lines).toEqual(['after']);
  });

  it('loads a module on first use of its command, with "Preparing modules for first use." progress', async () => {
    const r = await run('Get-IpamConfiguration; (Get-Module).Name', { modules: [ipam] });
    expect(r.progress[0]).toMatchObject({ activity: 'Preparing modules for first use.', recordType: 'Completed', percentComplete: -1 });
    expect(r.lines).toEqual(['3', 'IpamServer']);
  });

  it('a module that appears later (a feature installed) is found then', async () => {
    const available: PsModule[] = [];
    const { recordingSession } = await import('../harness');
    const { session, take } = recordingSession({ modules: available });
    await session.run('Get-IpamConfiguration');
    expect(take().errors[0].init.errorId).toBe('CommandNotFoundException');
    available.push(ipam);
    const r2 = await session.run('Import-Module IpamServer -PassThru | ForEach-Object Name; Get-IpamConfiguration');
    expect(r2.exitCode).toBe(0);
    expect(take().output).toEqual(['IpamServer', 3]);
  });

  it('Get-Module returns PSModuleInfo objects; -ListAvailable shows what could be loaded', async () => {
    const r = await run('Import-Module IpamServer; Get-Module; (Get-Module -ListAvailable).Name -join ","', { modules: [ipam] });
    const info = r.output[0] as PsObject;
    expect(info.typeNames[0]).toBe('System.Management.Automation.PSModuleInfo');
    expect((info.get('ModuleType') as PsEnum).name).toBe('Manifest');
    expect(String((info.get('Version') as PsObject).text)).toBe('2.0.0.0');
    expect(info.get('ExportedCommands')).toEqual(['Get-IpamConfiguration']);
    expect(r.lines[1]).toBe('IpamServer,Microsoft.PowerShell.Management,Microsoft.PowerShell.Security,Microsoft.PowerShell.Utility');
  });

  it('Get-Command returns CommandInfo objects with CommandType, Name, Version, Source; aliases by name', async () => {
    const r = await run('Get-Command Write-Output; Get-Command -Module IpamServer; Get-Command select; Get-Command nope', { modules: [ipam] });
    const [cmdlet, fn, alias] = r.output as PsObject[];
    expect(cmdlet.typeNames).toEqual(['System.Management.Automation.CmdletInfo', 'System.Management.Automation.CommandInfo', 'System.Object']);
    expect([(cmdlet.get('CommandType') as PsEnum).name, cmdlet.get('Name'), (cmdlet.get('Version') as PsObject).text, cmdlet.get('Source')]).toEqual(['Cmdlet', 'Write-Output', '3.1.0.0', 'Microsoft.PowerShell.Utility']);
    expect([(fn.get('CommandType') as PsEnum).name, fn.get('Name')]).toEqual(['Function', 'Get-IpamConfiguration']);
    expect(alias.get('Name')).toBe('select -> Select-Object');
    expect(r.errors[0].fullyQualifiedErrorId).toBe('CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand');
  });

  it('offers the views of Get-Command and Get-Module output to the formatter', async () => {
    const probe: PsCommand = {
      metadata: { name: 'Get-Views', module: 'Probe', commandType: 'Cmdlet', parameters: [] },
      process(ctx) {
        for (const v of ctx.getFormatViews()) ctx.writeObject(`${v.typeName}: ${v.columns.map((c) => c.property).join(' ')}`);
      },
    };
    expect(await lines('Get-Views', { modules: [{ name: 'Probe', version: '1.0', moduleType: 'Binary', commands: [probe] }] })).toEqual([
      'System.Management.Automation.CommandInfo: CommandType Name Version Source',
      'System.Management.Automation.PSModuleInfo: ModuleType Version Name ExportedCommands',
    ]);
  });

  it('finds a module-qualified command name', async () => {
    expect(await lines('Microsoft.PowerShell.Utility\\Write-Output q')).toEqual(['q']);
  });
});

describe('credentials and other objects', () => {
  it('ConvertTo-SecureString -AsPlainText -Force makes a SecureString; without -Force it refuses', async () => {
    const r = await run('ConvertTo-SecureString "P@ss" -AsPlainText -Force');
    expect(r.output[0]).toBeInstanceOf(PsSecureString);
    expect((r.output[0] as PsSecureString).reveal()).toBe('P@ss');
    const e = await onlyError('ConvertTo-SecureString "P@ss" -AsPlainText');
    expect(e.message).toBe(
      'The system cannot protect plain text input. To suppress this warning and convert the plain text to a SecureString, reissue the command specifying the Force parameter. For more information ,type: get-help ConvertTo-SecureString.',
    );
    expect(e.fullyQualifiedErrorId).toBe('ImportSecureString_InvalidArgument,Microsoft.PowerShell.Commands.ConvertToSecureStringCommand');
  });

  it.each([
    'New-Object System.Management.Automation.PSCredential("CONTOSO\\ipam", $ss)',
    'New-Object PSCredential -ArgumentList "CONTOSO\\ipam", $ss',
    '[pscredential]::new("CONTOSO\\ipam", $ss)',
    '[System.Management.Automation.PSCredential]::new("CONTOSO\\ipam", $ss)',
  ])('%s makes a PSCredential', async (make) => {
    const r = await run(`$ss = ConvertTo-SecureString "P@ss" -AsPlainText -Force; $c = ${make}; $c; $c.GetNetworkCredential().UserName`);
    const c = r.output[0] as PsObject;
    expect(c.typeNames).toEqual(['System.Management.Automation.PSCredential', 'System.Object']);
    expect(c.get('UserName')).toBe('CONTOSO\\ipam');
    expect(c.get('Password')).toBeInstanceOf(PsSecureString);
    expect(r.lines[1]).toBe('ipam');
  });

  it('never shows a password in an error', async () => {
    const scripts = [
      '[pscredential]::new("u", "Secr3t!")',
      'New-Object PSCredential("u", "Secr3t!")',
      '[securestring]"Secr3t!"',
      '$ss = ConvertTo-SecureString "Secr3t!" -AsPlainText -Force; Write-Output -Bogus $ss',
      '$ss = ConvertTo-SecureString "Secr3t!" -AsPlainText -Force; [int]$ss',
      'ConvertTo-SecureString "Secr3t!"',
    ];
    for (const script of scripts) {
      const r = await run(script);
      expect(r.errors.length).toBeGreaterThan(0);
      for (const e of r.errors) expect(`${e.message} ${String(e.init.targetObject)}`).not.toContain('Secr3t!');
    }
  });

  it('New-Object PSObject -Property makes a custom object; an unknown type is PowerShell\'s error', async () => {
    expect(await lines('$o = New-Object PSObject -Property @{ A = 1 }; $o.A')).toEqual(['1']);
    const e = await onlyError('New-Object Foo.Bar');
    expect(e.message).toBe('Cannot find type [Foo.Bar]: verify that the assembly containing this type is loaded.');
    expect(e.fullyQualifiedErrorId).toBe('TypeNotFound,Microsoft.PowerShell.Commands.NewObjectCommand');
  });

  it('Get-Date returns a DateTime or formats it', async () => {
    const r = await run('Get-Date; Get-Date -Year 2020 -Month 1 -Day 2 -Format "yyyy-MM-dd"');
    expect(r.output[0]).toBeInstanceOf(PsDateTime);
    expect(r.lines[1]).toBe('2020-01-02');
  });

  it('Get-Variable and Set-Variable', async () => {
    expect(await lines('Set-Variable -Name v -Value 5; Get-Variable v -ValueOnly; (Get-Variable v).Name')).toEqual(['5', 'v']);
    expect((await onlyError('Get-Variable nope')).message).toBe("Cannot find a variable with the name 'nope'.");
  });

  it('Get-ChildItem env: lists the environment; other paths do not exist here', async () => {
    expect(await lines('(Get-ChildItem env:COMPUTERNAME).Value; (dir env: | Where-Object Name -eq USERNAME).Value')).toEqual(['IPAM1', 'Administrator']);
    expect((await onlyError('Get-ChildItem C:\\nope')).message).toBe("Cannot find path 'C:\\nope' because it does not exist.");
  });

  it('Add-Member adds note properties (classic and -NotePropertyName forms) and refuses to overwrite without -Force', async () => {
    expect(await lines('$o = [pscustomobject]@{a = 1}; $o | Add-Member NoteProperty b 2; $o | Add-Member -NotePropertyName c -NotePropertyValue 3 -PassThru | ForEach-Object c; $o.b')).toEqual(['3', '2']);
    expect((await onlyError('$o = [pscustomobject]@{a = 1}; $o | Add-Member -NotePropertyName a -NotePropertyValue 9')).init.errorId).toBe('MemberAlreadyExists');
    expect(await lines('$o = [pscustomobject]@{a = 1}; $o | Add-Member -NotePropertyName a -NotePropertyValue 9 -Force; $o.a')).toEqual(['9']);
  });

  it('Set-StrictMode is accepted', async () => {
    expect(await lines('Set-StrictMode -Version Latest; "ok"')).toEqual(['ok']);
  });

  it('Start-Sleep waits the time asked for, on the clock (fake timers: no duration measured)', async () => {
    jest.useFakeTimers();
    try {
      let done = false;
      const sleeping = lines('Start-Sleep -Milliseconds 50; "woke"').then((out) => {
        done = true;
        return out;
      });
      await jest.advanceTimersByTimeAsync(49);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(await sleeping).toEqual(['woke']);
    } finally {
      jest.useRealTimers();
    }
  });
});
