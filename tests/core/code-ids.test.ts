//! Code ids (`core/code-ids.ts`): taken with a hold, reused only after a
//! sweep found nothing holding or naming them, each reuse under a new
//! generation so that a stale id never matches; and a load that finds none
//! left fails with a diagnostic, the session intact.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CODE_GENERATIONS, CODE_GENERATIONS_BASE, CODE_IDS_TAKEN, MAX_CODES, VERSION_IDS_BELOW, codeIndex, definitionWord, stubSlot } from '../../src/core/layout.js';
import { codeIdCounts, holdCodeId, releaseCodeId, sweepCodeIds, takeCodeIds } from '../../src/core/code-ids.js';
import type { CodeId } from '../../src/ir/ids.js';
import { Session } from '../../src/session/session.js';
import { CompileError } from '../../src/frontend/diagnostic.js';

const memory = (): Int32Array => new Int32Array(new SharedArrayBuffer(4 << 20));

test('takeCodeIds gives nothing past its reserve, and takes nothing then', () => {
  const words = memory();
  assert.deepEqual(takeCodeIds(words, 2), [1, 2]);
  words[CODE_IDS_TAKEN >> 2] = VERSION_IDS_BELOW - 2;
  const reserve = MAX_CODES - VERSION_IDS_BELOW;
  assert.deepEqual(takeCodeIds(words, 1, reserve), [VERSION_IDS_BELOW - 1]);
  assert.deepEqual(takeCodeIds(words, 1, reserve), [], 'none left for versions');
  assert.deepEqual(takeCodeIds(words, 1), [VERSION_IDS_BELOW], 'loads still get ids');
  words[CODE_IDS_TAKEN >> 2] = MAX_CODES - 2;
  assert.deepEqual(takeCodeIds(words, 3), []);
  assert.equal(words[CODE_IDS_TAKEN >> 2], MAX_CODES - 2);
});

test('a sweep frees what nothing holds or names; the index comes back under a new generation, and the old id cannot be held', () => {
  const words = memory();
  const [a, b, c] = takeCodeIds(words, 3) as [CodeId, CodeId, CodeId];
  // a: named by a stub slot; b: still held; c: let go and named nowhere.
  Atomics.store(words, stubSlot(0) >>> 2, -a);
  releaseCodeId(words, a);
  releaseCodeId(words, c);
  assert.equal(sweepCodeIds(words, 1), 1);
  assert.deepEqual(codeIdCounts(words), { live: 2, free: 1 });
  assert.equal(holdCodeId(words, c), false, 'a freed id is stale');
  assert.equal(holdCodeId(words, a), true);
  const [again] = takeCodeIds(words, 1) as [CodeId];
  assert.equal(codeIndex(again), codeIndex(c));
  assert.notEqual(again, c);
  assert.equal(holdCodeId(words, c), false, 'the old id does not match the reused index');
  // Named by a definition word: kept.
  Atomics.store(words, stubSlot(0) >>> 2, 0);
  Atomics.store(words, definitionWord(0) >>> 2, b);
  releaseCodeId(words, b);
  releaseCodeId(words, a);
  assert.equal(sweepCodeIds(words, 1), 1, 'a (no longer named) goes, b stays');
});

test('an index whose generations are used up is retired, not reused', () => {
  const words = memory();
  const [a] = takeCodeIds(words, 1) as [CodeId];
  releaseCodeId(words, a);
  Atomics.store(words, (CODE_GENERATIONS_BASE >>> 2) + codeIndex(a), CODE_GENERATIONS - 1);
  assert.equal(sweepCodeIds(words, 0), 1);
  assert.deepEqual(codeIdCounts(words), { live: 1, free: 0 });
  const [b] = takeCodeIds(words, 1) as [CodeId];
  assert.notEqual(codeIndex(b), codeIndex(a));
});

test('a load with no code ids left fails with a diagnostic and changes nothing', () => {
  const s = new Session({ tier: 'opt', print: () => {} });
  s.load('fn f() -> i32 { return 1; }\nfn main() -> i32 { return f(); }', 'm.rj');
  assert.equal(s.call('main'), 1);
  const words = s.heap.i32;
  words[CODE_IDS_TAKEN >> 2] = MAX_CODES - 1;
  assert.throws(() => s.load('fn f() -> i32 { return 2; }', 'v2.rj'), (e) => e instanceof CompileError && /v2\.rj:1:1: error: the run has no code ids left/.test(e.format()));
  assert.equal(s.call('main'), 1);
});
