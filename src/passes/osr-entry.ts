//! On-stack replacement entries: a function that continues a call of `ir`
//! from the header of one of its loops, given every local of the frame as a
//! parameter. A tier that cannot jump into the middle of structured code (wasm)
//! compiles this instead: the loop itself, then what follows it in each
//! enclosing statement, innermost first, up to the end of the body:
//!
//! - after a statement in an `if` branch, the statements after the `if`;
//! - in a block: the rest inside the block (a `break` of it still leaves it),
//!   then the statements after it;
//! - in an enclosing loop: the rest of that iteration, in a block that its
//!   `continue`s leave (to start the next iteration) inside a block that its
//!   `break`s leave, then the whole loop again for the next iterations.
//!
//! Positions, points and calls are those of `ir`, so the entry's frames and
//! traps read as the function's own.

import type { IrFunction, LabelId, PointId, Stmt } from '../ir/ir.js';
import { isNesting } from '../ir/operands.js';
import { unreachable } from '../ir/ops.js';
import { maxLabel } from '../ir/renumber.js';
import { mapStmt } from '../ir/rewrite.js';

export function buildOsrEntry(ir: IrFunction, point: PointId): IrFunction | null {
  let nextLabel = maxLabel(ir.body) + 1;
  const continueFrom = (stmts: readonly Stmt[]): Stmt[] | null => {
    for (let k = 0; k < stmts.length; k++) {
      const s = stmts[k] as Stmt;
      const after = stmts.slice(k + 1);
      if (s.op === 'loop' && s.point === point) return [s, ...after];
      if (!isNesting(s)) continue;
      switch (s.op) {
        case 'if': {
          const inner = continueFrom(s.then) ?? continueFrom(s.else);
          if (inner) return [...inner, ...after];
          break;
        }
        case 'block': {
          const inner = continueFrom(s.body);
          if (inner) return [{ ...s, body: inner }, ...after];
          break;
        }
        case 'loop': {
          const inner = continueFrom(s.body);
          if (!inner) break;
          const leave = nextLabel++;
          const next = nextLabel++;
          const rest = retarget(inner, s.label, leave, next);
          const iteration: Stmt = { op: 'block', label: leave, body: [{ op: 'block', label: next, body: rest }, s] };
          return [iteration, ...after];
        }
        default:
          return unreachable(s);
      }
    }
    return null;
  };
  const body = continueFrom(ir.body);
  if (!body) return null;
  return { ...ir, paramCount: ir.locals.length, body };
}

/** `stmts` with `break loop` made `break leave` and `continue loop` made `break next`. */
function retarget(stmts: readonly Stmt[], loop: LabelId, leave: LabelId, next: LabelId): Stmt[] {
  return stmts.map((s): Stmt => {
    if (s.op === 'break' && s.label === loop) return { op: 'break', label: leave };
    if (s.op === 'continue' && s.label === loop) return { op: 'break', label: next };
    return mapStmt(s, { stmts: (list) => retarget(list, loop, leave, next) });
  });
}
