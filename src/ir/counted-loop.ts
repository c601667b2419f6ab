//! Counted loops: the shape the checker lowers `for i in a..b` to
//! (`frontend/check-function.ts`), recognized in any IR so that a tier can
//! rely on it:
//!
//! ```
//! loop L
//!   if (ge i end) { break L }     ; the exit test
//!   ...body...                    ; writes neither i nor end; no `continue L`
//!   i = (add i 1)                 ; the step
//! end
//! ```
//!
//! So every iteration starts with `i < end` and steps `i` by exactly one,
//! and the loop runs `end - i` more iterations from any header unless the
//! body leaves it. (`continue` in a `for` body is a break out of a block
//! around the body, which still reaches the step.)

import type { Expr, LabelId, LocalIndex, Stmt } from './ir.js';

export interface CountedLoop {
  readonly type: 'i32' | 'i64';
  readonly variable: LocalIndex;
  readonly end: LocalIndex;
  /** The statements between the exit test and the step. */
  readonly body: readonly Stmt[];
  /** The step (`i = i + 1`). */
  readonly step: Stmt;
}

type LoopStmt = Extract<Stmt, { op: 'loop' }>;

export function countedLoop(loop: LoopStmt): CountedLoop | null {
  const stmts = loop.body;
  const exit = stmts[0];
  const step = stmts[stmts.length - 1];
  if (stmts.length < 2 || exit?.op !== 'if' || step?.op !== 'setLocal') return null;
  const [leave] = exit.then;
  if (exit.then.length !== 1 || exit.else.length !== 0 || leave?.op !== 'break' || leave.label !== loop.label) return null;
  const test = exit.cond;
  if (test.op !== 'binary' || test.kind !== 'ge' || (test.operandType !== 'i32' && test.operandType !== 'i64')) return null;
  const type = test.operandType;
  const variable = localOf(test.left);
  const end = localOf(test.right);
  if (variable === null || end === null || variable === end || step.local !== variable) return null;
  const next = step.value;
  if (next.op !== 'binary' || next.kind !== 'add' || next.operandType !== type || localOf(next.left) !== variable) return null;
  if (next.right.op !== 'const' || Number(next.right.value) !== 1) return null;
  const body = stmts.slice(1, -1);
  if (!keeps(body, [variable, end], loop.label)) return null;
  return { type, variable, end, body, step };
}

function localOf(e: Expr): LocalIndex | null {
  return e.op === 'local' ? e.local : null;
}

/** Whether `stmts` leave `locals` alone and never `continue label`. */
function keeps(stmts: readonly Stmt[], locals: readonly LocalIndex[], label: LabelId): boolean {
  return stmts.every((s) => {
    switch (s.op) {
      case 'setLocal': return !locals.includes(s.local);
      case 'call': return !locals.includes(s.result);
      case 'continue': return s.label !== label;
      case 'if': return keeps(s.then, locals, label) && keeps(s.else, locals, label);
      case 'block':
      case 'loop': return keeps(s.body, locals, label);
      default: return true;
    }
  });
}
