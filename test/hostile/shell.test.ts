/**
 * Hostile input through the shell door (issue 11): what a careless or malicious client can send
 * a WinRS shell and its PowerShell. Each gets a clean WS-Man fault or a PowerShell error, nothing
 * half-made is left, and the server goes on answering.
 */
import path from 'node:path';
import { loadFixture } from '../../src/config/fixture';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { ACTION, IDENTIFY, post } from '../support/soap';
import { RSP, SHELL_URI, ShellClient, ShellFault, encodedCommand } from '../support/shell';
import { call, faultOf } from '../support/soap';

jest.setTimeout(120_000);

let emu: TestEmulator;
let shell: ShellClient;
beforeAll(async () => {
  const fx = loadFixture(path.join(__dirname, '..', '..', 'fixtures', 'contoso.json'));
  fx.policy = { ...fx.policy, shell: { maxShellsPerUser: 5 } };
  emu = await startEmulator({ fixture: fx });
  shell = new ShellClient(emu.url);
});
afterAll(() => emu.stop());

/** After each case the server still answers, and no shell of the case is left open. */
afterEach(async () => {
  expect((await post(emu.url, IDENTIFY, { WSMANIDENTIFY: 'unauthenticated', Authorization: '' })).status).toBe(200);
});

async function psRun(script: string): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const { shellId } = await shell.create();
  const commandId = await shell.command(shellId, encodedCommand(script));
  const r = await shell.receiveAll(shellId, commandId);
  await shell.delete(shellId);
  return r;
}

async function viaStdin(script: string): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const { shellId } = await shell.create();
  const commandId = await shell.command(shellId, 'powershell', ['-NoProfile', '-Command', '-']);
  // In Sends of 256 KB, under MaxEnvelopeSize with the base64.
  const bytes = Buffer.from(script, 'utf8');
  for (let at = 0; at < bytes.length; at += 256 * 1024) {
    await shell.send(shellId, commandId, bytes.subarray(at, at + 256 * 1024).toString('utf8'), at + 256 * 1024 >= bytes.length);
  }
  const r = await shell.receiveAll(shellId, commandId);
  await shell.delete(shellId);
  return r;
}

const nested = (open: string, close: string, depth: number, inner = '1'): string => open.repeat(depth) + inner + close.repeat(depth);

describe('PowerShell input', () => {
  test.each([
    ['parentheses', nested('(', ')', 10_000)],
    ['script blocks', nested('& {', '}', 10_000)],
    ['sub-expressions', nested('$(', ')', 10_000)],
    ['array sub-expressions', nested('@(', ')', 10_000)],
    ['hashtables', nested('@{a=', '}', 10_000)],
    ['strings in sub-expressions', nested('"$(', ')"', 10_000)],
  ])('10,000-deep nesting of %s is a ParseError, not a crash', async (_kind, script) => {
    const r = await viaStdin(script);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('ScriptTooComplicated');
  });

  test('a 1 MB script (through stdin) runs to its end', async () => {
    const line = "$x = 'IPAM provisioning script line, long enough to make the script large'\n";
    const script = line.repeat(Math.ceil((1024 * 1024) / line.length)) + "Write-Output 'done'\n";
    expect(script.length).toBeGreaterThan(1024 * 1024);
    expect(await viaStdin(script)).toMatchObject({ stdout: 'done\r\n', exitCode: 0 });
  });

  test.each([
    ['a double-quoted string', 'Write-Output "never ends', 'TerminatorExpectedAtEndOfString'],
    ['a single-quoted string', "Write-Output 'never ends", 'TerminatorExpectedAtEndOfString'],
    ['a here-string', '$s = @"\nnever ends', 'The string is missing the terminator: "@.'],
    ['a script block', 'if ($true) { Write-Output 1', 'MissingEndCurlyBrace'],
    ['a sub-expression', 'Write-Output $(1', 'MissingEndParenthesisInSubexpression'],
  ])('unterminated, %s is a ParseError with its position (CLIXML on stderr), exit 1', async (_kind, script, id) => {
    const r = await psRun(script);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.startsWith('#< CLIXML\r\n')).toBe(true);
    expect(r.stderr).toContain(id);
    expect(r.stderr).toContain('At line:');
  });

  test('invalid UTF-16 in -EncodedCommand (an odd byte, a lone surrogate) runs as U+FFFD: a PowerShell error, not a crash', async () => {
    const oddByte = Buffer.concat([Buffer.from('Write-Output 1', 'utf16le'), Buffer.from([0x41])]).toString('base64');
    const loneSurrogate = Buffer.concat([Buffer.from('Write-Output ', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from(' 2', 'utf16le')]).toString('base64');
    for (const b64 of [oddByte, loneSurrogate]) {
      const { shellId } = await shell.create();
      const commandId = await shell.command(shellId, `powershell -EncodedCommand ${b64}`);
      const r = await shell.receiveAll(shellId, commandId);
      await shell.delete(shellId);
      expect(r.exitCode).toBeGreaterThanOrEqual(0);
      expect(r.stdout + r.stderr).not.toBe('');
    }
  });

  test('-EncodedCommand that is not Base64: ConsoleHost\'s text and exit 0xFFFD0000', async () => {
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, 'powershell -EncodedCommand not!base64!');
    const r = await shell.receiveAll(shellId, commandId);
    await shell.delete(shellId);
    expect(r).toEqual({
      stdout: '',
      stderr: 'Cannot process the command because the value specified with -EncodedCommand is not properly encoded. The value must be Base64 encoded.\r\n',
      exitCode: -196608,
      receives: expect.any(Number),
    });
  });

  test('a busy loop is stopped by Signal terminate, and the shell and server stay usable', async () => {
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, encodedCommand('while ($true) { $i++ }'));
    await expect(shell.receive(shellId, commandId, 'PT1S')).rejects.toBeInstanceOf(ShellFault);
    await shell.signal(shellId, commandId);
    const next = await shell.command(shellId, 'hostname');
    expect((await shell.receiveAll(shellId, next)).stdout).toBe('IPAM1\r\n');
    await shell.delete(shellId);
  });

  test('ctrl_c stops a running script; its Done carries STATUS_CONTROL_C_EXIT', async () => {
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, encodedCommand('Start-Sleep -Seconds 600'));
    await shell.signal(shellId, commandId, `${RSP}/signal/ctrl_c`);
    const r = await shell.receiveAll(shellId, commandId);
    expect(r.exitCode).toBe(0xc000013a | 0);
    await shell.delete(shellId);
  });
});

describe('WS-Man input to the shell', () => {
  const raw = (action: string, selectors: Record<string, string> | undefined, body: string) => call(emu.url, { action, resourceUri: SHELL_URI, ...(selectors ? { selectors } : {}), body });

  test('more shells than MaxShellsPerUser: the quota fault, and the others still work', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await shell.create()).shellId);
    await expect(shell.create()).rejects.toBeInstanceOf(ShellFault);
    const commandId = await shell.command(ids[0]!, 'hostname');
    expect((await shell.receiveAll(ids[0]!, commandId)).stdout).toBe('IPAM1\r\n');
    for (const id of ids) await shell.delete(id);
  });

  test.each([
    ['a Create without rsp:Shell', ACTION.create, undefined, '<x/>', 'w:SchemaValidationError'],
    ['a Command without ShellId', `${RSP}/Command`, undefined, `<rsp:CommandLine xmlns:rsp="${RSP}"><rsp:Command>hostname</rsp:Command></rsp:CommandLine>`, 'w:InvalidSelectors'],
    ['a Command for a ShellId that is not a GUID', `${RSP}/Command`, { ShellId: '../../etc/passwd' }, `<rsp:CommandLine xmlns:rsp="${RSP}"><rsp:Command>hostname</rsp:Command></rsp:CommandLine>`, 'w:InvalidSelectors'],
    ['a Receive for a shell that never was', `${RSP}/Receive`, { ShellId: '00000000-0000-0000-0000-000000000000' }, `<rsp:Receive xmlns:rsp="${RSP}"><rsp:DesiredStream CommandId="X">stdout</rsp:DesiredStream></rsp:Receive>`, 'w:InvalidSelectors'],
    ['a Create asking an IdleTimeOut that is no duration', ACTION.create, undefined, `<rsp:Shell xmlns:rsp="${RSP}"><rsp:IdleTimeOut>forever</rsp:IdleTimeOut></rsp:Shell>`, 'w:InvalidParameter'],
    ['an unknown shell action', `${RSP}/Teleport`, undefined, '', 'a:ActionNotSupported'],
  ])('%s: %s', async (_name, action, selectors, body, subcode) => {
    const r = await raw(action, selectors, body);
    expect(r.status).toBe(500);
    expect(faultOf(r.xml).subcode).toBe(subcode);
  });

  test('Send of data that is not base64, and a Signal with an unknown code, are refused; the command is unharmed', async () => {
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, 'powershell', ['-Command', '-']);
    const send = await raw(`${RSP}/Send`, { ShellId: shellId }, `<rsp:Send xmlns:rsp="${RSP}"><rsp:Stream Name="stdin" CommandId="${commandId}">%%%not base64%%%</rsp:Stream></rsp:Send>`);
    expect(faultOf(send.xml).subcode).toBe('w:InvalidParameter');
    const signal = await raw(`${RSP}/Signal`, { ShellId: shellId }, `<rsp:Signal xmlns:rsp="${RSP}" CommandId="${commandId}"><rsp:Code>http://evil.example/explode</rsp:Code></rsp:Signal>`);
    expect(faultOf(signal.xml).subcode).toBe('w:InvalidParameter');
    await shell.send(shellId, commandId, "Write-Output 'still here'\n", true);
    expect((await shell.receiveAll(shellId, commandId)).stdout).toBe('still here\r\n');
    await shell.delete(shellId);
  });

  test('a command line over 8191 characters is cmd\'s refusal, not a crash', async () => {
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, 'echo', ['x'.repeat(9000)]);
    expect(await shell.receiveAll(shellId, commandId)).toMatchObject({ stderr: 'The command line is too long.\r\n', exitCode: 1 });
    await shell.delete(shellId);
  });
});
