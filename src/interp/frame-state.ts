//! Where each program point of a function sits: the path of statement
//! indices from the function body down to the point's statement (a call, a
//! load or a loop). Computed once per IrFunction, on the first resume.

import type { IrFunction, PointId, Stmt } from '../ir/ir.js';
import { stmtChildren, stmtPoint } from '../ir/operands.js';

/**
 * One step down: the statement at `index` of the current list, and which of
 * its nested lists (`stmtChildren`) the path enters: for an `if`, `branch` 0
 * is `then`, 1 `else`.
 */
export interface Step {
  readonly index: number;
  readonly branch: number;
}

export type PointPath = readonly Step[];

const pathsByIr = new WeakMap<IrFunction, PointPath[]>();

/** The path to program point `point` of `ir`; throws for a point the function does not have. */
export function pointPath(ir: IrFunction, point: PointId): PointPath {
  let paths = pathsByIr.get(ir);
  if (!paths) {
    paths = computePaths(ir);
    pathsByIr.set(ir, paths);
  }
  const path = paths[point];
  if (!path) throw new Error(`${ir.name} has no program point ${point}`);
  return path;
}

/** The statement at program point `point` of `ir`. */
export function pointStmt(ir: IrFunction, point: PointId): Stmt {
  let list: readonly Stmt[] = ir.body;
  let s: Stmt | undefined;
  for (const step of pointPath(ir, point)) {
    s = list[step.index] as Stmt;
    list = stmtChildren(s)[step.branch] ?? [];
  }
  return s as Stmt;
}

function computePaths(ir: IrFunction): PointPath[] {
  const paths: PointPath[] = [];
  const walk = (stmts: readonly Stmt[], prefix: readonly Step[]): void => {
    stmts.forEach((s, index) => {
      const point = stmtPoint(s);
      if (point !== null) paths[point] = [...prefix, { index, branch: 0 }];
      stmtChildren(s).forEach((list, branch) => walk(list, [...prefix, { index, branch }]));
    });
  };
  walk(ir.body, []);
  return paths;
}
