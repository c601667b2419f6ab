import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Rt, and, at, bin, bitnot, bool, conv, f64, i32, i64, loc, math, neg, not, or, print, ret, set, trapOf, value, when, where,
} from './ir.js';

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

test('i32 arithmetic wraps, divides toward zero and shifts modulo 32', () => {
  const rt = new Rt();
  const v = (k: Parameters<typeof bin>[0], a: number, b: number) => value(rt, 'i32', bin(k, 'i32', i32(a), i32(b)));
  assert.equal(v('add', I32_MAX, 1), I32_MIN);
  assert.equal(v('sub', I32_MIN, 1), I32_MAX);
  assert.equal(v('mul', 65536, 65536), 0);
  assert.equal(v('mul', 123456789, 987654321), Number(BigInt.asIntN(32, 123456789n * 987654321n)));
  assert.equal(v('div', -7, 2), -3);
  assert.equal(v('div', 7, -2), -3);
  assert.equal(v('rem', -7, 2), -1);
  assert.equal(v('rem', 7, -2), 1);
  assert.equal(v('rem', I32_MIN, -1), 0);
  assert.equal(v('div', I32_MIN, 1), I32_MIN);
  assert.equal(v('shl', 1, 33), 2);
  assert.equal(v('shl', 1, 31), I32_MIN);
  assert.equal(v('shr', -8, 1), -4);
  assert.equal(v('shr', -8, 33), -4);
  assert.equal(v('shru', -8, 1), 2147483644);
  assert.equal(v('shru', -1, 0), -1);
  assert.equal(v('and', 0b1100, 0b1010), 0b1000);
  assert.equal(v('or', 0b1100, 0b1010), 0b1110);
  assert.equal(v('xor', 0b1100, 0b1010), 0b0110);
  assert.equal(value(rt, 'i32', neg('i32', i32(I32_MIN))), I32_MIN);
  assert.equal(value(rt, 'i32', bitnot('i32', i32(0))), -1);
  assert.equal(value(rt, 'bool', bin('lt', 'i32', i32(-1), i32(1))), 1);
  assert.equal(value(rt, 'bool', bin('gt', 'i32', i32(I32_MIN), i32(I32_MAX))), 0);
});

test('i32 shapes: local+constant and local+local closures agree with the general ones', () => {
  const rt = new Rt();
  const f = rt.fn('f', ['i32', 'i32'], 'i32', ['i32', 'i32', 'i32'], [
    set(2, bin('add', 'i32', loc(0), i32(1))),
    set(3, bin('sub', 'i32', loc(0), loc(1))),
    set(4, bin('mul', 'i32', loc(0), i32(3))),
    when(bin('le', 'i32', loc(0), loc(1)), [ret(i32(-1))]),
    ret(bin('add', 'i32', bin('add', 'i32', loc(2), loc(3)), loc(4))),
  ]);
  assert.equal(rt.run(f, I32_MAX, I32_MIN), (I32_MIN + -1 + Math.imul(I32_MAX, 3)) | 0);
  assert.equal(rt.run(f, 1, 2), -1);
});

test('i32 traps: division by zero, remainder by zero, MIN / -1', () => {
  const rt = new Rt();
  const t = (k: 'div' | 'rem', a: number, b: number) => where(trapOf(() => value(rt, 'i32', bin(k, 'i32', i32(a), i32(b), at(3, 9)))));
  assert.equal(t('div', 1, 0), 'divisionByZero 3:9');
  assert.equal(t('rem', 1, 0), 'divisionByZero 3:9');
  assert.equal(t('div', I32_MIN, -1), 'integerOverflow 3:9');
});

test('i64 arithmetic wraps exactly', () => {
  const rt = new Rt();
  const v = (k: Parameters<typeof bin>[0], a: bigint, b: bigint) => value(rt, 'i64', bin(k, 'i64', i64(a), i64(b)));
  assert.equal(v('add', I64_MAX, 1n), I64_MIN);
  assert.equal(v('sub', I64_MIN, 1n), I64_MAX);
  assert.equal(v('mul', 2n ** 32n, 2n ** 32n), 0n);
  assert.equal(v('mul', 3037000500n, 3037000500n), BigInt.asIntN(64, 3037000500n * 3037000500n));
  assert.equal(v('div', -7n, 2n), -3n);
  assert.equal(v('rem', -7n, 2n), -1n);
  assert.equal(v('rem', I64_MIN, -1n), 0n);
  assert.equal(v('shl', 1n, 65n), 2n);
  assert.equal(v('shl', 1n, 63n), I64_MIN);
  assert.equal(v('shr', -8n, 1n), -4n);
  assert.equal(v('shru', -8n, 1n), 2n ** 63n - 4n);
  assert.equal(v('shru', -1n, 64n), -1n);
  assert.equal(v('xor', -1n, 5n), -6n);
  assert.equal(value(rt, 'i64', neg('i64', i64(I64_MIN))), I64_MIN);
  assert.equal(value(rt, 'i64', bitnot('i64', i64(0n))), -1n);
  assert.equal(value(rt, 'bool', bin('lt', 'i64', i64(I64_MIN), i64(I64_MAX))), 1);
  assert.equal(value(rt, 'bool', bin('eq', 'i64', i64(5n), i64(5n))), 1);
});

test('i64 traps: division by zero, remainder by zero, MIN / -1', () => {
  const rt = new Rt();
  const t = (k: 'div' | 'rem', a: bigint, b: bigint) => where(trapOf(() => value(rt, 'i64', bin(k, 'i64', i64(a), i64(b), at(2, 4)))));
  assert.equal(t('div', 1n, 0n), 'divisionByZero 2:4');
  assert.equal(t('rem', 1n, 0n), 'divisionByZero 2:4');
  assert.equal(t('div', I64_MIN, -1n), 'integerOverflow 2:4');
});

test('f64 follows IEEE and prints as JavaScript does', () => {
  const rt = new Rt();
  assert.equal(value(rt, 'f64', bin('div', 'f64', f64(1), f64(0))), Infinity);
  assert.ok(Number.isNaN(value(rt, 'f64', bin('div', 'f64', f64(0), f64(0))) as number));
  assert.equal(value(rt, 'f64', bin('rem', 'f64', f64(-7.5), f64(2))), -1.5);
  assert.equal(value(rt, 'bool', bin('eq', 'f64', bin('div', 'f64', f64(0), f64(0)), bin('div', 'f64', f64(0), f64(0)))), 0);
  const p = rt.fn('p', [], 'void', [], [
    print(bin('add', 'f64', f64(0.1), f64(0.2)), f64(1e21), neg('f64', f64(0)), f64(2), f64(1.5e-7)),
    print('s', i32(-3), i64(-(2n ** 40n)), bool(true), bool(false)),
    { op: 'printFixed', value: f64(2.345), digits: i32(2), pos: at(1) },
    { op: 'printFixed', value: f64(-1.5), digits: i32(0), pos: at(1) },
  ]);
  rt.run(p);
  assert.deepEqual(rt.out, ['0.30000000000000004 1e+21 0 2 1.5e-7', 's -3 -1099511627776 true false', (2.345).toFixed(2), (-1.5).toFixed(0)]);
});

test('conversions: wrap, sign-extend, truncate toward zero, trap out of range', () => {
  const rt = new Rt();
  assert.equal(value(rt, 'i32', conv('i32', 'f64', f64(-2.7))), -2);
  assert.equal(value(rt, 'i32', conv('i32', 'f64', f64(2.7))), 2);
  assert.equal(value(rt, 'i32', conv('i32', 'f64', f64(-2147483648.9))), I32_MIN);
  assert.equal(value(rt, 'i32', conv('i32', 'f64', f64(2147483647.9))), I32_MAX);
  assert.equal(value(rt, 'i32', conv('i32', 'i64', i64(2n ** 32n + 5n))), 5);
  assert.equal(value(rt, 'i32', conv('i32', 'i64', i64(2n ** 31n))), I32_MIN);
  assert.equal(value(rt, 'i64', conv('i64', 'i32', i32(-5))), -5n);
  assert.equal(value(rt, 'i64', conv('i64', 'f64', f64(-1e18))), -(10n ** 18n));
  assert.equal(value(rt, 'i64', conv('i64', 'f64', f64(-(2 ** 63)))), I64_MIN);
  assert.equal(value(rt, 'f64', conv('f64', 'i64', i64(I64_MAX))), 2 ** 63);
  assert.equal(value(rt, 'f64', conv('f64', 'i32', i32(-3))), -3);
  const t = (to: 'i32' | 'i64', x: number) => where(trapOf(() => value(rt, to, conv(to, 'f64', f64(x), at(7, 2)))));
  for (const x of [NaN, 2147483648, -2147483649, Infinity]) assert.equal(t('i32', x), 'invalidConversion 7:2', String(x));
  for (const x of [NaN, 2 ** 63, -Infinity, 1e19]) assert.equal(t('i64', x), 'invalidConversion 7:2', String(x));
});

test('math builtins', () => {
  const rt = new Rt();
  assert.equal(value(rt, 'i32', math('abs', 'i32', i32(I32_MIN))), I32_MIN);
  assert.equal(value(rt, 'i32', math('abs', 'i32', i32(-4))), 4);
  assert.equal(value(rt, 'i64', math('abs', 'i64', i64(I64_MIN))), I64_MIN);
  assert.equal(value(rt, 'i64', math('abs', 'i64', i64(-4n))), 4n);
  assert.equal(value(rt, 'f64', math('abs', 'f64', f64(-0.5))), 0.5);
  assert.equal(value(rt, 'i32', math('min', 'i32', i32(-3), i32(2))), -3);
  assert.equal(value(rt, 'i64', math('max', 'i64', i64(-3n), i64(2n))), 2n);
  assert.equal(value(rt, 'f64', math('max', 'f64', f64(1.5), f64(-2))), 1.5);
  assert.equal(value(rt, 'f64', math('sqrt', 'f64', f64(2.25))), 1.5);
  assert.equal(value(rt, 'f64', math('floor', 'f64', f64(-1.5))), -2);
  assert.equal(value(rt, 'f64', math('ceil', 'f64', f64(-1.5))), -1);
});

test('logical operators short-circuit; not and bool equality', () => {
  const rt = new Rt();
  const trapping = bin('eq', 'i32', bin('div', 'i32', i32(1), i32(0)), i32(0));
  assert.equal(value(rt, 'bool', and(bool(false), trapping)), 0);
  assert.equal(value(rt, 'bool', or(bool(true), trapping)), 1);
  assert.equal(value(rt, 'bool', not(and(bool(true), bool(true)))), 0);
  assert.equal(value(rt, 'bool', bin('ne', 'bool', bool(true), bool(false))), 1);
  assert.equal(trapOf(() => value(rt, 'bool', and(bool(true), trapping))).kind, 'divisionByZero');
});

test('assert traps at its position', () => {
  const rt = new Rt();
  const f = rt.fn('f', ['i32'], 'void', [], [{ op: 'assert', cond: bin('gt', 'i32', loc(0), i32(0)), pos: at(4, 3) }]);
  rt.run(f, 1);
  const t = trapOf(() => rt.run(f, 0));
  assert.equal(t.format(), 't.rj:4:3: trap: assertion failed\n  at f (t.rj:4:3)');
});
