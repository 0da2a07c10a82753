/**
 * System.DateTime as en-US text. The emulated hosts run in a time zone the host layer decides
 * (UTC unless told otherwise); a Utc-kind value always shows its UTC fields.
 */
import type { PsDateTime } from '../runtime/values';

/** Minutes east of UTC of the emulated host's time zone at a given instant. */
export type UtcOffset = (instant: Date) => number;

export const UTC: UtcOffset = () => 0;

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** Minutes east of UTC the fields are expressed in. */
  readonly offset: number;
}

function wallClock(dt: PsDateTime, offset: UtcOffset): WallClock {
  const minutes = dt.kind === 'Utc' ? 0 : offset(dt.date);
  const shifted = new Date(dt.date.getTime() + minutes * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    weekday: shifted.getUTCDay(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    millisecond: shifted.getUTCMilliseconds(),
    offset: minutes,
  };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** en-US long time "h:mm:ss tt". */
function longTime(w: WallClock): string {
  const h12 = w.hour % 12 === 0 ? 12 : w.hour % 12;
  return `${h12}:${two(w.minute)}:${two(w.second)} ${w.hour < 12 ? 'AM' : 'PM'}`;
}

/** DateTime.ToString() in en-US: "12/7/2026 5:19:04 PM". */
export function shortDateTime(dt: PsDateTime, offset: UtcOffset = UTC): string {
  const w = wallClock(dt, offset);
  return `${w.month}/${w.day}/${w.year} ${longTime(w)}`;
}

/**
 * The DateTime ETS property ("{0} {1}" -f ToLongDateString(), ToLongTimeString()), which the
 * DateTime view of DotNetTypes.format.ps1xml displays: "Monday, December 7, 2026 5:19:04 PM".
 */
export function longDateTime(dt: PsDateTime, offset: UtcOffset = UTC): string {
  const w = wallClock(dt, offset);
  return `${DAYS[w.weekday]}, ${MONTHS[w.month - 1]} ${w.day}, ${w.year} ${longTime(w)}`;
}

/**
 * XmlConvert.ToString(DateTime, RoundtripKind), what CLIXML's <DT> holds:
 * "2026-10-07T09:04:31.426+09:00" (the fraction without trailing zeros, "Z" for Utc kind,
 * no zone for Unspecified).
 */
export function roundtripDateTime(dt: PsDateTime, offset: UtcOffset = UTC): string {
  const w = wallClock(dt, offset);
  const fraction = w.millisecond === 0 ? '' : `.${String(w.millisecond).padStart(3, '0').replace(/0+$/, '')}`;
  const base = `${String(w.year).padStart(4, '0')}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}:${two(w.second)}${fraction}`;
  if (dt.kind === 'Utc') return `${base}Z`;
  if (dt.kind === 'Unspecified') return base;
  const sign = w.offset < 0 ? '-' : '+';
  const abs = Math.abs(w.offset);
  return `${base}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}
