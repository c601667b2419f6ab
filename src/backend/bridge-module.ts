//! The wasm side of a bridge to the interpreter (`tiering/bridge.ts`): a
//! funcref table holds only wasm functions, so a tiny module per signature
//! imports the JavaScript function and exports it again; the export is a wasm
//! function whose call goes straight to JavaScript.

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

/** A JavaScript function with a version's wasm signature (i64 as bigint). */
export type BridgeTarget = (...args: (number | bigint)[]) => number | bigint;

