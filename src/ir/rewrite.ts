//! Rewriting IR without caring about every node kind: a node copied with its
//! operands, nested statement lists, locals and labels mapped, the fields
//! read from the kind tables (`ops.ts`). Reading is `operands.ts`.
//!
//! The maps are shallow: a caller that rewrites a whole tree maps the
//! operands and lists recursively itself (`renumber.ts`).

import type { AtomicPlace, Expr, LabelId, LocalIndex, PrintArg, Stmt } from './ir.js';
import { EXPR_OPS, PLACE_KINDS, STMT_OPS, type SlotKind } from './ops.js';

type Node = Record<string, unknown>;
type Slots = readonly (readonly [string, SlotKind])[];

function mapSlots(node: Node, slots: Slots, f: (e: Expr) => Expr): void {
  for (const [field, kind] of slots) {
    const v = node[field];
    switch (kind) {
      case 'expr': node[field] = f(v as Expr); break;
      case 'exprs': node[field] = (v as readonly Expr[]).map((e) => f(e)); break;
      case 'optExpr': node[field] = v === null ? null : f(v as Expr); break;
      case 'place': node[field] = mapPlace(v as AtomicPlace, f); break;
      case 'printArgs': node[field] = (v as readonly PrintArg[]).map((a) => (a.kind === 'value' ? { ...a, value: f(a.value) } : a)); break;
    }
  }
}

function mapPlace(p: AtomicPlace, f: (e: Expr) => Expr): AtomicPlace {
  const out: Node = { ...p };
  mapSlots(out, PLACE_KINDS[p.kind].operands, f);
  return out as unknown as AtomicPlace;
}

/** `e` with each direct operand replaced by `f` of it (operands are visited in evaluation order). */
export function mapOperands<E extends Expr>(e: E, f: (e: Expr) => Expr): E {
  const out: Node = { ...e };
  mapSlots(out, EXPR_OPS[e.op].operands, f);
  return out as unknown as E;
}

/** What `mapStmt` does to each part of a statement; a part without a map is kept. */
export interface StmtMap {
  readonly expr?: (e: Expr) => Expr;
  readonly stmts?: (list: readonly Stmt[]) => Stmt[];
  /** Locals the statement assigns (not those its expressions read: `expr` maps those). */
  readonly local?: (l: LocalIndex) => LocalIndex;
  /** Labels it defines or targets. */
  readonly label?: (l: LabelId) => LabelId;
}

/** `s` with its operands, nested statement lists, assigned local and label mapped by `m`. */
export function mapStmt<S extends Stmt>(s: S, m: StmtMap): S {
  const info = STMT_OPS[s.op];
  const out: Node = { ...s };
  if (m.expr) mapSlots(out, info.operands, m.expr);
  if (m.stmts) for (const field of info.children) out[field] = m.stmts(out[field] as readonly Stmt[]);
  const local = m.local;
  if (local && info.writes !== null) {
    const l = out[info.writes] as LocalIndex;
    // A negative local is none (a call whose result is unused).
    if (l >= 0) out[info.writes] = local(l);
  }
  const label = m.label;
  if (label) {
    for (const field of [info.defines, info.targets]) if (field !== null) out[field] = label(out[field] as LabelId);
  }
  return out as unknown as S;
}
