import { SystemClock, VirtualClock, VirtualClockError, parseClockOption } from '../../../src/harness';

describe('the virtual clock', () => {
  test('stands still until moved; timers fire in due order with the clock at their due time', async () => {
    const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
    const seen: Array<[string, string]> = [];
    clock.setTimeout(() => seen.push(['b', clock.date().toISOString()]), 2000);
    clock.setTimeout(() => seen.push(['a', clock.date().toISOString()]), 1000);
    clock.setTimeout(() => seen.push(['a2', clock.date().toISOString()]), 1000);
    await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual([]);
    expect(clock.date().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(await clock.advance(1500)).toBe(2);
    expect(seen).toEqual([
      ['a', '2026-01-01T00:00:01.000Z'],
      ['a2', '2026-01-01T00:00:01.000Z'],
    ]);
    expect(clock.date().toISOString()).toBe('2026-01-01T00:00:01.500Z');
    await clock.set(new Date('2026-01-01T00:00:02Z'));
    expect(seen.map(([n]) => n)).toEqual(['a', 'a2', 'b']);
    expect(clock.pending).toBe(0);
  });

  test('a timer set by a firing timer, within the move, fires in the same move; a cancelled one never', async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 100);
    }, 100);
    const cancelled = clock.setTimeout(() => seen.push(-1), 150);
    clock.clearTimeout(cancelled);
    await clock.advance(250);
    expect(seen).toEqual([100, 200]);
  });

  test('sleep resolves when the clock passes it, or at once on abort', async () => {
    const clock = new VirtualClock(0);
    let woke = false;
    const sleeping = clock.sleep(60_000).then(() => (woke = true));
    await clock.advance(59_999);
    expect(woke).toBe(false);
    await clock.advance(1);
    await sleeping;
    expect(woke).toBe(true);
    const ac = new AbortController();
    const aborted = clock.sleep(1_000_000, ac.signal);
    ac.abort();
    await aborted;
    expect(clock.pending).toBe(0);
  });

  test('goes forward only, and refuses what is not a time', async () => {
    const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
    await expect(clock.set(new Date('2025-12-31T00:00:00Z'))).rejects.toThrow('only moves forward');
    await expect(clock.advance(-1)).rejects.toBeInstanceOf(VirtualClockError);
    await expect(clock.advance(Number.NaN)).rejects.toBeInstanceOf(VirtualClockError);
  });

  test('--clock parses system, virtual and virtual=<ISO-8601>, and names what is wrong', () => {
    expect(parseClockOption(undefined)).toBeInstanceOf(SystemClock);
    expect(parseClockOption('system')).toBeInstanceOf(SystemClock);
    expect(parseClockOption('virtual', 1234).now()).toBe(1234);
    expect(parseClockOption('virtual=2026-01-01T00:00:00Z').date().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(() => parseClockOption('virtual=yesterday')).toThrow("--clock virtual=<ISO-8601 date and time>, not 'yesterday'");
    expect(() => parseClockOption('fast')).toThrow('--clock takes system, virtual or virtual=<ISO-8601>');
  });
});
