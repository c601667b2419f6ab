//! Switches that turn off parts of the baseline tier's code, for measuring
//! what those parts cost (`bench/costs.ts`). Only the defaults run programs
//! correctly in every case:
//!
//! - without polls, code cannot be stopped (a trap on another thread,
//!   `--timeout`, Ctrl-C) and never acknowledges a handshake, so a `load`
//!   from another thread waits for it to leave;
//! - without stubs, a call of code known when the caller is compiled (the
//!   function itself, a callee compiled earlier) is a plain `call`, not
//!   checked against the callee's stub slot, so such calls (recursive ones
//!   among them) never see a redefinition;
//! - without inlining, small callees are called (leaves are still inlined):
//!   correct, only slower.

export interface CompileOptions {
  /** Polls at function entry and in loops. */
  readonly polls: boolean;
  /** Calls of known code check the callee's stub slot first. */
  readonly stubs: boolean;
  /** Small callees are inlined (`inline-call.ts`). */
  readonly inline: boolean;
  /**
   * Optimized code (the optimizing tier): call plans assume what the program
   * is (`passes/dependencies.ts`) and the code checks its validity, leaving
   * for the interpreter when a load has broken an assumption (`deopt-exits.ts`).
   */
  readonly speculate?: boolean;
  /** False leaves optimized code's validity checks out: for measuring their cost only (the code never deoptimizes). */
  readonly validityChecks?: boolean;
  /** Stress testing: optimized code also deoptimizes at every Nth validity check (`Baseline`). */
  readonly deoptEvery?: number;
  /**
   * Loop iterations of a frame of baseline code that records a profile
   * after which it asks to continue in optimized code
   * (`emit-profile-counts.ts`, default OSR_AFTER_ITERATIONS): tiering scales
   * it with its own threshold for loops (`tiering/tiering.ts`).
   */
  readonly osrAfterIterations?: number;
  /** Baseline code records a profile even where nothing will be optimized: for measuring what recording costs only. */
  readonly recordProfiles?: boolean;
  /**
   * Stress testing: each thread frees its superseded code at every
   * safepoint, every load sweeps code ids (`core/code-ids.ts`) rather
   * than once enough ids have been taken, and a threaded session's load
   * log compacts whenever it has doubled, however small (`session/load-log.ts`).
   */
  readonly reclaimAlways?: boolean;
}

export const DEFAULT_COMPILE_OPTIONS: CompileOptions = { polls: true, stubs: true, inline: true };
