//! Control-flow facts about statement lists that the checker needs: whether
//! every path returns, and whether a loop body breaks out. `else if` chains
//! are walked with a loop (`chains.ts`).

import type { Stmt } from './ast.js';
import { ifChain } from './chains.js';

/** Whether control can never fall off the end of `stmts` (every path returns). */
export function terminates(stmts: readonly Stmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case 'return': return true;
      case 'block': return terminates(s.stmts);
      case 'if': {
        const { arms, last } = ifChain(s);
        return last !== null && terminates(last.stmts) && arms.every((a) => terminates(a.then.stmts));
      }
      case 'while': return s.cond.kind === 'bool' && s.cond.value && !breaks(s.body.stmts);
      default: return false;
    }
  });
}

/** Whether a `break` in `stmts` leaves the loop whose body they are (not an inner loop's). */
export function breaks(stmts: readonly Stmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case 'break': return true;
      case 'block': return breaks(s.stmts);
      case 'if': {
        const { arms, last } = ifChain(s);
        return (last !== null && breaks(last.stmts)) || arms.some((a) => breaks(a.then.stmts));
      }
      default: return false;
    }
  });
}
