import { CimDateTime, CimDateTimeError } from '../../../src/cim/datetime';

const ts = (s: string): CimDateTime => CimDateTime.parseCim(s);

describe('CIM string form', () => {
  it('parses a timestamp and writes it back unchanged', () => {
    const d = ts('20220510113045.123456-480');
    expect(d.isInterval).toBe(false);
    expect(d.toCimString()).toBe('20220510113045.123456-480');
    expect(String(d)).toBe('20220510113045.123456-480');
  });

  it('parses an interval and writes it back unchanged', () => {
    const d = ts('12345678235959.999999:000');
    expect(d.isInterval).toBe(true);
    expect(d.toCimString()).toBe('12345678235959.999999:000');
  });

  it('builds the CIM string from timestamp fields, padding every field', () => {
    const d = CimDateTime.timestamp({ year: 7, month: 1, day: 2, hour: 3, minute: 4, second: 5, microsecond: 6, utcOffset: -60 });
    expect(d.toCimString()).toBe('00070102030405.000006-060');
  });

  it('builds the CIM string from interval fields', () => {
    const d = CimDateTime.interval({ days: 1, hours: 2, minutes: 3, seconds: 4, microseconds: 500000 });
    expect(d.toCimString()).toBe('00000001020304.500000:000');
  });

  it('writes a zero offset with a plus sign, even when it was written as -000', () => {
    expect(ts('20220510113045.000000-000').toCimString()).toBe('20220510113045.000000+000');
  });

  it.each([
    ['too short', '2022051011304.000000+000'],
    ['no fraction separator', '20220510113045000000+000'],
    ['asterisks (reduced precision)', '2022051011****.******+000'],
    ['an interval with a non-zero trailer', '00000001020304.000000:001'],
    ['an xs:dateTime', '2022-05-10T11:30:45Z'],
    ['empty', ''],
  ])('refuses %s', (_name, s) => {
    expect(() => CimDateTime.parseCim(s)).toThrow(CimDateTimeError);
  });

  it.each([
    ['month 13', '20221310113045.000000+000', 'month out of range'],
    ['February 30', '20220230113045.000000+000', 'day out of range'],
    ['February 29 of a common year', '20230229000000.000000+000', 'day out of range'],
    ['hour 24', '20220510243045.000000+000', 'hour out of range'],
    ['minute 60', '20220510116045.000000+000', 'minute out of range'],
    ['second 61', '20220510113061.000000+000', 'second out of range'],
    ['interval hour 24', '00000001240304.000000:000', 'hours out of range'],
    ['interval second 60', '00000001020360.000000:000', 'seconds out of range'],
  ])('refuses %s as out of range', (_name, s, message) => {
    expect(() => CimDateTime.parseCim(s)).toThrow(message);
  });

  it('accepts February 29 of a leap year and a leap second', () => {
    expect(ts('20240229000000.000000+000').toCimString()).toBe('20240229000000.000000+000');
    expect(ts('20161231235960.000000+000').toCimString()).toBe('20161231235960.000000+000');
  });
});

describe('field constructors: range errors', () => {
  const base = { year: 2022, month: 5, day: 10, hour: 11, minute: 30, second: 45, microsecond: 0, utcOffset: 0 };
  const ivBase = { days: 0, hours: 0, minutes: 0, seconds: 0, microseconds: 0 };

  it.each([
    ['year 10000', { year: 10000 }, 'year out of range'],
    ['year -1', { year: -1 }, 'year out of range'],
    ['month 0', { month: 0 }, 'month out of range'],
    ['day 0', { day: 0 }, 'day out of range'],
    ['microsecond 1000000', { microsecond: 1_000_000 }, 'microseconds out of range'],
    ['UTC offset 1000', { utcOffset: 1000 }, 'UTC offset out of range'],
    ['UTC offset -1000', { utcOffset: -1000 }, 'UTC offset out of range'],
    ['a fractional microsecond', { microsecond: 0.5 }, 'fields must be integers'],
  ])('timestamp refuses %s', (_name, change, message) => {
    expect(() => CimDateTime.timestamp({ ...base, ...change })).toThrow(message);
  });

  it('timestamp accepts the extreme offsets -999 and +999', () => {
    expect(CimDateTime.timestamp({ ...base, utcOffset: -999 }).toCimString()).toBe('20220510113045.000000-999');
    expect(CimDateTime.timestamp({ ...base, utcOffset: 999 }).toCimString()).toBe('20220510113045.000000+999');
  });

  it.each([
    ['100000000 days', { days: 100_000_000 }, 'days out of range'],
    ['negative days', { days: -1 }, 'days out of range'],
    ['24 hours', { hours: 24 }, 'hours out of range'],
    ['60 minutes', { minutes: 60 }, 'minutes out of range'],
    ['60 seconds', { seconds: 60 }, 'seconds out of range'],
    ['1000000 microseconds', { microseconds: 1_000_000 }, 'microseconds out of range'],
    ['a fractional second', { seconds: 1.5 }, 'fields must be integers'],
  ])('interval refuses %s', (_name, change, message) => {
    expect(() => CimDateTime.interval({ ...ivBase, ...change })).toThrow(message);
  });
});

describe('xs:dateTime (cim:Datetime)', () => {
  it('parses a time with a fraction and a positive offset', () => {
    expect(CimDateTime.parseXsDateTime('2014-04-03T14:45:50.46875+08:00').toCimString()).toBe('20140403144550.468750+480');
  });

  it('parses Z, a negative offset, and no zone (meaning UTC)', () => {
    expect(CimDateTime.parseXsDateTime('2013-04-29T11:43:11.203125-07:00').toCimString()).toBe('20130429114311.203125-420');
    expect(CimDateTime.parseXsDateTime('2022-05-10T11:30:45Z').toCimString()).toBe('20220510113045.000000+000');
    expect(CimDateTime.parseXsDateTime('2022-05-10T11:30:45').toCimString()).toBe('20220510113045.000000+000');
  });

  it('parses an offset below one hour with its sign', () => {
    expect(CimDateTime.parseXsDateTime('2022-05-10T11:30:45-00:45').toCimString()).toBe('20220510113045.000000-045');
  });

  it('rounds fractions beyond microseconds and ignores surrounding whitespace', () => {
    expect(CimDateTime.parseXsDateTime(' 2022-05-10T11:30:45.1234564Z\n').toCimString()).toBe('20220510113045.123456+000');
  });

  it.each([
    ['a date only', '2022-05-10'],
    ['a negative year', '-2022-05-10T11:30:45Z'],
    ['a two-digit year', '22-05-10T11:30:45Z'],
    ['a space instead of T', '2022-05-10 11:30:45Z'],
    ['a zone without minutes', '2022-05-10T11:30:45+08'],
  ])('refuses %s', (_name, s) => {
    expect(() => CimDateTime.parseXsDateTime(s)).toThrow(CimDateTimeError);
  });

  it('refuses an impossible date and an offset beyond what CIM can hold', () => {
    expect(() => CimDateTime.parseXsDateTime('2014-02-30T14:45:50Z')).toThrow('day out of range');
    expect(() => CimDateTime.parseXsDateTime('2014-04-03T14:45:50+17:00')).toThrow('UTC offset out of range');
  });
});

describe('xs:date (cim:Date) and xs:time (cim:Time)', () => {
  it('parses a date as midnight of that day, with its zone', () => {
    expect(CimDateTime.parseXsDate('2014-04-03').toCimString()).toBe('20140403000000.000000+000');
    expect(CimDateTime.parseXsDate('2014-04-03-05:00').toCimString()).toBe('20140403000000.000000-300');
  });

  it('refuses a date with a time or an impossible month', () => {
    expect(() => CimDateTime.parseXsDate('2014-04-03T00:00:00')).toThrow(CimDateTimeError);
    expect(() => CimDateTime.parseXsDate('2014-13-03')).toThrow('month out of range');
  });

  it('parses a time of day as an interval since midnight', () => {
    const t = CimDateTime.parseXsTime('14:45:50.25Z');
    expect(t.isInterval).toBe(true);
    expect(t.toCimString()).toBe('00000000144550.250000:000');
  });

  it('refuses a time past midnight or without seconds', () => {
    expect(() => CimDateTime.parseXsTime('24:00:00')).toThrow('hours out of range');
    expect(() => CimDateTime.parseXsTime('14:45')).toThrow(CimDateTimeError);
  });
});

describe('xs:duration (cim:Interval)', () => {
  it.each([
    ['P1DT2H3M4.5S', '00000001020304.500000:000'],
    ['P0DT0H1M40S', '00000000000140.000000:000'],
    ['PT1M', '00000000000100.000000:000'],
    ['P3D', '00000003000000.000000:000'],
    ['PT0.000001S', '00000000000000.000001:000'],
    ['P99999999DT23H59M59.999999S', '99999999235959.999999:000'],
  ])('parses %s', (s, cim) => {
    expect(CimDateTime.parseXsDuration(s).toCimString()).toBe(cim);
  });

  it('normalises overflowing fields: PT90M is 1 hour 30 minutes', () => {
    expect(CimDateTime.parseXsDuration('PT90M').toCimString()).toBe('00000000013000.000000:000');
    expect(CimDateTime.parseXsDuration('PT90M').toXsDuration()).toBe('P0DT1H30M0S');
  });

  it('carries seconds into minutes, hours into days', () => {
    expect(CimDateTime.parseXsDuration('PT3661S').toCimString()).toBe('00000000010101.000000:000');
    expect(CimDateTime.parseXsDuration('PT36H').toCimString()).toBe('00000001120000.000000:000');
    expect(CimDateTime.parseXsDuration('P1DT47H58M120S').toCimString()).toBe('00000003000000.000000:000');
  });

  it.each(['P1Y', 'P2M', 'P1Y2M3D', 'P0Y1DT1H'])('refuses %s: years and months have no fixed length', (s) => {
    expect(() => CimDateTime.parseXsDuration(s)).toThrow(/years or months/);
  });

  it.each(['P', 'PT', 'P1DT', '-P1D', '1D', 'P1H', 'PT1D', 'P1.5D', ''])('refuses the malformed duration %j', (s) => {
    expect(() => CimDateTime.parseXsDuration(s)).toThrow(CimDateTimeError);
  });

  it('refuses a duration longer than an interval can hold', () => {
    expect(() => CimDateTime.parseXsDuration('P100000000D')).toThrow('days out of range');
    expect(() => CimDateTime.parseXsDuration('P99999999DT24H')).toThrow('days out of range');
  });
});

describe('toXsDateTime', () => {
  it('writes UTC as Z and leaves out a zero fraction', () => {
    expect(ts('20220510113045.000000+000').toXsDateTime()).toBe('2022-05-10T11:30:45Z');
  });

  it('writes a negative offset in hours and minutes (wsman-facts §9 example)', () => {
    expect(ts('20220510113045.000000-480').toXsDateTime()).toBe('2022-05-10T11:30:45-08:00');
    expect(ts('20220510113045.000000-045').toXsDateTime()).toBe('2022-05-10T11:30:45-00:45');
  });

  it('writes a positive offset with its minutes', () => {
    expect(ts('20220510113045.000000+330').toXsDateTime()).toBe('2022-05-10T11:30:45+05:30');
  });

  it('writes microseconds with trailing zeros trimmed', () => {
    expect(ts('20220510113045.123400+000').toXsDateTime()).toBe('2022-05-10T11:30:45.1234Z');
    expect(ts('20220510113045.000001+000').toXsDateTime()).toBe('2022-05-10T11:30:45.000001Z');
    expect(ts('20220510113045.500000+060').toXsDateTime()).toBe('2022-05-10T11:30:45.5+01:00');
  });

  it('throws for an interval', () => {
    expect(() => ts('00000001020304.000000:000').toXsDateTime()).toThrow('an interval has no date');
  });
});

describe('toXsDuration', () => {
  it('writes every part in the PnDTnHnMnS form Windows uses', () => {
    expect(ts('00000000000140.000000:000').toXsDuration()).toBe('P0DT0H1M40S');
    expect(ts('00000000000000.000000:000').toXsDuration()).toBe('P0DT0H0M0S');
  });

  it('writes microseconds with trailing zeros trimmed', () => {
    expect(ts('00000001020304.500000:000').toXsDuration()).toBe('P1DT2H3M4.5S');
    expect(ts('00000000000000.000010:000').toXsDuration()).toBe('P0DT0H0M0.00001S');
  });

  it('throws for a timestamp', () => {
    expect(() => ts('20220510113045.000000+000').toXsDuration()).toThrow('a timestamp is not an interval');
  });
});

describe('conversions to and from JavaScript', () => {
  it('toDate gives the instant, applying the UTC offset', () => {
    expect(ts('20220510113045.000000-480').toDate().toISOString()).toBe('2022-05-10T19:30:45.000Z');
    expect(ts('20220510113045.123999+060').toDate().toISOString()).toBe('2022-05-10T10:30:45.123Z');
  });

  it('fromDate expresses the instant in UTC with millisecond precision', () => {
    expect(CimDateTime.fromDate(new Date('2024-03-15T12:30:00.123Z')).toCimString()).toBe('20240315123000.123000+000');
  });

  it('toMilliseconds gives the length of an interval', () => {
    expect(ts('00000001020304.567890:000').toMilliseconds()).toBe(((24 + 2) * 3600 + 3 * 60 + 4) * 1000 + 567);
  });

  it('fromMilliseconds splits a duration into fields and drops sub-millisecond parts', () => {
    expect(CimDateTime.fromMilliseconds(93_784_005.9).toCimString()).toBe('00000001020304.005000:000');
    expect(CimDateTime.fromMilliseconds(0).toCimString()).toBe('00000000000000.000000:000');
  });

  it('fromMilliseconds refuses negative and infinite durations', () => {
    expect(() => CimDateTime.fromMilliseconds(-1)).toThrow(CimDateTimeError);
    expect(() => CimDateTime.fromMilliseconds(Infinity)).toThrow(CimDateTimeError);
    expect(() => CimDateTime.fromMilliseconds(NaN)).toThrow(CimDateTimeError);
  });

  it('toDate throws for an interval and toMilliseconds for a timestamp', () => {
    expect(() => ts('00000001020304.000000:000').toDate()).toThrow(CimDateTimeError);
    expect(() => ts('20220510113045.000000+000').toMilliseconds()).toThrow(CimDateTimeError);
  });
});

describe('round trips', () => {
  it.each([
    '20220510113045.000000+000',
    '20220510113045.123456-480',
    '20220510113045.100000+330',
    '19991231235959.999999-045',
    '00010101000000.000001+999',
    '99991231235959.000000-999',
  ])('timestamp %s survives CIM → xs:dateTime → CIM', (s) => {
    const back = CimDateTime.parseXsDateTime(ts(s).toXsDateTime());
    expect(back.toCimString()).toBe(s);
    expect(back.equals(ts(s))).toBe(true);
  });

  it.each(['00000000000000.000000:000', '00000001020304.500000:000', '99999999235959.999999:000', '00000000000000.000001:000'])(
    'interval %s survives CIM → xs:duration → CIM',
    (s) => {
      const back = CimDateTime.parseXsDuration(ts(s).toXsDuration());
      expect(back.toCimString()).toBe(s);
      expect(back.equals(ts(s))).toBe(true);
    },
  );

  it('a Date survives fromDate → toDate', () => {
    const d = new Date('2031-07-04T23:59:58.765Z');
    expect(CimDateTime.fromDate(d).toDate().getTime()).toBe(d.getTime());
  });

  it('a whole number of milliseconds survives fromMilliseconds → toMilliseconds', () => {
    for (const ms of [0, 1, 999, 60_000, 86_399_999, 8_639_999_999_999]) {
      expect(CimDateTime.fromMilliseconds(ms).toMilliseconds()).toBe(ms);
    }
  });

  it('equals compares values, and a timestamp never equals an interval', () => {
    expect(ts('20220510113045.000000+000').equals(CimDateTime.parseXsDateTime('2022-05-10T11:30:45Z'))).toBe(true);
    expect(ts('20220510113045.000000+000').equals(ts('20220510113045.000000+060'))).toBe(false);
    expect(ts('00000000000000.000000:000').equals(CimDateTime.parseXsTime('00:00:00'))).toBe(true);
    expect(ts('00000000000000.000000:000').equals(ts('00000101000000.000000+000'))).toBe(false);
  });
});
