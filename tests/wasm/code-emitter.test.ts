import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeEmitter } from '../../src/wasm/code-emitter.js';
import { OPS, type OpName } from '../../src/wasm/opcodes.js';
import type { FuncIdx, GlobalIdx, TableIdx, TypeIdx } from '../../src/wasm/types.js';

const hex = (e: CodeEmitter): string => Buffer.from(e.out.view()).toString('hex');

test('instruction encodings', () => {
  const cases: [(e: CodeEmitter) => unknown, string][] = [
    [(e) => e.i32Add(), '6a'],
    [(e) => e.op('f64.copysign'), 'a6'],
    [(e) => e.i32Const(-1), '417f'],
    [(e) => e.i32Const(0xffffffff), '417f'], // the unsigned spelling of -1
    [(e) => e.i64Const(-(1n << 63n)), '428080808080808080807f'],
    [(e) => e.i64Const(1n << 63n), '428080808080808080807f'], // wraps like i64 arithmetic
    [(e) => e.f64Const(1), '44000000000000f03f'],
    [(e) => e.localGet(3).localTee(200).globalSet(1 as GlobalIdx), '2003' + '22c801' + '2401'],
    [(e) => e.i32Load(), '280200'],
    [(e) => e.i64Load(16), '290310'],
    [(e) => e.f64Store(8, 0), '390008'],
    [(e) => e.i32Load8U(300), '2d00ac02'],
    [(e) => e.i32Store8(), '3a0000'],
    [(e) => e.memOp('i64.load32_u', 4), '350204'],
    [(e) => e.memorySize().memoryGrow(), '3f004000'],
    [(e) => e.memoryFill().memoryCopy(), 'fc0b00' + 'fc0a0000'],
    [(e) => e.i32TruncSatF64S(), 'fc02'],
    [(e) => e.memoryAtomicNotify(), 'fe000200'],
    [(e) => e.memoryAtomicWait32(8), 'fe010208'],
    [(e) => e.i32AtomicLoad(), 'fe100200'],
    [(e) => e.i64AtomicStore(), 'fe180300'],
    [(e) => e.i32AtomicRmwAdd(4), 'fe1e0204'],
    [(e) => e.i64AtomicRmwCmpxchg(), 'fe490300'],
    [(e) => e.atomicFence(), 'fe0300'],
    [(e) => e.call(5 as FuncIdx).returnCall(1 as FuncIdx), '1005' + '1201'],
    [(e) => e.callIndirect(2 as TypeIdx).returnCallIndirect(1 as TypeIdx, 3 as TableIdx), '110200' + '130103'],
    [(e) => e.refFunc(7 as FuncIdx).refNull('funcref').refIsNull(), 'd207' + 'd070' + 'd1'],
    [(e) => e.tableGet(0 as TableIdx).tableSet(1 as TableIdx).tableGrow(0 as TableIdx).tableSize(0 as TableIdx), '2500' + '2601' + 'fc0f00' + 'fc1000'],
    [(e) => e.select().select('funcref'), '1b' + '1c0170'],
    [(e) => { e.block(); e.end(); }, '0240' + '0b'],
    [(e) => { e.loop('i64'); e.end(); }, '037e' + '0b'],
    [(e) => { e.if(3 as TypeIdx); e.else().end(); }, '0403' + '05' + '0b'],
    [(e) => { e.block(64 as TypeIdx); e.end(); }, '02c000' + '0b'],
  ];
  for (const [emit, bytes] of cases) {
    const e = new CodeEmitter();
    emit(e);
    assert.equal(hex(e), bytes, emit.toString());
  }
});

test('every instruction in the table has a method', () => {
  const explicit: Record<string, string> = {
    br_if: 'brIf', br_table: 'brTable', call_indirect: 'callIndirect', return_call_indirect: 'returnCallIndirect', catch_all: 'catchAll',
    'select.typed': 'select', 'i32.const': 'i32Const', 'i64.const': 'i64Const', 'f64.const': 'f64Const', 'ref.null': 'refNull', 'ref.func': 'refFunc',
  };
  const e = new CodeEmitter() as unknown as Record<string, unknown>;
  for (const name of Object.keys(OPS) as OpName[]) {
    const method = explicit[name] ?? name.replace(/[._](.)/g, (_, c: string) => c.toUpperCase());
    assert.equal(typeof e[method], 'function', `${name} as ${method}`);
  }
});

test('branches to labels compute relative depths', () => {
  const e = new CodeEmitter();
  const outer = e.block();
  const loop = e.loop();
  e.br(loop).brIf(outer);
  const inner = e.if();
  e.br(outer).br(loop).br(inner).br(e.bodyLabel).br(0);
  e.brTable([inner, loop, outer], e.bodyLabel);
  e.end().end().end();
  assert.equal(hex(e), '0240' + '0340' + '0c00' + '0d01' + '0440' + '0c02' + '0c01' + '0c00' + '0c03' + '0c00' + '0e03000102' + '03' + '0b0b0b');
  assert.equal(e.openBlocks, 0);
});

test('the control stack rejects malformed structure', () => {
  const e = new CodeEmitter();
  const b = e.block();
  e.end();
  assert.throws(() => e.br(b), /not open/);
  assert.throws(() => e.end(), /without an open block/);
  assert.throws(() => e.else(), /else inside function/);
  assert.throws(() => e.br(1), RangeError);
  e.block();
  assert.throws(() => e.catchAll(), /catch_all inside block, expected try or catch/);
  const t = e.try();
  assert.throws(() => e.rethrow(t), /catch clause/);
  e.catchAll().rethrow(t);
  assert.equal(t.kind, 'catch');
  assert.equal(e.openBlocks, 2);
});
