//! Code ids for new definitions, and the stub slots and definition words that name them.

import type { IrFunction } from '../ir/ir.js';
import { definitionWord, stubSlot } from '../core/layout.js';
import type { FunctionInfo, Program } from '../core/program.js';
import { uncompiledWord } from '../core/stub-slots.js';
import { codeId } from '../ir/ids.js';
import type { ModuleDelta } from '../frontend/check-module.js';

/** How many code ids a load takes: one for each function it defines or redefines. */
export function codeIdsNeeded(delta: ModuleDelta): number {
  return delta.functions.filter((f) => f.ir).length + delta.redefinitions.length;
}

/**
 * Gives each function just (re)defined a code id from `ids`, in order (the
 * ids the loading thread took for the load). The loading thread also
 * points the functions' stub slots at them (negative: not compiled yet), so
 * that calls after the load resolve the new definitions, and sets their
 * definition words, which code that inlined the old bodies checks; threads replaying
 * the load leave the slots alone, since they may be late and must not undo
 * a newer load.
 */
export function defineCode(program: Program, memory: Int32Array, defined: readonly FunctionInfo[], ids: readonly number[], writeSlots: boolean): void {
  for (const [i, f] of defined.entries()) {
    const id = codeId(ids[i] as number);
    program.bindCodeId(f.ir as IrFunction, id);
    if (!writeSlots) continue;
    Atomics.store(memory, definitionWord(f.id) >>> 2, id);
    Atomics.store(memory, stubSlot(f.id) >>> 2, uncompiledWord(id));
  }
}
