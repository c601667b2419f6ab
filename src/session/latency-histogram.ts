//! Durations kept as counts in logarithmic buckets, so that a run that loads
//! without end (a live-coding session, a plugin host) keeps a fixed amount
//! of memory for its `--stats` figures instead of one number per load.
//!
//! Bucket 0 holds durations under 1 us; bucket i > 0 holds those from
//! 2^((i-1)/8) us up to the next bucket's start: each is about 9% wide, so a
//! percentile read from them (the upper end of its bucket, never above the
//! exact maximum) is within 9% of the exact one. The last bucket holds
//! everything from about 2^30 us (18 minutes) on. Counts merge by addition,
//! and a histogram crosses threads as its plain data.

const STEPS_PER_DOUBLING = 8;
const BUCKETS = 1 + 30 * STEPS_PER_DOUBLING;

/** A histogram as plain data (posted by workers with their outcome). */
export interface Histogram {
  readonly counts: readonly number[];
  readonly count: number;
  readonly maxMs: number;
}

export const EMPTY_HISTOGRAM: Histogram = { counts: [], count: 0, maxMs: 0 };

function bucketOf(ms: number): number {
  const us = ms * 1000;
  if (!(us >= 1)) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log2(us) * STEPS_PER_DOUBLING));
}

/** The upper end of bucket `b`, in ms. */
function upperMs(b: number): number {
  return b === 0 ? 0.001 : 2 ** (b / STEPS_PER_DOUBLING) / 1000;
}

export class LatencyHistogram {
  private readonly counts = new Array<number>(BUCKETS).fill(0);
  private count = 0;
  private maxMs = 0;

  record(ms: number): void {
    this.counts[bucketOf(ms)]! += 1;
    this.count += 1;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  data(): Histogram {
    return { counts: [...this.counts], count: this.count, maxMs: this.maxMs };
  }
}

/** The histograms added up. */
export function mergeHistograms(all: readonly Histogram[]): Histogram {
  const counts = new Array<number>(BUCKETS).fill(0);
  for (const h of all) h.counts.forEach((n, b) => (counts[b]! += n));
  return { counts, count: all.reduce((n, h) => n + h.count, 0), maxMs: all.reduce((m, h) => Math.max(m, h.maxMs), 0) };
}

/** The nearest-rank percentile `p` (0 to 1): the upper end of its bucket, at most the maximum; 0 for none. */
export function percentileMs(h: Histogram, p: number): number {
  if (h.count === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * h.count));
  let seen = 0;
  for (let b = 0; b < h.counts.length; b++) {
    seen += h.counts[b] ?? 0;
    if (seen >= rank) return Math.min(upperMs(b), h.maxMs);
  }
  return h.maxMs;
}
