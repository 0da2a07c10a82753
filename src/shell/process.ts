/**
 * What a WinRS shell runs, seen from the shell: a command line in, text out on
 * stdout and stderr, bytes in on stdin, an exit code at the end, and a signal
 * that stops it. The shell service knows WS-Man and nothing of cmd.exe's or
 * PowerShell's grammar; the launcher (composed in app.ts) knows those.
 */
import type { FleetHost, Principal } from '../fleet/fleet';

/** Where a process reads what Send delivered. */
export interface ProcessStdin {
  /** The next chunk, or null once the client sent End (never, if it never does). */
  read(): Promise<Buffer | null>;
  /** Everything up to End, as one buffer. */
  readAll(): Promise<Buffer>;
}

export interface ProcessIo {
  readonly stdin: ProcessStdin;
  /** Text written to stdout or stderr; the shell encodes it in the shell's code page. */
  stdout(text: string): void;
  stderr(text: string): void;
  /** Aborted by Signal (terminate, ctrl_c, ctrl_break) or when the shell goes away. */
  readonly signal: AbortSignal;
}

/** The shell a process runs in (rsp:Shell, MS-WSMV 2.2.4.37) and the command's options (3.1.4.11). */
export interface ProcessContext {
  readonly host: FleetHost;
  readonly user: Principal;
  readonly clientAddress: string;
  readonly shellId: string;
  /** Variables given at Create (rsp:Environment), on top of the host's own. */
  readonly environment: ReadonlyMap<string, string>;
  readonly workingDirectory: string | undefined;
  /** WINRS_CODEPAGE: 437 by default, 65001 for UTF-8. */
  readonly codepage: number;
  /** WINRS_NOPROFILE. */
  readonly noProfile: boolean;
  /** WINRS_SKIP_CMD_SHELL: run the command line without cmd.exe. */
  readonly skipCmdShell: boolean;
  /** WINRS_CONSOLEMODE_STDIN: stdin is the console (true) or a pipe. */
  readonly consoleModeStdin: boolean;
}

/** rsp:CommandLine: rsp:Command and its rsp:Arguments, joined by spaces as WinRS does. */
export interface CommandLine {
  readonly command: string;
  readonly arguments: readonly string[];
}

/** Runs a command line to its end; resolves with the exit code. Rejecting is a bug of the launcher. */
export type ProcessLauncher = (line: CommandLine, ctx: ProcessContext, io: ProcessIo) => Promise<number>;

/** The whole command line as cmd.exe receives it. */
export function fullCommandLine(line: CommandLine): string {
  return [line.command, ...line.arguments].join(' ');
}
