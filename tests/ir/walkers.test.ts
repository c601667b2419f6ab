//! The generic walkers derived from the kind table (`ir/ops.ts`): operands in
//! evaluation order (places and print arguments included), nested lists,
//! written locals, labels, program points, and the rewrites built on them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr, Stmt } from '../../src/ir/ir.js';
import { EXPR_OPS } from '../../src/ir/ops.js';
import { classId, functionId, globalId } from '../../src/ir/ids.js';
import { definedLabel, exprOperands, forEachStmt, stmtChildren, stmtOperands, stmtPoint, writtenLocal } from '../../src/ir/operands.js';
import { mapOperands, mapStmt } from '../../src/ir/rewrite.js';
import { maxLabel, renumberStmts, substituteLocals } from '../../src/ir/renumber.js';
import { printFunction } from '../../src/ir/printer.js';
import { at, bin, classTy, block, brk, call, cont, getE, glob, i32, loc, loop, print, ret, set, setE, when, arrT } from '../interp/ir.js';

const A = arrT('i32');
const elemPlace = (array: Expr, index: Expr) => ({ kind: 'elem', array, index, pos: at(1) }) as const;

test('operands come in evaluation order, including those of a place and of print arguments', () => {
  const cas: Expr = { op: 'atomicCas', type: 'i32', place: elemPlace(loc(0, A), loc(1)), expected: loc(2), replacement: loc(3) };
  assert.deepEqual(exprOperands(cas), [loc(0, A), loc(1), loc(2), loc(3)]);
  assert.deepEqual(exprOperands({ op: 'atomicLoad', type: 'i32', place: { kind: 'global', global: globalId(4) } }), []);
  const store: Stmt = { op: 'atomicStore', place: { kind: 'field', object: loc(5), field: { name: 'x', offset: 4, type: 'i32' }, pos: at(1) }, value: loc(6) };
  assert.deepEqual(stmtOperands(store), [loc(5), loc(6)]);
  assert.deepEqual(stmtOperands(print('a', loc(1), 'b', loc(2))), [loc(1), loc(2)]);
  assert.deepEqual(stmtOperands(setE(loc(0, A), loc(1), loc(2))), [loc(0, A), loc(1), loc(2)]);
  assert.deepEqual(stmtOperands(ret()), []);
  assert.deepEqual(stmtOperands(when(loc(7), [ret(loc(8))])), [loc(7)], 'not those of nested statements');
});

/** A node of each expression kind (the type makes it list every kind), its operands distinct locals. */
const SAMPLES: { readonly [K in Expr['op']]: Extract<Expr, { op: K }> } = (() => {
  const f = { name: 'x', offset: 4, type: 'i32' as const };
  const p = at(1);
  return {
    const: { op: 'const', type: 'i32', value: 1 },
    local: { op: 'local', type: 'i32', local: 0 },
    global: { op: 'global', type: 'i32', global: globalId(0) },
    binary: { op: 'binary', type: 'i32', kind: 'add', operandType: 'i32', left: loc(1), right: loc(2), pos: p },
    unary: { op: 'unary', type: 'i32', kind: 'neg', operand: loc(1) },
    logical: { op: 'logical', type: 'bool', kind: 'and', left: loc(1, 'bool'), right: loc(2, 'bool') },
    convert: { op: 'convert', type: 'f64', from: 'i32', operand: loc(1), pos: p },
    math: { op: 'math', type: 'i32', kind: 'min', args: [loc(1), loc(2)] },
    getField: { op: 'getField', type: 'i32', object: loc(1), field: f, pos: p },
    getElem: { op: 'getElem', type: 'i32', array: loc(1, A), index: loc(2), pos: p },
    length: { op: 'length', type: 'i32', array: loc(1, A), pos: p },
    newObject: { op: 'newObject', type: classTy(1, 'C'), classId: classId(1), pos: p },
    newArray: { op: 'newArray', type: A, elem: 'i32', length: loc(1), pos: p },
    isInstance: { op: 'isInstance', type: 'bool', value: loc(1), classId: classId(1) },
    cast: { op: 'cast', type: classTy(1, 'C'), value: loc(1), classId: classId(1), pos: p },
    host: { op: 'host', type: 'i32', name: 'f', args: [loc(1), loc(2)], pos: p },
    clock: { op: 'clock', type: 'i64' },
    threadId: { op: 'threadId', type: 'i32' },
    threadCount: { op: 'threadCount', type: 'i32' },
    atomicLoad: { op: 'atomicLoad', type: 'i32', place: { kind: 'field', object: loc(1), field: f, pos: p } },
    atomicAdd: { op: 'atomicAdd', type: 'i32', place: elemPlace(loc(1, A), loc(2)), value: loc(3) },
    atomicCas: { op: 'atomicCas', type: 'i32', place: elemPlace(loc(1, A), loc(2)), expected: loc(3), replacement: loc(4) },
  };
})();

/** Every expression inside `node`'s fields, found by shape, outermost fields first. */
function nestedExprs(node: object): Expr[] {
  return Object.values(node).flatMap((v): Expr[] => {
    if (Array.isArray(v)) return v.flatMap((x: object) => ('op' in x ? [x as Expr] : nestedExprs(x)));
    if (typeof v !== 'object' || v === null) return [];
    return 'op' in v ? [v as Expr] : 'kind' in v && 'pos' in v ? nestedExprs(v) : [];
  });
}

test('the operands of every expression kind are all the expressions its node holds', () => {
  assert.deepEqual(Object.keys(SAMPLES).sort(), Object.keys(EXPR_OPS).sort());
  for (const e of Object.values(SAMPLES)) assert.deepEqual(exprOperands(e), nestedExprs(e), e.op);
});

test('nested lists, written locals, labels and program points', () => {
  const s = when(loc(0), [brk(1)], [cont(2)]);
  assert.deepEqual(stmtChildren(s), [[brk(1)], [cont(2)]]);
  assert.deepEqual(stmtChildren(set(3, i32(1))), []);
  assert.equal(writtenLocal(set(3, i32(1))), 3);
  assert.equal(writtenLocal(call(0, [], 5, 0)), 5);
  assert.equal(writtenLocal(call(0, [], -1, 0)), null, 'a call without result writes no local');
  assert.equal(definedLabel(block(4, [])), 4);
  assert.equal(definedLabel(brk(4)), null);
  assert.equal(stmtPoint(loop(0, 7, [])), 7);
  assert.equal(stmtPoint(call(0, [], -1, 3)), 3);
  assert.equal(stmtPoint({ op: 'load', path: 'x', point: 2, pos: at(1) }), 2);
  assert.equal(stmtPoint(set(0, i32(0))), null);
  const seen: string[] = [];
  forEachStmt([block(0, [loop(1, 0, [when(loc(0), [ret()], [brk(1)])])])], (x) => seen.push(x.op));
  assert.deepEqual(seen, ['block', 'loop', 'if', 'return', 'break']);
  assert.equal(maxLabel([block(2, [loop(5, 0, [])]), when(loc(0), [block(3, [])])]), 5);
});

test('maps copy the node and leave the original alone', () => {
  const e = bin('add', 'i32', loc(0), glob(1, 'i32'));
  const m = mapOperands(e, (x) => (x.op === 'local' ? i32(9) : x));
  assert.deepEqual(m, bin('add', 'i32', i32(9), glob(1, 'i32')));
  assert.deepEqual(e, bin('add', 'i32', loc(0), glob(1, 'i32')));
  const s = mapStmt(loop(1, 0, [brk(1)]), { label: (l) => l + 10, stmts: (list) => list.map((x) => mapStmt(x, { label: (l) => l + 10 })) });
  assert.deepEqual(s, loop(11, 0, [brk(11)]));
});

test('renumbering reaches locals and labels everywhere; substitution reaches locals in places', () => {
  const body = [
    block(0, [
      set(1, getE('i32', loc(0, A), loc(2))),
      call(3, [loc(1)], 2, 0),
      call(3, [], -1, 1),
      when(loc(1), [brk(0)], [{ op: 'atomicStore', place: elemPlace(loc(0, A), loc(1)), value: loc(2) }]),
    ]),
  ];
  const r = renumberStmts(body, { local: (l) => l + 10, label: (l) => l + 100 });
  assert.deepEqual(r, [
    block(100, [
      set(11, getE('i32', loc(10, A), loc(12))),
      call(3, [loc(11)], 12, 0),
      call(3, [], -1, 1),
      when(loc(11), [brk(100)], [{ op: 'atomicStore', place: elemPlace(loc(10, A), loc(11)), value: loc(12) }]),
    ]),
  ]);
  const cas: Expr = { op: 'atomicAdd', type: 'i32', place: elemPlace(loc(0, A), loc(1)), value: loc(1) };
  assert.deepEqual(substituteLocals(cas, (l) => (l.local === 1 ? i32(7) : l)), { ...cas, place: elemPlace(loc(0, A), i32(7)), value: i32(7) });
});

test('a renumbered body prints as the original with the new numbers', () => {
  const fn = (body: Stmt[]) => ({ id: functionId(0), name: 'f', fileName: 't.rj', pos: at(1), paramCount: 0, locals: [{ name: 'a', type: 'i32' as const }, { name: 'b', type: 'i32' as const }], result: 'void' as const, body, pointCount: 1 });
  const body = [loop(0, 0, [set(0, bin('add', 'i32', loc(0), loc(1))), when(loc(0), [brk(0)])])];
  const swapped = renumberStmts(body, { local: (l) => 1 - l, label: (l) => l + 1 });
  assert.equal(printFunction(fn(swapped)), printFunction(fn(body)).replace(/\$a:0/g, 'X').replace(/\$b:1/g, '$a:0').replace(/X/g, '$b:1').replace(/L0/g, 'L1'));
});
