//! Reading IR without caring about every node kind: the operands, nested
//! statement lists, written locals, labels and program points of expressions
//! and statements, all read from the kind tables (`ops.ts`). Rewriting is
//! `rewrite.ts`.

import type { AtomicPlace, Expr, LabelId, LocalIndex, PointId, PrintArg, Stmt } from './ir.js';
import { EXPR_OPS, PLACE_KINDS, STMT_OPS, type NestingStmt, type SlotKind } from './ops.js';

type Node = Readonly<Record<string, unknown>>;
type Slots = readonly (readonly [string, SlotKind])[];

function forEachSlotExpr(node: Node, slots: Slots, f: (e: Expr) => void): void {
  for (const [field, kind] of slots) {
    const v = node[field];
    switch (kind) {
      case 'expr': f(v as Expr); break;
      case 'exprs': (v as readonly Expr[]).forEach((e) => f(e)); break;
      case 'optExpr': if (v !== null) f(v as Expr); break;
      case 'place': forEachPlaceOperand(v as AtomicPlace, f); break;
      case 'printArgs': for (const a of v as readonly PrintArg[]) if (a.kind === 'value') f(a.value); break;
    }
  }
}

function forEachPlaceOperand(p: AtomicPlace, f: (e: Expr) => void): void {
  forEachSlotExpr(p as unknown as Node, PLACE_KINDS[p.kind].operands, f);
}

/** Calls `f` on each direct operand of `e`, in evaluation order. */
export function forEachOperand(e: Expr, f: (e: Expr) => void): void {
  forEachSlotExpr(e as unknown as Node, EXPR_OPS[e.op].operands, f);
}

/** The direct operands of `e`, in evaluation order. */
export function exprOperands(e: Expr): Expr[] {
  const out: Expr[] = [];
  forEachOperand(e, (x) => out.push(x));
  return out;
}

/** The expressions a statement evaluates itself (not those of the statements it contains), in evaluation order. */
export function stmtOperands(s: Stmt): Expr[] {
  const out: Expr[] = [];
  forEachSlotExpr(s as unknown as Node, STMT_OPS[s.op].operands, (x) => out.push(x));
  return out;
}

/** The statement lists nested in `s`, in field order (an `if`'s `then`, then `else`). */
export function stmtChildren(s: Stmt): (readonly Stmt[])[] {
  return STMT_OPS[s.op].children.map((field) => (s as unknown as Node)[field] as readonly Stmt[]);
}

/** Whether `s` holds statement lists. */
export function isNesting(s: Stmt): s is NestingStmt {
  return STMT_OPS[s.op].children.length > 0;
}

function numberField(s: Stmt, field: string | null): number | null {
  return field === null ? null : ((s as unknown as Node)[field] as number);
}

/** The program point of `s`, or null when it is not one. */
export function stmtPoint(s: Stmt): PointId | null {
  return numberField(s, STMT_OPS[s.op].point);
}

/** The local `s` assigns, or null. */
export function writtenLocal(s: Stmt): LocalIndex | null {
  const l = numberField(s, STMT_OPS[s.op].writes);
  return l !== null && l >= 0 ? l : null;
}

/** The label a block or loop defines, or null. */
export function definedLabel(s: Stmt): LabelId | null {
  return numberField(s, STMT_OPS[s.op].defines);
}

/** Calls `f` on each statement of `stmts` and of the lists nested in them, outer statements first. */
export function forEachStmt(stmts: readonly Stmt[], f: (s: Stmt) => void): void {
  for (const s of stmts) {
    f(s);
    for (const list of stmtChildren(s)) forEachStmt(list, f);
  }
}

/** Whether some statement of `stmts`, or of the lists nested in them, satisfies `p`. */
export function someStmt(stmts: readonly Stmt[], p: (s: Stmt) => boolean): boolean {
  return stmts.some((s) => p(s) || stmtChildren(s).some((list) => someStmt(list, p)));
}
