//! Tier 1, the baseline compiler's runtime: functions compile to wasm on
//! their first call and are reached through their stub slots.
//!
//! A stub slot (`layout.stubSlot(fn)`, shared memory) holds the code id of
//! the function's current code, 0 when it has none yet. `resolve` (called by
//! a hub dispatcher that found 0, or by a JavaScript entry) compiles the
//! function's current IR once, installs the code in the thread's table and
//! stores its id in the slot. A load that redefines a function resets its
//! slot to 0: calls that start afterwards resolve the new definition, while
//! frames already running stay in the old code (its instance lives on).

import type { FunctionId, IrFunction } from '../ir/ir.js';
import type { InterpreterHost } from '../interp/context.js';
import type { Heap } from '../runtime/heap.js';
import { stubSlot } from '../runtime/layout.js';
import type { Program } from '../runtime/program.js';
import type { TrapKind } from '../runtime/trap.js';
import { writeClassMetadata } from './class-metadata.js';
import { CodeTable, SharedModules } from './code-table.js';
import { codeVersion, type CodeVersion } from './code-version.js';
import { compileFunction } from './compile-function.js';
import { raiseTrap, trapFromCompiled, type CodeLookup } from './wasm-frames.js';

export class Baseline {
  private nextCode = 1;
  private readonly versions = new Map<number, CodeVersion>();
  private readonly compiled = new WeakMap<IrFunction, CodeVersion>();
  private classesWritten = 1;
  private readonly thread: CodeTable;
  readonly lookup: CodeLookup = (id) => this.versions.get(id);

  constructor(
    readonly program: Program,
    private readonly heap: Heap,
    host: InterpreterHost,
  ) {
    const raise = (kind: TrapKind): never => raiseTrap(kind, this.lookup);
    this.thread = new CodeTable(new SharedModules(), { heap, host, raise, resolve: (fn) => this.resolve(fn) });
    this.commit([]);
  }

  /** After a load: metadata for the new classes; redefined functions' slots back to 0. */
  commit(redefined: readonly FunctionId[]): void {
    const classes = this.program.classes;
    for (; this.classesWritten < classes.length; this.classesWritten++) {
      const c = classes[this.classesWritten];
      if (c) writeClassMetadata(this.heap, c);
    }
    for (const fn of redefined) Atomics.store(this.heap.i32, stubSlot(fn) >>> 2, 0);
  }

  /** Runs function `fn` with arguments as the interpreter represents them (i64 as bigint); returns its result likewise. */
  call(fn: FunctionId, args: readonly (number | bigint)[]): number | bigint | undefined {
    const limit = Error.stackTraceLimit;
    // A trap's Rejit stack comes from V8's stack trace: keep every frame.
    Error.stackTraceLimit = Infinity;
    try {
      const result = this.thread.entry(this.codeOf(fn))(...args);
      const type = this.program.functionInfo(fn).result;
      return typeof type === 'object' ? (result as number) >>> 0 : result;
    } catch (e) {
      throw trapFromCompiled(e, this.lookup);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  /** The code id in `fn`'s stub slot, resolving it when there is none. */
  private codeOf(fn: FunctionId): number {
    return this.slot(fn) || this.resolve(fn);
  }

  private slot(fn: FunctionId): number {
    return Atomics.load(this.heap.i32, stubSlot(fn) >>> 2);
  }

  /** Compiles and installs `fn`'s current definition (once per definition); traps when it has none. */
  private resolve(fn: FunctionId): number {
    const info = this.program.functionInfo(fn);
    const ir = info.ir;
    if (!ir) return raiseTrap(info.owner === null ? 'undefinedFunction' : 'abstractCall', this.lookup);
    let code = this.compiled.get(ir);
    if (!code) {
      code = this.compile(ir);
      this.thread.install(code);
    }
    Atomics.store(this.heap.i32, stubSlot(fn) >>> 2, code.id);
    return code.id;
  }

  private compile(ir: IrFunction): CodeVersion {
    const id = this.nextCode++;
    const start = performance.now();
    const compiled = compileFunction(ir, this.program, id, (fn) => this.slot(fn));
    const code = codeVersion(id, compiled, (performance.now() - start) / 1000);
    this.versions.set(id, code);
    this.compiled.set(ir, code);
    return code;
  }

  /** Every code version made so far, oldest first. */
  codeVersions(): CodeVersion[] {
    return [...this.versions.values()];
  }
}
