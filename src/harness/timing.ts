/**
 * How long provisioning steps take (issue 12 item 6; docs/timing.md). A provisioning here takes
 * milliseconds, so a harness asserting a ThrottleLimit sees nothing overlap: the fixture gives
 * each step a duration — fixed, uniform or lognormal, fleet-wide and per host — and the engine
 * waits that long before it runs the step. Draws come from the seeded stream `timing:<fqdn>`,
 * so with --seed they repeat. On the emulator's clock by default (a virtual clock must be moved
 * for them to pass); `clock: "real"` takes real time whatever the clock.
 */
import type { FixtureDuration, FixtureStepName, FixtureTiming } from '../config/fixture';
import type { Ids, Random } from './ids';

export type StepId = Exclude<FixtureStepName, '*'>;

export interface StepDelay {
  readonly ms: number;
  /** Real time rather than the emulator's (possibly virtual) clock. */
  readonly realTime: boolean;
}

/** A fixture's timing, fleet-wide and per host, with the host's steps over the fleet's. */
export class TimingModel {
  private readonly random = new Map<string, Random>();

  constructor(
    private readonly fleet: FixtureTiming | undefined,
    private readonly hosts: ReadonlyMap<string, FixtureTiming>,
    private readonly ids: Ids,
  ) {}

  /** True when no step of any host takes time. */
  get empty(): boolean {
    const has = (t: FixtureTiming | undefined): boolean => Object.keys(t?.steps ?? {}).length > 0;
    return !has(this.fleet) && ![...this.hosts.values()].some(has);
  }

  /** How long `step` takes on the host (a fresh draw each call), or undefined when it takes no time. */
  stepDelay(fqdn: string, step: StepId): StepDelay | undefined {
    const host = this.hosts.get(fqdn.toLowerCase());
    const model = host?.steps?.[step] ?? host?.steps?.['*'] ?? this.fleet?.steps?.[step] ?? this.fleet?.steps?.['*'];
    if (!model) return undefined;
    const ms = draw(model, this.stream(fqdn));
    if (ms <= 0) return undefined;
    return { ms, realTime: (host?.clock ?? this.fleet?.clock) === 'real' };
  }

  private stream(fqdn: string): Random {
    const key = fqdn.toLowerCase();
    let r = this.random.get(key);
    if (!r) {
      r = this.ids.random(`timing:${key}`);
      this.random.set(key, r);
    }
    return r;
  }
}

/** One duration from a model, in whole milliseconds. */
export function draw(model: FixtureDuration, random: Random): number {
  if ('ms' in model) return Math.round(model.ms);
  if (model.distribution === 'uniform') return Math.round(model.minMs + random.next() * (model.maxMs - model.minMs));
  // Lognormal: the median times e^(σz), z standard normal (Box–Muller), capped.
  const sigma = model.sigma ?? 0.5;
  const u1 = Math.max(random.next(), Number.MIN_VALUE);
  const u2 = random.next();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  const cap = model.maxMs ?? model.medianMs * 10;
  return Math.round(Math.min(cap, model.medianMs * Math.exp(sigma * z)));
}

/** What a timing section says that the schema cannot: a uniform range whose minimum is over its maximum. */
export function timingProblems(t: FixtureTiming | undefined, where: string): string[] {
  const out: string[] = [];
  for (const [step, d] of Object.entries(t?.steps ?? {})) {
    if (d && 'distribution' in d && d.distribution === 'uniform' && d.minMs > d.maxMs) out.push(`${where}/steps/${step}: minMs (${d.minMs}) is over maxMs (${d.maxMs})`);
  }
  return out;
}
