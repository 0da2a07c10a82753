/**
 * Breaking text into screen lines as the formatter does (StringManipulationHelper in
 * FormatAndOutput/common/ComplexWriter.cs). For an en-US session lines break at word
 * boundaries: a line keeps the blank that ends it ("... Check " then "the spelling ..."), and
 * a word longer than a whole line is cut where the line is full. Custom views (the error
 * view), list values and wrapped table cells all go through here.
 */
import { cellLength, charCells } from './cells';

/** Text split at line feeds after dropping every carriage return (SplitLines). */
export function splitLines(text: string): string[] {
  return text.replace(/\r/g, '').split('\n');
}

/** A cell value cut at its first line break, with "..." to say so (TruncateAtNewLine). */
export function truncateAtNewLine(text: string): string {
  const i = text.search(/[\r\n]/);
  return i < 0 ? text : `${text.slice(0, i)}...`;
}

/** A word and the blank (space or tab) that followed it, which stays with the word. */
function* words(line: string): Generator<string> {
  let word = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t') {
      yield word + c;
      word = '';
    } else {
      word += c;
    }
  }
  yield word;
}

/**
 * Lines of at most `firstWidth` cells for the first line of each paragraph and `nextWidth` for
 * the following ones (GenerateLinesWithWordWrap). A paragraph that fits is kept whole.
 */
export function wrapLines(text: string, firstWidth: number, nextWidth: number = firstWidth): string[] {
  const out: string[] = [];
  for (const paragraph of splitLines(text)) {
    if (cellLength(paragraph) <= firstWidth) {
      out.push(paragraph);
      continue;
    }
    let lineWidth = firstWidth;
    let spaceLeft = firstWidth;
    let first = true;
    let line = '';
    const newLine = (): void => {
      out.push(line);
      line = '';
      if (first) {
        first = false;
        lineWidth = nextWidth;
      }
      spaceLeft = lineWidth;
    };
    for (const word of words(paragraph)) {
      if (lineWidth <= 0) break;
      const width = cellLength(word);
      if (width > lineWidth) {
        // A word wider than a line: fill the current line character by character.
        for (let i = 0; i < word.length; i++) {
          const cells = charCells(word.charCodeAt(i));
          // A two-cell character on a one-cell line becomes '?', as PowerShell does.
          const ch = cells > lineWidth ? '?' : (word[i] as string);
          const w = Math.min(cells, lineWidth);
          if (w > spaceLeft) newLine();
          line += ch;
          spaceLeft -= w;
        }
      } else if (width > spaceLeft) {
        newLine();
        line = word;
        spaceLeft -= width;
      } else {
        line += word;
        spaceLeft -= width;
      }
    }
    out.push(line);
  }
  return out;
}
