//! A session: one program (the global namespace of every module loaded), one
//! shared memory, and the tiers that run it. This is Rejit's library API.
//!
//! `load` is all or nothing: a module is parsed and checked against the
//! program as it stands, and only a module without errors is applied. A
//! redefinition replaces a function's IR; calls already running keep the
//! body they started with (the tiers look a function's code up at call time).
//!
//! Values cross the API through one checked table (`host-values.ts`), and
//! the API's own errors carry codes (`api-errors.ts`).

import { nowMs } from '../core/clock.js';
import { parseModule } from '../frontend/parser.js';
import { checkModule, type HostNames, type ModuleDelta } from '../frontend/check-module.js';
import { CompileError, type Diagnostic } from '../frontend/diagnostic.js';
import { validateTree } from '../frontend/validate-tree.js';
import type { Module, Pos } from '../frontend/ast.js';
import type { FunctionId, IrFunction } from '../ir/ir.js';
import { codeId } from '../ir/ids.js';
import { typeToString, type ValueType } from '../ir/types.js';
import { Program, type FunctionInfo, type GlobalInfo } from '../core/program.js';
import { Heap, createMemory } from '../core/heap.js';
import { ARRAY_DATA, FULL_COLLECTIONS, MAX_CODES, POLL_REQUEST, STOP_REASON, globalAddress } from '../core/layout.js';
import { CallDeadlines } from './call-deadline.js';
import { codeIdCounts, releaseCodeId, sweepCodeIds, sweepDue, takeCodeIds } from '../core/code-ids.js';
import { codeIdsNeeded, defineCode } from './code-ids.js';
import { LatencyHistogram } from './latency-histogram.js';
import { LoadRefused, NO_FILES, type LoadRequest, type ModuleResolver, type ResolvedModule } from './module-resolver.js';
import type { CheckedModule, LoggedModule } from './load-log.js';
import { UNSHARED, type CodeSharing } from '../core/code-sharing.js';
import { Trap } from '../core/trap.js';
import { InternalError } from '../core/internal-error.js';
import { GlobalState, GlobalStates } from '../core/global-states.js';
import type { GlobalId } from '../ir/ids.js';
import { apiError } from './api-errors.js';
import { arrayTypeNamed, fromRaw, readArray, refTo, toRaw, writeArray, type ArrayValues, type HostValue, type NumericArray, type Ref, type ValueContext } from './host-values.js';
import { StopReason, Stopped } from '../core/control.js';
import { faultFrame, runningCodeIds } from '../backend/wasm-frames.js';
import { CollectionPacer } from '../backend/full-collection.js';
import { HostFault, type HostCall, type HostSite, type RuntimeHost } from '../core/host.js';
import { hostFunctionCall, type HostFunction } from '../core/host-function.js';
import { SharedInput } from '../core/input.js';
import type { Val } from '../interp/closures.js';
import type { Baseline } from '../backend/baseline.js';
import type { CompileOptions } from '../backend/compile-options.js';
import type { OptimizeQueue } from '../backend/baseline.js';
import { OptStats, snapshotOf } from '../backend/opt-stats.js';
import { trackOf, type TraceArgs, type Tracer } from '../core/trace.js';
import { TraceFile } from './trace-file.js';
import { runStats, type RunStats, type ThreadFigures } from './run-stats.js';
import type { CodeVersion } from '../backend/code-version.js';
import { DEFAULT_THRESHOLDS, type TierUpThresholds } from '../tiering/tiering.js';
import { DEFAULT_TIER, tierEntry, type Tier } from '../tiering/tiers.js';

export type { Tier };
export { InternalError };

export type { HostValue };

/** The files whose texts a session keeps for its diagnostics (`remember`). */
const MAX_SOURCES = 1024;

/** How a `Session` runs: its tier, output, memory, module resolver and, for measurement, compile options. */
export interface SessionOptions {
  /**
   * Receives each line a program prints (default: standard output). It may
   * not load, call or store a global of the session (`ERR_REJIT_SESSION_BUSY`):
   * optimized code has no point after a `print` to leave at, so it could not
   * see what that changed.
   */
  readonly print?: (line: string) => void;
  /**
   * Receives output that does not end a line: what `write_byte` wrote after
   * the last newline, when a call from the host returns (default: standard
   * output, or `print` as a line when `print` is given).
   */
  readonly write?: (text: string) => void;
  /**
   * What the `read_byte` builtin reads: these bytes (a string as UTF-8), then
   * the end. Default: the process's standard input.
   */
  readonly input?: Uint8Array | string;
  /** The program's arguments, for the `arg_count` and `arg` builtins (default: none). */
  readonly args?: readonly string[];
  /**
   * Host functions by name: a module's `host fn name(..) -> T;` calls the
   * one of that name (a load that declares one not given here fails).
   * Values are checked where they cross (`core/host-function.ts`).
   */
  readonly host?: Readonly<Record<string, HostFunction>>;
  /**
   * Default: 'auto': starts every function in the interpreter, compiles it
   * once it is hot (a long loop moves to compiled code mid-call: on-stack
   * replacement), and optimizes it once its baseline code is hot.
   * 'baseline' compiles every function at its first call, 'opt' with the
   * optimizing tier, 'interp' never compiles. The list: `tiering/tiers.ts`.
   */
  readonly tier?: Tier;
  /** With 'auto': when a function is hot (default `DEFAULT_THRESHOLDS`). */
  readonly tierUp?: TierUpThresholds;
  /**
   * With 'baseline', for measurement only: code without polls
   * cannot be stopped or take part in handshakes; without stubs, calls of
   * code known when compiling (recursive calls among them) do not see
   * redefinitions (`backend/compile-options.ts`). Default: both on.
   */
  readonly compile?: CompileOptions;
  /** A threaded session's compiler thread, given by the worker that runs this session. */
  readonly optimizeQueue?: OptimizeQueue;
  /** The memory to run in (default: a new one); threads of one run share it. */
  readonly memory?: WebAssembly.Memory;
  /** Set when this session is one thread of a threaded run (`session/thread.ts`). */
  readonly thread?: ThreadHooks;
  /**
   * Where `loadFile` and the `load` builtin read modules
   * (`module-resolver.ts`, e.g. `directoryResolver([dir])`). Default: none;
   * the session reads no files, and `load` traps.
   */
  readonly resolve?: ModuleResolver;
  /**
   * Trace events of loads, compiles, tier-ups, invalidations, deopts and
   * traps (Chrome's Trace Event Format): the path of a file to write them
   * to (finished by `close`, or at exit), or, in a threaded session, the
   * tracer of this session's thread. Default: no tracing.
   */
  readonly trace?: string | Tracer;
}

/**
 * What a session that is one of several threads on one memory needs from
 * its thread: its place in the run, barriers, polls, and the load protocol
 * that keeps every thread's program tables in step (`core/control.ts`).
 */
export interface ThreadHooks {
  readonly threadId: number;
  readonly threadCount: number;
  /** How compiled code is shared with the other threads. */
  readonly code: CodeSharing;
  barrier(): void;
  /** The `sleep_ms` builtin: waits, counted as outside program code (loads and stops proceed). */
  sleep(ms: number): void;
  /** Called by a poll that found the poll request raised. */
  safepoint(): void;
  /**
   * The `read_byte` builtin: the next byte of the run's input, -1 at its end
   * (default: the session's own `input`). `beforeWait` runs first when it
   * has to wait (for the input or another thread's read).
   */
  readByte?(beforeWait: () => void): number;
  /** Output that does not end a line, at the end of a call from the host. */
  write?(text: string): void;
  /** Before checking a module: waits for the load lock and applies other threads' loads. */
  beginLoad(): void;
  /** The module has checked: logs it, or throws a CompileError (nothing changed) when it cannot. */
  logLoad(entry: LoggedModule): void;
  /** The module is applied here: publishes it and waits until every thread has it (`acknowledged` hears of each). */
  publishLoad(acknowledged?: (thread: number) => void): void;
  endLoad(): void;
}

/** The name of the empty module whose load has every thread drop code that folded a global now stored. */
const STORE_PUBLICATION = '<first store of a folded global>';

const SINGLE_THREAD: ThreadHooks = {
  threadId: 0,
  threadCount: 1,
  code: UNSHARED,
  barrier: () => {},
  sleep: (ms) => {
    if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  },
  safepoint: () => {},
  beginLoad: () => {},
  logLoad: () => {},
  publishLoad: () => {},
  endLoad: () => {},
};

const ANY_HOST: HostNames = { has: () => true };
/**
 * A top-level function as a JavaScript function (`Session.lookup`): takes
 * and returns host values as `Session.call` does.
 */
export interface FunctionHandle {
  (...args: HostValue[]): HostValue | undefined;
  /** The function's name. */
  readonly name: string;
  /** Its Rejit signature, `fn name(i32, f64[]) -> i64`. */
  readonly signature: string;
}

/** Options of `Session.callWith`. */
export interface CallOptions {
  /** Milliseconds after which the call traps with `timeout` at its next poll (none: no deadline). */
  readonly timeoutMs?: number;
}

/** The longest deadline `callWith` takes: a day. */
const MAX_TIMEOUT_MS = 86_400_000;

/** Where a trap raised by a poll stands until its stack says (`invoke`). */
const NO_POS: Pos = { line: 0, col: 0 };

/** What `Session.codeStats` reports (`ThreadedSession.codeStats` sums the versions over threads). */
export interface CodeStats {
  /** Code versions kept on this thread: installed code and bridges to the interpreter. */
  readonly liveVersions: number;
  /** Code versions freed on this thread since it started. */
  readonly freedVersions: number;
  /** Bytes of the wasm modules of the live versions (relinked instances share their module's). */
  readonly codeBytes: number;
  readonly freedCodeBytes: number;
  /** Code ids in use in the whole run (definitions and versions), and indices freed and waiting for reuse. */
  readonly liveCodeIds: number;
  readonly freeCodeIds: number;
}

/** What a load added: its classes, new functions, redefined functions and globals, by name. */
export interface LoadResult {
  readonly fileName: string;
  readonly classes: readonly string[];
  readonly functions: readonly string[];
  readonly redefined: readonly string[];
  readonly globals: readonly string[];
}

/**
 * One program and one memory, run on the calling thread: `load` adds modules
 * (all or nothing), `call` runs a function from the host. A session is not a
 * thread pool: see `ThreadedSession`.
 *
 * Process-wide effect: before a session compiles its first function to
 * WebAssembly (every tier but 'interp'), Rejit sets V8's `--no-liftoff` and
 * `--no-wasm-lazy-compilation` flags for the whole process
 * (`backend/engine-flags.ts`; V8 flags cannot be set per module or per
 * thread). From then on every WebAssembly module of the process, the
 * host's own included, is compiled by TurboFan, all its functions when the
 * module is compiled, instead of each function by Liftoff at its first
 * call: compiling a module takes longer (TurboFan compiles more slowly),
 * and its code runs at full speed from the first call. A host that must keep Liftoff for its own modules runs Rejit
 * with `tier: 'interp'`, or in a child process (a worker thread shares the
 * process's flags).
 */
export class Session {
  readonly program = new Program();
  readonly memory: WebAssembly.Memory;
  readonly heap: Heap;
  /** Tier 1, or null when every call runs in the interpreter. */
  private readonly baseline: Baseline | null;
  /** Runs a call from the host, in the tier (or tiers) of this session. */
  private readonly enter: (fn: FunctionId, args: readonly Val[]) => Val | undefined;
  private readonly sources = new Map<string, string>();
  private readonly print: (line: string) => void;
  private readonly write: (text: string) => void;
  private readonly resolve: ModuleResolver;
  private readonly readByte: () => number;
  private readonly args: readonly Uint8Array[];
  private readonly hostFunctions: Readonly<Record<string, HostFunction>>;
  /** The names of `hostFunctions`: a `host fn` must name one of them. */
  private readonly hostNames: ReadonlySet<string>;
  /** Bytes `write_byte` wrote since the last newline: they go out with the line they end. */
  private partial: number[] = [];
  /** Whether the embedder's output callback runs now (`SessionOptions.print`). */
  private printing = false;

  private readonly thread: ThreadHooks;
  private readonly globalStates: GlobalStates;
  private readonly trace: Tracer | null;
  /** The file this session writes its trace to, when it was given a path. */
  private readonly traceFile: TraceFile | null;
  /** How long each load of this thread's waited for the other threads to take it. */
  private readonly handshakes = new LatencyHistogram();
  /** Full collections of this thread's JS heap, paced by the versions and definitions `collect` frees. */
  private readonly collections: CollectionPacer;
  /** The control words (`core/layout.ts`, the last is FULL_COLLECTIONS): a stop request of this session's own calls (`callWith`, `Session.interrupt`), the threads' collections. */
  private readonly controlWords: Int32Array;
  private readonly pollWord: Int32Array;
  private readonly deadlines: CallDeadlines;
  /** Calls from the host running now (a host callback may call again). */
  private calls = 0;
  private closed = false;
  /** What conversions of host values check against: this session's handles, classes and memory. */
  private readonly values: ValueContext;

  /** `CompileOptions.reclaimAlways`: stress testing of code reclamation. */
  private readonly reclaimAlways: boolean;

  constructor(options: SessionOptions = {}) {
    this.reclaimAlways = options.compile?.reclaimAlways === true;
    this.thread = options.thread ?? SINGLE_THREAD;
    // First: a trace file that cannot be written fails before anything is made.
    this.traceFile = typeof options.trace === 'string' ? new TraceFile(options.trace) : null;
    this.trace = this.traceFile ? this.traceFile.tracer(trackOf(this.thread.threadId), `thread ${this.thread.threadId}`) : ((options.trace as Tracer | undefined) ?? null);
    this.memory = options.memory ?? createMemory();
    this.heap = new Heap(this.memory, this.thread.threadId);
    this.values = { owner: this, program: this.program, heap: this.heap };
    this.controlWords = new Int32Array(this.memory.buffer, 0, (FULL_COLLECTIONS >> 2) + 1);
    this.pollWord = new Int32Array(this.memory.buffer, POLL_REQUEST, 1);
    this.deadlines = new CallDeadlines(this.controlWords);
    this.globalStates = new GlobalStates(this.memory.buffer);
    this.collections = new CollectionPacer(this.controlWords);
    const print = options.print;
    this.print = print ?? ((line) => process.stdout.write(`${line}\n`));
    this.write = options.write ?? options.thread?.write?.bind(options.thread) ?? (print ?? ((text) => process.stdout.write(text)));
    this.resolve = options.resolve ?? NO_FILES;
    this.args = (options.args ?? []).map((a) => Buffer.from(a, 'utf8'));
    this.hostFunctions = options.host ?? {};
    this.hostNames = new Set(Object.keys(this.hostFunctions).filter((name) => typeof this.hostFunctions[name] === 'function'));
    const thread = this.thread;
    // Before waiting for input, the output so far goes out, a line begun with one thread too (a prompt shows).
    const beforeWait = (): void => {
      if (thread.threadCount === 1) this.endOutput();
    };
    const readByte = thread.readByte?.bind(thread);
    if (readByte) {
      this.readByte = () => readByte(beforeWait);
    } else {
      let input: SharedInput | null = null;
      this.readByte = () => (input ??= new SharedInput(SharedInput.create(options.input))).readByte((wait) => {
        beforeWait();
        wait();
      });
    }
    const host: RuntimeHost = {
      print: (line) => this.printLine(line),
      load: (path, fromFile, pos) => this.loadFromProgram(path, fromFile, pos),
      barrier: () => thread.barrier(),
      sleep: (ms) => thread.sleep(ms),
      // Alone on its memory, a session's polls stop only for a deadline or an interrupt of its call.
      safepoint: thread === SINGLE_THREAD ? () => this.interrupted() : () => thread.safepoint(),
      globalStored: (global) => this.globalStored(global),
      pollWord: this.pollWord,
      threadId: thread.threadId,
      threadCount: thread.threadCount,
      trace: this.trace,
      hostCall: (site) => this.hostCall(site),
    };
    const tiers = tierEntry(options.tier ?? DEFAULT_TIER).create({
      program: this.program,
      heap: this.heap,
      host,
      sharing: thread.code,
      tierUp: options.tierUp ?? DEFAULT_THRESHOLDS,
      compile: options.compile,
      optimizeQueue: options.optimizeQueue ?? null,
    });
    this.baseline = tiers.baseline;
    this.enter = tiers.enter;
  }

  /** Parses and checks a module, then adds it to the session; throws `CompileError` and changes nothing on error. */
  load(source: string, fileName: string): LoadResult {
    this.checkOpen();
    this.checkNotPrinting('load a module');
    return this.span('load', { file: fileName }, () => {
      this.thread.beginLoad();
      try {
        return this.apply(this.span('parse', {}, () => this.parse(source, fileName)), source, true, true);
      } finally {
        this.thread.endLoad();
      }
    });
  }

  /** `f` as a duration of the trace's load events, ended however `f` ends. */
  private span<T>(name: string, args: TraceArgs, f: () => T): T {
    const trace = this.trace;
    if (!trace) return f();
    trace.begin('load', name, args);
    try {
      return f();
    } finally {
      trace.end('load', name);
    }
  }

  /**
   * Reads a module through the session's resolver and loads it; its name in
   * diagnostics is `path` as given. A path the resolver refuses or cannot
   * read is a CompileError.
   */
  loadFile(path: string): LoadResult {
    this.checkOpen();
    const m = this.read({ path, from: null });
    return this.load(m.source, m.fileName);
  }

  private read(request: LoadRequest): ResolvedModule {
    try {
      return this.resolve(request);
    } catch (e) {
      if (!(e instanceof LoadRefused)) throw e;
      throw new CompileError([{ fileName: e.fileName, line: 1, col: 1, message: e.message }]);
    }
  }

  /**
   * Loads a module built with the builder API (`frontend/builder.ts`), or a
   * syntax tree made elsewhere; `source`, when given, is the text its
   * positions refer to, for diagnostics. The tree is validated first
   * (`frontend/validate-tree.ts`): a malformed one is a CompileError, as a
   * module with errors is.
   */
  loadModule(module: Module, source: string | null = null): LoadResult {
    this.checkOpen();
    const malformed = validateTree(module);
    if (malformed.length > 0) throw new CompileError(malformed, source === null ? this.sources : new Map(this.sources).set(module.fileName, source));
    return this.span('load', { file: module.fileName }, () => {
      this.thread.beginLoad();
      try {
        if (source !== null) this.remember(module.fileName, source);
        return this.apply(module, source, false, true);
      } finally {
        this.thread.endLoad();
      }
    });
  }

  /**
   * Applies a module that another thread of the run has loaded (from the
   * load log): it checked there against the same tables, so it checks here.
   * Its globals are in shared memory already.
   */
  replay(entry: LoggedModule): void {
    if (entry.source !== null) this.remember(entry.module.fileName, entry.source);
    this.span('replay', { file: entry.module.fileName }, () => this.apply(entry.module, entry.source, entry.parsed, false, entry));
  }

  /** Checks and commits `module`: this thread's own load, or the replay of `logged`. */
  /** `parsed`: `module` is what parsing `source` gives. */
  private apply(module: Module, source: string | null, parsed: boolean, own: boolean, logged?: LoggedModule): LoadResult {
    const delta = (logged && this.checkedHere(logged)) ?? this.check(module, own);
    const needed = codeIdsNeeded(delta);
    const ids = own ? takeCodeIds(this.heap.i32, needed) : (logged as LoggedModule).codeIds;
    if (ids.length < needed) {
      const message = `the run has no code ids left: at most ${MAX_CODES} definitions and code versions live at once`;
      throw new CompileError([{ fileName: module.fileName, line: 1, col: 1, message }], this.sources);
    }
    if (own) {
      try {
        this.thread.logLoad({ module, source, parsed, codeIds: ids, redefines: onlyRedefines(delta), checked: this.checked(delta) });
      } catch (e) {
        // Named nowhere: the next sweep frees them.
        for (const id of ids) releaseCodeId(this.heap.i32, codeId(id));
        throw e;
      }
    }
    this.span('apply', {}, () => this.commit(delta, own, ids));
    if (own) {
      // The stub slots and definition words name them now.
      for (const id of ids) releaseCodeId(this.heap.i32, codeId(id));
      this.handshake();
      this.reclaim();
    }
    return {
      fileName: module.fileName,
      classes: delta.classes.map((c) => c.name),
      functions: delta.functions.filter((f) => f.owner === null).map((f) => f.name),
      redefined: delta.redefinitions.map((r) => this.program.functionInfo(r.fn).name),
      globals: delta.globals.map((g) => g.info.name),
    };
  }

  private check(module: Module, own: boolean): ModuleDelta {
    // A replayed module was checked against the loader's host functions (a thread without them, the compiler's, replays it too).
    const { delta, diagnostics } = this.span('check', {}, () => checkModule(module, this.program, own ? this.hostNames : ANY_HOST));
    if (!delta) throw new CompileError(diagnostics, this.sources);
    return delta;
  }

  /** `delta` for another reader of the load log on this thread, with function records of its own (this program's change as it is redefined). */
  private checked(delta: ModuleDelta): CheckedModule {
    const p = this.program;
    return { delta: { ...delta, functions: delta.functions.map((f) => ({ ...f })) }, classes: p.classes.length, functions: p.functions.length, globals: p.globals.length };
  }

  /** The loader's check of a module logged on this thread, when it was made against a program like this one: the same module checks to the same delta. */
  private checkedHere(logged: LoggedModule): ModuleDelta | null {
    const checked = logged.checked;
    const p = this.program;
    if (!checked || checked.classes !== p.classes.length || checked.functions !== p.functions.length || checked.globals !== p.globals.length) return null;
    return checked.delta;
  }

  /**
   * Publishes this thread's load and waits for every thread to take it: how
   * long that took, and (tracing) when each thread had it.
   */
  private handshake(): void {
    const start = nowMs();
    const acknowledgedMs: number[] = [];
    const trace = this.trace;
    trace?.begin('load', 'handshake', {});
    try {
      this.thread.publishLoad(trace ? (t) => void (acknowledgedMs[t] = Math.round((nowMs() - start) * 1000) / 1000) : undefined);
    } finally {
      this.handshakes.record(nowMs() - start);
      // The loading thread's own entry is 0.
      trace?.end('load', 'handshake', { acknowledgedMs: Array.from(acknowledgedMs, (ms) => ms ?? 0) });
    }
  }

  /**
   * Calls a top-level function by name with host values; returns its result
   * (undefined for none). A program error throws a `Trap`; any other failure
   * while the call runs (of the runtime, the engine or a host callback) an
   * `InternalError`.
   */
  call(name: string, ...args: HostValue[]): HostValue | undefined {
    const fn = this.functionNamed(name);
    return this.invoke(fn, checkArguments(fn, args, this.values));
  }

  /**
   * A JavaScript function that calls the top-level function `name` as
   * `call` does, bound to the symbol: it runs the current definition at each
   * call (a redefinition loaded later is what it calls next), without
   * looking the name up again, with the argument conversions made once
   * (`host-values.ts`). `name` must exist when looked up (a declaration
   * without a body is enough: calling it before it is defined traps).
   */
  lookup(name: string): FunctionHandle {
    const fn = this.functionNamed(name);
    const cx = this.values;
    const n = fn.params.length;
    const convert = fn.params.map((t, i) => {
      const what = `argument ${i + 1} of '${name}'`;
      return (v: unknown): Val => toRaw(v, t, what, cx);
    });
    const handle = (...args: HostValue[]): HostValue | undefined => {
      if (args.length !== n) throw apiError('ERR_REJIT_ARGUMENT_COUNT', `'${name}' takes ${n} arguments, got ${args.length}`);
      const raw: Val[] = new Array<Val>(n);
      for (let i = 0; i < n; i++) raw[i] = (convert[i] as (v: unknown) => Val)(args[i]);
      return this.invoke(fn, raw);
    };
    const signature = `fn ${name}(${fn.params.map(typeToString).join(', ')})${fn.result === 'void' ? '' : ` -> ${typeToString(fn.result)}`}`;
    return Object.defineProperties(handle, {
      name: { value: name },
      signature: { value: signature, enumerable: true },
    }) as FunctionHandle;
  }

  /**
   * Calls `name` as `call` does, with options: `timeoutMs` makes the call
   * trap with `timeout` at its first poll (loop back-edge or function entry)
   * after that many milliseconds. The trap unwinds as any other (its stack,
   * no output lost) and the session stays usable. Only the outermost call
   * from the host takes a deadline; calls from host callbacks run under it.
   */
  callWith(name: string, args: readonly HostValue[], options: CallOptions = {}): HostValue | undefined {
    const fn = this.functionNamed(name);
    const raw = checkArguments(fn, args, this.values);
    const ms = options.timeoutMs;
    if (ms === undefined) return this.invoke(fn, raw);
    if (typeof ms !== 'number' || !(ms >= 0) || ms > MAX_TIMEOUT_MS) {
      throw apiError('ERR_REJIT_OPTION', `timeoutMs must be a number of milliseconds from 0 to ${MAX_TIMEOUT_MS}, got ${String(ms)}`);
    }
    if (this.calls > 0 || this.thread !== SINGLE_THREAD) throw apiError('ERR_REJIT_SESSION_BUSY', 'a deadline applies only to an outermost call of a session that is not a thread of a run');
    const id = this.deadlines.arm(ms);
    try {
      return this.invoke(fn, raw);
    } finally {
      this.deadlines.disarm(id);
      this.clearStop();
    }
  }

  /**
   * Makes the call running in the session on `memory` (from another thread:
   * a worker given `session.memory`) trap with `interrupted` at its next
   * poll. An interrupt raised while no call runs is dropped by the next
   * call. On a threaded session's memory, it stops the run as `stop` does.
   */
  static interrupt(memory: WebAssembly.Memory): void {
    const words = new Int32Array(memory.buffer, 0, (POLL_REQUEST >> 2) + 1);
    Atomics.compareExchange(words, STOP_REASON >> 2, StopReason.None, StopReason.Interrupt);
    Atomics.store(words, POLL_REQUEST >> 2, 1);
  }

  /** Runs `fn` with checked raw arguments; converts its result. */
  private invoke(fn: FunctionInfo, raw: Val[]): HostValue | undefined {
    let result: Val | undefined;
    if (this.closed) this.checkOpen();
    this.checkNotPrinting('call a function');
    // A stop request left from before this call (an interrupt raised between calls) is not for it.
    if (this.calls === 0 && this.pollWord[0] !== 0 && this.thread === SINGLE_THREAD) this.clearStop();
    this.calls++;
    try {
      result = this.enter(fn.id, raw);
    } catch (e) {
      if (e instanceof Trap && e.fileName === '') throw this.locate(e);
      if (e instanceof Trap) this.trace?.instant('run', 'trap', { message: e.message, position: `${e.fileName}:${e.pos.line}:${e.pos.col}` });
      if (e instanceof Trap || e instanceof Stopped) throw e;
      const frame = this.baseline ? faultFrame(e, this.baseline.lookup) : undefined;
      throw InternalError.from(e, frame?.entry ?? null, frame?.exact);
    } finally {
      this.endOutput();
      this.calls--;
    }
    return fn.result === 'void' || result === undefined ? undefined : fromRaw(result, fn.result, this.values);
  }

  /**
   * Ends the session: every later use of it (a load, a call, a function
   * handle, a global, an array) throws `ERR_REJIT_SESSION_CLOSED`. What it
   * holds (memory, compiled code) is freed once the host drops its last
   * reference to it and to its handles. Closing again does nothing; closing
   * from a host callback while a call of it runs is `ERR_REJIT_SESSION_BUSY`.
   * A session given a trace file path (`trace`) finishes the file.
   */
  close(): void {
    if (this.calls > 0) throw apiError('ERR_REJIT_SESSION_BUSY', 'a session cannot close while one of its calls runs');
    this.closed = true;
    this.trace?.flush();
    this.traceFile?.close();
  }

  private checkOpen(): void {
    if (this.closed) throw apiError('ERR_REJIT_SESSION_CLOSED', 'the session is closed');
  }

  /** A poll of a session alone on its memory found the poll request raised: a deadline or an interrupt is a trap here. */
  private interrupted(): void {
    const reason = Atomics.load(this.controlWords, STOP_REASON >> 2);
    if (reason === StopReason.Timeout) throw new Trap('timeout', '', NO_POS);
    if (reason === StopReason.Interrupt) throw new Trap('interrupted', '', NO_POS);
  }

  /**
   * A trap raised by a poll (`interrupted`) placed where its stack says:
   * compiled code's innermost frame has the position of its function; the
   * interpreter's has none, and gets the function's.
   */
  private locate(t: Trap): Trap {
    const [inner, ...outer] = t.frames;
    if (!inner) return t;
    const declared = inner.pos.line === 0 ? this.program.functions.find((f) => f?.ir?.name === inner.fn && f.ir.fileName === inner.fileName)?.ir?.pos : undefined;
    const at = { ...inner, pos: declared ?? inner.pos };
    const located = new Trap(t.kind, at.fileName, at.pos, t.detail);
    located.frames.push(at, ...outer);
    return located;
  }

  private clearStop(): void {
    if (this.thread !== SINGLE_THREAD) return;
    Atomics.store(this.controlWords, STOP_REASON >> 2, StopReason.None);
    Atomics.store(this.controlWords, POLL_REQUEST >> 2, 0);
  }

  /** The top-level function `name`, or an `ERR_REJIT_NO_SUCH_NAME` error. */
  private functionNamed(name: string): FunctionInfo {
    this.checkOpen();
    const fn = this.program.functionByName.get(name);
    if (!fn) throw apiError('ERR_REJIT_NO_SUCH_NAME', `no function '${name}'`);
    return fn;
  }

  /**
   * The value of global `name`, read atomically when it is an integer, so
   * that a host can watch a threaded run.
   */
  readGlobal(name: string): HostValue {
    const g = this.globalNamed(name);
    const addr = globalAddress(g.id);
    if (g.type === 'i64') return Atomics.load(this.heap.i64, addr >>> 3);
    if (g.type === 'i32') return Atomics.load(this.heap.i32, addr >>> 2);
    return fromRaw(this.heap.loadGlobal(addr, g.type), g.type, this.values);
  }

  /** Stores `value` into global `name` (atomically for integers). */
  writeGlobal(name: string, value: HostValue): void {
    this.checkNotPrinting('store a global');
    const g = this.globalNamed(name);
    const raw = toRaw(value, g.type, `global '${name}'`, this.values);
    const addr = globalAddress(g.id);
    if (!this.globalStates.published(g.id)) this.globalStored(g.id);
    if (g.type === 'i64') Atomics.store(this.heap.i64, addr >>> 3, raw as bigint);
    else if (g.type === 'i32') Atomics.store(this.heap.i32, addr >>> 2, raw as number);
    else this.heap.storeGlobal(addr, g.type, raw);
  }

  /**
   * A new array of type `type` (`'i32[]'`, `'f64[]'`, `'Shape[]'`, ...)
   * holding `values`: a typed array (`Int32Array` for `i32[]`,
   * `BigInt64Array` for `i64[]`, `Float64Array` for `f64[]`) or any
   * array-like whose elements convert (booleans for `bool[]`, `Ref`s or null
   * for arrays of references). Every element is checked before anything is
   * allocated. On a thread of a run (a threaded session's `session`), an
   * array of references needs its type used by a `new` in a loaded module
   * first (array type ids are assigned in load order on every thread).
   */
  newArray(type: string, values: ArrayLike<unknown>): Ref {
    this.checkOpen();
    const t = arrayTypeNamed(type, this.program);
    const id = this.thread === SINGLE_THREAD ? this.program.arrayTypes.idOf(t.elem) : this.program.arrayTypes.find(t.elem);
    if (id === undefined) throw apiError('ERR_REJIT_ARRAY_TYPE', `no loaded module makes a ${type} yet: a threaded session can only make array types its program makes`);
    return refTo(this, writeArray(t, id, values, this.values), t);
  }

  /**
   * The elements of the array `array` refers to, copied out: an `Int32Array`
   * for `i32[]`, a `BigInt64Array` for `i64[]`, a `Float64Array` for `f64[]`,
   * booleans for `bool[]` and `Ref`s or null for arrays of references. With
   * `into` (a typed array of the element type, at least as long), the
   * elements are copied into it instead, and the part filled is returned.
   */
  readArray(array: Ref, into?: NumericArray): ArrayValues {
    this.checkOpen();
    return readArray(array, this.values, into);
  }

  private globalNamed(name: string): GlobalInfo {
    this.checkOpen();
    const g = this.program.globalByName.get(name);
    if (!g) throw apiError('ERR_REJIT_NO_SUCH_NAME', `no global '${name}'`);
    return g;
  }

  /** The function `name`, or undefined. */
  functionInfo(name: string): FunctionInfo | undefined {
    return this.program.functionByName.get(name);
  }

  /** The optimizing tier on this thread: versions compiled and installed, deoptimizations by reason, versions invalidated by loads. */
  optStats(): OptStats {
    return this.baseline?.stats ?? new OptStats();
  }

  /** What the tiers did on this thread (`--stats`): compiles by tier, deopts by reason, loads, code versions, memory. */
  stats(): RunStats {
    return runStats([this.figures()], null, this.memory.buffer.byteLength);
  }

  /** This thread's part of `stats()`, as plain data (a worker posts it). */
  figures(): ThreadFigures {
    return { opt: snapshotOf(this.optStats()), handshakes: this.handshakes.data(), code: this.codeStats() };
  }

  /** Hands this thread's buffered trace events on. */
  flushTrace(): void {
    this.trace?.flush();
  }

  /**
   * Frees the code this thread keeps for versions that no frame on it runs
   * and nothing names (`Baseline.collect`, from a stack report), then runs a
   * full collection of the JS heap if enough was freed since the last one
   * (`backend/full-collection.ts`: the native memory of freed code goes only
   * then). Loads call it, and threads at the safepoints where they apply
   * other threads' loads; a thread outside program code keeps its code until
   * it next applies one.
   */
  collect(): void {
    this.freeUnused();
    this.fullCollectionIfDue();
  }

  /** `collect` without the full collection: a thread frees before it acknowledges a load, and collects after (the loader does not wait for that). */
  freeUnused(): void {
    this.collections.freed(this.baseline ? this.baseline.collect(runningCodeIds) : this.program.forgetDefinitions(() => false));
  }

  fullCollectionIfDue(): void {
    this.collections.collectIfDue();
  }

  /** After this thread's own load: collects here, and sweeps the code ids that no thread holds any more when a sweep is due. */
  private reclaim(): void {
    this.collect();
    if (!this.reclaimAlways && !sweepDue(this.heap.i32)) return;
    // A profile block is the elements of an i32 array (`Baseline.newProfile`).
    sweepCodeIds(this.heap.i32, this.program.functions.length, (block) => this.heap.free(block - ARRAY_DATA));
  }

  /** Whether this session frees code at every safepoint (`CompileOptions.reclaimAlways`). */
  get reclaimsAlways(): boolean {
    return this.reclaimAlways;
  }

  /**
   * Code versions on this thread (installed code and bridges) live and freed,
   * the bytes of their compiled modules, and the run's code ids in use and
   * freed for reuse (shared by every thread).
   */
  codeStats(): CodeStats {
    const here = this.baseline?.codeStats() ?? { live: 0, freed: 0, liveBytes: 0, freedBytes: 0 };
    const ids = codeIdCounts(this.heap.i32);
    return { liveVersions: here.live, freedVersions: here.freed, codeBytes: here.liveBytes, freedCodeBytes: here.freedBytes, liveCodeIds: ids.live, freeCodeIds: ids.free };
  }

  /** Every code version the baseline tier has made on this thread and not freed, oldest first (with its compile times). */
  compiledCode(): readonly CodeVersion[] {
    return this.baseline?.codeVersions() ?? [];
  }

  private parse(source: string, fileName: string): Module {
    const { module, diagnostics } = parseModule(source, fileName);
    const sources = new Map(this.sources).set(fileName, source);
    if (diagnostics.length > 0) throw new CompileError(diagnostics, sources);
    // Kept even if the check fails, so that its diagnostics can show source lines.
    this.remember(fileName, source);
    return module;
  }

  /**
   * `initializeGlobals`: false when another thread loaded the module and has
   * stored the new globals' values and stub slots already.
   */
  private commit(delta: ModuleDelta, initializeGlobals: boolean, ids: readonly number[]): void {
    const p = this.program;
    for (const c of delta.classes) {
      p.classes[c.id] = c;
      p.classByName.set(c.name, c);
    }
    for (const f of delta.functions) {
      p.functions[f.id] = f;
      if (f.owner === null) p.functionByName.set(f.name, f);
    }
    for (const { fn, ir } of delta.redefinitions) {
      const info = p.functionInfo(fn);
      info.ir = ir;
    }
    const defined = [...delta.functions.filter((f) => f.ir), ...delta.redefinitions.map((r) => p.functionInfo(r.fn))];
    defineCode(p, this.heap.i32, defined, ids, initializeGlobals);
    p.arrayTypes.register(defined.map((f) => f.ir as IrFunction));
    for (const { info, value } of delta.globals) {
      p.globals[info.id] = info;
      p.globalByName.set(info.name, info);
      if (initializeGlobals) this.heap.storeGlobal(globalAddress(info.id), info.type, value);
    }
    for (const c of delta.consts) p.constByName.set(c.name, c);
    this.baseline?.commit(delta.redefinitions.map((r) => r.fn));
  }

  /**
   * Before a store of `global` whose state is not published, from any tier
   * or the host (`core/global-states.ts`): the first such store on any
   * thread marks it stored and, if code folded it, has every thread drop
   * that code in a handshake, as for a load (of nothing); later ones wait
   * for that under the load lock.
   */
  private globalStored(global: GlobalId): void {
    this.thread.beginLoad();
    try {
      const before = this.globalStates.markStored(global);
      if ((before & GlobalState.Stored) === 0 && (before & GlobalState.Folded) !== 0) {
        this.thread.logLoad({ module: { fileName: STORE_PUBLICATION, items: [] }, source: null, parsed: false, codeIds: [] });
        this.baseline?.commit();
        this.thread.publishLoad();
      }
      this.globalStates.markPublished(global);
    } finally {
      this.thread.endLoad();
    }
  }

  // ---- host calls and byte output

  /** One line of output: the bytes `write_byte` wrote before it start it. */
  private printLine(line: string): void {
    this.output(this.print, this.partial.length === 0 ? line : this.takePartial() + line);
  }

  /** Gives `text` to the embedder's output callback `to`, during which the session refuses what would change the program or a global (`SessionOptions.print`). */
  private output(to: (text: string) => void, text: string): void {
    this.printing = true;
    try {
      to(text);
    } finally {
      this.printing = false;
    }
  }

  private checkNotPrinting(what: string): void {
    if (this.printing) throw apiError('ERR_REJIT_SESSION_BUSY', `the print callback cannot ${what}: optimized code would not see the change`);
  }

  private takePartial(): string {
    const text = Buffer.from(this.partial).toString('utf8');
    this.partial = [];
    return text;
  }

  /** The end of a call from the host: a line `write_byte` began and did not end goes out as it is. */
  private endOutput(): void {
    if (this.partial.length > 0) this.output(this.write, this.takePartial());
  }

  /** The call of a `host` site: one of the builtins the session serves (`HOST_BUILTINS`), or a host function. */
  private hostCall(site: HostSite): HostCall {
    switch (site.name) {
      case 'read_byte': return () => this.readByte();
      case 'write_byte': return (args) => {
        const b = (args[0] as number) & 0xff;
        if (b === 10) this.output(this.print, this.takePartial());
        else this.partial.push(b);
        return undefined;
      };
      case 'arg_count': return () => this.args.length;
      case 'arg': return (args) => this.argument(args[0] as number);
    }
    const fn = Object.hasOwn(this.hostFunctions, site.name) ? this.hostFunctions[site.name] : undefined;
    if (typeof fn !== 'function') {
      return () => {
        throw new HostFault('hostFunction', `  the session has no host function '${site.name}'`);
      };
    }
    return hostFunctionCall(site, fn);
  }

  /** The `arg(i)` builtin: a new `i32[]` of argument `i`'s bytes. */
  private argument(i: number): number {
    const bytes = this.args[i];
    if (bytes === undefined) throw new HostFault('indexOutOfBounds', '');
    let addr: number;
    try {
      addr = this.heap.allocArray(this.program.arrayTypes.idOf('i32'), bytes.length);
    } catch (e) {
      if (e instanceof Trap) throw new HostFault(e.kind, '');
      throw e;
    }
    const at = (addr + ARRAY_DATA) >>> 2;
    for (let k = 0; k < bytes.length; k++) this.heap.i32[at + k] = bytes[k] as number;
    return addr;
  }

  /** The `load("path")` builtin: relative to the calling module's file; a failure is a trap. */
  private loadFromProgram(path: string, fromFile: string, pos: Pos): void {
    try {
      const m = this.read({ path, from: fromFile });
      this.load(m.source, m.fileName);
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      throw new Trap('loadFailed', fromFile, pos, e.format());
    }
  }

  /**
   * Keeps the text of file `fileName` for diagnostics: of the MAX_SOURCES
   * files loaded last (a run that loads new files without end keeps a
   * bounded number; a diagnostic in an older one shows no source line).
   */
  private remember(fileName: string, source: string): void {
    this.sources.delete(fileName);
    this.sources.set(fileName, source);
    if (this.sources.size > MAX_SOURCES) this.sources.delete(this.sources.keys().next().value as string);
  }

  /** Renders diagnostics with the source lines of the modules this session has seen. */
  formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
    return new CompileError(diagnostics, this.sources).format();
  }
}

/** `args` as the raw values of a call of `fn`, each checked (`host-values.ts`). */
export function checkArguments(fn: FunctionInfo, args: readonly unknown[], cx: ValueContext): Val[] {
  if (args.length !== fn.params.length) {
    throw apiError('ERR_REJIT_ARGUMENT_COUNT', `'${fn.name}' takes ${fn.params.length} arguments, got ${args.length}`);
  }
  return args.map((a, i) => toRaw(a, fn.params[i] as ValueType, `argument ${i + 1} of '${fn.name}'`, cx));
}

/** The functions `delta` redefines when that is all it does, else null (`load-log.ts`, compaction). */
function onlyRedefines(delta: ModuleDelta): number[] | null {
  const adds = delta.classes.length + delta.functions.length + delta.globals.length + delta.consts.length > 0;
  return adds ? null : delta.redefinitions.map((r) => r.fn);
}
