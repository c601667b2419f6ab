//! Bridges: how compiled code calls a function that is still interpreted. A
//! bridge is a JavaScript function with the wasm signature of one version of
//! a function, which runs that version in the interpreter; the backend wraps
//! it in a wasm function (`backend/bridge-module.ts`) and puts it at index
//! `id` of the thread's table, where the dispatcher looks for a version that
//! its stub slot names (`-id`: not compiled yet), until the compiled code
//! replaces it (`backend/baseline.ts`).
//!
//! The bridge is a JavaScript frame, so it ends a run of compiled frames in
//! a trap's stack (`backend/wasm-frames.ts`); the interpreted frames inside it add
//! their own entries as a trap unwinds through them.
//!
//! Compiled code passes the depth (`core/limits.ts`) as its last argument; the
//! interpreted frames count on from there in the thread's depth word, which
//! the bridge puts back as it found it on return (a trap leaves it to the
//! entry from the host, which puts back the count it started with).

import type { CallTarget, Val } from '../interp/closures.js';
import type { Heap } from '../core/heap.js';
import { depthWord } from '../core/limits.js';
import { unwindCallee } from '../core/unwind.js';
import { isRefType, type ValueType } from '../ir/types.js';
import type { BridgeTarget } from '../backend/bridge-module.js';

/**
 * Runs `code` (interpreted) with arguments as wasm passes them (references
 * as signed i32) and returns its result as wasm takes it. A stack overflow
 * in `code` itself passes through: its compiled caller reports it at its call.
 */
export function bridgeTarget(code: CallTarget, params: readonly ValueType[], heap: Heap): BridgeTarget {
  const refs = params.flatMap((t, i) => (isRefType(t) ? [i] : []));
  const ret = code.ret;
  const arity = params.length;
  const word = depthWord(heap.threadId);
  return (...args) => {
    const fr = code.newFrame();
    for (let i = 0; i < arity; i++) fr[i] = args[i] as Val;
    for (const i of refs) fr[i] = (fr[i] as number) >>> 0;
    const depth = heap.i32[word] as number;
    heap.i32[word] = args[arity] as number;
    try {
      code.body(fr);
    } catch (e) {
      throw unwindCallee(e, code);
    }
    heap.i32[word] = depth;
    return fr[ret] as Val;
  };
}
