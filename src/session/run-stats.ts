//! `--stats` and the sessions' `stats()`: what the tiers did in a run, from
//! each thread's figures (`Session.figures`, posted by workers with their
//! outcome) and the compiler thread's: per tier, versions compiled, compile
//! time and code bytes; deopts by reason (`backend/opt-stats.ts`); loads and
//! how long their handshakes took; code versions live and freed; peak memory.
//!
//! It only adds figures up and prints them; it measures nothing itself but
//! the process's peak resident memory.

import { COMPILED_TIERS, DEOPT_REASONS, type CompiledTier, type DeoptReason, type OptSnapshot, type TierFigures } from '../backend/opt-stats.js';
import type { CompilerStats } from './compiler-thread.js';
import type { CodeStats } from './session.js';
import { mergeHistograms, percentileMs, type Histogram } from './latency-histogram.js';

/** One thread's part: its optimizing tier's figures and compiles, each of its loads' handshake, its code versions. */
export interface ThreadFigures {
  readonly opt: OptSnapshot;
  readonly handshakes: Histogram;
  readonly code: CodeStats;
}

export interface RunStats {
  /** Compiles on every thread (the compiler thread's are 'opt' and 'osr-opt'). */
  readonly tiers: Readonly<Record<CompiledTier, Readonly<TierFigures>>>;
  readonly deopts: Readonly<Record<DeoptReason, number>>;
  /** Frames the deopts continued in the interpreter. */
  readonly framesRebuilt: number;
  /** Optimized versions made invalid (each thread counts its own). */
  readonly invalidated: number;
  /** Frames of baseline code that went on in optimized code at a loop header. */
  readonly osrEntered: number;
  /** Loads and their handshakes; p50 and p99 within 9% (`latency-histogram.ts`). */
  readonly loads: { readonly count: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  /** Code versions kept and freed, and the bytes of their modules, summed over the threads (each thread instantiates its own). */
  readonly codeVersions: { readonly live: number; readonly freed: number; readonly liveBytes: number; readonly freedBytes: number };
  readonly peakMemory: { readonly residentBytes: number; readonly sharedBytes: number };
}

/** The figures of `threads` (those that ran) and of the compiler thread, with `sharedBytes` of shared memory. */
export function runStats(threads: readonly (ThreadFigures | undefined)[], compiler: CompilerStats | null, sharedBytes: number): RunStats {
  const ran = threads.filter((t): t is ThreadFigures => t !== undefined);
  const tiers = Object.fromEntries(COMPILED_TIERS.map((tier) => {
    const sum = { compiled: 0, seconds: 0, bytes: 0 };
    for (const t of ran) {
      sum.compiled += t.opt.tiers[tier].compiled;
      sum.seconds += t.opt.tiers[tier].seconds;
      sum.bytes += t.opt.tiers[tier].bytes;
    }
    if (tier === 'opt' && compiler) {
      sum.compiled += compiler.compiled;
      sum.seconds += compiler.seconds;
      sum.bytes += compiler.bytes;
    }
    if (tier === 'osr-opt' && compiler) {
      sum.compiled += compiler.entries.compiled;
      sum.seconds += compiler.entries.seconds;
      sum.bytes += compiler.entries.bytes;
    }
    return [tier, sum];
  })) as Record<CompiledTier, TierFigures>;
  const reasons = Object.keys(DEOPT_REASONS) as DeoptReason[];
  const deopts = Object.fromEntries(reasons.map((r) => [r, ran.reduce((n, t) => n + (t.opt.exits[r] ?? 0), 0)])) as Record<DeoptReason, number>;
  const handshakes = mergeHistograms(ran.map((t) => t.handshakes));
  return {
    tiers,
    deopts,
    framesRebuilt: ran.reduce((n, t) => n + t.opt.frames, 0),
    invalidated: ran.reduce((n, t) => n + t.opt.invalidated, 0),
    osrEntered: ran.reduce((n, t) => n + t.opt.osrEntered, 0),
    loads: { count: handshakes.count, p50Ms: percentileMs(handshakes, 0.5), p99Ms: percentileMs(handshakes, 0.99), maxMs: handshakes.maxMs },
    codeVersions: {
      live: ran.reduce((n, t) => n + t.code.liveVersions, 0),
      freed: ran.reduce((n, t) => n + t.code.freedVersions, 0),
      liveBytes: ran.reduce((n, t) => n + t.code.codeBytes, 0),
      freedBytes: ran.reduce((n, t) => n + t.code.freedCodeBytes, 0),
    },
    // maxRSS is in KiB.
    peakMemory: { residentBytes: process.resourceUsage().maxRSS * 1024, sharedBytes },
  };
}

/** The summary `--stats` prints on stderr. */
export function formatStats(s: RunStats): string {
  const ms = (seconds: number): string => `${(seconds * 1000).toFixed(1)} ms`;
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  const rows = COMPILED_TIERS.map((t) => `  ${t.padEnd(9)}${String(s.tiers[t].compiled).padStart(9)}${ms(s.tiers[t].seconds).padStart(14)}${String(s.tiers[t].bytes).padStart(12)}`);
  const reasons = (Object.keys(DEOPT_REASONS) as DeoptReason[]).map((r) => `  ${r.padEnd(12)}${String(s.deopts[r]).padStart(8)}  ${DEOPT_REASONS[r]}`);
  const l = s.loads;
  return [
    'rejit stats',
    `  ${'tier'.padEnd(9)}${'compiled'.padStart(9)}${'compile time'.padStart(14)}${'code bytes'.padStart(12)}`,
    ...rows,
    `  ${'deopt'.padEnd(12)}${'count'.padStart(8)}  why`,
    ...reasons,
    `  frames rebuilt ${s.framesRebuilt}, optimized versions invalidated ${s.invalidated}`,
    `  baseline frames continued in optimized code ${s.osrEntered}`,
    `loads ${l.count}, handshake p50 ${l.p50Ms.toFixed(3)} ms, p99 ${l.p99Ms.toFixed(3)} ms, max ${l.maxMs.toFixed(3)} ms`,
    `code versions live ${s.codeVersions.live} (${kib(s.codeVersions.liveBytes)}), freed ${s.codeVersions.freed} (${kib(s.codeVersions.freedBytes)})`,
    `peak memory: resident ${mib(s.peakMemory.residentBytes)}, shared ${mib(s.peakMemory.sharedBytes)}`,
    '',
  ].join('\n');
}
