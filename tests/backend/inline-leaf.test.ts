import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IrFunction } from '../../src/ir/ir.js';
import { inlineLeaf, leafOf } from '../../src/passes/inline-leaf.js';
import { Rt, bin, call, conv, f64, getF, i32, loc, ret, set, setF } from '../interp/ir.js';
import { Tiers } from './tiers.js';

test('leaves: one returned expression that cannot trap, call, allocate or loop, over the parameters', () => {
  const rt = new Rt();
  const C = rt.cls('C', null, [['k', 'i32']]);
  const method = rt.declare('C.m', [{ kind: 'class', classId: C.id, name: 'C' }, 'i32'], 'i32', C.id);
  const leaf = (ir: IrFunction, isMethod = false): boolean => leafOf(ir, isMethod) !== null;
  const fn = (body: Parameters<Rt['define']>[2], params: ('i32' | 'f64')[] = ['i32', 'i32']): IrFunction =>
    rt.define(rt.declare('f', params, 'i32'), [...params, 'i32'], body);

  const self = rt.define(method, [{ kind: 'class', classId: C.id, name: 'C' }, 'i32'], [ret(bin('add', 'i32', loc(1), getF(loc(0), rt.field(C, 'k'))))]);
  assert.ok(leaf(self, true), 'a field of self');
  const setter = rt.define(method, [{ kind: 'class', classId: C.id, name: 'C' }, 'i32'], [setF(loc(0), rt.field(C, 'k'), loc(1)), ret()]);
  assert.deepEqual(leafOf(setter, true)?.store, { field: rt.field(C, 'k'), value: loc(1) }, 'a setter of self');
  assert.ok(!leaf(setter, false), 'a store into a parameter that may be null');
  assert.ok(!leaf(rt.define(method, [{ kind: 'class', classId: C.id, name: 'C' }, 'i32'], [setF(loc(0), rt.field(C, 'k'), loc(1)), ret(loc(1))]), true), 'a store and a result');
  assert.ok(!leaf(self, false), 'a field of a parameter that may be null');
  assert.ok(leaf(fn([])), 'an empty body');
  assert.ok(leaf(fn([ret(bin('mul', 'i32', loc(0), loc(1)))])));
  assert.ok(leaf(fn([ret(conv('i32', 'f64', bin('div', 'f64', loc(0, 'f64'), f64(2)), undefined))], ['f64'])) === false, 'f64 to i32 traps');
  assert.ok(leaf(fn([ret(conv('f64', 'i32', loc(0)))])), 'i32 to f64 does not trap');
  assert.ok(!leaf(fn([ret(bin('div', 'i32', loc(0), loc(1)))])), 'integer division traps');
  assert.ok(!leaf(fn([ret(bin('rem', 'i32', loc(0), loc(1)))])), 'remainder traps');
  assert.ok(!leaf(fn([ret(loc(2))])), 'a local that is not a parameter');
  assert.ok(!leaf(fn([set(2, i32(1)), ret(loc(2))])), 'two statements');
  assert.ok(!leaf(fn([call(0, [], 2, 0), ret(loc(2))])), 'a call');
  let big = loc(0);
  for (let i = 0; i < 10; i++) big = bin('add', 'i32', big, i32(i));
  assert.ok(!leaf(fn([ret(big)])), 'larger than a call');
});

test('inlining puts the arguments in place of the parameters', () => {
  const e = inlineLeaf(bin('sub', 'i32', loc(1), loc(0)), [loc(7), i32(3)]);
  assert.deepEqual(e, bin('sub', 'i32', i32(3), loc(7)));
});

test('a leaf runs in its caller, and the running caller sees its redefinition at the next call', () => {
  const t = new Tiers();
  const g = t.fn('g', ['i32'], 'i32', [], [ret(bin('add', 'i32', loc(0), i32(1)))]);
  const f = t.fn('f', ['i32'], 'i32', ['i32'], [call(g, [loc(0)], 1, 0), ret(loc(1))]);
  assert.equal(t.compiled(f, 1), 2);
  assert.deepEqual(t.baseline.codeVersions().map((c) => c.ir.name), ['f'], 'g is never compiled');
  t.define(g, ['i32'], [ret(bin('mul', 'i32', loc(0), i32(10)))]);
  t.commit();
  assert.equal(t.compiled(f, 2), 20);
  assert.deepEqual(t.baseline.codeVersions().map((c) => c.ir.name), ['f', 'g'], 'f inlined the old g: the new one is called through its stub');
  t.define(g, ['i32'], [set(0, bin('mul', 'i32', loc(0), i32(100))), ret(loc(0))]);
  t.commit();
  assert.equal(t.compiled(f, 3), 300, 'a definition that is no leaf is called');
  assert.deepEqual(t.baseline.codeVersions().map((c) => c.ir.name), ['f', 'g', 'g']);
});
