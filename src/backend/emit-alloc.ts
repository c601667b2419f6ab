//! Allocation and `delete` of objects and small arrays, inline in compiled
//! code: the fast paths of the runtime module's algorithm
//! (`runtime-module.ts`, the same as `core/heap.ts`) over the thread's
//! block, imported as the global `tb`. An object's size is known at compile
//! time, so its size class is too; a small array's (at most SMALL_LIMIT
//! bytes: an exact size class) is one shift and add away. A `new` pops that
//! free list or bumps the pointer, and only a thread whose bump region is
//! used up calls the runtime. Large arrays and the rarer cases of `delete`
//! go to the runtime module.

import type { Pos } from '../ir/pos.js';
import type { ClassId } from '../ir/ids.js';
import {
  CHUNK_SIZE, ElemKind, HEADER_SIZE, SIZE_CLASSES, SMALL_LIMIT, TB_BUMP, TB_BUMP_END, TB_FREE_LISTS, elemSize, sizeClass,
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
  const freeList = TB_FREE_LISTS + 4 * cls;
  fx.scratch('i32', (p) => {
    const header = (): void => {
      c.localGet(p).i32Const(classId).i32Store();
      c.localGet(p).i32Const(cls).i32Store(4);
    };
    const done = c.block('i32');
    // A block from the free list: unlink it and zero what follows the header.
    c.globalGet(tb).i32Load(freeList).localTee(p).if();
    c.globalGet(tb).localGet(p).i32Load(4).i32Store(freeList);
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
  });
}

/**
 * Pushes a new zeroed array of `length` (in a local, not negative) elements
 * of `kind`: inline when it is small, else from the runtime.
 */
export function emitNewArray(fx: FunctionEmitter, kind: ElemKind, length: number, pos: Pos): void {
  const c = fx.c;
  const shift = elemSize(kind) === 8 ? 3 : 2;
  const tb = fx.imports.global('tb');
  fx.scratch('i32', (p) =>
    fx.scratch('i32', (cls) => {
      const done = c.block('i32');
      c.localGet(length).i32Const((SMALL_LIMIT - HEADER_SIZE) >> shift).i32LeU();
      c.if();
      // Exact size class of HEADER_SIZE + length << shift bytes, rounded up to 8; `cls` then its free list's offset in the block.
      c.localGet(length).i32Const(shift).i32Shl().i32Const(HEADER_SIZE + 7).i32Add().i32Const(3).i32ShrU().localTee(cls);
      c.i32Const(2).i32Shl().globalGet(tb).i32Add().localTee(cls).i32Load(TB_FREE_LISTS).localTee(p);
      c.if();
      c.localGet(cls).localGet(p).i32Load(4).i32Store(TB_FREE_LISTS);
      // Zero the elements: the block is exactly the rounded size, so at most (length << shift) + 7 bytes past the header.
      c.localGet(p).i32Const(HEADER_SIZE).i32Add().i32Const(0).localGet(length).i32Const(shift).i32Shl().i32Const(7).i32Add().i32Const(-8).i32And();
      c.memoryFill();
      c.else();
      // The bump region, unless it is too short: `size > end - bump`.
      c.localGet(length).i32Const(shift).i32Shl().i32Const(HEADER_SIZE + 7).i32Add().i32Const(-8).i32And().localSet(cls);
      c.localGet(cls).globalGet(tb).i32Load(TB_BUMP_END).globalGet(tb).i32Load(TB_BUMP).localTee(p).i32Sub().i32GtU();
      c.if();
      c.i32Const(0).localSet(p);
      c.else();
      c.globalGet(tb).localGet(p).localGet(cls).i32Add().i32Store(TB_BUMP);
      c.end();
      c.end();
      c.localGet(p);
      c.if();
      c.localGet(p).i32Const(-(kind + 1)).i32Store();
      c.localGet(p).localGet(length).i32Store(4);
      c.localGet(p).br(done);
      c.end();
      c.end();
      c.i32Const(kind).i32Const(shift).localGet(length);
      fx.call(fx.imports.rt('newArray'), pos);
      c.end();
    }),
  );
}

/**
 * `delete` of the reference on the stack: an object or a small array goes
 * onto its size class's free list here, anything else to the runtime.
 */
export function emitDelete(fx: FunctionEmitter): void {
  const c = fx.c;
  const tb = fx.imports.global('tb');
  fx.scratch('i32', (p) =>
    fx.scratch('i32', (cls) => {
      c.localSet(p);
      const done = c.block();
      const push = c.block();
      c.localGet(p).i32Eqz().brIf(done);
      c.localGet(p).i32Load().localTee(cls).i32Const(0).i32GtS();
      c.if();
      // An object: its size class is in its header.
      c.localGet(p).i32Load(4).localTee(cls).i32Const(1).i32Sub().i32Const(SIZE_CLASSES - 1).i32GeU().brIf(done);
      c.br(push);
      c.end();
      // A freed block (header 0) is left alone; an array small enough for an exact size class goes onto its list, any other to the runtime.
      const rest = c.block();
      c.localGet(cls).i32Eqz().brIf(done);
      // `cls` becomes the element shift: 3 for I64 and F64 (headers -2 and -3), else 2.
      c.i32Const(3).i32Const(2).localGet(cls).i32Const(ElemKind.F64 + 1).i32Add().i32Const(2).i32LtU().select().localSet(cls);
      c.localGet(p).i32Load(4).i32Const(SMALL_LIMIT - HEADER_SIZE).localGet(cls).i32ShrU().i32GtU().brIf(rest);
      c.localGet(p).i32Load(4).localGet(cls).i32Shl().i32Const(HEADER_SIZE + 7).i32Add().i32Const(3).i32ShrU().localSet(cls);
      c.br(push);
      c.end();
      c.localGet(p).call(fx.imports.rt('free'));
      c.br(done);
      c.end();
      c.localGet(cls).i32Const(2).i32Shl().globalGet(tb).i32Add().localSet(cls);
      c.localGet(p).i32Const(0).i32Store();
      c.localGet(p).localGet(cls).i32Load(TB_FREE_LISTS).i32Store(4);
      c.localGet(cls).localGet(p).i32Store(TB_FREE_LISTS);
      c.end();
    }),
  );
}
