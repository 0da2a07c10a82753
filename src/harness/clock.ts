/**
 * The emulator's time. Everything that stamps a time (jobs, the configuration log, shells,
 * CIM datetimes) or waits for one (enumeration expiry, OperationTimeout, the shell idle
 * timeout, lockout windows, step durations) asks a Clock, never Date or setTimeout directly.
 *
 * - SystemClock: the machine's time and Node's timers.
 * - VirtualClock (`serve --clock virtual[=ISO-8601]`): time stands still until a harness moves
 *   it (`POST /_emulator/clock`); timers fire, in due order, as it passes their due time. Nothing
 *   waits for real time, so a harness can expire a 60-second enumeration context at once.
 *
 * Socket-level timeouts (HTTP header and idle timeouts) stay on real time: they are about
 * real connections, not about the hosts being played.
 */

export interface TimerHandle {
  /** Lets the process exit with the timer pending (a no-op on a virtual clock). */
  unref(): TimerHandle;
}

export interface Clock {
  /** True for a virtual clock (time moves only when told). */
  readonly virtual: boolean;
  /** Milliseconds since the epoch. */
  now(): number;
  date(): Date;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Resolves after `ms` of this clock, or at once (resolving, not rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Sleeps on any clock, ending early on abort. */
function sleepOn(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  // Nothing to wait for (a virtual clock's zero timer would otherwise wait for the next move).
  if (signal?.aborted || !(ms > 0)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class SystemClock implements Clock {
  readonly virtual = false;

  now(): number {
    return Date.now();
  }

  date(): Date {
    return new Date();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return setTimeout(fn, ms);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) clearTimeout(handle as NodeJS.Timeout);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}

interface VirtualTimer extends TimerHandle {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

export class VirtualClockError extends Error {}

export class VirtualClock implements Clock {
  readonly virtual = true;
  private current: number;
  private seq = 0;
  private readonly timers: VirtualTimer[] = [];

  constructor(start: Date | number) {
    this.current = typeof start === 'number' ? start : start.getTime();
    if (!Number.isFinite(this.current)) throw new VirtualClockError('The virtual clock needs a valid start time.');
  }

  now(): number {
    return this.current;
  }

  date(): Date {
    return new Date(this.current);
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: VirtualTimer = { due: this.current + Math.max(0, Number.isFinite(ms) ? ms : 0), seq: this.seq++, fn, cancelled: false, unref: () => timer };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) (handle as VirtualTimer).cancelled = true;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Timers waiting for the clock to reach them. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /**
   * Moves the clock forward by `ms`, firing each timer whose time comes, in due order, with the
   * clock standing at that timer's due time while it runs; a timer set by one that fires (for a
   * time still within the move) fires too. After each, the event loop runs its pending work and
   * I/O callbacks (an immediate, then a zero timer) so that what the timer started — a step that
   * runs and sets its next wait — happens at that time, before the clock moves on.
   */
  async advance(ms: number): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0) throw new VirtualClockError('advanceMs must be a number of milliseconds, zero or more.');
    return this.moveTo(this.current + ms);
  }

  /** Sets the clock to `to`; only forward (a clock that went back would unsort every stamp). */
  async set(to: Date | number): Promise<number> {
    const target = typeof to === 'number' ? to : to.getTime();
    if (!Number.isFinite(target)) throw new VirtualClockError('set must be an ISO-8601 date and time.');
    if (target < this.current) throw new VirtualClockError(`The virtual clock only moves forward: it is ${new Date(this.current).toISOString()}.`);
    return this.moveTo(target);
  }

  private async moveTo(target: number): Promise<number> {
    let fired = 0;
    for (;;) {
      let next: VirtualTimer | undefined;
      for (const t of this.timers) {
        if (t.cancelled || t.due > target) continue;
        if (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq)) next = t;
      }
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.current = Math.max(this.current, next.due);
      next.fn();
      fired++;
      await new Promise<void>((r) => setImmediate(r));
      await new Promise<void>((r) => setTimeout(r, 0));
    }
    for (let i = this.timers.length - 1; i >= 0; i--) if ((this.timers[i] as VirtualTimer).cancelled) this.timers.splice(i, 1);
    this.current = target;
    return fired;
  }
}

/** `--clock system`, `--clock virtual` (starting now) or `--clock virtual=2026-01-01T00:00:00Z`. */
export function parseClockOption(text: string | undefined, now = Date.now()): Clock {
  if (text === undefined || text === 'system') return new SystemClock();
  const m = /^virtual(?:=(.+))?$/.exec(text.trim());
  if (!m) throw new VirtualClockError(`--clock takes system, virtual or virtual=<ISO-8601>, not '${text}'`);
  if (m[1] === undefined) return new VirtualClock(now);
  const start = Date.parse(m[1]);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(m[1]) || !Number.isFinite(start)) throw new VirtualClockError(`--clock virtual=<ISO-8601 date and time>, not '${m[1]}'`);
  return new VirtualClock(start);
}
