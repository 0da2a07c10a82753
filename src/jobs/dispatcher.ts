/**
 * The one dispatcher every provisioning runs through: a global concurrency
 * limit, optional throttle groups nested in it (a fan-out's ThrottleLimit),
 * FIFO order, and the concurrency actually observed — overall, per host and per
 * client address — so a harness can assert that its throttling held.
 */
import { SystemClock, type Clock } from '../harness/clock';

export interface Gauge {
  current: number;
  peak: number;
}

export interface ConcurrencySnapshot {
  readonly since: string;
  readonly limit: number;
  readonly overall: Gauge;
  readonly queued: number;
  readonly perHost: Readonly<Record<string, Gauge>>;
  readonly perClient: Readonly<Record<string, Gauge>>;
}

/** A ThrottleLimit shared by the tasks of one call (CimSession fan-out). */
export class ThrottleGroup {
  running = 0;
  peak = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('a throttle limit is a positive integer');
  }
}

export interface TaskSpec {
  readonly host: string;
  readonly client: string;
  readonly group?: ThrottleGroup;
}

interface Pending {
  readonly spec: TaskSpec;
  readonly start: () => void;
}

export class Dispatcher {
  private running = 0;
  private readonly queue: Pending[] = [];
  /** Hosts with a task queued or running. */
  private readonly hostTasks = new Map<string, number>();
  private overall: Gauge = { current: 0, peak: 0 };
  private perHost = new Map<string, Gauge>();
  private perClient = new Map<string, Gauge>();
  private since: Date;

  constructor(
    readonly limit: number,
    private readonly clock: Clock = new SystemClock(),
  ) {
    this.since = clock.date();
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('the dispatcher limit is a positive integer');
  }

  /** True while a task for the host is queued or running. */
  isHostBusy(host: string): boolean {
    return (this.hostTasks.get(host.toLowerCase()) ?? 0) > 0;
  }

  /**
   * Marks the host busy at once (so a second submission sees it), then runs `fn`
   * when a slot is free under the global limit and the task's group limit.
   * `onStart` is called when it leaves the queue.
   */
  run<T>(spec: TaskSpec, fn: () => Promise<T>, onStart?: () => void, signal?: AbortSignal): Promise<T> {
    const host = spec.host.toLowerCase();
    this.hostTasks.set(host, (this.hostTasks.get(host) ?? 0) + 1);
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        spec,
        start: () => {
          this.enter(spec);
          onStart?.();
          fn()
            .then(resolve, reject)
            .finally(() => {
              this.leave(spec);
              this.release(host);
              this.pump();
            });
        },
      };
      signal?.addEventListener(
        'abort',
        () => {
          const at = this.queue.indexOf(pending);
          if (at === -1) return;
          // Cancelled before it started: it never ran.
          this.queue.splice(at, 1);
          this.release(host);
          reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
        },
        { once: true },
      );
      this.queue.push(pending);
      this.pump();
    });
  }

  private release(host: string): void {
    const n = (this.hostTasks.get(host) ?? 1) - 1;
    if (n <= 0) this.hostTasks.delete(host);
    else this.hostTasks.set(host, n);
  }

  /** Starts queued tasks, in order, while there is room; a task whose group is full waits without blocking others. */
  private pump(): void {
    for (let i = 0; i < this.queue.length && this.running < this.limit; ) {
      const p = this.queue[i] as Pending;
      if (p.spec.group && p.spec.group.running >= p.spec.group.limit) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      p.start();
    }
  }

  private enter(spec: TaskSpec): void {
    this.running++;
    bump(this.overall, 1);
    bump(gauge(this.perHost, spec.host.toLowerCase()), 1);
    bump(gauge(this.perClient, spec.client), 1);
    if (spec.group) {
      spec.group.running++;
      spec.group.peak = Math.max(spec.group.peak, spec.group.running);
    }
  }

  private leave(spec: TaskSpec): void {
    this.running--;
    bump(this.overall, -1);
    bump(gauge(this.perHost, spec.host.toLowerCase()), -1);
    bump(gauge(this.perClient, spec.client), -1);
    if (spec.group) spec.group.running--;
  }

  snapshot(): ConcurrencySnapshot {
    return {
      since: this.since.toISOString(),
      limit: this.limit,
      overall: { ...this.overall },
      queued: this.queue.length,
      perHost: Object.fromEntries([...this.perHost].map(([k, g]) => [k, { ...g }])),
      perClient: Object.fromEntries([...this.perClient].map(([k, g]) => [k, { ...g }])),
    };
  }

  /** Starts the observation window again: peaks become what is running now. */
  resetMetrics(): void {
    this.since = this.clock.date();
    this.overall = { current: this.overall.current, peak: this.overall.current };
    const fresh = (m: Map<string, Gauge>): Map<string, Gauge> => {
      const out = new Map<string, Gauge>();
      for (const [k, g] of m) if (g.current > 0) out.set(k, { current: g.current, peak: g.current });
      return out;
    };
    this.perHost = fresh(this.perHost);
    this.perClient = fresh(this.perClient);
  }
}

function gauge(m: Map<string, Gauge>, key: string): Gauge {
  let g = m.get(key);
  if (!g) {
    g = { current: 0, peak: 0 };
    m.set(key, g);
  }
  return g;
}

function bump(g: Gauge, by: number): void {
  g.current += by;
  if (g.current > g.peak) g.peak = g.current;
}
