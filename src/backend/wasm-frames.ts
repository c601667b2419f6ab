//! Rejit call stacks of traps that pass through compiled code, read from
//! V8's structured stack traces: a wasm frame's CallSite names its module
//! (`wasm://wasm/rejit-<code id>-<hash>`, from the module name in the `name`
//! section) and its position, the module byte offset of the call it is in.
//! Each code version records the source position of every call instruction
//! it emitted (traps are calls of `js.trap`), so frames map back exactly; an
//! instruction in code inlined from a callee stands for the callee's frame
//! as well (`inline-call.ts`).
//!
//! A stack may alternate between compiled and interpreted code. Compiled
//! frames form runs, separated by JavaScript frames (the interpreter, and the
//! bridges through which compiled code calls it). The interpreter adds its own
//! frames as a trap unwinds through it, and each boundary where the trap
//! leaves compiled code for JavaScript (`trapFromCompiled`) adds the next run
//! of the trap's own stack, which V8 captured where the trap was made: the
//! boundaries a trap passes are exactly those outside the place where it was
//! made, innermost first, and each has one run between it and the previous
//! one. A trap reads its runs once and remembers how many it has taken.
//!
//! A frame that deoptimized (in the call of its deopt block) is left out:
//! the interpreter continued it, and its frames add their own entries.
//!
//! Traps need every frame: `withFullStackTraces` lifts V8's limit on stack
//! trace length while compiled code may be on the stack.

import { Trap, type StackEntry, type TrapKind } from '../core/trap.js';
import type { IrFunction } from '../ir/ir.js';
import { isStackOverflow } from '../core/unwind.js';
import { CODE_MODULE_PREFIX } from './compile-function.js';
import type { CallPosition, InlinedFrame } from './function-emitter.js';

/** What frame mapping needs of a code version. */
export interface FrameInfo {
  readonly ir: IrFunction;
  readonly positions: ReadonlyMap<number, CallPosition>;
}

export type CodeLookup = (codeId: number) => FrameInfo | undefined;

const CODE_MODULE = new RegExp(`^wasm://wasm/${CODE_MODULE_PREFIX}(\\d+)(-|$)`);
/** Each trap's runs, read once (at every boundary, reading its whole stack again would make a deep mixed stack quadratic), and how many it has taken. */
const trapRuns = new WeakMap<Trap, { readonly runs: readonly Frame[][]; taken: number }>();
const NO_POS = { line: 0, col: 0 };

/** The structured stack of `holder` (an Error, or an object given to `Error.captureStackTrace`). */
function callSites(holder: object): NodeJS.CallSite[] {
  const prepare = Error.prepareStackTrace;
  Error.prepareStackTrace = (_, sites) => sites;
  try {
    const stack = (holder as { stack?: unknown }).stack;
    return Array.isArray(stack) ? (stack as NodeJS.CallSite[]) : [];
  } finally {
    Error.prepareStackTrace = prepare;
  }
}

interface Frame {
  readonly entry: StackEntry;
  /** At a call of a Rejit function (not a trap or runtime call, nor a stack check on entry). */
  readonly atCall: boolean;
}

/** The runs of compiled frames in a stack, innermost first, each innermost first. */
function runs(sites: readonly NodeJS.CallSite[], lookup: CodeLookup): Frame[][] {
  const result: Frame[][] = [];
  let current: Frame[] | null = null;
  for (const site of sites) {
    const file = site.getFileName() ?? '';
    const match = CODE_MODULE.exec(file);
    const code = match ? lookup(Number(match[1])) : undefined;
    if (code) {
      const at = code.positions.get(site.getPosition());
      if (current === null) result.push((current = []));
      // Deoptimized: the interpreter continued this frame and reports it.
      if (at?.replaced) continue;
      // Code inlined from callees stands for their frames too: the innermost at the instruction, each other at its call.
      const inlined = at?.inlined ?? [];
      let pos = at?.pos ?? code.ir.pos;
      let atCall = at?.rejit === true;
      for (let i = inlined.length - 1; i >= 0; i--) {
        const frame = inlined[i] as InlinedFrame;
        current.push({ entry: { fn: frame.fn, fileName: frame.fileName, pos }, atCall });
        pos = frame.callPos;
        atCall = true;
      }
      current.push({ entry: { fn: code.ir.name, fileName: code.ir.fileName, pos }, atCall });
    } else if (!file.startsWith('wasm://')) {
      // A JavaScript frame ends a run; the runtime's and the hub's wasm frames do not.
      current = null;
    }
  }
  return result;
}

function run(sites: readonly NodeJS.CallSite[], lookup: CodeLookup, index: number): Frame[] {
  return runs(sites, lookup)[index] ?? [];
}

/**
 * Raises a trap of `kind` from compiled code, at the position of the
 * innermost Rejit frame (the call of `js.trap`, of a dispatcher that found no
 * definition, of an allocation that found no memory). Its frames are added
 * where it leaves compiled code.
 */
export function raiseTrap(kind: TrapKind, lookup: CodeLookup, detail = ''): never {
  throw withFullStackTraces(() => {
    const holder = {};
    Error.captureStackTrace(holder, raiseTrap);
    const top = run(callSites(holder), lookup, 0)[0]?.entry;
    return new Trap(kind, top?.fileName ?? '', top?.pos ?? NO_POS, detail);
  });
}

/**
 * What a boundary where control leaves compiled code for JavaScript
 * rethrows: a trap with its next run of compiled frames added, or a stack
 * overflow turned into a trap at the innermost Rejit call of the compiled
 * frames inside the boundary. An overflow with no such call (it happened
 * before the boundary entered compiled code, or on entry of its callee) is
 * rethrown as it is, for the boundary's caller to report at its own call,
 * as the interpreter does.
 */
export function trapFromCompiled(e: unknown, lookup: CodeLookup): unknown {
  if (e instanceof Trap) {
    let state = trapRuns.get(e);
    if (!state) trapRuns.set(e, (state = { runs: runs(callSites(e), lookup), taken: 0 }));
    e.frames.push(...(state.runs[state.taken++] ?? []).map((f) => f.entry));
    return e;
  }
  if (isStackOverflow(e)) {
    const all = runs(callSites(e as Error), lookup);
    // The runs outside the boundary are on the stack still; only one inside it counts.
    if (all.length <= runsOutside(lookup)) return e;
    const frames = (all[0] as Frame[]).slice();
    // The innermost frames overflowed on entry or in a runtime call; the trap is at the first call site.
    while (frames.length > 0 && !(frames[0] as Frame).atCall) frames.shift();
    const top = frames[0]?.entry;
    if (!top) return e;
    // Made here, its own stack starts at this boundary: the next boundary takes its first run.
    const trap = new Trap('stackOverflow', top.fileName, top.pos);
    trap.frames.push(...frames.map((f) => f.entry));
    return trap;
  }
  return e;
}

/**
 * The innermost Rejit frame of compiled code in the stack of a fault that is
 * not a trap (a wasm RuntimeError), or undefined when compiled code was not
 * on its stack. `exact`: the position is the faulting instruction's (a
 * recorded call); otherwise it is the function's, since other instructions
 * have no position recorded.
 */
export function faultFrame(e: unknown, lookup: CodeLookup): { readonly entry: StackEntry; readonly exact: boolean } | undefined {
  if (!(e instanceof Error)) return undefined;
  for (const site of callSites(e)) {
    const match = CODE_MODULE.exec(site.getFileName() ?? '');
    const code = match ? lookup(Number(match[1])) : undefined;
    if (!code) continue;
    const at = code.positions.get(site.getPosition());
    const inlined = at?.inlined ?? [];
    const inner = inlined[inlined.length - 1];
    const fn = inner?.fn ?? code.ir.name;
    const fileName = inner?.fileName ?? code.ir.fileName;
    return { entry: { fn, fileName, pos: at?.pos ?? code.ir.pos }, exact: at !== undefined };
  }
  return undefined;
}

/** The runs of compiled frames outside the caller of `trapFromCompiled`. */
function runsOutside(lookup: CodeLookup): number {
  const holder = {};
  Error.captureStackTrace(holder, trapFromCompiled);
  return runs(callSites(holder), lookup).length;
}

/** Runs `body` with V8 recording every frame of a stack trace (a trap's Rejit stack comes from them). */
export function withFullStackTraces<T>(body: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Infinity;
  try {
    return body();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * The stack report of the calling thread: the module ids (code ids of the
 * modules, not of relinked instances) of every wasm frame on its stack now,
 * read from V8's structured stack trace, as V8's wasm code GC names each
 * frame's module at a safepoint. Costs a stack trace: taken at safepoints
 * and loads only, never per call.
 */
export function runningCodeIds(): Set<number> {
  const holder = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Infinity;
  try {
    Error.captureStackTrace(holder);
  } finally {
    Error.stackTraceLimit = limit;
  }
  const ids = new Set<number>();
  for (const site of callSites(holder)) {
    const match = CODE_MODULE.exec(site.getFileName() ?? '');
    if (match) ids.add(Number(match[1]));
  }
  return ids;
}
