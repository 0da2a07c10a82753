import { PsErrorRecord } from '../../../../src/powershell/runtime/values';
import { lines, onlyError, recordingSession, run } from '../harness';

describe('terminating errors and exit codes', () => {
  it('throw "x" ends the script with a RuntimeException record and exit code 1', async () => {
    const r = await run('"before"\nthrow "x"\n"after"');
    expect(r.lines).toEqual(['before']);
    expect(r.exitCode).toBe(1);
    const e = r.errors[0];
    expect(e.message).toBe('x');
    expect(e.init).toMatchObject({ errorId: 'x', category: 'OperationStopped', targetObject: 'x', exceptionType: 'System.Management.Automation.RuntimeException' });
    expect(e.fullyQualifiedErrorId).toBe('x');
    expect(e.init.invocation).toMatchObject({ line: 2, column: 1, lineText: 'throw "x"', length: 9 });
  });

  it('a statement-terminating error is reported and the next statement runs; $? is false', async () => {
    const r = await run('1/0; $?; "after"; $?');
    expect(r.lines).toEqual(['False', 'after', 'True']);
    expect((await run('"x"; 1/0')).exitCode).toBe(1);
    expect(await lines('try { 1/0 } catch { }; "next"')).toEqual(['next']);
  });

  it('an unknown command is CommandNotFoundException, with PowerShell 5.1 text, and the script goes on', async () => {
    const r = await run('fake cmdlet\n"after"; $?');
    const e = r.errors[0];
    expect(e.message).toBe(
      "The term 'fake' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
    );
    expect(e.init).toMatchObject({ errorId: 'CommandNotFoundException', category: 'ObjectNotFound', targetObject: 'fake', activity: '', exceptionType: 'System.Management.Automation.CommandNotFoundException' });
    expect(e.fullyQualifiedErrorId).toBe('CommandNotFoundException');
    expect(e.init.invocation).toMatchObject({ commandName: 'fake', line: 1, column: 1, length: 4, lineText: 'fake cmdlet' });
    expect(r.lines).toEqual(['after', 'True']);
    expect((await run('fake')).exitCode).toBe(1);
  });

  it('Write-Error alone: the error, no output, exit code 1', async () => {
    const r = await run('Write-Error "Error"');
    expect(r.exitCode).toBe(1);
    expect(r.lines).toEqual([]);
    const e = r.errors[0];
    expect(e.init).toMatchObject({ exceptionType: 'Microsoft.PowerShell.Commands.WriteErrorException', category: 'NotSpecified', activity: 'Write-Error', reason: 'WriteErrorException' });
    // At top level Write-Error reports the script itself as its invocation, without a position.
    expect(e.fullyQualifiedErrorId).toBe('Microsoft.PowerShell.Commands.WriteErrorException');
    expect(e.init.invocation).toMatchObject({ commandName: 'Write-Error "Error"', line: 0 });
  });

  it('Write-Error in a function names the function and its call site', async () => {
    const e = await onlyError('function Test-It { Write-Error "bad" -ErrorId Custom -Category InvalidData -TargetObject 42 }\nTest-It');
    expect(e.fullyQualifiedErrorId).toBe('Custom,Test-It');
    expect(e.init).toMatchObject({ category: 'InvalidData', targetObject: 42 });
    expect(e.init.invocation).toMatchObject({ commandName: 'Test-It', line: 2, column: 1, length: 7 });
  });

  it('exit N gives N, also from a function; exit code 0 when the last statement succeeded', async () => {
    expect((await run('exit 7')).exitCode).toBe(7);
    expect((await run('function f { exit 3 }; f; "not here"')).exitCode).toBe(3);
    expect((await run('fake; "fine"')).exitCode).toBe(0);
  });

  it('an error that breaks out of the JavaScript stack is CallDepthOverflow, not a crash', async () => {
    const r = await run('function f { f }; f; "after"');
    expect(r.errors[0].message).toBe('The script failed due to call depth overflow.');
    expect(r.errors[0].init.errorId).toBe('CallDepthOverflow');
    expect(r.lines).toEqual(['after']);
  });

  it('a parse error runs nothing and exits 1', async () => {
    const r = await run('"ran"\n"unterminated');
    expect(r.lines).toEqual([]);
    expect(r.exitCode).toBe(1);
    expect(r.errors[0].init).toMatchObject({ errorId: 'TerminatorExpectedAtEndOfString', category: 'ParserError' });
  });
});

describe('$ErrorActionPreference and -ErrorAction', () => {
  it('Continue reports a non-terminating error and goes on', async () => {
    const r = await run('Write-Error "e1"; "after"');
    expect(r.errors.map((e) => e.message)).toEqual(['e1']);
    expect(r.lines).toEqual(['after']);
  });

  it('Stop makes the error terminating: the script ends with exit code 1', async () => {
    const r = await run('Write-Error "e1" -ErrorAction Stop; "after"');
    expect(r.lines).toEqual([]);
    expect(r.exitCode).toBe(1);
    expect(r.errors[0].fullyQualifiedErrorId).toBe('Microsoft.PowerShell.Commands.WriteErrorException');
    const p = await run('$ErrorActionPreference = "Stop"; Write-Error "e1"; "after"');
    expect(p.lines).toEqual([]);
    expect(p.exitCode).toBe(1);
  });

  it('SilentlyContinue hides the error but keeps it in $Error; Ignore keeps nothing; both set $? false', async () => {
    const r = await run('Write-Error "quiet" -ErrorAction SilentlyContinue; $?; $Error.Count; $Error[0].Exception.Message; Write-Error "gone" -ErrorAction Ignore; $?; $Error.Count');
    expect(r.errors).toEqual([]);
    expect(r.lines).toEqual(['False', '1', 'quiet', 'False', '1']);
  });

  it('$Error lists the newest first and -ErrorVariable collects', async () => {
    expect(await lines('Write-Error a -ea 0; Write-Error b -ea 0; $Error[0].ToString(); $Error[1].ToString(); Write-Error c -ErrorVariable ev -ErrorAction SilentlyContinue; "$ev"')).toEqual(['b', 'a', 'c']);
  });

  it('SilentlyContinue even swallows throw, as Windows PowerShell does', async () => {
    expect(await lines('$ErrorActionPreference = "SilentlyContinue"; throw "x"; "after"')).toEqual(['after']);
  });

  it('an advanced function passes -ErrorAction on to the commands it runs', async () => {
    const r = await run('function f { [CmdletBinding()] param() Write-Error "inner"; "continued" }; f -ErrorAction Stop; "after"');
    expect(r.lines).toEqual([]);
    expect(r.errors[0].message).toBe('inner');
  });

  it('warnings, verbose and debug follow their preferences and switches', async () => {
    const r = await run('Write-Warning w1; Write-Verbose v1; Write-Verbose v2 -Verbose; $VerbosePreference = "Continue"; Write-Verbose v3; Write-Debug d1; $DebugPreference = "Continue"; Write-Debug d2; Write-Warning w2 -WarningAction SilentlyContinue');
    expect(r.warnings).toEqual(['w1']);
    expect(r.verbose).toEqual(['v2', 'v3']);
    expect(r.debug).toEqual(['d2']);
  });

  it('-Debug asks (Windows PowerShell 5.1 makes it Inquire), which a non-interactive session refuses', async () => {
    const e = await onlyError('Write-Debug d -Debug');
    expect(e.message).toBe('Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.');
  });
});

describe('try / catch / finally', () => {
  it('catches a terminating error with $_ the ErrorRecord, and finally always runs', async () => {
    expect(await lines('try { "t"; throw "boom"; "not" } catch { "caught $_"; $_.GetType().FullName; $_.CategoryInfo.Reason } finally { "finally" }; "after"')).toEqual([
      't',
      'caught boom',
      'System.Management.Automation.ErrorRecord',
      'RuntimeException',
      'finally',
      'after',
    ]);
  });

  it('catches errors that -ErrorAction Stop makes terminating, but not non-terminating ones', async () => {
    expect(await lines('try { Write-Error "x" -ErrorAction Stop } catch { "caught: $($_.Exception.Message)" }')).toEqual(['caught: x']);
    const r = await run('try { Write-Error "y" } catch { "caught" }; "after"');
    expect(r.lines).toEqual(['after']);
    expect(r.errors.map((e) => e.message)).toEqual(['y']);
  });

  it('chooses the first catch whose type matches, through base types', async () => {
    expect(await lines('try { 1/0 } catch [System.ArithmeticException] { "arith" } catch { "any" }')).toEqual(['arith']);
    expect(await lines('try { Get-Nope } catch [System.Management.Automation.RuntimeException] { "runtime" }')).toEqual(['runtime']);
    expect(await lines('try { Write-Error x -ea Stop } catch [Microsoft.PowerShell.Commands.WriteErrorException] { "write" }')).toEqual(['write']);
    expect(await lines('try { throw "t" } catch [System.IO.IOException] { "io" } catch [Exception] { "exception" }')).toEqual(['exception']);
  });

  it('catches an error raised in a called function, and rethrows with a bare throw', async () => {
    const r = await run('function f { 1/0; "f continues" }; try { f } catch { "caught" }; try { try { throw "inner" } catch { throw } } catch { "outer $_" }');
    expect(r.lines).toEqual(['caught', 'outer inner']);
  });

  it('runs finally when an error ends the script', async () => {
    const r = await run('try { throw "x" } finally { "cleanup" }; "after"');
    expect(r.lines).toEqual(['cleanup']);
    expect(r.exitCode).toBe(1);
  });

  it('throws an ErrorRecord or an exception again as itself', async () => {
    expect(await lines('try { try { Get-Nope } catch { throw $_ } } catch { $_.FullyQualifiedErrorId }')).toEqual(['CommandNotFoundException']);
  });
});

describe('native commands', () => {
  const native = async (name: string, args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number } | undefined> => {
    if (name === 'hostname') return { stdout: 'IPAM1\r\n', stderr: '', exitCode: 0 };
    if (name === 'cmd') return { stdout: '', stderr: 'oops\r\n', exitCode: Number(args[args.length - 1]) };
    return undefined;
  };

  it('passes their output lines on and sets $LASTEXITCODE', async () => {
    const r = await run('$h = hostname; "name=$h"; cmd /c exit 5; $LASTEXITCODE', { native });
    expect(r.lines).toEqual(['name=IPAM1', '5']);
    expect(r.errors.map((e) => [e.message, e.init.errorId])).toEqual([['oops', 'NativeCommandError']]);
  });

  it('a failing native command last makes the exit code 1 (not its own)', async () => {
    expect((await run('cmd /c exit 5', { native })).exitCode).toBe(1);
    expect((await run('cmd /c exit 5; exit $LASTEXITCODE', { native })).exitCode).toBe(5);
  });

  it('an executable the host does not have is CommandNotFoundException', async () => {
    expect((await onlyError('nosuch.exe /x', { native })).init.errorId).toBe('CommandNotFoundException');
  });
});

describe('stopping', () => {
  it('the session signal stops while ($true) {} with "stopped", and the event loop keeps running meanwhile', async () => {
    const ac = new AbortController();
    const running = run('$i = 0; while ($true) { $i++ }', { signal: ac.signal });
    // Five timer callbacks can only run if the loop yields to the event loop; if it did not,
    // they would never fire and the test would hang (and fail on jest's timeout).
    await new Promise<void>((resolve) => {
      let ticks = 0;
      const timer = setInterval(() => {
        if (++ticks < 5) return;
        clearInterval(timer);
        resolve();
      }, 1);
    });
    ac.abort();
    expect(await running).toMatchObject({ stopped: true, exitCode: 1 });
  });

  it('stops Start-Sleep promptly and runs finally blocks', async () => {
    // A 30-second sleep that the signal did not cut short would outlast jest's timeout and fail the test.
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const r = await run('try { Start-Sleep -Seconds 30 } finally { Write-Host "cleaned up" }; "not reached"', { signal: ac.signal });
    expect(r.stopped).toBe(true);
    expect(r.information.map((i) => i.text)).toEqual(['cleaned up']);
    expect(r.lines).toEqual([]);
  });

  it('keeps state between runs of one session, one run at a time', async () => {
    const { session, take } = recordingSession();
    const a = session.run('$x = 1; Start-Sleep -Milliseconds 20; $x');
    const b = session.run('$x + 1');
    await Promise.all([a, b]);
    expect(take().output).toEqual([1, 2]);
  });

  it('records a terminating error in $Error once', async () => {
    const { session, take } = recordingSession();
    await session.run('function f { throw "once" }; f');
    await session.run('$Error.Count; $Error[0] -is [System.Management.Automation.ErrorRecord]');
    const out = take().output;
    expect(out.slice(-2)).toEqual([1, true]);
    expect(out.find((v) => v instanceof PsErrorRecord)).toBeUndefined();
  });
});
