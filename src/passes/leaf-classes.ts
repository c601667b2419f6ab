//! Class tests against leaf classes, for the optimizing tier: an `is` or
//! `as` against a class that no loaded class extends is one compare of the
//! class id (a subclass would need the walk up its ancestors), assuming that
//! no load adds a subclass (`dependencies.ts`, `leafClass`). The function's
//! own body and every body its call plans inline are searched, since their
//! tests are emitted in its code.

import type { Expr, IrFunction, Stmt } from '../ir/ir.js';
import { forEachOperand, forEachStmt, stmtOperands } from '../ir/operands.js';
import type { ClassId } from '../ir/types.js';
import type { Program } from '../core/program.js';
import type { CallPlans } from './call-plans.js';

/** The classes tested in `ir` and its inlined bodies that have no subclass now. */
export function computeLeafClasses(ir: IrFunction, plans: CallPlans, program: Program): ReadonlySet<ClassId> {
  const leaves = new Set<ClassId>();
  const expr = (e: Expr): void => {
    if ((e.op === 'isInstance' || e.op === 'cast') && program.subclassesOf(e.classId).length === 1) leaves.add(e.classId);
    forEachOperand(e, expr);
  };
  const body = (stmts: readonly Stmt[], calls: CallPlans): void => {
    forEachStmt(stmts, (s) => stmtOperands(s).forEach(expr));
    for (const cases of calls.values()) {
      for (const c of cases) if (c.run.kind === 'inline') body(c.run.ir.body, c.run.calls);
    }
  };
  body(ir.body, plans);
  return leaves;
}
