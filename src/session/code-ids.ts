//! Code ids for new definitions, and the stub slots and definition words that name them.

import type { IrFunction } from '../ir/ir.js';
import { definitionWord, stubSlot } from '../core/layout.js';
import type { FunctionInfo, Program } from '../core/program.js';
import { uncompiledWord } from '../core/stub-slots.js';

/**
 * Gives each function just (re)defined a code id. The loading thread also
 * points the functions' stub slots at them (negative: not compiled yet), so
 * that calls after the load resolve the new definitions, and sets their
 * definition words, which code that inlined the old bodies checks; threads replaying
 * the load leave the slots alone, since they may be late and must not undo
 * a newer load.
 */
export function defineCode(program: Program, memory: Int32Array, defined: readonly FunctionInfo[], writeSlots: boolean): void {
  for (const f of defined) {
    const id = program.newCodeId(f.ir as IrFunction);
    if (!writeSlots) continue;
    Atomics.store(memory, definitionWord(f.id) >>> 2, id);
    Atomics.store(memory, stubSlot(f.id) >>> 2, uncompiledWord(id));
  }
}
