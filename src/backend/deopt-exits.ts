//! Deoptimization exits of optimized code. Optimized code assumes what its
//! dependencies say (`passes/dependencies.ts`); a load that breaks one marks
//! the code invalid in its state word (`layout.codeState`), and the code
//! checks that word wherever another thread's load can have been applied on
//! its own thread since the last check: after every call it makes and every
//! `load`, and after the safepoint call of each poll (function entry, loops).
//! Found invalid, it leaves by an exit: the exit's number goes to a local,
//! and a branch leaves the whole body for the function's one deopt block,
//! which hands the values of the frames' locals to the runtime
//! (`js.deoptValue*`, in the order of `dumped`) and then calls
//! `js.deopt<result>(exit)`, which continues each frame in the interpreter
//! and returns the call's result (`Baseline.deoptimize`). A guard made from
//! the profile (`passes/profile.ts`) that fails leaves the same way, before
//! its call: the interpreter makes the call (eager deoptimization).
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

import type { FunctionId, IrFunction, PointId } from '../ir/ir.js';
import { codeState } from '../core/layout.js';
import { CodeState } from '../core/code-sharing.js';
import type { Label } from '../wasm/code-emitter.js';
import type { ValType } from '../wasm/types.js';
import type { FunctionEmitter } from './function-emitter.js';
import { wasmType } from './wasm-types.js';

/** A frame of an exit: function `fn`'s definition `definition`, at `point`, its locals at these positions of the dumped values. */
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
}

/** What the runtime needs to continue a code version's frames from each of its exits. */
export interface DeoptTable {
  readonly exits: readonly DeoptExit[];
  /** How many values the deopt block hands over, before each exit call. */
  readonly dumped: number;
  /** The position of the function's depth parameter among them (`passes/depth-param.ts`): the frames outside it. */
  readonly depth: number;
}

/** A frame of the code being emitted: its IR and the wasm local of each of its IR locals. */
export interface EmittedFrame {
  readonly ir: IrFunction;
  readonly definition: number;
  readonly locals: readonly number[];
}

export class DeoptExits {
  private readonly exits: DeoptExit[] = [];
  /** The position of each dumped wasm local. */
  private readonly positions = new Map<number, number>();
  private readonly framePositions = new Map<readonly number[], readonly number[]>();

  constructor(
    private readonly codeId: number,
    /** The block that the body is in: a branch out of it reaches the deopt block. */
    private readonly deopt: Label,
    /** Where an exit leaves its number. */
    private readonly exitLocal: number,
    /** The depth parameter, handed over with the frames' locals. */
    private readonly depthLocal: number,
    /** Also exit at every check that `js.deoptTick` says (stress testing). */
    private readonly ticks: boolean,
    /** Leave the checks out (measurement only: then nothing ever deoptimizes). */
    private readonly checks: boolean,
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
    c.i32Const(this.exit(frames, callPoints, point, false)).localSet(this.exitLocal).br(this.deopt);
    c.end();
  }

  /** Leaves by an exit that continues the call at `point`, which has not run yet: a guard failed. */
  guardFailed(fx: FunctionEmitter, frames: readonly EmittedFrame[], callPoints: readonly PointId[], point: PointId): void {
    fx.c.i32Const(this.exit(frames, callPoints, point, true)).localSet(this.exitLocal).br(this.deopt);
  }

  private exit(frames: readonly EmittedFrame[], callPoints: readonly PointId[], point: PointId, guard: boolean): number {
    const last = frames.length - 1;
    const exit = frames.map((f, i): DeoptFrame => ({
      fn: f.ir.id,
      definition: f.definition,
      point: i === last ? point : (callPoints[i] as PointId),
      locals: this.positionsOf(f),
      ...(guard && i === last ? { before: true as const } : {}),
    }));
    return this.exits.push({ frames: exit, guard }) - 1;
  }

  /** The positions of a frame's locals, one array for every exit of the frame (a function may have thousands of each). */
  private positionsOf(frame: EmittedFrame): readonly number[] {
    let positions = this.framePositions.get(frame.locals);
    if (!positions) {
      positions = frame.locals.map((l) => this.position(l));
      this.framePositions.set(frame.locals, positions);
    }
    return positions;
  }

  private position(local: number): number {
    let p = this.positions.get(local);
    if (p === undefined) {
      p = this.positions.size;
      this.positions.set(local, p);
    }
    return p;
  }

  /**
   * The deopt block, after the body's: hands over every dumped local, then
   * the exit, and returns what the runtime returns. `localType` gives each
   * wasm local's type.
   */
  emitDeoptBlock(fx: FunctionEmitter, localType: (local: number) => ValType): DeoptTable {
    const c = fx.c;
    this.position(this.depthLocal);
    for (const local of this.positions.keys()) {
      const t = localType(local);
      c.localGet(local).call(fx.imports.js(t === 'i64' ? 'deoptValueI64' : t === 'f64' ? 'deoptValueF64' : 'deoptValueI32'));
    }
    c.localGet(this.exitLocal);
    const result = fx.ir.result === 'void' ? 'void' : wasmType(fx.ir.result);
    fx.deoptCall(fx.imports.js(result === 'void' ? 'deoptVoid' : result === 'i64' ? 'deoptI64' : result === 'f64' ? 'deoptF64' : 'deoptI32'));
    return { exits: this.exits, dumped: this.positions.size, depth: this.position(this.depthLocal) };
  }
}
