/**
 * Text to bytes in a shell's code page (WINRS_CODEPAGE): 65001 is UTF-8; 437 (the
 * default, OEM United States) maps ASCII to itself and the rest through its table;
 * a character the code page lacks becomes '?', as WideCharToMultiByte's default does.
 */

/** CP437 bytes 0x80–0xFF, in order (Unicode's mapping table for IBM PC code page 437). */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const TO_CP437 = new Map<string, number>([...CP437_HIGH].map((c, i) => [c, 0x80 + i]));

export function encodeForCodepage(text: string, codepage: number): Buffer {
  if (codepage === 65001) return Buffer.from(text, 'utf8');
  if (codepage !== 437) return Buffer.from(text, 'latin1');
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    out[n++] = c < 0x80 ? c : (TO_CP437.get(ch) ?? 0x3f);
  }
  return out.subarray(0, n);
}

/** Bytes a client sent on stdin, as text in the shell's code page. */
export function decodeFromCodepage(bytes: Buffer, codepage: number): string {
  if (codepage === 65001) return bytes.toString('utf8');
  if (codepage !== 437) return bytes.toString('latin1');
  let s = '';
  for (const b of bytes) s += b < 0x80 ? String.fromCharCode(b) : (CP437_HIGH[b - 0x80] as string);
  return s;
}
