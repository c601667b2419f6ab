import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInlinable } from '../../src/passes/inlinable.js';
import type { IrFunction } from '../../src/ir/ir.js';
import { Rt, arrT, at, classTy, bin, call, forLoop, getE, getF, i32, loc, newArr, newObj, print, ret, set, setF, vcall } from '../interp/ir.js';
import { Tiers } from './tiers.js';

test('inlinable: small bodies without loops, loads or barriers that do not call themselves', () => {
  const rt = new Rt();
  const fn = (body: Parameters<Rt['define']>[2]): IrFunction => rt.define(rt.declare('f', ['i32'], 'i32'), ['i32', 'i32', 'i32'], body);
  assert.ok(isInlinable(fn([set(1, bin('div', 'i32', i32(100), loc(0))), print(loc(1)), ret(loc(1))])), 'may trap and print');
  assert.ok(!isInlinable(fn([...forLoop(0, 0, 1, 2, i32(0), loc(0), []), ret(i32(0))])), 'a loop');
  assert.ok(!isInlinable(fn([{ op: 'load', path: 'x.rj', point: 0, pos: at(1) }, ret(i32(0))])), 'a load');
  const self = rt.declare('g', ['i32'], 'i32');
  assert.ok(!isInlinable(rt.define(self, ['i32', 'i32'], [call(self, [loc(0)], 1, 0), ret(loc(1))])), 'recursion');
  let big = loc(0);
  for (let i = 0; i < 30; i++) big = bin('add', 'i32', big, i32(i));
  assert.ok(!isInlinable(fn([set(1, big), ret(big)])), 'too large');
});

test('an inlined callee runs in its caller: same results, and a trap in it shows both frames, as the interpreter', () => {
  const t = new Tiers();
  // half(x) = 100 / x, printing it; sum(n) = half(n) + half(n - 1).
  const half = t.fn('half', ['i32'], 'i32', ['i32'], [set(1, bin('div', 'i32', i32(100), loc(0), at(2, 9))), print(loc(1)), ret(loc(1))]);
  const sum = t.fn('sum', ['i32'], 'i32', ['i32', 'i32'], [call(half, [loc(0)], 1, 0, at(5, 3)), call(half, [bin('sub', 'i32', loc(0), i32(1))], 2, 1, at(6, 3)), ret(bin('add', 'i32', loc(1), loc(2)))]);
  assert.equal(t.both(sum, 5), 45);
  assert.equal(t.both(sum, 1), 't.rj:2:9: trap: division by zero\n  at half (t.rj:2:9)\n  at sum (t.rj:6:3)');
  assert.deepEqual(t.baseline.codeVersions().map((c) => c.ir.name), ['sum'], 'half is never compiled');
});

test('an inlined callee is redefined: the caller, still running, calls the new definition', () => {
  const t = new Tiers();
  const g = t.fn('g', ['i32'], 'i32', ['i32'], [set(1, bin('mul', 'i32', loc(0), i32(2))), ret(loc(1))]);
  const f = t.fn('f', ['i32'], 'i32', ['i32'], [call(g, [loc(0)], 1, 0), ret(loc(1))]);
  assert.equal(t.compiled(f, 4), 8);
  t.define(g, ['i32', 'i32'], [set(1, bin('mul', 'i32', loc(0), i32(3))), ret(loc(1))]);
  t.commit();
  assert.equal(t.compiled(f, 4), 12);
  assert.deepEqual(t.baseline.codeVersions().map((c) => c.ir.name), ['f', 'g'], 'f inlined the first g; the second is called');
});

test('an inlined method: its receiver, its fields, its locals start at zero at every call', () => {
  const t = new Tiers();
  const C = classTy(1, 'C');
  const bump = t.declare('C.bump', [C, 'i32'], 'i32', 1);
  const Cls = t.cls('C', null, [['k', 'i32'], ['log', arrT('i32')]], [['bump', bump]]);
  const k = t.field(Cls, 'k');
  // bump(by): local 2 counts from zero; k += by; log[k] = k (traps once k is past the log).
  t.define(bump, [C, 'i32', 'i32'], [
    set(2, bin('add', 'i32', loc(2), loc(1))),
    setF(loc(0, C), k, bin('add', 'i32', getF(loc(0, C), k), loc(2))),
    { op: 'setElem', array: getF(loc(0, C), t.field(Cls, 'log')), index: getF(loc(0, C), k), value: getF(loc(0, C), k), pos: at(9, 5) },
    ret(getF(loc(0, C), k)),
  ]);
  const main = t.fn('main', ['i32'], 'i32', [C, 'i32', 'i32', 'i32'], [
    set(1, newObj(Cls)),
    setF(loc(1, C), t.field(Cls, 'log'), newArr('i32', i32(8))),
    ...forLoop(0, 0, 2, 3, i32(0), loc(0), [vcall(Cls, 'bump', [loc(1, C), i32(2)], 4, 1, at(12, 7))]),
    ret(getE('i32', getF(loc(1, C), t.field(Cls, 'log')), i32(6))),
  ]);
  assert.equal(t.both(main, 3), 6);
  assert.equal(t.both(main, 5), 't.rj:9:5: trap: index out of bounds\n  at C.bump (t.rj:9:5)\n  at main (t.rj:12:7)');
  assert.ok(!t.baseline.codeVersions().some((c) => c.ir.name === 'C.bump'), 'C.bump is never compiled');
});

test('two levels inlined: a trap in the innermost shows all three frames, as the interpreter', () => {
  const t = new Tiers();
  // inner(x) = 100 / x; middle(x) = inner(x - 1) + 1; outer(x) = middle(x) * 2.
  const inner = t.fn('inner', ['i32'], 'i32', ['i32'], [set(1, bin('div', 'i32', i32(100), loc(0), at(1, 20))), ret(loc(1))]);
  const middle = t.fn('middle', ['i32'], 'i32', ['i32'], [call(inner, [bin('sub', 'i32', loc(0), i32(1))], 1, 0, at(2, 5)), ret(bin('add', 'i32', loc(1), i32(1)))]);
  const outer = t.fn('outer', ['i32'], 'i32', ['i32'], [call(middle, [loc(0)], 1, 0, at(3, 7)), ret(bin('mul', 'i32', loc(1), i32(2)))]);
  assert.equal(t.both(outer, 11), 22);
  assert.equal(t.both(outer, 1), 't.rj:1:20: trap: division by zero\n  at inner (t.rj:1:20)\n  at middle (t.rj:2:5)\n  at outer (t.rj:3:7)');
  assert.deepEqual(t.baseline.codeVersions().map((c) => c.ir.name), ['outer'], 'both callees inlined');
});
