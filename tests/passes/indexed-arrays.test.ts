import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countedLoop } from '../../src/passes/counted-loop.js';
import { indexedArrays } from '../../src/passes/indexed-arrays.js';
import type { Stmt } from '../../src/ir/ir.js';
import { arrT, bin, call, forLoop, getE, i32, loc, set, setE, when } from '../interp/ir.js';

const A = arrT('i32');
// Locals: 0 the loop variable, 1 its end, 2 and 3 arrays, 4 an i32.
const arraysOf = (body: Stmt[]): number[] => {
  const loop = forLoop(0, 0, 0, 1, i32(0), i32(10), body).find((s) => s.op === 'loop');
  const counted = loop?.op === 'loop' ? countedLoop(loop) : null;
  if (!counted) throw new Error('not a counted loop');
  return indexedArrays(counted);
};

test('arrays indexed by the loop variable, read or written, in nested statements too', () => {
  assert.deepEqual(arraysOf([set(4, getE('i32', loc(2, A), loc(0)))]), [2]);
  assert.deepEqual(arraysOf([when(loc(4), [setE(loc(3, A), loc(0), i32(1))])]), [3]);
  assert.deepEqual(arraysOf([setE(loc(3, A), loc(0), getE('i32', loc(2, A), loc(0)))]), [2, 3]);
});

test('not: an array the body writes, an index other than the variable', () => {
  assert.deepEqual(arraysOf([set(4, getE('i32', loc(2, A), loc(0))), set(2, loc(3, A))]), []);
  assert.deepEqual(arraysOf([call(0, [], 2, 0), set(4, getE('i32', loc(2, A), loc(0)))]), []);
  assert.deepEqual(arraysOf([set(4, getE('i32', loc(2, A), bin('add', 'i32', loc(0), i32(1))))]), []);
  assert.deepEqual(arraysOf([set(4, getE('i32', loc(2, A), loc(4)))]), []);
});
