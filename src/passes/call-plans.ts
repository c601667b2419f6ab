//! How each call of a function version runs, decided before emission: the
//! function itself (a self-call), a leaf computed in place (`inline-leaf.ts`),
//! a small callee's body inlined (`inlinable.ts`), or a call through the
//! callee's code or the dispatcher. A virtual call gets a case for each
//! loaded class that implements the method, up to MAX_CASES (an inline cache
//! on the receiver's class), or none.
//!
//! The plans are keyed by call point; an inlined callee carries the plans of
//! its own calls, one level deeper, up to MAX_INLINE_DEPTH. A leaf or an
//! inlined body stands behind a check of the callee's definition word, so
//! the plan needs the definition's code id (null for a method: no load
//! redefines one). What it needs: the program tables as they are when the
//! caller is compiled. It does not emit anything (`backend/emit-call.ts`).

import type { FunctionId, IrFunction, PointId } from '../ir/ir.js';
import { forEachStmt } from '../ir/operands.js';
import type { ClassId } from '../ir/types.js';
import type { ClassInfo, Program } from '../core/program.js';
import { MAX_WASM_LOCALS_INLINED } from '../core/limits.js';
import { isInlinable } from './inlinable.js';
import { leafOf, type Leaf } from './inline-leaf.js';

/** How deep small callees are inlined into each other. */
const MAX_INLINE_DEPTH = 2;

/** Implementations an inline cache tests for; a site with more goes to the dispatcher. */
const MAX_CASES = 4;

/** `definition`: the code id that the callee's definition word holds while what runs is current; null for a method. */
export type CallRun =
  | { readonly kind: 'self'; readonly definition: number | null }
  | { readonly kind: 'leaf'; readonly definition: number | null; readonly leaf: Leaf }
  | { readonly kind: 'inline'; readonly definition: number | null; readonly ir: IrFunction; readonly isMethod: boolean; readonly calls: CallPlans }
  /** Through the callee's code when the caller is linked to it, else the dispatcher. */
  | { readonly kind: 'call' };

/** A case of a call site: callee `fn`, for receivers of class `classId` (null: a direct call, always). */
export interface CallCase {
  readonly classId: ClassId | null;
  readonly fn: FunctionId;
  readonly run: CallRun;
}

/** The cases of each call, by program point; a virtual call without cases always goes to the dispatcher. */
export type CallPlans = ReadonlyMap<PointId, readonly CallCase[]>;

export interface CallPlanOptions {
  /** Whether small callees are inlined (leaves always are). */
  readonly inline: boolean;
}

export function computeCallPlans(ir: IrFunction, program: Program, options: CallPlanOptions): CallPlans {
  return plansOf(ir, ir, program, options, 0, { locals: ir.locals.length });
}

/**
 * The plans of `ir`'s calls, `ir` being inlined `depth` deep into `root`.
 * `size.locals` counts the locals of `root` and of what is inlined into it
 * so far: each inlined body adds its locals and a result, never past V8's
 * limit (`core/limits.ts`, which leaves room for the emitter's scratch locals).
 */
function plansOf(ir: IrFunction, root: IrFunction, program: Program, options: CallPlanOptions, depth: number, size: { locals: number }): CallPlans {
  const plans = new Map<PointId, readonly CallCase[]>();
  const decide = (fn: FunctionId): CallRun => {
    const info = program.functionInfo(fn);
    const method = info.owner !== null;
    const callee = fn === root.id ? root : info.ir;
    const definition = callee && program.definitionIdOf(callee);
    // Any instance of the caller's module runs its definition: no need for the slot's code.
    if (fn === root.id && definition) return { kind: 'self', definition: method ? null : definition };
    const leaf = callee && leafOf(callee, method);
    if (leaf && definition) return { kind: 'leaf', definition: method ? null : definition, leaf };
    if (callee && definition && options.inline && depth < MAX_INLINE_DEPTH && size.locals + callee.locals.length + 1 <= MAX_WASM_LOCALS_INLINED && isInlinable(callee)) {
      size.locals += callee.locals.length + 1;
      return { kind: 'inline', definition: method ? null : definition, ir: callee, isMethod: method, calls: plansOf(callee, root, program, options, depth + 1, size) };
    }
    return { kind: 'call' };
  };
  forEachStmt(ir.body, (s) => {
    if (s.op !== 'call') return;
    if (s.callee.kind === 'direct') {
      plans.set(s.point, [{ classId: null, fn: s.callee.fn, run: decide(s.callee.fn) }]);
      return;
    }
    const { slot, classId } = s.callee;
    const classes = subclasses(program, classId).filter((k) => program.functionInfo(k.vtable[slot] as FunctionId).ir !== null);
    const cached = classes.length <= MAX_CASES ? classes : [];
    plans.set(s.point, cached.map((k) => ({ classId: k.id, fn: k.vtable[slot] as FunctionId, run: decide(k.vtable[slot] as FunctionId) })));
  });
  return plans;
}

/** Class `classId` and its loaded subclasses. */
function subclasses(program: Program, classId: ClassId): ClassInfo[] {
  const depth = program.classInfo(classId).depth;
  return program.classes.filter((k): k is ClassInfo => k !== undefined && k.depth >= depth && k.ancestors[depth] === classId);
}
