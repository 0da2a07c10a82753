import { PsObject } from '../../../../src/powershell/runtime/values';
import { lines, onlyError, recordingSession, run } from '../harness';

describe('PsSession', () => {
  // No duration is asserted (bench/ measures speed): a super-linear regression would run for
  // minutes and fail on this test's timeout.
  it('runs a megabyte of ordinary statements', async () => {
    const line = '$n = $n + 1; if ($n % 1000 -eq 0) { $last = "at $n" }\n';
    const script = line.repeat(Math.ceil((1024 * 1024) / line.length)) + '$last';
    const r = await run(script);
    expect(r.exitCode).toBe(0);
    expect(r.lines[0]).toMatch(/^at \d+000$/);
  }, 60_000);

  it('fills $env: from the machine when the host does not, and keeps what the host gives', async () => {
    expect(await lines('$env:COMPUTERNAME; $env:USERNAME; $env:USERDOMAIN; $env:TEMP')).toEqual(['IPAM1', 'Administrator', 'CONTOSO', 'C:\\Users\\Administrator\\AppData\\Local\\Temp']);
  });

  it('offers $PID, $HOME, $Host and $PSEdition', async () => {
    const r = await run('$PID; $HOME; $Host.Name; "$($Host.Version)"; $PSEdition');
    expect(r.lines).toEqual(['4242', 'C:\\Users\\Administrator', 'ConsoleHost', '5.1.20348.2849', 'Desktop']);
    expect((await run('$Host')).output[0]).toBeInstanceOf(PsObject);
  });

  it("gives a script's own param() block its defaults and refuses a missing mandatory parameter", async () => {
    expect(await lines('param($Name = "World", [int]$Count = "2") "Hello $Name x$($Count + 1)"')).toEqual(['Hello World x3']);
    const r = await run('param([Parameter(Mandatory)]$Path) "ran"');
    expect(r.errors[0].init.errorId).toBe('MissingMandatoryParameter');
    expect(r.exitCode).toBe(1);
  });

  it('keeps functions and variables between runs', async () => {
    const { session, take } = recordingSession();
    await session.run('function Get-Twice($x) { $x * 2 }; $base = 21');
    await session.run('Get-Twice $base');
    expect(take().output).toEqual([42]);
  });

  it('runs text as code with Invoke-Expression and [scriptblock]::Create, in the caller scope', async () => {
    expect(await lines('Invoke-Expression "1 + 1"; iex "`$y = 5"; $y; $sb = [scriptblock]::Create("param(`$a) `$a * 2"); & $sb 21')).toEqual(['2', '5', '42']);
    const e = await onlyError('iex "`"abc"');
    expect(e.fullyQualifiedErrorId).toBe('TerminatorExpectedAtEndOfString,Microsoft.PowerShell.Commands.InvokeExpressionCommand');
    expect(e.init.category).toBe('ParserError');
  });

  it('accepts the console settings scripts make ([Console]::OutputEncoding)', async () => {
    expect(await lines('[Console]::OutputEncoding = [System.Text.Encoding]::UTF8; "ok"')).toEqual(['ok']);
  });
});
