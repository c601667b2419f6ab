//! What the closure compilers need to know while compiling one function: the
//! function, the program tables, the heap, the host, the linker that finds a
//! callee's code at call time, and the version's hotness budget..

import type { IrFunction } from '../ir/ir.js';
import type { Heap } from '../core/heap.js';
import type { Program } from '../core/program.js';
import type { RuntimeHost } from '../core/host.js';
import type { CallTarget } from './closures.js';
import type { Budget } from './hotness.js';


export interface Linker {
  /**
   * `codes[fn]`: the callee last linked for function `fn`; a call uses it
   * while its `ir` is still the function's current definition.
   */
  readonly codes: (CallTarget | undefined)[];
  /** What a call of version `ir` runs: its compiled code, when this thread has tiered it up, else its interpreted code. */
  calleeFor(ir: IrFunction): CallTarget;
}

export interface Ctx {
  readonly ir: IrFunction;
  readonly program: Program;
  readonly heap: Heap;
  readonly host: RuntimeHost;
  readonly linker: Linker;
  /** Drawn on by calls of this version and its loop back-edges (`hotness.ts`). */
  readonly budget: Budget;
}
