//! On-stack replacement into optimized code: a frame of baseline code that
//! stays in one loop continues at the loop's header in an optimized entry
//! (`Baseline.osrReady`), compiled here in a plain session and on the
//! compiler thread in a threaded one. Loop thresholds are low (`backEdges:
//! 1`: a baseline frame asks after 100 iterations). Each program prints and
//! returns the same as the interpreter; the entry must have been entered,
//! and where a load breaks what it assumed, it deoptimizes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/session/session.js';
import { ThreadedSession } from '../../src/session/threaded-session.js';
import { Trap } from '../../src/core/trap.js';

const LOW = { calls: 2, backEdges: 1 };

function reference(source: string, fn: string, arg: number, tier: 'interp' | 'baseline' = 'interp'): { lines: string[]; result: string } {
  const lines: string[] = [];
  const s = new Session({ tier, print: (l) => lines.push(l) });
  s.load(source, 'osr.rj');
  return { lines, result: String(s.call(fn, arg)) };
}

/** `main`'s outer loop is entered by the interpreter's on-stack replacement; its inner loop, in baseline code, by this one. */
const NESTED = `
class Body { x: f64; v: f64; }
fn step(b: Body, dt: f64) { b.x = b.x + b.v * dt; b.v = b.v * 0.999 + 0.001; }
fn main(n: i32) -> i64 {
  let b = new Body;
  b.v = 1.0;
  let total: i64 = 0;
  for round in 0..4 {
    let k = 0;
    while k < n {
      step(b, 0.01);
      if k % 1000 == 999 { total += i64(b.x * 10.0); }
      k += 1;
    }
    print(round, total);
  }
  return total;
}
`;

test('a frame of baseline code in a long loop continues in optimized code, and prints and returns what the interpreter does', () => {
  const want = reference(NESTED, 'main', 20_000);
  const lines: string[] = [];
  const s = new Session({ tier: 'auto', tierUp: LOW, print: (l) => lines.push(l) });
  s.load(NESTED, 'osr.rj');
  assert.equal(String(s.call('main', 20_000)), want.result);
  assert.deepEqual(lines, want.lines);
  const stats = s.stats();
  assert.ok(stats.osrEntered >= 1, `entered optimized code ${stats.osrEntered} times`);
  assert.ok(stats.tiers['osr-opt'].compiled >= 1);
  s.close();
});

test('the entry is compiled on the compiler thread of a threaded session, while the frame keeps running baseline code', async () => {
  // Long enough for the compile to finish while the frame runs (about 30 ms); the interpreter would take seconds.
  const want = reference(NESTED, 'main', 2_000_000, 'baseline');
  const lines: string[] = [];
  const s = await ThreadedSession.create({ threads: 1, tier: 'auto', tierUp: LOW, print: (l) => lines.push(l) });
  try {
    s.load(NESTED, 'osr.rj');
    const outcome = (await s.run('main', [2_000_000])).outcomes[0];
    assert.equal(outcome?.kind === 'returned' ? String(outcome.value) : outcome?.kind, want.result);
    assert.deepEqual(lines, want.lines);
    const stats = await s.stats();
    assert.ok(stats.osrEntered >= 1, `entered optimized code ${stats.osrEntered} times`);
    assert.equal(stats.tiers['osr-opt'].compiled, 1, 'one entry, compiled once');
  } finally {
    await s.close();
  }
});

/**
 * The loop's virtual call is devirtualized in the entry (A has no subclass);
 * at round 3 the loop itself loads a subclass that overrides `m`, so the
 * entry's frame deoptimizes after the load and later calls run the override.
 */
const INVALIDATED = `
class A { fn m(self, i: i32) -> i32 { return i & 3; } }
fn main(n: i32) -> i32 {
  let a = new A;
  let s = 0;
  for round in 0..6 {
    for i in 0..n { s = (s + a.m(i)) & 0xffffff; }
    if round == 3 {
      load("sub.rj");
      a = make();
    }
    print(round, s);
  }
  return s;
}
fn make() -> A { return new A; }
`;
const SUBCLASS = `
class B extends A { fn m(self, i: i32) -> i32 { return 7; } }
fn make() -> A { return new B; }
`;

test('a load that breaks what the entry assumed deoptimizes the frame running in it; the rest of the call runs the override', () => {
  const run = (tier: 'interp' | 'auto'): { lines: string[]; result: string; session: Session } => {
    const lines: string[] = [];
    const session = new Session({ tier, tierUp: LOW, print: (l) => lines.push(l), resolve: () => ({ fileName: 'sub.rj', source: SUBCLASS }) });
    session.load(INVALIDATED, 'main.rj');
    return { lines, result: String(session.call('main', 5_000)), session };
  };
  const want = run('interp');
  const got = run('auto');
  assert.deepEqual(got.lines, want.lines);
  assert.equal(got.result, want.result);
  const stats = got.session.stats();
  assert.ok(stats.osrEntered >= 1, `entered optimized code ${stats.osrEntered} times`);
  assert.ok(stats.deopts.invalidated >= 1, `deopts after the load: ${stats.deopts.invalidated}`);
  got.session.close();
});

/** A trap after the frame has gone on in the entry: index 5,000 of a 5,000-element array, two calls deep. */
const TRAPS = `
fn at(a: i32[], i: i32) -> i32 { return a[i]; }
fn sum(a: i32[], n: i32) -> i32 {
  let s = 0;
  for i in 0..n { s += at(a, i); }
  return s;
}
fn main(n: i32) -> i32 { return sum(new i32[5000], n); }
`;

test('a trap in the entry has the stack the interpreter reports: the frame that went on in it shows once', () => {
  const trap = (tier: 'interp' | 'auto'): { message: string; entered: number } => {
    const s = new Session({ tier, tierUp: LOW, print: () => {} });
    s.load(TRAPS, 'traps.rj');
    try {
      s.call('main', 5001);
      return { message: 'no trap', entered: 0 };
    } catch (e) {
      if (!(e instanceof Trap)) throw e;
      return { message: e.format(), entered: s.stats().osrEntered };
    } finally {
      s.close();
    }
  };
  const want = trap('interp');
  const got = trap('auto');
  assert.match(want.message, /sum/);
  assert.equal(got.message, want.message);
  assert.ok(got.entered >= 1, `entered optimized code ${got.entered} times`);
});
