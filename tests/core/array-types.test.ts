import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrayTypes } from '../../src/core/array-types.js';
import { ElemKind, MAX_ARRAY_TYPES } from '../../src/core/layout.js';
import type { IrFunction } from '../../src/ir/ir.js';
import type { ValueType } from '../../src/ir/types.js';
import { classId } from '../../src/ir/ids.js';

const A: ValueType = { kind: 'class', classId: classId(1), name: 'A' };
const B: ValueType = { kind: 'class', classId: classId(2), name: 'B' };
const arr = (elem: ValueType): ValueType => ({ kind: 'array', elem });
const pos = { line: 1, col: 1 };

/** A function whose body allocates arrays of `elems`, in order, nested in an if and a loop. */
function allocating(elems: readonly ValueType[]): IrFunction {
  const news = elems.map((elem) => ({ op: 'setLocal', local: 0, value: { op: 'newArray', type: arr(elem), elem, length: { op: 'const', type: 'i32', value: 1 }, pos } }));
  const body = [{ op: 'if', cond: { op: 'const', type: 'bool', value: true }, then: [{ op: 'loop', label: 0, point: 0, body: news }], else: [] }];
  return { id: 0, name: 'f', body } as unknown as IrFunction;
}

test('arrays of primitives have their element kind as type id; each reference element type has its own', () => {
  const t = new ArrayTypes();
  assert.deepEqual((['i32', 'i64', 'f64', 'bool'] as const).map((e) => t.idOf(e)), [ElemKind.I32, ElemKind.I64, ElemKind.F64, ElemKind.Bool]);
  const ids = [A, B, arr(A), arr(B), arr('i32'), arr(arr(A))].map((e) => t.idOf(e));
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(ids.every((id) => id >= ElemKind.Ref && id < MAX_ARRAY_TYPES));
  assert.equal(t.idOf({ kind: 'class', classId: classId(1), name: 'renamed' }), ids[0], 'a class is named by its id');
});

test('registering the same modules in the same order gives the same ids, whatever was asked before', () => {
  const modules = [allocating([B, arr(A)]), allocating([A, B])];
  const first = new ArrayTypes();
  first.register(modules);
  const second = new ArrayTypes();
  second.register(modules);
  for (const e of [A, B, arr(A)]) assert.equal(first.idOf(e), second.idOf(e));
  assert.equal(first.idOf(B), ElemKind.Ref, 'the first type met gets the first id');
});
