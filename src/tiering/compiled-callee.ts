//! Compiled code called from the interpreter: a `CallTarget` whose frame holds
//! just the arguments and whose body calls one code version's wasm export
//! with them (i64 as BigInt, references as unsigned numbers, which wasm
//! takes as i32), then stores the result (references made unsigned again).
//! The call is a boundary where a trap leaves compiled code
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
import { stubSlot } from '../core/layout.js';
import { trapFromCompiled, type CodeLookup } from '../backend/wasm-frames.js';

type Entry = (...args: Val[]) => Val | undefined;

export class CompiledCallee implements CallTarget {
  readonly ret: number;
  readonly newFrame: () => Frame;
  readonly body: StmtFn;

  constructor(
    readonly ir: IrFunction,
    entry: WebAssembly.ExportedFunction,
    lookup: CodeLookup,
    /** The version's place: its stub slot still naming `id`; else `stale` is called. Absent for an on-stack replacement entry. */
    place?: { readonly heap: Heap; readonly id: number; readonly stale: () => void },
  ) {
    const params = ir.locals.slice(0, ir.paramCount).map((l) => l.type);
    const ret = params.length;
    this.ret = ret;
    this.newFrame = frameMaker([...params, ir.result]);
    const call = place ? checkingSlot(caller(entry as Entry, params.length), ir, place) : caller(entry as Entry, params.length);
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

function checkingSlot(call: (fr: Frame) => Val | undefined, ir: IrFunction, { heap, id, stale }: NonNullable<ConstructorParameters<typeof CompiledCallee>[3]>): (fr: Frame) => Val | undefined {
  const slot = stubSlot(ir.id) >>> 2;
  return (fr) => {
    if (heap.i32[slot] !== id) stale();
    return call(fr);
  };
}

/** Calls `entry` with the first `arity` slots of a frame (unrolled up to 4). */
function caller(entry: Entry, arity: number): (fr: Frame) => Val | undefined {
  switch (arity) {
    case 0: return () => entry();
    case 1: return (fr) => entry(fr[0] as Val);
    case 2: return (fr) => entry(fr[0] as Val, fr[1] as Val);
    case 3: return (fr) => entry(fr[0] as Val, fr[1] as Val, fr[2] as Val);
    case 4: return (fr) => entry(fr[0] as Val, fr[1] as Val, fr[2] as Val, fr[3] as Val);
    default: return (fr) => entry(...fr.slice(0, arity));
  }
}
