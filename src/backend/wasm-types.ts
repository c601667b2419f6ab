//! How Rejit values are represented in wasm: i32 and i64 as themselves, f64
//! as f64, bool as i32 0/1, references as i32 addresses into the shared
//! memory (null = 0). A function's wasm signature follows from its Rejit one,
//! with the depth parameter last (`passes/depth-param.ts`).

import type { Type, ValueType } from '../ir/types.js';
import { sigKey, type FuncSig } from '../wasm/types.js';

/** The wasm value types that Rejit values use. */
export type NumType = 'i32' | 'i64' | 'f64';

export function wasmType(t: Type): NumType {
  return t === 'i64' || t === 'f64' ? t : 'i32';
}

/** The signature of compiled code for a Rejit signature: its parameters, then the depth (`passes/depth-param.ts`). */
export function wasmSig(params: readonly ValueType[], result: ValueType | 'void'): FuncSig {
  return { params: [...params.map(wasmType), 'i32'], results: result === 'void' ? [] : [wasmType(result)] };
}

/** The signature of a hub dispatcher: the callee's, plus the function id as a last parameter. */
export function dispatcherSig(sig: FuncSig): FuncSig {
  return { params: [...sig.params, 'i32'], results: sig.results };
}

/** A short name for a signature, usable in import and export names: `i32.f64>i64`. */
export function sigName(sig: FuncSig): string {
  return sigKey(sig).replace(/ -> /, '>').replace(/ /g, '.').replace(/^>/, '_>');
}
