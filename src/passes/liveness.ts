//! Which locals a frame may still read after each program point: what a
//! deoptimization exit must hand over to the interpreter (`backend/deopt-exits.ts`).
//! A local that nothing reads afterwards need not be kept alive for the
//! exit, which frees V8 to reuse its register once its last use is past,
//! and spares the spill that a value kept only for an exit costs before
//! each call.
//!
//! Backwards over the structured IR, with kills: a local is live where some
//! path reads it before any statement writes it (`setLocal`, a call's
//! result). `break` and `continue` take what is live where they go, and a
//! loop's header is a fixed point (its next iteration). A local that is not
//! live gets a zero from the exit, which nothing reads.

import type { Expr, IrFunction, LabelId, LocalIndex, PointId, Stmt } from '../ir/ir.js';
import { forEachOperand, stmtOperands, writtenLocal } from '../ir/operands.js';

/**
 * Per program point, the locals that the rest of the call may read: `after`
 * the point's statement (at a loop header, the loop's next iteration),
 * `before` it (a call that has not run yet, its arguments too), and
 * `resumed` at a call whose result the interpreter supplies (an exit's
 * outer frame, which continues with its inlined callee's result).
 */
export interface Liveness {
  readonly after: ReadonlyMap<PointId, ReadonlySet<LocalIndex>>;
  readonly before: ReadonlyMap<PointId, ReadonlySet<LocalIndex>>;
  readonly resumed: ReadonlyMap<PointId, ReadonlySet<LocalIndex>>;
}

type Live = ReadonlySet<LocalIndex>;

interface Targets {
  readonly brk: ReadonlyMap<LabelId, Live>;
  readonly cont: ReadonlyMap<LabelId, Live>;
}

export function computeLiveness(ir: IrFunction): Liveness {
  const after = new Map<PointId, Live>();
  const before = new Map<PointId, Live>();
  const resumed = new Map<PointId, Live>();
  const headers = new Map<Stmt, Live>();

  /** What is live before `stmts`, with `out` live after them. */
  const list = (stmts: readonly Stmt[], out: Live, targets: Targets): Live => {
    let live = out;
    for (let i = stmts.length - 1; i >= 0; i--) live = stmt(stmts[i] as Stmt, live, targets);
    return live;
  };

  const stmt = (s: Stmt, out: Live, targets: Targets): Live => {
    switch (s.op) {
      case 'return': return readsOf(s, new Set());
      case 'break': return targetOf(targets.brk, s.label);
      case 'continue': return targetOf(targets.cont, s.label);
      case 'if': {
        const joined = new Set([...list(s.then, out, targets), ...list(s.else, out, targets)]);
        return readsOf(s, joined);
      }
      case 'block': return list(s.body, out, { brk: withLabel(targets.brk, s.label, out), cont: targets.cont });
      case 'loop': {
        // The header's live set grows to a fixed point; the last pass records the points of the body with it.
        // It starts from where the last pass over an enclosing loop left it, still below the fixed point:
        // from nothing each time, nested loops took time exponential in their depth.
        let header: Live = headers.get(s) ?? new Set();
        for (;;) {
          const next = list(s.body, header, { brk: withLabel(targets.brk, s.label, out), cont: withLabel(targets.cont, s.label, header) });
          if ([...next].every((l) => header.has(l))) break;
          header = new Set([...header, ...next]);
        }
        headers.set(s, header);
        after.set(s.point, header);
        return header;
      }
      default: {
        const written = writtenLocal(s);
        const rest = new Set(out);
        if (written !== null) rest.delete(written);
        const live = readsOf(s, new Set(rest));
        if (s.op === 'call' || s.op === 'load') {
          after.set(s.point, out);
          before.set(s.point, live);
          resumed.set(s.point, rest);
        }
        return live;
      }
    }
  };

  list(ir.body, new Set(), { brk: new Map(), cont: new Map() });
  return { after, before, resumed };
}

function targetOf(targets: ReadonlyMap<LabelId, Live>, label: LabelId): Live {
  const live = targets.get(label);
  if (!live) throw new Error(`liveness: no target for label ${label}`);
  return live;
}

function withLabel(targets: ReadonlyMap<LabelId, Live>, label: LabelId, live: Live): ReadonlyMap<LabelId, Live> {
  return new Map([...targets, [label, live]]);
}

/** `into` with the locals that `s`'s own operands read (not those of statements nested in it). */
function readsOf(s: Stmt, into: Set<LocalIndex>): Set<LocalIndex> {
  const expr = (e: Expr): void => {
    if (e.op === 'local') into.add(e.local);
    forEachOperand(e, expr);
  };
  stmtOperands(s).forEach(expr);
  return into;
}
