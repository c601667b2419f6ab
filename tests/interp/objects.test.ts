import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtomicPlace, Expr, Stmt } from '../../src/ir/ir.js';
import { globalAddress } from '../../src/runtime/layout.js';
import {
  Rt, arrT, as, at, bin, bool, classT, f64, getE, getF, glob, i32, i64, is, len, loc, newArr, newObj, nul, ret, set, setE, setF, setG, trapOf,
  vcall, where,
} from './ir.js';

/** Shape { id: i32; area() abstract; twice() = 2 * area() }, Square { side: f64 } overrides area, Circle { r: f64; big: i64; on: bool } too. */
function shapes() {
  const rt = new Rt();
  const area = rt.declare('Shape.area', [], 'f64', 1);
  const twice = rt.declare('Shape.twice', [], 'f64', 1);
  const Shape = rt.cls('Shape', null, [['id', 'i32']], [['area', area], ['twice', twice]]);
  const sqArea = rt.declare('Square.area', [], 'f64', 2);
  const Square = rt.cls('Square', Shape, [['side', 'f64']], [['area', sqArea]]);
  const ciArea = rt.declare('Circle.area', [], 'f64', 3);
  const Circle = rt.cls('Circle', Shape, [['r', 'f64'], ['big', 'i64'], ['on', 'bool'], ['next', classT(Shape)]], [['area', ciArea]]);
  const S = classT(Shape);
  rt.define(twice, [S, 'f64'], [vcall(Shape, 'area', [loc(0, S)], 1, 0, at(9, 5)), ret(bin('mul', 'f64', f64(2), loc(1, 'f64')))]);
  const side = getF(loc(0, classT(Square)), rt.field(Square, 'side'));
  rt.define(sqArea, [classT(Square)], [ret(bin('mul', 'f64', side, side))]);
  const r = getF(loc(0, classT(Circle)), rt.field(Circle, 'r'));
  rt.define(ciArea, [classT(Circle)], [ret(bin('mul', 'f64', f64(3), bin('mul', 'f64', r, r)))]);
  return { rt, Shape, Square, Circle, S };
}

test('objects: zero-filled fields of every type, read and written', () => {
  const { rt, Circle } = shapes();
  const C = classT(Circle);
  const fld = (n: string) => rt.field(Circle, n);
  const o = loc(0, C);
  const zero = rt.fn('zero', [], 'bool', [C], [
    set(0, newObj(Circle)),
    ret({ op: 'logical', type: 'bool', kind: 'and', left: bin('eq', 'f64', getF(o, fld('r')), f64(0)), right: {
      op: 'logical', type: 'bool', kind: 'and',
      left: bin('eq', 'i64', getF(o, fld('big')), i64(0n)),
      right: bin('eq', C, getF(o, fld('next')), nul),
    } }),
  ]);
  assert.equal(rt.run(zero), 1);
  const rw = rt.fn('rw', [], 'i64', [C, C], [
    set(0, newObj(Circle)),
    set(1, newObj(Circle)),
    setF(o, fld('big'), i64(-(2n ** 62n))),
    setF(o, fld('id'), i32(-7)),
    setF(o, fld('on'), bool(true)),
    setF(loc(1, C), fld('next'), o),
    setF(o, fld('r'), f64(0.5)),
    ret(bin('add', 'i64', getF(getF(loc(1, C), fld('next')), fld('big')), i64(1n))),
  ]);
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
  const { rt, Shape, Square, Circle, S } = shapes();
  const f = rt.fn('f', [], 'f64', [S, S, 'f64', 'f64'], [
    set(0, newObj(Square)),
    setF(loc(0, classT(Square)), rt.field(Square, 'side'), f64(3)),
    set(1, newObj(Circle)),
    setF(loc(1, classT(Circle)), rt.field(Circle, 'r'), f64(1)),
    vcall(Shape, 'twice', [loc(0, S)], 2, 0),
    vcall(Shape, 'area', [loc(1, S)], 3, 1),
    ret(bin('add', 'f64', loc(2, 'f64'), loc(3, 'f64'))),
  ]);
  assert.equal(rt.run(f), 18 + 3);
});

test('virtual call traps: null receiver, abstract method, deleted object', () => {
  const { rt, Shape, S } = shapes();
  const callArea = rt.fn('callArea', [S], 'f64', ['f64'], [vcall(Shape, 'area', [loc(0, S)], 1, 0, at(5, 6)), ret(loc(1, 'f64'))]);
  assert.equal(where(trapOf(() => rt.run(callArea, 0))), 'nullReference 5:6');
  const abs = rt.fn('abs', [], 'f64', [S, 'f64'], [set(0, newObj(Shape)), vcall(Shape, 'twice', [loc(0, S)], 1, 0, at(2, 2)), ret(loc(1, 'f64'))]);
  const t = trapOf(() => rt.run(abs));
  assert.equal(t.format(), 't.rj:9:5: trap: abstract method called\n  at Shape.twice (t.rj:9:5)\n  at abs (t.rj:2:2)');
  const del = rt.fn('del', [], 'f64', [S, 'f64'], [
    set(0, newObj(Shape)),
    { op: 'delete', value: loc(0, S) },
    { op: 'delete', value: loc(0, S) },
    { op: 'delete', value: nul },
    vcall(Shape, 'area', [loc(0, S)], 1, 0, at(6, 1)),
    ret(loc(1, 'f64')),
  ]);
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
  for (const [t, v] of [['i32', i32(-5)], ['i64', i64(-(2n ** 40n))], ['f64', f64(2.5)], ['bool', bool(true)]] as const) {
    const A = arrT(t);
    const f = rt.fn(`f_${t}`, [], t, [A], [
      set(0, newArr(t, i32(10))),
      setE(loc(0, A), i32(9), v),
      ret(bin(t === 'f64' ? 'add' : 'or', t === 'bool' ? 'i32' : t, getE(t, loc(0, A), i32(9)), getE(t, loc(0, A), i32(3)))),
    ]);
    const expected = t === 'i64' ? -(2n ** 40n) : t === 'f64' ? 2.5 : t === 'bool' ? 1 : -5;
    assert.equal(rt.run(f), expected, t);
  }
  const A = arrT(arrT('i32'));
  const nested = rt.fn('nested', [], 'i32', [A], [
    set(0, newArr(arrT('i32'), i32(3))),
    setE(loc(0, A), i32(2), newArr('i32', i32(7))),
    ret(bin('add', 'i32', len(getE(arrT('i32'), loc(0, A), i32(2))), len(loc(0, A)))),
  ]);
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
  rt.heap.storeGlobal(globalAddress(0), 'i32', -3);
  rt.heap.storeGlobal(globalAddress(1), 'i64', 2n ** 50n);
  rt.heap.storeGlobal(globalAddress(2), 'f64', 0.25);
  rt.heap.storeGlobal(globalAddress(3), 'bool', true);
  const f = rt.fn('f', [], 'i64', [], [
    setG(0, bin('add', 'i32', glob(0, 'i32'), i32(1))),
    setG(1, bin('add', 'i64', glob(1, 'i64'), i64(1n))),
    setG(2, bin('mul', 'f64', glob(2, 'f64'), f64(2))),
    setG(3, { op: 'unary', type: 'bool', kind: 'not', operand: glob(3, 'bool') }),
    ret(glob(1, 'i64')),
  ]);
  assert.equal(rt.run(f), 2n ** 50n + 1n);
  assert.equal(rt.heap.loadGlobal(globalAddress(0), 'i32'), -2);
  assert.equal(rt.heap.loadGlobal(globalAddress(2), 'f64'), 0.5);
  assert.equal(rt.heap.loadGlobal(globalAddress(3), 'bool'), 0);
});

test('atomics on globals, fields and elements, i32 and i64', () => {
  const rt = new Rt();
  const C = rt.cls('C', null, [['n', 'i32'], ['m', 'i64']]);
  const CT = classT(C);
  const A = arrT('i64');
  const places: [string, AtomicPlace, 'i32' | 'i64'][] = [
    ['global i32', { kind: 'global', global: 0 }, 'i32'],
    ['global i64', { kind: 'global', global: 1 }, 'i64'],
    ['field i32', { kind: 'field', object: loc(0, CT), field: rt.field(C, 'n'), pos: at(1) }, 'i32'],
    ['field i64', { kind: 'field', object: loc(0, CT), field: rt.field(C, 'm'), pos: at(1) }, 'i64'],
    ['elem i64', { kind: 'elem', array: loc(1, A), index: i32(2), pos: at(1) }, 'i64'],
  ];
  for (const [name, place, t] of places) {
    const n = (x: number): Expr => (t === 'i64' ? i64(BigInt(x)) : i32(x));
    const body: Stmt[] = [
      set(0, newObj(C)),
      set(1, newArr('i64', i32(3))),
      { op: 'atomicStore', place, value: n(5) },
      set(2, { op: 'atomicAdd', type: t, place, value: n(3) }), // old 5, now 8
      set(3, { op: 'atomicCas', type: t, place, expected: n(7), replacement: n(100) }), // fails: old 8
      set(4, { op: 'atomicCas', type: t, place, expected: n(8), replacement: n(-1) }), // succeeds: old 8, now -1
      set(5, { op: 'atomicLoad', type: t, place }),
      ret(bin('add', t, bin('add', t, loc(2, t), loc(3, t)), bin('add', t, loc(4, t), loc(5, t)))),
    ];
    const f = rt.fn(`f${rt.program.functions.length}`, [], t, [CT, A, t, t, t, t], body);
    const r = rt.run(f);
    assert.equal(typeof r === 'bigint' ? Number(r) : r, 5 + 8 + 8 - 1, name);
  }
  const bad = rt.fn('bad', [A, 'i32'], 'i64', [], [
    ret({ op: 'atomicAdd', type: 'i64', place: { kind: 'elem', array: loc(0, A), index: loc(1), pos: at(3, 3) }, value: i64(1n) }),
  ]);
  assert.equal(where(trapOf(() => rt.run(bad, 0, 0))), 'nullReference 3:3');
  const arr = rt.run(rt.fn('mk', [], A, [], [ret(newArr('i64', i32(2)))])) as number;
  assert.equal(where(trapOf(() => rt.run(bad, arr, 2))), 'indexOutOfBounds 3:3');
  assert.equal(rt.run(bad, arr, 1), 0n);
});
