import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEPT_FRAMES, Trap, TrapFrames } from '../../src/core/trap.js';
import { Rt, at, bin, call, forLoop, i32, i64, loc, print, ret, set, trapOf, where } from './ir.js';
import { defineReloading, fib, hostBuiltins, threeFiles, unbounded } from './programs.js';

test('recursive fib, and arguments of several types in order', () => {
  const rt = new Rt();
  assert.equal(rt.run(fib(rt), 20), 6765);
  const mix = rt.fn('mix', ['i32', 'i64', 'f64', 'i32', 'i64'], 'f64', [], [
    ret(bin('sub', 'f64', bin('mul', 'f64', loc(2, 'f64'), { op: 'convert', type: 'f64', from: 'i64', operand: bin('sub', 'i64', loc(1, 'i64'), loc(4, 'i64')), pos: at(1) }), { op: 'convert', type: 'f64', from: 'i32', operand: bin('sub', 'i32', loc(0), loc(3)), pos: at(1) })),
  ]);
  const caller = rt.fn('caller', [], 'f64', ['f64'], [call(mix, [i32(10), i64(7n), { op: 'const', type: 'f64', value: 0.5 }, i32(4), i64(3n)], 0, 0), ret(loc(0, 'f64'))]);
  assert.equal(rt.run(caller), 0.5 * 4 - 6);
});

test('void calls, results discarded, output in program order', () => {
  const rt = new Rt();
  const p = rt.fn('p', ['i32'], 'void', [], [print('p', loc(0))]);
  const main = rt.fn('main', [], 'i32', ['i32', 'i32'], [
    ...forLoop(0, 0, 0, 1, i32(0), i32(3), [call(p, [loc(0)], -1, 1)]),
    ret(i32(7)),
  ]);
  assert.equal(rt.run(main), 7);
  assert.deepEqual(rt.out, ['p 0', 'p 1', 'p 2']);
});

test('a redefinition is seen by new calls; a running call finishes with its old body', () => {
  const rt = new Rt({ load: () => rt.define(f, ['i32', 'i32'], [ret(i32(100))]) });
  const f = rt.declare('f', ['i32'], 'i32');
  defineReloading(rt, f);
  // f(1): the old body calls f(0), which loads (redefines f) and returns 1;
  // the old body continues and calls f(0) again, now the new body: 100; + 10.
  assert.equal(rt.run(f, 1), 110);
  assert.equal(rt.run(f, 1), 100);
});

test('calling a function without a definition traps at the call, after its arguments', () => {
  const rt = new Rt();
  const g = rt.declare('g', ['i32'], 'i32');
  const f = rt.fn('f', [], 'i32', ['i32'], [call(g, [i32(1)], 0, 0, at(3, 4)), ret(loc(0))]);
  assert.equal(trapOf(() => rt.run(f)).format(), 't.rj:3:4: trap: call to undefined function\n  at f (t.rj:3:4)');
  const h = rt.fn('h', [], 'i32', ['i32'], [call(g, [bin('div', 'i32', i32(1), i32(0), at(5, 5))], 0, 0, at(5, 1)), ret(loc(0))]);
  assert.equal(where(trapOf(() => rt.run(h))), 'divisionByZero 5:5');
  rt.define(g, ['i32'], [ret(bin('add', 'i32', loc(0), i32(1)))]);
  assert.equal(rt.run(f), 2);
});

test('a trap records every frame: its position innermost, call positions outside', () => {
  const rt = new Rt();
  const { outer, mid, trap } = threeFiles(rt);
  assert.equal(trapOf(() => rt.run(outer)).format(), trap);
  assert.equal(rt.run(mid, 2), 0, 'the interpreter still runs after a trap');
});

test('unbounded recursion becomes a stack overflow trap with a capped stack listing', () => {
  const rt = new Rt();
  const t = trapOf(() => rt.run(unbounded(rt), 0n));
  assert.equal(t.kind, 'stackOverflow');
  assert.equal(`${t.fileName}:${t.pos.line}:${t.pos.col}`, 't.rj:2:7');
  assert.equal(t.frames.length, 2 * KEPT_FRAMES);
  assert.ok(t.frames.omitted > 100, `${t.frames.omitted} frames omitted`);
  assert.ok(t.frames.every((e) => e.fn === 'r' && e.pos.line === 2));
  const lines = t.format().split('\n');
  assert.equal(lines.length, 1 + 10 + 1 + 10);
  assert.equal(lines[11], `  ... ${t.frames.length - 20 + t.frames.omitted} more frames`);
  // Still usable afterwards.
  const ok = rt.fn('ok', [], 'i32', [], [ret(i32(1))]);
  assert.equal(rt.run(ok), 1);
});

test('Trap.format lists short stacks whole', () => {
  const t = new Trap('badCast', 'x.rj', at(1, 2));
  for (let i = 0; i < 20; i++) t.frames.push({ fn: `f${i}`, fileName: 'x.rj', pos: at(i + 1) });
  assert.equal(t.format().split('\n').length, 21);
});

test('a trap keeps the first and last frames of a deep stack and counts the rest', () => {
  const t = new Trap('stackOverflow', 'x.rj', at(1, 2));
  for (let i = 0; i < 24_611; i++) t.frames.push({ fn: `f${i}`, fileName: 'x.rj', pos: at(i + 1) });
  assert.equal(t.frames.length, 2 * KEPT_FRAMES);
  assert.equal(t.frames.omitted, 24_611 - 2 * KEPT_FRAMES);
  assert.equal(t.frames[KEPT_FRAMES - 1]?.fn, `f${KEPT_FRAMES - 1}`);
  assert.equal(t.frames[KEPT_FRAMES]?.fn, `f${24_611 - KEPT_FRAMES}`);
  assert.equal(t.frames.at(-1)?.fn, 'f24610');
  assert.ok(!(t.frames.slice(0, 1) instanceof TrapFrames));
  const lines = t.format().split('\n');
  assert.equal(lines[11], `  ... ${24_611 - 20} more frames`);
  assert.equal(lines[21], '  at f24610 (x.rj:24611:1)');
});

test('host builtins: thread id and count, barrier, load with the calling file', () => {
  const seen: string[] = [];
  const rt = new Rt({
    threadId: 3,
    threadCount: 4,
    barrier: () => seen.push('barrier'),
    load: (path, from, pos) => seen.push(`load ${path} from ${from} at ${pos.line}:${pos.col}`),
  });
  const f = hostBuiltins(rt);
  assert.equal(rt.run(f), 34);
  assert.deepEqual(seen, ['barrier', 'load m.rj from dir/main.rj at 2:3']);
  const failing = new Rt({ load: (_p, from, pos) => { throw new Trap('loadFailed', from, pos, 'm.rj:1:1: error'); } });
  const g = failing.fn('g', [], 'void', [], [{ op: 'load', path: 'm.rj', point: 0, pos: at(4, 1) }]);
  assert.equal(trapOf(() => failing.run(g)).format(), 't.rj:4:1: trap: load failed\nm.rj:1:1: error\n  at g (t.rj:4:1)');
});

test('clock_ns is monotonic i64', () => {
  const rt = new Rt();
  const f = rt.fn('f', [], 'bool', ['i64', 'i64'], [
    set(0, { op: 'clock', type: 'i64' }),
    set(1, { op: 'clock', type: 'i64' }),
    ret(bin('le', 'i64', loc(0, 'i64'), loc(1, 'i64'))),
  ]);
  assert.equal(rt.run(f), 1);
});
