//! Deoptimization of optimized code (`backend/deopt-exits.ts`): a load that
//! breaks what the code assumed sends its running frames to the interpreter,
//! each at the version of the IR it was compiled from, and the rest of the
//! call finishes there with the result every tier gives.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/session/session.js';
import { requestedPath, type ModuleResolver } from '../../src/session/module-resolver.js';
import { TIER_NAMES, type Tier } from '../../src/tiering/tiers.js';
import { optimizedText } from '../../src/backend/opt-dump.js';

function sessionWith(tier: Tier, modules: Record<string, string>): { session: Session; lines: string[] } {
  const lines: string[] = [];
  const resolve: ModuleResolver = (request) => {
    const fileName = requestedPath(request);
    const source = modules[fileName];
    if (source === undefined) throw new Error(`no module ${fileName}`);
    return { fileName, source };
  };
  return { session: new Session({ tier, resolve, print: (line) => lines.push(line) }), lines };
}

// f (version 1) calls g (version 2), which calls h (version 3); the optimizing tier inlines all
// three into f's code. f(7) makes h's call of `trigger` load new versions of g and h: f's code
// is invalid when trigger returns, and its three frames continue in the interpreter as the
// versions they began as; the next call runs the new ones.
const THREE_VERSIONS = {
  'main.rj': `
global loaded: bool = false;
fn trigger(x: i32) -> i32 {
  if x == 7 && !loaded { loaded = true; load("v_next.rj"); }
  return 0;
}
fn h(x: i32) -> i32 { return x + 1; }
fn g(x: i32) -> i32 { return h(x) * 10; }
fn f(x: i32) -> i32 { return g(x) + 5; }
`,
  'h3.rj': 'fn h(x: i32) -> i32 { let y = trigger(x); return x + 3000 + y; }',
  'g2.rj': 'fn g(x: i32) -> i32 { return h(x) * 20; }',
  'v_next.rj': 'fn g(x: i32) -> i32 { return h(x) * 30; }\nfn h(x: i32) -> i32 { return x + 4000; }',
};

test('three inlined frames of three versions deoptimize at once and finish as those versions, at every tier alike', () => {
  const results = new Map<string, number[]>();
  for (const tier of TIER_NAMES) {
    const { session } = sessionWith(tier, THREE_VERSIONS);
    for (const m of ['main.rj', 'h3.rj', 'h3.rj', 'g2.rj']) session.load(THREE_VERSIONS[m as keyof typeof THREE_VERSIONS], m);
    results.set(tier, [6, 7, 8].map((x) => session.call('f', x) as number));
    if (tier === 'opt') {
      const stats = session.optStats();
      assert.equal(stats.exits.get('invalidated'), 1, 'one exit');
      assert.equal(stats.frames, 3, 'of f, g and h');
      assert.ok(stats.invalidated >= 1);
    }
  }
  for (const [tier, r] of results) assert.deepEqual(r, [(6 + 3000) * 20 + 5, (7 + 3000) * 20 + 5, (8 + 4000) * 30 + 5], `at ${tier}`);
});

// r's optimized code inlines g and calls itself; its calls of itself check their validity only
// when the callee left by an exit. The innermost r(0) calls `trigger`, whose load redefines g:
// r(0) deoptimizes after the call, and every outer frame of r must deoptimize when r(0)'s call
// returns, each then calling the new g. One that went on in the optimized code would add the
// inlined old g (n + 1) instead. With its calls of itself in a loop, the code checks after each
// of them instead (`compile-function.ts` callsItselfInLoop), and the same must hold.
function recursive(callsItself: string): Record<string, string> {
  return {
    'main.rj': `
global loaded: bool = false;
fn trigger(n: i32) -> i32 {
  if !loaded { loaded = true; load("g2.rj"); }
  return 0;
}
fn g(x: i32) -> i32 { return x + 1; }
fn r(n: i32) -> i32 {
  if n == 0 { return trigger(n); }
  ${callsItself}
  return below + g(n);
}
`,
    'g2.rj': 'fn g(x: i32) -> i32 { return x + 100; }',
  };
}

function everyFrameDeoptimizes(modules: Record<string, string>): void {
  for (const tier of TIER_NAMES) {
    const { session } = sessionWith(tier, modules);
    session.load(modules['main.rj'] as string, 'main.rj');
    assert.equal(session.call('r', 5), 101 + 102 + 103 + 104 + 105, `at ${tier}`);
    if (tier !== 'opt') continue;
    const stats = session.optStats();
    assert.equal(stats.frames, 6, 'r(0) after trigger, and r(1) to r(5) after their calls of r');
    // r's code has its own body inlined once into its calls of itself: the frames leave in pairs.
    assert.equal(stats.exits.get('invalidated'), 3, 'r(1) with r(0) inlined, r(3) with r(2), r(5) with r(4)');
  }
}

test('a load deep in a recursion invalidates the code: every frame of it deoptimizes when its call of itself returns', () => {
  everyFrameDeoptimizes(recursive('let below = r(n - 1);'));
});

test('the same with the calls of itself in a loop', () => {
  everyFrameDeoptimizes(recursive('let below = 0;\n  for i in 0..1 { below += r(n - 1); }'));
});

test('under stress testing a call of itself that returns normally still leaves at its ticks, and results do not change', () => {
  const session = new Session({ tier: 'opt', compile: { polls: true, stubs: true, inline: true, deoptEvery: 2 }, print: () => {} });
  session.load('fn sum(n: i32) -> i32 { if n == 0 { return 0; } return sum(n - 1) + n; }', 'm.rj');
  assert.equal(session.call('sum', 100), 5050);
  // Nothing but its calls of itself can leave sum's code: only its ticks there make stress exits. Its
  // own body is inlined once into them, so 50 of the 100 calls are calls, and every second one leaves.
  assert.ok((session.optStats().exits.get('stress') ?? 0) >= 25);
});

// Calls of methods that are not inlined: \`quiet\` (too large to inline) cannot acknowledge a
// handshake, so optimized code does not check its validity after calling it; \`poke\` loads a
// module, so a call of it is checked. Its load in f(3) redefines g, which f inlines: f must
// deoptimize when poke returns and call the new g. Unchecked, it would add the old g's x + 1.
const QUIET_BODY = Array.from({ length: 40 }, (_, i) => `    a = a * ${i + 3} + x - ${i};\n`).join('');
const METHODS = {
  'main.rj': `
class K {
  fn quiet(self, x: i32) -> i32 {
    let a = x;
${QUIET_BODY}    return a;
  }
  fn poke(self, x: i32) -> i32 {
    if x == 3 { load("g2.rj"); }
    return x;
  }
}
fn g(x: i32) -> i32 { return x + 1; }
fn f(x: i32) -> i32 {
  let k = new K;
  let q = k.quiet(x);
  let p = k.poke(x);
  delete k;
  return q * 0 + p + g(x);
}
`,
  'g2.rj': 'fn g(x: i32) -> i32 { return x + 100; }',
};

test('a call of a method that acknowledges nothing is not checked; a call of one that loads is, and deoptimizes', () => {
  for (const tier of TIER_NAMES) {
    const { session } = sessionWith(tier, METHODS);
    session.load(METHODS['main.rj'], 'main.rj');
    // From the second call on, f's code calls quiet's and poke's directly (linked again once they had code).
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((x) => session.call('f', x)), [1, 3, 5, 106, 108, 110], `at ${tier}`);
    if (tier === 'opt') assert.equal(session.optStats().exits.get('invalidated'), 1);
  }
  const { session } = sessionWith('interp', METHODS);
  session.load(METHODS['main.rj'], 'main.rj');
  const f = session.program.functions.find((fn) => fn.name === 'f')?.ir;
  assert.ok(f);
  const text = optimizedText(f, session.program, 1);
  assert.match(text, /K -> call K\.quiet \(unchecked: acknowledges nothing\)\n/);
  assert.match(text, /K -> call K\.poke\n/);
});

// The first store of a global that optimized code folded makes every thread drop that code
// (core/global-states.ts), and may apply other threads' loads: an atomic store is one too. `bump`
// (too large to inline) makes the first store of `counter` in f(2), whose code, linked to bump's
// by then, reads `counter` as folded: f must deoptimize when bump returns and read 1. Unchecked,
// it returned the fold, 0.
const FIRST_STORE = `
global counter: i32 = 0;
class K {
  fn bump(self, x: i32) -> i32 {
    let a = x;
${QUIET_BODY}    if x == 2 { atomic_add(counter, 1); }
    return a;
  }
}
fn f(x: i32) -> i32 {
  let k = new K;
  let q = k.bump(x);
  delete k;
  return q * 0 + counter;
}
`;

test('a call of a method whose atomic store is the first of a global is checked: the caller that folded the global deoptimizes', () => {
  for (const tier of TIER_NAMES) {
    const { session } = sessionWith(tier, { 'main.rj': FIRST_STORE });
    session.load(FIRST_STORE, 'main.rj');
    assert.deepEqual([0, 1, 2, 3].map((x) => session.call('f', x)), [0, 0, 1, 1], `at ${tier}`);
    if (tier === 'opt') assert.equal(session.optStats().exits.get('invalidated'), 1);
  }
  const { session } = sessionWith('interp', { 'main.rj': FIRST_STORE });
  session.load(FIRST_STORE, 'main.rj');
  const f = session.program.functions.find((fn) => fn.name === 'f')?.ir;
  assert.ok(f);
  assert.match(optimizedText(f, session.program, 1), /K -> call K\.bump\n/);
});

// A virtual call with one implementation among the loaded classes is devirtualized and
// inlined with no class check; a load that adds a subclass overriding it invalidates the code
// while `run`'s loop is in it, and the loop continues in the interpreter.
const SUBCLASS = {
  'main.rj': `
class A { fn m(self) -> i32 { return 1; } }
class B extends A { }
fn make(i: i32) -> A { return new B; }
fn trigger(i: i32) -> i32 {
  if i == 50 { load("c.rj"); }
  return 0;
}
fn run(n: i32) -> i32 {
  let t = 0;
  for i in 0..n { let a = make(i); t = t + a.m() + trigger(i); }
  return t;
}
`,
  'c.rj': 'class C extends A { fn m(self) -> i32 { return 100; } }\nfn make(i: i32) -> A { return new C; }',
};

test('a devirtualized call meets a subclass loaded mid-loop: the loop deoptimizes and calls the override', () => {
  for (const tier of TIER_NAMES) {
    const { session } = sessionWith(tier, SUBCLASS);
    session.load(SUBCLASS['main.rj'], 'main.rj');
    assert.equal(session.call('run', 100), 51 + 49 * 100, `at ${tier}`);
    if (tier === 'opt') assert.equal(session.optStats().exits.get('invalidated'), 1);
  }
});

test('deoptimizing at every third check (stress) changes no result', () => {
  const lines: string[] = [];
  const session = new Session({ tier: 'opt', compile: { polls: true, stubs: true, inline: true, deoptEvery: 3 }, print: (line) => lines.push(line) });
  session.load('fn fib(n: i32) -> i32 { if n < 2 { return n; } return fib(n - 1) + fib(n - 2); }\nfn main() -> i32 { let t = 0; for i in 0..20 { t = t + fib(i); } return t; }', 'm.rj');
  assert.equal(session.call('main'), 10945);
  assert.ok((session.optStats().exits.get('stress') ?? 0) > 1000);
});

// A call site that the baseline code saw one receiver class at (B) is guarded in the optimized
// code; a receiver of another class (C) fails the guard, and the call runs in the interpreter
// (eager deoptimization). The failure marks the site polymorphic in the profile and the code is
// invalidated: optimized again, it has an inline cache there, so it cannot deoptimize forever.
const GUARDED = `
class A { fn m(self) -> i32 { return 1; } }
class B extends A { fn m(self) -> i32 { return 2; } }
class C extends A { fn m(self) -> i32 { return 3; } }
fn work(a: A) -> i32 {
  let t = 0;
  for i in 0..1 { t += a.m(); }
  return t;
}
fn rounds(a: A, n: i32) -> i32 {
  let t = 0;
  for i in 0..n { t += work(a); }
  return t;
}
fn flips(n: i32, every: i32) -> i32 {
  let b: A = new B;
  let c: A = new C;
  let t = 0;
  for i in 0..n { if (i / every) % 2 == 0 { t += rounds(b, 1); } else { t += rounds(c, 1); } }
  return t;
}
fn main() -> i32 { return rounds(new B, 2000) + rounds(new C, 50); }
`;

test('a guard from the profile fails: eager deoptimization before the call, then no guard at that site', () => {
  const interp = sessionWith('interp', {}).session;
  interp.load(GUARDED, 'g.rj');
  const { session } = sessionWith('auto', {});
  session.load(GUARDED, 'g.rj');
  assert.equal(session.call('main'), interp.call('main'));
  assert.equal(session.call('main'), 2 * 2000 + 3 * 50);
  const stats = session.optStats();
  const guard = stats.exits.get('guard') ?? 0;
  assert.ok(guard >= 1 && guard <= 2, `${guard} guard exits`);
  assert.ok(stats.invalidated >= 1, `${stats.invalidated} versions invalidated`);
  // A site that flips between B and C every 500 rounds: no guard is made there again.
  assert.equal(session.call('flips', 100_000, 500), interp.call('flips', 100_000, 500));
  const after = session.optStats().exits.get('guard') ?? 0;
  assert.equal(after, guard, `${after - guard} more guard exits: the site was guarded again`);
});
