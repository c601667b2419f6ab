import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { ModuleBuilder } from '../../src/wasm/module-builder.js';
import { compile, instantiate, wasm, type WasmException, type WasmTable } from './wasm-api.js';

const sharedMemory = () => new wasm.Memory({ initial: 1, maximum: 10, shared: true });

test('a small module is encoded byte for byte', () => {
  const mb = new ModuleBuilder();
  const add = mb.addFunction({ name: 'add', params: ['i32', 'i32'], results: ['i32'] });
  add.code.localGet(0).localGet(1).i32Add();
  mb.exportFunction('add', add.index);
  const expected = [
    '0061736d', '01000000',
    '01', '07', '01', '60', '027f7f', '017f', // type section: one (i32 i32) -> i32
    '03', '02', '01', '00', // function section
    '07', '07', '01', '03616464', '00', '00', // export "add" func 0
    '0a', '09', '01', '07', '00', '2000', '2001', '6a', '0b', // code: no locals, the body, end
    '00', '0d', '046e616d65', '01', '06', '01', '00', '03616464', // name section: function 0 is "add"
  ].join('');
  assert.equal(Buffer.from(mb.build()).toString('hex'), expected);
  assert.equal(instantiate(mb).add(2, 3), 5);
});

test('function types are deduplicated', () => {
  const mb = new ModuleBuilder();
  const a = mb.type({ params: ['i32'], results: ['i64'] });
  assert.equal(mb.type({ params: ['i32'], results: ['i64'] }), a);
  assert.notEqual(mb.type({ params: ['i32', 'i64'], results: [] }), a);
  assert.notEqual(mb.type({ params: [], results: ['i32', 'i64'] }), mb.type({ params: ['i32'], results: ['i64'] }));
  mb.addFunction({ name: 'f', params: ['i32'], results: ['i64'] }).code.localGet(0).i64ExtendI32S();
  assert.equal(mb.functions[0]!.type, a);
  assert.equal(mb.types.length, 3);
  compile(mb);
});

test('imports precede definitions of their kind', () => {
  const mb = new ModuleBuilder();
  mb.addFunction({ name: 'f', params: [], results: [] });
  assert.throws(() => mb.importFunction('env', 'g', { params: [], results: [] }), /func imports must be added before/);
  mb.addGlobal('i32', false, 0);
  assert.throws(() => mb.importGlobal('env', 'g', 'i32', false), /global imports/);
  assert.throws(() => mb.importMemory('env', 'm', { min: 1, shared: true }), /maximum/);
  assert.throws(() => mb.addGlobal('i64', false, 1), TypeError);
});

test('arithmetic and conversions on i32, i64 and f64', () => {
  const mb = new ModuleBuilder();
  const ops = (name: string, params: ('i32' | 'i64' | 'f64')[], result: 'i32' | 'i64' | 'f64', body: (c: ReturnType<typeof mb.addFunction>['code']) => unknown) => {
    const f = mb.addFunction({ name, params, results: [result] });
    body(f.code);
    mb.exportFunction(name, f.index);
  };
  ops('i32ops', ['i32', 'i32'], 'i32', (c) => c.localGet(0).localGet(1).i32Mul().localGet(1).i32DivS().localGet(0).i32Xor().i32Const(3).i32Shl().i32Popcnt());
  ops('i32rem', ['i32', 'i32'], 'i32', (c) => c.localGet(0).localGet(1).i32RemU());
  ops('i64ops', ['i64', 'i64'], 'i64', (c) => c.localGet(0).localGet(1).i64Mul().i64Const(7n).i64RemS().localGet(1).i64Rotl());
  ops('mix', ['i32', 'f64'], 'f64', (c) => c.localGet(0).f64ConvertI32S().localGet(1).f64Mul().f64Sqrt().f64Floor());
  ops('trunc', ['f64'], 'i64', (c) => c.localGet(0).i64TruncF64S());
  ops('truncSat', ['f64'], 'i32', (c) => c.localGet(0).i32TruncSatF64S());
  ops('bits', ['f64'], 'i64', (c) => c.localGet(0).f64Neg().i64ReinterpretF64());
  ops('wrap', ['i64'], 'i32', (c) => c.localGet(0).i32WrapI64().i32Extend8S());
  ops('cmp', ['f64', 'f64'], 'i32', (c) => c.localGet(0).localGet(1).f64Lt().localGet(0).localGet(1).f64Min().localGet(0).f64Eq().i32Add());
  ops('copysign', ['f64', 'f64'], 'f64', (c) => c.localGet(0).f64Abs().localGet(1).f64Copysign().f64Nearest());
  const x = instantiate(mb);
  assert.equal(x.i32ops(6, 7), popcount((((6 * 7) / 7) ^ 6) << 3));
  assert.equal(x.i32rem(-1, 10), 0xffffffff % 10);
  assert.equal(x.i64ops(1n << 40n, 3n), BigInt.asIntN(64, ((((1n << 40n) * 3n) % 7n) << 3n) | 0n));
  assert.equal(x.mix(10, 2.5), 5);
  assert.equal(x.trunc(-3.9), -3n);
  assert.throws(() => x.trunc(NaN), wasm.RuntimeError);
  assert.equal(x.truncSat(1e20), 0x7fffffff);
  assert.equal(x.bits(1), BigInt.asIntN(64, 0xbff0000000000000n));
  assert.equal(x.wrap(0x1_0000_0080n), -128);
  assert.deepEqual([x.cmp(1, 2), x.cmp(3, 2), x.cmp(2, 2)], [2, 0, 1]); // (a < b) + (min(a, b) == a)
  assert.equal(x.copysign(2.5, -1), -2);
});

function popcount(n: number): number {
  return n.toString(2).split('').filter((c) => c === '1').length;
}

test('loops, br_table, select and multi-value blocks', () => {
  const mb = new ModuleBuilder();
  // sum of 1..n with a loop and a local
  const sum = mb.addFunction({ name: 'sum', params: ['i32'], results: ['i64'], paramNames: ['n'] });
  const acc = sum.addLocal('i64', 'acc');
  let c = sum.code;
  const done = c.block();
  const again = c.loop();
  c.localGet(0).i32Eqz().brIf(done);
  c.localGet(acc).localGet(0).i64ExtendI32U().i64Add().localSet(acc);
  c.localGet(0).i32Const(1).i32Sub().localSet(0).br(again);
  c.end().end().localGet(acc);
  // a switch: 0 -> 10, 1 -> 20, anything else -> 30
  const sw = mb.addFunction({ name: 'switch', params: ['i32'], results: ['i32'] });
  c = sw.code;
  const other = c.block();
  const one = c.block();
  const zero = c.block();
  c.localGet(0).brTable([zero, one], other);
  c.end().i32Const(10).return();
  c.end().i32Const(20).return();
  c.end().i32Const(30);
  // a block that yields two values, then select between them
  const pair = mb.type({ params: ['i32'], results: ['i32', 'i32'] });
  const pick = mb.addFunction({ name: 'pick', params: ['i32', 'i32'], results: ['i32'] });
  c = pick.code;
  c.localGet(0);
  c.block(pair);
  c.i32Const(100).i32Add().i32Const(200);
  c.end().localGet(1).select();
  for (const f of [sum, sw, pick]) mb.exportFunction(f.name, f.index);
  const x = instantiate(mb);
  assert.equal(x.sum(100000), 5000050000n);
  assert.deepEqual([0, 1, 2, -1].map((i) => x.switch(i)), [10, 20, 30, 30]);
  assert.equal(x.pick(5, 1), 105);
  assert.equal(x.pick(5, 0), 200);
});

test('globals, an imported function and an imported global', () => {
  const mb = new ModuleBuilder();
  const log: number[] = [];
  const print = mb.importFunction('env', 'print', { params: ['f64'], results: [] });
  const base = mb.importGlobal('env', 'base', 'i32', false);
  const counter = mb.addGlobal('i32', true, 5);
  const big = mb.addGlobal('i64', true, -(1n << 62n));
  const half = mb.addGlobal('f64', false, 0.5);
  const bump = mb.addFunction({ name: 'bump', params: [], results: ['i32'] });
  bump.code.globalGet(counter).globalGet(base).i32Add().globalSet(counter);
  bump.code.globalGet(big).i64Const(1n).i64Sub().globalSet(big);
  bump.code.globalGet(half).call(print).globalGet(counter);
  mb.exportFunction('bump', bump.index);
  mb.exportGlobal('big', big);
  const x = instantiate(mb, { env: { print: (v: number) => log.push(v), base: 100 } });
  assert.equal(x.bump(), 105);
  assert.equal(x.bump(), 205);
  assert.deepEqual(log, [0.5, 0.5]);
  assert.equal(x.big.value, -(1n << 62n) - 2n);
});

test('shared imported memory: loads, stores, size, grow, fill, copy, passive data', () => {
  const memory = sharedMemory();
  const mb = new ModuleBuilder();
  mb.importMemory('env', 'memory', { min: 1, max: 10, shared: true });
  const hello = mb.addData(new TextEncoder().encode('hello'));
  const f = mb.addFunction({ name: 'work', params: ['i32'], results: ['i32'] });
  const c = f.code;
  c.localGet(0).i64Const(0x1122334455667788n).i64Store(8); // [p+8] = u64
  c.localGet(0).f64Const(1.5).f64Store(16);
  c.localGet(0).i32Const(0xab).i32Store8(24);
  c.localGet(0).i32Const(0x5a).i32Const(4).memoryFill(); // [p..p+4) = 0x5a
  c.localGet(0).i32Const(32).i32Add().localGet(0).i32Const(8).i32Add().i32Const(8).memoryCopy(); // [p+32] = [p+8]
  c.localGet(0).i32Const(40).i32Add().i32Const(0).i32Const(5).memoryInit(hello);
  c.dataDrop(hello);
  c.i32Const(1).memoryGrow().drop();
  c.localGet(0).i32Load8U(24).localGet(0).i32Load(32).i32Add().memorySize().i32Add();
  mb.exportFunction('work', f.index);
  const x = instantiate(mb, { env: { memory } });
  assert.equal(x.work(64), 0xab + 0x55667788 + 2);
  const view = new DataView(memory.buffer);
  assert.equal(view.getBigUint64(72, true), 0x1122334455667788n);
  assert.equal(view.getFloat64(80, true), 1.5);
  assert.equal(view.getUint32(64, true), 0x5a5a5a5a);
  assert.equal(new TextDecoder().decode(new Uint8Array(memory.buffer, 104, 5)), 'hello');
  assert.ok(memory.buffer instanceof SharedArrayBuffer);
  assert.equal(memory.buffer.byteLength, 2 * 65536);
});

test('active data segments are copied at instantiation', () => {
  const memory = sharedMemory();
  const mb = new ModuleBuilder();
  mb.importMemory('env', 'memory', { min: 1, max: 10, shared: true });
  mb.addData(new Uint8Array([1, 2, 3]), 500);
  instantiate(mb, { env: { memory } });
  assert.deepEqual([...new Uint8Array(memory.buffer, 499, 5)], [0, 1, 2, 3, 0]);
});

/** Atomic accessors over one shared memory, for the single- and two-thread tests. */
function atomicsModule(): ModuleBuilder {
  const mb = new ModuleBuilder('atomics');
  mb.importMemory('env', 'memory', { min: 1, max: 10, shared: true });
  const fn = (name: string, params: ('i32' | 'i64')[], result: 'i32' | 'i64' | undefined) => {
    const f = mb.addFunction({ name, params, results: result === undefined ? [] : [result] });
    mb.exportFunction(name, f.index);
    return f;
  };
  fn('load', ['i32'], 'i32').code.localGet(0).i32AtomicLoad();
  fn('store', ['i32', 'i32'], undefined).code.localGet(0).localGet(1).i32AtomicStore();
  fn('add', ['i32', 'i32'], 'i32').code.localGet(0).localGet(1).i32AtomicRmwAdd();
  fn('cas', ['i32', 'i32', 'i32'], 'i32').code.localGet(0).localGet(1).localGet(2).i32AtomicRmwCmpxchg();
  fn('add64', ['i32', 'i64'], 'i64').code.localGet(0).localGet(1).i64AtomicRmwAdd();
  fn('cas64', ['i32', 'i64', 'i64'], 'i64').code.localGet(0).localGet(1).localGet(2).i64AtomicRmwCmpxchg();
  fn('load64', ['i32'], 'i64').code.localGet(0).i64AtomicLoad();
  fn('byte', ['i32', 'i32'], 'i32').code.localGet(0).localGet(1).i32AtomicStore8().localGet(0).i32AtomicLoad8U();
  fn('wait', ['i32', 'i32', 'i64'], 'i32').code.localGet(0).localGet(1).localGet(2).memoryAtomicWait32();
  fn('notify', ['i32', 'i32'], 'i32').code.localGet(0).localGet(1).memoryAtomicNotify();
  const spin = fn('addMany', ['i32', 'i32'], undefined);
  const loop = spin.code.loop();
  spin.code.localGet(0).i32Const(1).i32AtomicRmwAdd().drop();
  spin.code.localGet(1).i32Const(1).i32Sub().localTee(1).brIf(loop).end();
  return mb;
}

test('atomics on one thread', () => {
  const memory = sharedMemory();
  const x = instantiate(atomicsModule(), { env: { memory } });
  x.store(16, 41);
  assert.equal(x.add(16, 1), 41);
  assert.equal(x.load(16), 42);
  assert.equal(x.cas(16, 0, 7), 42); // fails: not 0
  assert.equal(x.cas(16, 42, 7), 42);
  assert.equal(Atomics.load(new Int32Array(memory.buffer), 4), 7);
  assert.equal(x.add64(24, 1n << 40n), 0n);
  assert.equal(x.cas64(24, 1n << 40n, -1n), 1n << 40n);
  assert.equal(x.load64(24), -1n);
  assert.equal(x.byte(40, 0x1ff), 0xff);
  assert.equal(x.wait(16, 0, -1n), 1); // "not-equal": the value is 7
  assert.equal(x.wait(16, 7, 1_000_000n), 2); // "timed-out" after 1 ms
  assert.equal(x.notify(16, 1), 0); // nobody waits
  assert.throws(() => x.load(2), wasm.RuntimeError); // unaligned atomic access traps
});

test('atomics across two threads: wait/notify and concurrent rmw.add', async () => {
  const memory = sharedMemory();
  const module = compile(atomicsModule());
  const x = new wasm.Instance(module, { env: { memory } }).exports;
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const x = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } }).exports;
     parentPort.postMessage('ready');
     const woke = x.wait(0, 0, 10_000_000_000n);
     x.addMany(8, 100000);
     parentPort.postMessage(woke);`,
    { eval: true, workerData: { module, memory } },
  );
  const messages: unknown[] = [];
  const finished = new Promise<void>((resolve, reject) => {
    worker.on('message', (m) => { messages.push(m); if (messages.length === 2) resolve(); });
    worker.on('error', reject);
  });
  await new Promise((resolve) => worker.once('message', resolve));
  // Notify until it wakes someone: the worker may not be waiting yet. (Storing first would race with its wait.)
  const deadline = Date.now() + 10_000;
  while (x.notify(0, 1) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
  x.addMany(8, 100000);
  await finished;
  await worker.terminate();
  assert.deepEqual(messages, ['ready', 0]); // 0: woken by notify
  assert.equal(x.load(8), 200000);
});

test('call_indirect through a table with an active element segment', () => {
  const mb = new ModuleBuilder();
  const binop = mb.type({ params: ['i32', 'i32'], results: ['i32'] });
  const table = mb.addTable({ min: 4, max: 4 });
  const fns = (['add', 'sub', 'mul'] as const).map((name) => {
    const f = mb.addFunction({ name, params: ['i32', 'i32'], results: ['i32'] });
    f.code.localGet(0).localGet(1).op(`i32.${name}`);
    return f.index;
  });
  mb.addElements(table, 1, fns);
  const apply = mb.addFunction({ name: 'apply', params: ['i32', 'i32', 'i32'], results: ['i32'] });
  apply.code.localGet(1).localGet(2).localGet(0).callIndirect(binop, table);
  mb.exportFunction('apply', apply.index);
  mb.exportTable('table', table);
  const x = instantiate(mb);
  assert.deepEqual([1, 2, 3].map((i) => x.apply(i, 7, 3)), [10, 4, 21]);
  assert.throws(() => x.apply(0, 1, 1), /null/); // an empty slot traps
  assert.equal((x.table as WasmTable).length, 4);
});

test('element segments in a second table', () => {
  const mb = new ModuleBuilder();
  mb.addTable({ min: 1 });
  const second = mb.addTable({ min: 2 });
  const f = mb.addFunction({ name: 'seven', params: [], results: ['i32'] });
  f.code.i32Const(7);
  mb.addElements(second, 1, [f.index]);
  const call = mb.addFunction({ name: 'call', params: [], results: ['i32'] });
  call.code.i32Const(1).callIndirect(mb.type({ params: [], results: ['i32'] }), second);
  mb.exportFunction('call', call.index);
  assert.equal(instantiate(mb).call(), 7);
});

test('tail calls: return_call and return_call_indirect run in constant stack', () => {
  const mb = new ModuleBuilder();
  const sig = mb.type({ params: ['i32', 'i64'], results: ['i64'] });
  const table = mb.addTable({ min: 2 });
  // even/odd mutual recursion through the table, a million deep
  const parity = ['even', 'odd'].map((name) => mb.addFunction({ name, params: ['i32', 'i64'], results: ['i64'] }));
  parity.forEach((f, i) => {
    const c = f.code;
    c.localGet(0).i32Eqz().if();
    c.i64Const(BigInt(i)).return().end();
    c.localGet(0).i32Const(1).i32Sub().localGet(1).i64Const(1n).i64Add();
    c.i32Const(1 - i).returnCallIndirect(sig, table);
  });
  mb.addElements(table, 0, parity.map((f) => f.index));
  const count = mb.addFunction({ name: 'count', params: ['i32', 'i64'], results: ['i64'] });
  count.code.localGet(0).i32Eqz().if();
  count.code.localGet(1).return().end();
  count.code.localGet(0).i32Const(1).i32Sub().localGet(1).i64Const(2n).i64Add().returnCall(count.index);
  mb.exportFunction('even', parity[0]!.index);
  mb.exportFunction('count', count.index);
  const x = instantiate(mb);
  assert.equal(x.even(1_000_000, 0n), 0n); // 1,000,000 is even: ends in `even`
  assert.equal(x.even(999_999, 0n), 1n);
  assert.equal(x.count(3_000_000, 0n), 6_000_000n);
});

test('a hub module: imported table, stubs with return_call_indirect, code from another module', () => {
  // The design's per-worker hub: only the hub imports the table; compiled modules are placed in it from JS.
  const table = new wasm.Table({ element: 'anyfunc', initial: 8 });
  const hub = new ModuleBuilder('hub');
  const t = hub.importTable('rt', 'table', { min: 8 });
  const sig = hub.type({ params: ['i32'], results: ['i32'] });
  const stub = hub.addFunction({ name: 'stub_i32_i32', params: ['i32', 'i32'], results: ['i32'], paramNames: ['x', 'slot'] });
  stub.code.localGet(0).localGet(1).returnCallIndirect(sig, t);
  hub.exportFunction('stub_i32_i32', stub.index);
  const stubs = instantiate(hub, { rt: { table } });

  const code = new ModuleBuilder('code');
  const viaStub = code.importFunction('hub', 'stub_i32_i32', { params: ['i32', 'i32'], results: ['i32'] });
  const square = code.addFunction({ name: 'square', params: ['i32'], results: ['i32'] });
  square.code.localGet(0).localGet(0).i32Mul();
  const caller = code.addFunction({ name: 'caller', params: ['i32'], results: ['i32'] });
  caller.code.localGet(0).i32Const(3).call(viaStub);
  code.exportFunction('square', square.index);
  code.exportFunction('caller', caller.index);
  const x = instantiate(code, { hub: { stub_i32_i32: stubs.stub_i32_i32 } });
  table.set(3, x.square);
  assert.equal(x.caller(9), 81);
});

test('references: ref.func with an automatic declarative segment, table.get/set/grow/size, ref.null', () => {
  const mb = new ModuleBuilder();
  const table = mb.addTable({ min: 1, max: 100 });
  const target = mb.addFunction({ name: 'target', params: [], results: ['i32'] });
  target.code.i32Const(99);
  const f = mb.addFunction({ name: 'refs', params: [], results: ['i32'] });
  const c = f.code;
  c.refNull('funcref').i32Const(4).tableGrow(table).drop(); // size 5
  c.i32Const(2).refFunc(target.index).tableSet(table);
  c.i32Const(2).callIndirect(mb.type({ params: [], results: ['i32'] }), table);
  c.i32Const(0).tableGet(table).refIsNull().i32Add();
  c.tableSize(table).i32Add();
  mb.exportFunction('refs', f.index);
  assert.deepEqual(mb.declaredRefs(), [target.index]);
  assert.equal(instantiate(mb).refs(), 99 + 1 + 5);
});

test('exceptions: try/catch/catch_all/throw/rethrow and tags seen from JS', () => {
  const mb = new ModuleBuilder();
  const tag = mb.addTag(['i32']);
  const f = mb.addFunction({ name: 'guarded', params: ['i32'], results: ['i32'] });
  const c = f.code;
  c.try('i32');
  c.localGet(0).i32Eqz().if();
  c.unreachable().end(); // traps are not exceptions: catch does not see them
  c.localGet(0).throw(tag);
  c.catch(tag).i32Const(1000).i32Add();
  c.end();
  const outer = mb.addFunction({ name: 'outer', params: ['i32'], results: ['i32'] });
  const o = outer.code;
  o.try('i32');
  const inner = o.try();
  o.localGet(0).throw(tag);
  o.catchAll().rethrow(inner);
  o.end().i32Const(0);
  o.catch(tag).i32Const(1).i32Add();
  o.end();
  const escape = mb.addFunction({ name: 'escape', params: [], results: [] });
  escape.code.i32Const(42).throw(tag);
  for (const fn of [f, outer, escape]) mb.exportFunction(fn.name, fn.index);
  mb.exportTag('tag', tag);
  const x = instantiate(mb);
  assert.equal(x.guarded(5), 1005);
  assert.equal(x.outer(5), 6);
  assert.throws(() => x.guarded(0), wasm.RuntimeError);
  assert.throws(() => x.escape(), (e: WasmException) => e.is(x.tag) && e.getArg(x.tag, 0) === 42);
});

test('an imported tag catches exceptions thrown from JS', () => {
  const tag = new wasm.Tag({ parameters: ['i32'] });
  const mb = new ModuleBuilder();
  const raise = mb.importFunction('env', 'raise', { params: [], results: [] });
  const t = mb.importTag('env', 'tag', ['i32']);
  const f = mb.addFunction({ name: 'f', params: [], results: ['i32'] });
  f.code.try('i32');
  f.code.call(raise).i32Const(0);
  f.code.catch(t).end();
  mb.exportFunction('f', f.index);
  const x = instantiate(mb, { env: { tag, raise: () => { throw new wasm.Exception(tag, [77]); } } });
  assert.equal(x.f(), 77);
});

test('a start function runs at instantiation', () => {
  const mb = new ModuleBuilder();
  const g = mb.addGlobal('i32', true, 0);
  const init = mb.addFunction({ name: 'init', params: [], results: [] });
  init.code.i32Const(123).globalSet(g);
  mb.setStart(init.index);
  mb.exportGlobal('g', g);
  assert.equal(instantiate(mb).g.value, 123);
});

test('the name section names the module, functions and locals', () => {
  const mb = new ModuleBuilder('rejit_test');
  mb.importFunction('env', 'f', { params: [], results: [] }, 'runtime.f');
  const fn = mb.addFunction({ name: 'Point.norm', params: ['f64', 'f64'], results: [], paramNames: ['x'] });
  fn.addLocal('i32');
  fn.addLocal('i64', 'tmp');
  const sections = wasm.Module.customSections(compile(mb), 'name');
  assert.equal(sections.length, 1);
  const hex = Buffer.from(sections[0]!).toString('hex');
  const name = (s: string) => Buffer.from([s.length, ...Buffer.from(s)]).toString('hex');
  assert.equal(hex, [
    '00', '0b', name('rejit_test'),
    '01', '18', '02', '00', name('runtime.f'), '01', name('Point.norm'),
    '02', '0b', '01', '01', '02', '00', name('x'), '03', name('tmp'),
  ].join(''));
});

test('stack traces show the function names from the name section', () => {
  const mb = new ModuleBuilder('rejitmod');
  const boom = mb.importFunction('env', 'boom', { params: [], results: [] });
  const inner = mb.addFunction({ name: 'Point.inner', params: [], results: [] });
  inner.code.call(boom);
  const outer = mb.addFunction({ name: 'outer', params: [], results: [] });
  outer.code.call(inner.index);
  const trap = mb.addFunction({ name: 'trapper', params: [], results: [] });
  trap.code.unreachable();
  mb.exportFunction('outer', outer.index);
  mb.exportFunction('trap', trap.index);
  const x = instantiate(mb, { env: { boom: () => { throw new Error('boom'); } } });
  // V8 prints `module.function`, from the name section, for wasm frames
  assert.throws(() => x.outer(), (e: Error) => /at rejitmod\.Point\.inner \(wasm:\/\/wasm\/rejitmod-[0-9a-f]+:wasm-function\[1\]/.test(e.stack!) && /at rejitmod\.outer /.test(e.stack!));
  assert.throws(() => x.trap(), (e: Error) => e instanceof wasm.RuntimeError && /unreachable\n\s+at rejitmod\.trapper /.test(e.stack!));
});

test('build refuses a body with unended blocks', () => {
  const mb = new ModuleBuilder();
  mb.addFunction({ name: 'open', params: [], results: [] }).code.block();
  assert.throws(() => mb.build(), /function open: 1 block\(s\) not ended/);
});
