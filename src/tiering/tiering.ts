//! Tiering (`--tier auto`): every function starts in the interpreter and is
//! compiled by the baseline tier once it is hot on this thread: after
//! `calls` calls, or `backEdges` loop back-edges, or a mix (`interp/hotness.ts`).
//! A loop that gets hot in a running interpreted call continues in compiled
//! code at its header (on-stack replacement, `passes/osr-entry.ts`).
//!
//! The tiers call each other through the stub slots. The interpreter links a
//! call of a hot version to its compiled code (`CompiledCallee`); compiled code
//! calls a version that is not hot through the dispatcher, which finds a
//! bridge to the interpreter in the version's place in the table
//! (`tiering/bridge.ts`). Whenever a version is installed or relinked, the
//! interpreter forgets what it linked for the function, so its next call
//! links again. Either way a call runs the version that the slot (or, in the
//! interpreter, the function's current definition) names when it starts, and
//! a running call keeps the code it started with, in either tier.
//!
//! Threads decide for themselves: each counts its own calls. A version is
//! still compiled once in the whole run (`code-sharing.ts`): a thread that
//! finds it hot and compiled elsewhere installs that module, and a thread
//! that finds its slot naming code compiled elsewhere runs that code (from
//! compiled callers; its interpreter keeps interpreting until its own count
//! says hot).

import { Baseline, type CompilePolicy, type OptimizeQueue, type Optimizing } from '../backend/baseline.js';
import { bridgeTarget } from './bridge.js';
import type { BridgeTarget } from '../backend/bridge-module.js';
import { CompiledCallee } from './compiled-callee.js';
import { withFullStackTraces } from '../backend/wasm-frames.js';
import type { CallTarget, StmtFn, Val } from '../interp/closures.js';
import type { TierUpPolicy } from '../interp/hotness.js';
import { Interpreter } from '../interp/interpreter.js';
import type { RuntimeHost } from '../core/host.js';
import type { FrameState, FunctionId, IrFunction, PointId } from '../ir/ir.js';
import { DEFAULT_COMPILE_OPTIONS, type CompileOptions } from '../backend/compile-options.js';
import { ITERATIONS_PER_CALL } from '../backend/emit-profile-counts.js';
import { depthWord, makesCalls, runsBounded } from '../core/limits.js';
import type { CodeSharing } from '../core/code-sharing.js';
import type { Heap } from '../core/heap.js';
import type { Program } from '../core/program.js';
import type { Tracer } from '../core/trace.js';

/** When a function version is hot: whichever of the two counts it reaches first, a back-edge costing `backEdges / calls` of a call. */
export interface TierUpThresholds {
  readonly calls: number;
  readonly backEdges: number;
}

/**
 * Measured on AWFY and the micro benchmarks (CPU time against `--tier
 * baseline`, geometric means), before the optimizing tier: 10 calls / 1,000
 * back-edges 1.07x at full size and 1.12x with one iteration; 100 / 10,000
 * 1.08x and 1.14x; 1,000 / 100,000 1.09x and 1.26x; 10,000 / 1,000,000
 * 1.18x. Compiling lukewarm code costs about 0.7 ms a version. Since the
 * optimizing tier, what the interpreter runs also delays the profile and the
 * optimized code, and its calls of compiled code cross into wasm from
 * JavaScript (DeltaBlue: 199,000 such calls at 100 / 10,000, 19,000 at 10 /
 * 1,000). In-process CPU time against `--tier baseline` (a loaded machine,
 * medians of 3): DeltaBlue 1.33x at 100 / 10,000, 1.16x at 10 / 1,000, 1.21x
 * at 3 / 300; CD 1.25x, 1.10x, 1.19x; List 1.21x, 1.09x, 1.06x.
 */
export const DEFAULT_THRESHOLDS: TierUpThresholds = { calls: 10, backEdges: 1_000 };

export interface TieringOptions {
  readonly thresholds: TierUpThresholds;
  /**
   * When a definition gets optimized code (`CompileOptions.speculate`):
   * never (baseline code only), when its baseline code is hot, or at once
   * (then every version is compiled at its first call, and the interpreter
   * runs only frames that optimized code left).
   */
  readonly optimizing: Optimizing;
  /** For measurement and stress testing only (`backend/compile-options.ts`). */
  readonly compile?: CompileOptions;
  /** Where optimized versions are compiled off this thread; without one, they are compiled here. */
  readonly optimizeQueue?: OptimizeQueue | null;
}

export class Tiering implements TierUpPolicy, CompilePolicy {
  readonly interpreter: Interpreter;
  readonly baseline: Baseline;
  readonly budget: number;
  readonly callCost: number;
  private readonly hotVersions = new WeakSet<IrFunction>();
  /** Compiled callees for the interpreter, by code id. */
  private readonly callees = new Map<number, CompiledCallee>();
  /** On-stack replacement entries of each version, by loop point. */
  private readonly osrCallees = new WeakMap<IrFunction, Map<PointId, CallTarget | undefined>>();

  private readonly when: Optimizing;
  private readonly trace: Tracer | null;
  private readonly compileAll: boolean;

  constructor(
    program: Program,
    private readonly heap: Heap,
    host: RuntimeHost,
    sharing: CodeSharing,
    { thresholds, optimizing, compile, optimizeQueue }: TieringOptions = { thresholds: DEFAULT_THRESHOLDS, optimizing: 'when-hot' },
  ) {
    this.trace = host.trace ?? null;
    this.when = optimizing;
    this.compileAll = optimizing === 'at-once';
    this.budget = thresholds.backEdges;
    // Rounded up: a version called `calls` times is hot however the division falls.
    this.callCost = Math.ceil(thresholds.backEdges / thresholds.calls);
    this.interpreter = new Interpreter(program, heap, host, this);
    // A frame of baseline code asks to continue in optimized code at a loop after 2 * ITERATIONS_PER_CALL times the interpreter's loop
    // threshold: by default 200,000 iterations, twice as many as make its function hot (`passes/profile.ts`), so that a frame of a
    // definition's code asks for the definition first, and leaves for an entry only if it runs as long again.
    const options = { ...(compile ?? DEFAULT_COMPILE_OPTIONS), osrAfterIterations: 2 * ITERATIONS_PER_CALL * thresholds.backEdges };
    this.baseline = new Baseline(program, heap, host, sharing, this, options, optimizeQueue ?? null);
  }

  /** Calls function `fn` from outside the program (interpreter representation of values). */
  call(fn: FunctionId, args: readonly Val[]): Val | undefined {
    if (this.compileAll) return this.baseline.call(fn, args);
    return withFullStackTraces(() => this.interpreter.call(fn, args));
  }

  // ---- the interpreter's side

  hot(ir: IrFunction): void {
    if (this.trace && !this.hotVersions.has(ir)) this.trace.instant('tier', 'tier-up', { function: ir.name, to: 'baseline' });
    this.hotVersions.add(ir);
    this.baseline.compiledVersion(ir);
  }

  compiled(ir: IrFunction): CallTarget | undefined {
    if (!this.compiles(ir)) return undefined;
    const id = this.baseline.compiledVersion(ir);
    if (id === 0) return undefined;
    let callee = this.callees.get(id);
    if (!callee) {
      callee = new CompiledCallee(ir, this.baseline.entry(id), this.baseline.lookup, this.heap, 0, { id, stale: () => this.interpreter.relink(ir.id) });
      this.callees.set(id, callee);
    }
    return callee;
  }

  osr(ir: IrFunction, point: PointId): CallTarget | undefined {
    this.hot(ir);
    const callees = this.osrCallees.get(ir) ?? new Map<PointId, CallTarget | undefined>();
    this.osrCallees.set(ir, callees);
    if (callees.has(point)) return callees.get(point);
    const compiled = this.baseline.compileOsrEntry(ir, point);
    // The entry's parameters are all the frame's locals, in the frame's order: the callee reads them and writes the result slot.
    // It continues a frame that the interpreter counted if it calls (`core/limits.ts`).
    const counted = makesCalls(ir.body) ? 1 : 0;
    const entry = compiled ? new CompiledCallee(compiled.ir, compiled.entry, this.baseline.lookup, this.heap, counted, undefined, compiled.code) : undefined;
    const callee = entry && this.trace ? tracedEntry(entry, this.trace, ir.name, point) : entry;
    callees.set(point, callee);
    return callee;
  }

  // ---- the baseline's side

  compiles(ir: IrFunction): boolean {
    return this.compileAll || this.hotVersions.has(ir);
  }

  /** A definition that runs in bounded time keeps its baseline code at auto: it records no profile, and optimized callers inline it. */
  optimizing(ir: IrFunction): Optimizing {
    return this.when === 'when-hot' && runsBounded(ir.body) ? 'never' : this.when;
  }

  /** The frames count as running: the interpreter's depth word holds those that call and those outside, as a bridge's callee's does. */
  resume(frames: readonly FrameState[], depth: number): Val | undefined {
    const heap = this.heap;
    const word = depthWord(heap.threadId);
    const outside = heap.i32[word] as number;
    try {
      return this.interpreter.resume(frames, (counted) => void (heap.i32[word] = depth + counted));
    } finally {
      heap.i32[word] = outside;
    }
  }

  interpreted(ir: IrFunction): BridgeTarget {
    return bridgeTarget(this.interpreter.codeFor(ir), ir.locals.slice(0, ir.paramCount).map((l) => l.type), this.heap);
  }

  changed(fn: FunctionId): void {
    this.interpreter.relink(fn);
  }

  freed(fn: FunctionId, id: number): void {
    this.callees.delete(id);
    this.interpreter.relink(fn);
  }
}

/** An on-stack replacement entry whose runs (the rest of a call, in compiled code) are durations of the trace. */
function tracedEntry(entry: CallTarget, trace: Tracer, fn: string, point: PointId): CallTarget {
  const body: StmtFn = (f) => {
    trace.begin('tier', 'osr', { function: fn, point });
    try {
      return entry.body(f);
    } finally {
      trace.end('tier', 'osr');
    }
  };
  return { ir: entry.ir, ret: entry.ret, newFrame: entry.newFrame, body };
}
