//! The pace of full collections after freed code versions: none before
//! `FULL_COLLECTION_AFTER` of them, one then, and no `gc` global left behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { CollectionPacer, FULL_COLLECTION_AFTER } from '../../src/backend/full-collection.js';

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

test('a full collection once FULL_COLLECTION_AFTER versions are freed, not before', async () => {
  const pacer = new CollectionPacer();
  assert.equal(await forcedCollections(() => pacer.freedVersions(FULL_COLLECTION_AFTER - 1)), 0);
  assert.equal(await forcedCollections(() => pacer.freedVersions(1)), 1);
  assert.equal(await forcedCollections(() => pacer.freedVersions(FULL_COLLECTION_AFTER - 1)), 0);
});

test('collecting leaves no gc global in contexts made later', () => {
  new CollectionPacer().freedVersions(FULL_COLLECTION_AFTER);
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  assert.equal(runInNewContext('typeof gc'), 'undefined');
});
