//! Allocation and `delete` of objects and small arrays, inline in compiled
//! code: the fast paths of the runtime module's algorithm
//! (`runtime-module.ts`, the same as `core/heap.ts`) over the thread's bump
//! region (in its block, imported as the global `tb`) and free-list table
//! (the global `lists`). An object's class id and size are known at compile
//! time, so its free list is too; a small array's (at most SMALL_LIMIT
//! bytes: an exact size class) is one shift and add away from its array
//! type's. A `new` pops that free list or bumps the pointer, and only a
//! thread whose bump region is used up calls the runtime. Large arrays and
//! the rarer cases of `delete` go to the runtime module.

import type { Pos } from '../ir/pos.js';
import type { ClassId } from '../ir/ids.js';
import type { Type } from '../ir/types.js';
import {
  ARRAY_DATA, ARRAY_LENGTH, CHUNK_SIZE, ElemKind, HEADER_SIZE, MAX_ARRAY_TYPES, MAX_CLASSES, OBJECT_SIZE_CLASS,
  SIZE_CLASSES, SMALL_LIMIT, TB_BUMP, TB_BUMP_END, arrayFreeList, elemSize, objectFreeList, sizeClass,
} from '../core/layout.js';
import type { FunctionEmitter } from './function-emitter.js';

/** Pushes a new zeroed object of class `classId`. */
export function emitNewObject(fx: FunctionEmitter, classId: ClassId, pos: Pos): void {
  const c = fx.c;
  const { size } = fx.program.classInfo(classId);
  const cls = sizeClass(size).cls;
  const slow = (): void => {
    c.i32Const(classId).i32Const(cls).i32Const(size);
    fx.call(fx.imports.rt('newObject'), pos);
  };
  if (size >= CHUNK_SIZE) return slow();
  const tb = fx.imports.global('tb');
  const lists = fx.imports.global('lists');
  const freeList = objectFreeList(classId);
  fx.scratch('i32', (p) =>
    fx.scratch('i32', (next) => {
      const header = (): void => {
        c.localGet(p).i32Const(classId).i32Store();
        c.localGet(p).i32Const(cls).i32Store(OBJECT_SIZE_CLASS);
      };
      const done = c.block('i32');
      // A block from the class's free list: unlink it (a first word that is the header ends the list) and zero its fields.
      c.globalGet(lists).i32Load(freeList).localTee(p).if();
      c.globalGet(lists).localGet(p).i32Load().localSet(next);
      c.i32Const(0).localGet(next).localGet(next).i32Const(classId).i32Eq().select().i32Store(freeList);
      for (let offset = HEADER_SIZE; offset < size; offset += 8) c.localGet(p).i64Const(0n).i64Store(offset);
      header();
      c.localGet(p).br(done);
      c.end();
      // The bump region (fresh memory is zero), unless it is too short: `size > end - bump`.
      c.i32Const(size).globalGet(tb).i32Load(TB_BUMP_END).globalGet(tb).i32Load(TB_BUMP).localTee(p).i32Sub().i32GtU();
      c.if();
      slow();
      c.br(done);
      c.end();
      c.globalGet(tb).localGet(p).i32Const(size).i32Add().i32Store(TB_BUMP);
      header();
      c.localGet(p);
      c.end();
    }),
  );
}

/**
 * Pushes a new zeroed array of `length` (in a local, not negative) elements,
 * of array type `arrayType` (`core/array-types.ts`): inline when it is
 * small, else from the runtime. `known` is the length when it is a constant:
 * the size class, its free list and the block's size are then constants too.
 */
export function emitNewArray(fx: FunctionEmitter, arrayType: number, length: number, pos: Pos, known?: number): void {
  const c = fx.c;
  const shift = elemSize(arrayType) === 8 ? 3 : 2;
  const slow = (): void => {
    c.i32Const(arrayType).i32Const(shift).localGet(length);
    fx.call(fx.imports.rt('newArray'), pos);
  };
  if (known !== undefined && known > (SMALL_LIMIT - HEADER_SIZE) >> shift) return slow();
  const tb = fx.imports.global('tb');
  const lists = fx.imports.global('lists');
  // The bytes past the header: the block is exactly HEADER_SIZE + length << shift, rounded up to 8.
  const knownBytes = known === undefined ? undefined : ((known << shift) + 7) & -8;
  const dataBytes = (): void => {
    if (knownBytes !== undefined) c.i32Const(knownBytes);
    else c.localGet(length).i32Const(shift).i32Shl().i32Const(7).i32Add().i32Const(-8).i32And();
  };
  fx.scratch('i32', (p) =>
    fx.scratch('i32', (cls) => {
      const done = c.block('i32');
      let list: number;
      if (knownBytes === undefined) {
        c.localGet(length).i32Const((SMALL_LIMIT - HEADER_SIZE) >> shift).i32LeU();
        c.if();
        // `cls` the address of the size class's entry, relative to the array type's list of class 0.
        c.localGet(length).i32Const(shift).i32Shl().i32Const(HEADER_SIZE + 7).i32Add().i32Const(3).i32ShrU();
        c.i32Const(2).i32Shl().globalGet(lists).i32Add().localTee(cls);
        list = arrayFreeList(arrayType, 0);
      } else {
        c.globalGet(lists).localTee(cls);
        list = arrayFreeList(arrayType, (HEADER_SIZE + knownBytes) >> 3);
      }
      c.i32Load(list).localTee(p);
      c.if();
      // Unlink it: a first word that is the header ends the list.
      c.localGet(cls).i32Const(0).localGet(p).i32Load().localTee(cls).localGet(cls).i32Const(~arrayType).i32Eq().select();
      c.i32Store(list);
      zeroElements(fx, p, cls, dataBytes, knownBytes);
      c.else();
      // The bump region (fresh memory is zero), unless it is too short: `size > end - bump`.
      dataBytes();
      c.i32Const(HEADER_SIZE).i32Add().localTee(cls).globalGet(tb).i32Load(TB_BUMP_END).globalGet(tb).i32Load(TB_BUMP).localTee(p).i32Sub().i32GtU();
      c.if();
      c.i32Const(0).localSet(p);
      c.else();
      c.globalGet(tb).localGet(p).localGet(cls).i32Add().i32Store(TB_BUMP);
      c.end();
      c.end();
      c.localGet(p);
      c.if();
      c.localGet(p).i32Const(~arrayType).i32Store();
      c.localGet(p).localGet(length).i32Store(ARRAY_LENGTH);
      c.localGet(p).br(done);
      c.end();
      if (knownBytes === undefined) c.end();
      slow();
      c.end();
    }),
  );
}

/** Beyond this many bytes, a constant-size block's elements are zeroed by a loop rather than store by store. */
const UNROLLED_ZERO_BYTES = 64;

/**
 * Zeroes the elements of the small array block at `p` (a multiple of 8
 * bytes, `dataBytes` pushes how many), with i64 stores: a store per 8 bytes
 * when their number is a constant and small, else a loop from the end that
 * counts `bytes` (a local it may use) down. `memory.fill` would be a call
 * out of the wasm code for a few words.
 */
function zeroElements(fx: FunctionEmitter, p: number, bytes: number, dataBytes: () => void, knownBytes: number | undefined): void {
  const c = fx.c;
  if (knownBytes !== undefined && knownBytes <= UNROLLED_ZERO_BYTES) {
    for (let offset = 0; offset < knownBytes; offset += 8) c.localGet(p).i64Const(0n).i64Store(ARRAY_DATA + offset);
    return;
  }
  dataBytes();
  c.localSet(bytes);
  const skip = c.block();
  c.localGet(bytes).i32Eqz().brIf(skip);
  const again = c.loop();
  c.localGet(p).localGet(bytes).i32Add().i64Const(0n).i64Store(ARRAY_DATA - 8);
  c.localGet(bytes).i32Const(8).i32Sub().localTee(bytes).brIf(again);
  c.end();
  c.end();
}

/**
 * `delete` of the reference on the stack, of static type `type`: an object
 * or a small array goes onto its shape's free list here (its first word
 * becomes the link), a large array to the runtime; null, freed and runtime
 * blocks are left alone. An array of the static type (array types are
 * exact) is tested for first: its shift and its lists are then constants.
 */
export function emitDelete(fx: FunctionEmitter, type: Type): void {
  const c = fx.c;
  const lists = fx.imports.global('lists');
  const arrayType = typeof type === 'object' && type.kind === 'array' ? fx.program.arrayTypes.find(type.elem) : undefined;
  fx.scratch('i32', (p) =>
    fx.scratch('i32', (head) => {
      c.localSet(p);
      const done = c.block();
      // `push` gives the address of the free-list head to push the block onto.
      const push = c.block('i32');
      c.localGet(p).i32Eqz().brIf(done);
      if (arrayType !== undefined) {
        // lists + arrayFreeList(arrayType, (length << shift + HEADER_SIZE + 7) >> 3), taken when the header is ~arrayType and the length small.
        const shift = elemSize(arrayType) === 8 ? 3 : 2;
        c.globalGet(lists).localGet(p).i32Load(ARRAY_LENGTH).localTee(head).i32Const(shift).i32Shl().i32Const(HEADER_SIZE + 7).i32Add();
        c.i32Const(3).i32ShrU().i32Const(2).i32Shl().i32Add().i32Const(arrayFreeList(arrayType, 0)).i32Add();
        c.localGet(p).i32Load().i32Const(~arrayType).i32Eq().localGet(head).i32Const((SMALL_LIMIT - HEADER_SIZE) >> shift).i32LeU().i32And();
        c.brIf(push);
        c.drop();
      }
      // An object (0 < header < MAX_CLASSES): its class's list.
      c.globalGet(lists).localGet(p).i32Load().localTee(head).i32Const(2).i32Shl().i32Add();
      c.localGet(head).i32Const(1).i32Sub().i32Const(MAX_CLASSES - 1).i32LtU().brIf(push);
      c.drop();
      // An array has header ~type with type < MAX_ARRAY_TYPES; anything else is a freed or runtime block.
      const rest = c.block();
      c.localGet(head).i32Const(-1).i32Xor().localTee(head).i32Const(MAX_ARRAY_TYPES).i32GeU().brIf(done);
      // Small enough for an exact size class (`length <= (SMALL_LIMIT - HEADER_SIZE) >> shift`, shift 3 for I64 and F64)?
      c.localGet(p).i32Load(ARRAY_LENGTH);
      c.i32Const((SMALL_LIMIT - HEADER_SIZE) >> 3).i32Const((SMALL_LIMIT - HEADER_SIZE) >> 2);
      c.localGet(head).i32Const(ElemKind.I64).i32Sub().i32Const(2).i32LtU().select();
      c.i32GtU().brIf(rest);
      // Its list: lists + arrayFreeList(type, (length << shift + HEADER_SIZE + 7) >> 3).
      c.globalGet(lists).localGet(head).i32Const(SIZE_CLASSES).i32Mul();
      c.localGet(p).i32Load(ARRAY_LENGTH).i32Const(3).i32Const(2).localGet(head).i32Const(ElemKind.I64).i32Sub().i32Const(2).i32LtU().select().i32Shl();
      c.i32Const(HEADER_SIZE + 7).i32Add().i32Const(3).i32ShrU().i32Add().i32Const(2).i32Shl().i32Add();
      c.i32Const(arrayFreeList(0, 0)).i32Add();
      c.br(push);
      c.end();
      c.localGet(p).call(fx.imports.rt('free'));
      c.br(done);
      c.end();
      // The list head's address is on the stack.
      c.localTee(head).localGet(p).localGet(head).i32Load().i32Store();
      c.localGet(p).i32Store();
      c.end();
    }),
  );
}
