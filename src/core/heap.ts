//! The heap of one thread over the shared memory: allocation and freeing of
//! objects and arrays with exactly the algorithm of `layout.ts` (so compiled
//! code on other threads can run the same one on the same words), growth of
//! the memory, typed-array views that stay current, and global slots.
//!
//! It does not know classes or types beyond ids and storage widths: the
//! caller passes an object's class id and size or an array's type id, and
//! does null, bounds and length checks.

import type { Pos } from '../ir/pos.js';
import type { ConstValue } from '../ir/ir.js';
import type { ValueType } from '../ir/types.js';
import {
  ARRAY_LENGTH, CHUNK_SIZE, FREE_LIST_TABLE_SIZE, HEADER_SIZE, HEAP_BASE, HEAP_TOP, INITIAL_PAGES, MAXIMUM_PAGES,
  MAX_ARRAY_TYPES, MAX_BLOCK, MAX_CLASSES, OBJECT_SIZE_CLASS, SMALL_LIMIT, TB_BUMP, TB_BUMP_END, TB_FREE_LISTS, WASM_PAGE,
  arrayBytes, arrayFreeList, objectFreeList, threadBlock,
} from './layout.js';
import { Trap } from './trap.js';

/** The one memory of a run; every thread imports it. */
export function createMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
}

const MAX_BYTES = MAXIMUM_PAGES * WASM_PAGE;
const NO_POS: Pos = { line: 0, col: 0 };

/** The size class of a block of `bytes` bytes (see `sizeClass` in layout.ts, without allocating). */
export function sizeClassOf(bytes: number): number {
  const size = bytes <= 8 ? 8 : Math.ceil(bytes / 8) * 8;
  if (size <= SMALL_LIMIT) return size / 8;
  return 64 + (32 - Math.clz32(size - 1)) - 9;
}

/** The bytes a block of size class `cls` takes. */
export function sizeOfClass(cls: number): number {
  return cls <= 64 ? cls * 8 : 2 ** (cls - 64 + 9);
}

export class Heap {
  i32!: Int32Array;
  /** The same words unsigned: references and free-list links (addresses may pass 2^31). */
  u32!: Uint32Array;
  f64!: Float64Array;
  i64!: BigInt64Array;
  u8!: Uint8Array;
  /** Byte address of this thread's block (bump region, free-list table address). */
  private readonly block: number;
  /** Byte address of this thread's free-list table (`layout.ts`). */
  readonly freeLists: number;

  constructor(readonly memory: WebAssembly.Memory, readonly threadId: number) {
    this.block = threadBlock(threadId);
    this.setViews(memory.buffer);
    Atomics.compareExchange(this.i32, HEAP_TOP >> 2, 0, HEAP_BASE);
    this.freeLists = this.freeListTable();
  }

  /** The thread's free-list table, taken from the heap top by the first heap of this thread id on this memory. */
  private freeListTable(): number {
    const word = (this.block + TB_FREE_LISTS) >>> 2;
    const table = Atomics.load(this.i32, word) >>> 0;
    if (table !== 0) return table;
    const fresh = this.take(FREE_LIST_TABLE_SIZE, '', NO_POS);
    const old = Atomics.compareExchange(this.i32, word, 0, fresh | 0) >>> 0;
    return old === 0 ? fresh : old;
  }

  /**
   * Follows growth by another thread: views made before it do not reach the
   * new pages. Called at synchronization points (atomics, barrier, load),
   * which is where another thread's objects become visible; the heap top
   * passing the view's end is the cheap sign that the memory has grown.
   */
  refresh(): void {
    if ((this.i32[HEAP_TOP >> 2] as number) >>> 0 <= this.u8.length) return;
    const buffer = this.memory.buffer;
    if (buffer.byteLength !== this.u8.byteLength) this.setViews(buffer);
  }

  private setViews(buffer: ArrayBuffer | SharedArrayBuffer): void {
    this.i32 = new Int32Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i64 = new BigInt64Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }

  /** A zero-filled object of `size` bytes (header included) with class id `classId`. */
  allocObject(classId: number, size: number, fileName = '', pos: Pos = NO_POS): number {
    const cls = sizeClassOf(size);
    const addr = this.pop(objectFreeList(classId), classId, size) || this.allocBlock(cls, fileName, pos);
    this.i32[addr >>> 2] = classId;
    this.i32[(addr + OBJECT_SIZE_CLASS) >>> 2] = cls;
    return addr;
  }

  /** A zero-filled array of `length` (>= 0) elements, of array type `arrayType` (`core/array-types.ts`). */
  allocArray(arrayType: number, length: number, fileName = '', pos: Pos = NO_POS): number {
    const bytes = arrayBytes(arrayType, length);
    if (bytes > MAX_BLOCK) throw new Trap('outOfMemory', fileName, pos);
    const cls = sizeClassOf(bytes);
    const addr = this.pop(arrayFreeList(arrayType, cls), ~arrayType, sizeOfClass(cls)) || this.allocBlock(cls, fileName, pos);
    this.i32[addr >>> 2] = ~arrayType;
    this.i32[(addr + ARRAY_LENGTH) >>> 2] = length;
    return addr;
  }

  /** A zero-filled block of at least `bytes` bytes for the runtime (class metadata): its first word 0, so no `delete` takes it. */
  allocRuntime(bytes: number): number {
    return this.allocBlock(sizeClassOf(bytes));
  }

  /**
   * Puts a block on this thread's free list for its shape; null, freed and
   * runtime blocks are left alone. The block keeps all but its first word,
   * which becomes the link: a freed array's length still fits its block.
   */
  free(addr: number): void {
    if (addr === 0) return;
    const i32 = this.i32;
    const header = i32[addr >>> 2] as number;
    let list: number;
    if (header > 0 && header < MAX_CLASSES) list = objectFreeList(header);
    else if (header < 0 && ~header < MAX_ARRAY_TYPES) list = arrayFreeList(~header, sizeClassOf(arrayBytes(~header, i32[(addr + ARRAY_LENGTH) >>> 2] as number)));
    else return;
    const head = (this.freeLists + list) >>> 2;
    this.u32[addr >>> 2] = this.u32[head] as number;
    this.u32[head] = addr;
  }

  /**
   * A block from the free list at `list` (a table offset), its body zeroed,
   * or 0. The next block is the link in its first word, unless that word is
   * `header`: another thread took the block meanwhile (a stale `delete` put
   * it on two lists), and the list ends there.
   */
  private pop(list: number, header: number, size: number): number {
    const head = (this.freeLists + list) >>> 2;
    const p = this.u32[head] as number;
    if (p === 0) return 0;
    const next = this.u32[p >>> 2] as number;
    this.u32[head] = next === header >>> 0 ? 0 : next;
    this.follow(p + size);
    this.zero(p + HEADER_SIZE, size - HEADER_SIZE);
    return p;
  }

  /** A zero-filled block of size class `cls` from fresh memory, header not written (compiled code's slow path comes here). */
  allocBlock(cls: number, fileName = '', pos: Pos = NO_POS): number {
    const size = sizeOfClass(cls);
    if (size >= CHUNK_SIZE) return this.take(size, fileName, pos);
    const bumpWord = (this.block + TB_BUMP) >>> 2;
    const endWord = (this.block + TB_BUMP_END) >>> 2;
    let bump = this.u32[bumpWord] as number;
    if (bump + size > (this.u32[endWord] as number)) {
      bump = this.take(CHUNK_SIZE, fileName, pos);
      this.u32[endWord] = bump + CHUNK_SIZE;
    }
    this.u32[bumpWord] = bump + size;
    this.follow(bump + size);
    return bump;
  }

  /**
   * Follows growth up to `end`: another Heap on this thread's block (the
   * host's, during a load) may have taken the chunk and grown the memory.
   */
  private follow(end: number): void {
    if (end > this.u8.length) this.setViews(this.memory.buffer);
  }

  private zero(addr: number, size: number): void {
    if (size <= 64) {
      const i32 = this.i32;
      for (let w = addr >>> 2, end = (addr + size) >>> 2; w < end; w++) i32[w] = 0;
    } else {
      this.u8.fill(0, addr, addr + size);
    }
  }

  /** Takes `bytes` from the shared heap top (compare-and-swap, never past the memory's maximum), growing the memory. */
  private take(bytes: number, fileName: string, pos: Pos): number {
    const word = HEAP_TOP >> 2;
    for (;;) {
      const top = Atomics.load(this.i32, word) >>> 0;
      const end = top + bytes;
      if (end > MAX_BYTES) throw new Trap('outOfMemory', fileName, pos);
      if (Atomics.compareExchange(this.i32, word, top | 0, end | 0) === (top | 0)) {
        this.ensure(end, fileName, pos);
        return top;
      }
    }
  }

  private ensure(end: number, fileName: string, pos: Pos): void {
    for (let length = this.memory.buffer.byteLength; length < end; length = this.memory.buffer.byteLength) {
      try {
        this.memory.grow(Math.ceil((end - length) / WASM_PAGE));
      } catch (e) {
        // Another thread may have grown it meanwhile; only a real failure is fatal.
        if (this.memory.buffer.byteLength >= end) break;
        if (e instanceof RangeError) throw new Trap('outOfMemory', fileName, pos);
        throw e;
      }
    }
    const buffer = this.memory.buffer;
    if (buffer.byteLength !== this.u8.byteLength) this.setViews(buffer);
  }

  /** Stores a constant (a global's initial value) at `addr` in the storage of `type`. */
  storeGlobal(addr: number, type: ValueType, value: ConstValue): void {
    if (type === 'i64') this.i64[addr >>> 3] = BigInt.asIntN(64, BigInt(value ?? 0));
    else if (type === 'f64') this.f64[addr >>> 3] = Number(value ?? 0);
    else this.i32[addr >>> 2] = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value ?? 0);
  }

  /** The value at `addr` in the interpreter's representation of `type`. */
  loadGlobal(addr: number, type: ValueType): number | bigint {
    if (type === 'i64') return this.i64[addr >>> 3] as bigint;
    if (type === 'f64') return this.f64[addr >>> 3] as number;
    if (typeof type === 'object') return this.u32[addr >>> 2] as number;
    return this.i32[addr >>> 2] as number;
  }
}
