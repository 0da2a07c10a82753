/**
 * CIM datetime values: timestamps and intervals (DSP0004 §5.2.4), with their
 * CIM string form (`yyyymmddhhmmss.mmmmmmsutc`, `ddddddddhhmmss.mmmmmm:000`) and
 * the WS-CIM wire forms of DSP0230 §5.2.4 (xs:dateTime for cim:Datetime,
 * xs:duration for cim:Interval, xs:date for cim:Date, xs:time for cim:Time).
 */

export class CimDateTimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CimDateTimeError';
  }
}

interface TimestampFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  /** Offset from UTC in minutes (CIM allows -999..999). */
  utcOffset: number;
}

interface IntervalFields {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
  microseconds: number;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export class CimDateTime {
  private constructor(
    readonly isInterval: boolean,
    private readonly ts: TimestampFields | undefined,
    private readonly iv: IntervalFields | undefined,
  ) {}

  static timestamp(f: TimestampFields): CimDateTime {
    check(f.year >= 0 && f.year <= 9999, 'year out of range');
    check(f.month >= 1 && f.month <= 12, 'month out of range');
    check(f.day >= 1 && f.day <= daysInMonth(f.year, f.month), 'day out of range');
    check(f.hour >= 0 && f.hour <= 23, 'hour out of range');
    check(f.minute >= 0 && f.minute <= 59, 'minute out of range');
    check(f.second >= 0 && f.second <= 60, 'second out of range');
    check(f.microsecond >= 0 && f.microsecond <= 999999, 'microseconds out of range');
    check(f.utcOffset >= -999 && f.utcOffset <= 999, 'UTC offset out of range');
    for (const v of Object.values(f)) check(Number.isInteger(v), 'fields must be integers');
    return new CimDateTime(false, { ...f }, undefined);
  }

  static interval(f: IntervalFields): CimDateTime {
    check(f.days >= 0 && f.days <= 99999999, 'days out of range');
    check(f.hours >= 0 && f.hours <= 23, 'hours out of range');
    check(f.minutes >= 0 && f.minutes <= 59, 'minutes out of range');
    check(f.seconds >= 0 && f.seconds <= 59, 'seconds out of range');
    check(f.microseconds >= 0 && f.microseconds <= 999999, 'microseconds out of range');
    for (const v of Object.values(f)) check(Number.isInteger(v), 'fields must be integers');
    return new CimDateTime(true, undefined, { ...f });
  }

  /** A timestamp for a JavaScript Date, expressed in UTC. */
  static fromDate(d: Date): CimDateTime {
    return CimDateTime.timestamp({
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      microsecond: d.getUTCMilliseconds() * 1000,
      utcOffset: 0,
    });
  }

  /** An interval from a number of milliseconds (fractions of a millisecond dropped). */
  static fromMilliseconds(ms: number): CimDateTime {
    check(ms >= 0 && Number.isFinite(ms), 'interval must be a non-negative finite duration');
    const total = Math.floor(ms);
    const s = Math.floor(total / 1000);
    return CimDateTime.interval({
      days: Math.floor(s / 86400),
      hours: Math.floor((s % 86400) / 3600),
      minutes: Math.floor((s % 3600) / 60),
      seconds: s % 60,
      microseconds: (total % 1000) * 1000,
    });
  }

  /** Parses the 25-character CIM string form. */
  static parseCim(s: string): CimDateTime {
    const t = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/.exec(s);
    if (t) {
      const n = t.slice(1).map((x) => (x === '+' || x === '-' ? x : Number(x)));
      return CimDateTime.timestamp({
        year: n[0] as number,
        month: n[1] as number,
        day: n[2] as number,
        hour: n[3] as number,
        minute: n[4] as number,
        second: n[5] as number,
        microsecond: n[6] as number,
        utcOffset: (n[7] === '-' ? -1 : 1) * (n[8] as number),
      });
    }
    const i = /^(\d{8})(\d{2})(\d{2})(\d{2})\.(\d{6}):000$/.exec(s);
    if (i) {
      const n = i.slice(1).map(Number);
      return CimDateTime.interval({
        days: n[0] as number,
        hours: n[1] as number,
        minutes: n[2] as number,
        seconds: n[3] as number,
        microseconds: n[4] as number,
      });
    }
    throw new CimDateTimeError(`'${s}' is not a CIM datetime`);
  }

  /** xs:dateTime, as carried by cim:Datetime. A missing zone means UTC. */
  static parseXsDateTime(s: string): CimDateTime {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(s.trim());
    if (!m) throw new CimDateTimeError(`'${s}' is not an xs:dateTime`);
    return CimDateTime.timestamp({
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: Number(m[6]),
      microsecond: fractionToMicros(m[7]),
      utcOffset: zoneToMinutes(m[8]),
    });
  }

  /** xs:date, as carried by cim:Date (midnight of that day). */
  static parseXsDate(s: string): CimDateTime {
    const m = /^(\d{4})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/.exec(s.trim());
    if (!m) throw new CimDateTimeError(`'${s}' is not an xs:date`);
    return CimDateTime.timestamp({
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: 0,
      minute: 0,
      second: 0,
      microsecond: 0,
      utcOffset: zoneToMinutes(m[4]),
    });
  }

  /**
   * xs:time, as carried by cim:Time. CIM has no pure time of day; like WMI we
   * keep it as an interval since midnight.
   */
  static parseXsTime(s: string): CimDateTime {
    const m = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(s.trim());
    if (!m) throw new CimDateTimeError(`'${s}' is not an xs:time`);
    return CimDateTime.interval({
      days: 0,
      hours: Number(m[1]),
      minutes: Number(m[2]),
      seconds: Number(m[3]),
      microseconds: fractionToMicros(m[4]),
    });
  }

  /**
   * xs:duration, as carried by cim:Interval. Years and months have no fixed
   * length, so a duration using them is refused rather than guessed.
   */
  static parseXsDuration(s: string): CimDateTime {
    const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(\.\d+)?S)?)?$/.exec(s.trim());
    if (!m || s.trim() === 'P' || s.trim().endsWith('T')) throw new CimDateTimeError(`'${s}' is not an xs:duration`);
    if (m[1] !== undefined || m[2] !== undefined) {
      throw new CimDateTimeError(`'${s}': durations in years or months cannot be a CIM interval`);
    }
    // Normalise overflowing fields (PT90M is 1h30m).
    let micros = fractionToMicros(m[7]);
    let seconds = Number(m[6] ?? 0);
    let minutes = Number(m[5] ?? 0);
    let hours = Number(m[4] ?? 0);
    let days = Number(m[3] ?? 0);
    seconds += Math.floor(micros / 1_000_000);
    micros %= 1_000_000;
    minutes += Math.floor(seconds / 60);
    seconds %= 60;
    hours += Math.floor(minutes / 60);
    minutes %= 60;
    days += Math.floor(hours / 24);
    hours %= 24;
    return CimDateTime.interval({ days, hours, minutes, seconds, microseconds: micros });
  }

  toCimString(): string {
    if (this.iv) {
      const v = this.iv;
      return `${pad(v.days, 8)}${pad(v.hours, 2)}${pad(v.minutes, 2)}${pad(v.seconds, 2)}.${pad(v.microseconds, 6)}:000`;
    }
    const t = this.ts as TimestampFields;
    const sign = t.utcOffset < 0 ? '-' : '+';
    return (
      `${pad(t.year, 4)}${pad(t.month, 2)}${pad(t.day, 2)}${pad(t.hour, 2)}${pad(t.minute, 2)}${pad(t.second, 2)}` +
      `.${pad(t.microsecond, 6)}${sign}${pad(Math.abs(t.utcOffset), 3)}`
    );
  }

  /** xs:dateTime for a timestamp (throws for an interval). */
  toXsDateTime(): string {
    const t = this.timestampFields();
    const frac = t.microsecond === 0 ? '' : '.' + pad(t.microsecond, 6).replace(/0+$/, '');
    const off = Math.abs(t.utcOffset);
    const zone = t.utcOffset === 0 ? 'Z' : `${t.utcOffset < 0 ? '-' : '+'}${pad(Math.floor(off / 60), 2)}:${pad(off % 60, 2)}`;
    return `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${frac}${zone}`;
  }

  /** xs:duration for an interval, in the `PnDTnHnMnS` form Windows writes (throws for a timestamp). */
  toXsDuration(): string {
    const v = this.intervalFields();
    const frac = v.microseconds === 0 ? '' : '.' + pad(v.microseconds, 6).replace(/0+$/, '');
    return `P${v.days}DT${v.hours}H${v.minutes}M${v.seconds}${frac}S`;
  }

  /** The instant as a Date (millisecond precision; throws for an interval). */
  toDate(): Date {
    const t = this.timestampFields();
    const utcMs = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, Math.floor(t.microsecond / 1000));
    return new Date(utcMs - t.utcOffset * 60_000);
  }

  /** Total length of an interval in milliseconds (throws for a timestamp). */
  toMilliseconds(): number {
    const v = this.intervalFields();
    return ((v.days * 24 + v.hours) * 60 + v.minutes) * 60_000 + v.seconds * 1000 + Math.floor(v.microseconds / 1000);
  }

  equals(other: CimDateTime): boolean {
    return this.toCimString() === other.toCimString();
  }

  toString(): string {
    return this.toCimString();
  }

  private timestampFields(): TimestampFields {
    if (!this.ts) throw new CimDateTimeError('an interval has no date');
    return this.ts;
  }

  private intervalFields(): IntervalFields {
    if (!this.iv) throw new CimDateTimeError('a timestamp is not an interval');
    return this.iv;
  }
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new CimDateTimeError(message);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function fractionToMicros(frac: string | undefined): number {
  if (!frac) return 0;
  // Round to microseconds, the CIM precision.
  return Math.min(999999, Math.round(Number('0' + frac) * 1_000_000));
}

function zoneToMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const [h, m] = zone.slice(1).split(':').map(Number);
  return sign * ((h as number) * 60 + (m as number));
}
