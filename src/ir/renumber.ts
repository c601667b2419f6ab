//! Renumbering the locals and labels of IR, as inlining a function body into
//! another needs: the body's locals and labels become the caller's, beside
//! its own; and putting expressions in place of an expression's locals, as
//! inlining a one-expression body needs. Both are whole-tree rewrites built
//! on the generic maps of `rewrite.ts`.

import type { Expr, LabelId, LocalIndex, Stmt } from './ir.js';
import { definedLabel, forEachStmt } from './operands.js';
import { mapOperands, mapStmt } from './rewrite.js';

export interface Renumbering {
  readonly local: (l: LocalIndex) => LocalIndex;
  readonly label: (l: LabelId) => LabelId;
}

export function renumberStmts(stmts: readonly Stmt[], r: Renumbering): Stmt[] {
  const local = (x: LocalExpr): Expr => ({ ...x, local: r.local(x.local) });
  const renumber = (list: readonly Stmt[]): Stmt[] =>
    list.map((s) => mapStmt(s, { expr: (e) => substituteLocals(e, local), stmts: renumber, local: r.local, label: r.label }));
  return renumber(stmts);
}

type LocalExpr = Extract<Expr, { op: 'local' }>;

/** `x` with each of its locals replaced by what `local` makes of it. */
export function substituteLocals(x: Expr, local: (l: LocalExpr) => Expr): Expr {
  return x.op === 'local' ? local(x) : mapOperands(x, (y) => substituteLocals(y, local));
}

/** The largest label of a block or loop in `stmts` (-1 for none). */
export function maxLabel(stmts: readonly Stmt[]): number {
  let max = -1;
  forEachStmt(stmts, (s) => {
    const l = definedLabel(s);
    if (l !== null) max = Math.max(max, l);
  });
  return max;
}
