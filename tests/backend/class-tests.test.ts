import { test } from 'node:test';
import assert from 'node:assert/strict';
import { as, bin, classT, is, loc, newObj, ret } from '../interp/ir.js';
import { printModule } from '../../src/wasm/wat.js';
import { compileFunction } from '../../src/backend/pipeline.js';
import { Tiers } from './tiers.js';

test('is and as against a class with subclasses walk the ancestors inline, as the interpreter decides, through three levels', () => {
  const t = new Tiers();
  const A = t.cls('A', null, [['a', 'i32']]);
  const B = t.cls('B', A, [['b', 'i32']]);
  const C = t.cls('C', B, []);
  const D = t.cls('D', A, []);
  const AT = classT(A);
  const isB = t.fn('isB', [AT], 'bool', [], [ret(is(loc(0, AT), B))]);
  const asB = t.fn('asB', [AT], 'bool', [], [ret(bin('eq', AT, as(loc(0, AT), B, { line: 3, col: 4 }), loc(0, AT)))]);
  const make = (k: typeof A) => t.compiled(t.fn(`make${k.name}`, [], AT, [], [ret(newObj(k))])) as number;
  const [a, b, c, d] = [make(A), make(B), make(C), make(D)];
  assert.deepEqual([a, b, c, d, 0].map((o) => t.both(isB, o)), [0, 1, 1, 0, 0]);
  assert.deepEqual([b, c, 0].map((o) => t.both(asB, o)), [1, 1, 1]);
  assert.equal(t.both(asB, d), 't.rj:3:4: trap: bad cast\n  at asB (t.rj:3:4)');
  t.heap.free(c);
  assert.equal(t.both(isB, c), 0, 'a freed object is no instance');
  const wat = printModule(compileFunction(t.program.functions[isB]!.ir!, t.program, 1).builder);
  assert.ok(!wat.includes('instanceOf'), 'no call to the runtime');
});
