/**
 * The formatting protocol between the shaping side (Format-Table, Format-List, the default
 * formatter inside Out-Default) and the writing side (Out-Default, Out-String, Out-Host), as
 * PowerShell's FormatStartData / GroupStartData / FormatEntryData / GroupEndData /
 * FormatEndData. Shaping decides what is shown (columns, labels, cell texts); writing decides
 * how wide and where lines break, so `Format-Table | Out-String -Width 200` lays the same
 * cells out on 200 columns.
 */
import type { Alignment } from './tableWriter';

export interface TableColumnInfo {
  /** The heading. */
  readonly label: string;
  /** Requested width in cells; 0 lets the writer size the column. */
  readonly width: number;
  /** Undefined: left, unless a row says otherwise. */
  readonly alignment: Alignment | undefined;
}

export type FormatShape =
  | {
      readonly kind: 'table';
      readonly columns: readonly TableColumnInfo[];
      readonly hideHeader: boolean;
      /** Format-Table -AutoSize: widths from all the rows of the group. */
      readonly autoSize: boolean;
      /** Format-Table -Wrap: values wrap inside their column instead of being cut. */
      readonly wrap: boolean;
    }
  | { readonly kind: 'list' }
  | { readonly kind: 'complex' };

export type FormatEntry =
  | { readonly kind: 'tableRow'; readonly cells: ReadonlyArray<{ readonly text: string; readonly alignment?: Alignment }> }
  | { readonly kind: 'listEntry'; readonly fields: ReadonlyArray<{ readonly label: string; readonly value: string }> }
  /** Text of a custom view (the error view, DateTime's view): wrapped at the line width. */
  | { readonly kind: 'complex'; readonly text: string }
  /** ToString of a scalar written as it is, embedded line feeds included. */
  | { readonly kind: 'rawText'; readonly text: string };

export type FormatPacket =
  | { readonly type: 'formatStart'; readonly shape: FormatShape }
  | { readonly type: 'groupStart' }
  /** `outOfBand`: printed on its own, outside the table or list in progress (a string among rows, an error). */
  | { readonly type: 'entry'; readonly entry: FormatEntry; readonly outOfBand: boolean }
  | { readonly type: 'groupEnd' }
  | { readonly type: 'formatEnd' };
