//! The binary and unary operators of the IR, one entry each: the operand
//! types it takes and its result type, its value on constants (the checker's
//! constant folding and the interpreter's i64 arithmetic use the same
//! functions), the interpreter's closure, and the wasm instruction.
//!
//! Values are in the interpreter's representation: i32, f64, bool (0/1) and
//! references as numbers, i64 as a bigint in signed range. Integer results
//! wrap; shift counts are masked to the operand width. Integer `div` and
//! `rem` trap (`traps`); the value functions are called only when they do
//! not. Short-circuit `&&`/`||` are not operators here (`logical` nodes).

import type { BinaryOp, UnaryOp } from './ir.js';
import { isIntType, isNumericType, type Type } from './types.js';
import type { PlainOp } from '../wasm/opcodes.js';

export type Comparison = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
export type Arithmetic = Exclude<BinaryOp, Comparison>;

/** The traps of integer operators, named as `core/trap.ts` names them. */
export type IntTrap = 'divisionByZero' | 'integerOverflow';

/** A closure over an interpreter frame `F`. */
type Fn<F, T> = (f: F) => T;

/**
 * Which operand types an operator takes: numeric (i32, i64, f64), int (i32,
 * i64), equality (any two comparable values: also bool and references).
 */
export type OperandKind = 'numeric' | 'int' | 'equality';

export interface ArithmeticInfo {
  readonly operands: 'numeric' | 'int';
  /** What integer operands trap on: a zero divisor (`divisionByZero`), then MIN / -1 (`integerOverflow`). f64 never traps. */
  readonly traps: 'none' | 'zero' | 'zeroAndOverflow';
  readonly i32: (a: number, b: number) => number;
  readonly i64: (a: bigint, b: bigint) => bigint;
  /** null: not an f64 operator. */
  readonly f64: ((a: number, b: number) => number) | null;
  /**
   * The interpreter's closures over operand closures: a literal per operator
   * and representation so that V8 compiles each on its own. Integer ones
   * null: the operator traps, and the interpreter checks its operands before
   * calling the value function.
   */
  readonly interp: {
    readonly i32: (<F>(l: Fn<F, number>, r: Fn<F, number>) => Fn<F, number>) | null;
    readonly i64: (<F>(l: Fn<F, bigint>, r: Fn<F, bigint>) => Fn<F, bigint>) | null;
    readonly f64: (<F>(l: Fn<F, number>, r: Fn<F, number>) => Fn<F, number>) | null;
  };
  /** f64 null with an f64 value function: a call of the `fmod` import (wasm has no f64 remainder). */
  readonly wasm: { readonly i32: PlainOp; readonly i64: PlainOp; readonly f64: PlainOp | null };
}

export interface ComparisonInfo {
  readonly operands: 'numeric' | 'equality';
  /** On numbers (i32, f64, bool, references) and on i64 bigints alike. */
  readonly test: <V extends number | bigint>(a: V, b: V) => boolean;
  /** The interpreter's closures on numbers and on i64 (a literal each, as for arithmetic). */
  readonly interp: {
    readonly num: <F>(l: Fn<F, number>, r: Fn<F, number>) => Fn<F, boolean>;
    readonly i64: <F>(l: Fn<F, bigint>, r: Fn<F, bigint>) => Fn<F, boolean>;
  };
  /** Integers compare signed. */
  readonly wasm: { readonly i32: PlainOp; readonly i64: PlainOp; readonly f64: PlainOp };
}

const I64 = 64n;

/** f64 `rem`: JavaScript's `%`, also what compiled code imports (wasm has none). */
export const f64Remainder = (a: number, b: number): number => a % b;

export const ARITHMETIC: { readonly [K in Arithmetic]: ArithmeticInfo } = {
  add: {
    operands: 'numeric', traps: 'none',
    i32: (a, b) => (a + b) | 0, i64: (a, b) => BigInt.asIntN(64, a + b), f64: (a, b) => a + b,
    interp: {
      i32: (l, r) => (f) => (l(f) + r(f)) | 0,
      i64: (l, r) => (f) => BigInt.asIntN(64, l(f) + r(f)),
      f64: (l, r) => (f) => l(f) + r(f),
    },
    wasm: { i32: 'i32.add', i64: 'i64.add', f64: 'f64.add' },
  },
  sub: {
    operands: 'numeric', traps: 'none',
    i32: (a, b) => (a - b) | 0, i64: (a, b) => BigInt.asIntN(64, a - b), f64: (a, b) => a - b,
    interp: {
      i32: (l, r) => (f) => (l(f) - r(f)) | 0,
      i64: (l, r) => (f) => BigInt.asIntN(64, l(f) - r(f)),
      f64: (l, r) => (f) => l(f) - r(f),
    },
    wasm: { i32: 'i32.sub', i64: 'i64.sub', f64: 'f64.sub' },
  },
  mul: {
    operands: 'numeric', traps: 'none',
    i32: (a, b) => Math.imul(a, b), i64: (a, b) => BigInt.asIntN(64, a * b), f64: (a, b) => a * b,
    interp: {
      i32: (l, r) => (f) => Math.imul(l(f), r(f)),
      i64: (l, r) => (f) => BigInt.asIntN(64, l(f) * r(f)),
      f64: (l, r) => (f) => l(f) * r(f),
    },
    wasm: { i32: 'i32.mul', i64: 'i64.mul', f64: 'f64.mul' },
  },
  div: {
    operands: 'numeric', traps: 'zeroAndOverflow',
    i32: (a, b) => (a / b) | 0, i64: (a, b) => a / b, f64: (a, b) => a / b,
    interp: {
      i32: null,
      i64: null,
      f64: (l, r) => (f) => l(f) / r(f),
    },
    wasm: { i32: 'i32.div_s', i64: 'i64.div_s', f64: 'f64.div' },
  },
  rem: {
    // MIN % -1 is 0 (-0 in JS, which `| 0` makes 0), as wasm's rem_s gives.
    operands: 'numeric', traps: 'zero',
    i32: (a, b) => (a % b) | 0, i64: (a, b) => a % b, f64: f64Remainder,
    interp: {
      i32: null,
      i64: null,
      f64: (l, r) => (f) => l(f) % r(f),
    },
    wasm: { i32: 'i32.rem_s', i64: 'i64.rem_s', f64: null },
  },
  // Bitwise results of two in-range values stay in range.
  and: {
    operands: 'int', traps: 'none',
    i32: (a, b) => a & b, i64: (a, b) => a & b, f64: null,
    interp: {
      i32: (l, r) => (f) => l(f) & r(f),
      i64: (l, r) => (f) => l(f) & r(f),
      f64: null,
    },
    wasm: { i32: 'i32.and', i64: 'i64.and', f64: null },
  },
  or: {
    operands: 'int', traps: 'none',
    i32: (a, b) => a | b, i64: (a, b) => a | b, f64: null,
    interp: {
      i32: (l, r) => (f) => l(f) | r(f),
      i64: (l, r) => (f) => l(f) | r(f),
      f64: null,
    },
    wasm: { i32: 'i32.or', i64: 'i64.or', f64: null },
  },
  xor: {
    operands: 'int', traps: 'none',
    i32: (a, b) => a ^ b, i64: (a, b) => a ^ b, f64: null,
    interp: {
      i32: (l, r) => (f) => l(f) ^ r(f),
      i64: (l, r) => (f) => l(f) ^ r(f),
      f64: null,
    },
    wasm: { i32: 'i32.xor', i64: 'i64.xor', f64: null },
  },
  // JS masks i32 shift counts to 5 bits, as the language asks; i64 counts are masked here.
  shl: {
    operands: 'int', traps: 'none',
    i32: (a, b) => a << b, i64: (a, b) => BigInt.asIntN(64, a << (b & (I64 - 1n))), f64: null,
    interp: {
      i32: (l, r) => (f) => l(f) << r(f),
      i64: (l, r) => (f) => BigInt.asIntN(64, l(f) << (r(f) & (I64 - 1n))),
      f64: null,
    },
    wasm: { i32: 'i32.shl', i64: 'i64.shl', f64: null },
  },
  shr: {
    operands: 'int', traps: 'none',
    i32: (a, b) => a >> b, i64: (a, b) => a >> (b & (I64 - 1n)), f64: null,
    interp: {
      i32: (l, r) => (f) => l(f) >> r(f),
      i64: (l, r) => (f) => l(f) >> (r(f) & (I64 - 1n)),
      f64: null,
    },
    wasm: { i32: 'i32.shr_s', i64: 'i64.shr_s', f64: null },
  },
  shru: {
    operands: 'int', traps: 'none',
    i32: (a, b) => (a >>> b) | 0, i64: (a, b) => BigInt.asIntN(64, BigInt.asUintN(64, a) >> (b & (I64 - 1n))), f64: null,
    interp: {
      i32: (l, r) => (f) => (l(f) >>> r(f)) | 0,
      i64: (l, r) => (f) => BigInt.asIntN(64, BigInt.asUintN(64, l(f)) >> (r(f) & (I64 - 1n))),
      f64: null,
    },
    wasm: { i32: 'i32.shr_u', i64: 'i64.shr_u', f64: null },
  },
};

export const COMPARISONS: { readonly [K in Comparison]: ComparisonInfo } = {
  eq: { operands: 'equality', test: (a, b) => a === b, interp: { num: (l, r) => (f) => l(f) === r(f), i64: (l, r) => (f) => l(f) === r(f) }, wasm: { i32: 'i32.eq', i64: 'i64.eq', f64: 'f64.eq' } },
  ne: { operands: 'equality', test: (a, b) => a !== b, interp: { num: (l, r) => (f) => l(f) !== r(f), i64: (l, r) => (f) => l(f) !== r(f) }, wasm: { i32: 'i32.ne', i64: 'i64.ne', f64: 'f64.ne' } },
  lt: { operands: 'numeric', test: (a, b) => a < b, interp: { num: (l, r) => (f) => l(f) < r(f), i64: (l, r) => (f) => l(f) < r(f) }, wasm: { i32: 'i32.lt_s', i64: 'i64.lt_s', f64: 'f64.lt' } },
  le: { operands: 'numeric', test: (a, b) => a <= b, interp: { num: (l, r) => (f) => l(f) <= r(f), i64: (l, r) => (f) => l(f) <= r(f) }, wasm: { i32: 'i32.le_s', i64: 'i64.le_s', f64: 'f64.le' } },
  gt: { operands: 'numeric', test: (a, b) => a > b, interp: { num: (l, r) => (f) => l(f) > r(f), i64: (l, r) => (f) => l(f) > r(f) }, wasm: { i32: 'i32.gt_s', i64: 'i64.gt_s', f64: 'f64.gt' } },
  ge: { operands: 'numeric', test: (a, b) => a >= b, interp: { num: (l, r) => (f) => l(f) >= r(f), i64: (l, r) => (f) => l(f) >= r(f) }, wasm: { i32: 'i32.ge_s', i64: 'i64.ge_s', f64: 'f64.ge' } },
};

/** Whether an operator whose operands are `operands` applies to type `t`. */
export function takes(operands: OperandKind | UnaryInfo['operands'], t: Type): boolean {
  switch (operands) {
    case 'numeric': return isNumericType(t);
    case 'int': return isIntType(t);
    case 'bool': return t === 'bool';
    case 'equality': return true;
  }
}

export function isComparison(k: BinaryOp): k is Comparison {
  return Object.hasOwn(COMPARISONS, k);
}

/** Which operand types `k` takes; comparisons give bool, the others their operand type. */
export function binaryOperands(k: BinaryOp): OperandKind {
  return isComparison(k) ? COMPARISONS[k].operands : ARITHMETIC[k].operands;
}

/** The trap of integer `a k b`, or null (the value functions assume none). */
export function intTrap(k: BinaryOp, a: bigint, b: bigint, bits: 32 | 64): IntTrap | null {
  const traps = isComparison(k) ? 'none' : ARITHMETIC[k].traps;
  if (traps === 'none') return null;
  if (b === 0n) return 'divisionByZero';
  return traps === 'zeroAndOverflow' && b === -1n && a === -(2n ** BigInt(bits - 1)) ? 'integerOverflow' : null;
}

/**
 * A unary operator's wasm: `op` on the operand, with a constant pushed
 * before it (`0 - x`) or after it (`x ^ -1`) when given.
 */
export interface UnaryWasm {
  readonly op: PlainOp;
  readonly before?: number;
  readonly after?: number;
}

export interface UnaryInfo {
  /** `not` takes and gives bool; the others their operand type. */
  readonly operands: 'numeric' | 'int' | 'bool';
  /** bool (0/1) is an i32 here. */
  readonly i32: (a: number) => number;
  readonly i64: ((a: bigint) => bigint) | null;
  readonly f64: ((a: number) => number) | null;
  readonly interp: {
    readonly i32: <F>(v: Fn<F, number>) => Fn<F, number>;
    readonly i64: (<F>(v: Fn<F, bigint>) => Fn<F, bigint>) | null;
    readonly f64: (<F>(v: Fn<F, number>) => Fn<F, number>) | null;
  };
  readonly wasm: { readonly i32: UnaryWasm; readonly i64: UnaryWasm | null; readonly f64: UnaryWasm | null };
}

export const UNARY: { readonly [K in UnaryOp]: UnaryInfo } = {
  neg: {
    operands: 'numeric',
    i32: (a) => -a | 0, i64: (a) => BigInt.asIntN(64, -a), f64: (a) => -a,
    interp: { i32: (v) => (f) => -v(f) | 0, i64: (v) => (f) => BigInt.asIntN(64, -v(f)), f64: (v) => (f) => -v(f) },
    wasm: { i32: { op: 'i32.sub', before: 0 }, i64: { op: 'i64.sub', before: 0 }, f64: { op: 'f64.neg' } },
  },
  bitnot: {
    operands: 'int',
    i32: (a) => ~a, i64: (a) => ~a, f64: null,
    interp: { i32: (v) => (f) => ~v(f), i64: (v) => (f) => ~v(f), f64: null },
    wasm: { i32: { op: 'i32.xor', after: -1 }, i64: { op: 'i64.xor', after: -1 }, f64: null },
  },
  not: {
    operands: 'bool',
    i32: (a) => (a === 0 ? 1 : 0), i64: null, f64: null,
    interp: { i32: (v) => (f) => (v(f) === 0 ? 1 : 0), i64: null, f64: null },
    wasm: { i32: { op: 'i32.eqz' }, i64: null, f64: null },
  },
};
