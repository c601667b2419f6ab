//! Hub dispatchers: the one place that calls through a thread's funcref
//! table. A dispatcher for signature S takes S's parameters (the depth
//! last among them, `passes/depth-param.ts`) and a function id, loads the
//! function's stub slot and tail-calls what the table holds at
//! the version the slot names: its compiled code (slot `id`), or, for a
//! version not compiled yet (slot `-id`), a bridge to the interpreter that
//! this thread put there (`tiering/bridge.ts`). It asks the runtime to resolve the
//! call when that table entry is empty (and, with threads, when a compiled
//! version is not installed on this thread yet); for a slot `id` on one
//! thread, code is always there, and the dispatcher goes straight to it.
//!
//! Why a hub: in Node 20 every instance that imports a table stays alive as
//! long as the table and makes each `table.set` slower (measured: docs/ARCHITECTURE.md,
//! "Stub slots"), so only
//! these small modules (one per signature and thread, a bounded number)
//! import it; compiled code imports the dispatchers instead.

import { MAX_CODES, STUB_SLOTS_BASE } from '../core/layout.js';
import { ModuleBuilder } from '../wasm/module-builder.js';
import type { FuncSig } from '../wasm/types.js';
import { importSharedMemory } from './memory-import.js';
import { dispatcherSig } from './wasm-types.js';

const HUB_MODULE_NAME = 'rejit-hub';

/**
 * Exports `dispatch`; `threaded` for a run of several threads, where a slot
 * may name code that this thread has not installed yet. Imports `env.table`
 * (the thread's code table) and `js.resolve(fn) -> index` (this thread's
 * current code of `fn`, compiled and installed on first use, or a bridge;
 * traps when `fn` has no definition).
 */
export function buildDispatcher(sig: FuncSig, threaded: boolean): ModuleBuilder {
  const mb = new ModuleBuilder(HUB_MODULE_NAME);
  importSharedMemory(mb);
  const table = mb.importTable('env', 'table', { min: 1 });
  const resolve = mb.importFunction('js', 'resolve', { params: ['i32'], results: ['i32'] }, 'resolve');
  const f = mb.addFunction({ name: 'dispatch', ...dispatcherSig(sig) });
  const c = f.code;
  const fn = sig.params.length;
  const index = f.addLocal('i32', 'index');
  /** Resolves the call unless the table holds something at `index`. */
  const probe = (): void => {
    c.localGet(index).tableSize(table).i32GeU();
    c.if('i32');
    c.i32Const(1);
    c.else();
    c.localGet(index).tableGet(table).refIsNull();
    c.end();
    c.if();
    c.localGet(fn).call(resolve).i32Const(MAX_CODES - 1).i32And().localSet(index);
    c.end();
  };
  for (let i = 0; i < fn; i++) c.localGet(i);
  c.localGet(fn).i32Const(2).i32Shl().i32AtomicLoad(STUB_SLOTS_BASE).localTee(index).i32Const(1).i32LtS();
  c.if();
  // Not compiled yet (or no definition, slot 0, which the table never holds).
  c.i32Const(0).localGet(index).i32Sub().i32Const(MAX_CODES - 1).i32And().localSet(index);
  probe();
  c.else();
  // A code id's index is its place in the table (`core/code-ids.ts`).
  c.localGet(index).i32Const(MAX_CODES - 1).i32And().localSet(index);
  // Another thread may have stored code that this thread has not installed yet (1.4 ns a call).
  if (threaded) probe();
  c.end();
  c.localGet(index).returnCallIndirect(mb.type(sig), table);
  mb.exportFunction('dispatch', f.index);
  return mb;
}
