//! One thread's code: its funcref table (index = code id), the hub
//! dispatchers and the runtime module instantiated for it, and the
//! instantiation of each code version, with its imports linked to this
//! thread's instances, or of a bridge to the interpreter in its place.
//! Compiled modules are shared by all threads (`SharedModules`); instances
//! and tables are per thread.

import type { RuntimeHost } from '../core/host.js';
import { functionId, type FunctionId } from '../ir/ids.js';
import type { PointId } from '../ir/ir.js';
import type { Heap } from '../core/heap.js';
import { codeIndex, threadBlock } from '../core/layout.js';
import { InternalError } from '../core/internal-error.js';
import { Trap } from '../core/trap.js';
import type { FuncSig } from '../wasm/types.js';
import type { CodeVersion } from './code-version.js';
import { buildBridge, type BridgeTarget } from './bridge-module.js';
import { buildDispatcher } from './dispatcher.js';
import { configureEngine } from './engine-flags.js';
import { jsImports, type JsService, type RaiseTrap } from './js-imports.js';
import { CODE_EXPORT, UNLINKED } from './module-imports.js';
import { buildRuntimeModule } from './runtime-module.js';
import { sigName } from './wasm-types.js';

/** The modules that every thread instantiates, compiled once. */
export class SharedModules {
  readonly runtime: WebAssembly.Module;
  private readonly dispatchers = new Map<string, WebAssembly.Module>();
  private readonly bridges = new Map<string, WebAssembly.Module>();

  constructor(private readonly threaded: boolean) {
    configureEngine();
    this.runtime = new WebAssembly.Module(buildRuntimeModule().build());
  }

  dispatcher(sig: FuncSig): WebAssembly.Module {
    return perSignature(this.dispatchers, sig, () => buildDispatcher(sig, this.threaded).build());
  }

  bridge(sig: FuncSig): WebAssembly.Module {
    return perSignature(this.bridges, sig, () => buildBridge(sig).build());
  }
}

function perSignature(modules: Map<string, WebAssembly.Module>, sig: FuncSig, build: () => Uint8Array): WebAssembly.Module {
  const name = sigName(sig);
  let module = modules.get(name);
  if (!module) {
    module = new WebAssembly.Module(build());
    modules.set(name, module);
  }
  return module;
}

/** What a thread's code runs against. */
export interface ThreadEnv {
  readonly heap: Heap;
  readonly host: RuntimeHost;
  /** Compiles and installs function `fn` on its first call, returning its code id; raises the trap when it has no definition. */
  readonly resolve: (fn: FunctionId) => number;
  /** The code id in `fn`'s stub slot if this thread has installed that code, else 0. */
  readonly installed: (fn: FunctionId) => number;
  readonly raise: RaiseTrap;
  /** Optimized code leaving for the interpreter (`Baseline.deoptimize`). */
  readonly deopt: DeoptRuntime;
}

/** A thread's side of deoptimization, for every code version it runs. */
export interface DeoptRuntime {
  value(v: number | bigint): void;
  exit(code: CodeVersion, exit: number): number | bigint | undefined;
  tick(): number;
  optimize(code: CodeVersion): void;
  osrReady(code: CodeVersion, point: PointId): number;
  osrEnter(code: CodeVersion, point: PointId): number | bigint | undefined;
}

type Funcs = Record<string, WebAssembly.ImportValue>;

export class CodeTable {
  readonly table = new WebAssembly.Table({ element: 'anyfunc', initial: 64 });
  /** The id of the version whose code (or bridge) stands at each index. */
  private readonly placed = new Map<number, number>();
  private readonly dispatchers = new Map<string, WebAssembly.ExportedFunction>();
  private readonly placeholders = new Map<string, WebAssembly.ExportedFunction>();
  private readonly runtime: WebAssembly.Exports;

  constructor(
    private readonly shared: SharedModules,
    private readonly env: ThreadEnv,
  ) {
    const { heap, host, raise } = env;
    this.runtime = new WebAssembly.Instance(shared.runtime, {
      env: { memory: heap.memory, tb: threadBlock(host.threadId), lists: heap.freeLists },
      js: {
        allocSlow: (cls: number) => {
          try {
            return heap.allocBlock(cls);
          } catch (e) {
            if (e instanceof Trap) raise(e.kind);
            throw e;
          }
        },
        outOfMemory: () => raise('outOfMemory'),
      },
    }).exports;
  }

  /**
   * Instantiates `code` on this thread, linked to the code its callees have
   * here now, and puts it at its index in the table. Returns its callees:
   * those that had no code, and those linked to the code they had (once
   * one has other code, its calls of it go through the dispatcher).
   */
  install(code: CodeVersion): { readonly unlinked: FunctionId[]; readonly linked: FunctionId[] } {
    const callees: { unlinked: FunctionId[]; linked: FunctionId[] } = { unlinked: [], linked: [] };
    this.place(code.id, this.instantiate(code, callees));
    return callees;
  }

  /** Instantiates `code` on this thread for a caller in JavaScript only (an on-stack replacement entry): not in the table. */
  entryOf(code: CodeVersion): WebAssembly.ExportedFunction {
    return this.instantiate(code, { unlinked: [], linked: [] });
  }

  /** Puts a bridge that calls `target` (signature `sig`) at index `id`, where the version's code will go. */
  installBridge(id: number, sig: FuncSig, target: BridgeTarget): void {
    const instance = new WebAssembly.Instance(this.shared.bridge(sig), { js: { run: target } });
    this.place(id, instance.exports[CODE_EXPORT] as WebAssembly.ExportedFunction);
  }

  private place(id: number, f: WebAssembly.ExportedFunction): void {
    const index = codeIndex(id);
    if (index >= this.table.length) this.table.grow(Math.max(index + 1, 2 * this.table.length) - this.table.length);
    this.table.set(index, f);
    this.placed.set(index, id);
  }

  /**
   * Empties the entry of freed version `id`: the dispatcher resolves the
   * slot again rather than call it, and `entry` refuses it, until a version
   * that reuses the index is placed there.
   */
  free(id: number): void {
    const index = codeIndex(id);
    if (this.placed.get(index) !== id) return;
    this.table.set(index, null);
    this.placed.delete(index);
  }

  /** The code of version `id`, to call from JavaScript; a freed version is an internal error, never another version's code. */
  entry(id: number): WebAssembly.ExportedFunction {
    const index = codeIndex(id);
    const f = this.placed.get(index) === id ? this.table.get(index) : null;
    if (!f) throw new InternalError(`code ${id} is not in the table (freed, or never installed)`);
    return f;
  }

  private instantiate(code: CodeVersion, callees: { unlinked: FunctionId[]; linked: FunctionId[] }): WebAssembly.ExportedFunction {
    const { heap, host, raise } = this.env;
    const { deopt } = this.env;
    const services = jsImports(code, host, raise, {
      value: deopt.value,
      tick: deopt.tick,
      exit: (exit) => deopt.exit(code, exit),
      optimize: () => deopt.optimize(code),
      osrReady: (point) => deopt.osrReady(code, point),
      osrEnter: (point) => deopt.osrEnter(code, point),
    });
    const js: Funcs = {};
    const hub: Funcs = {};
    const callee: Funcs = {};
    const calleeId: Record<string, number> = {};
    for (const link of code.links) {
      if (link.module === 'js') js[link.field] = link.field.startsWith('print_') ? services.print : link.field.startsWith('host_') ? services.host : services[link.field as JsService];
      else if (link.module === 'hub') hub[link.field] = this.dispatcher({ params: link.sig.params.slice(0, -1), results: link.sig.results });
      else if (link.module === 'callee') {
        const fn = functionId(Number(link.field));
        const id = this.env.installed(fn);
        (id === 0 ? callees.unlinked : callees.linked).push(fn);
        callee[link.field] = id === 0 ? this.placeholder(link.sig) : this.entry(id);
        calleeId[link.field] = id === 0 ? UNLINKED : id;
      }
    }
    const imports: WebAssembly.Imports = {
      env: { memory: heap.memory, threadId: host.threadId, threadCount: host.threadCount, tb: threadBlock(host.threadId), lists: heap.freeLists },
      rt: this.runtime,
      js,
      hub,
      callee,
      calleeId,
    };
    return new WebAssembly.Instance(code.module, imports).exports[CODE_EXPORT] as WebAssembly.ExportedFunction;
  }

  /** What an unlinked callee import holds: its guard never passes, so it is never called. */
  private placeholder(sig: FuncSig): WebAssembly.ExportedFunction {
    const name = sigName(sig);
    let f = this.placeholders.get(name);
    if (!f) {
      const never = (): never => {
        throw new Error(`an unlinked callee of signature ${name} was called`);
      };
      f = new WebAssembly.Instance(this.shared.bridge(sig), { js: { run: never } }).exports[CODE_EXPORT] as WebAssembly.ExportedFunction;
      this.placeholders.set(name, f);
    }
    return f;
  }

  private dispatcher(sig: FuncSig): WebAssembly.ExportedFunction {
    const name = sigName(sig);
    let d = this.dispatchers.get(name);
    if (!d) {
      const instance = new WebAssembly.Instance(this.shared.dispatcher(sig), {
        env: { memory: this.env.heap.memory, table: this.table },
        js: { resolve: this.env.resolve },
      });
      d = instance.exports['dispatch'] as WebAssembly.ExportedFunction;
      this.dispatchers.set(name, d);
    }
    return d;
  }
}
