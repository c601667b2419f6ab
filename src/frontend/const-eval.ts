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
import { defaultIntType, fitsIn, intLiteralValue, isIntLiteral } from './literal.js';
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

const wrap = (t: 'i32' | 'i64', v: bigint): bigint => (t === 'i32' ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v));

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
      if (e.op === '!') {
        if (x.type !== 'bool') throw new ConstError(e.pos, `'!' needs bool, found ${typeToString(x.type)}`);
        return { type: 'bool', value: !x.value };
      }
      if (e.op === '-' && x.type === 'f64') return { type: 'f64', value: -(x.value as number) };
      if (isIntType(x.type)) {
        const v = x.value as bigint;
        return { type: x.type, value: wrap(x.type, e.op === '-' ? -v : ~v) };
      }
      throw new ConstError(e.pos, `'${e.op}' cannot apply to ${typeToString(x.type)}`);
    }
    case 'binary': return evalBinary(e, expected, lookup);
    default:
      throw new ConstError(e.pos, 'initializer must be a constant expression');
  }
}

const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=', '&&', '||']);

/** A chain of binary operators, along its left spine with a loop (`chains.ts`). */
function evalBinary(e: BinaryExpr, expected: Type | null, lookup: ConstLookup): Raw {
  const spine = leftSpine(e);
  const bottom = spine[0] as BinaryExpr;
  let ctx = expected;
  for (let i = spine.length - 1; i > 0; i--) if (COMPARISONS.has((spine[i] as BinaryExpr).op)) ctx = null;
  let acc = evalNode(bottom, ctx, null, lookup);
  for (const node of spine.slice(1)) acc = evalNode(node, null, acc, lookup);
  return acc;
}

/** One operator; `left` is the value of its left operand when already evaluated. */
function evalNode(e: BinaryExpr, expected: Type | null, left: Raw | null, lookup: ConstLookup): Raw {
  const ctx = COMPARISONS.has(e.op) ? null : expected;
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
  if (e.op === '==' || e.op === '!=') {
    const eq = l.value === r.value;
    return { type: 'bool', value: e.op === '==' ? eq : !eq };
  }
  if (isIntType(t)) return evalIntBinary(e, t, l.value as bigint, r.value as bigint);
  if (t === 'f64') {
    const a = l.value as number;
    const b = r.value as number;
    switch (e.op) {
      case '+': return { type: t, value: a + b };
      case '-': return { type: t, value: a - b };
      case '*': return { type: t, value: a * b };
      case '/': return { type: t, value: a / b };
      case '%': return { type: t, value: a % b };
      case '<': return { type: 'bool', value: a < b };
      case '<=': return { type: 'bool', value: a <= b };
      case '>': return { type: 'bool', value: a > b };
      case '>=': return { type: 'bool', value: a >= b };
      default: break;
    }
  }
  throw new ConstError(e.pos, `'${e.op}' cannot apply to ${typeToString(t)}`);
}

function evalIntBinary(e: BinaryExpr, t: 'i32' | 'i64', a: bigint, b: bigint): Raw {
  const bits = t === 'i32' ? 32n : 64n;
  const v = (x: bigint): Raw => ({ type: t, value: wrap(t, x) });
  switch (e.op) {
    case '+': return v(a + b);
    case '-': return v(a - b);
    case '*': return v(a * b);
    case '/':
    case '%':
      if (b === 0n) throw new ConstError(e.pos, 'division by zero in constant expression');
      if (e.op === '/' && b === -1n && a === -(2n ** (bits - 1n))) throw new ConstError(e.pos, 'integer overflow in constant expression');
      return v(e.op === '/' ? a / b : a % b);
    case '&': return v(a & b);
    case '|': return v(a | b);
    case '^': return v(a ^ b);
    case '<<': return v(a << (b & (bits - 1n)));
    case '>>': return v(a >> (b & (bits - 1n)));
    case '>>>': return v(BigInt.asUintN(Number(bits), a) >> (b & (bits - 1n)));
    case '<': return { type: 'bool', value: a < b };
    case '<=': return { type: 'bool', value: a <= b };
    case '>': return { type: 'bool', value: a > b };
    case '>=': return { type: 'bool', value: a >= b };
    default: throw new ConstError(e.pos, `'${e.op}' cannot apply to ${t}`);
  }
}
