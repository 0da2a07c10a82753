/**
 * Where a piece of script sits: offsets into the script text, and the 1-based
 * line and column of its start, which is what PowerShell's "At line:L char:C"
 * says. The end's line and column are computed on demand from the source.
 */

export interface Extent {
  /** Offset of the first character (UTF-16 code units). */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
  /** 1-based line of `start`. */
  readonly line: number;
  /** 1-based column of `start`. */
  readonly column: number;
}

/** The script text with a table of line starts, so offset → line/column is a binary search. */
export class SourceText {
  readonly #lineStarts: number[];

  constructor(
    readonly text: string,
    /** The script's file name when it came from one ('C:\x.ps1'); undefined: "At line:…". */
    readonly scriptName?: string,
  ) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // \r\n counts once; a lone \r ends a line too, as PowerShell's tokenizer says.
      if (c === 10) starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
    this.#lineStarts = starts;
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    const starts = this.#lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }

  extent(start: number, end: number): Extent {
    const { line, column } = this.position(start);
    return { start, end, line, column };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const starts = this.#lineStarts;
    const from = starts[line - 1] ?? this.text.length;
    let to = line < starts.length ? starts[line] : this.text.length;
    while (to > from && (this.text.charCodeAt(to - 1) === 10 || this.text.charCodeAt(to - 1) === 13)) to--;
    return this.text.slice(from, to);
  }
}

/** An extent covering `a` through `b`. */
export function span(a: Extent, b: Extent): Extent {
  return { start: a.start, end: Math.max(a.end, b.end), line: a.line, column: a.column };
}

/** The empty extent just after `e` (where PowerShell points for "missing … after …"). */
export function after(source: SourceText, e: Extent): Extent {
  return source.extent(e.end, e.end);
}

/**
 * What an error's position looks like to the formatter: the start line's text and the
 * number of `~` under the extent on that line (the whole rest of the line when it spans several).
 */
export function positionInfo(source: SourceText, e: Extent): { line: number; column: number; lineText: string; length: number } {
  const lineText = source.lineText(e.line);
  const endPos = source.position(e.end);
  const trimmed = lineText.trimEnd();
  const length = endPos.line === e.line && endPos.column <= trimmed.length + 1 ? endPos.column - e.column : trimmed.length - e.column + 1;
  return { line: e.line, column: e.column, lineText, length: Math.max(length, 0) };
}

/** The longest source line PowerShell prints under "At line:…" before it elides with "...". */
const MAX_POSITION_LINE = 69;

/**
 * PowerShell's position message (PositionUtilities.VerboseMessage, the text of
 * ParserStrings.TextForPositionMessage "At {0}:{1} char:{2}\n+ {3}"):
 *
 *     At line:1 char:6
 *     + echo "abc
 *     +      ~~~~
 *
 * Tabs count as four spaces; a line longer than 69 characters is cut around the
 * extent with "... " / " ..." as Windows PowerShell 5.1 does.
 */
export function positionMessage(info: { line: number; column: number; lineText: string; length: number; scriptName?: string }): string {
  const where = info.scriptName ?? 'line';
  // Only the extent's first line is shown; one running past it is underlined to the end of that line.
  let text = info.lineText.replace(/[\r\n].*$/s, '').trimEnd();
  // VerboseMessage formats "At {0}:{1} char:{2}\n+ {3}" whatever the line: an empty one leaves "+ ".
  if (text.length === 0) return `At ${where}:${info.line} char:${info.column}\n+ `;
  let before = Math.min(Math.max(info.column - 1, 0), text.length);
  let width = Math.max(0, Math.min(info.length, text.length - before));
  if (text.includes('\t')) {
    const head = text.slice(0, before).replace(/\t/g, '    ');
    const body = text.slice(before, before + width).replace(/\t/g, '    ');
    text = head + body + text.slice(before + width).replace(/\t/g, '    ');
    before = head.length;
    width = body.length;
  }
  let elidedStart = false;
  let elidedEnd = false;
  if (text.length > MAX_POSITION_LINE) {
    let lead = Math.min(before, 12);
    const tailAvailable = text.length - width - before;
    let tail = Math.min(tailAvailable, 8);
    let total = lead + width + tail;
    if (total >= MAX_POSITION_LINE) {
      if (lead + width >= MAX_POSITION_LINE) width = MAX_POSITION_LINE - lead;
      elidedEnd = true;
    } else {
      const moreLead = before - lead;
      if (moreLead > 0) {
        lead += Math.min(moreLead, MAX_POSITION_LINE - total);
        total = lead + width + tail;
      }
      if (total < MAX_POSITION_LINE && tailAvailable > 0) tail += Math.min(tailAvailable, MAX_POSITION_LINE - total);
      elidedEnd = tail < tailAvailable;
    }
    elidedStart = lead < before;
    const from = Math.max(before - lead, 0);
    text = text.slice(from, from + MAX_POSITION_LINE);
    before = Math.min(before, lead);
    width = Math.min(width, MAX_POSITION_LINE - before);
  }
  const shown = (elidedStart ? '... ' : '') + text + (elidedEnd ? ' ...' : '');
  const squiggle = ' '.repeat(before + (elidedStart ? 4 : 0)) + '~'.repeat(width > 0 ? width : 1);
  return `At ${where}:${info.line} char:${info.column}\n+ ${shown}\n+ ${squiggle}`;
}
