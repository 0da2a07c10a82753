/**
 * The load generator: autocannon, with keep-alive connections, driven from
 * this process. Latencies are recorded from autocannon's per-response event
 * into exact samples (autocannon's own histogram rounds to whole milliseconds,
 * too coarse for sub-millisecond replies); only 2xx replies are counted as
 * served, anything else is reported as an error.
 */
import autocannon from 'autocannon';
import { Samples, summarize, type LatencySummary } from './stats';

export type Request = autocannon.Request;

export interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  /** Seconds; ignored when `amount` is given. */
  readonly durationS?: number;
  /** Stop after this many requests. */
  readonly amount?: number;
  readonly headers?: Record<string, string>;
  /** The sequence each connection sends in a loop (autocannon `requests`). */
  readonly requests: Request[];
  /** Called after every reply (for sampling memory along the way). */
  readonly onReply?: (completed: number) => void;
  /** Per-request timeout, seconds (default 30). */
  readonly timeoutS?: number;
  /** Ends the run early when it settles (e.g. the server process exited). */
  readonly abort?: Promise<unknown>;
  /** Record latencies here (to pool several runs); default a fresh set. */
  readonly samples?: Samples;
}

export interface LoadResult {
  readonly connections: number;
  readonly durationS: number;
  /** 2xx replies. */
  readonly ok: number;
  readonly rps: number;
  readonly latency: LatencySummary;
  /** Non-2xx replies, socket errors and timeouts. */
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Record<string, number>;
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const samples = spec.samples ?? new Samples();
  const before = samples.count;
  let completed = 0;
  return new Promise<LoadResult>((resolve, reject) => {
    const opts: autocannon.Options = {
      url: spec.url,
      method: 'POST',
      connections: spec.connections,
      pipelining: 1,
      timeout: spec.timeoutS ?? 30,
      headers: spec.headers,
      requests: spec.requests,
      ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.durationS ?? 10 }),
    };
    const instance = autocannon(opts, (err: unknown, result: autocannon.Result) => {
      if (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      const codes: Record<string, number> = {};
      for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) codes[code] = v.count ?? 0;
      const durationS = result.duration;
      resolve({
        connections: spec.connections,
        durationS,
        ok: samples.count - before,
        rps: (samples.count - before) / durationS,
        latency: summarize(samples),
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodes: codes,
      });
    });
    void spec.abort?.then(() => instance.stop());
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      completed++;
      if (statusCode >= 200 && statusCode < 300) samples.add(responseTime);
      spec.onReply?.(completed);
    });
  });
}

/**
 * Several loads measured in alternating slices (A B A B …) rather than one
 * after the other, so that a change in the machine's background load touches
 * them alike and their ratio stays fair. `between` runs after every slice
 * (e.g. waiting until the server has drained). Returns one pooled result per spec.
 */
export async function runInterleaved(
  specs: ReadonlyArray<Omit<LoadSpec, 'durationS' | 'amount' | 'samples'>>,
  opts: { totalS: number; slices: number; between?: (index: number) => Promise<void> },
): Promise<LoadResult[]> {
  const pools = specs.map(() => ({ samples: new Samples(), parts: [] as LoadResult[] }));
  for (let slice = 0; slice < opts.slices; slice++) {
    for (let i = 0; i < specs.length; i++) {
      const pool = pools[i] as (typeof pools)[number];
      pool.parts.push(await runLoad({ ...(specs[i] as LoadSpec), durationS: opts.totalS / opts.slices, samples: pool.samples }));
      await opts.between?.(i);
    }
  }
  return pools.map(({ samples, parts }, i) => {
    const durationS = parts.reduce((a, p) => a + p.durationS, 0);
    const codes: Record<string, number> = {};
    for (const p of parts) for (const [k, v] of Object.entries(p.statusCodes)) codes[k] = (codes[k] ?? 0) + v;
    return {
      connections: (specs[i] as LoadSpec).connections,
      durationS,
      ok: samples.count,
      rps: samples.count / durationS,
      latency: summarize(samples),
      non2xx: parts.reduce((a, p) => a + p.non2xx, 0),
      errors: parts.reduce((a, p) => a + p.errors, 0),
      timeouts: parts.reduce((a, p) => a + p.timeouts, 0),
      statusCodes: codes,
    };
  });
}
