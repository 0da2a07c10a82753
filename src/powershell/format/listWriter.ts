/**
 * Lists as Windows PowerShell 5.1 writes them (ListWriter in FormatAndOutput/common): every
 * label padded to the longest one, then " : ", then the value; a value's own lines and its
 * word-wrapped continuations start under the first character of the value. An empty value
 * still leaves the blank after the colon ("Name : ").
 */
import { cellLength, headFit } from './cells';
import { splitLines, wrapLines } from './wrap';

const SEPARATOR = ' : ';
const MIN_LABEL_WIDTH = 1;
const MIN_FIELD_WIDTH = 1;

export interface ListField {
  readonly label: string;
  readonly value: string;
}

/** The lines of one list entry on a screen `columns` cells wide; none when it is too narrow for any. */
export function listLines(fields: readonly ListField[], columns: number): string[] {
  if (fields.length === 0 || columns - SEPARATOR.length - MIN_FIELD_WIDTH - MIN_LABEL_WIDTH < 0) return [];
  const maxLabel = columns - SEPARATOR.length - MIN_FIELD_WIDTH;
  const labelWidth = Math.min(maxLabel, Math.max(...fields.map((f) => cellLength(f.label))));
  const prefixWidth = labelWidth + SEPARATOR.length;
  const fieldWidth = columns - prefixWidth;
  const indent = ' '.repeat(prefixWidth);
  const out: string[] = [];
  for (const { label, value } of fields) {
    const length = cellLength(label);
    const shown = length < labelWidth ? label + ' '.repeat(labelWidth - length) : length > labelWidth ? label.slice(0, headFit(label, labelWidth)) : label;
    splitLines(value).forEach((line, i) => {
      const prefix = i === 0 ? shown + SEPARATOR : indent;
      wrapLines(line, fieldWidth, fieldWidth).forEach((part, j) => out.push((j === 0 ? prefix : indent) + part));
    });
  }
  return out;
}
