/**
 * The state of one PowerShell session: its scopes, $Error, environment, loaded
 * modules and aliases, the host's streams and prompts, and the cooperative
 * scheduling that keeps a busy script from holding the event loop.
 */
import type { PsMachine, PsModule, PsStreams } from './commands';
import { makeList } from './collections';
import { PipelineStoppedError, PsRuntimeError } from './errors';
import { Scope } from './scope';
import { hostSink, type StreamSink } from './streams';
import { TypeRegistry } from './types';
import { PsErrorRecord, PsHashtable, type PsValue } from './values';

export interface PsInteractiveHost {
  /** Asks the user a yes/no question (ShouldProcess, ShouldContinue, Inquire); true is yes. */
  prompt(caption: string, message: string): Promise<boolean>;
}

export interface NativeResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface PsSessionOptions {
  readonly machine: PsMachine;
  /** The modules available right now (one may appear later, when a feature is installed). */
  readonly modules: () => readonly PsModule[];
  readonly streams: PsStreams;
  /** Objects reaching the end of a top-level pipeline; the host formats them (Out-Default). */
  readonly output: (value: PsValue) => void;
  /** $env: at the start. */
  readonly environment: ReadonlyMap<string, string>;
  /** Absent: a non-interactive session, where every prompt fails with PowerShell's NonInteractive error. */
  readonly interactive?: PsInteractiveHost;
  /** Aborted: the running script stops ("The pipeline has been stopped."). */
  readonly signal: AbortSignal;
  /** A native executable the host provides (hostname.exe, whoami, cmd /c …); undefined: not found. */
  readonly native?: (name: string, args: readonly string[]) => Promise<NativeResult | undefined>;
  /** $PID; default 4000-something fixed per session. */
  readonly processId?: number;
}

/** Statements or loop iterations between two yields to the event loop. */
export const YIELD_EVERY = 512;

/** Nested script block invocations (functions, `& {}`, ForEach-Object blocks) before CallDepthOverflow. */
export const MAX_CALL_DEPTH = 1000;

/** Statements finally blocks may still run once the script is being stopped (about_Try_Catch_Finally: they run on Ctrl+C). */
export const FINALLY_GRACE = 10_000;

/** $MaximumErrorCount: how many records $Error keeps. */
export const MAX_ERROR_COUNT = 256;

export const NON_INTERACTIVE_MESSAGE = 'Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.';

export class Engine {
  readonly types = new TypeRegistry();
  readonly global = new Scope(undefined, 'global');
  /** $Error: newest first. */
  readonly errorList: PsValue[] = makeList('ArrayList');
  readonly #env = new Map<string, { name: string; value: string }>();
  /** Imported modules by lower-case name. */
  readonly loaded = new Map<string, PsModule>();
  /** The engine's own modules (commands/) with what the host adds to them, set once by the session. */
  coreModules: readonly PsModule[] = [];
  /** Aliases defined by Set-Alias (module aliases come from command metadata). */
  readonly aliases = new Map<string, string>();
  readonly rootSink: StreamSink;
  callDepth = 0;
  /** $? */
  questionMark = true;
  /** Counts errors written (whatever the preference), so a pipeline can tell it wrote one ($? false). */
  errorsWritten = 0;
  #ticks = 0;
  /** > 0 while a finally block runs: it runs even when the script is being stopped. */
  finallyDepth = 0;
  /** Statements a finally block may run after a stop, so one that loops forever still ends. */
  #graceAfterStop = FINALLY_GRACE;

  constructor(readonly options: PsSessionOptions) {
    this.rootSink = hostSink(options.streams);
    for (const [name, value] of options.environment) this.#env.set(name.toLowerCase(), { name, value });
  }

  get signal(): AbortSignal {
    return this.options.signal;
  }

  get interactive(): boolean {
    return this.options.interactive !== undefined;
  }

  getEnv(name: string): string | undefined {
    return this.#env.get(name.toLowerCase())?.value;
  }

  setEnv(name: string, value: string | undefined): void {
    if (value === undefined || value === '') this.#env.delete(name.toLowerCase());
    else this.#env.set(name.toLowerCase(), { name: this.#env.get(name.toLowerCase())?.name ?? name, value });
  }

  envEntries(): Array<{ name: string; value: string }> {
    return [...this.#env.values()];
  }

  /** Throws PipelineStoppedError when the session's signal has fired. */
  checkStopped(): void {
    if (!this.options.signal.aborted) return;
    if (this.finallyDepth > 0 && this.#graceAfterStop-- > 0) return;
    throw new PipelineStoppedError();
  }

  /**
   * Called at every statement and loop iteration: every YIELD_EVERY calls it yields to
   * the event loop (so one busy shell does not freeze the server) and checks the signal.
   * Returns undefined when no yield is due, so callers await only when needed.
   */
  tick(): Promise<void> | undefined {
    this.checkStopped();
    if (++this.#ticks % YIELD_EVERY !== 0) return undefined;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.checkStopped());
  }

  /** Adds an error to $Error once (a rethrown error is not added again). */
  recordError(error: PsRuntimeError | PsErrorRecord): void {
    if (error instanceof PsRuntimeError) {
      if (error.recorded) return;
      error.recorded = true;
      this.recordError(error.record);
      return;
    }
    this.errorList.unshift(error);
    if (this.errorList.length > MAX_ERROR_COUNT) this.errorList.length = MAX_ERROR_COUNT;
  }

  /** A yes/no prompt; a non-interactive session throws PowerShell's NonInteractive error. */
  async prompt(caption: string, message: string, errorSource?: { commandName: string; errorSource: string }): Promise<boolean> {
    const host = this.options.interactive;
    if (!host) throw nonInteractiveError(errorSource);
    return host.prompt(caption, message);
  }

  /** $PSDefaultParameterValues and similar engine-wide tables start empty. */
  static emptyTable(): PsHashtable {
    return new PsHashtable();
  }
}

/**
 * The error a prompt raises in a non-interactive session: PSInvalidOperationException
 * with Windows PowerShell 5.1's text (ConsoleHostUserInterface, "NonInteractive mode");
 * raised inside a command it is that command's terminating error, FullyQualifiedErrorId
 * "InvalidOperation,<command>".
 */
export function nonInteractiveError(source?: { commandName: string; errorSource: string }): PsRuntimeError {
  return new PsRuntimeError(
    new PsErrorRecord({
      exceptionType: 'System.Management.Automation.PSInvalidOperationException',
      message: NON_INTERACTIVE_MESSAGE,
      errorId: 'InvalidOperation',
      category: 'InvalidOperation',
      activity: source?.commandName,
      commandName: source?.errorSource,
    }),
  );
}
