//! Rejit call stacks of traps that pass through compiled code, read from
//! V8's structured stack traces: a wasm frame's CallSite names its module
//! (`wasm://wasm/rejit-<code id>-<hash>`, from the module name in the `name`
//! section) and its position, the module byte offset of the call it is in.
//! Each code version records the source position of every call instruction
//! it emitted (traps are calls of `js.trap`), so frames map back exactly.
//!
//! A stack may alternate between compiled and interpreted code. Compiled
//! frames form runs, separated by JavaScript frames; the interpreter adds its
//! own frames as a trap unwinds through it, and each boundary where the trap
//! leaves compiled code adds the next run. A trap remembers how many runs it
//! has taken.

import { Trap, type StackEntry, type TrapKind } from '../runtime/trap.js';
import type { IrFunction } from '../ir/ir.js';
import { isStackOverflow } from '../interp/unwind.js';
import { CODE_MODULE_PREFIX } from './compile-function.js';
import type { CallPosition } from './function-emitter.js';

/** What frame mapping needs of a code version. */
export interface FrameInfo {
  readonly ir: IrFunction;
  readonly positions: ReadonlyMap<number, CallPosition>;
}

export type CodeLookup = (codeId: number) => FrameInfo | undefined;

const CODE_MODULE = new RegExp(`^wasm://wasm/${CODE_MODULE_PREFIX}(\\d+)(-|$)`);
const runsTaken = new WeakMap<Trap, number>();
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
      current.push({ entry: { fn: code.ir.name, fileName: code.ir.fileName, pos: at?.pos ?? code.ir.pos }, atCall: at?.rejit === true });
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
 * definition, of an allocation that found no memory).
 */
export function raiseTrap(kind: TrapKind, lookup: CodeLookup): never {
  const holder = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Infinity;
  Error.captureStackTrace(holder, raiseTrap);
  Error.stackTraceLimit = limit;
  const frames = run(callSites(holder), lookup, 0).map((f) => f.entry);
  const top = frames[0];
  const trap = new Trap(kind, top?.fileName ?? '', top?.pos ?? NO_POS);
  trap.frames.push(...frames);
  runsTaken.set(trap, 1);
  throw trap;
}

/**
 * What a boundary where control leaves compiled code rethrows: a trap with
 * the next run of compiled frames added, or a stack overflow turned into a
 * trap at the innermost Rejit call (the interpreter reports it there too).
 */
export function trapFromCompiled(e: unknown, lookup: CodeLookup): unknown {
  if (e instanceof Trap) {
    const taken = runsTaken.get(e) ?? 0;
    e.frames.push(...run(callSites(e), lookup, taken).map((f) => f.entry));
    runsTaken.set(e, taken + 1);
    return e;
  }
  if (isStackOverflow(e)) {
    const frames = run(callSites(e as Error), lookup, 0);
    // The innermost frames overflowed on entry or in a runtime call; the trap is at the first call site.
    while (frames.length > 1 && !(frames[0] as Frame).atCall) frames.shift();
    const top = frames[0]?.entry;
    if (!top) return e;
    const trap = new Trap('stackOverflow', top.fileName, top.pos);
    trap.frames.push(...frames.map((f) => f.entry));
    runsTaken.set(trap, 1);
    return trap;
  }
  return e;
}
