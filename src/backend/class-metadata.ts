//! Class metadata in the shared memory, for compiled code: casts, `is` and
//! virtual calls read it instead of the session's `ClassInfo` objects.
//!
//! `CLASS_TABLE_BASE + 4 * classId` holds the address `meta` of the class's block:
//!
//! ```
//! meta - 4 * (d + 1)   ancestors[d], for d = 0 .. depth (ancestors[depth] is the class itself)
//! meta + 0             object size
//! meta + 4             depth
//! meta + 8             vtable length
//! meta + 12            vtable: one function id per slot
//! ```
//!
//! Ancestors sit below `meta` so that "is a C" (C at depth D) reads a fixed
//! offset: `depth >= D && load(meta - 4 * (D + 1)) == C`. A block never
//! changes once written (a redefinition keeps function ids, so the vtable
//! holds ids and dispatch goes on through stub slots). Unused class ids read
//! 0, which compiled code treats like a deleted object.

import { CLASS_TABLE_BASE, HEADER_SIZE } from '../core/layout.js';
import type { Heap } from '../core/heap.js';
import type { ClassInfo } from '../core/program.js';

const META_SIZE = 0;
export const META_DEPTH = 4;
export const META_VTABLE_LENGTH = 8;
export const META_VTABLE = 12;

/** Where ancestors[depth] lies below `meta`. */
export const ancestorOffset = (depth: number): number => 4 * (depth + 1);

/** Writes the metadata block of `c` (a runtime block on `heap`, which no program reference reaches) and points the class table at it. */
export function writeClassMetadata(heap: Heap, c: ClassInfo): void {
  const words = c.depth + 1 + 3 + c.vtable.length;
  // The header words stay 0: the block reads as no object and no array.
  const meta = heap.allocRuntime(HEADER_SIZE + 4 * words) + HEADER_SIZE + ancestorOffset(c.depth);
  const i32 = heap.i32;
  const at = (addr: number, value: number): void => {
    i32[addr >>> 2] = value;
  };
  c.ancestors.forEach((id, d) => at(meta - ancestorOffset(d), id));
  at(meta + META_SIZE, c.size);
  at(meta + META_DEPTH, c.depth);
  at(meta + META_VTABLE_LENGTH, c.vtable.length);
  c.vtable.forEach((fn, slot) => at(meta + META_VTABLE + 4 * slot, fn));
  // Published last, so that a thread that finds the class finds it whole.
  Atomics.store(i32, (CLASS_TABLE_BASE >>> 2) + c.id, meta);
}
