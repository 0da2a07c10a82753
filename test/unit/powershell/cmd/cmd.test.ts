/**
 * The cmd.exe subset a WinRS command line runs through (reference/winrs-shell.md §4):
 * recorded outputs where there are recordings, cmd's documented behaviour elsewhere.
 */
import { CmdExe, notRecognized, splitCommands, type ConsoleContext, type ConsoleIo, type ConsoleProgram } from '../../../../src/powershell/cmd/cmd';
import { hostname, whoami } from '../../../../src/powershell/cmd/programs';

function context(): ConsoleContext {
  return {
    computerName: 'IPAM1',
    userDomain: 'IPAM1',
    userName: 'Administrator',
    environment: new Map([
      ['COMPUTERNAME', 'IPAM1'],
      ['Path', 'C:\\Windows\\system32;C:\\Windows'],
      ['USERNAME', 'Administrator'],
    ]),
    workingDirectory: 'C:\\Users\\Administrator',
    codepage: 437,
  };
}

async function run(line: string, programs: Record<string, ConsoleProgram> = {}, ctx = context()): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const io: ConsoleIo = {
    stdin: { read: async () => null, readAll: async () => Buffer.alloc(0) },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    signal: new AbortController().signal,
  };
  const cmd = new CmdExe(new Map(Object.entries({ hostname, whoami, ...programs })));
  const code = await cmd.run(line, ctx, io);
  return { stdout, stderr, code };
}

test('echo hi → "hi\\r\\n", exit 0 (recorded)', async () => {
  expect(await run('echo hi')).toEqual({ stdout: 'hi\r\n', stderr: '', code: 0 });
});

test('echo out && echo err>&2 && exit 1: stdout "out \\r\\n", stderr "err \\r\\n", ExitCode 1 (recorded, spaces kept)', async () => {
  expect(await run('echo out && echo err>&2 && exit 1')).toEqual({ stdout: 'out \r\n', stderr: 'err \r\n', code: 1 });
});

test('an unknown program: the "is not recognized" text on stderr and ERRORLEVEL 9009', async () => {
  const r = await run('fake arg');
  expect(r).toEqual({ stdout: '', stderr: "'fake' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n", code: 9009 });
  expect(notRecognized('PowerShell')).toContain("'PowerShell' is not recognized");
});

test('|| runs on failure, && only on success, & always', async () => {
  expect((await run('fake || echo fallback')).stdout).toBe('fallback\r\n');
  expect((await run('fake && echo never')).stdout).toBe('');
  expect((await run('fake & echo always')).stdout).toBe('always\r\n');
  expect((await run('echo a&&echo b')).stdout).toBe('a\r\nb\r\n');
});

test('exit /b N ends the line with N; later commands do not run', async () => {
  expect(await run('exit /b 3 & echo no')).toEqual({ stdout: '', stderr: '', code: 3 });
  expect((await run('exit 7')).code).toBe(7);
});

test('hostname and whoami', async () => {
  expect((await run('hostname')).stdout).toBe('IPAM1\r\n');
  expect((await run('hostname.exe')).stdout).toBe('IPAM1\r\n');
  expect((await run('whoami')).stdout).toBe('ipam1\\administrator\r\n');
  expect((await run('WHOAMI /bogus')).code).toBe(1);
});

test('set lists the environment sorted, NAME=value, and sets for later commands', async () => {
  expect((await run('set')).stdout).toBe('COMPUTERNAME=IPAM1\r\nPath=C:\\Windows\\system32;C:\\Windows\r\nUSERNAME=Administrator\r\n');
  expect((await run('set P')).stdout).toBe('Path=C:\\Windows\\system32;C:\\Windows\r\n');
  expect(await run('set NOPE')).toEqual({ stdout: '', stderr: 'Environment variable NOPE not defined\r\n', code: 1 });
  const ctx = context();
  await run('set GREETING=hello', {}, ctx);
  expect((await run('set GREETING', {}, ctx)).stdout).toBe('GREETING=hello\r\n');
});

test('%VAR% expands once, before the line runs; an unknown one stays as written', async () => {
  expect((await run('echo %COMPUTERNAME% %NOPE%')).stdout).toBe('IPAM1 %NOPE%\r\n');
});

test('^ escapes an operator; quotes protect one', async () => {
  expect((await run('echo a ^& b')).stdout).toBe('a & b\r\n');
  expect((await run('echo "a & b"')).stdout).toBe('"a & b"\r\n');
});

test('>nul and 2>nul drop a stream; 2>&1 joins stderr to stdout', async () => {
  expect((await run('echo x >nul')).stdout).toBe('');
  expect(await run('fake 2>nul')).toEqual({ stdout: '', stderr: '', code: 9009 });
  expect((await run('fake 2>&1')).stdout).toContain("'fake' is not recognized");
});

test('a program gets the raw text after its name', async () => {
  const seen: string[] = [];
  const ps: ConsoleProgram = async (args) => {
    seen.push(args);
    return 5;
  };
  expect((await run('powershell -NoProfile -EncodedCommand ABC= && echo no', { powershell: ps })).code).toBe(5);
  expect((await run('PowerShell.exe -Command "Get-Date; exit 2"', { powershell: ps })).code).toBe(5);
  expect(seen).toEqual([' -NoProfile -EncodedCommand ABC= ', ' -Command "Get-Date; exit 2"']);
});

test('a file redirection is refused (the emulator has no file system to write)', async () => {
  expect(await run('echo x > C:\\temp\\out.txt')).toEqual({ stdout: '', stderr: 'Access is denied.\r\n', code: 1 });
});

test('splitCommands keeps >&2 as a redirection', () => {
  expect(splitCommands('echo err>&2 && exit 1').map((s) => s.text)).toEqual(['echo err>&2 ', ' exit 1']);
});

test('a line over 8191 characters is refused', async () => {
  expect((await run(`echo ${'x'.repeat(9000)}`)).stderr).toBe('The command line is too long.\r\n');
});

test('| pipes the left side\'s stdout into the right side (a program it cannot find gets nothing through)', async () => {
  const got: string[] = [];
  const reader: ConsoleProgram = async (_args, _ctx, io) => {
    got.push((await io.stdin.readAll()).toString('utf8'));
    return 0;
  };
  expect(await run('echo piped | reader', { reader })).toEqual({ stdout: '', stderr: '', code: 0 });
  expect(got).toEqual(['piped \r\n']);
  expect(await run('hostname | Select-Object -First 1')).toEqual({ stdout: '', stderr: "'Select-Object' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n", code: 9009 });
});
