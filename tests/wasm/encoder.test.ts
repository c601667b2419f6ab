import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader, ByteWriter } from '../../src/wasm/encoder.js';

const hex = (w: ByteWriter): string => Buffer.from(w.view()).toString('hex');

test('u32 LEB128', () => {
  const cases: [number, string][] = [
    [0, '00'], [1, '01'], [127, '7f'], [128, '8001'], [300, 'ac02'], [16384, '808001'],
    [0x7fffffff, 'ffffffff07'], [0x80000000, '8080808008'], [0xffffffff, 'ffffffff0f'],
  ];
  for (const [n, bytes] of cases) assert.equal(hex(new ByteWriter().u32(n)), bytes, `u32 ${n}`);
  for (const bad of [-1, 2 ** 32, 1.5, NaN]) assert.throws(() => new ByteWriter().u32(bad), RangeError);
});

test('s32 LEB128', () => {
  const cases: [number, string][] = [
    [0, '00'], [1, '01'], [-1, '7f'], [63, '3f'], [64, 'c000'], [-64, '40'], [-65, 'bf7f'],
    [127, 'ff00'], [-128, '807f'], [624485, 'e58e26'], [-123456, 'c0bb78'],
    [0x7fffffff, 'ffffffff07'], [-0x80000000, '8080808078'],
  ];
  for (const [n, bytes] of cases) assert.equal(hex(new ByteWriter().s32(n)), bytes, `s32 ${n}`);
  for (const bad of [0x80000000, -0x80000001, 0.5]) assert.throws(() => new ByteWriter().s32(bad), RangeError);
});

test('s33 (type indices as block types)', () => {
  assert.equal(hex(new ByteWriter().s33(0)), '00');
  assert.equal(hex(new ByteWriter().s33(64)), 'c000'); // would read as a negative value type without the extra byte
  assert.equal(hex(new ByteWriter().s33(2 ** 32 - 1)), 'ffffffff0f');
});

test('s64 LEB128 from bigint', () => {
  const cases: [bigint, string][] = [
    [0n, '00'], [-1n, '7f'], [64n, 'c000'], [-64n, '40'], [0x7fffffffn, 'ffffffff07'],
    [0x100000000n, '8080808010'],
    [(1n << 63n) - 1n, 'ffffffffffffffffff00'], [-(1n << 63n), '8080808080808080807f'],
  ];
  for (const [n, bytes] of cases) assert.equal(hex(new ByteWriter().s64(n)), bytes, `s64 ${n}`);
  assert.throws(() => new ByteWriter().s64(1n << 63n), RangeError);
  assert.throws(() => new ByteWriter().s64(-(1n << 63n) - 1n), RangeError);
});

test('f64 is little-endian IEEE 754', () => {
  assert.equal(hex(new ByteWriter().f64(1)), '000000000000f03f');
  assert.equal(hex(new ByteWriter().f64(-0)), '0000000000000080');
  assert.equal(hex(new ByteWriter().f64(Infinity)), '000000000000f07f');
});

test('names, sized content and growth', () => {
  assert.equal(hex(new ByteWriter().name('é')), '02c3a9');
  assert.equal(hex(new ByteWriter().sized(new ByteWriter().u32(300))), '02ac02');
  const w = new ByteWriter(1);
  for (let i = 0; i < 1000; i++) w.byte(i & 0xff);
  w.f64(2.5).bytes(new Uint8Array(300));
  assert.equal(w.length, 1308);
  assert.equal(w.finish()[999], 999 & 0xff);
});

test('the reader decodes what the writer encodes', () => {
  const u32s = [0, 1, 127, 128, 0x7fffffff, 0xffffffff];
  const s32s = [0, -1, 64, -65, 0x7fffffff, -0x80000000];
  const s64s = [0n, -1n, 64n, 1n << 40n, (1n << 63n) - 1n, -(1n << 63n)];
  const w = new ByteWriter();
  for (const n of u32s) w.u32(n);
  for (const n of s32s) w.s32(n);
  w.s33(2 ** 32 - 1);
  for (const n of s64s) w.s64(n);
  w.f64(Math.PI);
  const r = new ByteReader(w.finish());
  assert.deepEqual(u32s.map(() => r.u32()), u32s);
  assert.deepEqual(s32s.map(() => r.signed()), s32s);
  assert.equal(r.signed(), 2 ** 32 - 1);
  assert.deepEqual(s64s.map(() => r.s64()), s64s);
  assert.equal(r.f64(), Math.PI);
  assert.ok(r.done);
  assert.throws(() => r.byte(), RangeError);
});

test('a padded u32 takes five bytes, decodes as the same number, and can be patched', () => {
  const w = new ByteWriter().byte(0xaa).u32Padded(0).byte(0xbb);
  assert.equal(w.length, 7);
  w.patchU32(1, 300);
  assert.deepEqual([...w.view()], [0xaa, 0xac, 0x82, 0x80, 0x80, 0x00, 0xbb]);
  for (const n of [0, 1, 127, 128, 2 ** 31, 0xffffffff]) {
    const r = new ByteReader(new ByteWriter().u32Padded(n).finish());
    assert.equal(r.u32(), n);
    assert.ok(r.done);
  }
});
