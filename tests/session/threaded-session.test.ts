import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ThreadedSession } from '../../src/session/threaded-session.js';
import { CompileError } from '../../src/frontend/diagnostic.js';
import { StopReason } from '../../src/core/control.js';
import { Ref } from '../../src/session/host-values.js';

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

test('a host load after the program has loaded a module and relinked its code runs the new definition, not another version', async () => {
  // The worker relinks `main` once its callees have code; the ids it takes
  // for that must never be the ids a later host load gives its definitions.
  const dir = mkdtempSync(join(tmpdir(), 'rejit-ids-'));
  writeFileSync(join(dir, 'plugin.rj'), 'fn plugin() -> i32 { return 10; }\n');
  const lines: string[] = [];
  const t = await ThreadedSession.create({ threads: 1, print: (line) => lines.push(line), loadDirectories: [dir] });
  try {
    t.load(`global patched: i32 = 0;
global started: i32 = 0;
fn message() -> i32 { return 1; }
fn plugin() -> i32;
fn main() -> i32 {
  load("${join(dir, 'plugin.rj')}");
  let last = 0;
  while atomic_load(patched) == 0 || last != 12 {
    let m = message() + plugin();
    if m != last { print("sees", m); last = m; }
    atomic_store(started, 1);
  }
  return last;
}`, 'main.rj');
    const run = t.run('main');
    while (t.session.readGlobal('started') === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    t.load('fn message() -> i32 { return 2; }', 'patch.rj');
    t.session.writeGlobal('patched', 1);
    const r = await run;
    assert.equal(r.trap, null);
    assert.deepEqual(r.outcomes, [{ kind: 'returned', value: 12 }]);
    assert.deepEqual(lines, ['sees 11', 'sees 12']);
  } finally {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('host loads allocate apart from the threads: thread 0 allocating while classes load keeps its objects and the new classes dispatch', async () => {
  const t = await ThreadedSession.create({ threads: 1, print: () => {} });
  try {
    t.load(`class Cell { value: i64; next: Cell; }
class Shape { fn sides(self) -> i32 { return 0; } }
global stop: i32 = 0;
global bad: i32 = 0;
fn churn() -> i32 {
  let rounds = 0;
  while atomic_load(stop) == 0 {
    let head: Cell = null;
    for i in 0..200 {
      let c = new Cell;
      c.value = i64(i) * 7;
      c.next = head;
      head = c;
    }
    let i = 199;
    while head != null {
      if head.value != i64(i) * 7 { atomic_add(bad, 1); }
      let next = head.next;
      delete head;
      head = next;
      i -= 1;
    }
    rounds += 1;
  }
  return rounds;
}`, 'churn.rj');
    const run = t.run('churn');
    for (let k = 0; k < 150; k++) {
      t.load(`class Shape${k} extends Shape { a: i64; b: i64; fn sides(self) -> i32 { return ${k + 3}; } }
fn make${k}() -> Shape { return new Shape${k}; }`, `shape${k}.rj`);
    }
    t.session.writeGlobal('stop', 1);
    const r = await run;
    assert.equal(r.trap, null, r.trap ?? '');
    assert.equal(r.outcomes[0]?.kind, 'returned');
    assert.equal(t.session.readGlobal('bad'), 0);
    t.load(`fn check() -> i32 {
  let wrong = 0;
${Array.from({ length: 150 }, (_, k) => `  if make${k}().sides() != ${k + 3} { wrong += 1; }`).join('\n')}
  return wrong;
}`, 'check.rj');
    const c = await t.run('check');
    assert.deepEqual(c.outcomes, [{ kind: 'returned', value: 0 }], c.trap ?? '');
  } finally {
    await t.close();
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

test('runHere runs a one-thread session on this thread, with the results of run, and no worker', async () => {
  const lines: string[] = [];
  const s = ThreadedSession.open({ threads: 1, print: (l) => lines.push(l) });
  try {
    s.load(PROGRAM, 'p.rj');
    assert.deepEqual(s.runHere('who').outcomes, [{ kind: 'returned', value: 1 }]);
    s.runHere('say');
    // Delivered before runHere returned: nothing went through a worker's messages.
    assert.deepEqual(lines, ['from 0']);
    const r = s.runHere('fail', [0]);
    assert.match(r.trap ?? '', /^p\.rj:4:36: trap: division by zero\n {2}at fail \(p\.rj:4:36\)/);
    s.load('fn who() -> i32 { return 7; }', 'again.rj');
    assert.deepEqual(s.runHere('who').outcomes, [{ kind: 'returned', value: 7 }]);
    assert.equal(s.session.readGlobal('hits'), 1);
    await assert.rejects(s.run('who'), /runs on this thread/);
  } finally {
    await s.close();
  }
});

test('runHere: a timeout ends a run at once, keeps what it printed, and closes the session', async () => {
  const lines: string[] = [];
  const s = ThreadedSession.open({ threads: 1, print: (l) => lines.push(l) });
  s.load('fn spin() { print("before"); let x = 0; while true { x = x + 1; } }', 'spin.rj');
  const started = Date.now();
  const r = s.runHere('spin', [], { timeoutMs: 300 });
  assert.ok(Date.now() - started < 10_000);
  assert.equal(r.stopped, StopReason.Timeout);
  assert.deepEqual(r.outcomes, [{ kind: 'stopped', reason: StopReason.Timeout }]);
  assert.deepEqual(lines, ['before']);
  assert.throws(() => s.load('fn f() {}', 'f.rj'), /the session is closed/);
  await s.close();
});

test('runHere needs one thread and no workers', async () => {
  const two = ThreadedSession.open({ threads: 2, print: () => {} });
  two.load(PROGRAM, 'p.rj');
  assert.throws(() => two.runHere('who'), /one-thread session/);
  await two.close();
  const started = await ThreadedSession.create({ threads: 1, print: () => {} });
  started.load(PROGRAM, 'p.rj');
  assert.throws(() => started.runHere('who'), /workers have not started/);
  await started.close();
});

test('an argument of the wrong type is thrown on the main thread before any thread runs, and the session stays usable', async () => {
  const s = await ThreadedSession.create({ threads: 2, print: () => {} });
  try {
    s.load('fn sq(x: i32) -> i32 { return x * x; }', 'sq.rj');
    await assert.rejects(s.run('sq', ['x' as never]), (e: unknown) => e instanceof TypeError && (e as { code?: string }).code === 'ERR_REJIT_VALUE_TYPE');
    await assert.rejects(s.run('sq', [2 ** 40]), (e: unknown) => e instanceof RangeError && (e as { code?: string }).code === 'ERR_REJIT_VALUE_RANGE');
    const r = await s.run('sq', [3]);
    assert.deepEqual(r.outcomes, [{ kind: 'returned', value: 9 }, { kind: 'returned', value: 9 }]);
  } finally {
    await s.close();
  }
});

test("stop()'s grace period belongs to the run it stopped: a later run that takes longer is not killed", { timeout: 20_000 }, async () => {
  const s = await ThreadedSession.create({ threads: 1, print: () => {} });
  try {
    s.load('global go: i32 = 0;\nfn spin() { while true { } }\nfn wait() -> i32 { while atomic_load(go) == 0 { sleep_ms(5); } return 1; }', 'w.rj');
    const spinning = s.run('spin');
    setTimeout(() => s.stop(StopReason.Timeout), 50);
    assert.equal((await spinning).stopped, StopReason.Timeout);
    const waiting = s.run('wait');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    s.session.writeGlobal('go', 1);
    const r = await waiting;
    assert.deepEqual(r.outcomes, [{ kind: 'returned', value: 1 }]);
    assert.deepEqual((await s.run('wait')).outcomes, [{ kind: 'returned', value: 1 }]);
  } finally {
    await s.close();
  }
});

test('print from the main thread of a threaded session (session.call) goes to the print callback', async () => {
  const lines: string[] = [];
  const s = ThreadedSession.open({ threads: 2, print: (l) => lines.push(l) });
  try {
    s.load('fn hi() -> i32 { print("hi", 7); return 1; }', 'hi.rj');
    assert.equal(s.session.call('hi'), 1);
    assert.deepEqual(lines, ['hi 7']);
  } finally {
    await s.close();
  }
});

test('references cross to the threads as handles and come back as handles', async () => {
  const s = await ThreadedSession.create({ threads: 2, print: () => {} });
  try {
    s.load('class Box { v: i32; }\nglobal b: Box = null;\nfn make() { b = new Box; b.v = 5; }\nfn get(x: Box) -> i32 { return x.v + thread_id(); }\nfn same(x: Box) -> Box { return x; }', 'box.rj');
    await s.run('make', [], 0);
    const box = s.session.readGlobal('b');
    assert.ok(box instanceof Ref);
    assert.deepEqual((await s.run('get', [box])).outcomes, [{ kind: 'returned', value: 5 }, { kind: 'returned', value: 6 }]);
    const back = (await s.run('same', [box], 1)).outcomes[0];
    assert.ok(back?.kind === 'returned' && back.value instanceof Ref && back.value.type === 'Box');
    assert.equal((await s.run('get', [back.value], 0)).outcomes[0]?.kind, 'returned');
    await assert.rejects(s.run('get', [5]), (e: unknown) => (e as { code?: string }).code === 'ERR_REJIT_VALUE_TYPE');
  } finally {
    await s.close();
  }
});

test('arrays made by the host are read by every thread; an array type no module makes is refused on a threaded session', async () => {
  const s = await ThreadedSession.create({ threads: 2, print: () => {} });
  try {
    s.load('class P { x: i32; }\nfn total(a: i32[]) -> i32 { let t = 0; for i in 0..a.length { t += a[i]; } return t + thread_id(); }\nfn count(ps: P[]) -> i32 { return ps.length; }', 'arr.rj');
    const a = s.session.newArray('i32[]', Int32Array.of(10, 20, 30));
    assert.deepEqual((await s.run('total', [a])).outcomes, [{ kind: 'returned', value: 60 }, { kind: 'returned', value: 61 }]);
    assert.throws(() => s.session.newArray('P[]', []), (e: unknown) => (e as { code?: string }).code === 'ERR_REJIT_ARRAY_TYPE');
    s.load('fn make_ps() -> P[] { return new P[4]; }', 'make.rj');
    const ps = s.session.newArray('P[]', [null, null]);
    assert.deepEqual((await s.run('count', [ps], 1)).outcomes, [{ kind: 'returned', value: 2 }]);
  } finally {
    await s.close();
  }
});
