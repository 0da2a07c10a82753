/**
 * Out-Default as a host uses it: objects in, one at a time, console text out. It is the default
 * formatter (shaper.ts) feeding the line writer (lineWriter.ts), lines ending in CRLF as the
 * console host writes them. Format-* objects in the input are written as they are.
 */
import type { PsFormatView } from '../runtime/commands';
import type { PsValue } from '../runtime/values';
import { UTC, type UtcOffset } from './dates';
import { FormatLineWriter } from './lineWriter';
import { FormatShaper, type FormatMode, type PropertySpec } from './shaper';
import { DEFAULT_DISPLAY, type DisplaySettings } from './text';
import type { FormatView } from './views';

export const CRLF = '\r\n';

export interface OutputFormatOptions {
  /** $Host.UI.RawUI.BufferSize.Width of the session's console (WinRS gives 120 on Server 2022). */
  readonly bufferWidth: number;
  /** Views of the loaded modules (PsModule.views), searched before the built-in ones. */
  readonly views?: readonly (PsFormatView | FormatView)[];
  /** Cells per line; default bufferWidth - 1, as the console host never writes its last column. */
  readonly columns?: number;
  /** $FormatEnumerationLimit (4). */
  readonly enumerationLimit?: number;
  /** The emulated host's time zone (minutes east of UTC at an instant); default UTC. */
  readonly utcOffset?: UtcOffset;
  /** Milliseconds, for the 300 ms autosize window of tables; default Date.now. */
  readonly clock?: () => number;
}

export function displaySettings(options: OutputFormatOptions): DisplaySettings {
  return { enumerationLimit: options.enumerationLimit ?? DEFAULT_DISPLAY.enumerationLimit, utcOffset: options.utcOffset ?? UTC };
}

/** Lines as the console writes them: each followed by CRLF. */
export function joinLines(lines: readonly string[]): string {
  return lines.map((l) => l + CRLF).join('');
}

/**
 * Write-Host's text on a redirected stdout (WinRS): the text and a bare LF, not CRLF (recorded
 * in pypsrp's WinRS test data); nothing after it with -NoNewline. Its information record goes
 * to stderr's CLIXML as well (ClixmlStderr.information).
 */
export function writeHostText(text: string, noNewLine = false): string {
  return noNewLine ? text : `${text}\n`;
}

/** The shaping options of a formatter with this mode and these parameters. */
export interface FormatParameters {
  readonly mode?: FormatMode;
  readonly properties?: readonly PropertySpec[];
  readonly autoSize?: boolean;
  readonly hideTableHeaders?: boolean;
  readonly wrap?: boolean;
}

/** A streaming formatter: `write` each object, then `end`; both return the text to print. */
export class OutDefaultFormatter {
  readonly #shaper: FormatShaper;
  readonly #writer: FormatLineWriter;

  constructor(options: OutputFormatOptions, parameters: FormatParameters = {}) {
    this.#shaper = new FormatShaper({
      mode: parameters.mode ?? 'default',
      properties: parameters.properties,
      autoSize: parameters.autoSize,
      hideTableHeaders: parameters.hideTableHeaders,
      wrap: parameters.wrap,
      views: (options.views ?? []) as readonly FormatView[],
      display: displaySettings(options),
      bufferWidth: options.bufferWidth,
    });
    this.#writer = new FormatLineWriter({ columns: options.columns ?? options.bufferWidth - 1, clock: options.clock ?? Date.now });
  }

  /** The lines an object makes appear now (a table holds its rows back while it sizes its columns). */
  writeLines(value: PsValue | undefined): string[] {
    return this.#shaper.write(value).flatMap((p) => this.#writer.write(p));
  }

  /** The lines still to come at the end of the input. */
  endLines(): string[] {
    return [...this.#shaper.end().flatMap((p) => this.#writer.write(p)), ...this.#writer.drain()];
  }

  write(value: PsValue | undefined): string {
    return joinLines(this.writeLines(value));
  }

  end(): string {
    return joinLines(this.endLines());
  }
}

/** Out-Default's text for a whole sequence of objects (each one written as a pipeline would). */
export function formatForHost(values: readonly PsValue[], options: OutputFormatOptions): string {
  const f = new OutDefaultFormatter(options);
  return values.map((v) => f.write(v)).join('') + f.end();
}
