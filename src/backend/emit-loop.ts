//! IR loops to wasm, with their polls: a loop polls at least every
//! POLL_INTERVAL iterations, so that a thread in a hot loop still stops and
//! takes part in handshakes.
//!
//! - A counted loop (`ir/counted-loop.ts`: every `for`) is strip-mined, as
//!   HotSpot does: an outer loop over chunks of at most POLL_INTERVAL
//!   iterations, polling between chunks, around an inner loop without any
//!   poll work; its exit test compares against the chunk's end.
//! - Any other loop reads the poll word at the start of every iteration and
//!   leaves the inner wasm loop for the safepoint call when it is raised.
//!
//! Either way the safepoint call stays out of the inner wasm loop, which
//! keeps the loop's values in registers. Measured against no polls
//! (`bench/costs.ts`, CPU time): a loop summing i * i costs 2-3% more as a
//! `for`, 9% as a `while`; the sieve 22%. A countdown in a local (all loops
//! polled that way before) cost 24% on both summing loops and 35% on the
//! sieve; tested at the back edge rather than the top it cost 10% on the
//! `while`, but more on the sieve, whose inner loop then lacked a register.

import type { Stmt } from '../ir/ir.js';
import { countedLoop, type CountedLoop } from '../ir/counted-loop.js';
import { indexedArrays } from '../ir/indexed-arrays.js';
import { POLL_REQUEST } from '../runtime/layout.js';
import { POLL_INTERVAL, type FunctionEmitter } from './function-emitter.js';

type LoopStmt = Extract<Stmt, { op: 'loop' }>;
type EmitStmts = (fx: FunctionEmitter, stmts: readonly Stmt[]) => void;

export function emitLoop(fx: FunctionEmitter, s: LoopStmt, emitStmts: EmitStmts): void {
  if (!fx.options.polls) return emitWithoutPolls(fx, s, emitStmts);
  const counted = countedLoop(s);
  if (!counted) return emitPolled(fx, s, emitStmts);
  const arrays = fx.versionLoops ? indexedArrays(counted) : [];
  if (arrays.length === 0) return emitStripMined(fx, s, counted, emitStmts);
  emitVersioned(fx, counted, arrays, () => emitStripMined(fx, s, counted, emitStmts));
}

/**
 * A counted loop that indexes `arrays` by its variable, in two copies: one
 * without their null and bounds checks, run when a test before the loop
 * shows that every index the loop can reach is in bounds
 * (`ir/indexed-arrays.ts`), and the checked one otherwise (it then traps at
 * the right iteration). Loops nested in the checked copy get one copy each.
 */
function emitVersioned(fx: FunctionEmitter, loop: CountedLoop, arrays: readonly number[], emitLoopCopy: () => void): void {
  const c = fx.c;
  c.localGet(loop.variable).i32Const(0).i32GeS();
  for (const a of arrays) {
    c.localGet(a).i32Eqz();
    c.if('i32');
    c.i32Const(0);
    c.else();
    c.localGet(loop.end).localGet(a).i32Load(4).i32LeS();
    c.end();
    c.i32And();
  }
  c.if();
  fx.withInBounds(arrays, loop.variable, emitLoopCopy);
  c.else();
  fx.versionLoops = false;
  emitLoopCopy();
  fx.versionLoops = true;
  c.end();
}

/**
 * ```
 * block $brk
 *   loop $chunks
 *     br_if $brk (i >= end)
 *     chunkEnd = end - i >u INTERVAL ? i + INTERVAL : end
 *     loop $iterations
 *       body; i = i + 1
 *       br_if $iterations (i < chunkEnd)
 *     end
 *     poll
 *     br $chunks
 * ```
 * `end - i` is exact as an unsigned number since `i < end`, and `i + INTERVAL`
 * cannot overflow when it is below `end`. The inner loop tests at its bottom:
 * every chunk has at least one iteration. The chunk's end is chosen by an
 * `if` rather than a `select`: V8 computed a `select` inside the inner loop.
 */
function emitStripMined(fx: FunctionEmitter, s: LoopStmt, loop: CountedLoop, emitStmts: EmitStmts): void {
  const c = fx.c;
  const t = loop.type;
  const interval = (): void => void (t === 'i64' ? c.i64Const(BigInt(POLL_INTERVAL)) : c.i32Const(POLL_INTERVAL));
  fx.scratch(t, (chunkEnd) => {
    const brk = c.block();
    const chunks = c.loop();
    c.localGet(loop.variable).localGet(loop.end).op(`${t}.ge_s`).brIf(brk);
    c.localGet(loop.end).localGet(loop.variable).op(`${t}.sub`);
    interval();
    c.op(`${t}.gt_u`).if();
    c.localGet(loop.variable);
    interval();
    c.op(`${t}.add`).localSet(chunkEnd);
    c.else();
    c.localGet(loop.end).localSet(chunkEnd);
    c.end();
    const iterations = c.loop();
    fx.withLabel(s.label, { brk, cont: null }, () => emitStmts(fx, [...loop.body, loop.step]));
    c.localGet(loop.variable).localGet(chunkEnd).op(`${t}.lt_s`).brIf(iterations);
    c.end();
    fx.poll();
    c.br(chunks).end().end();
  });
}

/**
 * ```
 * block $brk
 *   loop $resume
 *     block $poll
 *       loop $cont
 *         br_if $poll (poll word)
 *         body
 *         br $cont
 *     call safepoint
 *     br $resume
 * ```
 */
function emitPolled(fx: FunctionEmitter, s: LoopStmt, emitStmts: EmitStmts): void {
  const c = fx.c;
  const brk = c.block();
  const resume = c.loop();
  const poll = c.block();
  const cont = c.loop();
  c.i32Const(0).i32AtomicLoad(POLL_REQUEST).brIf(poll);
  fx.withLabel(s.label, { brk, cont }, () => emitStmts(fx, s.body));
  c.br(cont).end().end();
  c.call(fx.imports.js('safepoint'));
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
