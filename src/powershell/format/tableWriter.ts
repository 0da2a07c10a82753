/**
 * Tables as Windows PowerShell 5.1 lays them out (TableWriter and ColumnWidthManager in
 * FormatAndOutput/common): columns separated by one blank, every column, the last one
 * included, padded to its width; a value too long for its column cut with "..." (from the
 * left when right-aligned); dashes under each heading as long as the heading.
 */
import { cellLength, headFit, tailFit } from './cells';
import { truncateAtNewLine, wrapLines } from './wrap';

export type Alignment = 'Left' | 'Right' | 'Center';

const SEPARATOR = 1;
const MIN_COLUMN_WIDTH = 1;
/** Fewer screen columns than this and no table is drawn at all. */
const MIN_SCREEN_COLUMNS = 5;
const ELLIPSIS = '...';

/**
 * Column widths for a table `tableWidth` cells wide (ColumnWidthManager.CalculateColumnWidths).
 * 0 asks for a width: such columns start at one cell and share what is left one cell at a time,
 * left to right, so a table of unsized columns fills the line evenly. When the columns do not
 * fit, the rightmost visible column shrinks, or is hidden (-1) if it would drop below one cell.
 */
export function fitColumnWidths(requested: readonly number[], tableWidth: number): number[] {
  const widths = [...requested];
  const total = (): number => {
    const visible = widths.filter((w) => w > 0);
    return visible.reduce((a, b) => a + b, 0) + SEPARATOR * (visible.length - 1);
  };
  const unsized = widths.map((w) => w <= 0);
  if (unsized.some((u) => u)) {
    for (let k = 0; k < widths.length; k++) if (widths[k] === 0) widths[k] = MIN_COLUMN_WIDTH;
    let available = tableWidth - total();
    if (available >= 0) {
      while (available > 0) {
        for (let k = 0; k < widths.length && available > 0; k++) {
          if (!unsized[k]) continue;
          (widths[k] as number)++;
          available--;
        }
      }
      return widths;
    }
  } else if (total() <= tableWidth) {
    return widths;
  }
  while (total() > tableWidth) {
    let last = widths.findIndex((w) => w < 0) - 1;
    if (last === -2) last = widths.length - 1;
    if (last < 0) break;
    const shrunk = (widths[last] as number) - (total() - tableWidth);
    widths[last] = shrunk < MIN_COLUMN_WIDTH ? -1 : shrunk;
  }
  return widths;
}

/** A value fitted to a column: padded by its alignment, or cut with "..." (GenerateRowField). */
export function fitField(value: string, width: number, alignment: Alignment): string {
  let s = truncateAtNewLine(value);
  const length = cellLength(s);
  if (length < width) {
    const pad = width - length;
    if (alignment === 'Right') s = ' '.repeat(pad) + s;
    else if (alignment === 'Center') s = ' '.repeat(Math.floor(pad / 2)) + s + ' '.repeat(pad - Math.floor(pad / 2));
    else s += ' '.repeat(pad);
  } else if (length > width) {
    const room = width - ELLIPSIS.length;
    if (room > 0) s = alignment === 'Right' ? ELLIPSIS + s.slice(s.length - tailFit(s, room)) : s.slice(0, headFit(s, room)) + ELLIPSIS;
    else s = alignment === 'Right' ? s.slice(s.length - tailFit(s, width)) : s.slice(0, headFit(s, width));
  }
  // A two-cell character that did not fit leaves the field one cell short: one blank makes it up.
  if (cellLength(s) !== width) s = alignment === 'Right' ? ` ${s}` : `${s} `;
  return s;
}

export class TableWriter {
  private constructor(
    private readonly widths: readonly number[],
    private readonly alignments: readonly Alignment[],
    private readonly hideHeader: boolean,
  ) {}

  /**
   * A writer for a table on a screen `screenColumns` cells wide; undefined when nothing can be
   * shown (too narrow a screen, or every column hidden), as PowerShell then writes no table.
   */
  static create(screenColumns: number, requestedWidths: readonly number[], alignments: readonly Alignment[], hideHeader: boolean): TableWriter | undefined {
    if (screenColumns < MIN_SCREEN_COLUMNS || requestedWidths.length === 0) return undefined;
    const widths = fitColumnWidths(requestedWidths, screenColumns);
    if (!widths.some((w) => w >= MIN_COLUMN_WIDTH)) return undefined;
    return new TableWriter(widths, alignments, hideHeader);
  }

  /** The column widths in use (-1: hidden for lack of room). */
  get columnWidths(): readonly number[] {
    return this.widths;
  }

  /** The heading lines (wrapped within their columns) and the dashes line; none when headers are hidden. */
  header(labels: readonly string[]): string[] {
    if (this.hideHeader) return [];
    const dashes = this.widths.map((w, k) => {
      if (w <= 0) return '';
      const label = labels[k] ?? '';
      return '-'.repeat(label === '' ? w : Math.min(w, cellLength(label)));
    });
    return [...this.row(labels, [], true), ...this.row(dashes, [], false)];
  }

  /**
   * One row: a single line, each value cut to its column, or with -Wrap (`multiLine`) as many
   * lines as its longest value needs, word-wrapped inside each column. An alignment left
   * undefined takes the column's.
   */
  row(values: readonly string[], alignments: readonly (Alignment | undefined)[], multiLine: boolean): string[] {
    const align = (k: number): Alignment => alignments[k] ?? this.alignments[k] ?? 'Left';
    const visible = this.widths.flatMap((w, k) => (w > 0 ? [k] : []));
    if (!multiLine) {
      return [visible.map((k) => fitField(values[k] ?? '', this.widths[k] as number, align(k))).join(' ')];
    }
    const cells = visible.map((k, i) => {
      const width = this.widths[k] as number;
      const lines = wrapLines(values[k] ?? '', width, width).map((l) => (cellLength(l) < width ? fitField(l, width, align(k)) : l));
      return { lines, blank: ' '.repeat(width + (i > 0 ? SEPARATOR : 0)), lead: i > 0 ? ' ' : '' };
    });
    const height = Math.max(...cells.map((c) => c.lines.length));
    const out: string[] = [];
    for (let r = 0; r < height; r++) {
      out.push(cells.map((c) => (r < c.lines.length ? c.lead + c.lines[r] : c.blank)).join(''));
    }
    return out;
  }
}
