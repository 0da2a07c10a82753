/**
 * Latency samples and their percentiles. Every sample is kept (a Float64Array
 * that grows), so the percentiles are exact, not bucketed: at the rates
 * measured here a run records at most a few hundred thousand samples.
 */
export class Samples {
  private data = new Float64Array(1024);
  private n = 0;
  private sorted: Float64Array | undefined;

  add(ms: number): void {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = ms;
    this.sorted = undefined;
  }

  get count(): number {
    return this.n;
  }

  /** The p-th percentile (0–100) by the nearest-rank method; NaN when empty. */
  percentile(p: number): number {
    if (this.n === 0) return NaN;
    this.sorted ??= this.data.slice(0, this.n).sort();
    const rank = Math.min(this.n, Math.max(1, Math.ceil((p / 100) * this.n)));
    return this.sorted[rank - 1] as number;
  }

  get mean(): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += this.data[i] as number;
    return this.n ? s / this.n : NaN;
  }

  get max(): number {
    return this.percentile(100);
  }
}

/** Latency figures of one measurement, in milliseconds. */
export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
  readonly count: number;
}

export function summarize(s: Samples): LatencySummary {
  return { p50: s.percentile(50), p99: s.percentile(99), mean: s.mean, max: s.max, count: s.count };
}

/** Milliseconds with sensible precision: 0.123, 1.23, 12.3, 123. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

export function fmtRate(r: number): string {
  if (!Number.isFinite(r)) return '–';
  if (r >= 100) return Math.round(r).toLocaleString('en-US');
  if (r >= 10) return r.toFixed(1);
  return r.toFixed(2);
}

/** A throughput ratio as a percentage, e.g. 0.532 → "53%". */
export function fmtPct(r: number): string {
  if (!Number.isFinite(r)) return '–';
  return `${r >= 0.1 ? Math.round(r * 100) : (r * 100).toFixed(1)}%`;
}

/**
 * A ratio held against a floor: as fmtPct, but never rounded onto the floor's other side (49.995 %
 * against "≥ 50 %" reads 49.9 %, not a 50 % that missed).
 */
export function fmtPctAgainst(r: number, floor: number): string {
  if (!Number.isFinite(r) || r >= floor || Math.round(r * 100) / 100 < floor) return fmtPct(r);
  return `${(Math.floor(r * 1000) / 10).toFixed(1)}%`;
}

/** A latency ratio as a factor, e.g. 3.46 → "3.5×". */
export function fmtTimes(r: number): string {
  if (!Number.isFinite(r)) return '–';
  return r >= 100 ? `${Math.round(r)}×` : `${r.toFixed(1)}×`;
}

export function fmtMB(kb: number | undefined): string {
  return kb === undefined || !Number.isFinite(kb) ? '–' : (kb / 1024).toFixed(0);
}
