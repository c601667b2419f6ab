//! Where each program point of a function sits: the path of statement
//! indices from the function body down to the point's statement (a call, a
//! load or a loop). Computed once per IrFunction, on the first resume.

import type { IrFunction, PointId, Stmt } from '../ir/ir.js';

/** One step down: the statement at `index` of the current list; for an `if`, `branch` 0 enters `then`, 1 `else`. */
export interface Step {
  readonly index: number;
  readonly branch: 0 | 1;
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
    if (s.op === 'if') list = step.branch === 0 ? s.then : s.else;
    else if (s.op === 'block' || s.op === 'loop') list = s.body;
  }
  return s as Stmt;
}

function computePaths(ir: IrFunction): PointPath[] {
  const paths: PointPath[] = [];
  const walk = (stmts: readonly Stmt[], prefix: readonly Step[]): void => {
    stmts.forEach((s, index) => {
      const here: Step[] = [...prefix, { index, branch: 0 }];
      switch (s.op) {
        case 'call':
        case 'load':
          paths[s.point] = here;
          break;
        case 'loop':
          paths[s.point] = here;
          walk(s.body, here);
          break;
        case 'block':
          walk(s.body, here);
          break;
        case 'if':
          walk(s.then, here);
          walk(s.else, [...prefix, { index, branch: 1 }]);
          break;
        default:
          break;
      }
    });
  };
  walk(ir.body, []);
  return paths;
}
