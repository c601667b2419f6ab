//! The imports of one compiled function's module, declared on first use.
//!
//! Namespaces: `env` (the memory, the thread's id and count, its block and
//! free-list table), `rt` (the per-thread runtime module: allocation,
//! delete, class tests), `js` (host
//! services: traps, printing, clock, barrier, load, f64 remainder, host
//! calls), `hub`
//! (dispatchers, by signature), `callee` and `calleeId` (for each function
//! called directly, by function id: the code that function had when the
//! module was instantiated and its code id, an i32 global; or a placeholder
//! and UNLINKED). Thread-specific values and callees reach a
//! module through these imports only, so one compiled module serves every
//! thread, and instantiating it again links it to callees compiled since.

import type { FunctionId } from '../ir/ir.js';
import type { ModuleBuilder } from '../wasm/module-builder.js';
import type { FuncIdx, FuncSig, GlobalIdx } from '../wasm/types.js';
import { importSharedMemory } from './memory-import.js';
import { dispatcherSig, sigName } from './wasm-types.js';

/** The runtime module's exports (`runtime-module.ts`) with their signatures. */
export const RT_FUNCTIONS = {
  newObject: { params: ['i32', 'i32', 'i32'], results: ['i32'] },
  newArray: { params: ['i32', 'i32', 'i32'], results: ['i32'] },
  free: { params: ['i32'], results: [] },
} as const satisfies Record<string, FuncSig>;

export type RtFunction = keyof typeof RT_FUNCTIONS;

/** Host services (`js-imports.ts`); `print` is imported once per signature of printed values. */
export const JS_FUNCTIONS = {
  trap: { params: ['i32'], results: [] },
  fmod: { params: ['f64', 'f64'], results: ['f64'] },
  clock: { params: [], results: ['i64'] },
  barrier: { params: [], results: [] },
  sleep: { params: ['i32'], results: [] },
  safepoint: { params: [], results: [] },
  globalStored: { params: ['i32'], results: [] },
  printFixed: { params: ['f64', 'i32'], results: [] },
  load: { params: ['i32'], results: [] },
  frameLimit: { params: [], results: [] },
  deoptValueI32: { params: ['i32'], results: [] },
  deoptValueI64: { params: ['i64'], results: [] },
  deoptValueF64: { params: ['f64'], results: [] },
  deoptVoid: { params: ['i32'], results: [] },
  deoptI32: { params: ['i32'], results: ['i32'] },
  deoptI64: { params: ['i32'], results: ['i64'] },
  deoptF64: { params: ['i32'], results: ['f64'] },
  deoptTick: { params: [], results: ['i32'] },
  optimize: { params: [], results: [] },
  osrReady: { params: ['i32'], results: ['i32'] },
  osrVoid: { params: ['i32'], results: [] },
  osrI32: { params: ['i32'], results: ['i32'] },
  osrI64: { params: ['i32'], results: ['i64'] },
  osrF64: { params: ['i32'], results: ['f64'] },
} as const satisfies Record<string, FuncSig>;

export type JsFunction = keyof typeof JS_FUNCTIONS;

export const CODE_EXPORT = 'f';

/** The expected code id of a callee without code: no stub slot ever holds it, so the guarded direct call is never taken. */
export const UNLINKED = -0x80000000;

/** A callee's imports: its code (`call` it) and that code's id (`global.get` it). */
export interface CalleeImport {
  readonly index: FuncIdx;
  readonly codeId: GlobalIdx;
}

export class ModuleImports {
  private readonly funcs = new Map<string, FuncIdx>();
  private readonly globals = new Map<string, GlobalIdx>();

  constructor(private readonly mb: ModuleBuilder) {
    importSharedMemory(mb);
  }

  js(name: JsFunction): FuncIdx {
    return this.func('js', name, JS_FUNCTIONS[name], name);
  }

  rt(name: RtFunction): FuncIdx {
    return this.func('rt', name, RT_FUNCTIONS[name], name);
  }

  /** `js.print_<sig>(format, ...values)`. */
  print(values: FuncSig['params']): FuncIdx {
    const sig = { params: values, results: [] };
    return this.func('js', `print_${sigName(sig)}`, { params: ['i32', ...values], results: [] }, 'print');
  }

  /** `js.host_<sig>(site, ...args)`: a host call (`js-imports.ts`), one import per signature. */
  host(params: FuncSig['params'], results: FuncSig['results']): FuncIdx {
    const name = `host_${sigName({ params, results })}`;
    return this.func('js', name, { params: ['i32', ...params], results }, name);
  }

  /** The hub dispatcher for callees of signature `sig`. */
  dispatch(sig: FuncSig): FuncIdx {
    const name = sigName(sig);
    return this.func('hub', name, dispatcherSig(sig), `dispatch ${name}`);
  }

  /** Callee `fn`'s code as the instance was linked: `callee.<fn>`, a function and its code id. */
  callee(fn: FunctionId, sig: FuncSig, name: string): CalleeImport {
    return { index: this.func('callee', String(fn), sig, name), codeId: this.importedGlobal('calleeId', String(fn)) };
  }

  /** `tb` is the address of the thread's block, `lists` of its free-list table (`core/layout.ts`). */
  global(name: 'threadId' | 'threadCount' | 'tb' | 'lists'): GlobalIdx {
    return this.importedGlobal('env', name);
  }

  private importedGlobal(module: string, field: string): GlobalIdx {
    const key = `${module}.${field}`;
    let index = this.globals.get(key);
    if (index === undefined) {
      index = this.mb.importGlobal(module, field, 'i32', false);
      this.globals.set(key, index);
    }
    return index;
  }

  private func(module: string, field: string, sig: FuncSig, name: string): FuncIdx {
    const key = `${module}.${field}`;
    let index = this.funcs.get(key);
    if (index === undefined) {
      index = this.mb.importFunction(module, field, sig, name);
      this.funcs.set(key, index);
    }
    return index;
  }
}
