import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr } from '../../src/ir/ir.js';
import { globalAddress } from '../../src/core/layout.js';
import { atomics, elementTypes, globals, shapes as shapesOf } from './programs.js';
import {
  Rt, arrT, as, at, bin, classT, getE, getF, i32, i64, is, len, loc, newArr, newObj, ret, setE, setF, trapOf,
  where,
} from './ir.js';

const shapes = () => shapesOf(new Rt());

test('objects: zero-filled fields of every type, read and written', () => {
  const { rt, zero, rw } = shapes();
  assert.equal(rt.run(zero), 1);
  assert.equal(rt.run(rw), -(2n ** 62n) + 1n);
});

test('field access on null traps at its position', () => {
  const { rt, Circle } = shapes();
  const C = classT(Circle);
  const get = rt.fn('get', [C], 'f64', [], [ret(getF(loc(0, C), rt.field(Circle, 'r'), at(3, 8)))]);
  const put = rt.fn('put', [C], 'void', [], [setF(loc(0, C), rt.field(Circle, 'big'), i64(1n), at(4, 9))]);
  assert.equal(where(trapOf(() => rt.run(get, 0))), 'nullReference 3:8');
  assert.equal(where(trapOf(() => rt.run(put, 0))), 'nullReference 4:9');
});

test('virtual calls dispatch on the receiver class, through inherited methods', () => {
  const { rt, dispatch } = shapes();
  assert.equal(rt.run(dispatch), 18 + 3);
});

test('virtual call traps: null receiver, abstract method, deleted object', () => {
  const { rt, callArea, abs, del } = shapes();
  assert.equal(where(trapOf(() => rt.run(callArea, 0))), 'nullReference 5:6');
  assert.equal(trapOf(() => rt.run(abs)).format(), 't.rj:9:5: trap: abstract method called\n  at Shape.twice (t.rj:9:5)\n  at abs (t.rj:2:2)');
  assert.equal(where(trapOf(() => rt.run(del))), 'deletedObject 6:1');
});

test('is and as use the class hierarchy; a bad cast traps; null passes', () => {
  const { rt, Shape, Square, Circle, S } = shapes();
  const isSq = rt.fn('isSq', [S], 'bool', [], [ret(is(loc(0, S), Square))]);
  const isShape = rt.fn('isShape', [S], 'bool', [], [ret(is(loc(0, S), Shape))]);
  const asSq = rt.fn('asSq', [S], classT(Square), [], [ret(as(loc(0, S), Square, at(8, 12)))]);
  const make = (c: typeof Shape) => rt.run(rt.fn(`make${c.name}${rt.program.functions.length}`, [], S, [], [ret(newObj(c))])) as number;
  const sq = make(Square);
  const ci = make(Circle);
  assert.equal(rt.run(isSq, sq), 1);
  assert.equal(rt.run(isSq, ci), 0);
  assert.equal(rt.run(isSq, 0), 0);
  assert.equal(rt.run(isShape, ci), 1);
  assert.equal(rt.run(isShape, make(Shape)), 1);
  assert.equal(rt.run(isSq, make(Shape)), 0);
  assert.equal(rt.run(asSq, sq), sq);
  assert.equal(rt.run(asSq, 0), 0);
  assert.equal(where(trapOf(() => rt.run(asSq, ci))), 'badCast 8:12');
  rt.heap.free(sq);
  assert.equal(rt.run(isSq, sq), 0, 'a freed object is no instance');
});

test('arrays of every element type: zeroed, length, read and write', () => {
  const rt = new Rt();
  const { arrays, nested } = elementTypes(rt);
  for (const [t, f, expected] of arrays) assert.equal(rt.run(f), expected, t);
  assert.equal(rt.run(nested), 10);
});

test('array traps: null, out of bounds both ways, negative length', () => {
  const rt = new Rt();
  const A = arrT('i32');
  const get = rt.fn('get', [A, 'i32'], 'i32', [], [ret(getE('i32', loc(0, A), loc(1), at(2, 5)))]);
  const put = rt.fn('put', [A, 'i32'], 'void', [], [setE(loc(0, A), loc(1), i32(1), at(3, 5))]);
  const length = rt.fn('length', [A], 'i32', [], [ret(len(loc(0, A), at(4, 5)))]);
  const make = rt.fn('make', ['i32'], A, [], [ret(newArr('i32', loc(0), at(5, 5)))]);
  const a = rt.run(make, 4) as number;
  assert.equal(rt.run(get, a, 3), 0);
  assert.equal(rt.run(length, a), 4);
  assert.equal(rt.run(make, 0) !== 0, true);
  assert.equal(where(trapOf(() => rt.run(get, a, 4))), 'indexOutOfBounds 2:5');
  assert.equal(where(trapOf(() => rt.run(get, a, -1))), 'indexOutOfBounds 2:5');
  assert.equal(where(trapOf(() => rt.run(put, a, 4))), 'indexOutOfBounds 3:5');
  assert.equal(where(trapOf(() => rt.run(put, a, -1))), 'indexOutOfBounds 3:5');
  assert.equal(where(trapOf(() => rt.run(get, 0, 0))), 'nullReference 2:5');
  assert.equal(where(trapOf(() => rt.run(put, 0, 0))), 'nullReference 3:5');
  assert.equal(where(trapOf(() => rt.run(length, 0))), 'nullReference 4:5');
  assert.equal(where(trapOf(() => rt.run(make, -1))), 'negativeLength 5:5');
});

test('operands are evaluated before the operation checks', () => {
  const rt = new Rt();
  const A = arrT('i32');
  const f = rt.fn('f', [], 'void', [], [setE(k0(A), i32(0), bin('div', 'i32', i32(1), i32(0), at(1, 20)), at(1, 3))]);
  assert.equal(where(trapOf(() => rt.run(f))), 'divisionByZero 1:20');
});

function k0(t: ReturnType<typeof arrT>): Expr {
  return { op: 'const', type: t, value: null };
}

test('globals of every type, initialized through the heap', () => {
  const rt = new Rt();
  assert.equal(rt.run(globals(rt)), 2n ** 50n + 1n);
  assert.equal(rt.heap.loadGlobal(globalAddress(0), 'i32'), -2);
  assert.equal(rt.heap.loadGlobal(globalAddress(2), 'f64'), 0.5);
  assert.equal(rt.heap.loadGlobal(globalAddress(3), 'bool'), 0);
});

test('atomics on globals, fields and elements, i32 and i64', () => {
  const rt = new Rt();
  const { places, bad, makeArray } = atomics(rt);
  for (const [name, f] of places) {
    const r = rt.run(f);
    assert.equal(typeof r === 'bigint' ? Number(r) : r, 5 + 8 + 8 - 1, name);
  }
  assert.equal(where(trapOf(() => rt.run(bad, 0, 0, 1n))), 'nullReference 3:3');
  const arr = rt.run(makeArray) as number;
  assert.equal(where(trapOf(() => rt.run(bad, arr, 2, 1n))), 'indexOutOfBounds 3:3');
  assert.equal(where(trapOf(() => rt.run(bad, 0, 0, 0n))), 'divisionByZero 3:30');
  assert.equal(rt.run(bad, arr, 1, 1n), 0n);
});
