import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BinaryOp } from '../../src/ir/ir.js';
import type { PrimType } from '../../src/ir/types.js';
import { and, at, bin, bitnot, bool, conv, i32, i64, loc, math, neg, not, or, ret } from '../interp/ir.js';
import { Tiers } from './tiers.js';

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const COMPARISONS: BinaryOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];

/** `fn(a, b) = a <kind> b` over parameters, so that nothing is constant. */
function binaryFn(t: Tiers, kind: BinaryOp, type: PrimType) {
  const result = COMPARISONS.includes(kind) ? 'bool' : type;
  return t.fn(`${kind}_${type}`, [type, type], result, [], [ret(bin(kind, type, loc(0, type), loc(1, type), at(2, 7)))]);
}

/** Every pair of `values` through every operator in `kinds`, at both tiers (which must agree). */
function grid<V extends number | bigint>(type: PrimType, kinds: BinaryOp[], values: V[]): Map<string, unknown> {
  const t = new Tiers();
  const results = new Map<string, unknown>();
  for (const kind of kinds) {
    const f = binaryFn(t, kind, type);
    for (const a of values) for (const b of values) results.set(`${a} ${kind} ${b}`, t.both(f, a, b));
  }
  return results;
}

test('i32: every operator on edge values agrees with the interpreter', () => {
  const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'rem', 'and', 'or', 'xor', 'shl', 'shr', 'shru', ...COMPARISONS];
  const r = grid('i32', ops, [0, 1, -1, 2, -7, 31, 32, 33, 65536, I32_MIN, I32_MAX]);
  assert.equal(r.get(`${I32_MAX} add 1`), I32_MIN);
  assert.equal(r.get('65536 mul 65536'), 0);
  assert.equal(r.get('-7 div 2'), -3);
  assert.equal(r.get('-7 rem 2'), -1);
  assert.equal(r.get(`${I32_MIN} rem -1`), 0);
  assert.equal(r.get('1 shl 33'), 2);
  assert.equal(r.get('-7 shru 1'), 2147483644);
  assert.equal(r.get('-1 lt 1'), 1);
  assert.equal(r.get('1 div 0'), 't.rj:2:7: trap: division by zero\n  at div_i32 (t.rj:2:7)');
  assert.equal(r.get('1 rem 0'), 't.rj:2:7: trap: division by zero\n  at rem_i32 (t.rj:2:7)');
  assert.equal(r.get(`${I32_MIN} div -1`), 't.rj:2:7: trap: integer overflow\n  at div_i32 (t.rj:2:7)');
});

test('i64: every operator on edge values agrees with the interpreter', () => {
  const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'rem', 'and', 'or', 'xor', 'shl', 'shr', 'shru', ...COMPARISONS];
  const r = grid('i64', ops, [0n, 1n, -1n, -7n, 63n, 64n, 65n, 2n ** 32n, I64_MIN, I64_MAX]);
  assert.equal(r.get(`${I64_MAX} add 1`), I64_MIN);
  assert.equal(r.get(`${2n ** 32n} mul ${2n ** 32n}`), 0n);
  assert.equal(r.get('-7 div 63'), 0n);
  assert.equal(r.get(`${I64_MIN} rem -1`), 0n);
  assert.equal(r.get('1 shl 65'), 2n);
  assert.equal(r.get('-1 shru 1'), I64_MAX);
  assert.equal(r.get(`${I64_MIN} lt ${I64_MAX}`), 1);
  assert.equal(r.get(`${I64_MIN} div -1`), 't.rj:2:7: trap: integer overflow\n  at div_i64 (t.rj:2:7)');
  assert.equal(r.get('-7 rem 0'), 't.rj:2:7: trap: division by zero\n  at rem_i64 (t.rj:2:7)');
});

test('f64: arithmetic, JavaScript remainder and IEEE comparisons', () => {
  const r = grid('f64', ['add', 'sub', 'mul', 'div', 'rem', ...COMPARISONS], [0, 1.5, -7.25, 3, NaN, Infinity, -Infinity, 1e308, -1e-300]);
  assert.equal(r.get('-7.25 rem 3'), -1.25);
  assert.equal(r.get('1.5 div 0'), Infinity);
  assert.ok(Object.is(r.get('-1e-300 mul 1e+308'), -1e8));
  assert.equal(r.get('NaN eq NaN'), 0);
  assert.equal(r.get('NaN ne NaN'), 1);
  assert.equal(r.get('1e+308 mul 1e+308'), Infinity);
});

test('constant divisors: checks only where they can fail', () => {
  const t = new Tiers();
  const f = t.fn('f', ['i32', 'i64'], 'i64', [], [
    ret(bin('add', 'i64', conv('i64', 'i32', bin('add', 'i32', bin('div', 'i32', loc(0), i32(-1)), bin('rem', 'i32', loc(0), i32(7)))), bin('div', 'i64', loc(1, 'i64'), i64(-3n)))),
  ]);
  assert.equal(t.both(f, -20, 100n), 20n + -6n + -33n);
  assert.equal(t.both(f, I32_MIN, 0n), 't.rj:1:1: trap: integer overflow\n  at f (t.rj:1:1)');
  const z = t.fn('z', ['i32'], 'i32', [], [ret(bin('rem', 'i32', loc(0), i32(0), at(4, 4)))]);
  assert.equal(t.both(z, 5), 't.rj:4:4: trap: division by zero\n  at z (t.rj:4:4)');
});

test('unary operators and short-circuit logic', () => {
  const t = new Tiers();
  const u = t.fn('u', ['i32', 'i64', 'f64', 'bool'], 'f64', [], [
    ret(bin('add', 'f64', bin('add', 'f64', conv('f64', 'i32', bin('xor', 'i32', neg('i32', loc(0)), bitnot('i32', loc(0)))), conv('f64', 'i64', bin('sub', 'i64', neg('i64', loc(1, 'i64')), bitnot('i64', loc(1, 'i64'))))), neg('f64', loc(2, 'f64')))),
  ]);
  for (const args of [[0, 0n, 0], [I32_MIN, I64_MIN, -0], [5, -9n, 2.5]] as const) t.both(u, ...args, 1);
  // The right operand of && and || runs only when needed: here it would trap.
  const trapping = bin('eq', 'i32', bin('div', 'i32', i32(1), loc(0), at(6, 6)), i32(1));
  const andF = t.fn('and_f', ['i32', 'bool'], 'bool', [], [ret(and(loc(1, 'bool'), trapping))]);
  const orF = t.fn('or_f', ['i32', 'bool'], 'bool', [], [ret(or(not(loc(1, 'bool')), trapping))]);
  assert.deepEqual([t.both(andF, 0, 0), t.both(orF, 0, 0), t.both(andF, 1, 1), t.both(orF, 2, 1)], [0, 1, 1, 0]);
  assert.equal(t.both(andF, 0, 1), 't.rj:6:6: trap: division by zero\n  at and_f (t.rj:6:6)');
  const b = t.fn('b', ['bool', 'bool'], 'bool', [], [ret(bin('ne', 'bool', and(loc(0, 'bool'), bool(true)), or(loc(1, 'bool'), bool(false))))]);
  assert.deepEqual([[0, 0], [0, 1], [1, 0], [1, 1]].map(([x, y]) => t.both(b, x as number, y as number)), [0, 1, 1, 0]);
});

test('conversions: wrap, extend, exact float conversions, and traps at the edges of the range', () => {
  const t = new Tiers();
  const toI32 = t.fn('to_i32', ['f64'], 'i32', [], [ret(conv('i32', 'f64', loc(0, 'f64'), at(3, 5)))]);
  const toI64 = t.fn('to_i64', ['f64'], 'i64', [], [ret(conv('i64', 'f64', loc(0, 'f64'), at(3, 5)))]);
  const ok32 = [2147483647.9, -2147483648.9, -0.5, 1e9, -3.99];
  assert.deepEqual(ok32.map((x) => t.both(toI32, x)), [I32_MAX, I32_MIN, 0, 1e9, -3]);
  for (const x of [2147483648, -2147483649, NaN, Infinity, -Infinity]) {
    assert.equal(t.both(toI32, x), 't.rj:3:5: trap: invalid conversion to integer\n  at to_i32 (t.rj:3:5)');
  }
  assert.deepEqual([-(2 ** 63), 2 ** 62, -1.5].map((x) => t.both(toI64, x)), [I64_MIN, 2n ** 62n, -1n]);
  for (const x of [2 ** 63, NaN, -Infinity]) assert.match(String(t.both(toI64, x)), /invalid conversion to integer/);
  const ints = t.fn('ints', ['i32', 'i64'], 'f64', [], [
    ret(bin('add', 'f64', conv('f64', 'i64', bin('add', 'i64', conv('i64', 'i32', loc(0)), conv('i64', 'i32', conv('i32', 'i64', loc(1, 'i64'))))), conv('f64', 'i32', loc(0)))),
  ]);
  assert.equal(t.both(ints, -5, 0x1_0000_0007n), -5 + 7 - 5);
  const big = t.fn('big', ['i64'], 'f64', [], [ret(conv('f64', 'i64', loc(0, 'i64')))]);
  assert.equal(t.both(big, I64_MAX), 2 ** 63);
  assert.equal(t.both(big, 2n ** 53n + 1n), 2 ** 53);
});

test('math builtins for i32, i64 and f64', () => {
  const t = new Tiers();
  const m32 = t.fn('m32', ['i32', 'i32'], 'i32', [], [
    ret(bin('xor', 'i32', math('abs', 'i32', loc(0)), bin('mul', 'i32', math('min', 'i32', loc(0), loc(1)), math('max', 'i32', loc(0), loc(1))))),
  ]);
  for (const [a, b] of [[I32_MIN, 3], [-4, 9], [7, 7], [0, -1]]) t.both(m32, a as number, b as number);
  assert.equal(t.both(m32, I32_MIN, 0), I32_MIN);
  const m64 = t.fn('m64', ['i64', 'i64'], 'i64', [], [
    ret(bin('sub', 'i64', math('abs', 'i64', loc(0, 'i64')), bin('add', 'i64', math('min', 'i64', loc(0, 'i64'), loc(1, 'i64')), math('max', 'i64', loc(0, 'i64'), loc(1, 'i64'))))),
  ]);
  assert.equal(t.both(m64, I64_MIN, 1n), I64_MIN - (I64_MIN + 1n));
  assert.equal(t.both(m64, -5n, 9n), 5n - 4n);
  const f = (kind: 'sqrt' | 'floor' | 'ceil' | 'abs') => t.fn(kind, ['f64'], 'f64', [], [ret(math(kind, 'f64', loc(0, 'f64')))]);
  const fns = [f('sqrt'), f('floor'), f('ceil'), f('abs')];
  for (const x of [2, -2.5, 2.5, -0, NaN, Infinity]) for (const g of fns) t.both(g, x);
  const mm = (kind: 'min' | 'max') => t.fn(kind, ['f64', 'f64'], 'f64', [], [ret(math(kind, 'f64', loc(0, 'f64'), loc(1, 'f64')))]);
  const [mn, mx] = [mm('min'), mm('max')];
  assert.ok(Object.is(t.both(mn, 0, -0), -0));
  assert.ok(Object.is(t.both(mx, -0, 0), 0));
  assert.ok(Number.isNaN(t.both(mn, NaN, 1)));
  assert.ok(Number.isNaN(t.both(mx, 1, NaN)));
});
