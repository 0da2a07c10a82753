/**
 * The writing side of formatting (OutCommandInner in FormatAndOutput/common/
 * BaseOutputtingCommand.cs): turns packets into screen lines for Out-Default, Out-Host and
 * Out-String.
 *
 * - A table or list starts with a blank line (format start); a list also writes a blank line
 *   when its group starts and after every entry; the group end and the format end each write
 *   one more. So a table is "\r\n" + header + rows + "\r\n\r\n" and a single list entry has two
 *   blank lines before it and three after.
 * - Out-of-band entries: a scalar's text as it is, a custom view's text word-wrapped, a list
 *   between two blank lines.
 * - A table whose first column asks for sizing (a table built from properties, -AutoSize)
 *   holds its rows back: until the group ends, or, without -AutoSize, until a row arrives more
 *   than 300 ms after the group started (PowerShell 5's autosize window). Column widths then
 *   come from the heading and the held rows; later rows are cut to those widths.
 */
import { cellLength } from './cells';
import { listLines } from './listWriter';
import type { FormatEntry, FormatPacket, FormatShape } from './packets';
import { TableWriter } from './tableWriter';
import { wrapLines } from './wrap';

/** How long a table without widths waits for rows before fixing them (OutCommandInner: TimeSpan.FromMilliseconds(300)). */
export const AUTOSIZE_WINDOW_MS = 300;

export interface LineWriterSettings {
  /** Cells per line (LineOutput.ColumnNumber): the console's buffer width - 1, or Out-String -Width. */
  readonly columns: number;
  /** Milliseconds, for the autosize window. */
  readonly clock: () => number;
}

type GroupContext =
  | { readonly kind: 'table'; readonly writer: TableWriter | undefined; readonly wrap: boolean }
  | { readonly kind: 'list' }
  | { readonly kind: 'complex' };

/** OutputGroupQueue: the rows a table holds back while its widths are undecided. */
interface RowCache {
  /** undefined: until the group ends (-AutoSize); else the window in ms. */
  readonly windowMs: number | undefined;
  queue: FormatPacket[];
  startedAt: number | undefined;
}

export class FormatLineWriter {
  #shapes: FormatShape[] = [];
  #group: GroupContext | undefined;
  #cache: RowCache | undefined;
  #widthHint: number[] | undefined;

  constructor(private readonly settings: LineWriterSettings) {}

  /** The lines a packet makes appear now (possibly none while rows are held back, possibly several held ones). */
  write(packet: FormatPacket): string[] {
    if (packet.type === 'formatStart') this.#cache = this.cacheFor(packet.shape);
    const ready = this.cacheAdd(packet);
    return ready.flatMap((p) => this.process(p));
  }

  /** Lines still held back when the input ends without closing its group. */
  drain(): string[] {
    const held = this.#cache?.queue ?? [];
    if (this.#cache) this.#cache.queue = [];
    return held.flatMap((p) => this.process(p));
  }

  private cacheFor(shape: FormatShape): RowCache | undefined {
    if (shape.kind !== 'table') return undefined;
    if (shape.autoSize) return { windowMs: undefined, queue: [], startedAt: undefined };
    if (shape.columns.length > 0 && shape.columns[0]?.width === 0) return { windowMs: AUTOSIZE_WINDOW_MS, queue: [], startedAt: undefined };
    return undefined;
  }

  private cacheAdd(packet: FormatPacket): FormatPacket[] {
    const cache = this.#cache;
    if (cache === undefined) return [packet];
    if (cache.startedAt === undefined) {
      if (packet.type !== 'groupStart') return [packet];
      cache.startedAt = this.settings.clock();
      cache.queue = [packet];
      return [];
    }
    const timedOut = cache.windowMs !== undefined && this.settings.clock() - cache.startedAt > cache.windowMs;
    cache.queue.push(packet);
    if (packet.type !== 'groupEnd' && !timedOut) return [];
    this.#widthHint = this.widthsFrom(cache.queue);
    const ready = cache.queue;
    cache.queue = [];
    cache.startedAt = undefined;
    // Once decided, the rest of the group goes straight through (the queue caches one group).
    this.#cache = packet.type === 'groupEnd' ? cache : undefined;
    return ready;
  }

  /** ProcessCachedGroupOnTable: each column as wide as its heading and its widest held value. */
  private widthsFrom(queue: readonly FormatPacket[]): number[] | undefined {
    const shape = this.#shapes[this.#shapes.length - 1];
    if (shape?.kind !== 'table') return undefined;
    const widths = shape.columns.map((c) => cellLength(c.label));
    for (const p of queue) {
      if (p.type !== 'entry' || p.outOfBand || p.entry.kind !== 'tableRow') continue;
      p.entry.cells.forEach((cell, k) => {
        if (k < widths.length) widths[k] = Math.max(widths[k] as number, cellLength(cell.text));
      });
    }
    return widths;
  }

  private process(packet: FormatPacket): string[] {
    switch (packet.type) {
      case 'formatStart':
        this.#shapes.push(packet.shape);
        return [''];
      case 'groupStart':
        return this.groupStart();
      case 'entry':
        return packet.outOfBand || this.#group === undefined ? this.outOfBandLines(packet.entry) : this.entryLines(packet.entry);
      case 'groupEnd':
        this.#group = undefined;
        return [''];
      case 'formatEnd':
        this.#shapes.pop();
        return [''];
    }
  }

  private groupStart(): string[] {
    const shape = this.#shapes[this.#shapes.length - 1];
    if (shape === undefined) return [];
    if (shape.kind === 'list') {
      this.#group = { kind: 'list' };
      return [''];
    }
    if (shape.kind === 'complex') {
      this.#group = { kind: 'complex' };
      return [];
    }
    const hint = this.#widthHint;
    this.#widthHint = undefined;
    const widths = hint ?? shape.columns.map((c) => c.width);
    const writer = TableWriter.create(
      this.settings.columns,
      widths,
      shape.columns.map((c) => c.alignment ?? 'Left'),
      shape.hideHeader,
    );
    this.#group = { kind: 'table', writer, wrap: shape.wrap };
    return writer ? writer.header(shape.columns.map((c) => c.label)) : [];
  }

  private entryLines(entry: FormatEntry): string[] {
    const group = this.#group;
    const columns = this.settings.columns;
    if (group?.kind === 'table' && entry.kind === 'tableRow') {
      if (!group.writer) return [];
      return group.writer.row(
        entry.cells.map((c) => c.text),
        entry.cells.map((c) => c.alignment),
        group.wrap,
      );
    }
    if (group?.kind === 'list' && entry.kind === 'listEntry') return [...listLines(entry.fields, columns), ''];
    return this.outOfBandLines(entry);
  }

  private outOfBandLines(entry: FormatEntry): string[] {
    const columns = this.settings.columns;
    switch (entry.kind) {
      case 'rawText':
        return [entry.text];
      case 'complex':
        return wrapLines(entry.text, columns, columns);
      case 'listEntry':
        return ['', ...listLines(entry.fields, columns), ''];
      case 'tableRow':
        return [];
    }
  }
}
