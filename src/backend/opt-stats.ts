//! What the optimizing tier did on one thread: the optimized versions it
//! compiled or installed (and the time that took on this thread: with a
//! compiler thread, only installing, the pause a program thread sees), and
//! why optimized code left for the interpreter, from one table of reasons.

export const DEOPT_REASONS = {
  invalidated: 'a load broke an assumption of the code (a redefinition, a new subclass)',
  guard: 'a receiver of another class than the profile saw (eager, before the call)',
  stress: 'forced by CompileOptions.deoptEvery (stress testing)',
} as const;

export type DeoptReason = keyof typeof DEOPT_REASONS;

export class OptStats {
  /** Optimized versions compiled on this thread, and the seconds that took. */
  compiled = 0;
  compileSeconds = 0;
  /** Optimized versions compiled elsewhere (the compiler thread, another program thread) and installed here. */
  installed = 0;
  installSeconds = 0;
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

/** `OptStats` as plain data, to post from a worker. */
export type OptSnapshot = Omit<OptStats, 'exits' | 'count' | 'snapshot'> & { readonly exits: Readonly<Partial<Record<DeoptReason, number>>> };

export function snapshotOf(stats: OptStats): OptSnapshot {
  const { compiled, compileSeconds, installed, installSeconds, frames, invalidated } = stats;
  return { compiled, compileSeconds, installed, installSeconds, frames, invalidated, exits: Object.fromEntries(stats.exits) };
}
