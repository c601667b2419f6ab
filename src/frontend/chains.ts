//! Long chains in the syntax tree, walked with a loop rather than one
//! recursion per link, so that a chain of any length (generated code has
//! long ones) needs no deeper stack than its parts do:
//!
//! - the left spine of a binary expression: `a + b + c + d` parses as
//!   `((a + b) + c) + d`, a tree as deep as the chain is long;
//! - an `else if` chain: `if a {..} else if b {..} else {..}` is an `if`
//!   whose `else` block holds only the next `if`.

import type { Block, Expr, Stmt } from './ast.js';

export type BinaryExpr = Expr & { readonly kind: 'binary' };
export type IfStmt = Stmt & { readonly kind: 'if' };

/** The binary nodes from `e` down its left operands, innermost first (so the last is `e`). */
export function leftSpine(e: BinaryExpr): BinaryExpr[] {
  const spine: BinaryExpr[] = [];
  for (let n: Expr = e; n.kind === 'binary'; n = n.left) spine.push(n);
  return spine.reverse();
}

/** The arms of an `else if` chain from `s`, and the final `else` block (null without one). */
export function ifChain(s: IfStmt): { readonly arms: IfStmt[]; readonly last: Block | null } {
  const arms: IfStmt[] = [s];
  for (;;) {
    const tail = (arms[arms.length - 1] as IfStmt).else;
    const only = tail?.stmts.length === 1 ? (tail.stmts[0] as Stmt) : null;
    if (only?.kind !== 'if') return { arms, last: tail };
    arms.push(only);
  }
}
