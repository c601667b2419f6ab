//! Allocation and `delete` of objects, inline in compiled code: the fast
//! paths of the runtime module's algorithm (`runtime-module.ts`, the same as
//! `runtime/heap.ts`) over the thread's block, imported as the global `tb`.
//! An object's size is known at compile time, so its size class is too: a
//! `new` pops that free list or bumps the pointer, and only a thread whose
//! bump region is used up calls the runtime. Arrays and the rarer cases of
//! `delete` go to the runtime module.

import type { Pos } from '../frontend/ast.js';
import { CHUNK_SIZE, HEADER_SIZE, SIZE_CLASSES, TB_BUMP, TB_BUMP_END, TB_FREE_LISTS, sizeClass } from '../runtime/layout.js';
import type { FunctionEmitter } from './function-emitter.js';

/** Pushes a new zeroed object of class `classId`. */
export function emitNewObject(fx: FunctionEmitter, classId: number, pos: Pos): void {
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

/** `delete` of the reference on the stack: an object goes onto its size class's free list here, anything else to the runtime. */
export function emitDelete(fx: FunctionEmitter): void {
  const c = fx.c;
  const tb = fx.imports.global('tb');
  fx.scratch('i32', (p) =>
    fx.scratch('i32', (cls) => {
      c.localSet(p);
      const done = c.block();
      c.localGet(p).i32Eqz().brIf(done);
      // A freed block or an array.
      c.localGet(p).i32Load().i32Const(0).i32LeS();
      c.if();
      c.localGet(p).call(fx.imports.rt('free'));
      c.br(done);
      c.end();
      c.localGet(p).i32Load(4).localTee(cls).i32Const(1).i32Sub().i32Const(SIZE_CLASSES - 1).i32GeU().brIf(done);
      c.localGet(cls).i32Const(2).i32Shl().globalGet(tb).i32Add().localSet(cls);
      c.localGet(p).i32Const(0).i32Store();
      c.localGet(p).localGet(cls).i32Load(TB_FREE_LISTS).i32Store(4);
      c.localGet(cls).localGet(p).i32Store(TB_FREE_LISTS);
      c.end();
    }),
  );
}
