//! What gets optimized at `--tier auto`, and how it is linked: baseline code
//! that records a profile counts its loops' iterations toward its
//! optimization (`backend/emit-profile-counts.ts`), so a function called a
//! few times whose loops do the work gets optimized code; and code that
//! linked a callee's code is linked again once the callee gets newer code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/session/session.js';
import { OPTIMIZE_AFTER_CALLS } from '../../src/passes/profile.js';
import { ITERATIONS_PER_CALL } from '../../src/backend/emit-profile-counts.js';

const SOURCE = `
fn counted(n: i32) -> i32 {
  let s: i32 = 0;
  for i in 0..n { s = s + i % 7; }
  return s;
}
fn polled(n: i32) -> i32 {
  let s: i32 = 0;
  let i: i32 = 0;
  let done = false;
  while !done { s = s + i % 5; i = i + 1; done = i >= n; }
  return s;
}
`;

test('a function called a few times whose loop runs long is optimized at auto, with a counted loop or a polled one', () => {
  const session = new Session({ tier: 'auto' });
  session.load(SOURCE, 'loops.rj');
  // Each call's iterations count as more than OPTIMIZE_AFTER_CALLS calls: the second call (the first compiled) asks, the third runs the optimized code.
  const n = 2 * OPTIMIZE_AFTER_CALLS * ITERATIONS_PER_CALL;
  for (let k = 0; k < 3; k++) {
    assert.equal(session.call('counted', n), Array.from({ length: n }, (_, i) => i % 7).reduce((a, b) => a + b, 0));
    assert.equal(session.call('polled', n), Array.from({ length: n }, (_, i) => i % 5).reduce((a, b) => a + b, 0));
  }
  assert.equal(session.optStats().compiled, 2, 'both optimized');
});

test('a function whose calls and iterations stay below the threshold stays in baseline code', () => {
  const session = new Session({ tier: 'auto' });
  session.load(SOURCE, 'loops.rj');
  // Compiled at the 100th call; then 100 calls of 10 iterations each count as 110 calls.
  for (let k = 0; k < 200; k++) session.call('polled', 10);
  assert.equal(session.optStats().compiled, 0);
});

// f is optimized long before g (its loop counts), linking g's baseline code; once g is
// optimized, f's code is linked again to it rather than calling it through the dispatcher.
const CALLER_FIRST = `
fn g(n: i32) -> i32 {
  if n <= 0 { return 0; }
  return g(n - 1) + 1;
}
fn f(n: i32) -> i32 {
  let s: i32 = 0;
  for i in 0..n { s = s + i % 3; }
  return s + g(2);
}
`;

test('optimized code is relinked when a callee it linked gets optimized code', () => {
  const session = new Session({ tier: 'auto', tierUp: { calls: 2, backEdges: 20 } });
  session.load(CALLER_FIRST, 'callers.rj');
  for (let k = 0; k < 1500; k++) assert.equal(session.call('f', 1000), 999 + 2);
  const versions = session.compiledCode().map((c) => ({ name: c.ir.name, optimized: c.deopt !== null, relinked: c.relinkOf !== null }));
  const gOptimized = versions.findIndex((v) => v.name === 'g' && v.optimized);
  const fOptimized = versions.findIndex((v) => v.name === 'f' && v.optimized);
  assert.ok(fOptimized >= 0 && gOptimized > fOptimized, `f optimized before g: ${JSON.stringify(versions)}`);
  assert.ok(versions.slice(gOptimized + 1).some((v) => v.name === 'f' && v.optimized && v.relinked), `f relinked after g was optimized: ${JSON.stringify(versions)}`);
});

// A definition without calls or loops runs in bounded time: its baseline code counts nothing and
// is never optimized on its own; `uses`, which calls it, is, and inlines it.
const BOUNDED = `
fn leaf(x: i32) -> i32 { return x % 7 + 1; }
fn uses(n: i32) -> i32 {
  let s: i32 = 0;
  for i in 0..n { s = s + leaf(i); }
  return s;
}
`;

test('a definition that runs in bounded time keeps its baseline code at auto; its caller is optimized', () => {
  const session = new Session({ tier: 'auto' });
  session.load(BOUNDED, 'bounded.rj');
  for (let k = 0; k < 4 * OPTIMIZE_AFTER_CALLS; k++) assert.equal(session.call('leaf', k), (k % 7) + 1);
  assert.equal(session.optStats().compiled, 0, 'leaf is not optimized, however often it is called');
  const n = 2 * OPTIMIZE_AFTER_CALLS * ITERATIONS_PER_CALL;
  for (let k = 0; k < 3; k++) assert.equal(session.call('uses', n), Array.from({ length: n }, (_, i) => (i % 7) + 1).reduce((a, b) => a + b, 0));
  // Its version, and the entry that its first long call continued in (`Baseline.osrReady`).
  const optimized = session.compiledCode().filter((c) => c.deopt !== null).map((c) => c.ir.name);
  assert.deepEqual([...new Set(optimized)], ['uses']);
});
