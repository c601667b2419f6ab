//! Code ids run out cleanly: `takeCodeIds` takes none once a request would
//! pass its bound (optimized versions stop below the ids kept for loads), and
//! a load that finds none left fails with a diagnostic, the session intact.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CODE_IDS_TAKEN, MAX_CODES, VERSION_IDS_BELOW, takeCodeIds } from '../../src/core/layout.js';
import { Session } from '../../src/session/session.js';
import { CompileError } from '../../src/frontend/diagnostic.js';

test('takeCodeIds gives nothing past its bound, and takes nothing then', () => {
  const words = new Int32Array(64);
  assert.equal(takeCodeIds(words, 2), 1);
  words[CODE_IDS_TAKEN >> 2] = VERSION_IDS_BELOW - 2;
  assert.equal(takeCodeIds(words, 1, VERSION_IDS_BELOW), VERSION_IDS_BELOW - 1);
  assert.equal(takeCodeIds(words, 1, VERSION_IDS_BELOW), 0, 'none left for versions');
  assert.equal(takeCodeIds(words, 1), VERSION_IDS_BELOW, 'loads still get ids');
  words[CODE_IDS_TAKEN >> 2] = MAX_CODES - 2;
  assert.equal(takeCodeIds(words, 3), 0);
  assert.equal(words[CODE_IDS_TAKEN >> 2], MAX_CODES - 2);
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
