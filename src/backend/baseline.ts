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

import { performance } from 'node:perf_hooks';
import type { FunctionId, IrFunction, PointId } from '../ir/ir.js';
import { codeId, type CodeId } from '../ir/ids.js';
import type { RuntimeHost } from '../core/host.js';
import type { Heap } from '../core/heap.js';
import { stubSlot, takeCodeIds } from '../core/layout.js';
import type { Program } from '../core/program.js';
import { isUncompiledWord, namedCodeId, uncompiledWord } from '../core/stub-slots.js';
import type { CodeSharing } from '../core/code-sharing.js';
import type { TrapKind } from '../core/trap.js';
import { isStackOverflow, unwindOutermost } from '../core/unwind.js';
import { depthWord } from '../core/limits.js';
import type { BridgeTarget } from './bridge-module.js';
import { writeClassMetadata } from './class-metadata.js';
import { CodeTable, SharedModules } from './code-table.js';
import { codeVersion, relinkedVersion, type CodeVersion, type SharedCodeVersion } from './code-version.js';
import { DEFAULT_COMPILE_OPTIONS, type CompileOptions } from './compile-options.js';
import { compileFunction, compileOsrEntry } from './pipeline.js';
import { raiseTrap, trapFromCompiled, withFullStackTraces, type CodeLookup } from './wasm-frames.js';
import { wasmSig } from './wasm-types.js';

const MAX_RELINKS = 4;
const OSR_IDS = 2 ** 30;

/** How the baseline tier shares a run with the interpreter (`tiering/tiering.ts`). */
export interface CompilePolicy {
  /** Whether a call of version `ir`, not compiled on this thread, compiles it; else the call runs it in the interpreter. */
  compiles(ir: IrFunction): boolean;
  /** What the bridge to version `ir` runs (`tiering/bridge.ts`). */
  interpreted(ir: IrFunction): BridgeTarget;
  /** Function `fn`'s code on this thread has changed: a version was installed, or its slot was reset for relinking. */
  changed(fn: FunctionId): void;
}

/** The baseline tier alone: every function is compiled at its first call. */
export const COMPILE_ALL: CompilePolicy = {
  compiles: () => true,
  interpreted: (ir) => {
    throw new Error(`${ir.name} has no interpreter to run in`);
  },
  changed: () => {},
};

export class Baseline {
  /** Code installed on this thread, by id. */
  private readonly versions = new Map<CodeId, CodeVersion>();
  /** With one thread: the code versions that call each function through the dispatcher, for lack of its code. */
  private readonly waiting: Map<FunctionId, Set<CodeVersion>> | null;
  private readonly relinks = new WeakMap<IrFunction, number>();
  /** The version whose module was compiled for each definition on this thread, which relinked versions reuse. */
  private readonly compiledFor = new WeakMap<IrFunction, CodeVersion>();
  /** Code ids of on-stack replacement entries: far above the ids that loads hand out, and per thread. */
  private nextOsrId = OSR_IDS;
  private classesWritten = 1;
  private readonly table: CodeTable;
  readonly lookup: CodeLookup = (id) => this.versions.get(codeId(id));

  /** Versions whose bridge stands in this thread's table. */
  private readonly bridged = new Set<number>();

  constructor(
    readonly program: Program,
    private readonly heap: Heap,
    private readonly host: RuntimeHost,
    private readonly sharing: CodeSharing,
    private readonly policy: CompilePolicy = COMPILE_ALL,
    private readonly options: CompileOptions = DEFAULT_COMPILE_OPTIONS,
  ) {
    const raise = (kind: TrapKind): never => raiseTrap(kind, this.lookup);
    const threaded = host.threadCount > 1;
    this.table = new CodeTable(new SharedModules(threaded), { heap, host, raise, resolve: (fn) => this.resolve(fn), installed: (fn) => this.installed(fn) });
    this.waiting = threaded ? null : new Map();
    this.commit();
  }

  /** After a load has changed the program: metadata for the new classes. */
  commit(): void {
    const classes = this.program.classes;
    for (; this.classesWritten < classes.length; this.classesWritten++) {
      const c = classes[this.classesWritten];
      if (c) writeClassMetadata(this.heap, c);
    }
  }

  /** Runs function `fn` with arguments as the interpreter represents them (i64 as bigint); returns its result likewise. */
  call(fn: FunctionId, args: readonly (number | bigint)[]): number | bigint | undefined {
    return withFullStackTraces(() => {
      const word = depthWord(this.heap.threadId);
      const depth = this.heap.i32[word] as number;
      try {
        const result = this.table.entry(this.codeOf(fn))(...args);
        const type = this.program.functionInfo(fn).result;
        return typeof type === 'object' ? (result as number) >>> 0 : result;
      } catch (e) {
        // The frames that the trap unwound did not count themselves down.
        this.heap.i32[word] = depth;
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
    if (this.program.definition(namedCodeId(named)) !== ir) return 0;
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
   * compile yet (and `force` does not) gets a bridge to the interpreter.
   */
  private resolveNamed(fn: FunctionId, named: number, force: boolean): number {
    if (named === 0) {
      const info = this.program.functionInfo(fn);
      return raiseTrap(info.owner === null ? 'undefinedFunction' : 'abstractCall', this.lookup);
    }
    const id = namedCodeId(named);
    const uncompiled = isUncompiledWord(named);
    if (!this.versions.has(id)) {
      const ir = this.definitionOf(id);
      if (uncompiled && !force && !this.policy.compiles(ir)) return this.bridge(id, ir);
      this.install(id, ir);
    }
    if (uncompiled) Atomics.compareExchange(this.heap.i32, stubSlot(fn) >>> 2, named, id);
    return id;
  }

  /** Puts a bridge to the interpreter for version `id` at its index in this thread's table. */
  private bridge(id: CodeId, ir: IrFunction): number {
    if (this.bridged.has(id)) return id;
    const params = ir.locals.slice(0, ir.paramCount).map((l) => l.type);
    this.table.installBridge(id, wasmSig(params, ir.result), this.policy.interpreted(ir));
    this.bridged.add(id);
    return id;
  }

  /** The definition code id `id` names; a thread that has not applied the load that made it applies it now. */
  private definitionOf(id: CodeId): IrFunction {
    let ir = this.program.definition(id);
    if (!ir) {
      this.host.safepoint();
      ir = this.program.definition(id);
    }
    if (!ir) throw new Error(`code ${id} names no definition`);
    return ir;
  }

  /**
   * Installs code version `id`: compiled once, by whichever thread needed it
   * first; a relinked version (this thread compiled its definition already)
   * reuses that module.
   */
  private install(id: CodeId, ir: IrFunction): void {
    const earlier = this.compiledFor.get(ir);
    const shared = earlier ? null : (this.sharing.acquire(id) as SharedCodeVersion | null);
    const code = earlier ? relinkedVersion(id, earlier) : shared ? { ...shared, ir } : this.compile(id, ir);
    if (!earlier) this.compiledFor.set(ir, code);
    this.versions.set(id, code);
    const unlinked = this.table.install(code);
    this.policy.changed(ir.id);
    if (!this.waiting) return;
    for (const caller of this.waiting.get(ir.id) ?? []) this.relink(caller);
    this.waiting.delete(ir.id);
    if ((this.relinks.get(ir) ?? 0) >= MAX_RELINKS) return;
    for (const fn of unlinked) {
      const callers = this.waiting.get(fn) ?? new Set();
      this.waiting.set(fn, callers.add(code));
    }
  }

  private compile(id: CodeId, ir: IrFunction): CodeVersion {
    try {
      const start = performance.now();
      const compiled = compileFunction(ir, this.program, id, this.options);
      const code = codeVersion(id, compiled, (performance.now() - start) / 1000);
      const { ir: _own, ...shared } = code;
      this.sharing.publish(id, shared satisfies SharedCodeVersion);
      return code;
    } catch (e) {
      this.sharing.abandon(id);
      throw e;
    }
  }

  /** Resets `code`'s slot, if it is still current, so that its function's next call links its module again. */
  private relink(code: CodeVersion): void {
    const ir = code.ir;
    const fresh = codeId(takeCodeIds(this.heap.i32, 1));
    this.program.bindCodeId(ir, fresh);
    if (Atomics.compareExchange(this.heap.i32, stubSlot(ir.id) >>> 2, code.id, uncompiledWord(fresh)) !== code.id) return;
    this.relinks.set(ir, (this.relinks.get(ir) ?? 0) + 1);
    this.policy.changed(ir.id);
  }

  /**
   * Compiles the entry that continues a call of version `ir` from the header
   * of its loop at `point` (`passes/osr-entry.ts`): the entry's IR, whose
   * parameters are every local of the frame, and its export; null when
   * `point` is no loop. Its code id, for stack traces only, comes from a
   * range of this thread's own (no table slot, no stub). Callers keep what
   * they get: each call compiles again.
   */
  compileOsrEntry(ir: IrFunction, point: PointId): { readonly ir: IrFunction; readonly entry: WebAssembly.ExportedFunction } | null {
    const id = codeId(this.nextOsrId);
    const start = performance.now();
    const compiled = compileOsrEntry(ir, point, this.program, id, { ...this.options, countFrames: false });
    if (!compiled) return null;
    this.nextOsrId++;
    const code = codeVersion(id, compiled, (performance.now() - start) / 1000);
    this.versions.set(id, code);
    return { ir: compiled.ir, entry: this.table.entryOf(code) };
  }

  /** Every code version made so far, oldest first. */
  codeVersions(): CodeVersion[] {
    return [...this.versions.values()];
  }
}
