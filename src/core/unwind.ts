//! How a trap collects its Rejit stack as it unwinds through interpreted
//! frames, and how a JS stack overflow becomes a `stackOverflow` trap.
//!
//! Every call site catches what its callee throws and adds entries: the
//! callee's own entry at the trap's position when the trap has none yet (the
//! callee raised it), then the caller's entry at the call's position. A trap
//! that a frame raises itself therefore gets that frame's entry from its
//! caller, and the outermost frame's from `Interpreter`.

import type { Pos } from '../ir/pos.js';
import { Trap, type StackEntry } from './trap.js';
import type { IrFunction } from '../ir/ir.js';

/** What unwinding needs of a frame's code: the version it runs. */
type CodeOf = { readonly ir: IrFunction };

export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message.includes('call stack');
}

export function entryOf(code: CodeOf, pos: Pos): StackEntry {
  return { fn: code.ir.name, fileName: code.ir.fileName, pos };
}

/**
 * What a call of `callee` rethrows to its caller, before the caller adds its
 * own entry: a trap that the callee raised itself gets the callee's entry.
 * Compiled callers (`tiering/bridge.ts`) add theirs from V8's stack, and
 * report a stack overflow at their call.
 */
export function unwindCallee(e: unknown, callee: CodeOf): unknown {
  if (e instanceof Trap && e.frames.length === 0) e.frames.push(entryOf(callee, e.pos));
  return e;
}

/** What a call site rethrows when its callee `callee` threw `e`; `site` is the caller's entry at the call. */
export function unwind(e: unknown, callee: CodeOf, site: StackEntry): unknown {
  if (e instanceof Trap) {
    unwindCallee(e, callee);
    e.frames.push(site);
    return e;
  }
  if (isStackOverflow(e)) {
    // Near the stack limit, this may overflow again; an outer call site then retries.
    const t = new Trap('stackOverflow', site.fileName, site.pos);
    t.frames.push(site);
    return t;
  }
  return e;
}

/** What the outermost frame (running `code`) rethrows. */
export function unwindOutermost(e: unknown, code: CodeOf): unknown {
  if (e instanceof Trap) return unwindCallee(e, code);
  if (isStackOverflow(e)) {
    const t = new Trap('stackOverflow', code.ir.fileName, code.ir.pos);
    t.frames.push(entryOf(code, code.ir.pos));
    return t;
  }
  return e;
}
