//! A session: one program (the global namespace of every module loaded), one
//! shared memory, and the tiers that run it. This is Rejit's library API.
//!
//! `load` is all or nothing: a module is parsed and checked against the
//! program as it stands, and only a module without errors is applied. A
//! redefinition replaces a function's IR; calls already running keep the
//! body they started with (the tiers look a function's code up at call time).

import { parseModule } from '../frontend/parser.js';
import { checkModule, type ModuleDelta } from '../frontend/check-module.js';
import { CompileError, type Diagnostic } from '../frontend/diagnostic.js';
import type { Module, Pos } from '../frontend/ast.js';
import type { FunctionId, IrFunction } from '../ir/ir.js';
import { codeId } from '../ir/ids.js';
import { typeToString, type ValueType } from '../ir/types.js';
import { Program, type FunctionInfo, type GlobalInfo } from '../core/program.js';
import { Heap, createMemory } from '../core/heap.js';
import { ARRAY_DATA, MAX_CODES, POLL_REQUEST, globalAddress } from '../core/layout.js';
import { codeIdCounts, releaseCodeId, sweepCodeIds, sweepDue, takeCodeIds } from '../core/code-ids.js';
import { codeIdsNeeded, defineCode } from './code-ids.js';
import { LoadRefused, NO_FILES, type LoadRequest, type ModuleResolver, type ResolvedModule } from './module-resolver.js';
import type { LoggedModule } from './load-log.js';
import { UNSHARED, type CodeSharing } from '../core/code-sharing.js';
import { Trap } from '../core/trap.js';
import { InternalError } from '../core/internal-error.js';
import { Stopped } from '../core/control.js';
import { faultFrame, runningCodeIds } from '../backend/wasm-frames.js';
import type { RuntimeHost } from '../core/host.js';
import type { Val } from '../interp/closures.js';
import type { Baseline } from '../backend/baseline.js';
import type { CompileOptions } from '../backend/compile-options.js';
import type { OptimizeQueue } from '../backend/baseline.js';
import { OptStats } from '../backend/opt-stats.js';
import type { CodeVersion } from '../backend/code-version.js';
import { DEFAULT_THRESHOLDS, type TierUpThresholds } from '../tiering/tiering.js';
import { DEFAULT_TIER, tierEntry, type Tier } from '../tiering/tiers.js';

export type { Tier };
export { InternalError };

/** The files whose texts a session keeps for its diagnostics (`remember`). */
const MAX_SOURCES = 1024;

/** A value crossing the API: numbers for i32/f64, bigint for i64, boolean for bool, an address for a reference. */
export type HostValue = number | bigint | boolean;

/** How a `Session` runs: its tier, output, memory, module resolver and, for measurement, compile options. */
export interface SessionOptions {
  /** Receives each line a program prints (default: standard output). */
  readonly print?: (line: string) => void;
  /**
   * Default: 'baseline': compiles every function at its first call.
   * 'interp' never compiles; 'auto' starts every function in the interpreter
   * and compiles it once it is hot (a long loop moves to compiled code
   * mid-call: on-stack replacement). The list: `tiering/tiers.ts`.
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
  /** Before checking a module: waits for the load lock and applies other threads' loads. */
  beginLoad(): void;
  /** The module has checked: logs it, or throws a CompileError (nothing changed) when it cannot. */
  logLoad(entry: LoggedModule): void;
  /** The module is applied here: publishes it and waits until every thread has it. */
  publishLoad(): void;
  endLoad(): void;
}

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
  private readonly resolve: ModuleResolver;

  private readonly thread: ThreadHooks;
  /** `CompileOptions.reclaimAlways`: stress testing of code reclamation. */
  private readonly reclaimAlways: boolean;

  constructor(options: SessionOptions = {}) {
    this.reclaimAlways = options.compile?.reclaimAlways === true;
    this.memory = options.memory ?? createMemory();
    this.thread = options.thread ?? SINGLE_THREAD;
    this.heap = new Heap(this.memory, this.thread.threadId);
    this.print = options.print ?? ((line) => process.stdout.write(`${line}\n`));
    this.resolve = options.resolve ?? NO_FILES;
    const thread = this.thread;
    const host: RuntimeHost = {
      print: (line) => this.print(line),
      load: (path, fromFile, pos) => this.loadFromProgram(path, fromFile, pos),
      barrier: () => thread.barrier(),
      sleep: (ms) => thread.sleep(ms),
      safepoint: () => thread.safepoint(),
      pollWord: new Int32Array(this.memory.buffer, POLL_REQUEST, 1),
      threadId: thread.threadId,
      threadCount: thread.threadCount,
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
    this.thread.beginLoad();
    try {
      return this.apply(this.parse(source, fileName), source, true, true);
    } finally {
      this.thread.endLoad();
    }
  }

  /**
   * Reads a module through the session's resolver and loads it; its name in
   * diagnostics is `path` as given. A path the resolver refuses or cannot
   * read is a CompileError.
   */
  loadFile(path: string): LoadResult {
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
   * syntax tree parsed elsewhere; `source`, when given, is the text its
   * positions refer to, for diagnostics.
   */
  loadModule(module: Module, source: string | null = null): LoadResult {
    this.thread.beginLoad();
    try {
      if (source !== null) this.remember(module.fileName, source);
      return this.apply(module, source, false, true);
    } finally {
      this.thread.endLoad();
    }
  }

  /**
   * Applies a module that another thread of the run has loaded (from the
   * load log): it checked there against the same tables, so it checks here.
   * Its globals are in shared memory already.
   */
  replay(entry: LoggedModule): void {
    if (entry.source !== null) this.remember(entry.module.fileName, entry.source);
    this.apply(entry.module, entry.source, entry.parsed, false, entry);
  }

  /** Checks and commits `module`: this thread's own load, or the replay of `logged`. */
  /** `parsed`: `module` is what parsing `source` gives. */
  private apply(module: Module, source: string | null, parsed: boolean, own: boolean, logged?: LoggedModule): LoadResult {
    const { delta, diagnostics } = checkModule(module, this.program);
    if (!delta) throw new CompileError(diagnostics, this.sources);
    const needed = codeIdsNeeded(delta);
    const ids = own ? takeCodeIds(this.heap.i32, needed) : (logged as LoggedModule).codeIds;
    if (ids.length < needed) {
      const message = `the run has no code ids left: at most ${MAX_CODES} definitions and code versions live at once`;
      throw new CompileError([{ fileName: module.fileName, line: 1, col: 1, message }], this.sources);
    }
    if (own) {
      try {
        this.thread.logLoad({ module, source, parsed, codeIds: ids, redefines: onlyRedefines(delta) });
      } catch (e) {
        // Named nowhere: the next sweep frees them.
        for (const id of ids) releaseCodeId(this.heap.i32, codeId(id));
        throw e;
      }
    }
    this.commit(delta, own, ids);
    if (own) {
      // The stub slots and definition words name them now.
      for (const id of ids) releaseCodeId(this.heap.i32, codeId(id));
      this.thread.publishLoad();
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

  /**
   * Calls a top-level function by name with host values; returns its result
   * (undefined for none). A program error throws a `Trap`; any other failure
   * while the call runs (of the runtime, the engine or a host callback) an
   * `InternalError`.
   */
  call(name: string, ...args: HostValue[]): HostValue | undefined {
    const fn = this.program.functionByName.get(name);
    if (!fn) throw new Error(`no function '${name}'`);
    if (args.length !== fn.params.length) throw new Error(`'${name}' takes ${fn.params.length} arguments, got ${args.length}`);
    const raw = args.map((a, i) => toRaw(a, fn.params[i] as ValueType, name));
    let result: Val | undefined;
    try {
      result = this.enter(fn.id, raw);
    } catch (e) {
      if (e instanceof Trap || e instanceof Stopped) throw e;
      const frame = this.baseline ? faultFrame(e, this.baseline.lookup) : undefined;
      throw InternalError.from(e, frame?.entry ?? null, frame?.exact);
    }
    return fn.result === 'bool' ? result === 1 : result;
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
    const raw = this.heap.loadGlobal(addr, g.type);
    return g.type === 'bool' ? raw === 1 : raw;
  }

  /** Stores `value` into global `name` (atomically for integers). */
  writeGlobal(name: string, value: HostValue): void {
    const g = this.globalNamed(name);
    const raw = toRaw(value, g.type, name);
    const addr = globalAddress(g.id);
    if (g.type === 'i64') Atomics.store(this.heap.i64, addr >>> 3, raw as bigint);
    else if (g.type === 'i32') Atomics.store(this.heap.i32, addr >>> 2, raw as number);
    else this.heap.storeGlobal(addr, g.type, raw);
  }

  private globalNamed(name: string): GlobalInfo {
    const g = this.program.globalByName.get(name);
    if (!g) throw new Error(`no global '${name}'`);
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

  /**
   * Frees the code this thread keeps for versions that no frame on it runs
   * and nothing names (`Baseline.collect`, from a stack report). Loads call
   * it, and threads at the safepoints where they apply other threads' loads;
   * a thread outside program code keeps its code until it next applies one.
   */
  collect(): void {
    if (this.baseline) this.baseline.collect(runningCodeIds());
    else this.program.forgetDefinitions(() => false);
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

function toRaw(v: HostValue, t: ValueType, fn: string): number | bigint {
  const bad = (): never => {
    throw new Error(`argument of '${fn}' must be ${typeToString(t)}, got ${typeof v}`);
  };
  switch (t) {
    case 'bool': return typeof v === 'boolean' ? (v ? 1 : 0) : bad();
    case 'i64': return typeof v === 'bigint' ? BigInt.asIntN(64, v) : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : bad();
    case 'i32': return typeof v === 'number' && Number.isInteger(v) ? v | 0 : bad();
    case 'f64': return typeof v === 'number' ? v : bad();
    default: return typeof v === 'number' ? v : bad();
  }
}

/** The functions `delta` redefines when that is all it does, else null (`load-log.ts`, compaction). */
function onlyRedefines(delta: ModuleDelta): number[] | null {
  const adds = delta.classes.length + delta.functions.length + delta.globals.length + delta.consts.length > 0;
  return adds ? null : delta.redefinitions.map((r) => r.fn);
}
