/**
 * Where the non-output streams go while something runs: the host's streams, or
 * a redirection's replacement (`2>$null` drops errors, `2>&1` merges them into
 * the command's output). Preference filtering happens before a record gets here.
 */
import type { PsProgressRecord, PsStreams } from './commands';
import { PsObject, type PsErrorRecord, type PsValue } from './values';

export interface StreamSink {
  error(record: PsErrorRecord): void;
  warning(text: string): void;
  verbose(text: string): void;
  debug(text: string): void;
  information(text: string, options: { readonly fromHost: boolean; readonly noNewLine: boolean }): void;
  /** The host UI's own line: never redirected (PowerShell's host writes it outside the streams). */
  hostLine(text: string): void;
  progress(sourceId: number, record: PsProgressRecord): void;
}

export function hostSink(streams: PsStreams): StreamSink {
  return {
    error: (r) => streams.writeError(r),
    warning: (t) => streams.writeWarning(t),
    verbose: (t) => streams.writeVerbose(t),
    debug: (t) => streams.writeDebug(t),
    information: (t, o) => streams.writeInformation(t, o),
    hostLine: (t) => streams.writeHostLine(t),
    progress: (id, r) => streams.writeProgress(id, r),
  };
}

/** A WarningRecord / VerboseRecord / DebugRecord as it appears in output after `3>&1`. */
function informationalRecord(type: 'Warning' | 'Verbose' | 'Debug', text: string): PsObject {
  return new PsObject([`System.Management.Automation.${type}Record`, 'System.Management.Automation.InformationalRecord', 'System.Object'], [['Message', text]], { text });
}

function informationRecord(text: string): PsObject {
  return new PsObject(['System.Management.Automation.InformationRecord', 'System.Object'], [['MessageData', text]], { text });
}

/**
 * Applies a command's redirections, in order, to the sink it would otherwise write to.
 * `stream` is PowerShell's number ('2' error … '6' information, '*' all); `merge` sends
 * the stream into `output`; otherwise the stream is discarded (a target of $null, or a
 * file: this engine has no file system, see docs/powershell.md).
 */
export function redirectedSink(base: StreamSink, redirections: ReadonlyArray<{ stream: string; merge: boolean }>, output: (v: PsValue) => void): StreamSink {
  let sink = base;
  for (const r of redirections) {
    const applies = (n: string): boolean => r.stream === '*' || r.stream === n;
    const prev = sink;
    const drop = (): void => undefined;
    sink = {
      error: applies('2') ? (r.merge ? (rec) => output(rec) : drop) : (rec) => prev.error(rec),
      warning: applies('3') ? (r.merge ? (t) => output(informationalRecord('Warning', t)) : drop) : (t) => prev.warning(t),
      verbose: applies('4') ? (r.merge ? (t) => output(informationalRecord('Verbose', t)) : drop) : (t) => prev.verbose(t),
      debug: applies('5') ? (r.merge ? (t) => output(informationalRecord('Debug', t)) : drop) : (t) => prev.debug(t),
      information: applies('6') ? (r.merge ? (t) => output(informationRecord(t)) : drop) : (t, o) => prev.information(t, o),
      hostLine: (t) => prev.hostLine(t),
      progress: (id, rec) => prev.progress(id, rec),
    };
  }
  return sink;
}
