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
//! frame's next loop, and is lost when the frame returns. Nothing here is
//! emitted in code that records no profile.

import { OPTIMIZE_AFTER_CALLS, PROFILE_CALLS } from '../passes/profile.js';
import type { Label } from '../wasm/code-emitter.js';
import type { FunctionEmitter } from './function-emitter.js';

/** Loop iterations of baseline code that count as one call toward its optimization (the interpreter's ratio, `tiering/tiering.ts`). */
export const ITERATIONS_PER_CALL = 100;

/**
 * Counts a call, at entry, up to OPTIMIZE_AFTER_CALLS: the call that
 * reaches it asks to be optimized, and later calls only compare the count.
 * The count is loaded again to add to it: the load of the test alone is
 * the compare's operand (one instruction on x64 rather than a load and a
 * compare; fib's baseline call has about thirty).
 */
export function countCall(fx: FunctionEmitter): void {
  const recording = fx.facts.recording;
  if (!recording) return;
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
 * to be optimized (once: the frame stays in this code, and later frames
 * call the optimized version).
 */
export function addIterations(fx: FunctionEmitter): void {
  const recording = fx.facts.recording;
  if (!recording) return;
  const c = fx.c;
  const local = iterationLocal(fx);
  const at = recording.address + PROFILE_CALLS;
  c.localGet(local).i32Const(ITERATIONS_PER_CALL).op('i32.ge_u').if();
  fx.scratch('i32', (before) => {
    // Added only below the threshold (a count read as negative, being racy, adds nothing); crossing it asks to be optimized.
    c.i32Const(0).i32Load(at).localTee(before).i32Const(0).op('i32.ge_s');
    c.localGet(before).i32Const(OPTIMIZE_AFTER_CALLS).op('i32.lt_s').i32And().if();
    c.i32Const(0).localGet(before).localGet(local).i32Const(ITERATIONS_PER_CALL).op('i32.div_u').i32Add().localTee(before).i32Store(at);
    c.localGet(before).i32Const(OPTIMIZE_AFTER_CALLS).op('i32.ge_s').if();
    c.call(fx.imports.js('optimize'));
    c.end();
    c.end();
  });
  c.i32Const(0).localSet(local);
  c.end();
}

/** The local that counts the iterations of the frame's loops, made at its first loop. */
function iterationLocal(fx: FunctionEmitter): number {
  fx.iterationsLocal ??= fx.fb.addLocal('i32', 'iterations');
  return fx.iterationsLocal;
}
