/**
 * The live dashboard, `/_emulator/ui/` (docs/dashboard.md): static files from static/ui and one
 * server-sent-events stream, `/_emulator/ui/events`. It sits behind the admin router, so it needs
 * the admin API's credentials, and it reads the emulator through EmulatorControl only.
 *
 * While at least one browser watches, a sampler reads the dispatcher's concurrency every 250 ms
 * into a bounded ring, and every 500 ms the feed compares the fleet, the jobs, the fault rules and
 * the journal with what it sent last and sends what changed. A new stream starts with the whole
 * state; every event after it is an idempotent update (records replace records of the same key,
 * journal entries and samples carry their sequence and time), so a stream that joins between two
 * ticks may see a change twice, never miss one.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { EmulatorControl, HostTile, JobProgress } from '../admin/control';
import { projectRoot } from '../config/paths';
import type { Fleet } from '../fleet/fleet';
import { Ring } from '../harness/ring';
import type { Logger } from '../log';
import { JobState } from '../storage/jobStore';

/** How often the concurrency is sampled, and how often changes are sent (at most twice a second, whatever the fleet's size). */
const SAMPLE_MS = 250;
const TICK_MS = 500;
/** Five minutes of samples at SAMPLE_MS. */
const SAMPLES_KEPT = 1200;
/** How many jobs the board shows: running first, then queued, then the most recently ended. */
const JOBS_SHOWN = 100;
/** Journal entries in the first state, and at most per tick after it (the newest; `missed` counts the rest). */
const JOURNAL_FIRST = 100;
const JOURNAL_PER_TICK = 200;
const NEAR_MISSES_FIRST = 50;
/** A comment line this often keeps proxies and idle timers from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** How long a stop lets a stream's last bytes (`bye`) drain before it cuts the connection. */
const CLOSE_GRACE_MS = 1000;
/** A browser that stops reading is dropped (it reconnects and starts again from a whole state) past this much unsent. */
const MAX_BACKLOG_BYTES = 1024 * 1024;

/**
 * Pages and stream alike: nothing from elsewhere, no inline script or style, no framing. The page builds
 * its DOM with textContent, so data from the emulator (host names, fault messages) is never markup.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** A job as the board shows it: times as durations in milliseconds, on the emulator's clock. */
export interface JobView {
  readonly id: string;
  readonly host: string;
  readonly operation: string;
  readonly state: string;
  readonly owner: string;
  readonly client: string | null;
  readonly percent: number;
  readonly status: string;
  readonly submitted: string;
  /** From start to end, or to now while it runs; null while queued. */
  readonly durationMs: number | null;
  readonly error: string | null;
  /** The steps done, each with how long it took. */
  readonly steps: ReadonlyArray<{ readonly title: string; readonly ms: number }>;
  /** The step it is on and for how long so far. */
  readonly current: { readonly number: number; readonly of: number; readonly title: string; readonly ms: number } | null;
}

/** One concurrency sample: [time (ms since the epoch, real time), running, queued]. */
type Sample = readonly [number, number, number];

interface Stream {
  readonly res: Response;
}

export class Dashboard {
  readonly router: express.Router;
  private readonly streams = new Set<Stream>();
  private readonly samples = new Ring<Sample>(SAMPLES_KEPT);
  private sampler: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private closed = false;
  private lastHeartbeat = 0;
  /** What the last tick saw, to send only what changed since. */
  private sent = {
    tiles: new Map<string, string>(),
    jobs: new Map<string, string>(),
    faults: '',
    journalSeq: 0,
    sampleTime: 0,
  };

  constructor(
    private readonly control: EmulatorControl,
    private readonly fleet: Fleet,
    private readonly log: Logger,
    staticDir = path.join(projectRoot(), 'static', 'ui'),
  ) {
    if (!fs.existsSync(path.join(staticDir, 'index.html'))) log.warn({ staticDir }, 'the dashboard page is missing: /_emulator/ui/ answers 404');
    const r = express.Router();
    r.use((_req: Request, res: Response, next: NextFunction) => {
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('Cache-Control', 'no-store');
      next();
    });
    r.get('/events', (_req, res) => this.open(res));
    r.use(express.static(staticDir, { index: 'index.html', dotfiles: 'ignore', etag: false, lastModified: false }));
    this.router = r;
  }

  /** How many browsers are watching. */
  get watchers(): number {
    return this.streams.size;
  }

  /**
   * Ends every stream (each is told `bye` first) and stops sampling: the emulator's stop must not wait
   * on a browser. Streams asked for afterwards get 503.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.stopTimers();
    const ended = [...this.streams].map((s) => {
      if (s.res.destroyed) return Promise.resolve();
      // A browser that does not read what is left is cut off rather than waited for.
      const cut = setTimeout(() => s.res.destroy(), CLOSE_GRACE_MS);
      const gone = new Promise<void>((resolve) =>
        s.res.once('close', () => {
          clearTimeout(cut);
          resolve();
        }),
      );
      this.write(s, 'bye', { reason: 'the emulator is stopping' });
      s.res.end();
      return gone;
    });
    this.streams.clear();
    await Promise.all(ended);
  }

  private open(res: Response): void {
    if (this.closed) {
      res.status(503).json({ error: 'the emulator is stopping' });
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // Each stream has its connection to itself: when the stream ends (at stop) the socket closes too.
      Connection: 'close',
    });
    const stream: Stream = { res };
    this.streams.add(stream);
    if (this.streams.size === 1) this.startTimers();
    res.write('retry: 2000\n\n');
    this.write(stream, 'state', this.wholeState());
    // The response's close: the browser went away, or the stream was ended (the request's may come sooner).
    res.on('close', () => {
      this.streams.delete(stream);
      if (this.streams.size === 0) this.stopTimers();
    });
  }

  private startTimers(): void {
    this.sample();
    this.sampler = setInterval(() => this.sample(), SAMPLE_MS);
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.sampler.unref();
    this.ticker.unref();
  }

  private stopTimers(): void {
    clearInterval(this.sampler);
    clearInterval(this.ticker);
    this.sampler = this.ticker = undefined;
  }

  private sample(): void {
    const c = this.control.concurrency();
    this.samples.push([Date.now(), c.overall.current, c.queued]);
  }

  /** The first event of every stream: everything the page shows. */
  private wholeState(): Record<string, unknown> {
    const tiles = this.control.hostTiles();
    const board = this.jobBoard();
    const faults = this.control.faultRules();
    const journal = this.control.journal;
    const requests = journal?.requests({ limit: JOURNAL_FIRST });
    // The baseline of the next tick's diff, unless a tick already set a newer one for earlier streams.
    if (this.streams.size === 1) {
      this.sent = {
        tiles: new Map(tiles.map((t) => [t.host, tileSignature(t)])),
        jobs: new Map(board.jobs.map((j) => [j.id, jobSignature(j)])),
        faults: faultsSignature(faults),
        journalSeq: requests?.lastSeq ?? 0,
        sampleTime: this.newestSampleTime(),
      };
    }
    return {
      fleet: { name: this.fleet.name, hosts: this.fleet.hosts.length, defaultHost: this.fleet.defaultHost.fqdn },
      hosts: tiles,
      jobs: board,
      concurrency: this.concurrencyEvent([...this.samples]),
      faults,
      journal: journal
        ? { enabled: true, capacity: journal.capacity, lastSeq: requests?.lastSeq ?? 0, entries: requests?.entries ?? [], nearMisses: journal.nearMisses({ limit: NEAR_MISSES_FIRST }).entries }
        : { enabled: false },
    };
  }

  /** Sends what changed since the last tick to every stream. */
  private tick(): void {
    const events: Array<[string, unknown]> = [];

    const tiles = this.control.hostTiles().filter((t) => {
      const sig = tileSignature(t);
      if (this.sent.tiles.get(t.host) === sig) return false;
      this.sent.tiles.set(t.host, sig);
      return true;
    });
    if (tiles.length > 0) events.push(['hosts', tiles]);

    const board = this.jobBoard();
    const shown = new Map(board.jobs.map((j) => [j.id, jobSignature(j)]));
    // A running job's duration moves on every tick, so it is sent every tick (there are at most the dispatcher's limit).
    const upserted = board.jobs.filter((j) => j.state === 'Running' || this.sent.jobs.get(j.id) !== shown.get(j.id));
    const removed = [...this.sent.jobs.keys()].filter((id) => !shown.has(id));
    this.sent.jobs = shown;
    if (upserted.length > 0 || removed.length > 0) events.push(['jobs', { counts: board.counts, upserted, removed }]);

    const faults = this.control.faultRules();
    const faultsSig = faultsSignature(faults);
    if (faultsSig !== this.sent.faults) {
      this.sent.faults = faultsSig;
      events.push(['faults', faults]);
    }

    const journal = this.control.journal;
    if (journal) {
      const since = { seq: this.sent.journalSeq };
      const requests = journal.requests({ since, limit: JOURNAL_PER_TICK });
      const nearMisses = journal.nearMisses({ since, limit: JOURNAL_PER_TICK });
      if (requests.entries.length > 0 || nearMisses.entries.length > 0) {
        events.push(['journal', { lastSeq: requests.lastSeq, entries: requests.entries, nearMisses: nearMisses.entries, missed: requests.matched - requests.entries.length }]);
      }
      this.sent.journalSeq = requests.lastSeq;
    }

    const fresh = [...this.samples].filter((s) => s[0] > this.sent.sampleTime);
    if (fresh.length > 0) {
      this.sent.sampleTime = this.newestSampleTime();
      events.push(['concurrency', this.concurrencyEvent(fresh)]);
    }

    const now = Date.now();
    const heartbeat = now - this.lastHeartbeat >= HEARTBEAT_MS;
    if (heartbeat) this.lastHeartbeat = now;
    for (const s of this.streams) {
      for (const [name, data] of events) this.write(s, name, data);
      if (heartbeat) s.res.write(': keep-alive\n\n');
    }
  }

  private write(s: Stream, event: string, data: unknown): void {
    if (s.res.destroyed || s.res.writableEnded) return;
    if (s.res.writableLength > MAX_BACKLOG_BYTES) {
      this.log.warn({ backlog: s.res.writableLength }, 'a dashboard stream fell behind; it is ended (the browser reconnects)');
      this.streams.delete(s);
      s.res.destroy();
      return;
    }
    // JSON.stringify escapes line breaks inside strings, so the data is one SSE line.
    s.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private newestSampleTime(): number {
    let t = 0;
    for (const s of this.samples.newestFirst()) {
      t = s[0];
      break;
    }
    return t;
  }

  private concurrencyEvent(samples: Sample[]): Record<string, unknown> {
    const c = this.control.concurrency();
    return { limit: c.limit, since: c.since, peak: c.overall.peak, running: c.overall.current, queued: c.queued, perClient: c.perClient, samples };
  }

  private jobBoard(): { counts: Record<string, number>; jobs: JobView[] } {
    const board = this.control.jobBoard(JOBS_SHOWN);
    const now = Date.parse(this.control.clock().now);
    return { counts: board.counts, jobs: board.jobs.map((p) => jobView(p, now)) };
  }
}

function jobView(p: JobProgress, now: number): JobView {
  const j = p.job;
  const started = j.startTime?.getTime();
  const ended = j.endTime?.getTime();
  let previous = started ?? j.timeSubmitted.getTime();
  const steps = p.steps.map((s) => {
    const at = Date.parse(s.endedAt);
    const step = { title: s.title, ms: Math.max(0, at - previous) };
    previous = at;
    return step;
  });
  return {
    id: j.instanceId,
    host: j.fqdn,
    operation: j.operation,
    state: JobState[j.state],
    owner: j.owner,
    client: j.client,
    percent: j.percent,
    status: j.status,
    submitted: j.timeSubmitted.toISOString(),
    durationMs: started === undefined ? null : Math.max(0, (ended ?? now) - started),
    error: j.errorDescription,
    steps,
    current: p.current ? { ...p.current, ms: Math.max(0, now - previous) } : null,
  };
}

function tileSignature(t: HostTile): string {
  return `${t.state}|${t.step?.number ?? ''}|${t.job ?? ''}|${t.error ?? ''}`;
}

/** What changes a job's row, its running duration aside. */
function jobSignature(j: JobView): string {
  return `${j.state}|${j.percent}|${j.status}|${j.steps.length}`;
}

function faultsSignature(f: ReturnType<EmulatorControl['faultRules']>): string {
  return `${f.rules.map((r) => `${r.id}:${r.fired}:${r.retired}`).join(',')}|${f.hostsDown.map((d) => `${d.host}:${d.until}`).join(',')}`;
}
