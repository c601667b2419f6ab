import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Heap, createMemory, sizeClassOf, sizeOfClass } from '../../src/core/heap.js';
import {
  ARRAY_LENGTH, CHUNK_SIZE, ElemKind, FREE_LIST_TABLE_SIZE, HEAP_BASE, HEAP_TOP, INITIAL_PAGES, SIZE_CLASSES, TB_FREE_LISTS, WASM_PAGE,
  globalAddress, sizeClass, threadBlock,
} from '../../src/core/layout.js';
import { Trap } from '../../src/core/trap.js';

test('a fresh memory starts its heap at HEAP_BASE with the first thread\'s free-list table; a second heap keeps it', () => {
  const memory = createMemory();
  assert.equal(memory.buffer.byteLength, INITIAL_PAGES * WASM_PAGE);
  const h = new Heap(memory, 0);
  assert.equal(h.freeLists, HEAP_BASE);
  assert.equal(h.i32[(threadBlock(0) + TB_FREE_LISTS) >> 2], HEAP_BASE);
  assert.equal(h.i32[HEAP_TOP >> 2], HEAP_BASE + FREE_LIST_TABLE_SIZE);
  const a = h.allocObject(1, 16);
  assert.ok(a >= HEAP_BASE + FREE_LIST_TABLE_SIZE);
  const h1 = new Heap(memory, 1);
  assert.notEqual(h1.freeLists, h.freeLists);
  assert.equal(new Heap(memory, 0).freeLists, h.freeLists, 'a second heap of thread 0 finds its table');
  assert.notEqual(h.i32[HEAP_TOP >> 2], HEAP_BASE, 'the second heap did not reset the top');
});

test('size classes agree with layout.sizeClass', () => {
  for (const bytes of [1, 7, 8, 9, 16, 100, 511, 512, 513, 1000, 1024, 1025, 4096, 100000, CHUNK_SIZE, CHUNK_SIZE + 1, 2 ** 30]) {
    const { cls, size } = sizeClass(bytes);
    assert.equal(sizeClassOf(bytes), cls, `class of ${bytes}`);
    assert.equal(sizeOfClass(cls), size, `size of ${bytes}`);
    assert.ok(cls < SIZE_CLASSES);
  }
});

test('objects: header, alignment, zeroed fields, distinct blocks', () => {
  const h = new Heap(createMemory(), 0);
  const a = h.allocObject(5, 24);
  const b = h.allocObject(5, 24);
  assert.equal(a % 8, 0);
  assert.equal(b - a, 24);
  assert.equal(h.i32[a >> 2], 5);
  assert.equal(h.i32[(a + 4) >> 2], sizeClassOf(24));
  assert.deepEqual([...h.u8.subarray(a + 8, a + 24)], new Array(16).fill(0));
});

test('arrays: header holds ~type and the length; elements at +8', () => {
  const h = new Heap(createMemory(), 0);
  const a = h.allocArray(ElemKind.F64, 3);
  assert.equal(h.i32[a >> 2], ~ElemKind.F64);
  assert.equal(h.i32[(a + 4) >> 2], 3);
  h.f64[(a + 8) / 8 + 2] = 1.5;
  const e = h.allocArray(ElemKind.I32, 0);
  assert.equal(h.i32[(e + 4) >> 2], 0);
});

test('a freed object is reused only for its class, zeroed; freeing null or twice is harmless', () => {
  const h = new Heap(createMemory(), 0);
  const a = h.allocObject(2, 32);
  h.i32[(a + 8) >> 2] = 1234;
  h.free(a);
  assert.equal(h.i32[a >> 2], 0, 'the first freed block of its list links to nothing');
  assert.equal(h.i32[(a + 8) >> 2], 1234, 'a freed block keeps its fields');
  h.free(a);
  h.free(0);
  assert.notEqual(h.allocObject(3, 32), a, 'another class of the same size does not take it');
  const again = h.allocObject(2, 32);
  assert.equal(again, a);
  assert.equal(h.i32[(a + 8) >> 2], 0);
  assert.equal(h.i32[a >> 2], 2);
  assert.notEqual(h.allocObject(2, 32), a, 'a double free did not put the block on the list twice');
  const b = h.allocObject(2, 32);
  const c = h.allocObject(2, 32);
  h.free(b);
  h.free(c);
  assert.equal(h.u32[c >> 2], b, 'the link is in the first word');
  assert.equal(h.allocObject(2, 32), c);
  assert.equal(h.allocObject(2, 32), b);
});

test('a freed array is reused only for its array type and size class, and keeps a length that fits it', () => {
  const h = new Heap(createMemory(), 0);
  const arr = h.allocArray(ElemKind.I64, 100);
  h.i64[(arr + 8) / 8 + 99] = -1n;
  h.free(arr);
  assert.equal(h.i32[(arr + ARRAY_LENGTH) >> 2], 100, 'a freed array keeps its length');
  assert.notEqual(h.allocArray(ElemKind.I32, 200), arr, 'arrays of another type do not take it');
  assert.notEqual(h.allocArray(ElemKind.F64, 100), arr, 'nor do f64 arrays of the same size');
  const refA = h.allocArray(ElemKind.Ref, 4);
  h.free(refA);
  assert.notEqual(h.allocArray(ElemKind.Ref + 1, 4), refA, 'nor arrays of another reference type');
  assert.equal(h.allocArray(ElemKind.Ref, 3), refA);
  const again = h.allocArray(ElemKind.I64, 70);
  assert.equal(again, arr, 'a shorter array of the same type and size class takes it');
  assert.equal(h.i32[(arr + ARRAY_LENGTH) >> 2], 70);
  assert.equal(h.i64[(arr + 8) / 8 + 69], 0n);
  h.free(again);
  assert.equal(h.allocArray(ElemKind.I64, 127), arr, 'its size class (1024 bytes) holds 127 i64');
});

test('a pop whose next link is the block\'s own header ends the list', () => {
  const h = new Heap(createMemory(), 0);
  const a = h.allocObject(7, 16);
  h.free(a);
  // What another thread's reuse of the block looks like to this list.
  h.i32[a >> 2] = 7;
  assert.equal(h.allocObject(7, 16), a);
  const next = h.allocObject(7, 16);
  assert.ok(next !== 7 && next >= HEAP_BASE, 'the header was not taken as a link');
});

test('runtime blocks have a first word of 0: free leaves them alone', () => {
  const h = new Heap(createMemory(), 0);
  const r = h.allocRuntime(40);
  assert.equal(h.i32[r >> 2], 0);
  h.free(r);
  assert.notEqual(h.allocObject(1, 40), r);
  assert.equal(h.i32[r >> 2], 0);
});

test('large blocks come straight from the heap top and are power-of-two sized', () => {
  const h = new Heap(createMemory(), 0);
  const small = h.allocObject(1, 16);
  const big = h.allocArray(ElemKind.I32, CHUNK_SIZE / 4);
  const next = h.allocObject(1, 16);
  assert.equal(next, small + 16, 'the bump region survives a large block');
  assert.equal(h.i32[HEAP_TOP >> 2], big + 2 * CHUNK_SIZE, 'header pushes it to the next power of two');
});

test('the memory grows past its initial size and the views follow', () => {
  const memory = createMemory();
  const h = new Heap(memory, 0);
  const other = new Heap(memory, 1);
  const n = 6_000_000;
  const a = h.allocArray(ElemKind.F64, n);
  assert.ok(memory.buffer.byteLength > INITIAL_PAGES * WASM_PAGE);
  assert.ok(h.f64.length * 8 >= a + 8 + 8 * n);
  h.f64[(a + 8) / 8 + n - 1] = 3.25;
  assert.equal(h.f64[(a + 8) / 8 + n - 1], 3.25);
  // Another thread's heap sees the new pages after a refresh.
  assert.equal(other.f64[(a + 8) / 8 + n - 1], undefined);
  other.refresh();
  assert.equal(other.f64[(a + 8) / 8 + n - 1], 3.25);
});

test('two threads take separate chunks from one heap top', () => {
  const memory = createMemory();
  const h0 = new Heap(memory, 0);
  const h1 = new Heap(memory, 1);
  const a = h0.allocObject(1, 64);
  const b = h1.allocObject(1, 64);
  assert.ok(Math.abs(a - b) >= CHUNK_SIZE);
  h1.free(b);
  assert.notEqual(h0.allocObject(1, 64), b, 'a block freed on thread 1 is on thread 1’s list');
  assert.equal(h1.allocObject(1, 64), b);
});

test('allocations the memory cannot hold trap with out of memory', () => {
  const h = new Heap(createMemory(), 0);
  const t = (() => {
    try {
      h.allocArray(ElemKind.F64, 2 ** 30, 'x.rj', { line: 2, col: 3 });
    } catch (e) {
      return e;
    }
    return null;
  })();
  assert.ok(t instanceof Trap);
  assert.equal(t.kind, 'outOfMemory');
  assert.equal(t.fileName, 'x.rj');
  assert.ok(h.allocObject(1, 8) > 0, 'still usable');
});

test('global slots hold each type', () => {
  const h = new Heap(createMemory(), 0);
  h.storeGlobal(globalAddress(0), 'i32', -1);
  h.storeGlobal(globalAddress(1), 'i64', -(2n ** 63n));
  h.storeGlobal(globalAddress(2), 'f64', -0.5);
  h.storeGlobal(globalAddress(3), 'bool', true);
  h.storeGlobal(globalAddress(4), { kind: 'array', elem: 'i32' }, null);
  assert.equal(h.loadGlobal(globalAddress(0), 'i32'), -1);
  assert.equal(h.loadGlobal(globalAddress(1), 'i64'), -(2n ** 63n));
  assert.equal(h.loadGlobal(globalAddress(2), 'f64'), -0.5);
  assert.equal(h.loadGlobal(globalAddress(3), 'bool'), 1);
  assert.equal(h.loadGlobal(globalAddress(4), { kind: 'array', elem: 'i32' }), 0);
});
