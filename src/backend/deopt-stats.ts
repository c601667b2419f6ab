//! Why optimized code left for the interpreter, in one table, and how
//! often on one thread: every deoptimization has a reason from this table.

export const DEOPT_REASONS = {
  invalidated: 'a load broke an assumption of the code (a redefinition, a new subclass)',
  stress: 'forced by CompileOptions.deoptEvery (stress testing)',
} as const;

export type DeoptReason = keyof typeof DEOPT_REASONS;

export class DeoptStats {
  /** Exits taken, by reason. */
  readonly exits = new Map<DeoptReason, number>();
  /** Frames continued in the interpreter (an exit of code with inlined callees continues several). */
  frames = 0;
  /** Optimized versions made invalid on this thread. */
  invalidated = 0;

  count(reason: DeoptReason, frames: number): void {
    this.exits.set(reason, (this.exits.get(reason) ?? 0) + 1);
    this.frames += frames;
  }
}
