/**
 * The emulator's structured log: JSON lines through pino. Authorization headers
 * and bodies are never logged; redaction guards the paths where a secret could
 * slip in by mistake.
 */
import pino, { type Logger } from 'pino';
import { createConsoleStream } from './console';

export type { Logger };

/** The part of pino's stdout destination (sonic-boom) that can hold an exit up. */
interface Drainable {
  flushSync(): void;
  write(chunk: string): boolean;
  end(): void;
}

/** The stdout destinations of the loggers made here, so drainLog can give up on one. */
const destinations = new WeakMap<Logger, Drainable>();
/** Loggers whose stdout is a broken pipe. */
const broken = new WeakSet<Logger>();

/**
 * The emulator's logger, to stdout unless given a destination. `pretty`: one readable line per
 * record for a person at a terminal (src/console); `json` (pino's lines) for everything else.
 */
export function createLogger(level: string = process.env.IPAM_EMULATOR_LOG_LEVEL ?? 'info', destination?: pino.DestinationStream, format: 'json' | 'pretty' = 'json'): Logger {
  const stdout = destination ? undefined : pino.destination({ dest: 1, sync: false });
  // pretty: pino's lines turned into lines for people on their way to stdout (src/console).
  const dest = destination ?? (format === 'pretty' ? createConsoleStream(stdout as unknown as NodeJS.WritableStream, { color: process.stdout.isTTY === true }) : (stdout as pino.DestinationStream));
  const logger = pino(
    {
      level,
      base: { name: 'ipam-emulator' },
      redact: {
        paths: ['password', '*.password', 'authorization', '*.authorization', 'headers.authorization', 'credential', '*.credential'],
        censor: '[redacted]',
      },
    },
    dest,
  );
  if (stdout) {
    destinations.set(logger, stdout as unknown as Drainable);
    // pino stops writing to a broken pipe (EPIPE); drainLog must then not wait for what can never be written.
    (stdout as unknown as NodeJS.EventEmitter).on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') broken.add(logger);
    });
  }
  return logger;
}

/**
 * Lets the log drain for `ms` at most, then stops writing it. Stdout may be a pipe nobody reads any
 * more (`serve | head`, a test runner's pipe it stopped reading): pino's flush at exit is a synchronous
 * write that would wait on such a pipe, or retry a broken one, for ever. Call it just before exiting.
 * False when a write was still stuck at the end (the pipe is full).
 */
export async function drainLog(log: Logger, ms: number): Promise<boolean> {
  const dest = destinations.get(log);
  // sonic-boom's own state: a write in flight (`_writing`) and bytes not yet written (`_len`).
  const state = (dest ?? {}) as { _writing?: boolean; _len?: number };
  const pending = (): boolean => !broken.has(log) && (state._writing === true || (state._len ?? 0) > 0);
  const until = Date.now() + ms;
  while (pending() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  const drained = !pending();
  abandonLog(log);
  return drained;
}

/**
 * Writes text for people (the banner of `serve`) to the logger's stdout, in order with its records;
 * to process.stdout for a logger with a destination of its own.
 */
export function writeBesideLog(log: Logger, text: string): void {
  const dest = destinations.get(log);
  if (dest) dest.write(text);
  else process.stdout.write(text);
}

/** Stops writing the log to stdout and drops what is left, so an exit right now cannot wait on stdout. */
export function abandonLog(log: Logger): void {
  const dest = destinations.get(log);
  if (!dest) return;
  dest.flushSync = () => undefined;
  dest.write = () => true;
  dest.end = () => undefined;
}
