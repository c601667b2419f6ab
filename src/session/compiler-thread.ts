//! The optimizing compiler's thread of a threaded session, as HotSpot's and
//! V8's optimizing compilers run beside the program: a program thread that
//! finds a definition hot installs its baseline code, keeps running it, and
//! asks here for the optimized version (`Baseline.requestOptimized`: the
//! request names the definition and the code id the version will have). This
//! thread catches up with the load log, compiles the version with what the
//! baseline code's profile says (`passes/profile.ts`) (IR to bytes,
//! then bytes to a `WebAssembly.Module`, the costly part), posts it to every
//! program thread as any compiled code is posted (`core/code-sharing.ts`),
//! and only then puts its id in the function's stub slot, if the slot still
//! names that definition. Each program thread's next call of the function
//! installs the version, checking its assumptions against its own program
//! first (a load may have come in meanwhile), so the version is published
//! through the same path as every other code while other threads run the
//! old one.
//!
//! It never runs program code: handshakes do not wait for it, and it applies
//! loads only when it compiles.

import { Session } from './session.js';
import { LoadLog } from './load-log.js';
import { CodeChannels, type ThreadPorts } from '../core/code-channels.js';
import { SharedCode } from '../core/code-sharing.js';
import { COMPILER_THREAD, codeProfile, stubSlot } from '../core/layout.js';
import { holdCodeId, releaseCodeId } from '../core/code-ids.js';
import { readProfile } from '../passes/profile.js';
import { namedCodeId, uncompiledWord } from '../core/stub-slots.js';
import { codeId, type FunctionId } from '../ir/ids.js';
import { DEFAULT_COMPILE_OPTIONS, type CompileOptions } from '../backend/compile-options.js';
import { compileFunction, compileOsrEntry, type Feedback } from '../backend/pipeline.js';
import type { CompiledFunction } from '../backend/compile-function.js';
import type { TierFigures } from '../backend/opt-stats.js';
import type { IrFunction, PointId } from '../ir/ir.js';
import { codeVersion } from '../backend/code-version.js';
import { GlobalStates } from '../core/global-states.js';
import { nowMs } from '../core/clock.js';
import { Tracer, trackOf, type TraceEvent, type TraceStart } from '../core/trace.js';

/**
 * What a program thread asks for: definition `definition` of `fn`, optimized,
 * as code `optimized`; or, with `entersAt`, the optimized entry that
 * continues a call of that definition from the header of its loop at
 * `entersAt` (on-stack replacement: `Baseline.osrReady`), which no slot names.
 */
export interface OptimizeRequest {
  readonly fn: FunctionId;
  readonly definition: number;
  readonly optimized: number;
  /**
   * The code id `fn`'s slot named when the thread asked: the definition, or
   * a relinked version of it (the same module under an id this thread does
   * not know: `backend/baseline.ts`). Either may be replaced; an id a load
   * stored (a new definition) never equals it.
   */
  readonly named: number;
  readonly entersAt?: PointId;
}

export interface CompilerStart {
  readonly memory: WebAssembly.Memory;
  readonly log: SharedArrayBuffer;
  readonly ports: ThreadPorts;
  readonly threadCount: number;
  readonly compile?: CompileOptions;
  /** When the run is traced: the trace's origin. */
  readonly trace?: TraceStart;
}

/** What the compiler has done so far. */
export interface CompilerStats {
  readonly compiled: number;
  /** Requests dropped: the definition was redefined or optimized meanwhile. */
  readonly dropped: number;
  readonly seconds: number;
  /** Wasm bytes of the versions compiled. */
  readonly bytes: number;
  /** On-stack replacement entries compiled (not counted above). */
  readonly entries: TierFigures;
}

/** What the compiler worker posts to its session: its figures when asked, and its trace events. */
export type CompilerReply =
  | { readonly kind: 'stats'; readonly stats: CompilerStats }
  | { readonly kind: 'trace'; readonly events: readonly TraceEvent[] };

export class CompilerThread {
  private readonly session: Session;
  private readonly log: LoadLog;
  private readonly sharing: SharedCode;
  private readonly i32: Int32Array;
  private readonly options: CompileOptions;
  private readonly globals: GlobalStates;
  private applied = 0;
  private dropped = 0;
  private readonly versions: TierFigures = { compiled: 0, seconds: 0, bytes: 0 };
  private readonly entries: TierFigures = { compiled: 0, seconds: 0, bytes: 0 };
  private readonly trace: Tracer | null;

  /** `traceSink` takes the trace events in batches, when the run is traced. */
  constructor(start: CompilerStart, traceSink: (events: TraceEvent[]) => void = () => {}) {
    this.trace = start.trace ? new Tracer(trackOf(COMPILER_THREAD), 'compiler', start.trace.origin, traceSink) : null;
    this.log = new LoadLog(start.log);
    this.i32 = new Int32Array(start.memory.buffer);
    this.globals = new GlobalStates(start.memory.buffer);
    this.options = { ...(start.compile ?? DEFAULT_COMPILE_OPTIONS), speculate: true };
    // Nothing here waits for another thread's compile, nor is ever stopped.
    this.sharing = new SharedCode(start.memory.buffer, new CodeChannels(start.ports), (wait) => wait(), () => {});
    this.session = new Session({
      memory: start.memory,
      tier: 'interp',
      print: () => {},
      thread: {
        threadId: COMPILER_THREAD,
        threadCount: start.threadCount,
        code: this.sharing,
        barrier: () => {},
        sleep: () => {},
        safepoint: () => {},
        beginLoad: () => {
          throw new Error('the compiler thread loads nothing');
        },
        logLoad: () => {},
        publishLoad: () => {},
        endLoad: () => {},
      },
    });
  }

  /**
   * Compiles what `request` asks for, if its definition is still current;
   * the requester's hold on the optimized id goes then. The requester of an
   * entry keeps its hold (until no frame can enter it), and this thread
   * holds the id too while it compiles.
   */
  compile(request: OptimizeRequest): void {
    const id = codeId(request.optimized);
    if (request.entersAt !== undefined && !holdCodeId(this.i32, id)) {
      this.dropped++;
      return;
    }
    try {
      this.compileHeld(request);
    } finally {
      releaseCodeId(this.i32, id);
    }
  }

  private compileHeld(request: OptimizeRequest): void {
    // Modules that program threads post to every thread are of no use here.
    this.sharing.clearMailbox();
    this.catchUp();
    const { fn, definition, optimized, named, entersAt } = request;
    const ir = this.session.program.definition(codeId(definition));
    if (entersAt !== undefined) {
      // A program thread asks only at a loop's header: the IR has that loop. Its requester installs it when it next asks.
      if (ir) this.compileAndPost(ir, request, this.entries, (feedback) => compileOsrEntry(ir, entersAt, this.session.program, optimized, this.options, feedback) ?? noLoop(ir, entersAt));
      else this.dropped++;
      return;
    }
    const current = (word: number): boolean => namedCodeId(word) === definition || namedCodeId(word) === named;
    const slot = stubSlot(fn) >>> 2;
    // A request that another thread's request has answered finds the slot naming that version: dropped.
    if (!ir || !current(Atomics.load(this.i32, slot))) {
      this.dropped++;
      return;
    }
    if (!this.compileAndPost(ir, request, this.versions, (feedback) => compileFunction(ir, this.session.program, optimized, this.options, feedback))) return;
    // The slot may have gone from `-definition` to `definition` meanwhile (baseline code installed): either is replaced.
    for (let now = Atomics.load(this.i32, slot); current(now); now = Atomics.load(this.i32, slot)) {
      if (Atomics.compareExchange(this.i32, slot, now, uncompiledWord(codeId(optimized))) === now) return;
    }
  }

  /**
   * Compiles what `request` asks for of `ir` (`compile`, given what its
   * definition's profile says) and posts it to every program thread,
   * counting it in `figures`; false when another thread has claimed it.
   */
  private compileAndPost(ir: IrFunction, request: OptimizeRequest, figures: TierFigures, compile: (feedback: Feedback) => CompiledFunction): boolean {
    const { definition, optimized, entersAt } = request;
    if (this.sharing.acquire(optimized) !== null) {
      this.dropped++;
      return false;
    }
    const start = nowMs();
    let bytes = 0;
    const tier: Record<string, string | number> = entersAt === undefined ? { tier: 'opt' } : { tier: 'osr-opt', point: entersAt };
    this.trace?.begin('compile', 'compile', { ...tier, function: ir.name, version: optimized });
    try {
      const profile = readProfile(ir, this.i32, Atomics.load(this.i32, codeProfile(definition) >>> 2));
      const compiled = compile({ profile, globals: this.globals });
      bytes = compiled.bytes.length;
      const { ir: _own, ...shared } = codeVersion(optimized, compiled, 0);
      this.sharing.publish(optimized, shared);
    } catch (e) {
      this.sharing.abandon(optimized);
      throw e;
    } finally {
      this.trace?.end('compile', 'compile', { bytes });
      // Each compile's events go out with it: the compiler thread may be idle for long.
      this.trace?.flush();
    }
    figures.compiled++;
    figures.seconds += (nowMs() - start) / 1000;
    figures.bytes += bytes;
    return true;
  }

  stats(): CompilerStats {
    const { compiled, seconds, bytes } = this.versions;
    return { compiled, dropped: this.dropped, seconds, bytes, entries: { ...this.entries } };
  }

  /**
   * Applies the loads logged since the last call. Each compile does, and the
   * worker does once when it has booted, before any request: the program's
   * first loads are then applied while its thread runs, not when the first
   * request waits for them.
   */
  catchUp(): void {
    const logged = this.log.length;
    for (const { entry } of this.log.entries(this.applied, logged)) this.session.replay(entry);
    this.applied = Math.max(this.applied, logged);
    // Only current definitions are compiled here: the others are forgotten.
    this.session.collect();
    this.session.heap.refresh();
  }
}

function noLoop(ir: IrFunction, point: PointId): never {
  throw new Error(`${ir.name}: no loop at point ${point} to enter`);
}
