/**
 * The `-f` operator: .NET composite formatting ("{0}", "{0,-10}", "{0:N2}",
 * "{1:yyyy-MM-dd}", "{{" and "}}") with en-US number formats.
 */
import { ConversionFailure, formatDouble, toStringPs } from './conversions';
import { formatDate } from './dateFormat';
import { PsDateTime, PsEnum, type PsValue } from './values';

function groupThousands(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fixed(n: number, decimals: number): string {
  // toFixed rounds half away from zero like .NET for the values scripts print.
  return Math.abs(n) < 1e21 ? n.toFixed(decimals) : formatDouble(n);
}

/** A number with a .NET standard or custom numeric format string. */
export function formatNumber(n: number, format: string): string {
  const m = /^([A-Za-z])(\d{0,2})$/.exec(format);
  if (m) {
    const spec = m[1];
    const precision = m[2] === '' ? undefined : Number(m[2]);
    switch (spec.toUpperCase()) {
      case 'N': {
        const [int, frac] = fixed(Math.abs(n), precision ?? 2).split('.');
        return `${n < 0 ? '-' : ''}${groupThousands(int)}${frac ? `.${frac}` : ''}`;
      }
      case 'F':
        return fixed(n, precision ?? 2);
      case 'D':
        return `${n < 0 ? '-' : ''}${String(Math.abs(Math.trunc(n))).padStart(precision ?? 0, '0')}`;
      case 'X': {
        const hex = (n < 0 ? n >>> 0 : Math.trunc(n)).toString(16).padStart(precision ?? 0, '0');
        return spec === 'X' ? hex.toUpperCase() : hex;
      }
      case 'P': {
        const [int, frac] = fixed(Math.abs(n * 100), precision ?? 2).split('.');
        return `${n < 0 ? '-' : ''}${groupThousands(int)}${frac ? `.${frac}` : ''} %`;
      }
      case 'C': {
        const [int, frac] = fixed(Math.abs(n), precision ?? 2).split('.');
        const body = `$${groupThousands(int)}${frac ? `.${frac}` : ''}`;
        return n < 0 ? `(${body})` : body;
      }
      case 'E': {
        const [mant, exp] = Math.abs(n).toExponential(precision ?? 6).split('e');
        const e = Number(exp);
        return `${n < 0 ? '-' : ''}${mant}${spec === 'E' ? 'E' : 'e'}${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(3, '0')}`;
      }
      case 'G':
      case 'R':
        return formatDouble(n);
    }
  }
  return customNumber(n, format);
}

/** Custom numeric formats: 0 and # placeholders, a decimal point, a thousands comma, literal text. */
function customNumber(n: number, format: string): string {
  const section = format.split(';')[n < 0 && format.includes(';') ? 1 : 0] ?? format;
  const firstPlaceholder = section.search(/[0#]/);
  if (firstPlaceholder < 0) return section;
  let lastPlaceholder = firstPlaceholder;
  for (let i = firstPlaceholder; i < section.length; i++) if ('0#.,'.includes(section[i])) lastPlaceholder = i;
  const prefix = section.slice(0, firstPlaceholder);
  const body = section.slice(firstPlaceholder, lastPlaceholder + 1);
  const suffix = section.slice(lastPlaceholder + 1);
  const percent = suffix.includes('%') || prefix.includes('%');
  const value = Math.abs(percent ? n * 100 : n);
  const [intPattern, fracPattern = ''] = body.split('.');
  const minFrac = (fracPattern.match(/0/g) ?? []).length;
  const maxFrac = (fracPattern.match(/[0#]/g) ?? []).length;
  const minInt = (intPattern.match(/0/g) ?? []).length;
  let [int, frac = ''] = fixed(value, maxFrac).split('.');
  frac = frac.replace(/0+$/, '');
  while (frac.length < minFrac) frac += '0';
  if (int === '0' && minInt === 0) int = '';
  int = int.padStart(minInt, '0');
  if (intPattern.includes(',')) int = groupThousands(int);
  const sign = n < 0 && !format.includes(';') && (int !== '' || frac !== '') && Number(`${int || '0'}.${frac || '0'}`) !== 0 ? '-' : '';
  return `${prefix}${sign}${int}${frac ? `.${frac}` : ''}${suffix}`;
}

/** One value formatted with a format string (the part after ':' in "{0:N2}"). */
export function formatValue(v: PsValue, format: string | undefined): string {
  if (format === undefined || format === '') return toStringPs(v);
  if (typeof v === 'number') return formatNumber(v, format);
  if (v instanceof PsDateTime) return formatDate(v, format);
  if (v instanceof PsEnum && /^[dD]$/.test(format)) return String(v.value);
  if (v instanceof PsEnum && /^[xX]$/.test(format)) return v.value.toString(16).padStart(8, '0');
  return toStringPs(v);
}

const FORMAT_ERROR = 'Input string was not in a correct format.';
const INDEX_ERROR = 'Index (zero based) must be greater than or equal to zero and less than the size of the argument list.';

/** String.Format(format, args); a failure carries .NET's message for "Error formatting a string: …". */
export function compositeFormat(format: string, args: readonly PsValue[]): string | ConversionFailure {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c === '}') {
      if (format[i + 1] !== '}') return new ConversionFailure(FORMAT_ERROR, 'FormatError');
      out += '}';
      i++;
      continue;
    }
    if (c !== '{') {
      out += c;
      continue;
    }
    if (format[i + 1] === '{') {
      out += '{';
      i++;
      continue;
    }
    const close = format.indexOf('}', i);
    if (close < 0) return new ConversionFailure(FORMAT_ERROR, 'FormatError');
    const m = /^\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?(?::([\s\S]*))?$/.exec(format.slice(i + 1, close));
    if (!m) return new ConversionFailure(FORMAT_ERROR, 'FormatError');
    const index = Number(m[1]);
    if (index >= args.length) return new ConversionFailure(INDEX_ERROR, 'FormatError');
    let text = formatValue(args[index], m[3]);
    if (m[2] !== undefined) {
      const width = Number(m[2]);
      text = width < 0 ? text.padEnd(-width) : text.padStart(width);
    }
    out += text;
    i = close;
  }
  return out;
}
