import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr } from '../../src/ir/ir.js';
import type { ValueType } from '../../src/ir/types.js';
import { and, arrT, bin, getE, i32, i64, loc, newArr, ret, set, setE } from '../interp/ir.js';
import { printModule } from '../../src/wasm/wat.js';
import { compileFunction } from '../../src/backend/pipeline.js';
import { Tiers } from './tiers.js';

/**
 * `f(n)`: fills an array of `length` (which may read `n`) with ones, deletes
 * it and allocates one of the same length again: whether the block came back
 * and every element is zero.
 */
function refill(t: Tiers, elem: 'i32' | 'i64', length: Expr): ReturnType<Tiers['fn']> {
  const A = arrT(elem);
  const one = elem === 'i64' ? i64(1n) : i32(1);
  const zero = elem === 'i64' ? i64(0n) : i32(0);
  const i = 3;
  const sweep = (body: (at: Expr) => ReturnType<typeof setE>[], label: number): ReturnType<typeof set>[] => [
    set(i, i32(0)),
    { op: 'loop', label, point: label, body: [
      { op: 'if', cond: bin('ge', 'i32', loc(i), { op: 'length', type: 'i32', array: loc(1, A), pos: { line: 1, col: 1 } }), then: [{ op: 'break', label }], else: [] },
      ...body(loc(i)),
      set(i, bin('add', 'i32', loc(i), i32(1))),
    ] },
  ];
  // Local 4 counts the elements that are not zero after the second allocation.
  return t.fn(`refill_${elem}_${t.program.functions.length}`, ['i32'], 'bool', [A, A, 'i32', 'i32'], [
    set(1, newArr(elem, length)),
    ...sweep((at) => [setE(loc(1, A), at, one)], 0),
    { op: 'delete', value: loc(1, A) },
    set(2, newArr(elem, length)),
    set(1, loc(2, A)),
    ...sweep((at) => [{ op: 'if', cond: bin('ne', elem as ValueType, getE(elem, loc(1, A), at), zero), then: [set(4, bin('add', 'i32', loc(4), i32(1)))], else: [] }], 1),
    ret(and(bin('eq', 'i32', loc(4), i32(0)), bin('ne', 'i32', { op: 'length', type: 'i32', array: loc(2, A), pos: { line: 1, col: 1 } }, i32(-1)))),
  ]);
}

test('allocation: a small array from a free list is zeroed in every element, its length constant (stores or loop) or not', () => {
  const t = new Tiers();
  // i32: 3 and 16 elements are zeroed store by store, 17 and 126 by a loop, 127 by the runtime; i64: 8 / 9 / 63 / 64.
  for (const n of [0, 1, 3, 16, 17, 126, 127]) {
    assert.equal(t.both(refill(t, 'i32', i32(n)), 0), 1, `i32[${n}]`);
    assert.equal(t.both(refill(t, 'i32', loc(0)), n), 1, `i32[n], n = ${n}`);
  }
  for (const n of [0, 1, 8, 9, 63, 64]) {
    assert.equal(t.both(refill(t, 'i64', i32(n)), 0), 1, `i64[${n}]`);
    assert.equal(t.both(refill(t, 'i64', loc(0)), n), 1, `i64[n], n = ${n}`);
  }
});

test('allocation: compiled code zeroes a reused small array inline (no call out for memory.fill), and needs no length check for a constant', () => {
  const t = new Tiers();
  const A = arrT('i32');
  const variable = t.fn('variable', ['i32'], A, [], [ret(newArr('i32', loc(0)))]);
  const constant = t.fn('constant', [], A, [], [ret(newArr('i32', i32(4)))]);
  t.commit();
  const wat = (fn: typeof variable): string => printModule(compileFunction(t.program.functions[fn]!.ir!, t.program, 1).builder);
  assert.ok(!wat(variable).includes('memory.fill'), 'variable length');
  assert.ok(wat(variable).includes('call $trap'), 'a variable length is checked');
  assert.ok(!wat(constant).includes('memory.fill'), 'constant length');
  assert.equal(wat(constant).split('i64.store').length - 1, 2, 'four i32 elements: two i64 stores');
  assert.ok(!wat(constant).includes('call $trap'), 'no negative length check');
});

test('delete: an array of its static type goes onto its free list inline; twice deleted, it is left alone the second time', () => {
  const t = new Tiers();
  const A = arrT('i64');
  // Allocates, deletes twice, allocates twice: the first block comes back once, the second allocation is another block.
  const f = t.fn('f', ['i32'], 'bool', [A, A, A], [
    set(1, newArr('i64', loc(0))),
    { op: 'delete', value: loc(1, A) },
    { op: 'delete', value: loc(1, A) },
    set(2, newArr('i64', loc(0))),
    set(3, newArr('i64', loc(0))),
    ret(and(bin('eq', A, loc(1, A), loc(2, A)), bin('ne', A, loc(2, A), loc(3, A)))),
  ]);
  for (const n of [0, 1, 63, 64, 5000]) assert.equal(t.both(f, n), 1, `length ${n}`);
  const del = t.fn('del', [A], 'void', [], [{ op: 'delete', value: loc(0, A) }, ret()]);
  t.commit();
  const wat = printModule(compileFunction(t.program.functions[del]!.ir!, t.program, 1).builder).split('\n').map((l) => l.trim());
  // The header is tested against ~I64 (-2) before the generic path's tests of objects and of every array type.
  const own = wat.findIndex((l, i) => l === 'i32.const -2' && wat[i + 1] === 'i32.eq');
  const generic = wat.indexOf('i32.const 65535');
  assert.ok(own >= 0 && own < generic, `the static type's test first (${own}, ${generic})`);
});
