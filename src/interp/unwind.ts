//! How a trap collects its Rejit stack as it unwinds through interpreted
//! frames, and how a JS stack overflow becomes a `stackOverflow` trap.
//!
//! Every call site catches what its callee throws and adds entries: the
//! callee's own entry at the trap's position when the trap has none yet (the
//! callee raised it), then the caller's entry at the call's position. A trap
//! that a frame raises itself therefore gets that frame's entry from its
//! caller, and the outermost frame's from `Interpreter`.

import type { Pos } from '../frontend/ast.js';
import { Trap, type StackEntry } from '../runtime/trap.js';
import type { Code } from './code.js';

export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message.includes('call stack');
}

export function entryOf(code: Code, pos: Pos): StackEntry {
  return { fn: code.ir.name, fileName: code.ir.fileName, pos };
}

/** What a call site rethrows when its callee `callee` threw `e`; `site` is the caller's entry at the call. */
export function unwind(e: unknown, callee: Code, site: StackEntry): unknown {
  if (e instanceof Trap) {
    if (e.frames.length === 0) e.frames.push(entryOf(callee, e.pos));
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

/** What the outermost interpreted frame (running `code`) rethrows. */
export function unwindOutermost(e: unknown, code: Code): unknown {
  if (e instanceof Trap) {
    if (e.frames.length === 0) e.frames.push(entryOf(code, e.pos));
    return e;
  }
  if (isStackOverflow(e)) {
    const t = new Trap('stackOverflow', code.ir.fileName, code.ir.pos);
    t.frames.push(entryOf(code, code.ir.pos));
    return t;
  }
  return e;
}
