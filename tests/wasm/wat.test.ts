import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModuleBuilder } from '../../src/wasm/module-builder.js';
import { printFunction, printModule } from '../../src/wasm/wat.js';
import { compile } from './wasm-api.js';

function sample(): ModuleBuilder {
  const mb = new ModuleBuilder('sample');
  const log = mb.importFunction('rt', 'log', { params: ['i64'], results: [] }, 'rt.log');
  mb.importMemory('rt', 'memory', { min: 1, max: 10, shared: true });
  const counter = mb.addGlobal('i64', true, 0n);
  const table = mb.addTable({ min: 2 });
  const tag = mb.addTag(['i32']);
  const sq = mb.addFunction({ name: 'sq', params: ['f64'], results: ['f64'] });
  sq.code.localGet(0).localGet(0).f64Mul();
  const f = mb.addFunction({ name: 'Point.step', params: ['i32', 'i32'], results: ['i32'], paramNames: ['p', 'n'] });
  const i = f.addLocal('i32', 'i');
  f.addLocal('f64');
  const c = f.code;
  const exit = c.block();
  const next = c.loop();
  c.localGet(i).localGet(1).i32GeS().brIf(exit);
  c.localGet(0).localGet(0).i32Load(8).i32Const(-1).i32Add().i32Store(8);
  c.localGet(0).i32Const(1).i32AtomicRmwAdd(16).drop();
  c.localGet(i).i32Const(1).i32Add().localSet(i).br(next);
  c.end().end();
  c.localGet(0).i32Eqz().if('i32');
  c.i32Const(0).globalGet(counter).call(log);
  c.else().localGet(0).f64ConvertI32S().i32Const(1).callIndirect(sq.type, table).i32TruncF64S();
  c.end().drop();
  c.try('i32');
  c.i32Const(7).throw(tag);
  c.catch(tag);
  c.end().refFunc(sq.index).drop();
  mb.addElements(table, 1, [sq.index]);
  mb.exportFunction('step', f.index);
  return mb;
}

test('a function prints as flat text with labels and names', () => {
  const mb = sample();
  compile(mb);
  assert.equal(printFunction(mb, mb.functions[1]!), `(func $Point.step (type 3) (param $p i32) (param $n i32) (result i32)
  (local $i i32)
  (local f64)
  block $L0
    loop $L1
      local.get $i
      local.get $n
      i32.ge_s
      br_if $L0
      local.get $p
      local.get $p
      i32.load offset=8
      i32.const -1
      i32.add
      i32.store offset=8
      local.get $p
      i32.const 1
      i32.atomic.rmw.add offset=16
      drop
      local.get $i
      i32.const 1
      i32.add
      local.set $i
      br $L1
    end
  end
  local.get $p
  i32.eqz
  if $L2 (result i32)
    i32.const 0
    global.get 0
    call $rt.log
  else
    local.get $p
    f64.convert_i32_s
    i32.const 1
    call_indirect (type 2)
    i32.trunc_f64_s
  end
  drop
  try $L3 (result i32)
    i32.const 7
    throw 0
  catch 0
  end
  ref.func $sq
  drop
)`);
});

test('a module prints its sections', () => {
  const mb = sample();
  const text = printModule(mb);
  compile(mb);
  assert.equal(text.split('\n').slice(0, 13).join('\n'), `(module $sample
  (type 0 (func (param i64)))
  (type 1 (func (param i32)))
  (type 2 (func (param f64) (result f64)))
  (type 3 (func (param i32 i32) (result i32)))
  (import "rt" "log" (func $rt.log (type 0) (param i64)))
  (import "rt" "memory" (memory 1 10 shared))
  (table 2 funcref)
  (tag (param i32))
  (global (mut i64) (i64.const 0))
  (export "step" (func $Point.step))
  (elem (i32.const 1) func $sq)
  (elem declare func $sq)`);
  assert.match(text, /\n {2}\(func \$sq \(type 2\) \(param f64\) \(result f64\)\n {4}local\.get 0\n/);
  assert.ok(text.endsWith('  )\n)\n'));
});
