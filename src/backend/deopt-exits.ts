//! Deoptimization exits of optimized code. Optimized code assumes what its
//! dependencies say (`passes/dependencies.ts`); a load that breaks one marks
//! the code invalid in its state word (`layout.codeState`), and the code
//! checks that word wherever another thread's load can have been applied on
//! its own thread since the last check: after every call it makes (but a
//! call of a method that acknowledges nothing, `passes/acknowledges.ts`,
//! and one of itself that returns normally) and every `load`, and after the
//! safepoint call of each poll (function entry, loops).
//! Found invalid, it leaves by an exit: the values of the locals that its
//! frames may still read (`passes/liveness.ts`) go to the runtime
//! (`js.deoptValue*`, the depth parameter first), then `js.deopt<result>(exit)`
//! continues each frame in the interpreter and returns the call's result
//! (`Baseline.deoptimize`), which the function returns. A guard made from the
//! profile (`passes/profile.ts`) that fails leaves the same way, before its
//! call: the interpreter makes the call (eager deoptimization).
//!
//! In code that calls itself, exits throw the result instead of returning
//! it, so that its own callers know to check (`compile-function.ts`).
//!
//! Each exit hands over its own live locals rather than every exit sharing
//! one block that reads all of them: a shared block kept every local alive
//! at every call (17% on fib and Richards), and V8 ran out of memory merging
//! thousands of exits of a function with thousands of locals.
//!
//! An exit names its frames, outermost first: the function's own, stopped at
//! the call of its inlined callee, then each inlined callee, the innermost at
//! the exit's point (after a call or load, at a loop header, or ENTRY_POINT).
//! Every frame is the version of the IR the code was compiled from, named
//! by its definition's code id, so an inlined callee redefined since
//! finishes as the definition it began as.
//!
//! Locals hold the frame state exactly: the IR's locals are wasm locals (an
//! inlined callee's, its own copies), and nothing of a frame is kept
//! elsewhere at a check.

import { ENTRY_POINT, type FunctionId, type IrFunction, type LocalIndex, type PointId } from '../ir/ir.js';
import { codeState } from '../core/layout.js';
import { CodeState } from '../core/code-sharing.js';
import { computeLiveness, type Liveness } from '../passes/liveness.js';
import type { FuncIdx, TagIdx, ValType } from '../wasm/types.js';
import type { FunctionEmitter } from './function-emitter.js';
import { wasmType } from './wasm-types.js';

/** A frame of an exit: function `fn`'s definition `definition`, at `point`; each local's position among the exit's values, or -1 (not live: zero). */
export interface DeoptFrame {
  readonly fn: FunctionId;
  readonly definition: number;
  readonly point: PointId;
  readonly locals: readonly number[];
  /** The innermost frame of a failed guard: at the call at `point`, which has not run yet. */
  readonly before?: true;
}

/** An exit: after a validity check (`guard` false), or where a guard from the profile failed. */
export interface DeoptExit {
  readonly frames: readonly DeoptFrame[];
  readonly guard: boolean;
  /** How many values the exit hands over; the first is the depth parameter (`passes/depth-param.ts`). */
  readonly values: number;
}

/** What the runtime needs to continue a code version's frames from each of its exits. */
export interface DeoptTable {
  readonly exits: readonly DeoptExit[];
}

/** A frame of the code being emitted: its IR and the wasm local of each of its IR locals. */
export interface EmittedFrame {
  readonly ir: IrFunction;
  readonly definition: number;
  readonly locals: readonly number[];
}

export class DeoptExits {
  private readonly exits: DeoptExit[] = [];

  constructor(
    private readonly codeId: number,
    /** The depth parameter, handed over with the frames' locals. */
    private readonly depthLocal: number,
    /** Also exit at every check that `js.deoptTick` says (stress testing). */
    readonly ticks: boolean,
    /** Leave the checks out (measurement only: then nothing ever deoptimizes). */
    private readonly checks: boolean,
    /** The type of each wasm local of the function. */
    private readonly localType: (local: number) => ValType,
    /** Exits throw the call's result with this tag rather than return it (code that calls itself: `compile-function.ts`). */
    readonly tag: TagIdx | null = null,
  ) {}

  /**
   * Tests the code's state word and leaves by an exit at `point` when the
   * code is invalid. `frames`: the frames at the check, outermost first (the
   * innermost at `point`), each outer one at `callPoints[i]`.
   */
  check(fx: FunctionEmitter, frames: readonly EmittedFrame[], callPoints: readonly PointId[], point: PointId): void {
    if (!this.checks) return;
    const c = fx.c;
    c.i32Const(0).i32Load(codeState(this.codeId)).i32Const(CodeState.Invalid).i32Eq();
    if (this.ticks) c.call(fx.imports.js('deoptTick')).i32Or();
    c.if();
    this.exit(fx, frames, callPoints, point, false);
    c.end();
  }

  /**
   * Where a check is left out because no handshake can have been
   * acknowledged since the last one: only stress testing leaves there, at
   * its ticks, so that `--deopt-every` still takes every exit the code has.
   */
  stressOnly(fx: FunctionEmitter, frames: readonly EmittedFrame[], callPoints: readonly PointId[], point: PointId): void {
    if (!this.checks || !this.ticks) return;
    const c = fx.c;
    c.call(fx.imports.js('deoptTick')).if();
    this.exit(fx, frames, callPoints, point, false);
    c.end();
  }

  /** Leaves by an exit that continues the call at `point`, which has not run yet: a guard failed. */
  guardFailed(fx: FunctionEmitter, frames: readonly EmittedFrame[], callPoints: readonly PointId[], point: PointId): void {
    this.exit(fx, frames, callPoints, point, true);
  }

  table(): DeoptTable {
    return { exits: this.exits };
  }

  private exit(fx: FunctionEmitter, frames: readonly EmittedFrame[], callPoints: readonly PointId[], point: PointId, guard: boolean): void {
    const c = fx.c;
    const handed: number[] = [this.depthLocal];
    const last = frames.length - 1;
    const exitFrames = frames.map((f, i): DeoptFrame => {
      const at = i === last ? point : (callPoints[i] as PointId);
      const live = liveAt(f.ir, at, i < last ? 'resumed' : guard ? 'before' : 'after');
      return {
        fn: f.ir.id,
        definition: f.definition,
        point: at,
        locals: f.locals.map((local, l) => (live.has(l) ? handed.push(local) - 1 : -1)),
        ...(guard && i === last ? { before: true as const } : {}),
      };
    });
    handOver(fx, handed.map((local) => [local, this.localType(local)]));
    c.i32Const(this.exits.push({ frames: exitFrames, guard, values: handed.length }) - 1);
    fx.deoptCall(byResult(fx, 'deopt'));
    if (this.tag === null) c.return();
    else c.throw(this.tag);
  }
}

/** Hands each wasm local of `locals`, of its type, to the runtime (`js.deoptValue*`): what an exit, or an entry into optimized code, continues with. */
export function handOver(fx: FunctionEmitter, locals: readonly (readonly [number, ValType])[]): void {
  for (const [local, t] of locals) fx.c.localGet(local).call(fx.imports.js(t === 'i64' ? 'deoptValueI64' : t === 'f64' ? 'deoptValueF64' : 'deoptValueI32'));
}

/** The import of the runtime's `prefix` service (an exit, or an entry into optimized code) that returns the function's result type. */
export function byResult(fx: FunctionEmitter, prefix: 'deopt' | 'osr'): FuncIdx {
  const result = fx.ir.result === 'void' ? 'void' : wasmType(fx.ir.result);
  return fx.imports.js(`${prefix}${result === 'void' ? 'Void' : result === 'i64' ? 'I64' : result === 'f64' ? 'F64' : 'I32'}`);
}

const livenessOf = new WeakMap<IrFunction, Liveness>();

/**
 * The locals of `ir` that its frame may read when it continues at `point`:
 * `after` it, `before` it (a call that has not run yet), or `resumed` at a
 * call whose result the inner frame supplies; at entry, its parameters.
 */
function liveAt(ir: IrFunction, point: PointId, where: keyof Liveness): ReadonlySet<LocalIndex> {
  if (point === ENTRY_POINT) return new Set(ir.locals.slice(0, ir.paramCount).map((_, l) => l));
  let liveness = livenessOf.get(ir);
  if (!liveness) {
    liveness = computeLiveness(ir);
    livenessOf.set(ir, liveness);
  }
  const live = liveness[where].get(point);
  if (!live) throw new Error(`${ir.name}: no liveness at point ${point}`);
  return live;
}
