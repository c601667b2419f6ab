//! The compiled form of one version (one IrFunction object) of a function:
//! its body as a closure, the template of its frames, and its resume entries
//! (built on first use by `resume.ts`). A redefinition makes a new
//! IrFunction, hence a new Code; frames running the old one keep it.

import type { IrFunction } from '../ir/ir.js';
import type { Type } from '../ir/types.js';
import type { CallTarget, Frame, StmtFn } from './closures.js';
import { compileSeq } from './compile-stmt.js';
import type { Ctx } from './context.js';
import type { Heap } from '../core/heap.js';
import { MAX_FRAMES, depthWord, frameLimit, makesCalls } from '../core/limits.js';

export class Code implements CallTarget {
  /** The frame slot that receives the return value (just past the locals). */
  readonly ret: number;
  /** A fresh frame: each local zero in its type (0, or 0n for i64). */
  readonly newFrame: () => Frame;
  readonly body: StmtFn;
  /** Whether the function calls: then its frames count toward the frame limit (`core/limits.ts`). */
  readonly calls: boolean;
  /** Resume entries by program point (`resume.ts`): after the point's statement, and before it (a call that has not run). */
  readonly resumes: (StmtFn | undefined)[] = [];
  readonly resumesBefore: (StmtFn | undefined)[] = [];

  constructor(
    readonly ir: IrFunction,
    readonly cx: Ctx,
  ) {
    this.ret = ir.locals.length;
    this.newFrame = frameMaker([...ir.locals.map((l) => l.type), ir.result]);
    const body = compileSeq(cx, ir.body);
    // A poll at entry, so that recursion without loops also reaches safepoints.
    const poll = cx.host.pollWord;
    const budget = cx.budget;
    const callCost = budget.callCost;
    // Calls count only when a tier is there to compile (1 ns of a 10 ns call otherwise).
    const entered: StmtFn = callCost === 0
      ? (f) => {
          if (poll[0] !== 0) cx.host.safepoint();
          return body(f);
        }
      : (f) => {
          if (poll[0] !== 0) cx.host.safepoint();
          if ((budget.left -= callCost) <= 0) budget.spent();
          return body(f);
        };
    this.calls = makesCalls(ir.body);
    this.body = this.calls ? countFrames(entered, cx.heap) : entered;
  }

  /** A fresh frame holding `args` in its first locals. */
  frame(args: readonly (number | bigint)[]): Frame {
    const fr = this.newFrame();
    for (let i = 0; i < args.length; i++) fr[i] = args[i] as number | bigint;
    return fr;
  }
}

/** `body` counting its frame in the thread's depth word (`core/limits.ts`); past MAX_FRAMES, the stack overflows. */
function countFrames(body: StmtFn, heap: Heap): StmtFn {
  const word = depthWord(heap.threadId);
  return (f) => {
    const depth = (heap.i32[word] as number) + 1;
    if (depth > MAX_FRAMES) frameLimit();
    heap.i32[word] = depth;
    const result = body(f);
    heap.i32[word] = depth - 1;
    return result;
  };
}

/**
 * Small frames without i64 values come from array literals: V8 allocates
 * those inline, and each literal's allocation site learns to make double
 * arrays once its frames receive f64 or large i32 values (a copy of a
 * small-integer array would change representation on every such call).
 * Other frames copy a template.
 */
const LITERAL_FRAMES: readonly (() => Frame)[] = [
  () => [0],
  () => [0, 0],
  () => [0, 0, 0],
  () => [0, 0, 0, 0],
  () => [0, 0, 0, 0, 0],
  () => [0, 0, 0, 0, 0, 0],
  () => [0, 0, 0, 0, 0, 0, 0],
  () => [0, 0, 0, 0, 0, 0, 0, 0],
  () => [0, 0, 0, 0, 0, 0, 0, 0, 0],
  () => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  () => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  () => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
];

/** Makes frames whose slots hold values of `slots` (`void` for an unused result slot), each zero in its type. */
export function frameMaker(slots: readonly Type[]): () => Frame {
  const literal = LITERAL_FRAMES[slots.length - 1];
  if (literal && !slots.includes('i64')) return literal;
  const zeros: Frame = slots.map((t) => (t === 'i64' ? 0n : 0));
  return () => zeros.slice();
}
