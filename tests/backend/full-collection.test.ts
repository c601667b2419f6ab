//! The pace of full collections after freed code versions (or definitions): none before
//! `FULL_COLLECTION_AFTER` of them, one then, threads following each other, and no `gc`
//! global left behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { CollectionPacer, FOLLOW_FRACTION, FULL_COLLECTION_AFTER } from '../../src/backend/full-collection.js';
import { FULL_COLLECTIONS } from '../../src/core/layout.js';

/** A run's control words, as a session has them. */
const controlWords = (): Int32Array => new Int32Array(new SharedArrayBuffer(FULL_COLLECTIONS + 4));

/** The forced major collections that `run` causes. */
async function forcedCollections(run: () => void): Promise<number> {
  let forced = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const detail = (e as unknown as { detail: { kind: number; flags: number } }).detail;
      if (detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR && (detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) forced++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  run();
  // GC entries are delivered asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return forced;
}

test('a full collection once FULL_COLLECTION_AFTER versions are freed, not before, and only when asked', async () => {
  const pacer = new CollectionPacer(controlWords());
  const free = (versions: number) => (): void => {
    pacer.freed(versions);
    pacer.collectIfDue();
  };
  assert.equal(await forcedCollections(free(FULL_COLLECTION_AFTER - 1)), 0);
  assert.equal(await forcedCollections(() => pacer.freed(1)), 0);
  assert.equal(await forcedCollections(() => pacer.collectIfDue()), 1);
  assert.equal(await forcedCollections(free(FULL_COLLECTION_AFTER - 1)), 0);
});

test("a thread follows another thread's collection once it has freed a part of its own due, and a follower leads no one", async () => {
  const words = controlWords();
  const leader = new CollectionPacer(words);
  const follower = new CollectionPacer(words);
  const other = new CollectionPacer(words);
  const part = FULL_COLLECTION_AFTER * FOLLOW_FRACTION;
  follower.freed(part - 1);
  other.freed(part);
  assert.equal(await forcedCollections(() => follower.collectIfDue()), 0, 'no one has collected');
  leader.freed(FULL_COLLECTION_AFTER);
  assert.equal(await forcedCollections(() => leader.collectIfDue()), 1);
  assert.equal(Atomics.load(words, FULL_COLLECTIONS >> 2), 1, 'the leader counts its collection');
  assert.equal(await forcedCollections(() => follower.collectIfDue()), 0, 'too little freed to follow');
  follower.freed(1);
  assert.equal(await forcedCollections(() => follower.collectIfDue()), 1, 'follows');
  assert.equal(await forcedCollections(() => follower.collectIfDue()), 0, 'once');
  assert.equal(Atomics.load(words, FULL_COLLECTIONS >> 2), 1, 'a follower does not count');
  assert.equal(await forcedCollections(() => other.collectIfDue()), 1, 'every thread follows');
});

test('collecting leaves no gc global in contexts made later', () => {
  const pacer = new CollectionPacer(controlWords());
  pacer.freed(FULL_COLLECTION_AFTER);
  pacer.collectIfDue();
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  assert.equal(runInNewContext('typeof gc'), 'undefined');
});

/**
 * A worker that waits for the word at `start` to be set, then makes its
 * first full collection, as the threads of a run do when they have freed
 * their first thousand versions at about the same time: each sets and clears
 * the process-wide flag that exposes `gc`.
 */
const COLLECTING_WORKER = `
const { workerData } = require('node:worker_threads');
const words = new Int32Array(workerData.shared);
import(workerData.module).then(({ CollectionPacer, FULL_COLLECTION_AFTER }) => {
  Atomics.wait(words, 0, 0);
  const pacer = new CollectionPacer(new Int32Array(new SharedArrayBuffer(256)));
  pacer.freed(FULL_COLLECTION_AFTER);
  pacer.collectIfDue();
});
`;

test('threads that make their first full collection at the same moment all make it (the flag they set is process-wide)', async () => {
  const module = new URL('../../src/backend/full-collection.js', import.meta.url).href;
  for (let round = 0; round < 8; round++) {
    const shared = new SharedArrayBuffer(4);
    const workers = Array.from({ length: 4 }, () => new Worker(COLLECTING_WORKER, { eval: true, workerData: { shared, module } }));
    const exits = workers.map((w) => new Promise<unknown>((resolve) => {
      w.on('error', resolve);
      w.on('exit', () => resolve(null));
    }));
    // Every worker has imported the module and waits (or is about to).
    await new Promise((resolve) => setTimeout(resolve, 100));
    Atomics.store(new Int32Array(shared), 0, 1);
    Atomics.notify(new Int32Array(shared), 0);
    assert.deepEqual(await Promise.all(exits), [null, null, null, null], `round ${round}`);
  }
});
