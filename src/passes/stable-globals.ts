//! Stable globals, for the optimizing tier: the globals that a code version
//! reads and the ones it stores, over its own body and every body its call
//! plans inline or compute in place (their reads and stores are emitted in
//! its code). A global the version reads and no store has touched
//! (`core/global-states.ts`) is folded to its initializer, assuming that it
//! stays unstored (`dependencies.ts`, `stableGlobal`); a version that stores
//! a global whose first store may still be to come assumes nothing
//! (`backend/pipeline.ts`).
//!
//! Atomic reads are never folded: they are synchronization. An atomic
//! read-modify-write is a store.

import type { Expr, IrFunction, Stmt } from '../ir/ir.js';
import type { GlobalId } from '../ir/ids.js';
import { forEachOperand, forEachStmt, stmtOperands } from '../ir/operands.js';
import type { CallPlans } from './call-plans.js';

export interface GlobalUses {
  /** Globals read with a plain read. */
  readonly read: ReadonlySet<GlobalId>;
  /** Globals stored, plainly or atomically. */
  readonly stored: ReadonlySet<GlobalId>;
}

/** The global that `node` itself stores, plainly or atomically; null for none. */
export function storedGlobal(node: Expr | Stmt): GlobalId | null {
  switch (node.op) {
    case 'setGlobal': return node.global;
    case 'atomicStore':
    case 'atomicAdd':
    case 'atomicCas': return node.place.kind === 'global' ? node.place.global : null;
    default: return null;
  }
}

export function computeGlobalUses(ir: IrFunction, plans: CallPlans): GlobalUses {
  const read = new Set<GlobalId>();
  const stored = new Set<GlobalId>();
  const store = (node: Expr | Stmt): void => {
    const g = storedGlobal(node);
    if (g !== null) stored.add(g);
  };
  const expr = (e: Expr): void => {
    if (e.op === 'global') read.add(e.global);
    store(e);
    forEachOperand(e, expr);
  };
  const stmt = (s: Stmt): void => {
    store(s);
    stmtOperands(s).forEach(expr);
  };
  const body = (stmts: readonly Stmt[], calls: CallPlans): void => {
    forEachStmt(stmts, stmt);
    for (const cases of calls.values()) {
      for (const c of cases) {
        if (c.run.kind === 'inline') body(c.run.ir.body, c.run.calls);
        if (c.run.kind === 'leaf' && c.run.leaf.result) expr(c.run.leaf.result);
        if (c.run.kind === 'leaf' && c.run.leaf.store) expr(c.run.leaf.store.value);
      }
    }
  };
  body(ir.body, plans);
  return { read, stored };
}
