//! Hand-built IR programs that both the interpreter's tests and the
//! compiled tiers' tests run (`Rt` from `ir.ts`, or a subclass of it).

import type { AtomicPlace, Expr, FunctionId, Stmt } from '../../src/ir/ir.js';
import type { ClassType } from '../../src/ir/types.js';
import type { ClassInfo } from '../../src/core/program.js';
import { globalAddress } from '../../src/core/layout.js';
import { Rt, and, arrT, at, bin, bool, call, classT, classTy, f64, getE, getF, glob, i32, i64, len, loc, newArr, newObj, nul, ret, set, setE, setF, setG, vcall, when } from './ir.js';
import { globalId } from '../../src/ir/ids.js';

/** fib(n) the naive recursive way. */
export function fib(rt: Rt): FunctionId {
  const f = rt.declare('fib', ['i32'], 'i32');
  rt.define(f, ['i32', 'i32', 'i32'], [
    when(bin('lt', 'i32', loc(0), i32(2)), [ret(loc(0))]),
    call(f, [bin('sub', 'i32', loc(0), i32(1))], 1, 0),
    call(f, [bin('sub', 'i32', loc(0), i32(2))], 2, 1),
    ret(bin('add', 'i32', loc(1), loc(2))),
  ]);
  return f;
}

/**
 * Shape { id: i32; area() abstract; twice() = 2 * area() }, Square { side: f64 }
 * overrides area, Circle { r: f64; big: i64; on: bool; next: Shape } too.
 * Methods take `self` as their first parameter. `rt` must have no classes yet
 * (the classes get ids 1, 2, 3).
 */
export function shapes<R extends Rt>(rt: R) {
  const [S0, Sq0, Ci0] = (['Shape', 'Square', 'Circle'] as const).map((name, i): ClassType => (classTy(i + 1, name))) as [ClassType, ClassType, ClassType];
  const area = rt.declare('Shape.area', [S0], 'f64', 1);
  const twice = rt.declare('Shape.twice', [S0], 'f64', 1);
  const Shape = rt.cls('Shape', null, [['id', 'i32']], [['area', area], ['twice', twice]]);
  const sqArea = rt.declare('Square.area', [Sq0], 'f64', 2);
  const Square = rt.cls('Square', Shape, [['side', 'f64']], [['area', sqArea]]);
  const ciArea = rt.declare('Circle.area', [Ci0], 'f64', 3);
  const Circle = rt.cls('Circle', Shape, [['r', 'f64'], ['big', 'i64'], ['on', 'bool'], ['next', classT(Shape)]], [['area', ciArea]]);
  if (Shape.id !== 1 || Circle.id !== 3) throw new Error('shapes() needs a program without classes');
  const S = classT(Shape);
  rt.define(twice, [S, 'f64'], [vcall(Shape, 'area', [loc(0, S)], 1, 0, at(9, 5)), ret(bin('mul', 'f64', f64(2), loc(1, 'f64')))]);
  const side = getF(loc(0, classT(Square)), rt.field(Square, 'side'));
  rt.define(sqArea, [classT(Square)], [ret(bin('mul', 'f64', side, side))]);
  const r = getF(loc(0, classT(Circle)), rt.field(Circle, 'r'));
  rt.define(ciArea, [classT(Circle)], [ret(bin('mul', 'f64', f64(3), bin('mul', 'f64', r, r)))]);
  return { rt, Shape, Square, Circle, S, ...shapeUsers(rt, Shape, Square, Circle) };
}

/**
 * Functions over the shapes: `zero()` (a new Circle's fields are all zero: 1),
 * `rw()` (fields written and read back: -2^62 + 1), `dispatch()` (a Square's
 * twice() plus a Circle's area(): 21), and traps: `callArea(null)` (null
 * receiver at 5:6), `abs()` (abstract area() reached at 9:5 from 2:2),
 * `del()` (a method of a deleted object at 6:1).
 */
function shapeUsers(rt: Rt, Shape: ClassInfo, Square: ClassInfo, Circle: ClassInfo) {
  const S = classT(Shape);
  const C = classT(Circle);
  const fld = (n: string) => rt.field(Circle, n);
  const o = loc(0, C);
  const zero = rt.fn('zero', [], 'bool', [C], [
    set(0, newObj(Circle)),
    ret(and(bin('eq', 'f64', getF(o, fld('r')), f64(0)), and(bin('eq', 'i64', getF(o, fld('big')), i64(0n)), bin('eq', C, getF(o, fld('next')), nul)))),
  ]);
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
  const dispatch = rt.fn('dispatch', [], 'f64', [S, S, 'f64', 'f64'], [
    set(0, newObj(Square)),
    setF(loc(0, classT(Square)), rt.field(Square, 'side'), f64(3)),
    set(1, newObj(Circle)),
    setF(loc(1, C), fld('r'), f64(1)),
    vcall(Shape, 'twice', [loc(0, S)], 2, 0),
    vcall(Shape, 'area', [loc(1, S)], 3, 1),
    ret(bin('add', 'f64', loc(2, 'f64'), loc(3, 'f64'))),
  ]);
  const callArea = rt.fn('callArea', [S], 'f64', ['f64'], [vcall(Shape, 'area', [loc(0, S)], 1, 0, at(5, 6)), ret(loc(1, 'f64'))]);
  const abs = rt.fn('abs', [], 'f64', [S, 'f64'], [set(0, newObj(Shape)), vcall(Shape, 'twice', [loc(0, S)], 1, 0, at(2, 2)), ret(loc(1, 'f64'))]);
  const del = rt.fn('del', [], 'f64', [S, 'f64'], [
    set(0, newObj(Shape)),
    { op: 'delete', value: loc(0, S) },
    { op: 'delete', value: loc(0, S) },
    { op: 'delete', value: nul },
    vcall(Shape, 'area', [loc(0, S)], 1, 0, at(6, 1)),
    ret(loc(1, 'f64')),
  ]);
  return { zero, rw, dispatch, callArea, abs, del };
}

/**
 * Atomics on a global, fields and an array element, i32 and i64: for each
 * place, a function that stores 5, adds 3 (old 5), fails a compare-and-swap
 * (old 8), swaps 8 for -1 (old 8), loads (-1), and returns the sum of those:
 * 20. Also `bad(array, index, x)`: atomically adds 1 / x to the element.
 */
export function atomics(rt: Rt): { readonly places: readonly [string, FunctionId][]; readonly bad: FunctionId; readonly makeArray: FunctionId } {
  const C = rt.cls('C', null, [['n', 'i32'], ['m', 'i64']]);
  const CT = classT(C);
  const A = arrT('i64');
  const places: [string, AtomicPlace, 'i32' | 'i64'][] = [
    ['global i32', { kind: 'global', global: globalId(0) }, 'i32'],
    ['global i64', { kind: 'global', global: globalId(1) }, 'i64'],
    ['field i32', { kind: 'field', object: loc(0, CT), field: rt.field(C, 'n'), pos: at(1) }, 'i32'],
    ['field i64', { kind: 'field', object: loc(0, CT), field: rt.field(C, 'm'), pos: at(1) }, 'i64'],
    ['elem i64', { kind: 'elem', array: loc(1, A), index: i32(2), pos: at(1) }, 'i64'],
  ];
  const fns = places.map(([name, place, t]): [string, FunctionId] => {
    const n = (x: number): Expr => (t === 'i64' ? i64(BigInt(x)) : i32(x));
    const body: Stmt[] = [
      set(0, newObj(C)),
      set(1, newArr('i64', i32(3))),
      { op: 'atomicStore', place, value: n(5) },
      set(2, { op: 'atomicAdd', type: t, place, value: n(3) }),
      set(3, { op: 'atomicCas', type: t, place, expected: n(7), replacement: n(100) }),
      set(4, { op: 'atomicCas', type: t, place, expected: n(8), replacement: n(-1) }),
      set(5, { op: 'atomicLoad', type: t, place }),
      ret(bin('add', t, bin('add', t, loc(2, t), loc(3, t)), bin('add', t, loc(4, t), loc(5, t)))),
    ];
    return [name, rt.fn(`atomic ${name}`, [], t, [CT, A, t, t, t, t], body)];
  });
  const bad = rt.fn('bad', [A, 'i32', 'i64'], 'i64', [], [
    ret({ op: 'atomicAdd', type: 'i64', place: { kind: 'elem', array: loc(0, A), index: loc(1), pos: at(3, 3) }, value: bin('div', 'i64', i64(1n), loc(2, 'i64'), at(3, 30)) }),
  ]);
  const makeArray = rt.fn('makeArray', [], A, [], [ret(newArr('i64', i32(2)))]);
  return { places: fns, bad, makeArray };
}

/** For each element type: a function that makes an array of 10, stores into [9] and returns [9] combined with the zero at [3]; and nested arrays (10). */
export function elementTypes(rt: Rt): { readonly arrays: readonly [string, FunctionId, number | bigint][]; readonly nested: FunctionId } {
  const cases = [['i32', i32(-5), -5], ['i64', i64(-(2n ** 40n)), -(2n ** 40n)], ['f64', f64(2.5), 2.5], ['bool', bool(true), 1]] as const;
  const arrays = cases.map(([t, v, expected]): [string, FunctionId, number | bigint] => {
    const A = arrT(t);
    const f = rt.fn(`f_${t}`, [], t, [A], [
      set(0, newArr(t, i32(10))),
      setE(loc(0, A), i32(9), v),
      ret(bin(t === 'f64' ? 'add' : 'or', t === 'bool' ? 'i32' : t, getE(t, loc(0, A), i32(9)), getE(t, loc(0, A), i32(3)))),
    ]);
    return [t, f, expected];
  });
  const AA = arrT(arrT('i32'));
  const nested = rt.fn('nested', [], 'i32', [AA], [
    set(0, newArr(arrT('i32'), i32(3))),
    setE(loc(0, AA), i32(2), newArr('i32', i32(7))),
    ret(bin('add', 'i32', len(getE(arrT('i32'), loc(0, AA), i32(2))), len(loc(0, AA)))),
  ]);
  return { arrays, nested };
}

/**
 * Globals 0..3 (i32 -3, i64 2^50, f64 0.25, bool true) and a function that
 * increments, doubles and negates them and returns the i64 one: 2^50 + 1.
 */
export function globals(rt: Rt): FunctionId {
  rt.heap.storeGlobal(globalAddress(0), 'i32', -3);
  rt.heap.storeGlobal(globalAddress(1), 'i64', 2n ** 50n);
  rt.heap.storeGlobal(globalAddress(2), 'f64', 0.25);
  rt.heap.storeGlobal(globalAddress(3), 'bool', true);
  return rt.fn('f', [], 'i64', [], [
    setG(0, bin('add', 'i32', glob(0, 'i32'), i32(1))),
    setG(1, bin('add', 'i64', glob(1, 'i64'), i64(1n))),
    setG(2, bin('mul', 'f64', glob(2, 'f64'), f64(2))),
    setG(3, { op: 'unary', type: 'bool', kind: 'not', operand: glob(3, 'bool') }),
    ret(glob(1, 'i64')),
  ]);
}

/** outer (c.rj) calls mid (b.rj) calls inner (a.rj), which divides by mid's argument: outer passes 0. */
export function threeFiles(rt: Rt): { readonly outer: FunctionId; readonly mid: FunctionId; readonly trap: string } {
  const inner = rt.fn('inner', ['i32'], 'i32', [], [ret(bin('div', 'i32', i32(1), loc(0), at(2, 12)))], 'a.rj');
  const mid = rt.fn('mid', ['i32'], 'i32', ['i32'], [call(inner, [loc(0)], 1, 0, at(5, 10)), ret(loc(1))], 'b.rj');
  const outer = rt.fn('outer', [], 'i32', ['i32'], [call(mid, [i32(0)], 0, 0, at(8, 3)), ret(loc(0))], 'c.rj');
  const trap = ['a.rj:2:12: trap: division by zero', '  at inner (a.rj:2:12)', '  at mid (b.rj:5:10)', '  at outer (c.rj:8:3)'].join('\n');
  return { outer, mid, trap };
}

/**
 * Defines f(n): f(0) runs `load("new.rj")` (whose host hook is to redefine f)
 * and returns 1; any other f(n) calls f(n - 1) twice and returns the second
 * result + 10. So f(1) tells whether its second call ran the new body.
 */
export function defineReloading(rt: Rt, f: FunctionId): void {
  rt.define(f, ['i32', 'i32'], [
    when(bin('eq', 'i32', loc(0), i32(0)), [{ op: 'load', path: 'new.rj', point: 0, pos: at(1) }, ret(i32(1))]),
    call(f, [bin('sub', 'i32', loc(0), i32(1))], 1, 1),
    call(f, [bin('sub', 'i32', loc(0), i32(1))], 1, 2),
    ret(bin('add', 'i32', loc(1), i32(10))),
  ]);
}

/** r(n) = r(n + 1), the recursive call at 2:7. */
export function unbounded(rt: Rt): FunctionId {
  const r = rt.declare('r', ['i64'], 'i64');
  rt.define(r, ['i64', 'i64'], [call(r, [bin('add', 'i64', loc(0, 'i64'), i64(1n))], 1, 0, at(2, 7)), ret(loc(1, 'i64'))]);
  return r;
}

/** In dir/main.rj: a barrier, `load("m.rj")` at 2:3, then thread_id() * 10 + thread_count(). */
export function hostBuiltins(rt: Rt): FunctionId {
  return rt.fn('f', [], 'i32', [], [
    { op: 'barrier', pos: at(1) },
    { op: 'load', path: 'm.rj', point: 0, pos: at(2, 3) },
    ret(bin('add', 'i32', bin('mul', 'i32', { op: 'threadId', type: 'i32' }, i32(10)), { op: 'threadCount', type: 'i32' })),
  ], 'dir/main.rj');
}
