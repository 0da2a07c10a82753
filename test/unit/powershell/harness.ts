/**
 * Runs PowerShell scripts in a PsSession and records what a host would see:
 * output objects, each stream, and the exit code.
 */
import type { PsModule, PsProgressRecord } from '../../../src/powershell/runtime/commands';
import { toStringPs } from '../../../src/powershell/runtime/conversions';
import { PsSession, type NativeResult, type PsInteractiveHost } from '../../../src/powershell/runtime/session';
import type { PsErrorRecord, PsValue } from '../../../src/powershell/runtime/values';

export interface Recorded {
  readonly output: PsValue[];
  readonly errors: PsErrorRecord[];
  readonly warnings: string[];
  readonly verbose: string[];
  readonly debug: string[];
  readonly information: Array<{ text: string; fromHost: boolean; noNewLine: boolean }>;
  readonly progress: PsProgressRecord[];
  /** Lines the host UI wrote with no record behind them (ShouldProcess's "What if:"). */
  readonly hostLines: string[];
}

export interface RunOutcome extends Recorded {
  readonly exitCode: number;
  readonly stopped: boolean;
  /** Output as PowerShell's strings ("$x" of each object). */
  readonly lines: string[];
}

export interface HarnessOptions {
  readonly modules?: readonly PsModule[];
  readonly interactive?: PsInteractiveHost;
  readonly native?: (name: string, args: readonly string[]) => Promise<NativeResult | undefined>;
  readonly signal?: AbortSignal;
  readonly environment?: ReadonlyMap<string, string>;
}

export const MACHINE = { computerName: 'IPAM1', fqdn: 'ipam1.contoso.com', userDomain: 'CONTOSO', userName: 'Administrator' } as const;

/** A session whose streams are recorded; `take()` returns and clears what was recorded. */
export function recordingSession(options: HarnessOptions = {}): { session: PsSession; take(): Recorded } {
  let r: Recorded;
  const reset = (): void => {
    r = { output: [], errors: [], warnings: [], verbose: [], debug: [], information: [], progress: [], hostLines: [] };
  };
  reset();
  const session = new PsSession({
    machine: MACHINE,
    modules: () => options.modules ?? [],
    streams: {
      writeError: (e) => r.errors.push(e),
      writeWarning: (t) => r.warnings.push(t),
      writeVerbose: (t) => r.verbose.push(t),
      writeDebug: (t) => r.debug.push(t),
      writeProgress: (_id, p) => r.progress.push(p),
      writeInformation: (text, o) => r.information.push({ text, fromHost: o.fromHost, noNewLine: o.noNewLine }),
      writeHostLine: (text) => r.hostLines.push(text),
    },
    output: (v) => r.output.push(v),
    environment: options.environment ?? new Map([['TEMP', 'C:\\Users\\Administrator\\AppData\\Local\\Temp']]),
    interactive: options.interactive,
    signal: options.signal ?? new AbortController().signal,
    native: options.native,
    processId: 4242,
  });
  return {
    session,
    take: () => {
      const taken = r;
      reset();
      return taken;
    },
  };
}

/** Runs one script in a fresh session. */
export async function run(script: string, options: HarnessOptions = {}): Promise<RunOutcome> {
  const { session, take } = recordingSession(options);
  const result = await session.run(script);
  const recorded = take();
  return { ...recorded, ...result, lines: recorded.output.map((v) => toStringPs(v)) };
}

/** The output of a script as strings, failing the test if it wrote an error. */
export async function lines(script: string, options: HarnessOptions = {}): Promise<string[]> {
  const r = await run(script, options);
  if (r.errors.length) throw new Error(`unexpected error: ${r.errors.map((e) => `${e.fullyQualifiedErrorId}: ${e.message}`).join('\n')}`);
  return r.lines;
}

/** The single error a script wrote. */
export async function onlyError(script: string, options: HarnessOptions = {}): Promise<PsErrorRecord> {
  const r = await run(script, options);
  if (r.errors.length !== 1) throw new Error(`expected one error, got ${r.errors.length}: ${r.errors.map((e) => e.message).join(' | ')}`);
  return r.errors[0];
}
