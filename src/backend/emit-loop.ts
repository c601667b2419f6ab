//! IR loops to wasm, with their polls: a loop polls at least every
//! POLL_INTERVAL iterations, so that a thread in a hot loop still stops and
//! takes part in handshakes.
//!
//! - A counted loop (`passes/counted-loop.ts`: every `for`, and a `while` that
//!   steps a variable toward a fixed bound) is strip-mined, as HotSpot does:
//!   an outer loop over chunks of at most POLL_INTERVAL iterations, polling
//!   before each chunk, around an inner loop without any poll work; its exit
//!   test compares against the chunk's end. A loop of at most POLL_INTERVAL
//!   iterations from a known start is a single chunk.
//! - Any other loop reads the poll word at the start of every iteration and
//!   leaves the inner wasm loop for the safepoint call when it is raised.
//!
//! - Baseline code that records a profile counts the iterations toward its
//!   optimization (`emit-profile-counts.ts`), in a local of the frame, and
//!   adds them to the profile where the loop polls (a counted loop: after
//!   each chunk). Such a loop that is not counted polls where it adds them,
//!   every ITERATIONS_PER_CALL iterations, and not at every iteration: its
//!   count is its poll interval, as a chunk is a counted loop's.
//!
//! Either way the safepoint call stays out of the inner wasm loop, which
//! keeps the loop's values in registers. Measured against no polls
//! (`bench/costs.ts`, CPU time): a loop summing i * i costs 3-4% more as a
//! `for` or a counted `while`; the sieve (a `while` nested in a `for`) 0-1%.
//! Polled at every iteration, the `while` cost 9% and the sieve 20%; a
//! countdown in a local (all loops polled that way before) cost 24% on both
//! summing loops and 35% on the sieve.

import type { Expr, Stmt } from '../ir/ir.js';
import { INT_MAX, type CountedLoop } from '../passes/counted-loop.js';
import { ARRAY_LENGTH, MAX_ARRAY_LENGTH, POLL_REQUEST } from '../core/layout.js';
import { emitExpr } from './emit-expr.js';
import { addIterations, countIteration, countIterationOrLeave } from './emit-profile-counts.js';
import { POLL_INTERVAL, type FunctionEmitter } from './function-emitter.js';
import { wasmType } from './wasm-types.js';

type LoopStmt = Extract<Stmt, { op: 'loop' }>;
type EmitStmts = (fx: FunctionEmitter, stmts: readonly Stmt[]) => void;

/** A distance shifted right by this compares with POLL_INTERVAL * stride, which may overflow. */
const INTERVAL_BITS = BigInt(31 - Math.clz32(POLL_INTERVAL));
if (2n ** INTERVAL_BITS !== BigInt(POLL_INTERVAL)) throw new Error('POLL_INTERVAL must be a power of two');

export function emitLoop(fx: FunctionEmitter, s: LoopStmt, emitStmts: EmitStmts): void {
  if (!fx.options.polls) return emitWithoutPolls(fx, s, emitStmts);
  const counted = fx.loops.countedLoops.get(s.label);
  if (!counted) return emitPolled(fx, s, emitStmts);
  const arrays = fx.versionLoops ? (fx.loops.indexedArrays.get(s.label) ?? []) : [];
  if (arrays.length === 0) return emitStripMined(fx, s, counted, emitStmts);
  emitVersioned(fx, counted, arrays, () => emitStripMined(fx, s, counted, emitStmts));
}

/**
 * A counted loop that indexes `arrays` by its variable, in two copies: one
 * without their null and bounds checks, run when a test before the loop
 * shows that every index the loop can reach is in bounds
 * (`passes/indexed-arrays.ts`: the variable not negative, a positive stride that
 * cannot step past the end of i32, each array non-null and long enough for
 * the bound), and the checked one otherwise (it then traps at the right
 * iteration). Loops nested in the checked copy get one copy each. The test
 * evaluates the bound as the loop's own first test would, so a null array in
 * the bound traps the same way.
 *
 * A bound that is an array's length (`CountedLoop.lengthOf`, as in `for i in
 * 0..a.length`) drops two parts of the test: that array is long enough for
 * `i < bound` and not null, and a constant stride up to MAX_ARRAY_LENGTH + 1
 * cannot step past the end of i32 from below it. With the variable and the
 * stride constants, what is left folds away.
 */
function emitVersioned(fx: FunctionEmitter, loop: CountedLoop, arrays: readonly number[], emitLoopCopy: () => void): void {
  const c = fx.c;
  const ofBound = loop.inclusive ? null : loop.lengthOf;
  const stride = loop.stride;
  const cannotWrap = loop.lengthOf !== null && stride.op === 'const' && Number(stride.value) <= MAX_ARRAY_LENGTH + 1;
  fx.scratch('i32', (bound) => {
    emitExpr(fx, loop.bound);
    c.localSet(bound);
    c.localGet(loop.variable).i32Const(0).i32GeS();
    emitExpr(fx, stride);
    c.i32Const(0).i32GtS().i32And();
    if (!cannotWrap) {
      emitExpr(fx, stride);
      c.i32Const(0x7fffffff).localGet(bound).i32Sub().i32LeS().i32And();
    }
    for (const a of arrays) {
      if (a === ofBound) continue;
      c.localGet(a).i32Eqz();
      c.if('i32');
      c.i32Const(0);
      c.else();
      c.localGet(bound).localGet(a).i32Load(ARRAY_LENGTH).op(loop.inclusive ? 'i32.lt_s' : 'i32.le_s');
      c.end();
      c.i32And();
    }
  });
  c.if();
  fx.withInBounds(arrays, loop.variable, emitLoopCopy);
  c.else();
  const outer = fx.versionLoops;
  fx.versionLoops = false;
  emitLoopCopy();
  fx.versionLoops = outer;
  c.end();
}

/**
 * For a loop that counts up to `bound`, stepping by `stride`:
 * ```
 * block $brk
 *   loop $chunks
 *     br_if $brk (i >= bound)                       ; the loop's own test
 *     chunkEnd = if stride > 0 and (bound - i) >>u BITS >=u stride: i + (stride << BITS)
 *                elif stride > 0 and bound <= MAX - stride + 1: bound
 *                else MIN
 *     poll
 *     loop $iterations
 *       body; i = i + stride
 *       br_if $iterations (i < chunkEnd)
 *     end
 *     br $chunks
 * ```
 * `bound - i` is exact as an unsigned number since the test passed, and the
 * shift compares it with INTERVAL * stride without overflow: the first case
 * is a whole chunk, INTERVAL iterations that all pass the loop's test and
 * end at or before the bound. Otherwise fewer remain, and the inner test is
 * the loop's own unless the last step may wrap past MAX (it would then read
 * as another pass); then, or with a stride that is not positive, a chunk is
 * one iteration (nothing is below MIN), tested and polled like any loop.
 * `i <= bound` ends the rest at `bound + 1`; counting down mirrors all of it.
 * The stride check goes when the stride is a constant, and the wrap check
 * when it cannot fail (`for` loops).
 *
 * The poll comes before the chunk rather than after it: after it, the
 * variable that the inner loop steps is live across the safepoint call, and
 * that cost the sieve (whose inner `while` runs in the middle of a `for`
 * loop) 10-12% against none measurable before it. The inner loop tests at
 * its bottom: every chunk has at least one iteration. The chunk's end is
 * chosen by `if`s rather than `select`s: V8 computed a `select` inside the
 * inner loop.
 */
function emitStripMined(fx: FunctionEmitter, s: LoopStmt, loop: CountedLoop, emitStmts: EmitStmts): void {
  if (loop.trips !== null && loop.trips <= POLL_INTERVAL) return emitOneChunk(fx, s, loop, emitStmts);
  const c = fx.c;
  const t = loop.type;
  const up = loop.direction === 'up';
  const max = INT_MAX[t];
  const [farthest, nearest] = up ? [max, -max - 1n] : [-max - 1n, max];
  const int = (v: bigint): void => void (t === 'i64' ? c.i64Const(v) : c.i32Const(Number(v)));
  const i = (): void => void c.localGet(loop.variable);
  const stride = (): void => emitExpr(fx, loop.stride);
  const forward = up ? (`${t}.add` as const) : (`${t}.sub` as const);
  const backward = up ? (`${t}.sub` as const) : (`${t}.add` as const);
  const notPast = up ? (`${t}.le_s` as const) : (`${t}.ge_s` as const);
  const choose = (test: () => void, then: () => void, otherwise: () => void): void => {
    test();
    c.if(t);
    then();
    c.else();
    otherwise();
    c.end();
  };
  withInvariant(fx, loop.bound, (bound, readBound) => fx.scratch(t, (chunkEnd) => {
    const oneIteration = (): void => int(nearest);
    const rest = (): void => {
      bound();
      if (!loop.inclusive) return;
      int(1n);
      c.op(forward);
    };
    // The farthest bound from which the last step cannot wrap: MAX - stride + 1 for `<`, MAX - stride for `<=`.
    const slack = loop.inclusive ? 0n : 1n;
    const lastChunk = (): void => {
      if (loop.stride.op !== 'const') {
        const lastBound = (): void => {
          int(farthest);
          stride();
          c.op(backward);
          int(slack);
          c.op(forward);
        };
        return choose(() => (bound(), lastBound(), c.op(notPast)), rest, oneIteration);
      }
      const step = BigInt(loop.stride.value as number | bigint);
      const lastBound = up ? farthest - step + slack : farthest + step - slack;
      if (lastBound === farthest) return rest();
      choose(() => (bound(), int(lastBound), c.op(notPast)), rest, oneIteration);
    };
    const distance = (): void => {
      if (up) {
        bound();
        i();
      } else {
        i();
        bound();
      }
      c.op(`${t}.sub`);
    };
    const wholeChunk = (): void => choose(
      () => (distance(), int(INTERVAL_BITS), c.op(`${t}.shr_u`), stride(), c.op(`${t}.ge_u`)),
      () => (i(), stride(), int(INTERVAL_BITS), c.op(`${t}.shl`).op(forward)),
      lastChunk,
    );
    const brk = c.block();
    const chunks = c.loop();
    readBound();
    i();
    bound();
    c.op(exitTest(loop)).brIf(brk);
    if (loop.stride.op === 'const') wholeChunk();
    else choose(() => (stride(), int(0n), c.op(`${t}.gt_s`)), wholeChunk, oneIteration);
    c.localSet(chunkEnd);
    fx.poll(s.point);
    const iterations = c.loop();
    countIteration(fx);
    fx.withLabel(s.label, { brk, cont: null }, () => emitStmts(fx, [...loop.body, loop.step]));
    i();
    c.localGet(chunkEnd).op(up ? `${t}.lt_s` : `${t}.gt_s`).brIf(iterations);
    c.end();
    addIterations(fx, s.point);
    c.br(chunks).end().end();
  }));
}

/**
 * A counted loop of at most POLL_INTERVAL iterations from a known start
 * (`CountedLoop.trips`, as `for i in 0..4`) is one chunk, with none of a
 * chunk's arithmetic: its variable cannot wrap on the way.
 * ```
 * block $brk
 *   br_if $brk (i >= bound)                       ; the loop's own test
 *   poll
 *   loop $iterations
 *     body; i = i + stride
 *     br_if $iterations (i < bound)
 *   end
 * ```
 * Storage's `for i in 0..4`, once per inner node of its tree: the chunk's
 * end, the outer loop's stack check and its test after the chunk were 27
 * instructions an entry (callgrind, at `opt`).
 */
function emitOneChunk(fx: FunctionEmitter, s: LoopStmt, loop: CountedLoop, emitStmts: EmitStmts): void {
  const c = fx.c;
  const t = loop.type;
  const up = loop.direction === 'up';
  const test = (): void => {
    c.localGet(loop.variable);
    emitExpr(fx, loop.bound);
  };
  const brk = c.block();
  test();
  c.op(exitTest(loop)).brIf(brk);
  fx.poll(s.point);
  const iterations = c.loop();
  countIteration(fx);
  fx.withLabel(s.label, { brk, cont: null }, () => emitStmts(fx, [...loop.body, loop.step]));
  test();
  c.op(up ? (loop.inclusive ? `${t}.le_s` : `${t}.lt_s`) : (loop.inclusive ? `${t}.ge_s` : `${t}.gt_s`)).brIf(iterations);
  c.end();
  // After the last iteration: no header to continue at.
  addIterations(fx, null);
  c.end();
}

/** The comparison of the variable with the bound that ends the loop. */
function exitTest(loop: CountedLoop): `${CountedLoop['type']}.${'gt_s' | 'ge_s' | 'lt_s' | 'le_s'}` {
  const t = loop.type;
  if (loop.direction === 'up') return loop.inclusive ? `${t}.gt_s` : `${t}.ge_s`;
  return loop.inclusive ? `${t}.lt_s` : `${t}.le_s`;
}

/**
 * Runs `use` with a push of the loop-invariant `e`, and what reads it again
 * at the start of each chunk: nothing for a constant or a local, a scratch
 * local for an array's length.
 */
function withInvariant(fx: FunctionEmitter, e: Expr, use: (push: () => void, read: () => void) => void): void {
  if (e.op === 'const' || e.op === 'local') return use(() => emitExpr(fx, e), () => {});
  fx.scratch(wasmType(e.type), (local) => use(() => void fx.c.localGet(local), () => {
    emitExpr(fx, e);
    fx.c.localSet(local);
  }));
}

/**
 * ```
 * block $brk
 *   loop $resume
 *     block $poll
 *       loop $cont
 *         br_if $poll (poll word)                            ;; not recording a profile
 *         br_if $poll (++iterations >= ITERATIONS_PER_CALL)  ;; recording a profile
 *         body
 *         br $cont
 *     (add the iterations to the profile; poll)              ;; recording a profile
 *     call safepoint                                         ;; else
 *     br $resume
 * ```
 * Recording, the loop reads the poll word only every ITERATIONS_PER_CALL
 * iterations (Richards' baseline code, at calls counted with callgrind: the
 * count and the poll word at every iteration cost 15 M instructions of the
 * 62 M its profile cost).
 */
function emitPolled(fx: FunctionEmitter, s: LoopStmt, emitStmts: EmitStmts): void {
  const c = fx.c;
  const brk = c.block();
  const resume = c.loop();
  const poll = c.block();
  const cont = c.loop();
  if (fx.facts.recording) countIterationOrLeave(fx, poll);
  else c.i32Const(0).i32AtomicLoad(POLL_REQUEST).brIf(poll);
  fx.withLabel(s.label, { brk, cont }, () => emitStmts(fx, s.body));
  c.br(cont).end().end();
  if (fx.facts.recording) {
    // Left for the count of iterations or for the poll word.
    addIterations(fx, s.point);
    fx.poll(s.point);
  } else {
    fx.safepoint();
    fx.checkValidity(s.point);
  }
  c.br(resume).end().end();
}

/** For measurement only (`CompileOptions.polls` off): a wasm loop and nothing more. */
function emitWithoutPolls(fx: FunctionEmitter, s: LoopStmt, emitStmts: EmitStmts): void {
  const c = fx.c;
  const brk = c.block();
  const cont = c.loop();
  fx.withLabel(s.label, { brk, cont }, () => emitStmts(fx, s.body));
  c.br(cont).end().end();
}
