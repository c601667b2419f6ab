//! What baseline code that records a profile (`passes/profile.ts`) counts
//! toward its optimization: its calls, at entry, and the iterations of its
//! loops, ITERATIONS_PER_CALL of them counting as one call, as in the
//! interpreter's budget (`interp/hotness.ts`). Without the iterations, a
//! function called a few times whose loops do the work (Mandelbrot's
//! `mandelbrot`, the sieve's `sieve`) was never optimized.
//!
//! Iterations are counted in a local of the frame (a register), and added to
//! the profile's count of calls once there are ITERATIONS_PER_CALL of them:
//! the memory is touched about as often as by one call. A loop that is not
//! counted leaves its wasm loop for that, and polls there instead of at every
//! iteration (`emit-loop.ts`): its count is its poll interval. A counted
//! loop, which polls once per chunk of POLL_INTERVAL iterations, adds them
//! after each chunk. What a loop that ends leaves uncounted goes on to the
//! frame's next loop, and is lost when the frame returns. Where they are
//! added at a loop's header, the frame also counts them for itself, to
//! continue in optimized code once it has run long (`continueOptimized`).
//! Nothing here is emitted in code that records no profile.

import type { PointId } from '../ir/ir.js';
import { OPTIMIZE_AFTER_CALLS, PROFILE_CALLS } from '../passes/profile.js';
import type { Label } from '../wasm/code-emitter.js';
import type { FunctionEmitter } from './function-emitter.js';
import { wasmType } from './wasm-types.js';
import { byResult, handOver } from './deopt-exits.js';
import type { ValType } from '../wasm/types.js';

/** Loop iterations of baseline code that count as one call toward its optimization (the interpreter's ratio, `tiering/tiering.ts`). */
export const ITERATIONS_PER_CALL = 100;

/**
 * Loop iterations of one frame of baseline code after which it asks to
 * continue in optimized code, and again after as many more
 * (`continueOptimized`): twice the iterations that make its definition hot.
 */
export const OSR_AFTER_ITERATIONS = 2 * OPTIMIZE_AFTER_CALLS * ITERATIONS_PER_CALL;

/**
 * Counts a call, at entry, up to OPTIMIZE_AFTER_CALLS: the call that
 * reaches it asks to be optimized, and later calls only compare the count.
 * The count is loaded again to add to it: the load of the test alone is
 * the compare's operand (one instruction on x64 rather than a load and a
 * compare; fib's baseline call has about thirty).
 */
export function countCall(fx: FunctionEmitter): void {
  const recording = fx.facts.recording;
  if (!recording || fx.facts.entersAt !== null) return;
  const c = fx.c;
  const at = recording.address + PROFILE_CALLS;
  fx.scratch('i32', (calls) => {
    c.i32Const(0).i32Load(at).i32Const(OPTIMIZE_AFTER_CALLS).op('i32.lt_s').if();
    c.i32Const(0).i32Const(0).i32Load(at).i32Const(1).i32Add().localTee(calls).i32Store(at);
    c.localGet(calls).i32Const(OPTIMIZE_AFTER_CALLS).i32Eq().if();
    c.call(fx.imports.js('optimize'));
    c.end();
    c.end();
  });
}

/** Counts one iteration of a loop, in the frame's local. */
export function countIteration(fx: FunctionEmitter): void {
  if (!fx.facts.recording) return;
  const local = iterationLocal(fx);
  fx.c.localGet(local).i32Const(1).i32Add().localSet(local);
}

/**
 * Counts one iteration of a loop that is not counted, and leaves it for
 * `exit`, where it polls, once ITERATIONS_PER_CALL are counted:
 * `addIterations` is there, since its call of `optimize` inside the wasm
 * loop would cost the loop its values in registers (Mandelbrot's baseline
 * code took 1.5 times as long with the call in its inner loop).
 */
export function countIterationOrLeave(fx: FunctionEmitter, exit: Label): void {
  if (!fx.facts.recording) return;
  const local = iterationLocal(fx);
  fx.c.localGet(local).i32Const(1).i32Add().localTee(local).i32Const(ITERATIONS_PER_CALL).op('i32.ge_u').brIf(exit);
}

/**
 * Adds the iterations counted so far, once there are ITERATIONS_PER_CALL, to
 * the profile as calls; the addition that crosses OPTIMIZE_AFTER_CALLS asks
 * to be optimized (once: later frames call the optimized version). At the
 * header of the function's own loop at `point` (null: not at a header), the
 * frame also counts them toward continuing there in optimized code itself
 * (`continueOptimized`). An on-stack replacement entry records receivers
 * but counts nothing toward its definition's optimization, which its
 * definition's own code asks for: an entry is in no slot, so its request
 * could only guess what the slot names when the compiler gets to it.
 */
export function addIterations(fx: FunctionEmitter, point: PointId | null): void {
  const recording = fx.facts.recording;
  if (!recording) return;
  const c = fx.c;
  const local = iterationLocal(fx);
  const at = recording.address + PROFILE_CALLS;
  c.localGet(local).i32Const(ITERATIONS_PER_CALL).op('i32.ge_u').if();
  if (fx.facts.entersAt === null) addToProfile(fx, at, local);
  if (point !== null && !fx.inInlinedBody) continueOptimized(fx, point, local);
  c.i32Const(0).localSet(local);
  c.end();
}

/** Adds the `iterations` counted, as calls, to the count at `at`; the addition that crosses OPTIMIZE_AFTER_CALLS asks to be optimized. */
function addToProfile(fx: FunctionEmitter, at: number, iterations: number): void {
  const c = fx.c;
  fx.scratch('i32', (before) => {
    // Added only below the threshold (a count read as negative, being racy, adds nothing); crossing it asks to be optimized.
    c.i32Const(0).i32Load(at).localTee(before).i32Const(0).op('i32.ge_s');
    c.localGet(before).i32Const(OPTIMIZE_AFTER_CALLS).op('i32.lt_s').i32And().if();
    c.i32Const(0).localGet(before).localGet(iterations).i32Const(ITERATIONS_PER_CALL).op('i32.div_u').i32Add().localTee(before).i32Store(at);
    c.localGet(before).i32Const(OPTIMIZE_AFTER_CALLS).op('i32.ge_s').if();
    c.call(fx.imports.js('optimize'));
    c.end();
    c.end();
  });
}

/**
 * On-stack replacement into optimized code, as V8 and HotSpot enter
 * optimized code from a loop of a lower tier: a call of baseline code that
 * stays in one loop never calls the optimized version that its own
 * iterations asked for (micro/nbody's `main` calls `advance` a million
 * times). Every `CompileOptions.osrAfterIterations` iterations the frame
 * asks whether to continue at the loop's header in optimized code
 * (`js.osrReady`, which has the entry compiled); if so, it hands over its
 * locals as a deopt exit does (`deopt-exits.ts`, the depth parameter
 * first) and returns what the entry returns (`js.osr<result>`).
 */
function continueOptimized(fx: FunctionEmitter, point: PointId, iterations: number): void {
  const c = fx.c;
  fx.osrIterationsLocal ??= fx.fb.addLocal('i32', 'osrIterations');
  const counted = fx.osrIterationsLocal;
  c.localGet(counted).localGet(iterations).i32Add().localTee(counted).i32Const(fx.options.osrAfterIterations ?? OSR_AFTER_ITERATIONS).op('i32.ge_u').if();
  c.i32Const(0).localSet(counted);
  c.i32Const(point).call(fx.imports.js('osrReady')).if();
  const types = fx.facts.version.locals.map((l) => wasmType(l.type));
  handOver(fx, [[fx.depth, 'i32'], ...fx.ownLocals().map((local, l): [number, ValType] => [local, types[l] as ValType])]);
  c.i32Const(point);
  fx.deoptCall(byResult(fx, 'osr'));
  c.return();
  c.end();
  c.end();
}

/** The local that counts the iterations of the frame's loops, made at its first loop. */
function iterationLocal(fx: FunctionEmitter): number {
  fx.iterationsLocal ??= fx.fb.addLocal('i32', 'iterations');
  return fx.iterationsLocal;
}
