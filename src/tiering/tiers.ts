//! The tiers a session can run, in one list: the CLI's `--tier`, sessions,
//! the golden corpus, the fuzzer and the benchmarks all read it. A tier
//! entry says how to build the code that runs a session's calls; the test
//! configurations say which runs every differential test compares.

import { Baseline, type OptimizeQueue } from '../backend/baseline.js';
import { DEFAULT_COMPILE_OPTIONS, type CompileOptions } from '../backend/compile-options.js';
import type { CodeSharing } from '../core/code-sharing.js';
import type { Heap } from '../core/heap.js';
import type { RuntimeHost } from '../core/host.js';
import type { Program } from '../core/program.js';
import type { FunctionId } from '../ir/ir.js';
import type { Val } from '../interp/closures.js';
import { Interpreter } from '../interp/interpreter.js';
import { DEFAULT_THRESHOLDS, Tiering, type TierUpThresholds } from './tiering.js';

/** What a session is built on: its program, memory, host services and thread. */
export interface TierContext {
  readonly program: Program;
  readonly heap: Heap;
  readonly host: RuntimeHost;
  readonly sharing: CodeSharing;
  /** When a function is hot, for tiers that tier up. */
  readonly tierUp: TierUpThresholds;
  /** For measurement only (`backend/compile-options.ts`). */
  readonly compile: CompileOptions | undefined;
  /** The threaded session's optimizing compiler, for tiers that optimize off the program's threads. */
  readonly optimizeQueue: OptimizeQueue | null;
}

/** The tiers of one session: the interpreter (always there: it resumes frames) and the compiled tier, if any. */
export interface TierSet {
  readonly interpreter: Interpreter;
  readonly baseline: Baseline | null;
  /** Runs a call from the host (interpreter representation of values). */
  enter(fn: FunctionId, args: readonly Val[]): Val | undefined;
}

export interface TierEntry {
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** Whether a threaded session gives it a compiler thread (`session/compiler-thread.ts`). */
  readonly optimizesInBackground: boolean;
  create(context: TierContext): TierSet;
}

export const TIERS = [
  {
    name: 'interp',
    summary: 'never compiles',
    optimizesInBackground: false,
    create({ program, heap, host }: TierContext): TierSet {
      const interpreter = new Interpreter(program, heap, host);
      return { interpreter, baseline: null, enter: (fn, args) => interpreter.call(fn, args) };
    },
  },
  {
    name: 'baseline',
    summary: 'compiles every function to WebAssembly at its first call',
    optimizesInBackground: false,
    create({ program, heap, host, sharing, compile }: TierContext): TierSet {
      const interpreter = new Interpreter(program, heap, host);
      const baseline = new Baseline(program, heap, host, sharing, undefined, compile);
      return { interpreter, baseline, enter: (fn, args) => baseline.call(fn, args) };
    },
  },
  {
    name: 'opt',
    summary: 'compiles every function with the optimizing tier at its first call (deoptimizes to the interpreter)',
    optimizesInBackground: false,
    create({ program, heap, host, sharing, tierUp, compile }: TierContext): TierSet {
      const tiering = new Tiering(program, heap, host, sharing, { thresholds: tierUp, optimizing: 'at-once', compile });
      return { interpreter: tiering.interpreter, baseline: tiering.baseline, enter: (fn, args) => tiering.call(fn, args) };
    },
  },
  {
    name: 'auto',
    summary: 'interprets, compiles a function once it is hot, and optimizes it (on a compiler thread: baseline code runs meanwhile)',
    optimizesInBackground: true,
    create({ program, heap, host, sharing, tierUp, compile, optimizeQueue }: TierContext): TierSet {
      const tiering = new Tiering(program, heap, host, sharing, { thresholds: tierUp, optimizing: 'when-hot', compile, optimizeQueue });
      return { interpreter: tiering.interpreter, baseline: tiering.baseline, enter: (fn, args) => tiering.call(fn, args) };
    },
  },
] as const satisfies readonly TierEntry[];

export type Tier = (typeof TIERS)[number]['name'];

export const TIER_NAMES: readonly Tier[] = TIERS.map((t) => t.name);

/**
 * The tier of sessions and of the CLI when none is given: faster than
 * 'baseline' on AWFY and the micro benchmarks (docs/PERFORMANCE.md), and a
 * run that never gets hot compiles nothing (hello world starts sooner).
 */
export const DEFAULT_TIER: Tier = 'auto';

export function isTier(name: string): name is Tier {
  return (TIER_NAMES as readonly string[]).includes(name);
}

export function tierEntry(name: Tier): TierEntry {
  return TIERS.find((t) => t.name === name)!;
}

/**
 * The runs that every differential test compares with the interpreter (the
 * first): each tier, and tiering with thresholds so low that nearly every
 * call crosses between the tiers (a function's first call interpreted, the
 * next compiled; loops entered by on-stack replacement after 20 iterations).
 */
export interface TestConfig {
  /** How tests name it, and the `rejit run` flags that select it. */
  readonly label: string;
  readonly tier: Tier;
  readonly tierUp: TierUpThresholds;
  /** Stress testing (`--deopt-every`): optimized code deoptimizes at every Nth validity check too. */
  readonly compile?: CompileOptions;
}

const TINY_THRESHOLDS: TierUpThresholds = { calls: 2, backEdges: 20 };

/** Optimized code of the stress configuration deoptimizes at every this many validity checks. */
export const STRESS_DEOPT_EVERY = 3;

export const TEST_CONFIGS: readonly TestConfig[] = [
  ...TIER_NAMES.map((tier) => ({ label: tier, tier, tierUp: DEFAULT_THRESHOLDS })),
  { label: `auto --hot-calls ${TINY_THRESHOLDS.calls} --hot-loops ${TINY_THRESHOLDS.backEdges}`, tier: 'auto', tierUp: TINY_THRESHOLDS },
  { label: `opt --deopt-every ${STRESS_DEOPT_EVERY}`, tier: 'opt', tierUp: DEFAULT_THRESHOLDS, compile: { ...DEFAULT_COMPILE_OPTIONS, deoptEvery: STRESS_DEOPT_EVERY } },
];
