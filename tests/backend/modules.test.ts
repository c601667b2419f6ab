import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFunction } from '../../src/backend/pipeline.js';
import { buildDispatcher } from '../../src/backend/dispatcher.js';
import { buildRuntimeModule } from '../../src/backend/runtime-module.js';
import type { FunctionId } from '../../src/ir/ir.js';
import { bodyOffsets } from '../../src/wasm/body-offsets.js';
import { ModuleBuilder } from '../../src/wasm/module-builder.js';
import { printModule } from '../../src/wasm/wat.js';
import type { AtomicPlace, Stmt } from '../../src/ir/ir.js';
import {
  arrT, as, at, bin, call, classTy, conv, f64, forLoop, getE, getF, glob, i32, i64, is, len, loc, math, newArr, newObj, print, ret, set, setE, setF, setG, vcall, when,
} from '../interp/ir.js';
import { fib } from '../interp/programs.js';
import { CALLS_ONLY, Tiers } from './tiers.js';

/** A program that uses every IR statement and expression. */
function everything(): { t: Tiers; main: FunctionId } {
  const t = new Tiers();
  const P = classTy(1, 'P');
  const get = t.declare('P.get', [P], 'i64', 1);
  const Pc = t.cls('P', null, [['n', 'i32'], ['m', 'i64'], ['x', 'f64']], [['get', get]]);
  t.define(get, [P], [ret(getF(loc(0, P), t.field(Pc, 'm')))]);
  const A = arrT('f64');
  const place: AtomicPlace = { kind: 'field', object: loc(0, P), field: t.field(Pc, 'n'), pos: at(1) };
  const helper = t.fn('helper', ['f64', 'i64'], 'f64', [], [ret(bin('rem', 'f64', loc(0, 'f64'), conv('f64', 'i64', loc(1, 'i64'))))]);
  const body: Stmt[] = [
    set(0, newObj(Pc)),
    set(1, newArr('f64', i32(4))),
    setF(loc(0, P), t.field(Pc, 'm'), i64(5n)),
    setE(loc(1, A), i32(2), math('sqrt', 'f64', f64(2))),
    setG(0, bin('add', 'i32', glob(0, 'i32'), len(loc(1, A)))),
    { op: 'atomicStore', place, value: i32(3) },
    { op: 'drop', value: { op: 'atomicCas', type: 'i32', place, expected: i32(3), replacement: { op: 'atomicAdd', type: 'i32', place, value: i32(1) } } },
    vcall(Pc, 'get', [as(loc(0, P), Pc)], 2, 0),
    call(helper, [getE('f64', loc(1, A), i32(2)), loc(2, 'i64')], 3, 1),
    ...forLoop(0, 2, 4, 5, i32(0), i32(3), [
      when(is(loc(0, P), Pc), [], [{ op: 'break', label: 0 }]),
    ]),
    { op: 'loop', label: 2, point: 4, body: [when(bin('eq', 'i32', loc(4), i32(3)), [{ op: 'break', label: 2 }]), set(4, i32(3)), { op: 'continue', label: 2 }] },
    { op: 'block', label: 1, body: [when(bin('gt', 'i32', { op: 'threadId', type: 'i32' }, { op: 'threadCount', type: 'i32' }), [{ op: 'break', label: 1 }])] },
    print('x', loc(3, 'f64'), bin('ge', 'i64', { op: 'clock', type: 'i64' }, i64(0n)), loc(4)),
    { op: 'printFixed', value: loc(3, 'f64'), digits: i32(3), pos: at(1) },
    { op: 'assert', cond: bin('lt', 'i32', math('max', 'i32', i32(1), loc(4)), i32(10)), pos: at(1) },
    { op: 'barrier', pos: at(1) },
    { op: 'load', path: 'x.rj', point: 3, pos: at(1) },
    { op: 'delete', value: loc(1, A) },
    ret(bin('add', 'i64', loc(2, 'i64'), conv('i64', 'f64', math('floor', 'f64', loc(3, 'f64')), at(1)))),
  ];
  const main = t.fn('main', [], 'i64', [P, A, 'i64', 'f64', 'i32', 'i32'], body);
  return { t, main };
}

test('every module the backend emits validates: code, runtime, dispatchers', () => {
  const { t, main } = everything();
  for (const info of t.program.functions) {
    if (!info.ir) continue;
    for (const options of [{ polls: true, stubs: true, inline: true }, { polls: false, stubs: false, inline: false }]) {
      const { bytes } = compileFunction(info.ir, t.program, 7, options);
      assert.ok(WebAssembly.validate(bytes), `${info.name} (${JSON.stringify(options)})`);
    }
  }
  assert.ok(WebAssembly.validate(buildRuntimeModule().build()), 'runtime');
  for (const sig of [{ params: [], results: [] }, { params: ['i64', 'f64', 'i32'], results: ['f64'] }] as const) {
    for (const threaded of [false, true]) assert.ok(WebAssembly.validate(buildDispatcher(sig, threaded).build()), 'dispatcher');
  }
  assert.equal(t.both(main), 5n + 1n);
  assert.deepEqual(t.out, ['x 1.4142135623730951 true 3', '1.414', 'x 1.4142135623730951 true 3', '1.414']);
});

test('V8 stack traces name compiled frames after Rejit functions', () => {
  let stack = '';
  const t = new Tiers({ print: () => void (stack = new Error().stack ?? '') }, CALLS_ONLY);
  const C = classTy(1, 'C');
  const m = t.declare('C.m', [C], 'void', 1);
  const Cc = t.cls('C', null, [], [['m', m]]);
  t.define(m, [C], [print('hi')]);
  const main = t.fn('main', [], 'void', [C], [set(0, newObj(Cc)), vcall(Cc, 'm', [loc(0, C)], -1, 0)]);
  t.compiled(main);
  // `rejit-<code id>.` is the module's name, which identifies the code version.
  assert.match(stack, /\n\s+at rejit-\d+\.C\.m \(wasm:\/\/wasm\/rejit-\d+-[0-9a-f]+:wasm-function\[\d+\]:0x[0-9a-f]+\)\n\s+at rejit-\d+\.main \(wasm:/);
});

test('body offsets: where each function\'s instructions start in the module', () => {
  const mb = new ModuleBuilder();
  const f = mb.addFunction({ name: 'f', params: [], results: ['i32'] });
  f.code.i32Const(1);
  const g = mb.addFunction({ name: 'g', params: ['i32'], results: ['i32'] });
  g.addLocal('i64');
  g.addLocal('i64');
  g.addLocal('f64');
  g.code.localGet(0);
  const bytes = mb.build();
  const [fs, gs] = bodyOffsets(bytes) as [number, number];
  assert.deepEqual([bytes[fs], bytes[fs + 1], bytes[gs], bytes[gs + 1]], [0x41, 1, 0x20, 0]);
  assert.deepEqual(bodyOffsets(new ModuleBuilder().build()), []);
});

test('the text of compiled code names its callees and its imports', () => {
  const t = new Tiers();
  const f = fib(t);
  t.commit();
  const wat = printModule(compileFunction(t.program.functionInfo(f).ir!, t.program, 3).builder);
  assert.match(wat, /\(module \$rejit-3/);
  assert.match(wat, /\(func \$fib \(type \d+\) \(param \$l0 i32\) \(param \$depth i32\) \(result i32\)/);
  // A call passes the depth, one more than fib's own (`passes/depth-param.ts`).
  assert.match(wat, /i32\.atomic\.load offset=\d+\n\s+i32\.const \d+\n\s+i32\.ne\n\s+br_if \$L\d+\n(\s+local\.get \S+\n)+\s+local\.get \$depth\n\s+i32\.const 1\n\s+i32\.add\n\s+call \$fib\n/);
  assert.match(wat, /call \$dispatch_i32\.i32>i32/);
});
