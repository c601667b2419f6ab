//! The compiler thread of a threaded session, as HotSpot's and V8's
//! compilers run beside the program. A program thread that finds a
//! definition hot in the interpreter claims its baseline code and asks here
//! for it (`Baseline.compiledOrRequested`), interpreting it meanwhile; this
//! thread compiles it and posts it to every program thread as any compiled
//! code is posted (`core/code-sharing.ts`), and each installs it at its next
//! look. A program thread whose baseline code finds a definition hot keeps
//! running that code and asks here for the optimized version
//! (`Baseline.requestOptimized`: the request names the definition and the
//! code id the version will have). This thread catches up with the load
//! log, compiles the version with what the baseline code's profile says
//! (`passes/profile.ts`) (IR to bytes, then bytes to a
//! `WebAssembly.Module`, the costly part), posts it, and only then puts its
//! id in the function's stub slot, if the slot still names that definition.
//! Each program thread's next call of the function installs the version,
//! checking its assumptions against its own program first (a load may have
//! come in meanwhile), so the version is published through the same path as
//! every other code while other threads run the old one. Baseline requests
//! go first: a thread waiting for one runs in the interpreter.
//!
//! It never runs program code: handshakes do not wait for it, and it applies
//! loads only when it compiles.

import { Session } from './session.js';
import { LoadLog } from './load-log.js';
import { CodeChannels, type ThreadPorts } from '../core/code-channels.js';
import { SharedCode } from '../core/code-sharing.js';
import { COMPILER_THREAD, codeProfile, stubSlot } from '../core/layout.js';
import { releaseCodeId } from '../core/code-ids.js';
import { readProfile } from '../passes/profile.js';
import { namedCodeId, uncompiledWord } from '../core/stub-slots.js';
import { codeId, type FunctionId } from '../ir/ids.js';
import type { IrFunction } from '../ir/ir.js';
import type { TierFigures } from '../backend/opt-stats.js';
import { DEFAULT_COMPILE_OPTIONS, type CompileOptions } from '../backend/compile-options.js';
import { compileFunction } from '../backend/pipeline.js';
import type { CompiledFunction } from '../backend/compile-function.js';
import { codeVersion } from '../backend/code-version.js';
import { GlobalStates } from '../core/global-states.js';
import { nowMs } from '../core/clock.js';
import { Tracer, trackOf, type TraceEvent, type TraceStart } from '../core/trace.js';

/**
 * What a program thread asks for: definition `definition` of `fn`,
 * optimized as code `optimized`, or its baseline code (claimed and held by
 * the asker: `CompileQueue.baseline`).
 */
export type CompileRequest =
  | {
    readonly kind: 'opt';
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
  }
  | { readonly kind: 'baseline'; readonly fn: FunctionId; readonly definition: number };

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
  readonly baseline: TierFigures;
  readonly opt: TierFigures;
  /** Requests dropped: the definition was redefined or optimized meanwhile. */
  readonly dropped: number;
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
  private readonly baselineOptions: CompileOptions;
  private readonly optimizedOptions: CompileOptions;
  private readonly globals: GlobalStates;
  private applied = 0;
  private dropped = 0;
  private readonly figures = { baseline: { compiled: 0, seconds: 0, bytes: 0 }, opt: { compiled: 0, seconds: 0, bytes: 0 } };
  private readonly trace: Tracer | null;

  /** `traceSink` takes the trace events in batches, when the run is traced. */
  constructor(start: CompilerStart, traceSink: (events: TraceEvent[]) => void = () => {}) {
    this.trace = start.trace ? new Tracer(trackOf(COMPILER_THREAD), 'compiler', start.trace.origin, traceSink) : null;
    this.log = new LoadLog(start.log);
    this.i32 = new Int32Array(start.memory.buffer);
    this.globals = new GlobalStates(start.memory.buffer);
    this.baselineOptions = start.compile ?? DEFAULT_COMPILE_OPTIONS;
    this.optimizedOptions = { ...this.baselineOptions, speculate: true };
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

  /** Compiles what `request` asks for, if its definition is still current; the requester's hold on the code id goes then. */
  compile(request: CompileRequest): void {
    // Modules that program threads post to every thread are of no use here.
    this.sharing.clearMailbox();
    this.catchUp();
    const id = request.kind === 'opt' ? request.optimized : request.definition;
    try {
      if (request.kind === 'opt') this.compileOptimized(request);
      else this.compileBaseline(request.definition);
    } finally {
      releaseCodeId(this.i32, codeId(id));
    }
  }

  /** The baseline code of definition `definition`, claimed for this thread by the asker: published, or abandoned when the definition is gone. */
  private compileBaseline(definition: number): void {
    const ir = this.session.program.definition(codeId(definition));
    if (!ir) {
      this.sharing.abandon(definition);
      this.dropped++;
      return;
    }
    const profile = Atomics.load(this.i32, codeProfile(definition) >>> 2);
    this.compileAndPublish('baseline', ir, definition, () => compileFunction(ir, this.session.program, codeId(definition), this.baselineOptions, profile === 0 ? {} : { recordAt: profile }));
  }

  private compileOptimized(request: Extract<CompileRequest, { kind: 'opt' }>): void {
    const { fn, definition, optimized, named } = request;
    const current = (word: number): boolean => namedCodeId(word) === definition || namedCodeId(word) === named;
    const slot = stubSlot(fn) >>> 2;
    const word = Atomics.load(this.i32, slot);
    const ir = this.session.program.definition(codeId(definition));
    // A request that another thread's request has answered finds the slot naming that version: dropped.
    if (!ir || !current(word) || this.sharing.acquire(optimized) !== null) {
      this.dropped++;
      return;
    }
    const profile = readProfile(ir, this.i32, Atomics.load(this.i32, codeProfile(definition) >>> 2));
    this.compileAndPublish('opt', ir, optimized, () => compileFunction(ir, this.session.program, codeId(optimized), this.optimizedOptions, { profile, globals: this.globals }));
    // The slot may have gone from `-definition` to `definition` meanwhile (baseline code installed): either is replaced.
    for (let now = Atomics.load(this.i32, slot); current(now); now = Atomics.load(this.i32, slot)) {
      if (Atomics.compareExchange(this.i32, slot, now, uncompiledWord(codeId(optimized))) === now) return;
    }
  }

  /** Compiles version `id` of `ir`, claimed here, and posts it to every program thread; abandons the claim if compiling throws. */
  private compileAndPublish(tier: 'baseline' | 'opt', ir: IrFunction, id: number, compile: () => CompiledFunction): void {
    const start = nowMs();
    let bytes = 0;
    this.trace?.begin('compile', 'compile', { tier, function: ir.name, version: id });
    try {
      const compiled = compile();
      bytes = compiled.bytes.length;
      const { ir: _own, ...shared } = codeVersion(codeId(id), compiled, 0);
      this.sharing.publish(id, shared);
    } catch (e) {
      this.sharing.abandon(id);
      throw e;
    } finally {
      this.trace?.end('compile', 'compile', { bytes });
      // Each compile's events go out with it: the compiler thread may be idle for long.
      this.trace?.flush();
    }
    const figures = this.figures[tier];
    figures.compiled++;
    figures.seconds += (nowMs() - start) / 1000;
    figures.bytes += bytes;
  }

  stats(): CompilerStats {
    return { baseline: { ...this.figures.baseline }, opt: { ...this.figures.opt }, dropped: this.dropped };
  }

  private catchUp(): void {
    const logged = this.log.length;
    for (const { entry } of this.log.entries(this.applied, logged)) this.session.replay(entry);
    this.applied = Math.max(this.applied, logged);
    // Only current definitions are compiled here: the others are forgotten.
    this.session.collect();
    this.session.heap.refresh();
  }
}
