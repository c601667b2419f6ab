//! Integer literals as the type rules see them: a unary `-` applied to an
//! integer literal belongs to the literal (`-2147483648` is a valid i32).

import type { Expr } from './ast.js';

export type IntLiteral =
  | (Expr & { readonly kind: 'int' })
  | (Expr & { readonly kind: 'unary'; readonly op: '-'; readonly operand: Expr & { readonly kind: 'int' } });

export function isIntLiteral(e: Expr): e is IntLiteral {
  return e.kind === 'int' || (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'int');
}

export function intLiteralValue(e: IntLiteral): bigint {
  return e.kind === 'int' ? e.value : -(e.operand as Expr & { kind: 'int' }).value;
}

/** The type an integer literal has without context: i32, or i64 when it does not fit. */
export function defaultIntType(v: bigint): 'i32' | 'i64' {
  return v >= -(2n ** 31n) && v < 2n ** 31n ? 'i32' : 'i64';
}

export function fitsIn(v: bigint, t: 'i32' | 'i64'): boolean {
  const bits = t === 'i32' ? 32 : 64;
  return BigInt.asIntN(bits, v) === v;
}
