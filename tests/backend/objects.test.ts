import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globalAddress } from '../../src/core/layout.js';
import {
  and, arrT, as, at, bin, classT, f64, getE, getF, i32, i64, is, len, loc, newArr, newObj, ret, set, setE, setF, trapOf, vcall,
} from '../interp/ir.js';
import { atomics, elementTypes, globals, shapes as shapesOf } from '../interp/programs.js';
import { Tiers } from './tiers.js';

const shapes = () => {
  const { rt: t, ...rest } = shapesOf(new Tiers());
  return { t, ...rest };
};

test('objects: fields of every type start zeroed, and are written and read back', () => {
  const { t, zero, rw } = shapes();
  assert.equal(t.both(zero), 1);
  assert.equal(t.both(rw), -(2n ** 62n) + 1n);
});

test('null objects trap at the access, after the value to store is evaluated', () => {
  const { t, Circle } = shapes();
  const C = classT(Circle);
  const get = t.fn('get', [C], 'f64', [], [ret(getF(loc(0, C), t.field(Circle, 'r'), at(3, 8)))]);
  const put = t.fn('put', [C, 'i32'], 'void', [], [setF(loc(0, C), t.field(Circle, 'big'), { op: 'convert', type: 'i64', from: 'i32', operand: bin('div', 'i32', i32(1), loc(1), at(4, 20)), pos: at(4, 1) }, at(4, 9))]);
  assert.equal(t.both(get, 0), 't.rj:3:8: trap: null reference\n  at get (t.rj:3:8)');
  assert.equal(t.both(put, 0, 1), 't.rj:4:9: trap: null reference\n  at put (t.rj:4:9)');
  assert.equal(t.both(put, 0, 0), 't.rj:4:20: trap: division by zero\n  at put (t.rj:4:20)');
});

test('virtual calls dispatch on the receiver class, through inherited methods', () => {
  const { t, dispatch } = shapes();
  assert.equal(t.both(dispatch), 18 + 3);
});

test('virtual call traps: null receiver, abstract method, deleted object', () => {
  const { t, callArea, abs, del } = shapes();
  assert.equal(t.both(callArea, 0), 't.rj:5:6: trap: null reference\n  at callArea (t.rj:5:6)');
  assert.equal(t.both(abs), 't.rj:9:5: trap: abstract method called\n  at Shape.twice (t.rj:9:5)\n  at abs (t.rj:2:2)');
  assert.equal(t.both(del), 't.rj:6:1: trap: use of deleted object\n  at del (t.rj:6:1)');
});

test('a freed object is not dispatched on, and an unrelated class of its size does not reuse it', () => {
  const { t, Shape, S } = shapes();
  const Other = t.cls('Other', null, [['x', 'i32']]);
  const O = classT(Other);
  // The same size class as Shape: the freed Shape's block stays freed (reuse is by class).
  const f = t.fn('f', [], 'f64', [S, O, 'f64'], [
    set(0, newObj(Shape)),
    { op: 'delete', value: loc(0, S) },
    set(1, newObj(Other)),
    vcall(Shape, 'area', [loc(0, S)], 2, 0, at(7, 7)),
    ret(loc(2, 'f64')),
  ]);
  assert.equal(trapOf(() => t.compiled(f)).format(), 't.rj:7:7: trap: use of deleted object\n  at f (t.rj:7:7)');
});

test('is and as follow the class hierarchy; null passes a cast; a freed object is no instance', () => {
  const { t, Shape, Square, Circle, S } = shapes();
  const isSq = t.fn('isSq', [S], 'bool', [], [ret(is(loc(0, S), Square))]);
  const isShape = t.fn('isShape', [S], 'bool', [], [ret(is(loc(0, S), Shape))]);
  const asSq = t.fn('asSq', [S], 'bool', [], [ret(bin('eq', S, as(loc(0, S), Square, at(8, 12)), loc(0, S)))]);
  const make = (c: typeof Shape) => t.compiled(t.fn(`make${c.name}${t.program.functions.length}`, [], S, [], [ret(newObj(c))])) as number;
  const [sq, ci, sh] = [make(Square), make(Circle), make(Shape)];
  assert.deepEqual([sq, ci, 0, sh].map((o) => t.both(isSq, o)), [1, 0, 0, 0]);
  assert.deepEqual([sq, ci, 0, sh].map((o) => t.both(isShape, o)), [1, 1, 0, 1]);
  assert.deepEqual([sq, 0].map((o) => t.both(asSq, o)), [1, 1]);
  assert.equal(t.both(asSq, ci), 't.rj:8:12: trap: bad cast\n  at asSq (t.rj:8:12)');
  t.heap.free(sq);
  assert.equal(t.both(isSq, sq), 0);
});

test('arrays of every element type: zeroed, length, read and write', () => {
  const t = new Tiers();
  const { arrays, nested } = elementTypes(t);
  for (const [type, f, expected] of arrays) assert.equal(t.both(f), expected, type);
  assert.equal(t.both(nested), 10);
});

test('array traps: null, out of bounds both ways, negative length', () => {
  const t = new Tiers();
  const A = arrT('f64');
  const get = t.fn('get', [A, 'i32'], 'f64', [], [ret(getE('f64', loc(0, A), loc(1), at(2, 5)))]);
  const put = t.fn('put', [A, 'i32'], 'void', [], [setE(loc(0, A), loc(1), f64(1), at(3, 5))]);
  const length = t.fn('length', [A], 'i32', [], [ret(len(loc(0, A), at(4, 5)))]);
  const make = t.fn('make', ['i32'], A, [], [ret(newArr('f64', loc(0), at(5, 5)))]);
  const a = t.compiled(make, 4) as number;
  assert.equal(t.both(get, a, 3), 0);
  assert.equal(t.both(length, a), 4);
  const trap = (what: string, fn: string, pos: string) => `t.rj:${pos}: trap: ${what}\n  at ${fn} (t.rj:${pos})`;
  for (const i of [4, -1, 2 ** 31 - 1]) {
    assert.equal(t.both(get, a, i), trap('index out of bounds', 'get', '2:5'));
    assert.equal(t.both(put, a, i), trap('index out of bounds', 'put', '3:5'));
  }
  assert.equal(t.both(get, 0, 0), trap('null reference', 'get', '2:5'));
  assert.equal(t.both(put, 0, 0), trap('null reference', 'put', '3:5'));
  assert.equal(t.both(length, 0), trap('null reference', 'length', '4:5'));
  assert.equal(t.both(make, -1), trap('negative array length', 'make', '5:5'));
});

test('allocation: the interpreter\'s algorithm, so that freed blocks come back in the same order', () => {
  const t = new Tiers();
  const C = t.cls('C', null, [['a', 'i64'], ['b', 'i32']]);
  const CT = classT(C);
  const A = arrT('i32');
  // Allocates, frees, allocates again: returns whether the block came back, and checks it is zeroed.
  const f = t.fn('f', ['i32'], 'bool', [CT, CT, A, A], [
    set(1, newObj(C)),
    setF(loc(1, CT), t.field(C, 'a'), i64(99n)),
    { op: 'delete', value: loc(1, CT) },
    set(2, newObj(C)),
    set(3, newArr('i32', loc(0))),
    setE(loc(3, A), bin('sub', 'i32', loc(0), i32(1)), i32(5)),
    { op: 'delete', value: loc(3, A) },
    set(4, newArr('i32', loc(0))),
    ret(and(and(bin('eq', CT, loc(1, CT), loc(2, CT)), bin('eq', A, loc(3, A), loc(4, A))),
      and(bin('eq', 'i64', getF(loc(2, CT), t.field(C, 'a')), i64(0n)), bin('eq', 'i32', getE('i32', loc(4, A), bin('sub', 'i32', loc(0), i32(1))), i32(0))))),
  ]);
  for (const n of [1, 100, 200, 5000, 300_000]) assert.equal(t.both(f, n), 1, `length ${n}`);
  const huge = t.fn('huge', ['i32'], A, [], [ret(newArr('i64', loc(0), at(9, 9)))]);
  assert.equal(t.both(huge, 2 ** 31 - 1), 't.rj:9:9: trap: out of memory\n  at huge (t.rj:9:9)');
});

test('globals of every type', () => {
  const t = new Tiers();
  assert.equal(t.compiled(globals(t)), 2n ** 50n + 1n);
  assert.equal(t.heap.loadGlobal(globalAddress(0), 'i32'), -2);
  assert.equal(t.heap.loadGlobal(globalAddress(2), 'f64'), 0.5);
  assert.equal(t.heap.loadGlobal(globalAddress(3), 'bool'), 0);
});

test('atomics on globals, fields and elements, i32 and i64; their traps come after their operands', () => {
  const t = new Tiers();
  const { places, bad, makeArray } = atomics(t);
  for (const [name, f] of places) {
    const r = t.both(f);
    assert.equal(typeof r === 'bigint' ? Number(r) : r, 5 + 8 + 8 - 1, name);
  }
  const arr = t.compiled(makeArray) as number;
  assert.match(String(t.both(bad, 0, 0, 1n)), /^t\.rj:3:3: trap: null reference/);
  assert.match(String(t.both(bad, arr, 2, 1n)), /^t\.rj:3:3: trap: index out of bounds/);
  assert.match(String(t.both(bad, 0, 0, 0n)), /^t\.rj:3:30: trap: division by zero/);
  assert.deepEqual([t.run(bad, arr, 1, 1n), t.compiled(bad, arr, 1, 1n)], [0n, 1n]);
});
