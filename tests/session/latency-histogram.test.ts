//! The handshake histogram of `--stats`: percentiles within a bucket's width
//! of the exact ones, merging by addition, a fixed size however many loads.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyHistogram, mergeHistograms, percentileMs, EMPTY_HISTOGRAM } from '../../src/session/latency-histogram.js';

/** The exact nearest-rank percentile of `values`. */
function exact(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
}

test('percentiles are within 9% above the exact ones and never above the maximum', () => {
  const h = new LatencyHistogram();
  const values: number[] = [];
  let x = 12345;
  for (let i = 0; i < 10_000; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const ms = 0.002 + (x / 2 ** 31) ** 3 * 40;
    values.push(ms);
    h.record(ms);
  }
  const data = h.data();
  assert.equal(data.count, 10_000);
  assert.equal(data.maxMs, Math.max(...values));
  for (const p of [0.01, 0.5, 0.9, 0.99, 1]) {
    const got = percentileMs(data, p);
    const want = exact(values, p);
    assert.ok(got >= want && got <= want * 1.091, `p${p * 100}: ${got} against ${want}`);
  }
});

test('merged histograms count every duration once, and keep their size', () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  for (let i = 0; i < 100_000; i++) a.record(0.5);
  b.record(3);
  b.record(0);
  const merged = mergeHistograms([a.data(), b.data(), EMPTY_HISTOGRAM]);
  assert.equal(merged.count, 100_002);
  assert.equal(merged.maxMs, 3);
  assert.equal(merged.counts.length, a.data().counts.length);
  assert.ok(Math.abs(percentileMs(merged, 0.5) - 0.5) < 0.05);
  assert.equal(percentileMs(merged, 1), 3);
  assert.equal(percentileMs(EMPTY_HISTOGRAM, 0.5), 0);
});
