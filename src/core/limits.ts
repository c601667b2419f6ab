//! Limits on the size of a program's functions and on its recursion, the same
//! at every tier (docs/LANGUAGE.md, "Limits"). They leave room below V8's
//! WebAssembly limits (1,000 parameters, 50,000 locals per function) for
//! what the baseline tier adds: the receiver, the depth parameter, scratch
//! locals and the locals of inlined callees.
//!
//! Recursion: every tier counts the frames of functions that make calls, and
//! a call that would pass MAX_FRAMES overflows the stack there, at the same
//! depth whichever tiers the frames run in. A frame of a function that calls
//! nothing adds no depth beyond its own, so it is not counted.
//!
//! - The interpreter counts in one word of the thread block (`TB_DEPTH`), up
//!   at entry and down at exit. A trap does not count down the frames it
//!   unwinds: the entries from the host put back the count they started with.
//! - Compiled code gets the depth with each call, as a parameter (in a
//!   register, not through memory: `passes/depth-param.ts`): the frames
//!   outside the callee. A function that calls compares it with MAX_FRAMES at
//!   entry and passes one more to its calls; an inlined callee that calls
//!   counts as the frame it stands for.
//! - Where the tiers meet, the depth crosses: a call from the interpreter
//!   (or the host) passes the depth word, a bridge to the interpreter sets
//!   the word to the depth it gets (and puts it back on return), and an
//!   on-stack replacement entry continues a frame that the interpreter counted.

import type { Stmt } from '../ir/ir.js';
import { someStmt } from '../ir/operands.js';
import { TB_DEPTH, threadBlock } from './layout.js';

/** Declared parameters of a function or method (`self` not counted). */
export const MAX_PARAMS = 255;

/** Locals of a function: parameters, `let` variables and the checker's temporaries. */
export const MAX_LOCALS = 30_000;

/** The baseline tier inlines no callee that would take a function past this many wasm locals. */
export const MAX_WASM_LOCALS_INLINED = 45_000;

/**
 * Frames of functions that call. Every tier reaches it before V8's own stack
 * runs out on a thread of a threaded session (64 MiB of stack): the
 * interpreter, the heaviest, reached 62,000 frames of a function that calls
 * from inside five nested loops and ifs, 156,000 of a plain recursion. On
 * the JavaScript main thread (a `Session`, about 1 MiB of stack) V8's stack
 * runs out first, at 700 to 2,000 interpreted frames (7,700 to 20,000
 * compiled): that is a stack overflow too, at a depth that depends on the tier.
 */
export const MAX_FRAMES = 40_000;

/** The message of the error that stands for a stack overflow until a call site makes it a trap (`core/unwind.ts`). */
export const FRAME_LIMIT_MESSAGE = `Maximum call stack size exceeded: more than ${MAX_FRAMES} Rejit frames`;

/** The index of thread `threadId`'s frame count in an Int32Array over the memory. */
export function depthWord(threadId: number): number {
  return (threadBlock(threadId) + TB_DEPTH) >>> 2;
}

/**
 * Whether a function body runs in bounded time, making no call and having
 * no loop: it needs no poll at entry, and its baseline code records no
 * profile (what it does costs as much as counting it would; optimized
 * callers inline it).
 */
export function runsBounded(stmts: readonly Stmt[]): boolean {
  return !someStmt(stmts, (s) => s.op === 'call' || s.op === 'loop');
}

/** Whether a function body makes calls, and so counts its frames. */
export function makesCalls(stmts: readonly Stmt[]): boolean {
  return someStmt(stmts, (s) => s.op === 'call');
}

/** Raised where a frame would pass MAX_FRAMES: a call site reports it as a stack overflow at the call. */
export function frameLimit(): never {
  throw new RangeError(FRAME_LIMIT_MESSAGE);
}
