/**
 * The CimSession fan-out with fake async work: the throttle holds (counted by
 * the work itself, not only by the report), results keep the input order,
 * and one failure does not stop the others.
 */
import { DEFAULT_THROTTLE_LIMIT, effectiveThrottleLimit, runAcrossSessions } from '../../../src/client/fanout';

/** Work whose completion the test controls: nothing finishes until released. */
function gatedWork() {
  let inFlight = 0;
  let maxSeen = 0;
  const gates = new Map<number, () => void>();
  const started: number[] = [];
  const work = (_s: string, index: number): Promise<string> => {
    inFlight++;
    maxSeen = Math.max(maxSeen, inFlight);
    started.push(index);
    return new Promise<string>((resolve) => gates.set(index, () => resolve(`r${index}`))).finally(() => inFlight--);
  };
  return {
    work,
    started,
    maxSeen: () => maxSeen,
    release: (index: number) => gates.get(index)?.(),
    isStarted: (index: number) => gates.has(index),
  };
}

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('at most throttleLimit in flight; the next session starts only when one settles', async () => {
  const g = gatedWork();
  const sessions = ['a', 'b', 'c', 'd', 'e'];
  const run = runAcrossSessions(sessions, g.work, { throttleLimit: 2 });
  await settle();
  expect(g.started).toEqual([0, 1]);
  g.release(1);
  await settle();
  expect(g.started).toEqual([0, 1, 2]);
  for (const i of [0, 2, 3, 4]) {
    await settle();
    g.release(i);
  }
  const report = await run;
  expect(g.maxSeen()).toBe(2);
  expect(report.maxInFlight).toBe(2);
  expect(report.outcomes.map((o) => (o.ok ? o.value : o.error))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
});

test('results come back in input order whatever the completion order', async () => {
  const delays = [5, 1, 4, 0, 3];
  const settledOrder: number[] = [];
  const report = await runAcrossSessions(
    delays,
    async (d, i) => {
      for (let k = 0; k < d; k++) await settle();
      return i * 10;
    },
    { throttleLimit: 5, onSettled: (_o, i) => settledOrder.push(i) },
  );
  expect(settledOrder).not.toEqual([0, 1, 2, 3, 4]);
  expect(report.outcomes.map((o) => o.session)).toEqual(delays);
  expect(report.outcomes.map((o) => (o.ok ? o.value : null))).toEqual([0, 10, 20, 30, 40]);
});

test('one failure (a rejection or a synchronous throw) does not stop the others', async () => {
  const boom = new Error('host b refused');
  const report = await runAcrossSessions(
    ['a', 'b', 'c', 'd'],
    (s) => {
      if (s === 'b') return Promise.reject(boom);
      if (s === 'c') throw new TypeError('c threw before any await');
      return Promise.resolve(s.toUpperCase());
    },
    { throttleLimit: 1 },
  );
  expect(report.outcomes).toEqual([
    { session: 'a', ok: true, value: 'A' },
    { session: 'b', ok: false, error: boom },
    { session: 'c', ok: false, error: expect.any(TypeError) },
    { session: 'd', ok: true, value: 'D' },
  ]);
});

test('throttle limit 0 means the default, 32', async () => {
  expect(effectiveThrottleLimit(0)).toBe(DEFAULT_THROTTLE_LIMIT);
  expect(effectiveThrottleLimit(undefined)).toBe(32);
  const g = gatedWork();
  const sessions = Array.from({ length: 40 }, (_, i) => `h${i}`);
  const run = runAcrossSessions(sessions, g.work, { throttleLimit: 0 });
  await settle();
  expect(g.started.length).toBe(32);
  expect(g.isStarted(32)).toBe(false);
  for (let i = 0; i < 40; i++) {
    await settle();
    g.release(i);
  }
  expect((await run).maxInFlight).toBe(32);
});

test('a negative or fractional throttle limit is refused; no sessions is an empty report', async () => {
  await expect(runAcrossSessions(['a'], () => Promise.resolve(1), { throttleLimit: -1 })).rejects.toThrow(RangeError);
  await expect(runAcrossSessions(['a'], () => Promise.resolve(1), { throttleLimit: 1.5 })).rejects.toThrow(RangeError);
  expect(await runAcrossSessions([], () => Promise.resolve(1))).toEqual({ outcomes: [], maxInFlight: 0 });
});
