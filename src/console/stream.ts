/**
 * A destination for pino that writes the log for people: each JSON line it is given comes out
 * formatted (logLine.ts) on `out`. pino hands its destination whole lines, one or more per write.
 */
import { formatLogLine, type ConsoleOptions } from './logLine';

export interface ConsoleStream {
  write(chunk: string): boolean;
}

export function createConsoleStream(out: NodeJS.WritableStream, opts: ConsoleOptions): ConsoleStream {
  return {
    write(chunk: string): boolean {
      let text = '';
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        const record = parseRecord(line);
        // Anything that is not a log record (a stray line written to the same stream) passes as it came.
        text += `${record ? formatLogLine(record, opts) : line}\n`;
      }
      return text === '' || out.write(text);
    },
  };
}

function parseRecord(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
