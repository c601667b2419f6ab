import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledCallee } from '../../src/tiering/compiled-callee.js';
import type { FunctionId } from '../../src/ir/ir.js';
import { CodeChannels, createThreadPorts } from '../../src/core/code-channels.js';
import { SharedCode, type CodeSharing } from '../../src/core/code-sharing.js';
import { Heap, createMemory } from '../../src/core/heap.js';
import { Tiering } from '../../src/tiering/tiering.js';
import { arrT, at, bin, call, classT, conv, f64, forLoop, getE, i32, i64, loc, newArr, newObj, ret, set, setE, setF, trapOf, vcall, when } from '../interp/ir.js';
import { fib, shapes } from '../interp/programs.js';
import { KEPT_FRAMES } from '../../src/core/trap.js';
import { Mixed, outcome } from './tiers.js';

/** f0(x) = f1(x) + 1 = ... = f3(x) + 3, and f3(x) = 100 / x: a trap under four frames. */
function chain(t: Mixed): FunctionId[] {
  const f3 = t.fn('f3', ['i32'], 'i32', [], [ret(bin('div', 'i32', i32(100), loc(0), at(4, 12)))]);
  const link = (name: string, callee: FunctionId, line: number): FunctionId =>
    t.fn(name, ['i32'], 'i32', ['i32'], [call(callee, [loc(0)], 1, 0, at(line, 5)), ret(bin('add', 'i32', loc(1), i32(1)))]);
  const f2 = link('f2', f3, 3);
  const f1 = link('f1', f2, 2);
  return [link('f0', f1, 1), f1, f2, f3];
}

test('every mix of interpreted and compiled frames gives the interpreter\'s results and trap stacks', () => {
  const reference = new Mixed();
  const [f0] = chain(reference);
  const results = [outcome(() => reference.run(f0 as FunctionId, 5)), outcome(() => reference.run(f0 as FunctionId, 0))];
  assert.equal(results[0], 23);
  assert.equal(results[1], 't.rj:4:12: trap: division by zero\n  at f3 (t.rj:4:12)\n  at f2 (t.rj:3:5)\n  at f1 (t.rj:2:5)\n  at f0 (t.rj:1:5)');
  for (let mask = 1; mask < 16; mask++) {
    const t = new Mixed();
    const fns = chain(t);
    const hot = fns.filter((_, i) => (mask & (1 << i)) !== 0);
    t.hot(...hot);
    const mix = fns.map((fn) => (hot.includes(fn) ? 'C' : 'I')).join('');
    assert.deepEqual([outcome(() => t.mixed(fns[0] as FunctionId, 5)), outcome(() => t.mixed(fns[0] as FunctionId, 0))], results, `f0..f3 = ${mix}`);
    assert.equal(t.mixed(fns[0] as FunctionId, 1), 103, `${mix}: still runs after a trap`);
  }
});

test('values of every type cross both ways, and virtual calls dispatch from either tier to either tier', () => {
  const A = arrT('f64');
  const build = (t: Mixed) => {
    const mix = t.fn('mix', ['i32', 'i64', 'f64', 'bool', A], 'f64', [], [
      ret(bin('add', 'f64', bin('mul', 'f64', loc(2, 'f64'), conv('f64', 'i64', loc(1, 'i64'))), bin('add', 'f64', conv('f64', 'i32', bin('add', 'i32', loc(0), loc(3, 'bool'))), getE('f64', loc(4, A), i32(0))))),
    ]);
    const wide = t.fn('wide', ['i64'], 'i64', [], [ret(bin('mul', 'i64', loc(0, 'i64'), i64(3n)))]);
    const array = t.fn('array', [], A, [A], [set(0, newArr('f64', i32(1))), setE(loc(0, A), i32(0), f64(0.25)), ret(loc(0, A))]);
    const caller = t.fn('caller', [], 'f64', ['f64', A, 'i64'], [
      call(array, [], 1, 0),
      call(mix, [i32(10), i64(-(2n ** 40n)), f64(0.5), { op: 'const', type: 'bool', value: true }, loc(1, A)], 0, 1),
      call(wide, [i64(2n ** 61n)], 2, 2),
      ret(bin('add', 'f64', loc(0, 'f64'), conv('f64', 'i64', bin('shr', 'i64', loc(2, 'i64'), i64(60n))))),
    ]);
    return { mix, wide, array, caller };
  };
  const expected = 0.5 * -(2 ** 40) + 11 + 0.25 + Number(BigInt.asIntN(64, 3n * 2n ** 61n) >> 60n);
  for (const hot of [['caller'], ['mix', 'wide', 'array']]) {
    const t = new Mixed();
    const fns = build(t);
    t.hot(...hot.map((name) => fns[name as keyof typeof fns]));
    assert.equal(t.mixed(fns.caller), expected, `compiled: ${hot.join(' ')}`);
  }
  // Shapes: twice() calls area() virtually; each of them compiled or not.
  for (const hot of [['Shape.twice'], ['Square.area', 'Circle.area'], []]) {
    const t = new Mixed();
    const s = shapes(t);
    const Sq = classT(s.Square);
    const make = t.fn('make', [], Sq, [Sq], [set(0, newObj(s.Square)), setF(loc(0, Sq), t.field(s.Square, 'side'), f64(3)), ret(loc(0, Sq))]);
    const run = t.fn('run', [], 'f64', [Sq, 'f64'], [call(make, [], 0, 0), vcall(s.Shape, 'twice', [loc(0, Sq)], 1, 1), ret(loc(1, 'f64'))]);
    t.hot(...hot.map((name) => t.program.functions.find((f) => f.name === name)!.id));
    assert.equal(t.mixed(run), 18, `compiled: ${hot.join(' ') || 'none'}`);
  }
});

test('a stack overflow through interpreted and compiled frames traps at a recursive call', () => {
  // g(n) = h(n + 1) (call at 1:5), compiled; h(n) = g(n + 1) (call at 2:5), interpreted.
  const t = new Mixed();
  const g = t.declare('g', ['i64'], 'i64');
  const h = t.declare('h', ['i64'], 'i64');
  t.define(g, ['i64', 'i64'], [call(h, [bin('add', 'i64', loc(0, 'i64'), i64(1n))], 1, 0, at(1, 5)), ret(loc(1, 'i64'))]);
  t.define(h, ['i64', 'i64'], [call(g, [bin('add', 'i64', loc(0, 'i64'), i64(1n))], 1, 0, at(2, 5)), ret(loc(1, 'i64'))]);
  t.hot(g);
  const trap = trapOf(() => t.mixed(g, 0n));
  assert.equal(trap.kind, 'stackOverflow');
  const where = (e: { fn: string; pos: { line: number; col: number } }): string => `${e.fn}@${e.pos.line}:${e.pos.col}`;
  const names = trap.frames.map(where);
  // The first and last KEPT_FRAMES are kept, the thousands between counted.
  assert.equal(names.length, 2 * KEPT_FRAMES);
  assert.ok(trap.frames.omitted > 1000, `${trap.frames.omitted} frames omitted`);
  assert.ok(names.every((n) => n === 'g@1:5' || n === 'h@2:5'), 'every frame stands at its recursive call');
  assert.ok(names.every((n, i) => i === 0 || i === KEPT_FRAMES || n !== names[i - 1]), 'g and h alternate: no frame is lost or doubled where the tiers meet');
  assert.equal(`${trap.pos.line}:${trap.pos.col}`, names[0]!.slice(2), 'the trap is at the innermost call');
  assert.equal(names[names.length - 1], 'g@1:5');
  assert.equal(t.mixed(fib(t), 15), 610, 'still runs after a stack overflow');
});

test('a redefinition while an interpreted frame calls compiled code, and while a compiled frame calls interpreted code', () => {
  // f() = g(0) * 10 + g(1); g(0) loads a module that redefines f (99) and g (5). The running
  // f finishes with its old body (a = 1, from the old g that made the load), and its next call
  // of g runs the new g: 15. The next call of f runs the new f: 99.
  for (const compiled of ['g', 'f']) {
    const t: Mixed = new Mixed({
      load: () => {
        t.define(g, ['i32'], [ret(i32(5))]);
        t.define(f, ['i32', 'i32'], [ret(i32(99))]);
        t.commit();
      },
    });
    const g = t.fn('g', ['i32'], 'i32', [], [when(bin('eq', 'i32', loc(0), i32(0)), [{ op: 'load', path: 'new.rj', point: 0, pos: at(1) }]), ret(i32(1))]);
    const f = t.fn('f', [], 'i32', ['i32', 'i32'], [call(g, [i32(0)], 0, 0), call(g, [i32(1)], 1, 1), ret(bin('add', 'i32', bin('mul', 'i32', loc(0), i32(10)), loc(1)))]);
    t.hot(compiled === 'g' ? g : f);
    assert.equal(t.mixed(f), 15, `${compiled} compiled`);
    assert.equal(t.mixed(f), 99, `${compiled} compiled`);
    assert.deepEqual(t.compiledNames(), [compiled], 'new versions start cold, in the interpreter');
  }
});

test('a function is compiled once hot: after the call threshold, or the back-edge threshold, for its next call', () => {
  const t = new Mixed({}, { calls: 3, backEdges: 100 });
  const f = t.fn('f', ['i32'], 'i32', [], [ret(bin('add', 'i32', loc(0), i32(1)))]);
  assert.equal(t.mixed(f, 1), 2);
  assert.equal(t.mixed(f, 2), 3);
  assert.deepEqual(t.compiledNames(), []);
  assert.equal(t.mixed(f, 3), 4);
  assert.deepEqual(t.compiledNames(), ['f'], 'hot at its third call');
  // spin(n): n iterations. 50 of them leave it cold; 200 make it hot during the call, which finishes compiled
  // from its loop's header after 100 iterations (on-stack replacement).
  const spin = t.fn('spin', ['i32'], 'i32', ['i32', 'i32', 'i32'], [...forLoop(0, 0, 2, 3, i32(0), loc(0), [set(1, bin('add', 'i32', loc(1), loc(2)))]), ret(loc(1))]);
  const ir = t.program.functionInfo(spin).ir!;
  assert.equal(t.mixed(spin, 50), 1225);
  assert.deepEqual(t.compiledNames(), ['f']);
  assert.equal(t.mixed(spin, 200), 19900);
  assert.deepEqual(t.compiledNames(), ['f', 'spin', 'spin'], 'hot in its loop: compiled, and its entry at the loop');
  const entry = t.tiering.baseline.codeVersions()[2]!;
  assert.equal(entry.ir, ir, 'the entry continues that version: its frames read as its own');
  assert.ok(t.tiering.interpreter.calleeFor(ir) instanceof CompiledCallee, 'its next call runs compiled code');
  assert.equal(t.mixed(spin, 10), 45);
});

test('compiled code calls a cold function through a bridge until it is hot, then directly', () => {
  const t = new Mixed({}, { calls: 5, backEdges: 10_000 });
  // 2x by a loop: a body without one would be inlined rather than called.
  const leaf = t.fn('leaf', ['i32'], 'i32', ['i32', 'i32', 'i32'], [
    ...forLoop(0, 0, 2, 3, i32(0), loc(0), [set(1, bin('add', 'i32', loc(1), i32(2)))]),
    ret(loc(1)),
  ]);
  // caller(n) = the sum of leaf(i) for i < n.
  const caller = t.fn('caller', ['i32'], 'i32', ['i32', 'i32', 'i32', 'i32'], [
    ...forLoop(0, 0, 2, 3, i32(0), loc(0), [call(leaf, [loc(2)], 4, 1), set(1, bin('add', 'i32', loc(1), loc(4)))]),
    ret(loc(1)),
  ]);
  t.hot(caller);
  assert.equal(t.mixed(caller, 3), 6);
  assert.deepEqual(t.compiledNames(), ['caller'], 'leaf ran in the interpreter, through its bridge');
  assert.equal(t.mixed(caller, 4), 12);
  assert.deepEqual(t.compiledNames(), ['caller', 'leaf'], 'leaf became hot at its fifth call');
  assert.equal(t.mixed(caller, 4), 12);
  assert.deepEqual(t.compiledNames(), ['caller', 'leaf', 'caller'], 'caller was linked again, to call leaf\'s code directly');
  const [first, , relinked] = t.tiering.baseline.codeVersions();
  assert.equal(relinked?.relinkOf, first?.id, 'the same module, instantiated again');
});

/** Code sharing between two threads driven from one JavaScript thread, counting how often each version is compiled. */
function sharedPair(): { sharing: CodeSharing[]; compiles: Map<number, number>; close: () => void } {
  const memory = createMemory();
  const ports = createThreadPorts(2);
  const compiles = new Map<number, number>();
  const sharing = ports.map((p): CodeSharing => {
    const shared = new SharedCode(memory.buffer, new CodeChannels(p), (wait) => wait(), () => {});
    return {
      acquire: (id) => shared.acquire(id),
      publish: (id, code) => {
        compiles.set(id, (compiles.get(id) ?? 0) + 1);
        shared.publish(id, code);
      },
      abandon: (id) => shared.abandon(id),
      discardFreed: () => shared.discardFreed(),
    };
  });
  return { sharing, compiles, close: () => ports.flatMap((p) => [...p.inbox, ...p.outbox]).forEach((p) => p?.close()) };
}

test('two threads decide for themselves and still compile each version once; a redefinition reaches both tiers of both', () => {
  const { sharing, compiles, close } = sharedPair();
  const a = new Mixed({ threadCount: 2 }, { calls: 3, backEdges: 10_000 }, sharing[0]);
  const b = new Tiering(a.program, new Heap(a.heap.memory, 1), { ...a.interp.host, threadId: 1 }, sharing[1]!, { thresholds: { calls: 3, backEdges: 10_000 }, optimizing: 'never' });
  const f = a.fn('f', [], 'i32', [], [ret(i32(1))]);
  const g = a.fn('g', [], 'i32', ['i32'], [call(f, [], 0, 0), ret(bin('add', 'i32', loc(0), i32(10)))]);
  a.commit();
  b.baseline.commit();
  for (let i = 0; i < 3; i++) assert.equal(a.mixed(g), 11);
  assert.deepEqual(a.compiledNames().sort(), ['f', 'g'], 'thread 0: both hot');
  assert.equal(b.call(g, []), 11);
  assert.deepEqual(b.baseline.codeVersions().map((c) => c.ir.name), [], 'thread 1: still cold, interpreted');
  for (let i = 0; i < 3; i++) assert.equal(b.call(g, []), 11);
  assert.deepEqual(b.baseline.codeVersions().map((c) => c.ir.name).sort(), ['f', 'g'], 'thread 1: hot, and installed');
  assert.ok([...compiles.values()].every((n) => n === 1), `compiled once each: ${[...compiles].join(' ')}`);
  // Thread 0 redefines f: both threads' next calls, compiled g's and the interpreter's, run the new f.
  a.define(f, [], [ret(i32(2))]);
  a.commit();
  assert.equal(a.mixed(g), 12);
  assert.equal(b.call(g, []), 12);
  assert.equal(b.call(f, []), 2);
  close();
});
