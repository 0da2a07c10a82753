/**
 * Whether a run met its floors, for its exit code: a missed floor fails `npm run bench` in every
 * mode (full, --quick, --only), so a script or CI step that runs it sees the miss. A floor the run
 * did not measure (`pass` undefined: a part left out, or a figure --quick does not reach) counts
 * neither way.
 */
import type { Floor } from './report';

type Verdict = Pick<Floor, 'name' | 'target' | 'measured' | 'pass'>;

export function missedFloors<F extends Verdict>(floors: readonly F[]): F[] {
  return floors.filter((f) => f.pass === false);
}

/** 1 when a measured floor was missed, else 0. */
export function exitCodeFor(floors: readonly Verdict[]): 0 | 1 {
  return missedFloors(floors).length > 0 ? 1 : 0;
}

/** The line naming the missed floors; undefined when none was. */
export function missedLine(floors: readonly Verdict[]): string | undefined {
  const missed = missedFloors(floors);
  if (missed.length === 0) return undefined;
  return `${missed.length} ${missed.length === 1 ? 'floor' : 'floors'} missed: ${missed.map((f) => `${f.name} (${f.target}; measured ${f.measured})`).join('; ')}`;
}
