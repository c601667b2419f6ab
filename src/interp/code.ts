//! The compiled form of one version (one IrFunction object) of a function:
//! its body as a closure, the template of its frames, and its resume entries
//! (built on first use by `resume.ts`). A redefinition makes a new
//! IrFunction, hence a new Code; frames running the old one keep it.

import type { IrFunction } from '../ir/ir.js';
import type { Frame, StmtFn } from './closures.js';
import { compileSeq } from './compile-stmt.js';
import type { Ctx } from './context.js';

export class Code {
  /** The frame slot that receives the return value (just past the locals). */
  readonly ret: number;
  /** A fresh frame: each local zero in its type (0, or 0n for i64). */
  readonly newFrame: () => Frame;
  readonly body: StmtFn;
  /** Resume entries by program point (`resume.ts`). */
  readonly resumes: (StmtFn | undefined)[] = [];

  constructor(
    readonly ir: IrFunction,
    readonly cx: Ctx,
  ) {
    this.ret = ir.locals.length;
    this.newFrame = frameMaker(ir);
    const body = compileSeq(cx, ir.body);
    // A poll at entry, so that recursion without loops also reaches safepoints.
    const poll = cx.host.pollWord;
    this.body = (f) => {
      if (poll[0] !== 0) cx.host.safepoint();
      return body(f);
    };
  }

  /** A fresh frame holding `args` in its first locals. */
  frame(args: readonly (number | bigint)[]): Frame {
    const fr = this.newFrame();
    for (let i = 0; i < args.length; i++) fr[i] = args[i] as number | bigint;
    return fr;
  }
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

function frameMaker(ir: IrFunction): () => Frame {
  const size = ir.locals.length + 1;
  const hasI64 = ir.result === 'i64' || ir.locals.some((l) => l.type === 'i64');
  const literal = LITERAL_FRAMES[size - 1];
  if (literal && !hasI64) return literal;
  const zeros: Frame = ir.locals.map((l) => (l.type === 'i64' ? 0n : 0));
  zeros.push(ir.result === 'i64' ? 0n : 0);
  return () => zeros.slice();
}
