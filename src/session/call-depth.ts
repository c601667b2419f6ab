//! Whether a run's calls fit the stack of the JavaScript main thread, read
//! from the program's call graph: `rejit run` runs a one-thread program's
//! `main` there when they do, and saves the boot of a worker. The main thread
//! has about 1 MiB of stack, a worker of a threaded session 64 MiB
//! (`core/limits.ts`), so only a run whose calls cannot nest deeply fits: no
//! call from `main` leads back to a function on its way (no recursion,
//! direct or through methods), no function on the way loads code (a load can
//! redefine anything), and the longest chain of calls costs at most
//! MAIN_THREAD_BUDGET.
//!
//! This file does not run anything; it reads the program tables.

import type { FunctionId, Stmt } from '../ir/ir.js';
import type { ClassId } from '../ir/ids.js';
import { stmtChildren } from '../ir/operands.js';
import type { Program } from '../core/program.js';

/**
 * The stack a frame takes, in units of about 85 bytes: the interpreter, the
 * tier that takes the most, took about 550 bytes for a frame and 85 more for
 * each statement list it was nested in (on the main thread, a function that
 * calls itself: 1,780 frames flat, 440 nested twenty deep; compiled frames
 * took under 50 bytes). A frame costs FRAME_COST plus the nesting of its
 * function's body.
 */
export const FRAME_COST = 8;

/**
 * About 85 KiB, a twelfth of the main thread's stack. The units undercount
 * loops: chains of functions that call from inside ninety-five nested loops
 * and ifs ran out of stack at between five and six times this budget's
 * worth of units, chains of flat functions at no multiple tried (up to
 * ten). The rest is left to what runs below `main` and at the deepest call
 * (compiling a function there, printing, a trap's stack trace).
 */
export const MAIN_THREAD_BUDGET = 1024;

/** Whether the calls of a run of `fn` fit the main thread's stack (see the module comment). */
export function fitsMainThread(program: Program, fn: FunctionId): boolean {
  return new CallDepth(program).cost(fn, MAIN_THREAD_BUDGET) <= MAIN_THREAD_BUDGET;
}

class CallDepth {
  /** The cost of the deepest chain of calls from each function visited, itself included. */
  private readonly done = new Map<FunctionId, number>();
  /** The functions on the current chain, for finding recursion. */
  private readonly onChain = new Set<FunctionId>();

  constructor(private readonly program: Program) {}

  /**
   * The cost of the deepest chain of calls from `fn`, or Infinity when it
   * exceeds `left` (then the run does not fit and nothing else matters:
   * the search stops, and recurses at most `left / FRAME_COST` deep).
   */
  cost(fn: FunctionId, left: number): number {
    const known = this.done.get(fn);
    if (known !== undefined) return known;
    if (this.onChain.has(fn)) return Infinity;
    const ir = this.program.functionInfo(fn).ir;
    if (!ir) return FRAME_COST;
    const shape = { nesting: 0, loads: false, callees: new Set<FunctionId>() };
    this.scan(ir.body, 0, shape);
    const own = FRAME_COST + shape.nesting;
    if (shape.loads || own > left) return Infinity;
    this.onChain.add(fn);
    let deepest = 0;
    for (const callee of shape.callees) {
      deepest = Math.max(deepest, this.cost(callee, left - own));
      if (deepest === Infinity) break;
    }
    this.onChain.delete(fn);
    const total = own + deepest;
    this.done.set(fn, total);
    return total;
  }

  /** The nesting of `stmts` (at depth `depth`), whether they load, and what they call. */
  private scan(stmts: readonly Stmt[], depth: number, shape: { nesting: number; loads: boolean; callees: Set<FunctionId> }): void {
    shape.nesting = Math.max(shape.nesting, depth);
    for (const s of stmts) {
      if (s.op === 'load') shape.loads = true;
      if (s.op === 'call') {
        const callee = s.callee;
        if (callee.kind === 'direct') shape.callees.add(callee.fn);
        else for (const fn of this.implementations(callee.classId, callee.slot)) shape.callees.add(fn);
      }
      for (const list of stmtChildren(s)) this.scan(list, depth + 1, shape);
    }
  }

  /** What a virtual call of `slot` on a `classId` may run: the slot's function in that class and in each subclass. */
  private implementations(classId: ClassId, slot: number): FunctionId[] {
    const out: FunctionId[] = [];
    for (const c of this.program.classes) {
      if (c?.ancestors.includes(classId)) {
        const fn = c.vtable[slot];
        if (fn !== undefined) out.push(fn);
      }
    }
    return out;
  }
}
