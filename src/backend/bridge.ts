//! Bridges: how compiled code calls a function that is still interpreted. A
//! bridge is a JavaScript function with the wasm signature of one version of
//! a function, which runs that version in the interpreter. A funcref table
//! holds only wasm functions, so a tiny module per signature imports the
//! JavaScript function and exports it again: the export is a wasm function
//! whose call goes straight to JavaScript. On a thread where version `id` is
//! not compiled, its bridge stands at index `id` of the thread's table, where
//! the dispatcher looks for a version that its stub slot names (`-id`: not
//! compiled yet), until the compiled code replaces it (`baseline.ts`).
//!
//! The bridge is a JavaScript frame, so it ends a run of compiled frames in
//! a trap's stack (`wasm-frames.ts`); the interpreted frames inside it add
//! their own entries as a trap unwinds through them.

import type { Callee, Val } from '../interp/closures.js';
import { unwindCallee } from '../interp/unwind.js';
import { isRefType, type ValueType } from '../ir/types.js';
import { ModuleBuilder } from '../wasm/module-builder.js';
import type { FuncSig } from '../wasm/types.js';
import { CODE_EXPORT } from './module-imports.js';

const BRIDGE_MODULE_NAME = 'rejit-bridge';

/** Imports `js.run` of signature `sig` and exports it as `f`. */
export function buildBridge(sig: FuncSig): ModuleBuilder {
  const mb = new ModuleBuilder(BRIDGE_MODULE_NAME);
  mb.exportFunction(CODE_EXPORT, mb.importFunction('js', 'run', sig, 'run'));
  return mb;
}

export type BridgeTarget = (...args: Val[]) => Val;

/**
 * Runs `code` (interpreted) with arguments as wasm passes them (references
 * as signed i32) and returns its result as wasm takes it. A stack overflow
 * in `code` itself passes through: its compiled caller reports it at its call.
 */
export function bridgeTarget(code: Callee, params: readonly ValueType[]): BridgeTarget {
  const refs = params.flatMap((t, i) => (isRefType(t) ? [i] : []));
  const ret = code.ret;
  return (...args) => {
    const fr = code.newFrame();
    for (let i = 0; i < args.length; i++) fr[i] = args[i] as Val;
    for (const i of refs) fr[i] = (fr[i] as number) >>> 0;
    try {
      code.body(fr);
    } catch (e) {
      throw unwindCallee(e, code);
    }
    return fr[ret] as Val;
  };
}
