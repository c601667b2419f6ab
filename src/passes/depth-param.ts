//! The depth parameter: compiled code gets the recursion depth with each call
//! rather than from memory (`core/limits.ts`), as one more i32 parameter
//! after the declared ones: the number of counted Rejit frames outside the
//! call (the interpreter's depth word when it calls). This pass gives a
//! version that parameter in its IR, so that the IR's locals are the wasm
//! function's locals one for one: the parameter is local `paramCount` and
//! the other locals move up by one.
//!
//! It does not count anything: the emitter checks the depth at the entry of
//! a function that calls and passes it on (`backend/function-emitter.ts`).
//! Calls, positions and points stay as they are; the result is for emission
//! only, never a definition (`program.definition` knows the version it came
//! from).

import type { IrFunction, Local, LocalIndex } from '../ir/ir.js';
import { renumberStmts } from '../ir/renumber.js';

const DEPTH: Local = { name: 'depth', type: 'i32' };

/** `ir` with the depth parameter after its own parameters. */
export function addDepthParam(ir: IrFunction): IrFunction {
  const n = ir.paramCount;
  const shift = (l: LocalIndex): LocalIndex => (l < n ? l : l + 1);
  // An on-stack replacement entry has parameters only: nothing to move.
  const body = ir.locals.length === n ? ir.body : renumberStmts(ir.body, { local: shift, label: (l) => l });
  return { ...ir, paramCount: n + 1, locals: [...ir.locals.slice(0, n), DEPTH, ...ir.locals.slice(n)], body };
}

/** The local of the depth parameter in a version that `addDepthParam` made. */
export function depthParam(ir: IrFunction): LocalIndex {
  return ir.paramCount - 1;
}
