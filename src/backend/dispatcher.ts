//! Hub dispatchers: the one place that calls through a thread's funcref
//! table. A dispatcher for signature S takes S's parameters and a function
//! id, loads the function's stub slot (the table index of its current code),
//! asks the runtime to resolve it when the slot is 0 or names code this
//! thread has not installed, and tail-calls the code.
//!
//! Why a hub: in Node 20 every instance that imports a table stays alive as
//! long as the table and makes each `table.set` slower (design.md), so only
//! these small modules (one per signature and thread, a bounded number)
//! import it; compiled code imports the dispatchers instead.

import { STUB_SLOTS_BASE } from '../runtime/layout.js';
import { ModuleBuilder } from '../wasm/module-builder.js';
import type { FuncSig } from '../wasm/types.js';
import { importSharedMemory } from './memory-import.js';
import { dispatcherSig } from './wasm-types.js';

const HUB_MODULE_NAME = 'rejit-hub';

/**
 * Exports `dispatch`; `threaded` for a run of several threads, where a slot
 * may name code that this thread has not installed yet. Imports `env.table` (the thread's code table) and
 * `js.resolve(fn) -> index` (this thread's current code of `fn`, compiled and
 * installed on first use; traps when `fn` has no definition).
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
  for (let i = 0; i < fn; i++) c.localGet(i);
  // A slot below 1 names a definition that is not compiled yet (or none).
  c.localGet(fn).i32Const(2).i32Shl().i32AtomicLoad(STUB_SLOTS_BASE).localTee(index).i32Const(1).i32LtS();
  if (threaded) {
    // Another thread may have stored code that this thread has not installed yet (1.4 ns a call).
    c.if('i32');
    c.i32Const(1);
    c.else();
    c.localGet(index).tableSize(table).i32GeU();
    c.if('i32');
    c.i32Const(1);
    c.else();
    c.localGet(index).tableGet(table).refIsNull();
    c.end();
    c.end();
  }
  c.if('i32');
  c.localGet(fn).call(resolve);
  c.else();
  c.localGet(index);
  c.end();
  c.returnCallIndirect(mb.type(sig), table);
  mb.exportFunction('dispatch', f.index);
  return mb;
}
