import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FunctionId } from '../../src/ir/ir.js';
import { Rt, at, bin, block, brk, call, forLoop, i32, loc, print, ret, set, trapOf, when } from './ir.js';

/**
 * g(n): total = 0; for i in 0..n { if i % 2 == 0 { for j in 0..i { total += j } } else { t = h(i); total += t } }; return total
 * h(x): r = 0; for k in 0..x { r += 100 }; return r
 * Points: g 0 outer loop, 1 inner loop, 2 the call; h 0 its loop.
 * Locals: g 0 n, 1 total, 2 i, 3 endI, 4 j, 5 endJ, 6 t; h 0 x, 1 r, 2 k, 3 endK.
 */
function program(): { rt: Rt; g: FunctionId; h: FunctionId } {
  const rt = new Rt();
  const h = rt.fn('h', ['i32'], 'i32', ['i32', 'i32', 'i32'], [
    set(1, i32(0)),
    ...forLoop(0, 0, 2, 3, i32(0), loc(0), [set(1, bin('add', 'i32', loc(1), i32(100)))]),
    ret(loc(1)),
  ], 'h.rj');
  const g = rt.fn('g', ['i32'], 'i32', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [
    set(1, i32(0)),
    ...forLoop(0, 0, 2, 3, i32(0), loc(0), [
      when(bin('eq', 'i32', bin('rem', 'i32', loc(2), i32(2)), i32(0)), [
        ...forLoop(1, 1, 4, 5, i32(0), loc(2), [set(1, bin('add', 'i32', loc(1), loc(4)))]),
      ], [
        call(h, [loc(2)], 6, 2, at(9, 4)),
        set(1, bin('add', 'i32', loc(1), loc(6))),
      ]),
    ]),
    ret(loc(1)),
  ], 'g.rj');
  return { rt, g, h };
}

/** What g computes from iteration `i` on, starting with `total`. */
function gFrom(n: number, i: number, total: number): number {
  for (; i < n; i++) {
    if (i % 2 === 0) for (let j = 0; j < i; j++) total += j;
    else total += i * 100;
  }
  return total;
}

test('normal runs of the resume test program', () => {
  const { rt, g } = program();
  assert.equal(rt.run(g, 6), gFrom(6, 0, 0));
});

test('resume at a loop header nested in an if inside a loop', () => {
  const { rt, g } = program();
  // i = 4, inner loop about to run j = 2 (then 3); total so far 1000.
  const r = rt.interp.resume([{ fn: g, point: 1, locals: [6, 1000, 4, 6, 2, 4, 0] }]);
  assert.equal(r, 1000 + 2 + 3 + gFrom(6, 5, 0));
});

test('resume at the outer loop header', () => {
  const { rt, g } = program();
  assert.equal(rt.interp.resume([{ fn: g, point: 0, locals: [6, 7, 5, 6, 0, 0, 0] }]), 7 + 500);
  assert.equal(rt.interp.resume([{ fn: g, point: 0, locals: [6, 7, 6, 6, 0, 0, 0] }]), 7, 'a loop whose condition now fails exits');
});

test('resume after a call with its result already in the result local', () => {
  const { rt, g } = program();
  const r = rt.interp.resume([{ fn: g, point: 2, locals: [6, 10, 3, 6, 0, 0, 777] }]);
  assert.equal(r, 10 + 777 + gFrom(6, 4, 0));
});

test('resume a two-frame inlined stack: the inner result reaches the outer call', () => {
  const { rt, g, h } = program();
  const r = rt.interp.resume([
    { fn: g, point: 2, locals: [6, 10, 5, 6, 0, 0, 0] },
    { fn: h, point: 0, locals: [5, 200, 2, 5] },
  ]);
  assert.equal(r, 10 + 500);
  const r2 = rt.interp.resume([
    { fn: g, point: 2, locals: [6, 10, 1, 6, 0, 0, 0] },
    { fn: h, point: 0, locals: [1, 0, 0, 1] },
  ]);
  assert.equal(r2, 10 + 100 + gFrom(6, 2, 0));
});

test('resume inside a block: its break leaves the block, and the enclosing loop goes on', () => {
  const rt = new Rt();
  const one = rt.fn('one', ['i32'], 'i32', [], [ret(loc(0))]);
  // for i in 0..4 { block L1 { c = one(i); if c == 2 { break L1 } ; print(i) } ; print("end", i) }
  const f = rt.fn('f', [], 'void', ['i32', 'i32', 'i32'], [
    ...forLoop(0, 0, 0, 1, i32(0), i32(4), [
      block(1, [call(one, [loc(0)], 2, 1), when(bin('eq', 'i32', loc(2), i32(2)), [brk(1)]), print(loc(0))]),
      print('end', loc(0)),
    ]),
  ]);
  rt.interp.resume([{ fn: f, point: 1, locals: [2, 4, 2] }]);
  assert.deepEqual(rt.out, ['end 2', '3', 'end 3']);
});

test('resume after a load, and with an explicit old version of a redefined function', () => {
  const rt = new Rt();
  const f = rt.fn('f', [], 'i32', ['i32'], [set(0, i32(1)), { op: 'load', path: 'x.rj', point: 0, pos: at(1) }, ret(bin('add', 'i32', loc(0), i32(10)))]);
  assert.equal(rt.interp.resume([{ fn: f, point: 0, locals: [5] }]), 15);
  const old = rt.program.functionInfo(f).ir;
  assert.ok(old);
  rt.define(f, ['i32'], [ret(i32(0))]);
  assert.equal(rt.interp.resume([{ fn: f, point: 0, locals: [5], ir: old }]), 15);
  assert.equal(rt.run(f), 0);
});

test('a trap while resuming records the resumed frames', () => {
  const rt = new Rt();
  const inner = rt.fn('inner', ['i32'], 'i32', ['i32', 'i32'], [
    ...forLoop(0, 0, 1, 2, i32(0), i32(3), []),
    ret(bin('div', 'i32', i32(1), loc(0), at(3, 14))),
  ], 'in.rj');
  const outer = rt.fn('outer', [], 'i32', ['i32'], [call(inner, [i32(0)], 0, 0, at(7, 2)), ret(loc(0))], 'out.rj');
  const t = trapOf(() => rt.interp.resume([
    { fn: outer, point: 0, locals: [0] },
    { fn: inner, point: 0, locals: [0, 1, 3] },
  ]));
  assert.equal(t.format(), 'in.rj:3:14: trap: division by zero\n  at inner (in.rj:3:14)\n  at outer (out.rj:7:2)');
});
