//! Small callees, which the baseline tier inlines at their call sites
//! (`call-plans.ts` decides, `backend/inline-call.ts` emits): a body without
//! loops, loads, barriers, sleeps or calls of host functions (which may load
//! modules: the call is kept as a program point after which the caller sees
//! the load), of at most MAX_NODES IR nodes, that does not call itself. It
//! may trap and call: the inlined code records the callee's frame for stack
//! traces.

import type { Expr, IrFunction, Stmt } from '../ir/ir.js';
import { forEachOperand, stmtOperands } from '../ir/operands.js';
import { HOST_BUILTINS, WAITING_BUILTINS } from '../core/host.js';

/**
 * Bodies larger than this are called: each call site gets its own copy. The
 * optimizing tier, whose inlined bodies need no checks, takes larger ones.
 */
const MAX_NODES = 48;
const MAX_NODES_SPECULATING = 120;

export function isInlinable(ir: IrFunction, speculating = false): boolean {
  let nodes = 0;
  let fits = true;
  const expr = (e: Expr): void => {
    nodes++;
    if (e.op === 'host' && (!HOST_BUILTINS.has(e.name) || WAITING_BUILTINS.has(e.name))) fits = false;
    forEachOperand(e, expr);
  };
  const stmt = (s: Stmt): void => {
    nodes++;
    if (s.op === 'loop' || s.op === 'load' || s.op === 'barrier' || s.op === 'sleep') fits = false;
    if (s.op === 'call' && s.callee.kind === 'direct' && s.callee.fn === ir.id) fits = false;
    stmtOperands(s).forEach(expr);
    if (s.op === 'if') {
      s.then.forEach(stmt);
      s.else.forEach(stmt);
    } else if (s.op === 'block') {
      s.body.forEach(stmt);
    }
  };
  ir.body.forEach(stmt);
  return fits && nodes <= (speculating ? MAX_NODES_SPECULATING : MAX_NODES);
}
