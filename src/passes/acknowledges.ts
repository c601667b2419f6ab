//! Whether a function's body can acknowledge a handshake, or apply other
//! threads' loads, while it runs: the points after which optimized code
//! must check its validity (`backend/deopt-exits.ts`). A thread acknowledges
//! only at a safepoint (polls: at entry of a function that calls or loops,
//! and in loops), in its own `load`, and while it waits outside program code
//! (`barrier`, `sleep`, `read_byte`); the first store of a global, plain or
//! atomic, may apply loads too (`core/global-states.ts`), and a host
//! function, or the embedder's `print` that printing calls, may do anything.
//! A body with none of these, and no call (which may reach any of them),
//! runs from entry to return without acknowledging anything: a call of it
//! needs no check after it (`call-plans.ts`).
//!
//! Allocation, `delete`, atomics on fields and elements and traps do not
//! acknowledge: they run in the runtime module, or take a block from the
//! heap, without waiting.

import type { Expr, IrFunction, Stmt } from '../ir/ir.js';
import { exprOperands, someStmt, stmtOperands } from '../ir/operands.js';
import { storedGlobal } from './stable-globals.js';

const ACKNOWLEDGING: ReadonlySet<Stmt['op']> = new Set(['call', 'loop', 'load', 'barrier', 'sleep', 'print', 'printFixed']);

export function mayAcknowledge(ir: IrFunction): boolean {
  const acknowledging = (e: Expr): boolean => e.op === 'host' || storedGlobal(e) !== null || exprOperands(e).some(acknowledging);
  return someStmt(ir.body, (s) => ACKNOWLEDGING.has(s.op) || storedGlobal(s) !== null || stmtOperands(s).some(acknowledging));
}
