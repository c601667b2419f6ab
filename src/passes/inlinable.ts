//! Small callees, which the baseline tier inlines at their call sites
//! (`call-plans.ts` decides, `backend/inline-call.ts` emits): a body without
//! loops, loads, barriers, sleeps or calls of host functions (which may load
//! modules: the call is kept as a program point after which the caller sees
//! the load), of at most MAX_NODES IR nodes, that does not call itself. It
//! may trap and call: the inlined code records the callee's frame for stack
//! traces. The optimizing tier also inlines bodies with loops (their polls
//! deoptimize the inlined frames as any other check does), and a function's
//! own body once into its calls of itself.

import type { Expr, IrFunction, Stmt } from '../ir/ir.js';
import { forEachOperand, stmtOperands } from '../ir/operands.js';
import { HOST_BUILTINS, WAITING_BUILTINS } from '../core/host.js';
import { makesCalls } from '../core/limits.js';

/**
 * Bodies larger than this are called: each call site gets its own copy. The
 * optimizing tier, whose inlined bodies need no checks, takes larger ones.
 */
const MAX_NODES = 48;
const MAX_NODES_SPECULATING = 120;

/**
 * `speculating`: for the optimizing tier, whose inlined bodies may be larger
 * and hold loops. `ownBody`: `ir` is to be inlined into a call of itself,
 * once (its calls of itself stay calls).
 */
export function isInlinable(ir: IrFunction, speculating = false, ownBody = false): boolean {
  let nodes = 0;
  let fits = true;
  // Calls in an inlined loop would be planned deeper, where less is inlined (Richards: main -> start -> schedule's loop, 1.5x slower).
  const loopsFit = speculating && (ownBody || !makesCalls(ir.body));
  const expr = (e: Expr): void => {
    nodes++;
    if (e.op === 'host' && (!HOST_BUILTINS.has(e.name) || WAITING_BUILTINS.has(e.name))) fits = false;
    forEachOperand(e, expr);
  };
  const stmt = (s: Stmt): void => {
    nodes++;
    if ((s.op === 'loop' && !loopsFit) || s.op === 'load' || s.op === 'barrier' || s.op === 'sleep') fits = false;
    if (s.op === 'call' && s.callee.kind === 'direct' && s.callee.fn === ir.id && !ownBody) fits = false;
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
