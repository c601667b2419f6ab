//! What the closure compilers need to know while compiling one function: the
//! function, the program tables, the heap, the host, the linker that finds a
//! callee's code at call time, and the version's hotness budget. Also the
//! host interface: the builtins that reach outside the interpreter (output,
//! loading, threads).

import type { Pos } from '../frontend/ast.js';
import type { IrFunction } from '../ir/ir.js';
import type { Heap } from '../runtime/heap.js';
import type { Program } from '../runtime/program.js';
import type { Callee } from './closures.js';
import type { Budget } from './hotness.js';

export interface InterpreterHost {
  /** Writes one line of program output. */
  print(line: string): void;
  /** The `load(path)` builtin, called from module `fromFile` at `pos`; throws a Trap when the load fails. */
  load(path: string, fromFile: string, pos: Pos): void;
  /** Waits until every thread of the run has reached a barrier. */
  barrier(): void;
  /**
   * The poll request word (`runtime/layout.ts` POLL_REQUEST): every loop
   * back-edge and function entry reads it and calls `safepoint` when it is
   * nonzero (a stop or a code handshake is pending).
   */
  readonly pollWord: Int32Array;
  safepoint(): void;
  readonly threadId: number;
  readonly threadCount: number;
}

export interface Linker {
  /**
   * `codes[fn]`: the callee last linked for function `fn`; a call uses it
   * while its `ir` is still the function's current definition.
   */
  readonly codes: (Callee | undefined)[];
  /** What a call of version `ir` runs: its compiled code, when this thread has tiered it up, else its interpreted code. */
  calleeFor(ir: IrFunction): Callee;
}

export interface Ctx {
  readonly ir: IrFunction;
  readonly program: Program;
  readonly heap: Heap;
  readonly host: InterpreterHost;
  readonly linker: Linker;
  /** Drawn on by calls of this version and its loop back-edges (`hotness.ts`). */
  readonly budget: Budget;
}
