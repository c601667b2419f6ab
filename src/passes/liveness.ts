//! Which locals a frame may still read after each program point: what a
//! deoptimization exit must hand over to the interpreter (`backend/deopt-exits.ts`).
//! A local that nothing reads afterwards need not be kept alive for the
//! exit, which frees V8 to reuse its register once its last use is past.
//!
//! Backward dataflow over the structured IR: a local is live where some path
//! reads it before writing it. A `break` continues after its block or loop,
//! a `continue` (or the end of a loop's body) at its loop's header, whose
//! live set is iterated to a fixed point; `return` reads only its value.
//! A local written in a loop before every read of it there (a temporary of
//! the body) is thus dead at the loop's header.

import type { Expr, IrFunction, LabelId, LocalIndex, PointId, Stmt } from '../ir/ir.js';
import { forEachOperand, stmtOperands, stmtPoint } from '../ir/operands.js';

/**
 * Per program point, the locals that the rest of the call may read: `after`
 * the point's statement (at a loop header, at the start of the next
 * iteration), and `before` it (its own reads too: a call that has not run yet).
 */
export interface Liveness {
  readonly after: ReadonlyMap<PointId, ReadonlySet<LocalIndex>>;
  readonly before: ReadonlyMap<PointId, ReadonlySet<LocalIndex>>;
}

type Live = ReadonlySet<LocalIndex>;

/** Where a `break` or `continue` of each enclosing label goes on: the locals live there. */
interface Targets {
  readonly breaks: ReadonlyMap<LabelId, Live>;
  readonly continues: ReadonlyMap<LabelId, Live>;
}

export function computeLiveness(ir: IrFunction): Liveness {
  const after = new Map<PointId, Live>();
  const before = new Map<PointId, Live>();
  const headers = new Map<Stmt, Live>();

  /** The locals live before `stmts`, given those live after them. */
  const list = (stmts: readonly Stmt[], out: Live, targets: Targets): Live => {
    let live = out;
    for (let i = stmts.length - 1; i >= 0; i--) live = stmt(stmts[i] as Stmt, live, targets);
    return live;
  };

  const stmt = (s: Stmt, out: Live, targets: Targets): Live => {
    switch (s.op) {
      case 'if':
        return union(readsOf(s.cond), list(s.then, out, targets), list(s.else, out, targets));
      case 'block':
        return list(s.body, out, { ...targets, breaks: new Map(targets.breaks).set(s.label, out) });
      case 'loop': {
        // The header's live set grows until the body adds nothing: the body's live-in is that of the next iteration.
        // It starts from where the last pass over an enclosing loop left it, which is still below the fixed point.
        let header: Live = headers.get(s) ?? new Set();
        for (;;) {
          const inner = { breaks: new Map(targets.breaks).set(s.label, out), continues: new Map(targets.continues).set(s.label, header) };
          const next = union(header, list(s.body, header, inner));
          if (next.size === header.size) break;
          header = next;
        }
        headers.set(s, header);
        after.set(s.point, header);
        before.set(s.point, header);
        return header;
      }
      case 'break':
        return targets.breaks.get(s.label) ?? new Set();
      case 'continue':
        return targets.continues.get(s.label) ?? new Set();
      case 'return':
        return s.value ? readsOf(s.value) : new Set();
      default: {
        const point = stmtPoint(s);
        const reads = union(...stmtOperands(s).map(readsOf));
        if (point !== null) {
          after.set(point, out);
          before.set(point, union(out, reads));
        }
        const written = s.op === 'setLocal' ? s.local : s.op === 'call' ? s.result : -1;
        if (written < 0 || !out.has(written)) return union(out, reads);
        const kept = new Set(out);
        kept.delete(written);
        return union(kept, reads);
      }
    }
  };

  list(ir.body, new Set(), { breaks: new Map(), continues: new Map() });
  return { after, before };
}

function union(...sets: Live[]): Live {
  const out = new Set<LocalIndex>();
  for (const s of sets) for (const l of s) out.add(l);
  return out;
}

/** Every local that `e` reads. */
function readsOf(e: Expr): Live {
  const set = new Set<LocalIndex>();
  const walk = (x: Expr): void => {
    if (x.op === 'local') set.add(x.local);
    forEachOperand(x, walk);
  };
  walk(e);
  return set;
}
