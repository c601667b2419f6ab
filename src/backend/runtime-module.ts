//! The per-thread runtime module: allocation and `delete` in wasm, over the
//! thread's own bump region and free-list table, so that compiled code never
//! calls out to JavaScript on the fast path. It runs the
//! algorithm of `core/layout.ts` exactly as `core/heap.ts` does; only taking
//! a new chunk from the shared heap top (and growing the memory) goes to the
//! thread's `Heap` in JavaScript.
//!
//! Exports (compiled code imports them by these names from `rt`):
//!   newObject(classId, cls, size) -> addr      a zeroed object of size class `cls`
//!   newArray(type, shift, length) -> addr      length >= 0; array type `type`, elements of 1 << shift bytes
//!   free(addr)                                 null, freed and runtime blocks are left alone

import {
  ARRAY_LENGTH, CHUNK_SIZE, ElemKind, HEADER_SIZE, MAX_ARRAY_TYPES, MAX_BLOCK, MAX_CLASSES, OBJECT_SIZE_CLASS,
  SIZE_CLASSES, SMALL_LIMIT, TB_BUMP, TB_BUMP_END, arrayFreeList,
} from '../core/layout.js';
import type { CodeEmitter } from '../wasm/code-emitter.js';
import type { GlobalIdx } from '../wasm/types.js';
import { ModuleBuilder } from '../wasm/module-builder.js';
import { importSharedMemory } from './memory-import.js';

const RUNTIME_MODULE_NAME = 'rejit-rt';

/**
 * Imports besides the memory: `env.tb` (i32 global, the thread block's
 * address), `env.lists` (i32 global, the thread's free-list table),
 * `js.allocSlow(cls) -> addr` (a block from a new chunk) and
 * `js.outOfMemory()` (traps).
 */
export function buildRuntimeModule(): ModuleBuilder {
  const mb = new ModuleBuilder(RUNTIME_MODULE_NAME);
  importSharedMemory(mb);
  const tb = mb.importGlobal('env', 'tb', 'i32', false);
  const lists = mb.importGlobal('env', 'lists', 'i32', false);
  const allocSlow = mb.importFunction('js', 'allocSlow', { params: ['i32'], results: ['i32'] }, 'allocSlow');
  const outOfMemory = mb.importFunction('js', 'outOfMemory', { params: [], results: [] }, 'outOfMemory');

  // block(cls, size, head, header): a zeroed block of `size` bytes, header not
  // written: popped from the free list whose head is at `head` (its next
  // block is the link in its first word, unless that word is `header`: the
  // block was taken meanwhile and the list ends), else fresh.
  const block = mb.addFunction({ name: 'block', params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'], paramNames: ['cls', 'size', 'head', 'header'] });
  {
    const c = block.code;
    const [cls, size, head, header] = [0, 1, 2, 3];
    const p = block.addLocal('i32', 'p');
    const bump = block.addLocal('i32', 'bump');
    c.localGet(head).i32Load().localTee(p);
    c.if();
    c.localGet(head).i32Const(0).localGet(p).i32Load().localTee(bump).localGet(bump).localGet(header).i32Eq().select().i32Store();
    c.localGet(p).i32Const(HEADER_SIZE).i32Add().i32Const(0).localGet(size).i32Const(HEADER_SIZE).i32Sub().memoryFill();
    c.localGet(p).return();
    c.end();
    // Large blocks come straight from the heap top, small ones from the bump
    // region; both when it is too short (`size > end - bump`: no wrap-around) go to the slow path.
    c.localGet(size).i32Const(CHUNK_SIZE).i32GeU();
    c.localGet(size).globalGet(tb).i32Load(TB_BUMP_END).globalGet(tb).i32Load(TB_BUMP).localTee(bump).i32Sub().i32GtU();
    c.i32Or();
    c.if();
    c.localGet(cls).call(allocSlow).return();
    c.end();
    c.globalGet(tb).localGet(bump).localGet(size).i32Add().i32Store(TB_BUMP);
    c.localGet(bump);
  }

  // classOf(bytes): the size class of a block of `bytes` (8 <= bytes <= 2^31).
  const classOf = mb.addFunction({ name: 'classOf', params: ['i32'], results: ['i32'], paramNames: ['bytes'] });
  classOf.code.localGet(0).i32Const(SMALL_LIMIT).i32LeU();
  classOf.code.if('i32');
  classOf.code.localGet(0).i32Const(7).i32Add().i32Const(3).i32ShrU();
  classOf.code.else();
  // 64 + log2(next power of two) - 9
  classOf.code.i32Const(64 + 32 - 9).localGet(0).i32Const(1).i32Sub().i32Clz().i32Sub();
  classOf.code.end();

  const newObject = mb.addFunction({ name: 'newObject', params: ['i32', 'i32', 'i32'], results: ['i32'], paramNames: ['classId', 'cls', 'size'] });
  {
    const c = newObject.code;
    const [classId, cls, size] = [0, 1, 2];
    const p = newObject.addLocal('i32', 'p');
    c.localGet(cls).localGet(size);
    c.globalGet(lists).localGet(classId).i32Const(2).i32Shl().i32Add();
    c.localGet(classId).call(block.index).localTee(p).localGet(classId).i32Store();
    c.localGet(p).localGet(cls).i32Store(OBJECT_SIZE_CLASS);
    c.localGet(p);
  }

  const newArray = mb.addFunction({ name: 'newArray', params: ['i32', 'i32', 'i32'], results: ['i32'], paramNames: ['type', 'shift', 'length'] });
  {
    const c = newArray.code;
    const [type, shift, length] = [0, 1, 2];
    const bytes = newArray.addLocal('i32', 'bytes');
    const cls = newArray.addLocal('i32', 'cls');
    const p = newArray.addLocal('i32', 'p');
    c.localGet(length).i64ExtendI32U().localGet(shift).i64ExtendI32U().i64Shl().i64Const(BigInt(HEADER_SIZE)).i64Add();
    c.i64Const(BigInt(MAX_BLOCK)).i64GtU();
    c.if();
    c.call(outOfMemory).unreachable().end();
    c.localGet(length).localGet(shift).i32Shl().i32Const(HEADER_SIZE).i32Add().localTee(bytes);
    c.call(classOf.index).localTee(cls);
    blockSize(c, cls, bytes);
    arrayListHead(c, lists, type, cls);
    c.i32Const(-1).localGet(type).i32Xor();
    c.call(block.index).localTee(p);
    c.i32Const(-1).localGet(type).i32Xor().i32Store();
    c.localGet(p).localGet(length).i32Store(ARRAY_LENGTH);
    c.localGet(p);
  }

  const free = mb.addFunction({ name: 'free', params: ['i32'], results: [], paramNames: ['addr'] });
  {
    const c = free.code;
    const addr = 0;
    const header = free.addLocal('i32', 'header');
    const head = free.addLocal('i32', 'head');
    const done = c.block();
    const push = c.block();
    c.localGet(addr).i32Eqz().brIf(done);
    // An object (0 < header < MAX_CLASSES): its class's list.
    c.globalGet(lists).localGet(addr).i32Load().localTee(header).i32Const(2).i32Shl().i32Add().localSet(head);
    c.localGet(header).i32Const(1).i32Sub().i32Const(MAX_CLASSES - 1).i32LtU().brIf(push);
    // An array (header ~type, type < MAX_ARRAY_TYPES): the list of its type and size class; else a freed or runtime block.
    c.localGet(header).i32Const(-1).i32Xor().localTee(header).i32Const(MAX_ARRAY_TYPES).i32GeU().brIf(done);
    c.localGet(addr).i32Load(ARRAY_LENGTH).i32Const(3).i32Const(2);
    c.localGet(header).i32Const(ElemKind.I64).i32Eq().localGet(header).i32Const(ElemKind.F64).i32Eq().i32Or();
    c.select().i32Shl().i32Const(HEADER_SIZE).i32Add().call(classOf.index).localSet(head);
    arrayListHead(c, lists, header, head);
    c.localSet(head);
    c.end();
    c.localGet(addr).localGet(head).i32Load().i32Store();
    c.localGet(head).localGet(addr).i32Store();
    c.end();
  }

  for (const f of [newObject, newArray, free]) mb.exportFunction(f.name, f.index);
  return mb;
}

/** Pushes the address of the free-list head for arrays of type `type` in size class `cls` (locals). */
function arrayListHead(c: CodeEmitter, lists: GlobalIdx, type: number, cls: number): void {
  c.globalGet(lists).localGet(type).i32Const(SIZE_CLASSES).i32Mul().localGet(cls).i32Add().i32Const(2).i32Shl().i32Add();
  c.i32Const(arrayFreeList(0, 0)).i32Add();
}

/** Pushes the bytes a block of class `cls` takes: 8 * cls up to SMALL_LIMIT, else 2^(cls - 55). */
function blockSize(c: CodeEmitter, cls: number, bytes: number): void {
  c.localGet(bytes).i32Const(SMALL_LIMIT).i32LeU();
  c.if('i32');
  c.localGet(cls).i32Const(3).i32Shl();
  c.else();
  c.i32Const(1).localGet(cls).i32Const(64 - 9).i32Sub().i32Shl();
  c.end();
}
