//! Class tests against closed hierarchies, for the optimizing tier: an `is`
//! or `as` against a class whose loaded classes (it and every class below it)
//! have ids in a few runs of consecutive ids is a compare per run of the
//! class id (otherwise the test walks up the object's ancestors), assuming
//! that no load adds a class below it (`dependencies.ts`, `subclasses`). A
//! class that nothing extends is one compare. Ids are given in load order,
//! so a hierarchy declared in one module is usually one run: DeltaBlue's
//! `as AbstractConstraint` is one range check where the ancestor walk was
//! three dependent loads after the object's.
//!
//! The function's own body and every body its call plans inline are
//! searched, since their tests are emitted in its code.

import type { Expr, IrFunction, Stmt } from '../ir/ir.js';
import { forEachOperand, forEachStmt, stmtOperands } from '../ir/operands.js';
import type { ClassId } from '../ir/types.js';
import type { Program } from '../core/program.js';
import type { CallPlans } from './call-plans.js';

/** Runs of consecutive ids a class test compares against before it walks ancestors instead. */
export const MAX_CLASS_ID_RUNS = 3;

/** A run of consecutive class ids, `first` to `last` inclusive. */
export interface ClassIdRun {
  readonly first: ClassId;
  readonly last: ClassId;
}

/** `ids` as runs of consecutive ids, in increasing order. */
export function classIdRuns(ids: readonly ClassId[]): ClassIdRun[] {
  const runs: { first: ClassId; last: ClassId }[] = [];
  for (const id of [...ids].sort((a, b) => a - b)) {
    const run = runs[runs.length - 1];
    if (run && id === run.last + 1) run.last = id;
    else runs.push({ first: id, last: id });
  }
  return runs;
}

/** Each class tested in `ir` and its inlined bodies whose loaded classes make at most MAX_CLASS_ID_RUNS runs, with those classes' ids. */
export function computeClassSets(ir: IrFunction, plans: CallPlans, program: Program): ReadonlyMap<ClassId, readonly ClassId[]> {
  const sets = new Map<ClassId, readonly ClassId[]>();
  const expr = (e: Expr): void => {
    if ((e.op === 'isInstance' || e.op === 'cast') && !sets.has(e.classId)) {
      const ids = program.subclassesOf(e.classId).map((k) => k.id);
      if (classIdRuns(ids).length <= MAX_CLASS_ID_RUNS) sets.set(e.classId, ids);
    }
    forEachOperand(e, expr);
  };
  const body = (stmts: readonly Stmt[], calls: CallPlans): void => {
    forEachStmt(stmts, (s) => stmtOperands(s).forEach(expr));
    for (const cases of calls.values()) {
      for (const c of cases) if (c.run.kind === 'inline') body(c.run.ir.body, c.run.calls);
    }
  };
  body(ir.body, plans);
  return sets;
}
