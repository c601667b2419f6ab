//! The runtime's clock: milliseconds that advance with time and read the
//! same on every thread (trace timestamps of all threads share it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { nowMs } from '../../src/core/clock.js';

test('nowMs advances in milliseconds', async () => {
  const start = nowMs();
  await new Promise((resolve) => setTimeout(resolve, 30));
  const elapsed = nowMs() - start;
  assert.ok(elapsed >= 29 && elapsed < 5000, `${elapsed} ms`);
});

test('nowMs reads the same clock on a worker thread', async () => {
  const url = new URL('../../src/core/clock.js', import.meta.url).href;
  const before = nowMs();
  const worker = new Worker(`import { parentPort } from 'node:worker_threads'; import { nowMs } from '${url}'; parentPort.postMessage(nowMs());`, { eval: true });
  const there = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const after = nowMs();
  await worker.terminate();
  assert.ok(before <= there && there <= after, `${before} <= ${there} <= ${after}`);
});
