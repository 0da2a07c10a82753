/**
 * The harness toolkit's foundations (issue 12): the emulator's clock and its source of
 * identifiers and random draws. One `Harness` per emulator, made by the composition root
 * (app.ts) and handed to every layer that stamps times, waits, or makes identifiers.
 */
import { SystemClock, type Clock } from './clock';
import { idsFor, type Ids } from './ids';

export { SystemClock, VirtualClock, VirtualClockError, parseClockOption, type Clock, type TimerHandle } from './clock';
export { RandomIds, SeededIds, idsFor, type Ids, type Random } from './ids';

export interface Harness {
  readonly clock: Clock;
  readonly ids: Ids;
}

/** The machine's clock and random identifiers: what a run without --seed or --clock gets. */
export function defaultHarness(): Harness {
  return { clock: new SystemClock(), ids: idsFor(undefined) };
}
