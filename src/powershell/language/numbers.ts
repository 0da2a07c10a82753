/**
 * Numeric literals: decimal (with fraction and exponent), hexadecimal `0x`, the
 * `l` (long) and `d` (decimal) suffixes, and the multipliers kb, mb, gb, tb, pb
 * (PowerShell language specification §2.3.5.1.1).
 */
import { isDash, isDigit } from './tokens';

const MULTIPLIERS: Readonly<Record<string, number>> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4, pb: 1024 ** 5 };

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

export interface NumberLiteral {
  readonly value: number;
  readonly end: number;
  /** Not a valid constant (a long with a fraction, out of range): PowerShell's BadNumericConstant. */
  readonly bad?: boolean;
}

/**
 * The number literal starting at `start`, or undefined when there is none. `allowSign`
 * (argument mode) lets a leading `-` or `+` belong to the number, as in `Start-Sleep -1`.
 */
export function scanNumberLiteral(text: string, start: number, limit: number, allowSign: boolean): NumberLiteral | undefined {
  const ch = (i: number): string => (i < limit ? text[i] : '');
  let i = start;
  let sign = 1;
  if (allowSign && isDash(ch(i))) {
    sign = -1;
    i++;
  } else if (allowSign && ch(i) === '+') i++;
  let value: number;
  let integral = true;
  if (ch(i) === '0' && (ch(i + 1) === 'x' || ch(i + 1) === 'X') && isHex(ch(i + 2))) {
    let j = i + 2;
    while (isHex(ch(j))) j++;
    const digits = text.slice(i + 2, j);
    // Up to 8 hex digits is an Int32 in two's complement (0xFFFFFFFF is -1), as PowerShell reads it.
    value = parseInt(digits, 16);
    if (digits.length <= 8 && value > 0x7fffffff) value -= 0x100000000;
    i = j;
  } else {
    const digitsStart = i;
    while (isDigit(ch(i))) i++;
    let hasDigits = i > digitsStart;
    if (ch(i) === '.' && isDigit(ch(i + 1))) {
      i++;
      while (isDigit(ch(i))) i++;
      integral = false;
      hasDigits = true;
    }
    if (!hasDigits) return undefined;
    if ((ch(i) === 'e' || ch(i) === 'E') && (isDigit(ch(i + 1)) || ((ch(i + 1) === '+' || isDash(ch(i + 1))) && isDigit(ch(i + 2))))) {
      i += 2;
      while (isDigit(ch(i))) i++;
      integral = false;
    }
    value = Number(text.slice(digitsStart, i).replace(/[\u2013\u2014\u2015]/g, '-'));
  }
  const suffix = ch(i).toLowerCase();
  if (suffix === 'l' || suffix === 'd') {
    if (suffix === 'l' && !integral && !Number.isInteger(value)) {
      return { value, end: i + 1, bad: true };
    }
    i++;
  }
  const multiplier = MULTIPLIERS[(ch(i) + ch(i + 1)).toLowerCase()];
  if (multiplier !== undefined) {
    value *= multiplier;
    i += 2;
  }
  if (!Number.isFinite(value)) return { value: 0, end: i, bad: true };
  return { value: sign * value, end: i };
}

/** A string as PowerShell converts it to a number ([int]'0x10', ' 42 ', '1e3', '1kb'); undefined when it is not one. */
export function parseNumberText(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  const r = scanNumberLiteral(trimmed, 0, trimmed.length, true);
  if (!r || r.bad || r.end !== trimmed.length) return undefined;
  return r.value;
}
