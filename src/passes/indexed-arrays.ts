//! The arrays a counted loop indexes by its own variable: `a[i]` in the body
//! of a loop that counts `i` up from `from` to `bound` (`for i in from..bound`,
//! or such a `while`), with `a` a local the body never writes. With a
//! positive stride that cannot wrap `i` past the end of i32, every iteration
//! has `from <= i < bound` (`<=` for an inclusive bound), so one test before
//! the loop, `from >= 0`, the stride, and for each array `a != null &&
//! bound <= a.length` (`<`), covers the null and bounds checks of all those
//! accesses: array lengths never change. A tier that relies on it keeps a
//! checked copy of the loop for when the test fails.

import type { CountedLoop, CountedLoops } from './counted-loop.js';
import type { Expr, LabelId, LocalIndex } from '../ir/ir.js';
import { forEachOperand, forEachStmt, stmtOperands, writtenLocal } from '../ir/operands.js';

/** The arrays each counted loop indexes by its variable, by the loop's label; loops that index none are left out. */
export type IndexedArrays = ReadonlyMap<LabelId, readonly LocalIndex[]>;

export function computeIndexedArrays(loops: CountedLoops): IndexedArrays {
  const out = new Map<LabelId, readonly LocalIndex[]>();
  for (const [label, loop] of loops) {
    const arrays = indexedArrays(loop);
    if (arrays.length > 0) out.set(label, arrays);
  }
  return out;
}

export function indexedArrays(loop: CountedLoop): LocalIndex[] {
  if (loop.type !== 'i32' || loop.direction !== 'up') return [];
  const written = new Set<LocalIndex>();
  const indexed = new Set<LocalIndex>();
  const visitExpr = (e: Expr): void => {
    if (e.op === 'getElem' && e.array.op === 'local' && e.index.op === 'local' && e.index.local === loop.variable) indexed.add(e.array.local);
    forEachOperand(e, visitExpr);
  };
  forEachStmt(loop.body, (s) => {
    const w = writtenLocal(s);
    if (w !== null) written.add(w);
    if (s.op === 'setElem' && s.array.op === 'local' && s.index.op === 'local' && s.index.local === loop.variable) indexed.add(s.array.local);
    stmtOperands(s).forEach(visitExpr);
  });
  return [...indexed].filter((a) => !written.has(a)).sort((a, b) => a - b);
}
