import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThreadedSession } from '../../src/session/threaded-session.js';
import { CompileError } from '../../src/frontend/diagnostic.js';

const PROGRAM = `
global hits: i32 = 0;
fn who() -> i32 { atomic_add(hits, 1); return thread_id() * 10 + thread_count(); }
fn fail(n: i32) -> i32 { return 10 / n; }
fn say() { print("from", thread_id()); }
`;

test('runs a function on every thread or on one, and returns each result', async () => {
  const lines: string[] = [];
  const s = await ThreadedSession.create({ threads: 3, print: (l) => lines.push(l) });
  try {
    s.load(PROGRAM, 'p.rj');
    const all = await s.run('who');
    assert.deepEqual(all.outcomes, [0, 1, 2].map((t) => ({ kind: 'returned', value: t * 10 + 3 })));
    const one = await s.run('who', [], 2);
    assert.deepEqual(one.outcomes, [{ kind: 'returned', value: 23 }]);
    assert.equal(s.session.readGlobal('hits'), 4);
    await s.run('say');
    assert.deepEqual([...lines].sort(), ['from 0', 'from 1', 'from 2']);
  } finally {
    await s.close();
  }
});

test('a trap is reported once, and the session stays usable', async () => {
  const s = await ThreadedSession.create({ threads: 2, print: () => {} });
  try {
    s.load(PROGRAM, 'p.rj');
    const r = await s.run('fail', [0]);
    assert.match(r.trap ?? '', /^p\.rj:4:36: trap: division by zero\n {2}at fail \(p\.rj:4:36\)/);
    assert.equal(r.outcomes.filter((o) => o.kind === 'trapped').length, 1);
    const again = await s.run('fail', [5]);
    assert.deepEqual(again.outcomes.map((o) => o.kind === 'returned' && o.value), [2, 2]);
  } finally {
    await s.close();
  }
});

test('a failed load changes nothing on any thread', async () => {
  const s = await ThreadedSession.create({ threads: 2, print: () => {} });
  try {
    s.load(PROGRAM, 'p.rj');
    assert.throws(() => s.load('fn who() -> i32 { return true; }', 'bad.rj'), CompileError);
    const r = await s.run('who');
    assert.deepEqual(r.outcomes.map((o) => o.kind === 'returned' && o.value), [2, 12]);
    s.load('fn who() -> i32 { return 7; }', 'good.rj');
    const after = await s.run('who');
    assert.deepEqual(after.outcomes.map((o) => o.kind === 'returned' && o.value), [7, 7]);
  } finally {
    await s.close();
  }
});

test('arguments and results cross to the workers and back exactly (±Infinity, NaN, -0, i64 extremes)', async () => {
  const s = await ThreadedSession.create({ threads: 2, print: () => {} });
  try {
    s.load('fn same(x: f64) -> f64 { return x; }\nfn wide(x: i64) -> i64 { return x; }\nfn neg(x: f64) -> f64 { return -x; }', 'values.rj');
    for (const x of [Infinity, -Infinity, NaN, -0, 5e-324, 1.7976931348623157e308]) {
      const r = await s.run('same', [x]);
      for (const o of r.outcomes) assert.ok(o.kind === 'returned' && Object.is(o.value, x), `${x}: ${JSON.stringify(o)}`);
    }
    const zero = await s.run('neg', [0]);
    for (const o of zero.outcomes) assert.ok(o.kind === 'returned' && Object.is(o.value, -0));
    for (const x of [9223372036854775807n, -9223372036854775808n]) {
      const r = await s.run('wide', [x]);
      assert.deepEqual(r.outcomes, [{ kind: 'returned', value: x }, { kind: 'returned', value: x }]);
    }
  } finally {
    await s.close();
  }
});
