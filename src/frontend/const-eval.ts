//! Evaluation of constant expressions: the initializers of `const` and
//! `global` items (literals, `null`, names of consts, and arithmetic on them).
//!
//! Values follow the language's exact semantics (i32 and i64 wrap, signed
//! division truncates); an operation that would trap at run time is a
//! compile error here. Integer literals take the type the context expects,
//! as everywhere else.

import type { Expr, Pos } from './ast.js';
import type { ConstValue } from '../ir/ir.js';
import { isIntType, sameType, typeToString, type Type } from '../ir/types.js';
import { ARITHMETIC, COMPARISONS, UNARY, binaryOperands, intTrap, isComparison, takes } from '../ir/operators.js';
import { defaultIntType, fitsIn, intLiteralValue, isIntLiteral } from './literal.js';
import { BINARY_OPS, UNARY_OPS } from './operator-names.js';
import { leftSpine, type BinaryExpr } from './chains.js';

export interface ConstResult {
  readonly type: Type;
  readonly value: ConstValue;
}

export class ConstError extends Error {
  /** `reported`: the cause was reported already, at the failed const's own initializer. */
  constructor(readonly pos: Pos, message: string, readonly reported = false) {
    super(message);
  }
}

/** Looks up a const by name; undefined when the name is not a const. */
export type ConstLookup = (name: string, pos: Pos) => ConstResult | undefined;

function toIr(t: Type, v: bigint | number | boolean | null): ConstValue {
  if (t === 'i32' && typeof v === 'bigint') return Number(v);
  return v;
}

/** Evaluates `e`; `expected` is the type the context expects (literal typing). */
export function evalConst(e: Expr, expected: Type | null, lookup: ConstLookup): ConstResult {
  const r = evalRaw(e, expected, lookup);
  return { type: r.type, value: toIr(r.type, r.value) };
}

interface Raw {
  readonly type: Type;
  /** Integers as bigint, f64 as number, bool as boolean, null. */
  readonly value: bigint | number | boolean | null;
}

function evalRaw(e: Expr, expected: Type | null, lookup: ConstLookup): Raw {
  if (isIntLiteral(e)) {
    const v = intLiteralValue(e);
    const t = expected !== null && isIntType(expected) ? expected : defaultIntType(v);
    if (!fitsIn(v, t)) throw new ConstError(e.pos, `integer literal ${v} does not fit in ${t}`);
    return { type: t, value: v };
  }
  switch (e.kind) {
    case 'float': return { type: 'f64', value: e.value };
    case 'bool': return { type: 'bool', value: e.value };
    case 'null': return { type: 'null', value: null };
    case 'name': {
      const c = lookup(e.name, e.pos);
      if (!c) throw new ConstError(e.pos, `'${e.name}' is not a constant`);
      const value = typeof c.value === 'number' && c.type !== 'f64' ? BigInt(c.value) : c.value;
      return { type: c.type, value };
    }
    case 'unary': {
      const x = evalRaw(e.operand, expected, lookup);
      const kind = UNARY_OPS[e.op];
      if (kind === 'not' && x.type !== 'bool') throw new ConstError(e.pos, `'!' needs bool, found ${typeToString(x.type)}`);
      const info = UNARY[kind];
      if (!takes(info.operands, x.type)) throw new ConstError(e.pos, `'${e.op}' cannot apply to ${typeToString(x.type)}`);
      const v = toVal(x);
      if (x.type === 'f64' && info.f64) return { type: 'f64', value: info.f64(v as number) };
      if (x.type === 'i64' && info.i64) return { type: 'i64', value: info.i64(v as bigint) };
      const r = info.i32(v as number);
      return { type: x.type, value: x.type === 'bool' ? r !== 0 : BigInt(r) };
    }
    case 'binary': return evalBinary(e, expected, lookup);
    default:
      throw new ConstError(e.pos, 'initializer must be a constant expression');
  }
}

/** Whether operator `op` gives its operands no type context: comparisons and logical operators (the result is a bool). */
function dropsContext(op: BinaryExpr['op']): boolean {
  return op === '&&' || op === '||' || isComparison(BINARY_OPS[op]);
}

/** A chain of binary operators, along its left spine with a loop (`chains.ts`). */
function evalBinary(e: BinaryExpr, expected: Type | null, lookup: ConstLookup): Raw {
  const spine = leftSpine(e);
  const bottom = spine[0] as BinaryExpr;
  let ctx = expected;
  for (let i = spine.length - 1; i > 0; i--) if (dropsContext((spine[i] as BinaryExpr).op)) ctx = null;
  let acc = evalNode(bottom, ctx, null, lookup);
  for (const node of spine.slice(1)) acc = evalNode(node, null, acc, lookup);
  return acc;
}

/** One operator; `left` is the value of its left operand when already evaluated. */
function evalNode(e: BinaryExpr, expected: Type | null, left: Raw | null, lookup: ConstLookup): Raw {
  const ctx = dropsContext(e.op) ? null : expected;
  // A literal operand takes the type of the other operand.
  let l: Raw;
  let r: Raw;
  if (left === null && isIntLiteral(e.left) && !isIntLiteral(e.right)) {
    r = evalRaw(e.right, ctx, lookup);
    l = evalRaw(e.left, r.type, lookup);
  } else {
    l = left ?? evalRaw(e.left, ctx, lookup);
    r = evalRaw(e.right, l.type, lookup);
  }
  if (!sameType(l.type, r.type)) {
    throw new ConstError(e.pos, `operands of '${e.op}' have different types: ${typeToString(l.type)} and ${typeToString(r.type)}`);
  }
  const t = l.type;
  if (e.op === '&&' || e.op === '||') {
    if (t !== 'bool') throw new ConstError(e.pos, `'${e.op}' needs bool operands`);
    return { type: 'bool', value: e.op === '&&' ? (l.value as boolean) && (r.value as boolean) : (l.value as boolean) || (r.value as boolean) };
  }
  const kind = BINARY_OPS[e.op];
  const cannot = (): ConstError => new ConstError(e.pos, `'${e.op}' cannot apply to ${typeToString(t)}`);
  if (!takes(binaryOperands(kind), t)) throw cannot();
  if (isComparison(kind)) return { type: 'bool', value: COMPARISONS[kind].test(toVal(l), toVal(r)) };
  const info = ARITHMETIC[kind];
  if (t === 'f64') {
    if (!info.f64) throw cannot();
    return { type: t, value: info.f64(l.value as number, r.value as number) };
  }
  if (!isIntType(t)) throw cannot();
  const a = l.value as bigint;
  const b = r.value as bigint;
  const trap = intTrap(kind, a, b, t === 'i32' ? 32 : 64);
  if (trap === 'divisionByZero') throw new ConstError(e.pos, 'division by zero in constant expression');
  if (trap === 'integerOverflow') throw new ConstError(e.pos, 'integer overflow in constant expression');
  return { type: t, value: t === 'i32' ? BigInt(info.i32(Number(a), Number(b))) : info.i64(a, b) };
}

/** A raw value as the operator table takes it: i32, f64, bool and null as numbers, i64 as a bigint. */
function toVal(x: Raw): number | bigint {
  if (x.type === 'i64') return x.value as bigint;
  if (typeof x.value === 'boolean') return x.value ? 1 : 0;
  return x.value === null ? 0 : Number(x.value);
}
