import { validateFixture, type Fixture } from '../../../src/config/fixture';
import { SeededIds } from '../../../src/harness';
import { draw, TimingModel } from '../../../src/harness/timing';
import contoso from '../../../fixtures/contoso.json';

describe('step durations', () => {
  test('a fixed duration is itself; uniform draws stay in their range; lognormal ones centre on the median and respect the cap', () => {
    const r = new SeededIds(3).random('t');
    expect(draw({ ms: 250 }, r)).toBe(250);
    const uniform = Array.from({ length: 2000 }, () => draw({ distribution: 'uniform', minMs: 100, maxMs: 200 }, r));
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(200);
    const logn = Array.from({ length: 4001 }, () => draw({ distribution: 'lognormal', medianMs: 1000, sigma: 0.5, maxMs: 3000 }, r)).sort((a, b) => a - b);
    const median = logn[2000] as number;
    expect(median).toBeGreaterThan(900);
    expect(median).toBeLessThan(1100);
    expect(Math.max(...logn)).toBeLessThanOrEqual(3000);
  });

  test("a host's step overrides the fleet's, its * the fleet's steps; the fleet's * fills the rest; draws repeat with the seed", () => {
    const model = (seed: number): TimingModel =>
      new TimingModel(
        { steps: { '*': { ms: 10 }, database: { ms: 500 } } },
        new Map([['ipam2.contoso.com', { steps: { roles: { distribution: 'uniform', minMs: 1000, maxMs: 2000 } }, clock: 'real' as const }]]),
        new SeededIds(seed),
      );
    const m = model(1);
    expect(m.stepDelay('ipam1.contoso.com', 'service')).toEqual({ ms: 10, realTime: false });
    expect(m.stepDelay('IPAM1.contoso.com', 'database')).toEqual({ ms: 500, realTime: false });
    const roles = m.stepDelay('ipam2.contoso.com', 'roles');
    expect(roles?.realTime).toBe(true);
    expect(roles?.ms).toBeGreaterThanOrEqual(1000);
    expect(m.stepDelay('ipam2.contoso.com', 'database')).toEqual({ ms: 500, realTime: true });
    expect(model(1).stepDelay('ipam2.contoso.com', 'roles')).toEqual(roles);
    expect(new TimingModel(undefined, new Map(), new SeededIds(1)).empty).toBe(true);
    expect(new TimingModel(undefined, new Map(), new SeededIds(1)).stepDelay('ipam1.contoso.com', 'service')).toBeUndefined();
  });

  test('the fixture refuses a uniform range upside down and an unknown step, naming where', () => {
    const fx = structuredClone(contoso) as Fixture;
    fx.timing = { steps: { database: { distribution: 'uniform', minMs: 5, maxMs: 1 } } };
    expect(() => validateFixture(fx, 'test')).toThrow('/timing/steps/database: minMs (5) is over maxMs (1)');
    const unknown = structuredClone(contoso) as unknown as { timing: unknown };
    unknown.timing = { steps: { backup: { ms: 5 } } };
    expect(() => validateFixture(unknown, 'test')).toThrow(/timing\/steps/);
  });
});
