/**
 * Screen cells of text (DisplayCells in FormatAndOutput/common/ILineOutput.cs): East Asian wide
 * characters take two cells of the console buffer, everything else one. Tables pad and truncate,
 * and lines wrap, by cells rather than by characters.
 */

/** Cells one UTF-16 code unit takes (wcwidth's wide ranges; surrogates count one each, as PowerShell does). */
export function charCells(code: number): number {
  const wide =
    code >= 0x1100 &&
    (code <= 0x115f ||
      code === 0x2329 ||
      code === 0x232a ||
      (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe10 && code <= 0xfe19) ||
      (code >= 0xfe30 && code <= 0xfe6f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6));
  return wide ? 2 : 1;
}

export function cellLength(text: string): number {
  let cells = 0;
  for (let i = 0; i < text.length; i++) cells += charCells(text.charCodeAt(i));
  return cells;
}

/** How many characters from the start of `text` fit in `cells` (GetHeadSplitLength). */
export function headFit(text: string, cells: number): number {
  let used = 0;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const w = charCells(text.charCodeAt(i));
    if (used + w > cells) break;
    used += w;
    count++;
    if (used === cells) break;
  }
  return count;
}

/** How many characters from the end of `text` fit in `cells` (GetTailSplitLength). */
export function tailFit(text: string, cells: number): number {
  let used = 0;
  let count = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const w = charCells(text.charCodeAt(i));
    if (used + w > cells) break;
    used += w;
    count++;
    if (used === cells) break;
  }
  return count;
}
