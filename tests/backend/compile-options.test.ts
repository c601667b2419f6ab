import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POLL_REQUEST } from '../../src/core/layout.js';
import { bin, brk, forLoop, i32, loc, loop, ret, set, when } from '../interp/ir.js';
import { defineReloading } from '../interp/programs.js';
import { Tiers } from './tiers.js';

test('without polls, code never reaches the safepoint, however long it loops', () => {
  let safepoints = 0;
  const t = new Tiers({ safepoint: () => void safepoints++ }, { polls: false, stubs: true, inline: true });
  const f = t.fn('f', ['i32'], 'i32', ['i32', 'i32', 'i32'], [
    ...forLoop(0, 0, 1, 2, i32(0), loc(0), [set(3, bin('add', 'i32', loc(3), i32(1)))]),
    loop(1, 1, [when(bin('le', 'i32', loc(3), i32(0)), [brk(1)]), set(3, bin('sub', 'i32', loc(3), i32(2)))]),
    ret(loc(3)),
  ]);
  const request = new Int32Array(t.heap.memory.buffer, POLL_REQUEST, 1);
  request[0] = 1;
  try {
    assert.equal(t.compiled(f, 10_001), -1);
    assert.equal(safepoints, 0);
  } finally {
    request[0] = 0;
  }
});

test('without stubs, a recursive call runs the code of its caller even after a redefinition', () => {
  // f(1)'s first call f(0) redefines f; its second runs the new body (100) with stubs, the old one (1) without.
  for (const stubs of [true, false]) {
    const t: Tiers = new Tiers({
      load: () => {
        t.define(f, ['i32', 'i32'], [ret(i32(100))]);
        t.commit();
      },
    }, { polls: true, stubs, inline: true });
    const f = t.declare('f', ['i32'], 'i32');
    defineReloading(t, f);
    t.commit();
    assert.equal(t.compiled(f, 1), stubs ? 110 : 11);
    // A call from outside reaches the new definition either way.
    assert.equal(t.compiled(f, 1), 100);
  }
});
