/**
 * powershell.exe run by a WinRS shell: the console host of Windows PowerShell 5.1
 * with stdout and stderr redirected and no console (reference/winrs-shell.md §3):
 *
 * - output objects go through Out-Default to stdout (the host's buffer is 120 wide);
 * - with -EncodedCommand and no -OutputFormat, errors, warnings, verbose, debug,
 *   progress and information records go to stderr as CLIXML (`#< CLIXML` first), as
 *   ConsoleHost does for a non-interactive redirected host; otherwise errors are the
 *   error view's text on stderr, and WARNING:/VERBOSE:/DEBUG: lines go to stdout;
 * - Write-Host writes its text to stdout with a bare LF;
 * - the exit code is the session's (exit N; 1 after an error that ended the script
 *   or when the last statement failed; 0 otherwise);
 * - the host is non-interactive: it has no console to ask on, so every prompt is
 *   PowerShell's NonInteractive error, -NonInteractive or not (docs/powershell.md).
 */
import { ClixmlStderr, errorViewLines, OutDefaultFormatter, streamRecordText, writeHostText } from '../format';
import type { PsMachine, PsMachineTime, PsModule, PsProgressRecord, PsStreams } from '../runtime/commands';
import { PsSession, type NativeResult } from '../runtime/session';
import type { PsErrorRecord, PsValue } from '../runtime/values';
import type { ConsoleContext, ConsoleIo, ConsoleProgram } from '../cmd/cmd';
import { parsePowerShellArguments, PowerShellUsageError, USAGE_EXIT_CODE } from './commandLine';

/** The console buffer width of a WinRS-started powershell.exe (the recorded error text wraps at 120). */
export const HOST_WIDTH = 120;
/** $PID of the emulated powershell.exe (fixed: nothing depends on it, and replies stay reproducible). */
const PROCESS_ID = 4712;
/** The longest script the host runs (a WinRS command line is far shorter; stdin can carry more). */
export const MAX_SCRIPT_CHARS = 4 * 1024 * 1024;

export interface ConsoleHostDeps {
  /** The modules of this machine for this session (IpamServer only where its feature is installed, looked up each time). */
  readonly modules: () => readonly PsModule[];
  /** The machine the session runs on. */
  readonly machine: (ctx: ConsoleContext) => PsMachine;
  /** A native program run from PowerShell (hostname, whoami, cmd /c …), output captured; undefined: not found. */
  readonly native: (name: string, args: readonly string[], ctx: ConsoleContext, signal: AbortSignal) => Promise<NativeResult | undefined>;
}

/** powershell.exe as a console program. */
export function powershellProgram(deps: ConsoleHostDeps): ConsoleProgram {
  return async (argsText, ctx, io) => {
    let args;
    try {
      args = parsePowerShellArguments(argsText);
    } catch (e) {
      if (!(e instanceof PowerShellUsageError)) throw e;
      io.stderr(`${e.message}\r\n`);
      return USAGE_EXIT_CODE;
    }
    let script: string;
    switch (args.command.kind) {
      case 'encoded':
      case 'text':
        script = args.command.script;
        break;
      case 'stdin':
        script = (await io.stdin.readAll()).toString('utf8');
        break;
      default:
        // No command: an interactive console would start; with no console, there is nothing to run.
        return 0;
    }
    if (script.length > MAX_SCRIPT_CHARS) {
      io.stderr(`The script is ${script.length} characters long; the emulator's PowerShell runs scripts of up to ${MAX_SCRIPT_CHARS}.\r\n`);
      return 1;
    }
    const clixml = args.command.kind === 'encoded' && args.outputFormat === undefined;
    return runScript(script, clixml, deps, ctx, io);
  };
}

async function runScript(script: string, clixml: boolean, deps: ConsoleHostDeps, ctx: ConsoleContext, io: ConsoleIo): Promise<number> {
  const formatter = new OutDefaultFormatter({ bufferWidth: HOST_WIDTH, views: deps.modules().flatMap((m) => m.views ?? []) });
  const machine = deps.machine(ctx);
  const stderr = clixml
    ? new ClixmlStderr((chunk) => io.stderr(chunk), {
        bufferWidth: HOST_WIDTH,
        host: { user: `${machine.userDomain}\\${machine.userName}`, computer: machine.computerName, processId: PROCESS_ID, nativeThreadId: 1868, managedThreadId: 1 },
        now: machine.time ? () => (machine.time as PsMachineTime).now() : undefined,
      })
    : undefined;
  const text = (record: string): void => io.stdout(`${record}\r\n`);
  const streams: PsStreams = {
    writeError: (record: PsErrorRecord) => (stderr ? stderr.error(record) : io.stderr(errorViewLines(record, { bufferWidth: HOST_WIDTH }).map((l) => `${l}\r\n`).join(''))),
    writeWarning: (t) => (stderr ? stderr.warning(t) : text(streamRecordText('warning', t))),
    writeVerbose: (t) => (stderr ? stderr.verbose(t) : text(streamRecordText('verbose', t))),
    writeDebug: (t) => (stderr ? stderr.debug(t) : text(streamRecordText('debug', t))),
    // A console host shows progress on the console only; redirected, it goes to CLIXML or nowhere.
    writeProgress: (sourceId: number, record: PsProgressRecord) => stderr?.progress(sourceId, record),
    writeInformation: (t, o) => {
      if (o.fromHost) io.stdout(writeHostText(t, o.noNewLine));
      stderr?.information({ text: t, fromHost: o.fromHost, noNewLine: o.noNewLine });
    },
    writeHostLine: (t) => io.stdout(writeHostText(t, false)),
  };
  const session = new PsSession({
    machine,
    processId: PROCESS_ID,
    modules: deps.modules,
    streams,
    output: (value: PsValue) => io.stdout(formatter.write(value)),
    environment: ctx.environment,
    signal: io.signal,
    native: (name, nativeArgs) => deps.native(name, nativeArgs, ctx, io.signal),
  });
  const result = await session.run(script);
  io.stdout(formatter.end());
  stderr?.close();
  return result.exitCode;
}
