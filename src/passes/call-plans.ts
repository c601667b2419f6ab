//! How each call of a function version runs, decided before emission: the
//! function itself (a self-call), a leaf computed in place (`inline-leaf.ts`),
//! a small callee's body inlined (`inlinable.ts`), or a call through the
//! callee's code or the dispatcher. A virtual call gets a case for each
//! implementation among the loaded classes, up to MAX_CASES, each for the
//! classes that run it (an inline cache on the receiver's class), or none.
//! Baseline code tests up to MAX_CASES classes, optimized code up to
//! MAX_CLASSES_TESTED: DeltaBlue's `getOutput` has two implementations over
//! six constraint classes, which went to the dispatcher.
//!
//! The plans are keyed by call point; an inlined callee carries the plans of
//! its own calls, one level deeper, up to MAX_INLINE_DEPTH. A leaf or an
//! inlined body stands behind a check of the callee's definition word, so
//! the plan needs the definition's code id (null for a method: no load
//! redefines one). What it needs: the program tables as they are when the
//! caller is compiled. It does not emit anything (`backend/emit-call.ts`).
//!
//! Speculating (the optimizing tier), a case assumes instead of checking
//! (`dependencies.ts`): a top-level callee's definition stays current (no
//! definition-word check), and a virtual call whose receivers can only run
//! one implementation (every loaded class at or below the static class
//! has it) is a direct call or inlined, with no inline cache: a case with no
//! class. Bodies inlined are larger, may loop, and go one level deeper; a
//! call of the function itself gets its own body once. A virtual call
//! of the function's own body that its baseline code only ever saw one
//! receiver class at (`profile.ts`) gets that class's case alone, guarded:
//! any other receiver deoptimizes.

import type { FunctionId, IrFunction, PointId } from '../ir/ir.js';
import { forEachStmt } from '../ir/operands.js';
import type { ClassId } from '../ir/types.js';
import type { ClassInfo, Program } from '../core/program.js';
import type { Dependency } from './dependencies.js';
import type { ReceiverProfile } from './profile.js';
import { MAX_WASM_LOCALS_INLINED } from '../core/limits.js';
import { isInlinable } from './inlinable.js';
import { mayAcknowledge } from './acknowledges.js';
import { leafOf, type Leaf } from './inline-leaf.js';

/** How deep small callees are inlined into each other (baseline, optimizing). */
const MAX_INLINE_DEPTH = 2;
const MAX_INLINE_DEPTH_SPECULATING = 3;

/** Implementations an inline cache tests for; a site with more goes to the dispatcher. */
const MAX_CASES = 4;
/** Classes an optimized inline cache tests for (baseline code: MAX_CASES), their implementations at most MAX_CASES. */
const MAX_CLASSES_TESTED = 8;

/** `definition`: the code id that the callee's definition word holds while what runs is current; null for a method. */
export type CallRun =
  | { readonly kind: 'self'; readonly definition: number | null }
  | { readonly kind: 'leaf'; readonly definition: number | null; readonly leaf: Leaf }
  | { readonly kind: 'inline'; readonly definition: number | null; readonly ir: IrFunction; readonly isMethod: boolean; readonly calls: CallPlans }
  /**
   * Through the callee's code when the caller is linked to it, else the
   * dispatcher. `unchecked`: optimized code need not check its validity
   * after the call of the code, a method's that cannot acknowledge a
   * handshake (`acknowledges.ts`; a method's body is the same in every code
   * of it, since no load redefines one). The dispatcher's path is checked.
   */
  | { readonly kind: 'call'; readonly unchecked?: true };

/**
 * A case of a call site: callee `fn`, for receivers of the classes
 * `classIds` (null: a direct call, or a virtual call that every receiver
 * runs `fn` for), and what the case assumes instead of checking (when
 * speculating).
 */
export interface CallCase {
  readonly classIds: readonly ClassId[] | null;
  readonly fn: FunctionId;
  readonly run: CallRun;
  readonly assumes: readonly Dependency[];
  /** A guard from the profile: a receiver of any other class deoptimizes (before the call) instead of dispatching. */
  readonly guarded?: true;
}

/** The cases of each call, by program point; a virtual call without cases always goes to the dispatcher. */
export type CallPlans = ReadonlyMap<PointId, readonly CallCase[]>;

export interface CallPlanOptions {
  /** Whether small callees are inlined (leaves always are). */
  readonly inline: boolean;
  /** Whether cases assume what the program is (optimizing tier) rather than check it. */
  readonly speculate?: boolean;
  /** When speculating: the receivers the function's baseline code saw (`profile.ts`). */
  readonly profile?: ReceiverProfile | null;
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
  const speculate = options.speculate === true;
  const maxDepth = speculate ? MAX_INLINE_DEPTH_SPECULATING : MAX_INLINE_DEPTH;
  /** Case of a call of `fn` (for receivers of `classIds`), assuming `assumes` besides what its run assumes. */
  const decide = (fn: FunctionId, classIds: readonly ClassId[] | null, assumes: readonly Dependency[] = []): CallCase => {
    const info = program.functionInfo(fn);
    const method = info.owner !== null;
    const callee = fn === root.id ? root : info.ir;
    const definition = callee && program.definitionIdOf(callee);
    // Checked unless speculating; a method, which no load redefines, never is.
    const checked = !method && !speculate && definition ? definition : null;
    const own: Dependency[] = [...assumes];
    if (speculate && !method && definition) own.push({ kind: 'definition', fn, definition });
    const withRun = (run: CallRun): CallCase => ({ classIds, fn, run, assumes: run.kind === 'call' ? assumes : own });
    /** Whether `body`'s locals and result still fit among the locals of `root` and what is inlined into it. */
    const roomFor = (body: IrFunction): boolean => size.locals + body.locals.length + 1 <= MAX_WASM_LOCALS_INLINED;
    const inlined = (body: IrFunction): CallCase => {
      size.locals += body.locals.length + 1;
      return withRun({ kind: 'inline', definition: checked, ir: body, isMethod: method, calls: plansOf(body, root, program, options, depth + 1, size) });
    };
    if (fn === root.id && definition) {
      // Speculating, the function's own body once (one level of recursion unrolled), its calls of itself calls.
      if (speculate && options.inline && depth === 0 && roomFor(root) && isInlinable(root, true, true)) return inlined(root);
      // Any instance of the caller's module runs its definition: no need for the slot's code.
      return withRun({ kind: 'self', definition: checked });
    }
    const leaf = callee && leafOf(callee, method);
    if (leaf && definition) return withRun({ kind: 'leaf', definition: checked, leaf });
    if (callee && definition && options.inline && depth < maxDepth && roomFor(callee) && isInlinable(callee, speculate)) return inlined(callee);
    return withRun(speculate && method && callee && !mayAcknowledge(callee) ? { kind: 'call', unchecked: true } : { kind: 'call' });
  };
  forEachStmt(ir.body, (s) => {
    if (s.op !== 'call') return;
    if (s.callee.kind === 'direct') {
      plans.set(s.point, [decide(s.callee.fn, null)]);
      return;
    }
    const { slot, classId } = s.callee;
    const { only, classes } = receiverClasses(program, classId, slot);
    if (speculate && only !== null && program.functionInfo(only).ir !== null) {
      const c = decide(only, null, [{ kind: 'implementation', classId, slot, fn: only }]);
      // A devirtualized call that would only call saves nothing over the dispatcher's path with no dependency.
      if (c.run.kind !== 'call') {
        plans.set(s.point, [c]);
        return;
      }
    }
    // One receiver class in the profile where the hierarchy has several implementations: that class, guarded.
    const seen = speculate && depth === 0 ? (options.profile?.monomorphic(s.point) ?? null) : null;
    const profiled = classes.find((k) => k.id === seen);
    const guarded = profiled && classes.length > 1 ? decide(profiled.vtable[slot] as FunctionId, [profiled.id]) : null;
    // Only a body in place gains from the guard: a call would only call.
    if (guarded && guarded.run.kind !== 'call') {
      plans.set(s.point, [{ ...guarded, guarded: true }]);
      return;
    }
    plans.set(s.point, cacheCases(classes, slot, speculate).map((k) => decide(k.fn, k.classIds)));
  });
  return plans;
}

/** The implementations of `slot` among `classes`, each with the classes that run it, if an inline cache tests for so many. */
function cacheCases(classes: readonly ClassInfo[], slot: number, speculate: boolean): { fn: FunctionId; classIds: ClassId[] }[] {
  if (classes.length > (speculate ? MAX_CLASSES_TESTED : MAX_CASES)) return [];
  const byFn = new Map<FunctionId, ClassId[]>();
  for (const k of classes) {
    const fn = k.vtable[slot] as FunctionId;
    byFn.set(fn, [...(byFn.get(fn) ?? []), k.id]);
  }
  return byFn.size > MAX_CASES ? [] : [...byFn].map(([fn, classIds]) => ({ fn, classIds }));
}

/**
 * What a virtual call of `slot` on a `classId` can run, among the loaded
 * classes at or below it: the one function they all run, if they do (it may
 * be abstract), and the classes whose entry has a body (a call on any other
 * traps). The planner devirtualizes on `only`, and guards a receiver class
 * from the profile where `classes` has several (`profile.ts` records
 * receivers only where it could).
 */
export function receiverClasses(program: Program, classId: ClassId, slot: number): { readonly only: FunctionId | null; readonly classes: ClassInfo[] } {
  const all = program.subclassesOf(classId);
  const first = all[0]?.vtable[slot] as FunctionId;
  const only = all.every((k) => k.vtable[slot] === first) ? first : null;
  return { only, classes: all.filter((k) => program.functionInfo(k.vtable[slot] as FunctionId).ir !== null) };
}

/** Every assumption that the cases of `plans` make, and those of the bodies they inline. */
export function planDependencies(plans: CallPlans): Dependency[] {
  const found = new Map<string, Dependency>();
  const walk = (p: CallPlans): void => {
    for (const cases of p.values()) {
      for (const c of cases) {
        for (const d of c.assumes) found.set(JSON.stringify(d), d);
        if (c.run.kind === 'inline') walk(c.run.calls);
      }
    }
  };
  walk(plans);
  return [...found.values()];
}
