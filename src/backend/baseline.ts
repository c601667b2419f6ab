//! Tier 1, the baseline compiler's runtime on one thread: functions compile
//! to wasm on their first call and are reached through their stub slots.
//!
//! A stub slot (`layout.stubSlot(fn)`, shared memory) holds the code id of
//! the function's current definition: `id` once compiled, `-id` before, 0
//! when it has none. `resolve` (called by a hub dispatcher, or by a
//! JavaScript entry) compiles the definition once, installs the code in the
//! thread's table and stores its id in the slot. A load that redefines a
//! function stores `-newId` in its slot: calls that start afterwards resolve
//! the new definition, while frames already running stay in the old code
//! (its instance lives on).
//!
//! A code id names a definition: ids are handed out as loads commit, in the
//! same order on every thread of a run (they replay the same loads), so a
//! slot means the same definition everywhere. Each thread compiles and
//! installs that code itself when it first finds the id in a slot.
//!
//! With several threads, one compiled module serves every thread
//! (`core/code-sharing.ts`): what a thread has installed reaches the
//! code only as the imports of its own instance.
//!
//! Mixed with the interpreter (`tiering/tiering.ts`), a call of a version that
//! is not hot yet is not compiled: it runs in the interpreter through a bridge
//! (`tiering/bridge.ts`) that `resolve` installs at the version's index in the table.
//!
//! Linking: a module imports the code of the functions it calls directly,
//! bound when a thread instantiates it (`code-table.ts`) to the code they
//! have there then. A function is compiled at its first call, before the
//! functions it calls, so those calls go through the dispatcher at first.
//! Relinking (runs of one thread): when one of those callees gets code, the
//! caller's slot is reset (if the caller's code is still current) to a new
//! code id; its next call instantiates the same module again under that id,
//! now linked to the callee: a direct call, with nothing compiled again
//! (AWFY Towers: 4.9 s to 2.4 s). At most MAX_RELINKS times per definition.

import { nowMs } from '../core/clock.js';
import type { FrameState, FunctionId, IrFunction, Local, PointId } from '../ir/ir.js';
import { isRefType } from '../ir/types.js';
import { codeId, type CodeId } from '../ir/ids.js';
import type { RuntimeHost } from '../core/host.js';
import type { Heap } from '../core/heap.js';
import { ARRAY_DATA, ElemKind, MAX_CODES, VERSION_IDS_BELOW, codeOrigin, codeProfile, codeState, stubSlot } from '../core/layout.js';
import { releaseCodeId, takeCodeIds } from '../core/code-ids.js';
import { CodeHolds } from './code-holds.js';
import { POLYMORPHIC, PROFILE_CALLS, PROFILE_SITES, PROFILE_SITE_SIZE, computeProfileSites, profileBytes, readProfile } from '../passes/profile.js';
import type { Program } from '../core/program.js';
import { isUncompiledWord, namedCodeId, uncompiledWord } from '../core/stub-slots.js';
import { CodeState, type CodeSharing } from '../core/code-sharing.js';
import type { TrapKind } from '../core/trap.js';
import { isStackOverflow, unwindOutermost } from '../core/unwind.js';
import { depthWord, runsBounded } from '../core/limits.js';
import type { BridgeTarget } from './bridge-module.js';
import type { DeoptFrame } from './deopt-exits.js';
import { writeClassMetadata } from './class-metadata.js';
import { CodeTable, SharedModules } from './code-table.js';
import { codeVersion, moduleIdOf, relinkedVersion, type CodeVersion, type SharedCodeVersion } from './code-version.js';
import { DependencyRegistry } from './dependency-registry.js';
import { GlobalStates } from '../core/global-states.js';
import { describeDependency, holds } from '../passes/dependencies.js';
import { pointPosition } from '../ir/point-positions.js';
import type { Tracer } from '../core/trace.js';
import { OptStats, type DeoptReason } from './opt-stats.js';
import { DEFAULT_COMPILE_OPTIONS, type CompileOptions } from './compile-options.js';
import { compileFunction, compileOsrEntry } from './pipeline.js';
import { raiseTrap, trapFromCompiled, withFullStackTraces, type CodeLookup } from './wasm-frames.js';
import { wasmSig } from './wasm-types.js';

/**
 * Relinks of one compiled version (of its module) after which it keeps
 * calling through the dispatcher: functions that call each other relink
 * each other in turn.
 */
const MAX_RELINKS = 4;
const OSR_IDS = 2 ** 30;
/**
 * Optimized versions of a function whose assumptions a load broke, after
 * which it gets baseline code (no deoptimization loop): each such load
 * also compiles its callers again.
 */
const MAX_INVALIDATIONS = 8;
/**
 * Failed guards of an optimized version after which it is invalidated, and
 * its definition optimized again from the profile that the failures marked
 * (`guardFailed`). V8 reoptimizes at the first eager exit, HotSpot after a
 * few traps at one bytecode; measured on DeltaBlue at auto in docs/PERFORMANCE.md.
 */
const GUARD_FAILURES_BEFORE_REOPTIMIZING = 1;

/** How the baseline tier shares a run with the interpreter (`tiering/tiering.ts`). */
export interface CompilePolicy {
  /** Whether a call of version `ir`, not compiled on this thread, compiles it; else the call runs it in the interpreter. */
  compiles(ir: IrFunction): boolean;
  /**
   * When definition `ir` gets optimized code (`CompileOptions.speculate`):
   * never, at once (instead of baseline code), or once its baseline code,
   * which then records a profile (`passes/profile.ts`), is hot.
   */
  optimizing(ir: IrFunction): Optimizing;
  /**
   * Continues frames that optimized code left (outermost first) in the
   * interpreter, `depth` Rejit frames outside them; returns the call's result.
   */
  resume(frames: readonly FrameState[], depth: number): number | bigint | undefined;
  /** What the bridge to version `ir` runs (`tiering/bridge.ts`). */
  interpreted(ir: IrFunction): BridgeTarget;
  /** Function `fn`'s code on this thread has changed: a version was installed, or its slot was reset for relinking. */
  changed(fn: FunctionId): void;
  /** Code version `id` of `fn` is freed on this thread: whatever the policy made for it goes. */
  freed(fn: FunctionId, id: number): void;
}

/**
 * Where a thread sends the definitions it wants optimized off its own
 * thread (a threaded session's compiler, `session/compiler-thread.ts`):
 * definition `definition` of `fn`, as code id `optimized`, whose origin word
 * names the definition already.
 */
export interface OptimizeQueue {
  /** `named`: the code id `fn`'s slot named when asked, the definition's or one of its relinked versions' (`OptimizeRequest`). */
  request(fn: FunctionId, definition: CodeId, optimized: CodeId, named: CodeId): void;
  /** The optimized entry that continues a call of definition `definition` of `fn` at the header of its loop at `point`, as code `optimized`, which the requester keeps holding. */
  requestEntry(fn: FunctionId, definition: CodeId, optimized: CodeId, point: PointId): void;
  /**
   * Baseline code that will ask for optimized code once hot was just made:
   * a compiler thread that has not started yet starts now, since it takes
   * about as long to start as such code takes to get hot.
   */
  expect(): void;
}

export type Optimizing = 'never' | 'at-once' | 'when-hot';

/** An optimized on-stack replacement entry of one thread (`Baseline.osrReady`): it continues version `ir` at the header of its loop at `point`. */
interface OptimizedEntry {
  readonly id: CodeId;
  readonly ir: IrFunction;
  readonly point: PointId;
  /** Its code (whose `ir` is the version it continues) and export; null until the compiler thread has posted it. */
  code: CodeVersion | null;
  run: WebAssembly.ExportedFunction | null;
  /** Frames running in it now: once it is dropped, the last to leave lets go of its code id. */
  running: number;
  dropped: boolean;
}

/** The baseline tier alone: every function is compiled at its first call. */
export const COMPILE_ALL: CompilePolicy = {
  compiles: () => true,
  optimizing: () => 'never',
  resume: () => {
    throw new Error('baseline code has no frames to resume');
  },
  interpreted: (ir) => {
    throw new Error(`${ir.name} has no interpreter to run in`);
  },
  changed: () => {},
  freed: () => {},
};

export class Baseline {
  /** Code installed on this thread, by id. */
  private readonly versions = new Map<CodeId, CodeVersion>();
  /** On-stack replacement entries, by id: the interpreter frames that may enter one again keep it (`compileOsrEntry`). */
  private readonly osrVersions = new Map<CodeId, WeakRef<CodeVersion>>();
  /** The code ids this thread holds (`code-holds.ts`). */
  private readonly holds: CodeHolds;
  /** Definitions being resolved on this thread now: kept by a collection that runs meanwhile (a safepoint while waiting for code). */
  private readonly resolving: CodeId[] = [];
  /** Versions made and freed on this thread (installed code and bridges), and the bytes of the modules freed. */
  private freedVersions = 0;
  private freedBytes = 0;
  /** The order in which versions were made here (`codeVersions`). */
  private readonly made = new WeakMap<CodeVersion, number>();
  private madeCount = 0;
  /** What each installed version holds: its id, and the ids its code reads (`install`). */
  private readonly heldFor = new Map<CodeId, readonly CodeId[]>();
  /**
   * With one thread: the code versions that call each function, linked to
   * the code it had when they were installed (or to none). Once it has other
   * code (at `--tier auto`: baseline code, then optimized), their calls of it
   * go through the dispatcher, so they are relinked; baseline code that
   * records a profile only for callees that had none.
   */
  private readonly waiting: Map<FunctionId, Set<CodeVersion>> | null;
  /** Relinks of each module, by module id (`MAX_RELINKS`). */
  private readonly relinks = new Map<number, number>();
  /** Relinked versions not installed yet: the version whose module each reuses. */
  private readonly relinking = new Map<CodeId, CodeVersion>();
  /** Optimized versions installed here, by what may break their assumptions. */
  private readonly dependencies = new DependencyRegistry();
  private readonly globals: GlobalStates;
  /** False once the code ids for optimized versions are used up. */
  private idsLeft = true;
  /** Definitions whose baseline code has asked to be optimized (`passes/profile.ts`). */
  private readonly hot = new Set<CodeId>();
  /** Failed guards of each optimized version run here, by module id. */
  private readonly guardFailures = new Map<number, number>();
  /** Definitions whose optimized version this thread has asked the compiler for. */
  private readonly requested = new Set<CodeId>();
  /** Optimized versions of each function invalidated on this thread. */
  private readonly invalidations = new Map<FunctionId, number>();
  /** Optimized on-stack replacement entries of each version, by loop point (`osrReady`); null where none can be made. */
  private readonly optimizedEntries = new WeakMap<IrFunction, Map<PointId, OptimizedEntry | null>>();
  /** The optimized entries not dropped yet, by code id. */
  private readonly liveEntries = new Map<CodeId, OptimizedEntry>();
  /** Values that optimized code hands over before it calls an exit (`deopt-exits.ts`), and baseline code before it enters optimized code. */
  private readonly deoptValues: (number | bigint)[] = [];
  private deoptTicks = 0;
  readonly stats = new OptStats();
  /** Code ids of on-stack replacement entries: far above the ids that loads hand out, and per thread. */
  private nextOsrId = OSR_IDS;
  private classesWritten = 1;
  /** Made at the first compile or bridge: a run that never compiles (hello world at auto) skips building the runtime module and setting V8's flags. */
  private codeTable: CodeTable | null = null;
  private readonly makeTable: () => CodeTable;
  private get table(): CodeTable {
    return (this.codeTable ??= this.makeTable());
  }
  readonly lookup: CodeLookup = (id) => this.versions.get(codeId(id)) ?? this.osrVersions.get(codeId(id))?.deref();

  /** Versions whose bridge stands in this thread's table. */
  private readonly bridged = new Set<number>();
  /** Compiles, tier-ups, invalidations and deopts go here when tracing (`core/trace.ts`). */
  private readonly trace: Tracer | null;

  constructor(
    readonly program: Program,
    private readonly heap: Heap,
    private readonly host: RuntimeHost,
    private readonly sharing: CodeSharing,
    private readonly policy: CompilePolicy = COMPILE_ALL,
    private readonly options: CompileOptions = DEFAULT_COMPILE_OPTIONS,
    /** Optimizes off this thread when given; otherwise optimized code is compiled here, at once. */
    private readonly queue: OptimizeQueue | null = null,
  ) {
    this.globals = new GlobalStates(heap.memory.buffer);
    this.trace = host.trace ?? null;
    const raise = (kind: TrapKind, detail?: string): never => raiseTrap(kind, this.lookup, detail);
    const threaded = host.threadCount > 1;
    const every = options.deoptEvery ?? 0;
    const deopt = {
      value: (v: number | bigint) => void this.deoptValues.push(v),
      exit: (code: CodeVersion, exit: number) => this.deoptimize(code, exit),
      tick: () => (every > 0 && ++this.deoptTicks % every === 0 ? 1 : 0),
      optimize: (code: CodeVersion) => this.baselineHot(code),
      osrReady: (code: CodeVersion, point: PointId) => this.osrReady(code, point),
      osrEnter: (code: CodeVersion, point: PointId) => this.osrEnter(code, point),
    };
    this.holds = new CodeHolds(heap.i32);
    this.makeTable = () => new CodeTable(new SharedModules(threaded), { heap, host, raise, resolve: (fn) => this.resolve(fn), installed: (fn) => this.installed(fn), deopt });
    this.waiting = threaded ? null : new Map();
    this.commit();
  }

  /**
   * After a load has changed the program (redefining `redefined`):
   * metadata for the new classes, and the optimized code whose assumptions
   * the load broke made invalid.
   */
  commit(redefined: readonly FunctionId[] = []): void {
    const classes = this.program.classes;
    const added = [];
    for (; this.classesWritten < classes.length; this.classesWritten++) {
      const c = classes[this.classesWritten];
      if (!c) continue;
      writeClassMetadata(this.heap, c);
      added.push(c);
    }
    const broken = this.dependencies.broken({ redefined, classes: added }, this.program, this.globals);
    if (this.trace && broken.length > 0) this.traceInvalidations(this.trace, broken);
    for (const code of broken) this.invalidate(code);
  }

  /** One event per assumption that `codes` made and that no longer holds, naming the versions that made it. */
  private traceInvalidations(trace: Tracer, codes: readonly CodeVersion[]): void {
    const dependents = new Map<string, string[]>();
    for (const code of codes) {
      for (const d of code.dependencies) {
        if (holds(d, this.program, this.globals)) continue;
        const assumption = describeDependency(d, this.program);
        dependents.set(assumption, [...(dependents.get(assumption) ?? []), `${code.ir.name} v${code.id}`]);
      }
    }
    for (const [assumption, versions] of dependents) trace.instant('opt', 'invalidate', { assumption, dependents: versions });
  }

  /**
   * Marks optimized `code` invalid in its state word, so that its frames
   * deoptimize at their next check, and unhooks it from its function's stub
   * slot if the slot still names it, so that new calls do not enter it (the
   * next resolves the definition again).
   */
  private invalidate(code: CodeVersion): void {
    const module = moduleIdOf(code);
    Atomics.store(this.heap.i32, codeState(module) >>> 2, CodeState.Invalid);
    const fn = code.ir.id;
    this.invalidations.set(fn, (this.invalidations.get(fn) ?? 0) + 1);
    this.stats.invalidated++;
    const entry = this.liveEntries.get(codeId(module));
    if (entry) return this.dropEntry(entry);
    const slot = stubSlot(fn) >>> 2;
    const word = Atomics.load(this.heap.i32, slot);
    const id = namedCodeId(word);
    // `code` itself, or an instance of its module (installed, or relinked and not installed yet).
    const named = id === code.id ? code : (this.versions.get(id) ?? this.relinking.get(id));
    if (named && moduleIdOf(named) === module) {
      Atomics.compareExchange(this.heap.i32, slot, word, uncompiledWord(this.program.definitionIdOf(code.ir) as CodeId));
    }
    const definition = codeId(this.origin(codeId(module)));
    this.requested.delete(definition);
    this.hot.delete(definition);
    // Its baseline code counts its calls afresh, to ask for a new optimized version once hot again.
    const profile = this.profileOf(code.ir);
    if (profile !== 0) Atomics.store(this.heap.i32, (profile + PROFILE_CALLS) >>> 2, 0);
    this.policy.changed(fn);
  }

  private isInvalid(code: CodeVersion): boolean {
    return Atomics.load(this.heap.i32, codeState(moduleIdOf(code)) >>> 2) === CodeState.Invalid;
  }

  /**
   * Exit `exit` of optimized `code` (`deopt-exits.ts`): its frames, with the
   * values handed over, continue in the interpreter, whose result the
   * optimized frame returns.
   */
  private deoptimize(code: CodeVersion, exit: number): number | bigint | undefined {
    const values = this.deoptValues.splice(0);
    const taken = code.deopt?.exits[exit];
    if (!taken || values.length !== taken.values) throw new Error(`code ${code.id}: no deopt exit ${exit} with ${values.length} values`);
    const reason: DeoptReason = taken.guard ? 'guard' : this.isInvalid(code) ? 'invalidated' : 'stress';
    this.stats.count(reason, taken.frames.length);
    if (this.trace) this.traceDeopt(this.trace, code, taken.frames, reason);
    const frames = taken.frames.map((f, i): FrameState => {
      const ir = i === 0 ? code.ir : this.program.definition(codeId(f.definition));
      if (!ir) throw new Error(`code ${code.id}: exit ${exit} names definition ${f.definition}, unknown here`);
      const locals = f.locals.map((at, l) => {
        const type = (ir.locals[l] as Local).type;
        // Not live at the exit: its value is never read again.
        if (at < 0) return type === 'i64' ? 0n : 0;
        const v = values[at] as number | bigint;
        return isRefType(type) ? (v as number) >>> 0 : v;
      });
      return { fn: f.fn, ir, point: f.point, locals, before: f.before === true };
    });
    if (taken.guard) this.guardFailed(code, taken.frames[taken.frames.length - 1] as DeoptFrame);
    return this.policy.resume(frames, values[0] as number);
  }

  /** A deopt event: the version, where its innermost frame stood (point, source position), why, and each frame rebuilt. */
  private traceDeopt(trace: Tracer, code: CodeVersion, frames: readonly DeoptFrame[], reason: DeoptReason): void {
    const inner = frames[frames.length - 1] as DeoptFrame;
    const ir = frames.length === 1 ? code.ir : this.program.definition(codeId(inner.definition));
    trace.instant('opt', 'deopt', {
      function: code.ir.name,
      version: code.id,
      point: inner.point,
      position: ir ? pointPosition(ir, inner.point) : code.ir.fileName,
      reason,
      frames: frames.map((f) => this.program.functionInfo(f.fn).name),
    });
  }

  /**
   * A guard of optimized `code` failed at the call of `frame` (the innermost
   * of the exit): the call's site in its definition's profile is marked
   * POLYMORPHIC, which no recording undoes, so that no later version guards
   * it again; after GUARD_FAILURES_BEFORE_REOPTIMIZING the version is
   * invalidated, and its baseline code counts its calls afresh. Each
   * invalidation removes at least one guard, so a site that keeps flipping
   * between classes settles in code with an inline cache, not in a
   * deoptimization loop.
   */
  private guardFailed(code: CodeVersion, frame: DeoptFrame): void {
    const ir = this.program.definition(codeId(frame.definition));
    const site = ir ? computeProfileSites(ir).get(frame.point) : undefined;
    const profile = ir ? this.profileOf(ir) : 0;
    if (site !== undefined && profile !== 0) Atomics.store(this.heap.i32, (profile + PROFILE_SITES + PROFILE_SITE_SIZE * site) >>> 2, POLYMORPHIC);
    const module = moduleIdOf(code);
    const failures = (this.guardFailures.get(module) ?? 0) + 1;
    this.guardFailures.set(module, failures);
    if (failures !== GUARD_FAILURES_BEFORE_REOPTIMIZING) return;
    const at = ir ? ` at ${pointPosition(ir, frame.point)}` : '';
    this.trace?.instant('opt', 'invalidate', { assumption: `the receiver class ${code.ir.name}'s profile saw${at} (${failures} failed guard${failures === 1 ? '' : 's'})`, dependents: [`${code.ir.name} v${code.id}`] });
    this.invalidate(code);
  }

  /** Baseline `code`, which records a profile, is hot: its definition is to be optimized (off this thread, or at its next call). */
  private baselineHot(code: CodeVersion): void {
    if (this.policy.optimizing(code.ir) === 'never') return;
    const definition = codeId(moduleIdOf(code));
    const fn = code.ir.id;
    if (this.trace && !this.hot.has(definition)) this.trace.instant('tier', 'tier-up', { function: code.ir.name, to: 'opt', definition });
    this.hot.add(definition);
    if (this.queue) {
      this.requestOptimized(fn, definition, codeId(code.id));
      return;
    }
    // The slot names the optimized version from now on (if it still names this code): the next call compiles it.
    const word = Atomics.load(this.heap.i32, stubSlot(fn) >>> 2);
    const named = this.versions.get(namedCodeId(word));
    if (named && moduleIdOf(named) === definition) this.claimOptimized(fn, word, definition);
  }

  /** Runs function `fn` with arguments as the interpreter represents them (i64 as bigint); returns its result likewise. */
  call(fn: FunctionId, args: readonly (number | bigint)[]): number | bigint | undefined {
    return withFullStackTraces(() => {
      // Compiled code takes the depth as a parameter and counts nothing in memory (`core/limits.ts`).
      const depth = this.heap.i32[depthWord(this.heap.threadId)] as number;
      try {
        const result = this.table.entry(this.codeOf(fn))(...args, depth);
        const type = this.program.functionInfo(fn).result;
        return typeof type === 'object' ? (result as number) >>> 0 : result;
      } catch (e) {
        const t = trapFromCompiled(e, this.lookup);
        // An overflow on entry: the interpreter reports it at the function.
        throw isStackOverflow(t) ? unwindOutermost(t, { ir: this.program.functionInfo(fn).ir as IrFunction }) : t;
      }
    });
  }

  /** The function at table index `id` (compiled code, or a bridge), to call from JavaScript. */
  entry(id: number): WebAssembly.ExportedFunction {
    return this.table.entry(id);
  }

  /**
   * The code id of version `ir`, compiled (or taken from the thread that
   * compiled it) and installed now if need be; 0 when `ir`'s stub slot names
   * another version (`ir` was redefined, or a newer load is not applied here yet).
   */
  compiledVersion(ir: IrFunction): number {
    const named = Atomics.load(this.heap.i32, stubSlot(ir.id) >>> 2);
    if (this.knownDefinition(namedCodeId(named)) !== ir) return 0;
    return this.resolveNamed(ir.id, named, true);
  }

  /** The code id in `fn`'s stub slot when this thread has that code, else `resolve`'s. */
  private codeOf(fn: FunctionId): number {
    return this.installed(fn) || this.resolve(fn);
  }

  /** The code id in `fn`'s stub slot if this thread has installed that code, else 0. */
  private installed(fn: FunctionId): number {
    const id = namedCodeId(Atomics.load(this.heap.i32, stubSlot(fn) >>> 2));
    return this.versions.has(id) ? id : 0;
  }

  /**
   * The code to run for a call of `fn` that found no installed code in its
   * slot: the definition the slot names (negative: not compiled yet), taken
   * from the thread that compiled it or compiled here, and installed. The
   * slot then gets the id unless a newer load has replaced it meanwhile (the
   * call still runs the definition it found: it started before that load
   * returned). Traps when `fn` has no definition.
   */
  private resolve(fn: FunctionId): number {
    return this.resolveNamed(fn, Atomics.load(this.heap.i32, stubSlot(fn) >>> 2), false);
  }

  /**
   * `resolve` for the slot value `named`; a version that the policy does not
   * compile yet (and `force` does not) gets a bridge to the interpreter. A
   * definition that the policy optimizes gets a new code id for its
   * optimized version, which the slot names from then on (every thread finds
   * the definition through the id's origin word). Code found invalid as it
   * is installed is not run: the slot, unhooked, is resolved again.
   */
  private resolveNamed(fn: FunctionId, named: number, force: boolean): number {
    if (named === 0) {
      const info = this.program.functionInfo(fn);
      return raiseTrap(info.owner === null ? 'undefinedFunction' : 'abstractCall', this.lookup);
    }
    const id = namedCodeId(named);
    const uncompiled = isUncompiledWord(named);
    if (uncompiled && !this.queue && this.origin(id) === 0) {
      const ir = this.definitionOf(id);
      // A definition that a newer load has replaced and this thread no longer knows: the slot names another now.
      if (!ir) return this.again(fn, named);
      if ((force || this.policy.compiles(ir)) && this.optimizes(id, ir)) return this.resolveNamed(fn, this.claimOptimized(fn, named, id), force);
    }
    if (!this.versions.has(id)) {
      const ir = this.definitionOf(id);
      if (!ir) return this.again(fn, named);
      if (uncompiled && !force && !this.policy.compiles(ir)) return this.bridge(id, ir) || this.again(fn, named);
      this.resolving.push(id);
      let installed: boolean;
      try {
        installed = this.install(id, ir);
      } finally {
        this.resolving.pop();
      }
      if (!installed) return this.again(fn, named);
    }
    // Baseline code runs meanwhile; the compiler puts the optimized version in the slot when it is ready.
    if (uncompiled && this.queue) this.requestOptimized(fn, id, id);
    if (uncompiled) Atomics.compareExchange(this.heap.i32, stubSlot(fn) >>> 2, named, id);
    return id;
  }

  /**
   * `resolve` again for `fn`, whose slot held `named`, a version this thread
   * could not take (unknown, stale, or found invalid): a newer load or an
   * invalidation has changed the slot since. A slot that still holds it is
   * an internal error, not a loop.
   */
  private again(fn: FunctionId, named: number): number {
    if (Atomics.load(this.heap.i32, stubSlot(fn) >>> 2) === named) throw new Error(`code ${namedCodeId(named)} of function ${fn} cannot be installed, and its slot still names it`);
    return this.resolve(fn);
  }

  /** Whether definition `ir`, named by `id` (not an optimized version's id), gets optimized code now. */
  private optimizes(id: CodeId, ir: IrFunction): boolean {
    if (!this.idsLeft || this.origin(id) !== 0 || this.program.definitionIdOf(ir) !== id || (this.invalidations.get(ir.id) ?? 0) >= MAX_INVALIDATIONS) return false;
    const when = this.policy.optimizing(ir);
    return when === 'at-once' || (when === 'when-hot' && this.hot.has(id));
  }

  /** Takes a code id for an optimized version of definition `id` and puts it in `fn`'s slot (for `named`); returns what the slot holds then. */
  private claimOptimized(fn: FunctionId, named: number, id: CodeId): number {
    const optimized = this.optimizedId(id);
    if (optimized === 0) return named;
    const was = Atomics.compareExchange(this.heap.i32, stubSlot(fn) >>> 2, named, uncompiledWord(optimized));
    // The slot names it now, or never will: the taker's hold goes.
    releaseCodeId(this.heap.i32, optimized);
    return was === named ? uncompiledWord(optimized) : was;
  }

  /** Asks the compiler for an optimized version of definition `id` of `fn`, once (again after an invalidation). */
  private requestOptimized(fn: FunctionId, id: CodeId, named: CodeId): void {
    const ir = this.program.definition(id);
    if (this.requested.has(id) || !ir || !this.optimizes(id, ir)) return;
    this.requested.add(id);
    const optimized = this.optimizedId(id);
    if (optimized !== 0) (this.queue as OptimizeQueue).request(fn, id, optimized, named);
  }

  /**
   * A code id for an optimized version of definition `id`, its origin word
   * written and held for the caller (who lets go once a slot names it, or
   * hands it to the compiler thread); 0 when only the ids kept for loads are
   * left, and from then on nothing more is optimized on this thread.
   */
  private optimizedId(id: CodeId): CodeId {
    const optimized = takeCodeIds(this.heap.i32, 1, MAX_CODES - VERSION_IDS_BELOW)[0] ?? codeId(0);
    if (optimized === 0) this.idsLeft = false;
    else Atomics.store(this.heap.i32, codeOrigin(optimized) >>> 2, id);
    return optimized;
  }

  /** The definition code id that optimized version `id` was made of; 0 for any other id. */
  private origin(id: CodeId): number {
    return Atomics.load(this.heap.i32, codeOrigin(id) >>> 2);
  }

  /** The definition that code id `id` stands for on this thread (an optimized version: its origin's), if known here. */
  private knownDefinition(id: CodeId): IrFunction | undefined {
    const origin = this.origin(id);
    return this.program.definition(id) ?? (origin === 0 ? undefined : this.program.definition(codeId(origin)));
  }

  /** Puts a bridge to the interpreter for version `id` at its index in this thread's table; 0 when the id is stale. */
  private bridge(id: CodeId, ir: IrFunction): number {
    if (this.bridged.has(id)) return id;
    if (!this.holds.hold(id)) return 0;
    const params = ir.locals.slice(0, ir.paramCount).map((l) => l.type);
    this.table.installBridge(id, wasmSig(params, ir.result), this.policy.interpreted(ir));
    this.bridged.add(id);
    return id;
  }

  /**
   * The definition code id `id` names; a thread that has not applied the
   * load that made it applies it now. Undefined when the load that made it
   * was compacted away, or this thread freed it: a newer load replaced it.
   */
  private definitionOf(id: CodeId): IrFunction | undefined {
    let ir = this.knownDefinition(id);
    if (!ir) {
      this.host.safepoint();
      ir = this.knownDefinition(id);
    }
    if (ir && this.program.definition(id) !== ir) this.program.bindCodeId(ir, id);
    return ir;
  }

  /**
   * Installs code version `id`: compiled once, by whichever thread needed it
   * first (an optimized version when `id` has an origin); a relinked version
   * reuses its module. Optimized code whose assumptions no longer hold here
   * is marked invalid and unhooked rather than installed: returns false.
   */
  private install(id: CodeId, ir: IrFunction): boolean {
    const earlier = this.relinking.get(id);
    const reads = [id, ...(earlier ? [codeId(moduleIdOf(earlier))] : []), ...(this.origin(id) !== 0 ? [codeId(this.origin(id))] : [])];
    if (!this.holdAll(reads)) return false;
    if (earlier) {
      this.relinking.delete(id);
      this.holds.release(id);
    }
    const optimized = this.origin(id) !== 0;
    const start = nowMs();
    const shared = earlier ? null : (this.sharing.acquire(id) as SharedCodeVersion | null);
    const code = earlier ? relinkedVersion(id, earlier) : shared ? { ...shared, ir } : this.compile(id, ir, optimized);
    if (code.dependencies.length > 0) {
      // Another thread may have compiled it against loads not applied here yet.
      if (shared) this.host.safepoint();
      if (!code.dependencies.every((d) => holds(d, this.program, this.globals))) {
        if (this.trace) this.traceInvalidations(this.trace, [code]);
        this.invalidate(code);
        for (const held of reads) this.holds.release(held);
        return false;
      }
      this.dependencies.register(code);
    }
    this.versions.set(id, code);
    this.made.set(code, ++this.madeCount);
    this.heldFor.set(id, reads);
    const callees = this.table.install(code);
    if (optimized && !earlier) this.countOptimized(shared !== null, (nowMs() - start) / 1000);
    this.policy.changed(ir.id);
    if (!this.waiting) return true;
    for (const caller of this.waiting.get(ir.id) ?? []) this.relink(caller);
    this.waiting.delete(ir.id);
    if ((this.relinks.get(moduleIdOf(code)) ?? 0) >= MAX_RELINKS) return true;
    // Baseline code that records a profile is soon replaced; relinked, it would name an id the compiler thread does not know, which drops its request.
    const recording = this.policy.optimizing(ir) === 'when-hot' && this.origin(codeId(moduleIdOf(code))) === 0;
    for (const fn of recording ? callees.unlinked : [...callees.unlinked, ...callees.linked]) {
      const callers = this.waiting.get(fn) ?? new Set();
      this.waiting.set(fn, callers.add(code));
    }
    return true;
  }

  /** Whether the baseline code of definition `ir` (code `id`) records a profile: it is to be optimized once hot (measuring: it runs more than bounded code). */
  private records(id: CodeId, ir: IrFunction): boolean {
    if (this.program.definitionIdOf(ir) !== id) return false;
    return this.policy.optimizing(ir) === 'when-hot' || (this.options.recordProfiles === true && !runsBounded(ir.body));
  }

  /**
   * The profile block of definition `id`, made at the first baseline code
   * that records one (its own, or an on-stack replacement entry's on some
   * thread) and named in its profile word for the optimizing tier (wherever
   * it runs) to find: the elements of an i32 array that no program reaches,
   * so that the sweep that frees `id` can free it (`core/code-ids.ts`).
   */
  private profileFor(id: CodeId, ir: IrFunction): number {
    const word = codeProfile(id) >>> 2;
    const made = Atomics.load(this.heap.i32, word);
    if (made !== 0) return made;
    this.queue?.expect();
    const block = this.heap.allocArray(ElemKind.I32, Math.ceil(profileBytes(computeProfileSites(ir).size) / 4)) + ARRAY_DATA;
    const was = Atomics.compareExchange(this.heap.i32, word, 0, block);
    if (was === 0) return block;
    // Another thread's entry made one meanwhile.
    this.heap.free(block - ARRAY_DATA);
    return was;
  }

  /** The profile block of definition `ir`'s baseline code, or 0 (also for a definition no longer known here). */
  private profileOf(ir: IrFunction): number {
    const id = this.program.definitionIdOf(ir);
    return id === undefined ? 0 : Atomics.load(this.heap.i32, codeProfile(id) >>> 2);
  }

  private countOptimized(elsewhere: boolean, seconds: number): void {
    if (elsewhere) {
      this.stats.installed++;
      this.stats.installSeconds += seconds;
    } else {
      this.stats.compiled++;
      this.stats.compileSeconds += seconds;
    }
  }

  private compile(id: CodeId, ir: IrFunction, speculate: boolean): CodeVersion {
    const tier = speculate ? 'opt' : 'baseline';
    this.trace?.begin('compile', 'compile', { tier, function: ir.name, version: id });
    let bytes = 0;
    try {
      const start = nowMs();
      const compiled = speculate
        ? compileFunction(ir, this.program, id, { ...this.options, speculate }, { profile: readProfile(ir, this.heap.i32, this.profileOf(ir)), globals: this.globals })
        : compileFunction(ir, this.program, id, this.options, this.records(id, ir) ? { recordAt: this.profileFor(id, ir) } : {});
      const code = codeVersion(id, compiled, (nowMs() - start) / 1000);
      bytes = compiled.bytes.length;
      this.stats.compiledCode(tier, code.emitSeconds + code.moduleSeconds, bytes);
      const { ir: _own, ...shared } = code;
      this.sharing.publish(id, shared satisfies SharedCodeVersion);
      return code;
    } catch (e) {
      this.sharing.abandon(id);
      throw e;
    } finally {
      this.trace?.end('compile', 'compile', { bytes });
    }
  }

  /** Resets `code`'s slot, if it is still current, so that its function's next call links its module again. */
  private relink(code: CodeVersion): void {
    const ir = code.ir;
    if (this.isInvalid(code)) return;
    const fresh = takeCodeIds(this.heap.i32, 1, MAX_CODES - VERSION_IDS_BELOW)[0];
    if (fresh === undefined) return;
    if (Atomics.compareExchange(this.heap.i32, stubSlot(ir.id) >>> 2, code.id, uncompiledWord(fresh)) !== code.id) {
      releaseCodeId(this.heap.i32, fresh);
      return;
    }
    this.program.bindCodeId(ir, fresh);
    this.holds.adopt(fresh);
    this.relinking.set(fresh, code);
    this.relinks.set(moduleIdOf(code), (this.relinks.get(moduleIdOf(code)) ?? 0) + 1);
    this.policy.changed(ir.id);
  }

  /**
   * Compiles the entry that continues a call of version `ir` from the header
   * of its loop at `point` (`passes/osr-entry.ts`): the entry's IR, whose
   * parameters are every local of the frame, and its export; null when
   * `point` is no loop. Its code id, for stack traces only, comes from a
   * range of this thread's own (no table slot, no stub). Callers keep what
   * they get (the code too: while they do, stack traces find it): each call
   * compiles again. The entry of a definition that will be optimized records
   * the receivers it sees into the definition's profile (and counts nothing
   * toward its optimization: `emit-profile-counts.ts`), and its frame can go
   * on into optimized code (`osrReady`).
   */
  compileOsrEntry(ir: IrFunction, point: PointId): { readonly ir: IrFunction; readonly code: CodeVersion; readonly entry: WebAssembly.ExportedFunction } | null {
    const id = codeId(this.nextOsrId);
    this.trace?.begin('compile', 'compile', { tier: 'osr', function: ir.name, version: id, point });
    let bytes = 0;
    try {
      const start = nowMs();
      const definition = this.program.definitionIdOf(ir);
      const feedback = definition !== undefined && this.records(definition, ir) ? { recordAt: this.profileFor(definition, ir) } : {};
      const compiled = compileOsrEntry(ir, point, this.program, id, this.options, feedback);
      if (!compiled) return null;
      this.nextOsrId++;
      // The version it continues: its deopt exits, profile and trace name that.
      const code = { ...codeVersion(id, compiled, (nowMs() - start) / 1000), ir };
      bytes = compiled.bytes.length;
      this.stats.compiledCode('osr', code.emitSeconds + code.moduleSeconds, bytes);
      this.osrVersions.set(id, new WeakRef(code));
      this.made.set(code, ++this.madeCount);
      return { ir: compiled.ir, code, entry: this.table.entryOf(code) };
    } finally {
      this.trace?.end('compile', 'compile', { bytes });
    }
  }

  /**
   * Whether a frame of baseline `code` (a definition's, or an entry's), at
   * the header of its loop at `point`, is to continue in optimized code
   * (`emit-profile-counts.ts`): 1 once this thread has an optimized entry
   * for that loop. The first ask has it compiled with the profile so far, on
   * the compiler thread (the frame keeps running meanwhile, and asks again
   * later) or here. An entry is made of the version the frame runs, so a
   * frame of a redefined function stays in its own definition.
   */
  private osrReady(code: CodeVersion, point: PointId): number {
    const ir = code.ir;
    if (this.policy.optimizing(ir) !== 'when-hot' || (this.invalidations.get(ir.id) ?? 0) >= MAX_INVALIDATIONS) return 0;
    let entries = this.optimizedEntries.get(ir);
    if (!entries) this.optimizedEntries.set(ir, (entries = new Map()));
    if (!entries.has(point)) entries.set(point, this.optimizedEntry(ir, point));
    const entry = entries.get(point);
    return entry && (entry.run !== null || this.installEntry(entry)) ? 1 : 0;
  }

  /** Continues the frame that `osrReady` let go on, its values handed over, in the optimized entry; returns the call's result. */
  private osrEnter(code: CodeVersion, point: PointId): number | bigint | undefined {
    const [depth, ...locals] = this.deoptValues.splice(0) as [number, ...(number | bigint)[]];
    const entry = this.optimizedEntries.get(code.ir)?.get(point);
    if (!entry?.run) throw new Error(`${code.ir.name}: no optimized entry at point ${point}`);
    this.stats.osrEntered++;
    this.trace?.instant('tier', 'osr', { function: code.ir.name, point, to: 'opt', version: entry.id });
    entry.running++;
    try {
      return entry.run(...locals, depth);
    } finally {
      entry.running--;
      if (entry.dropped && entry.running === 0) releaseCodeId(this.heap.i32, entry.id);
    }
  }

  /**
   * An optimized entry at the loop at `point` of version `ir`: asked of the
   * compiler thread, or compiled now (`speculate`, with its definition's
   * profile). Its code id comes from the shared range, so that its state
   * word is its own and a load that breaks one of its assumptions
   * invalidates it (`invalidate`); this thread holds the id until the entry
   * is dropped and no frame runs in it. Null when no id is left or, here,
   * `point` is no loop.
   */
  private optimizedEntry(ir: IrFunction, point: PointId): OptimizedEntry | null {
    const id = takeCodeIds(this.heap.i32, 1, MAX_CODES - VERSION_IDS_BELOW)[0];
    if (id === undefined) return null;
    const definition = this.program.definitionIdOf(ir);
    const entry: OptimizedEntry = { id, ir, point, code: null, run: null, running: 0, dropped: false };
    if (this.queue && definition !== undefined) {
      this.liveEntries.set(id, entry);
      this.queue.requestEntry(ir.id, definition, id, point);
      return entry;
    }
    this.trace?.begin('compile', 'compile', { tier: 'osr-opt', function: ir.name, version: id, point });
    let bytes = 0;
    try {
      const start = nowMs();
      const profile = readProfile(ir, this.heap.i32, this.profileOf(ir));
      const compiled = compileOsrEntry(ir, point, this.program, id, { ...this.options, speculate: true }, { profile, globals: this.globals });
      if (!compiled) {
        releaseCodeId(this.heap.i32, id);
        return null;
      }
      const code = { ...codeVersion(id, compiled, (nowMs() - start) / 1000), ir };
      bytes = compiled.bytes.length;
      this.stats.compiledCode('osr-opt', code.emitSeconds + code.moduleSeconds, bytes);
      this.liveEntries.set(id, entry);
      this.placeEntry(entry, code);
      return entry;
    } catch (e) {
      releaseCodeId(this.heap.i32, id);
      throw e;
    } finally {
      this.trace?.end('compile', 'compile', { bytes });
    }
  }

  /** Takes `entry`'s code once the compiler thread has posted it; false while it has not. */
  private installEntry(entry: OptimizedEntry): boolean {
    const state = Atomics.load(this.heap.i32, codeState(entry.id) >>> 2);
    if (state !== CodeState.Published && state !== CodeState.Invalid) return false;
    const start = nowMs();
    const shared = this.sharing.acquire(entry.id) as SharedCodeVersion;
    const code = { ...shared, ir: entry.ir };
    // Compiled against loads that this thread may have applied since, or not yet; a collection meanwhile may drop the entry.
    this.host.safepoint();
    if (entry.dropped) return false;
    if (!code.dependencies.every((d) => holds(d, this.program, this.globals))) {
      if (this.trace) this.traceInvalidations(this.trace, [code]);
      // Not instantiated: invalidating drops the entry, which the next ask asks for again.
      this.invalidate(code);
      return false;
    }
    this.placeEntry(entry, code);
    this.countOptimized(true, (nowMs() - start) / 1000);
    return true;
  }

  /** Makes `code` the code of `entry`, registered by what it assumes and found by stack traces. */
  private placeEntry(entry: OptimizedEntry, code: CodeVersion): void {
    this.dependencies.register(code);
    this.osrVersions.set(entry.id, new WeakRef(code));
    this.made.set(code, ++this.madeCount);
    entry.code = code;
    entry.run = this.table.entryOf(code);
  }

  /** Forgets optimized `entry`: frames still in it finish there (or deoptimize), and the last lets go of its id. */
  private dropEntry(entry: OptimizedEntry): void {
    this.liveEntries.delete(entry.id);
    this.optimizedEntries.get(entry.ir)?.delete(entry.point);
    if (entry.code) this.dependencies.unregister(entry.code);
    this.guardFailures.delete(entry.id);
    entry.dropped = true;
    if (entry.running === 0) releaseCodeId(this.heap.i32, entry.id);
  }

  /** Every code version installed here and not freed, and every on-stack replacement entry still kept, oldest first. */
  codeVersions(): CodeVersion[] {
    const osr = [...this.osrVersions.values()].flatMap((r) => r.deref() ?? []);
    return [...this.versions.values(), ...osr].sort((a, b) => (this.made.get(a) ?? 0) - (this.made.get(b) ?? 0));
  }

  /** Holds every id of `ids`, or none of them (false: one is stale). */
  private holdAll(ids: readonly CodeId[]): boolean {
    for (const [i, id] of ids.entries()) {
      if (this.holds.hold(id)) continue;
      for (const held of ids.slice(0, i)) this.holds.release(held);
      return false;
    }
    return true;
  }

  /**
   * Frees the code this thread keeps for versions that nothing here can run
   * or name any more: not named by a stub slot or a current definition, not
   * being resolved or relinked, and without a frame on this thread
   * (`running`: the module ids of the wasm frames on its stack, from a stack
   * report, asked for only when a version is kept for no other reason: the
   * report costs a walk of the whole stack; interpreted frames hold their
   * closures themselves). Kept with a
   * version: the module it runs (relinked), its origin definition, and the
   * definitions its exits continue in. Freed: its instance (the table entry,
   * nulled), bridge, holds, dependency entries, guard counts, the policy's
   * compiled callee, and the program's record of definitions no one needs.
   * Returns how many versions and definitions it freed.
   */
  collect(running: () => ReadonlySet<number>): number {
    const i32 = this.heap.i32;
    const keep = new Set<number>(this.resolving);
    for (const info of this.program.functions) {
      if (!info) continue;
      const named = namedCodeId(Atomics.load(i32, stubSlot(info.id) >>> 2));
      keep.add(named).add(this.origin(named));
      if (info.ir) keep.add(this.program.definitionIdOf(info.ir) ?? 0);
    }
    for (const [id, code] of this.relinking) keep.add(id).add(moduleIdOf(code));
    let onStack: ReadonlySet<number> | null = null;
    const kept = (code: CodeVersion): boolean => keep.has(code.id) || (onStack ??= running()).has(moduleIdOf(code));
    // Twice: a relinked version keeps the version whose module it runs.
    for (let pass = 0; pass < 2; pass++) {
      for (const code of this.versions.values()) {
        if (!kept(code)) continue;
        keep.add(code.id).add(moduleIdOf(code)).add(this.origin(codeId(code.id)));
        for (const exit of code.deopt?.exits ?? []) for (const f of exit.frames) keep.add(f.definition);
      }
    }
    const freed = new Set<number>();
    for (const [id, code] of this.versions) {
      if (keep.has(id)) continue;
      freed.add(id);
      this.versions.delete(id);
      this.codeTable?.free(id);
      this.dependencies.unregister(code);
      this.guardFailures.delete(id);
      this.relinks.delete(id);
      for (const held of this.heldFor.get(id) ?? []) this.holds.release(held);
      this.heldFor.delete(id);
      for (const callers of this.waiting?.values() ?? []) callers.delete(code);
      if (code.relinkOf === null) this.freedBytes += code.size;
      this.policy.freed(code.ir.id, id);
      this.trace?.reclaimed(code.ir.name, id, code.relinkOf === null ? code.size : 0);
    }
    for (const id of this.bridged) {
      if (keep.has(id)) continue;
      this.bridged.delete(id);
      if (!this.versions.has(codeId(id))) this.codeTable?.free(id);
      this.holds.release(codeId(id));
      freed.add(id);
    }
    this.freedVersions += freed.size;
    for (const [id, code] of this.osrVersions) if (!code.deref()) this.osrVersions.delete(id);
    for (const entry of this.liveEntries.values()) if (!keep.has(this.program.definitionIdOf(entry.ir) ?? 0)) this.dropEntry(entry);
    for (const id of this.hot) if (!keep.has(id)) this.hot.delete(id);
    for (const id of this.requested) if (!keep.has(id)) this.requested.delete(id);
    const forgotten = this.program.forgetDefinitions((id) => keep.has(id));
    this.sharing.discardFreed();
    return freed.size + forgotten;
  }

  /** Code versions on this thread: kept and freed, and the bytes of the compiled modules kept and freed. */
  codeStats(): { readonly live: number; readonly freed: number; readonly liveBytes: number; readonly freedBytes: number } {
    let liveBytes = 0;
    for (const code of this.versions.values()) if (code.relinkOf === null) liveBytes += code.size;
    const bridgesOnly = [...this.bridged].filter((id) => !this.versions.has(codeId(id))).length;
    return { live: this.versions.size + bridgesOnly, freed: this.freedVersions, liveBytes, freedBytes: this.freedBytes };
  }
}
