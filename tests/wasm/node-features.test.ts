//! Which wasm features this Node accepts with no flags, each probed with a
//! module from the builder and `WebAssembly.validate`. The design depends on
//! every one of them; a failure here means the Node in use cannot run Rejit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModuleBuilder } from '../../src/wasm/module-builder.js';
import { wasm } from './wasm-api.js';

function probe(build: (mb: ModuleBuilder) => void): boolean {
  const mb = new ModuleBuilder();
  build(mb);
  return wasm.validate(mb.build());
}

test('no wasm flags are set for this process', () => {
  const flags = [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].join(' ');
  assert.doesNotMatch(flags, /wasm/);
});

test('available without flags', () => {
  const features: Record<string, (mb: ModuleBuilder) => void> = {
    'tail calls (return_call, return_call_indirect)': (mb) => {
      const t = mb.addTable({ min: 1 });
      const f = mb.addFunction({ name: 'f', params: [], results: [] });
      f.code.returnCall(f.index);
      mb.addFunction({ name: 'g', params: [], results: [] }).code.i32Const(0).returnCallIndirect(mb.type({ params: [], results: [] }), t);
    },
    'shared memory import and atomics (wait32, notify, rmw, cmpxchg)': (mb) => {
      mb.importMemory('env', 'memory', { min: 1, max: 10, shared: true });
      const c = mb.addFunction({ name: 'f', params: [], results: [] }).code;
      c.i32Const(0).i32Const(0).i64Const(-1n).memoryAtomicWait32().drop();
      c.i32Const(0).i32Const(1).memoryAtomicNotify().drop();
      c.i32Const(0).i32Const(1).i32AtomicRmwAdd().drop();
      c.i32Const(0).i64Const(0n).i64Const(1n).i64AtomicRmwCmpxchg().drop().atomicFence();
    },
    'exception handling, older encoding (try/catch/catch_all/throw/rethrow)': (mb) => {
      const tag = mb.addTag(['i32']);
      const c = mb.addFunction({ name: 'f', params: [], results: [] }).code;
      const t = c.try();
      c.i32Const(1).throw(tag).catch(tag).drop().catchAll().rethrow(t).end();
    },
    'reference types (ref.func, table.get/set/grow/size, typed select, two tables)': (mb) => {
      const t0 = mb.addTable({ min: 1 });
      const t1 = mb.addTable({ min: 1 }, 'externref');
      const f = mb.addFunction({ name: 'f', params: [], results: [] });
      const c = f.code;
      c.i32Const(0).refFunc(f.index).tableSet(t0).i32Const(0).tableGet(t0).refNull('funcref').i32Const(1).select('funcref').drop();
      c.refNull('externref').i32Const(1).tableGrow(t1).tableSize(t1).i32Add().drop();
    },
    'multi-value (results and block params)': (mb) => {
      const two = mb.addFunction({ name: 'two', params: [], results: ['i32', 'i64'] });
      two.code.i32Const(1).i64Const(2n);
      const c = mb.addFunction({ name: 'f', params: [], results: ['i32'] }).code;
      c.i32Const(1).block(mb.type({ params: ['i32'], results: ['i32', 'i32'] }));
      c.i32Const(2).end().i32Add();
    },
    'bulk memory (fill, copy, passive data, memory.init, data.drop)': (mb) => {
      mb.importMemory('env', 'memory', { min: 1 });
      const d = mb.addData(new Uint8Array([1]));
      const c = mb.addFunction({ name: 'f', params: [], results: [] }).code;
      c.i32Const(0).i32Const(0).i32Const(1).memoryFill().i32Const(0).i32Const(1).i32Const(1).memoryCopy();
      c.i32Const(0).i32Const(0).i32Const(1).memoryInit(d).dataDrop(d);
    },
    'saturating truncation and sign extension': (mb) => {
      const c = mb.addFunction({ name: 'f', params: ['f64'], results: ['i64'] }).code;
      c.localGet(0).i64TruncSatF64U().i64Extend32S();
    },
  };
  for (const [name, build] of Object.entries(features)) assert.ok(probe(build), name);
});
