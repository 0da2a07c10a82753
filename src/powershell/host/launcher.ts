/**
 * What starts when a WinRS shell runs a command line: through cmd.exe (the
 * default) or, with WINRS_SKIP_CMD_SHELL, the program directly, as Windows
 * does. cmd.exe's programs are hostname, whoami, cmd itself and powershell.exe,
 * which is given (the PowerShell console host). Knows no WS-Man: the composition
 * root adapts the shell's process contract to this one.
 */
import { CmdExe, notRecognized, type ConsoleContext, type ConsoleIo, type ConsoleProgram } from '../cmd/cmd';
import { hostname, whoami } from '../cmd/programs';

export interface LaunchOptions {
  /** WINRS_SKIP_CMD_SHELL: the first word is the program, the rest its arguments (no cmd.exe parsing). */
  readonly skipCmdShell: boolean;
}

export type CommandLauncher = (commandLine: string, ctx: ConsoleContext, io: ConsoleIo, options: LaunchOptions) => Promise<number>;

export function createLauncher(powershell: ConsoleProgram): CommandLauncher {
  const programs = new Map<string, ConsoleProgram>([
    ['hostname', hostname],
    ['whoami', whoami],
    ['powershell', powershell],
  ]);
  const cmd = new CmdExe(programs);
  // cmd.exe itself, for `cmd /c …` (and /k, which in a non-interactive shell also ends with the line).
  const cmdProgram: ConsoleProgram = (args, ctx, io) => {
    const m = /^\s*\/[ckCK]\s?(.*)$/s.exec(args);
    return cmd.run(m ? (m[1] as string) : '', ctx, io);
  };
  programs.set('cmd', cmdProgram);
  return async (commandLine, ctx, io, options) => {
    if (!options.skipCmdShell) return cmd.run(commandLine, ctx, io);
    const m = /^\s*("[^"]*"|\S+)(.*)$/s.exec(commandLine);
    const name = (m?.[1] ?? '').replace(/"/g, '');
    // A full path names the program too: C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe.
    const base = name.split('\\').pop()?.toLowerCase().replace(/\.(exe|com)$/, '') ?? '';
    const program = programs.get(base);
    if (!program) {
      io.stderr(notRecognized(name));
      return 9009;
    }
    return program(m?.[2] ?? '', ctx, io);
  };
}
