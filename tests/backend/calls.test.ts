import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNSHARED } from '../../src/core/code-sharing.js';
import { Baseline } from '../../src/backend/baseline.js';
import type { FunctionId, Stmt } from '../../src/ir/ir.js';
import { Heap } from '../../src/core/heap.js';
import type { ClassType } from '../../src/ir/types.js';
import { KEPT_FRAMES, Trap } from '../../src/core/trap.js';
import { arrT, at, bin, call, classT, classTy, conv, f64, forLoop, getE, i32, i64, loc, newArr, newObj, ret, set, setE, trapOf, vcall, when } from '../interp/ir.js';
import { defineReloading, fib, threeFiles, unbounded } from '../interp/programs.js';
import { CALLS_ONLY, Tiers } from './tiers.js';

test('recursive calls, and arguments and results of every type', () => {
  const t = new Tiers();
  assert.equal(t.both(fib(t), 25), 75025);
  const A = arrT('f64');
  const mix = t.fn('mix', ['i32', 'i64', 'f64', 'bool', A], 'f64', [], [
    ret(bin('add', 'f64', bin('mul', 'f64', loc(2, 'f64'), conv('f64', 'i64', loc(1, 'i64'))), bin('add', 'f64', conv('f64', 'i32', bin('add', 'i32', loc(0), loc(3, 'bool'))), getE('f64', loc(4, A), i32(0))))),
  ]);
  const caller = t.fn('caller', [], 'f64', ['f64', A], [
    set(1, newArr('f64', i32(1))),
    setE(loc(1, A), i32(0), f64(0.25)),
    call(mix, [i32(10), i64(-(2n ** 40n)), f64(0.5), { op: 'const', type: 'bool', value: true }, loc(1, A)], 0, 0),
    ret(loc(0, 'f64')),
  ]);
  assert.equal(t.both(caller), 0.5 * -(2 ** 40) + 11 + 0.25);
  const wide = t.fn('wide', ['i64'], 'i64', [], [ret(bin('mul', 'i64', loc(0, 'i64'), i64(3n)))]);
  assert.equal(t.both(wide, 2n ** 61n), BigInt.asIntN(64, 3n * 2n ** 61n));
  const flag = t.fn('flag', ['i32'], 'bool', [], [ret(bin('gt', 'i32', loc(0), i32(0)))]);
  assert.equal(t.both(flag, 3), 1);
  const big = t.fn('big', [], A, [], [ret(newArr('f64', i32(1)))]);
  assert.ok((t.compiled(big) as number) > 0, 'references cross unsigned');
});

test('void calls, and results nobody reads, run in program order', () => {
  const t = new Tiers();
  const p = t.fn('p', ['i32'], 'void', [], [{ op: 'print', args: [{ kind: 'string', text: 'p' }, { kind: 'value', value: loc(0) }] }]);
  const q = t.fn('q', ['i32'], 'i32', [], [ret(loc(0))]);
  const main = t.fn('main', [], 'i32', ['i32', 'i32'], [
    ...forLoop(0, 0, 0, 1, i32(0), i32(3), [call(p, [loc(0)], -1, 1), call(q, [loc(0)], -1, 2)]),
    ret(i32(7)),
  ]);
  assert.equal(t.both(main), 7);
  assert.deepEqual(t.out, ['p 0', 'p 1', 'p 2', 'p 0', 'p 1', 'p 2']);
});

test('nothing compiles before its first call', () => {
  const t = new Tiers({}, CALLS_ONLY);
  // Two statements each: a one-expression body would be inlined rather than called.
  const never = t.fn('never', [], 'i32', ['i32'], [set(0, i32(1)), ret(loc(0))]);
  const once = t.fn('once', [], 'i32', ['i32'], [set(0, i32(2)), ret(loc(0))]);
  const main = t.fn('main', ['i32'], 'i32', ['i32'], [
    when(bin('eq', 'i32', loc(0), i32(0)), [call(never, [], 1, 0)], [call(once, [], 1, 1)]),
    ret(loc(1)),
  ]);
  assert.deepEqual(t.baseline.codeVersions(), []);
  assert.equal(t.compiled(main, 1), 2);
  assert.deepEqual(t.baseline.codeVersions().map((c) => c.ir.name), ['main', 'once']);
});

test('a call to a function without a definition traps at the call, after its arguments; a later definition is called', () => {
  const t = new Tiers();
  const g = t.declare('g', ['i32'], 'i32');
  const f = t.fn('f', ['i32'], 'i32', ['i32'], [call(g, [bin('div', 'i32', i32(10), loc(0), at(3, 9))], 1, 0, at(3, 4)), ret(loc(1))]);
  assert.equal(t.both(f, 1), 't.rj:3:4: trap: call to undefined function\n  at f (t.rj:3:4)');
  assert.equal(t.both(f, 0), 't.rj:3:9: trap: division by zero\n  at f (t.rj:3:9)');
  t.define(g, ['i32'], [ret(bin('add', 'i32', loc(0), i32(1)))]);
  t.commit();
  assert.equal(t.both(f, 2), 6);
});

test('a redefinition while an old frame runs: the frame finishes its old code, new calls run the new code', () => {
  // f(1): the old body calls f(0), which loads a module that redefines f and
  // returns 1; the old frame goes on and calls f(0) again: the new body, 100.
  const t: Tiers = new Tiers({
    load: () => {
      t.define(f, ['i32', 'i32'], [ret(i32(100))]);
      t.commit();
    },
  });
  const f = t.declare('f', ['i32'], 'i32');
  const old = (): void => {
    defineReloading(t, f);
    t.commit();
  };
  old();
  assert.equal(t.run(f, 1), 110);
  assert.equal(t.run(f, 1), 100);
  old();
  assert.equal(t.compiled(f, 1), 110);
  assert.equal(t.compiled(f, 1), 100);
  assert.deepEqual(t.baseline.codeVersions().map((c) => c.ir.body.length), [4, 1]);
});

test('a caller imports the code of its direct callees, linked when instantiated, and still sees a redefinition', () => {
  const t = new Tiers({}, CALLS_ONLY);
  const g = t.fn('g', [], 'i32', ['i32'], [set(0, i32(1)), ret(loc(0))]);
  const f = t.fn('f', [], 'i32', ['i32'], [call(g, [], 0, 0), ret(loc(0))]);
  assert.equal(t.compiled(f), 1);
  const links = t.baseline.codeVersions().find((c) => c.ir.name === 'f')?.links.map((l) => `${l.module}.${l.field}`);
  assert.ok(links?.includes(`callee.${g}`), `f imports g's code: ${links?.join(' ')}`);
  assert.equal(t.compiled(f), 1);
  const versions = t.baseline.codeVersions().map((c) => [c.ir.name, c.relinkOf === null ? 'compiled' : 'relinked']);
  assert.deepEqual(versions, [['f', 'compiled'], ['g', 'compiled'], ['f', 'relinked']], 'f was linked again to g, not compiled again');
  t.define(g, ['i32'], [set(0, i32(2)), ret(loc(0))]);
  t.commit();
  assert.equal(t.compiled(f), 2);
});

test('virtual calls dispatch to a subclass loaded while the caller runs', () => {
  let onLoad = (): void => {};
  const t = new Tiers({ load: () => onLoad() });
  const B: ClassType = classTy(1, 'B');
  const bGet = t.declare('B.get', [B], 'i32', 1);
  const Base = t.cls('B', null, [['k', 'i32']], [['get', bGet]]);
  t.define(bGet, [B], [ret(i32(1))]);
  const A = arrT(B);
  // sum(objs): the sum of objs[i].get(); with `load`, it loads a module and sums again.
  const sum = (name: string, load: boolean): FunctionId => {
    const loop: Stmt[] = forLoop(0, 0, 2, 3, i32(0), { op: 'length', type: 'i32', array: loc(0, A), pos: at(1) }, [
      vcall(Base, 'get', [getE(B, loc(0, A), loc(2))], 4, 1),
      set(1, bin('add', 'i32', loc(1), loc(4))),
    ]);
    const again = load ? [{ op: 'load', path: 'sub.rj', point: 2, pos: at(1) } as Stmt, ...loop] : [];
    return t.fn(name, [A], 'i32', ['i32', 'i32', 'i32', 'i32'], [...loop, ...again, ret(loc(1))]);
  };
  const make = t.fn('make', [], A, [A], [set(0, newArr(B, i32(3))), ...[0, 1, 2].map((i) => setE(loc(0, A), i32(i), newObj(Base))), ret(loc(0, A))]);
  const objs = t.compiled(make) as number;
  const before = sum('before', false);
  assert.equal(t.compiled(before, objs), 3);
  // The load adds S (get = 100) and puts an S in the array while `during` runs.
  onLoad = () => {
    const sGet = t.declare('S.get', [classTy(2, 'S')], 'i32', 2);
    const S = t.cls('S', Base, [], [['get', sGet]]);
    t.define(sGet, [classT(S)], [ret(i32(100))]);
    t.commit();
    t.heap.i32[(objs + 8 + 4) >>> 2] = t.heap.allocObject(S.id, S.size);
  };
  assert.equal(t.compiled(sum('during', true), objs), 3 + 102);
  assert.equal(t.both(before, objs), 102);
});

test('a trap lists every Rejit frame, as the interpreter does, however deep', () => {
  const t = new Tiers();
  const { outer, mid, trap } = threeFiles(t);
  assert.equal(t.both(outer), trap);
  assert.equal(t.both(mid, 2), 0, 'still runs after a trap');
  // down(n) = n == 0 ? 1 / n : down(n - 1): a trap under 40 frames lists 10, "... 20 more frames", 10.
  const down = t.declare('down', ['i32'], 'i32');
  t.define(down, ['i32', 'i32'], [
    when(bin('eq', 'i32', loc(0), i32(0)), [ret(bin('div', 'i32', i32(1), loc(0), at(3, 3)))]),
    call(down, [bin('sub', 'i32', loc(0), i32(1))], 1, 0, at(4, 4)),
    ret(loc(1)),
  ]);
  const deep = t.both(down, 39) as string;
  assert.equal(deep.split('\n').length, 1 + 10 + 1 + 10);
  assert.match(deep, /\n {2}\.\.\. 20 more frames\n/);
});

test('unbounded recursion traps with a stack overflow at the recursive call', () => {
  const t = new Tiers();
  const trap = trapOf(() => t.compiled(unbounded(t), 0n));
  assert.equal(trap.kind, 'stackOverflow');
  assert.equal(`${trap.fileName}:${trap.pos.line}:${trap.pos.col}`, 't.rj:2:7');
  // The first and last KEPT_FRAMES are kept; the thousands between are counted.
  assert.equal(trap.frames.length, 2 * KEPT_FRAMES);
  assert.ok(trap.frames.omitted > 1000, `${trap.frames.omitted} frames omitted`);
  assert.ok(trap.frames.every((e) => e.fn === 'r' && e.pos.line === 2 && e.pos.col === 7));
  assert.equal(t.compiled(fib(t), 10), 55, 'still runs after a stack overflow');
});

test('traps raised by the host inside compiled code get the compiled frames', () => {
  const t = new Tiers({ load: (_p, from, pos) => { throw new Trap('loadFailed', from, pos, 'm.rj:1:1: error'); } });
  const g = t.fn('g', [], 'void', [], [{ op: 'load', path: 'm.rj', point: 0, pos: at(4, 1) }]);
  const h = t.fn('h', [], 'void', [], [call(g, [], -1, 0, at(6, 2))]);
  assert.equal(t.both(h), 't.rj:4:1: trap: load failed\nm.rj:1:1: error\n  at g (t.rj:4:1)\n  at h (t.rj:6:2)');
});

test('two threads: a slot may name code that this thread has not installed yet, or a definition it has not applied yet', () => {
  const a = new Tiers({ threadCount: 2 });
  const f = a.fn('f', [], 'i32', [], [ret(i32(1))]);
  const g = a.fn('g', [], 'i32', ['i32'], [call(f, [], 0, 0), ret(bin('add', 'i32', loc(0), i32(10)))]);
  // Thread 1 runs the same program (the same tables) on the same memory, with its own heap and code table.
  const b = new Baseline(a.program, new Heap(a.heap.memory, 1), { ...a.interp.host, threadId: 1 }, UNSHARED);
  a.commit();
  b.commit();
  assert.equal(a.baseline.call(g, []), 11);
  assert.equal(b.call(g, []), 11, 'thread 1 finds thread 0\'s code ids in the slots and installs them itself');
  // Thread 0 loads a redefinition of f; thread 1's next call runs it.
  a.define(f, [], [ret(i32(2))]);
  a.commit();
  assert.equal(a.baseline.call(g, []), 12);
  assert.equal(b.call(g, []), 12);
});
