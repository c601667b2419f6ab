//! Compiled code called from the interpreter: a `CallTarget` whose frame holds
//! just the arguments and whose body calls one code version's wasm export
//! with them (i64 as BigInt, references as unsigned numbers, which wasm
//! takes as i32) and the depth, the interpreter's count of frames outside
//! it (`core/limits.ts`), then stores the result (references made unsigned
//! again). The call is a boundary where a trap leaves compiled code
//! (`wasm-frames.ts`).
//!
//! The interpreter keeps a callee linked while the function's definition is
//! the same; another thread (the compiler's) may meanwhile have put a newer
//! version of that definition in the stub slot. Each call compares the slot
//! with its own id and, when it differs, has the interpreter link the
//! function again at its next call (this call still runs this version: the
//! same definition).

import { NORMAL, type CallTarget, type Frame, type StmtFn, type Val } from '../interp/closures.js';
import { frameMaker } from '../interp/code.js';
import type { IrFunction } from '../ir/ir.js';
import { isRefType } from '../ir/types.js';
import type { Heap } from '../core/heap.js';
import { depthWord } from '../core/limits.js';
import { stubSlot } from '../core/layout.js';
import { trapFromCompiled, type CodeLookup } from '../backend/wasm-frames.js';

type Entry = (...args: Val[]) => Val | undefined;

export class CompiledCallee implements CallTarget {
  readonly ret: number;
  readonly newFrame: () => Frame;
  readonly body: StmtFn;

  /**
   * `counted`: the frames of the callee that the interpreter has counted
   * already, left out of the depth it passes (1 for an on-stack replacement
   * entry of a function that calls: the interpreter counted the frame that
   * the entry continues). `place`: the version's code id, whose stub slot
   * naming another calls `stale` (absent for an on-stack replacement entry).
   */
  constructor(
    readonly ir: IrFunction,
    entry: WebAssembly.ExportedFunction,
    lookup: CodeLookup,
    heap: Heap,
    counted = 0,
    place?: { readonly id: number; readonly stale: () => void },
    /** For an on-stack replacement entry: its code version, which the baseline keeps only while something does (`Baseline.compileOsrEntry`). */
    readonly keeps: object | null = null,
  ) {
    const params = ir.locals.slice(0, ir.paramCount).map((l) => l.type);
    const ret = params.length;
    this.ret = ret;
    this.newFrame = frameMaker([...params, ir.result]);
    const word = depthWord(heap.threadId);
    const run = caller(entry as Entry, params.length);
    const slot = stubSlot(ir.id) >>> 2;
    const call = place
      ? (fr: Frame): Val | undefined => {
        if (heap.i32[slot] !== place.id) place.stale();
        return run(fr, (heap.i32[word] as number) - counted);
      }
      : (fr: Frame): Val | undefined => run(fr, (heap.i32[word] as number) - counted);
    if (ir.result === 'void') {
      this.body = (fr) => {
        try {
          call(fr);
        } catch (e) {
          throw trapFromCompiled(e, lookup);
        }
        return NORMAL;
      };
    } else if (isRefType(ir.result)) {
      this.body = (fr) => {
        try {
          fr[ret] = (call(fr) as number) >>> 0;
        } catch (e) {
          throw trapFromCompiled(e, lookup);
        }
        return NORMAL;
      };
    } else {
      this.body = (fr) => {
        try {
          fr[ret] = call(fr) as Val;
        } catch (e) {
          throw trapFromCompiled(e, lookup);
        }
        return NORMAL;
      };
    }
  }
}

/** Calls `entry` with the first `arity` slots of a frame and the depth (unrolled up to 4). */
function caller(entry: Entry, arity: number): (fr: Frame, depth: number) => Val | undefined {
  switch (arity) {
    case 0: return (_, d) => entry(d);
    case 1: return (fr, d) => entry(fr[0] as Val, d);
    case 2: return (fr, d) => entry(fr[0] as Val, fr[1] as Val, d);
    case 3: return (fr, d) => entry(fr[0] as Val, fr[1] as Val, fr[2] as Val, d);
    case 4: return (fr, d) => entry(fr[0] as Val, fr[1] as Val, fr[2] as Val, fr[3] as Val, d);
    default: return (fr, d) => entry(...fr.slice(0, arity), d);
  }
}
