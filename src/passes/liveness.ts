//! Which locals a frame may still read after each program point: what a
//! deoptimization exit must hand over to the interpreter (`backend/deopt-exits.ts`).
//! A local that nothing reads afterwards need not be kept alive for the
//! exit, which frees V8 to reuse its register once its last use is past.
//!
//! Over-approximated without kills: the locals read in the rest of every
//! statement list that encloses the point, and anywhere in every loop that
//! encloses it (its next iteration), and the point's own loop when it is a
//! loop header. A local written before it is read again counts as live.

import type { Expr, IrFunction, LocalIndex, PointId, Stmt } from '../ir/ir.js';
import { forEachOperand, stmtChildren, stmtOperands, stmtPoint } from '../ir/operands.js';

/**
 * Per program point, the locals that the rest of the call may read: `after`
 * the point's statement (at a loop header, the loop too), and `before` it
 * (its own reads too: a call that has not run yet).
 */
export interface Liveness {
  readonly after: ReadonlyMap<PointId, ReadonlySet<LocalIndex>>;
  readonly before: ReadonlyMap<PointId, ReadonlySet<LocalIndex>>;
}

export function computeLiveness(ir: IrFunction): Liveness {
  const live = new Map<PointId, ReadonlySet<LocalIndex>>();
  const before = new Map<PointId, ReadonlySet<LocalIndex>>();
  const walk = (stmts: readonly Stmt[], outside: ReadonlySet<LocalIndex>): void => {
    // Backwards: the reads of the statements after each one, and what is live outside this list.
    const after: ReadonlySet<LocalIndex>[] = [];
    let acc = new Set(outside);
    for (let i = stmts.length - 1; i >= 0; i--) {
      after[i] = acc;
      acc = new Set([...acc, ...readsOf(stmts[i] as Stmt)]);
    }
    stmts.forEach((s, i) => {
      const rest = after[i] as ReadonlySet<LocalIndex>;
      const point = stmtPoint(s);
      const own = s.op === 'loop' ? new Set([...rest, ...readsOf(s)]) : rest;
      if (point !== null) {
        live.set(point, own);
        before.set(point, new Set([...own, ...readsOf(s)]));
      }
      for (const list of stmtChildren(s)) walk(list, own);
    });
  };
  walk(ir.body, new Set());
  return { after: live, before };
}

const reads = new WeakMap<Stmt, ReadonlySet<LocalIndex>>();

/** Every local that `s` or a statement nested in it reads. */
function readsOf(s: Stmt): ReadonlySet<LocalIndex> {
  let found = reads.get(s);
  if (!found) {
    const set = new Set<LocalIndex>();
    const expr = (e: Expr): void => {
      if (e.op === 'local') set.add(e.local);
      forEachOperand(e, expr);
    };
    stmtOperands(s).forEach(expr);
    for (const list of stmtChildren(s)) for (const child of list) for (const l of readsOf(child)) set.add(l);
    found = set;
    reads.set(s, found);
  }
  return found;
}
