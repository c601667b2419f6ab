//! The source position of each program point of a function, for what
//! reports a point to a user (trace events, `rejit dump --opt`): a call's or
//! a load's own position; a loop header, which has none, is at its function.

import { ENTRY_POINT, type IrFunction, type PointId } from './ir.js';
import type { Pos } from './pos.js';
import { forEachStmt, stmtPoint } from './operands.js';

/** Where program point `point` of `ir` is in its source: `file:line:col`. */
export function pointPosition(ir: IrFunction, point: PointId): string {
  let pos: Pos = ir.pos;
  if (point !== ENTRY_POINT) {
    forEachStmt(ir.body, (s) => {
      if (stmtPoint(s) === point && 'pos' in s) pos = s.pos;
    });
  }
  return `${ir.fileName}:${pos.line}:${pos.col}`;
}
