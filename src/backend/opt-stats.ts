//! What the optimizing tier did on one thread: the optimized versions it
//! compiled or installed (and the time that took on this thread: with a
//! compiler thread, only installing, the pause a program thread sees), and
//! why optimized code left for the interpreter, from one table of reasons;
//! and, for `--stats`, every compile of each tier on the thread (versions,
//! seconds, wasm bytes).

export const DEOPT_REASONS = {
  invalidated: 'a load broke an assumption of the code (a redefinition, a new subclass)',
  guard: 'a receiver of another class than the profile saw (eager, before the call)',
  stress: 'forced by CompileOptions.deoptEvery (stress testing)',
} as const;

export type DeoptReason = keyof typeof DEOPT_REASONS;

/**
 * The code each compile makes: a version of a function (baseline or
 * optimized), or an on-stack replacement entry (baseline code that continues
 * an interpreted call, or optimized code that continues a baseline one).
 */
export const COMPILED_TIERS = ['baseline', 'opt', 'osr', 'osr-opt'] as const;
export type CompiledTier = (typeof COMPILED_TIERS)[number];

/** Compiles of one tier: versions compiled, the seconds they took, and their wasm module bytes. */
export interface TierFigures {
  compiled: number;
  seconds: number;
  bytes: number;
}

const noFigures = (): Record<CompiledTier, TierFigures> => ({
  baseline: { compiled: 0, seconds: 0, bytes: 0 },
  opt: { compiled: 0, seconds: 0, bytes: 0 },
  osr: { compiled: 0, seconds: 0, bytes: 0 },
  'osr-opt': { compiled: 0, seconds: 0, bytes: 0 },
});

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
  /** Frames of baseline code that went on in optimized code at a loop header (on-stack replacement). */
  osrEntered = 0;
  /** Every compile on this thread (installing code compiled elsewhere is none), by tier. */
  readonly tiers = noFigures();

  compiledCode(tier: CompiledTier, seconds: number, bytes: number): void {
    const figures = this.tiers[tier];
    figures.compiled++;
    figures.seconds += seconds;
    figures.bytes += bytes;
  }

  count(reason: DeoptReason, frames: number): void {
    this.exits.set(reason, (this.exits.get(reason) ?? 0) + 1);
    this.frames += frames;
  }
}

/** `OptStats` as plain data, to post from a worker. */
export type OptSnapshot = Omit<OptStats, 'exits' | 'count' | 'compiledCode' | 'tiers'> & {
  readonly exits: Readonly<Partial<Record<DeoptReason, number>>>;
  readonly tiers: Readonly<Record<CompiledTier, Readonly<TierFigures>>>;
};

export function snapshotOf(stats: OptStats): OptSnapshot {
  const { compiled, compileSeconds, installed, installSeconds, frames, invalidated, osrEntered } = stats;
  const tiers = Object.fromEntries(COMPILED_TIERS.map((t) => [t, { ...stats.tiers[t] }])) as Record<CompiledTier, TierFigures>;
  return { compiled, compileSeconds, installed, installSeconds, frames, invalidated, osrEntered, exits: Object.fromEntries(stats.exits), tiers };
}
