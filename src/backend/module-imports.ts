//! The imports of one compiled function's module, declared on first use.
//!
//! Namespaces: `env` (the memory and the thread's id and count), `rt` (the
//! per-thread runtime module: allocation, delete, class tests), `js` (host
//! services: traps, printing, clock, barrier, load, f64 remainder), `hub`
//! (dispatchers, by signature) and `code` (the current code of callees that
//! were already compiled, by code id). Thread-specific values reach a module
//! through these imports only, so one compiled module serves every thread.

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
  instanceOf: { params: ['i32', 'i32', 'i32'], results: ['i32'] },
} as const satisfies Record<string, FuncSig>;

export type RtFunction = keyof typeof RT_FUNCTIONS;

/** Host services (`js-imports.ts`); `print` is imported once per signature of printed values. */
export const JS_FUNCTIONS = {
  trap: { params: ['i32'], results: [] },
  fmod: { params: ['f64', 'f64'], results: ['f64'] },
  clock: { params: [], results: ['i64'] },
  barrier: { params: [], results: [] },
  safepoint: { params: [], results: [] },
  printFixed: { params: ['f64', 'i32'], results: [] },
  load: { params: ['i32'], results: [] },
} as const satisfies Record<string, FuncSig>;

export type JsFunction = keyof typeof JS_FUNCTIONS;

export const CODE_EXPORT = 'f';

export class ModuleImports {
  /** Callees that direct calls would have imported, had they had code. */
  readonly unlinked = new Set<FunctionId>();
  private readonly funcs = new Map<string, FuncIdx>();
  private readonly globals = new Map<string, GlobalIdx>();

  /**
   * `currentCode(fn)` is the code id in fn's stub slot now (0: none); a
   * callee compiled already is imported directly, for a guarded direct call.
   */
  constructor(
    private readonly mb: ModuleBuilder,
    private readonly currentCode: (fn: FunctionId) => number,
  ) {
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

  /** The hub dispatcher for callees of signature `sig`. */
  dispatch(sig: FuncSig): FuncIdx {
    const name = sigName(sig);
    return this.func('hub', name, dispatcherSig(sig), `dispatch ${name}`);
  }

  /** The callee's current code, when it has some (its code id and import); else the callee is `unlinked`. */
  direct(fn: FunctionId, sig: FuncSig, name: string): { readonly code: number; readonly index: FuncIdx } | null {
    const code = this.currentCode(fn);
    if (code === 0) this.unlinked.add(fn);
    return code === 0 ? null : { code, index: this.func('code', String(code), sig, name) };
  }

  /** `tb` is the address of the thread's block (`runtime/layout.ts`). */
  global(name: 'threadId' | 'threadCount' | 'tb'): GlobalIdx {
    let index = this.globals.get(name);
    if (index === undefined) {
      index = this.mb.importGlobal('env', name, 'i32', false);
      this.globals.set(name, index);
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
