//! The operator table (`ir/operators.ts`) agrees with itself and with wasm:
//! for every operator and operand type, on edge values, the value function
//! (constant folding, the interpreter's i64), the interpreter's closure and
//! the wasm instruction give the same result, and integer traps are where
//! wasm traps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARITHMETIC, COMPARISONS, UNARY, intTrap, type Arithmetic, type Comparison } from '../../src/ir/operators.js';
import type { UnaryOp } from '../../src/ir/ir.js';
import { ModuleBuilder } from '../../src/wasm/module-builder.js';
import type { PlainOp } from '../../src/wasm/opcodes.js';
import { instantiate } from '../wasm/wasm-api.js';

type T = 'i32' | 'i64' | 'f64';
const I32 = [0, 1, -1, 2, 7, -7, 31, 32, 33, 2147483647, -2147483648, 123456789];
const I64 = [0n, 1n, -1n, 2n, 7n, -7n, 63n, 64n, 65n, 2n ** 63n - 1n, -(2n ** 63n), 1234567890123n];
const F64 = [0, -0, 1, -1, 0.5, -2.5, 3, 1e300, -1e-300, Infinity, -Infinity, NaN];
const values = (t: T): readonly (number | bigint)[] => (t === 'i32' ? I32 : t === 'i64' ? I64 : F64);

/** A wasm function computing `op` on its parameters. */
function wasmOp(t: T, arity: 1 | 2, result: T, op: PlainOp, before?: number, after?: number): (...args: (number | bigint)[]) => number | bigint {
  const mb = new ModuleBuilder();
  const f = mb.addFunction({ name: 'f', params: arity === 2 ? [t, t] : [t], results: [result] });
  const push = (n: number): void => void (t === 'i64' ? f.code.i64Const(BigInt(n)) : f.code.i32Const(n));
  if (before !== undefined) push(before);
  f.code.localGet(0);
  if (arity === 2) f.code.localGet(1);
  if (after !== undefined) push(after);
  f.code.op(op);
  mb.exportFunction('f', f.index);
  return instantiate(mb).f as (...args: (number | bigint)[]) => number | bigint;
}

const same = (a: unknown, b: unknown, what: string): void => assert.ok(Object.is(a, b), `${what}: ${String(a)} vs ${String(b)}`);

test('arithmetic: value functions, interpreter closures and wasm instructions agree; integer traps match', () => {
  for (const [kind, info] of Object.entries(ARITHMETIC) as [Arithmetic, (typeof ARITHMETIC)[Arithmetic]][]) {
    for (const t of ['i32', 'i64', 'f64'] as const) {
      const value = t === 'i32' ? info.i32 : t === 'i64' ? info.i64 : info.f64;
      if (value === null) {
        assert.equal(info.wasm.f64, null, `${kind}.f64 has an instruction but no value`);
        continue;
      }
      const op = info.wasm[t];
      const wasm = op === null ? null : wasmOp(t, 2, t, op);
      const closure = (t === 'i32' ? info.interp.i32 : t === 'i64' ? info.interp.i64 : info.interp.f64) as ((l: () => number | bigint, r: () => number | bigint) => (f: null) => number | bigint) | null;
      for (const a of values(t)) {
        for (const b of values(t)) {
          const what = `${kind}.${t}(${a}, ${b})`;
          const trap = t === 'f64' ? null : intTrap(kind, BigInt(a), BigInt(b), t === 'i32' ? 32 : 64);
          if (trap !== null) {
            if (wasm) assert.throws(() => wasm(a, b), /by zero|unrepresentable|overflow/, what);
            continue;
          }
          const v = (value as (x: number | bigint, y: number | bigint) => number | bigint)(a, b);
          if (wasm) same(v, wasm(a, b), what);
          if (closure) same(v, closure(() => a, () => b)(null), `${what} closure`);
        }
      }
    }
  }
});

test('comparisons: the test, the interpreter closure and the wasm instruction agree', () => {
  for (const [kind, info] of Object.entries(COMPARISONS) as [Comparison, (typeof COMPARISONS)[Comparison]][]) {
    for (const t of ['i32', 'i64', 'f64'] as const) {
      const wasm = wasmOp(t, 2, 'i32', info.wasm[t]);
      for (const a of values(t)) {
        for (const b of values(t)) {
          const v = info.test(a, b);
          assert.equal(wasm(a, b), v ? 1 : 0, `${kind}.${t}(${a}, ${b})`);
          const closure = t === 'i64' ? info.interp.i64(() => a as bigint, () => b as bigint) : info.interp.num(() => a as number, () => b as number);
          assert.equal(closure(null), v, `${kind}.${t}(${a}, ${b}) closure`);
        }
      }
    }
  }
});

test('unary operators: value functions, interpreter closures and wasm agree', () => {
  for (const [kind, info] of Object.entries(UNARY) as [UnaryOp, (typeof UNARY)[UnaryOp]][]) {
    for (const t of ['i32', 'i64', 'f64'] as const) {
      const value = t === 'i32' ? info.i32 : t === 'i64' ? info.i64 : info.f64;
      const w = info.wasm[t];
      assert.equal(value === null, w === null, `${kind}.${t}: a value function exactly when an instruction`);
      if (value === null || w === null) continue;
      const wasm = wasmOp(t, 1, t, w.op, w.before, w.after);
      const closure = (t === 'i32' ? info.interp.i32 : t === 'i64' ? info.interp.i64 : info.interp.f64) as ((v: () => number | bigint) => (f: null) => number | bigint) | null;
      for (const a of kind === 'not' ? [0, 1] : values(t)) {
        const v = (value as (x: number | bigint) => number | bigint)(a);
        same(v, wasm(a), `${kind}.${t}(${a})`);
        if (closure) same(v, closure(() => a)(null), `${kind}.${t}(${a}) closure`);
      }
    }
  }
});
