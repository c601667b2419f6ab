//! The compiler thread of a threaded session (`session/compiler-thread.ts`):
//! at `--tier auto`, a hot function runs its baseline code while the
//! compiler optimizes it, and every program thread then installs the
//! optimized version from the compiler instead of compiling it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThreadedSession } from '../../src/session/threaded-session.js';

const PROGRAM = `
class Shape { fn area(self) -> i32 { return 2; } }
fn twice(x: i32) -> i32 { return x * 2; }
fn work(n: i32) -> i64 {
  let s = new Shape;
  let t: i64 = 0;
  for i in 0..n { t += i64(twice(i) + s.area()); }
  return t;
}
fn main() -> i64 {
  let t: i64 = 0;
  for round in 0..3000 { t += work(100); if round % 100 == 0 { sleep_ms(0); } }
  return t;
}
`;

test('at auto, two threads run baseline code while the compiler thread optimizes, then both install its version', async () => {
  const session = await ThreadedSession.create({ threads: 2, tier: 'auto', tierUp: { calls: 2, backEdges: 20 }, print: () => {} });
  try {
    session.load(PROGRAM, 'hot.rj');
    const result = await session.run('main');
    const expected = 3000n * BigInt(99 * 100 + 2 * 100);
    assert.deepEqual(result.outcomes.map((o) => (o.kind === 'returned' ? o.value : o.kind)), [expected, expected]);
    // The compiler works beside the runs, and may finish after several: run until both threads have its code.
    let report = await session.optimizationReport();
    for (let run = 0; run < 100 && !report.threads.every((t) => (t?.installed ?? 0) >= 1); run++) {
      const again = await session.run('main');
      assert.deepEqual(again.outcomes.map((o) => (o.kind === 'returned' ? o.value : o.kind)), [expected, expected]);
      report = await session.optimizationReport();
    }
    assert.ok((report.compiler?.compiled ?? 0) >= 1, `the compiler compiled ${report.compiler?.compiled}`);
    for (const [i, t] of report.threads.entries()) {
      assert.ok(t !== undefined && t.installed >= 1, `thread ${i} installed ${t?.installed} optimized versions`);
      assert.equal(t?.compiled, 0, `thread ${i} compiled no optimized version itself`);
    }
    // A redefinition after optimization: the optimized callers stop assuming the old body.
    session.load('fn twice(x: i32) -> i32 { return x * 3; }', 'v2.rj');
    const again = await session.run('main');
    const expected2 = 3000n * BigInt((99 * 100 * 3) / 2 + 2 * 100);
    assert.deepEqual(again.outcomes.map((o) => (o.kind === 'returned' ? o.value : o.kind)), [expected2, expected2]);
  } finally {
    await session.close();
  }
});

test('runHere at auto: the compiler thread starts with the first baseline code that will ask for optimized code, and this thread installs its versions', async () => {
  const expected = 3000n * BigInt(99 * 100 + 2 * 100);
  const cold = ThreadedSession.open({ threads: 1, tier: 'auto', print: () => {} });
  try {
    cold.load(PROGRAM, 'cold.rj');
    assert.deepEqual(cold.runHere('twice', [21]).outcomes, [{ kind: 'returned', value: 42 }]);
    assert.equal((await cold.optimizationReport()).compiler, null, 'a run that never got hot started no compiler thread');
  } finally {
    await cold.close();
  }
  const hot = ThreadedSession.open({ threads: 1, tier: 'auto', tierUp: { calls: 2, backEdges: 20 }, print: () => {} });
  try {
    hot.load(PROGRAM, 'hot.rj');
    let report = await hot.optimizationReport();
    for (let run = 0; run < 100 && (report.threads[0]?.installed ?? 0) < 1; run++) {
      assert.deepEqual(hot.runHere('main').outcomes, [{ kind: 'returned', value: expected }]);
      report = await hot.optimizationReport();
    }
    assert.ok((report.compiler?.compiled ?? 0) >= 1, `the compiler compiled ${report.compiler?.compiled}`);
    assert.ok((report.threads[0]?.installed ?? 0) >= 1, `this thread installed ${report.threads[0]?.installed} optimized versions`);
    assert.equal(report.threads[0]?.compiled, 0, 'this thread compiled no optimized version itself');
  } finally {
    await hot.close();
  }
});

// `caller` is compiled before `g` has code; once g has, caller's baseline code is relinked
// under a new code id, and the slot names that id when caller asks to be optimized.
const RELINKED = `
fn g(n: i32) -> i32 { if n <= 0 { return 0; } return g(n - 1) + 1; }
fn caller(n: i32) -> i32 {
  if n < 0 { return g(3); }
  let s: i32 = 0;
  for i in 0..n { s += i; }
  return s;
}
fn main() -> i32 {
  let t: i32 = 0;
  for k in 0..5 { t += caller(50); }
  for k in 0..5 { t += caller(-1); }
  for k in 0..3000 { t += caller(50); }
  return t;
}
`;

test('a request for a definition whose slot names a relinked version of it is compiled, not dropped', async () => {
  const session = await ThreadedSession.create({ threads: 1, tier: 'auto', tierUp: { calls: 2, backEdges: 20 }, print: () => {} });
  try {
    session.load(RELINKED, 'relinked.rj');
    const expected = 3005 * 1225 + 5 * 3;
    let report = await session.optimizationReport();
    for (let run = 0; run < 20 && (report.compiler?.compiled ?? 0) + (report.compiler?.dropped ?? 0) < 1; run++) {
      const result = await session.run('main');
      assert.deepEqual(result.outcomes.map((o) => (o.kind === 'returned' ? o.value : o.kind)), [expected]);
      report = await session.optimizationReport();
    }
    assert.equal(report.compiler?.dropped, 0, `the compiler dropped ${report.compiler?.dropped} requests`);
    assert.ok((report.compiler?.compiled ?? 0) >= 1, `the compiler compiled ${report.compiler?.compiled}`);
  } finally {
    await session.close();
  }
});
