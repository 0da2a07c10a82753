/**
 * .NET date formatting with the en-US culture (what Get-Date -Format, ToString()
 * and `-f '{0:yyyy-MM-dd}'` give on an en-US Windows Server): the standard
 * formats d D t T g G s u o f F and the custom tokens.
 */
import { dateFields } from './conversions';
import type { PsDateTime } from './values';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const STANDARD: Readonly<Record<string, string>> = {
  d: 'M/d/yyyy',
  D: 'dddd, MMMM d, yyyy',
  t: 'h:mm tt',
  T: 'h:mm:ss tt',
  f: 'dddd, MMMM d, yyyy h:mm tt',
  F: 'dddd, MMMM d, yyyy h:mm:ss tt',
  g: 'M/d/yyyy h:mm tt',
  G: 'M/d/yyyy h:mm:ss tt',
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  M: 'MMMM d',
  m: 'MMMM d',
  Y: 'MMMM yyyy',
  y: 'MMMM yyyy',
};

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function offsetText(d: PsDateTime, withMinutes: boolean, wide: boolean): string {
  if (d.kind === 'Utc') return withMinutes ? '+00:00' : '+00';
  const minutes = -d.date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const h = Math.floor(Math.abs(minutes) / 60);
  const m = Math.abs(minutes) % 60;
  return withMinutes ? `${sign}${pad(h, 2)}:${pad(m, 2)}` : `${sign}${wide ? pad(h, 2) : h}`;
}

/** Formats a DateTime with a .NET standard or custom format string. */
export function formatDate(d: PsDateTime, format: string | undefined): string {
  const f = format === undefined || format === '' ? 'G' : format;
  if (f === 'o' || f === 'O') {
    const x = dateFields(d);
    const base = `${pad(x.year, 4)}-${pad(x.month, 2)}-${pad(x.day, 2)}T${pad(x.hour, 2)}:${pad(x.minute, 2)}:${pad(x.second, 2)}.${pad(x.ms, 3)}0000`;
    return base + (d.kind === 'Utc' ? 'Z' : d.kind === 'Local' ? offsetText(d, true, true) : '');
  }
  if (f === 'r' || f === 'R') return d.date.toUTCString().replace('GMT', 'GMT');
  const pattern = f.length === 1 ? (STANDARD[f] ?? f) : f;
  return customDate(d, pattern);
}

function customDate(d: PsDateTime, pattern: string): string {
  const x = dateFields(d);
  let out = '';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === "'" || c === '"') {
      const close = pattern.indexOf(c, i + 1);
      out += pattern.slice(i + 1, close < 0 ? pattern.length : close);
      i = close < 0 ? pattern.length : close + 1;
      continue;
    }
    if (c === '\\' && i + 1 < pattern.length) {
      out += pattern[i + 1];
      i += 2;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    const hour12 = x.hour % 12 === 0 ? 12 : x.hour % 12;
    switch (c) {
      case 'y':
        out += n <= 2 ? pad(x.year % 100, n) : pad(x.year, n);
        break;
      case 'M':
        out += n >= 4 ? MONTHS[x.month - 1] : n === 3 ? MONTHS[x.month - 1].slice(0, 3) : pad(x.month, n);
        break;
      case 'd':
        out += n >= 4 ? DAYS[x.weekday] : n === 3 ? DAYS[x.weekday].slice(0, 3) : pad(x.day, n);
        break;
      case 'H':
        out += pad(x.hour, Math.min(n, 2));
        break;
      case 'h':
        out += pad(hour12, Math.min(n, 2));
        break;
      case 'm':
        out += pad(x.minute, Math.min(n, 2));
        break;
      case 's':
        out += pad(x.second, Math.min(n, 2));
        break;
      case 'f':
      case 'F': {
        const digits = pad(x.ms, 3).padEnd(7, '0').slice(0, n);
        out += c === 'F' ? digits.replace(/0+$/, '') : digits;
        break;
      }
      case 't':
        out += (x.hour < 12 ? 'AM' : 'PM').slice(0, n === 1 ? 1 : 2);
        break;
      case 'z':
        out += offsetText(d, n >= 3, n === 2);
        break;
      case 'K':
        out += d.kind === 'Utc' ? 'Z' : d.kind === 'Local' ? offsetText(d, true, true) : '';
        break;
      case 'g':
        out += 'A.D.';
        break;
      default:
        out += c.repeat(n);
    }
    i += n;
  }
  return out;
}
