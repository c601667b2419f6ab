import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POLL_INTERVAL } from '../../src/backend/function-emitter.js';
import { countedLoop } from '../../src/passes/counted-loop.js';
import type { Expr, FunctionId, Stmt } from '../../src/ir/ir.js';
import { POLL_REQUEST } from '../../src/core/layout.js';
import { Session } from '../../src/session/session.js';
import { bin, block, brk, i32, i64, loc, loop, not, ret, set, when } from '../interp/ir.js';
import { Tiers } from './tiers.js';

type IntType = 'i32' | 'i64';
const int = (type: IntType, v: bigint): Expr => (type === 'i64' ? i64(v) : i32(Number(v)));

/** `for` over locals `i` (the variable) and `end`, in the checker's shape. */
function forLoop(type: IntType, label: number, i: number, end: number, from: Expr, to: Expr, body: Stmt[]): Stmt[] {
  return [
    set(i, from),
    set(end, to),
    loop(label, 0, [when(bin('ge', type, loc(i, type), loc(end, type)), [brk(label)]), ...body, set(i, bin('add', type, loc(i, type), int(type, 1n)))]),
  ];
}

/**
 * hash(from, to): for i in from..to, leaving after `limit` iterations, of
 * h = h * 31 + i (i64, wrapping): the iterations, in order. Locals: from, to,
 * i, end, h, n.
 */
function hashLoop(t: Tiers, type: IntType): (from: bigint, to: bigint) => bigint {
  const h = (): Expr => loc(4, 'i64');
  const widened = type === 'i64' ? loc(2, 'i64') : ({ op: 'convert', type: 'i64', from: 'i32', operand: loc(2), pos: { line: 1, col: 1 } } as Expr);
  const fn = t.fn(`hash_${type}`, [type, type], 'i64', [type, type, 'i64', 'i32'], [
    ...forLoop(type, 0, 2, 3, loc(0, type), loc(1, type), [
      when(bin('eq', 'i32', loc(5), i32(3000)), [brk(0)]),
      set(5, bin('add', 'i32', loc(5), i32(1))),
      set(4, bin('add', 'i64', bin('mul', 'i64', h(), i64(31n)), widened)),
    ]),
    ret(h()),
  ]);
  return (from, to) => {
    const args = type === 'i64' ? [from, to] : [Number(from), Number(to)];
    return t.both(fn, ...args) as bigint;
  };
}

function expectedHash(from: bigint, to: bigint): bigint {
  let h = 0n;
  for (let i = from, n = 0; i < to && n < 3000; i++, n++) h = BigInt.asIntN(64, h * 31n + i);
  return h;
}

/** For each loop of function `name` in `source`, in order: how countedLoop sees it (`up <`, `down >=`, ...), or null. */
function countedLoops(source: string, name: string): (string | null)[] {
  const session = new Session({ print: () => {} });
  session.load(source, 'f.rj');
  const loops: (string | null)[] = [];
  const visit = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      if (s.op === 'loop') {
        const c = countedLoop(s);
        loops.push(c && `${c.direction} ${c.direction === 'up' ? '<' : '>'}${c.inclusive ? '=' : ''}`);
      }
      if (s.op === 'loop' || s.op === 'block') visit(s.body);
      if (s.op === 'if') visit([...s.then, ...s.else]);
    }
  };
  visit(session.functionInfo(name)?.ir?.body ?? []);
  return loops;
}

test("the checker's `for` loops are counted loops, with or without `continue`", () => {
  const loops = countedLoops(`
    fn f(n: i64) -> i64 {
      let s: i64 = 0;
      for i in 0..n { s += i; }
      for i in 0..n { if i == 3 { continue; } for j in 1..i { if j == 2 { break; } s += j; } }
      return s;
    }`, 'f');
  assert.deepEqual(loops, ['up <', 'up <', 'up <']);
});

test('`while` loops that step a variable toward a bound that does not change are counted loops', () => {
  const loops = countedLoops(`
    global g: i32 = 10;
    fn one() -> i32 { return 1; }
    fn f(n: i32, step: i32, a: i32[]) -> i32 {
      let s = 0;
      let i = 0;
      while i < n { s += i; i += 1; }
      while i <= n { s += i; i = i + step; }
      while i < a.length { a[i] = 0; i += step; }
      while i > 0 { s += i; i -= 3; }
      while -5 <= i { i -= step; }
      while n > i { i = step + i; }
      // Not counted: continue skips the step; the body writes the bound, the step or the variable;
      // a constant step that does not move toward the bound; the step is not last; a bound that may change.
      while i < n { if i == 3 { i += 1; continue; } i += 1; }
      while i < n { n -= 1; i += 1; }
      while i < n { step = one(); i += step; }
      while i < n { i += 1; i += 1; }
      while i < a.length { a = new i32[3]; i += 1; }
      while i < n { i += 0; }
      while i < n { i -= 1; }
      while i > n { i += 1; }
      while i < n { i = i * 2; }
      while i < n { i += i; }
      while i < n { i += 1; s += 1; }
      while i < g { i += 1; }
      while i < n && s > 0 { i += 1; }
      return s;
    }`, 'f');
  assert.deepEqual(loops, ['up <', 'up <=', 'up <', 'down >', 'down >=', 'up <', ...Array(13).fill(null)]);
});

test('counted loops run every iteration, in chunks of any length, up to the ends of i32 and i64', () => {
  const t = new Tiers();
  const edges: Record<IntType, bigint> = { i32: 2n ** 31n, i64: 2n ** 63n };
  for (const type of ['i32', 'i64'] as const) {
    const hash = hashLoop(t, type);
    const [min, max] = [-edges[type], edges[type] - 1n];
    const ranges: [bigint, bigint][] = [
      [0n, 0n], [5n, 3n], [0n, 1n],
      [0n, 1023n], [0n, 1024n], [0n, 1025n], [7n, 2048n + 7n], [-1500n, 1500n],
      [max - 2500n, max], [max - 1n, max], [min, min + 2500n], [min, min + 3n],
      // Leaves after 3000 iterations: `end - i` is far above the chunk length.
      [min, max], [-1n, max], [min, 0n],
    ];
    for (const [from, to] of ranges) assert.equal(hash(from, to), expectedHash(from, to), `${type} ${from}..${to}`);
  }
});

/**
 * `while` loops of each direction and test, in i32 and i64, with the stride
 * a parameter (`up_lt_i32`) or the constant 3 (`up_lt_i32_by3`, which
 * ignores its parameter): each hashes the values the variable takes, leaving
 * after `limit` iterations, and returns the hash, the variable's last value
 * and the number of iterations.
 */
const WHILE_LOOPS = (['i32', 'i64'] as const).flatMap((t) => [['up_lt', 'i < bound', '+'], ['up_le', 'i <= bound', '+'], ['down_gt', 'bound < i', '-'], ['down_ge', 'i >= bound', '-']].flatMap(([name, test, step]) => [['', 'stride'], ['_by3', '3']].map(([suffix, stride]) => `
  fn ${name}_${t}${suffix}(from: ${t}, bound: ${t}, stride: ${t}, limit: i32) -> i64 {
    let h: i64 = 0;
    let n = 0;
    let i = from;
    while ${test} {
      if n == limit { break; }
      n += 1;
      h = h * 31 + i64(i);
      i ${step}= ${stride};
    }
    return h * 7 + i64(i) + i64(n) * 1000003;
  }`))).join('\n');

/** What WHILE_LOOPS compute, in JavaScript. */
function whileModel(name: string, bits: 32 | 64, from: bigint, bound: bigint, stride: bigint, limit: number): bigint {
  const wrap = (x: bigint): bigint => BigInt.asIntN(bits, x);
  const goesOn: Record<string, (i: bigint) => boolean> = { up_lt: (i) => i < bound, up_le: (i) => i <= bound, down_gt: (i) => i > bound, down_ge: (i) => i >= bound };
  const step = name.startsWith('up') ? stride : -stride;
  let [h, n, i] = [0n, 0, from];
  while (goesOn[name]?.(i) && n !== limit) {
    n++;
    h = BigInt.asIntN(64, h * 31n + i);
    i = wrap(i + step);
  }
  return BigInt.asIntN(64, h * 7n + i + BigInt(n) * 1000003n);
}

test('counted `while` loops run exactly the iterations they would run polled: wraparound, any stride, break', () => {
  const sessions = (['interp', 'baseline'] as const).map((tier) => new Session({ tier, print: () => {} }));
  for (const s of sessions) s.load(WHILE_LOOPS, 'w.rj');
  const edges = { 32: 2n ** 31n, 64: 2n ** 63n };
  for (const bits of [32, 64] as const) {
    const [min, max] = [-edges[bits], edges[bits] - 1n];
    const values = [min, min + 1n, min + 5n, -3000n, -1n, 0n, 1n, 1024n, 1025n, 5000n, max - 5000n, max - 1025n, max - 3n, max - 1n, max];
    // Zero and negative strides never end by the test; 3000 iterations end them.
    const strides = [1n, 2n, 3n, 1000n, 2n ** 20n, 2n ** 30n, max, 0n, -1n, -5n, min];
    for (const name of ['up_lt', 'up_le', 'down_gt', 'down_ge']) {
      for (const [suffix, strideList] of [['', strides], ['_by3', [3n]]] as const) {
        const fn = `${name}_i${bits}${suffix}`;
        for (const from of values) for (const bound of values) for (const stride of strideList) {
          const expected = whileModel(name, bits, from, bound, stride, 3000);
          const args = bits === 64 ? [from, bound, stride] : [Number(from), Number(bound), Number(stride)];
          for (const s of sessions) assert.equal(s.call(fn, ...args, 3000), expected, `${fn}(${from}, ${bound}, ${stride})`);
        }
      }
    }
  }
});

test('break and continue keep their meaning in counted loops, and loops that are not counted still run', () => {
  const t = new Tiers();
  // for i in 0..n { continue when i % 7 == 0; break when i == 4000; s += i }; locals n, i, end, s.
  const skip = t.fn('skip', ['i32'], 'i32', ['i32', 'i32', 'i32'], [
    ...forLoop('i32', 0, 1, 2, i32(0), loc(0), [
      block(1, [
        when(bin('eq', 'i32', bin('rem', 'i32', loc(1), i32(7)), i32(0)), [brk(1)]),
        when(bin('eq', 'i32', loc(1), i32(4000)), [brk(0)]),
        set(3, bin('add', 'i32', loc(3), loc(1))),
      ]),
    ]),
    ret(loc(3)),
  ]);
  const sum = (n: number): number => {
    let s = 0;
    for (let i = 0; i < Math.min(n, 4000); i++) if (i % 7 !== 0) s += i;
    return s;
  };
  for (const n of [0, 10, 1024, 3000, 5000]) assert.equal(t.both(skip, n), sum(n));
  // The same shape, but the body steps i once more, or moves the end: a countdown loop, not strip-mined.
  const stepsTwice = t.fn('stepsTwice', ['i32'], 'i32', ['i32', 'i32', 'i32'], [
    ...forLoop('i32', 0, 1, 2, i32(0), loc(0), [set(3, bin('add', 'i32', loc(3), i32(1))), set(1, bin('add', 'i32', loc(1), i32(1)))]),
    ret(loc(3)),
  ]);
  assert.equal(t.both(stepsTwice, 5001), 2501);
  const shrinks = t.fn('shrinks', ['i32'], 'i32', ['i32', 'i32', 'i32'], [
    ...forLoop('i32', 0, 1, 2, i32(0), loc(0), [set(3, bin('add', 'i32', loc(3), i32(1))), set(2, bin('sub', 'i32', loc(2), i32(1)))]),
    ret(loc(3)),
  ]);
  assert.equal(t.both(shrinks, 5001), 2501);
});

/**
 * while i < bound { if n == limit { break } n += 1; s += i; i += step }; returns s.
 * Locals: i, bound, stride, limit, n, s; `step` is the local stride or a constant.
 */
function whileLoop(t: Tiers, name: string, step: Expr = loc(2)): FunctionId {
  return t.fn(name, ['i32', 'i32', 'i32', 'i32'], 'i32', ['i32', 'i32'], [
    loop(0, 0, [
      when(not(bin('lt', 'i32', loc(0), loc(1))), [brk(0)]),
      when(bin('eq', 'i32', loc(4), loc(3)), [brk(0)]),
      set(4, bin('add', 'i32', loc(4), i32(1))),
      set(5, bin('add', 'i32', loc(5), loc(0))),
      set(0, bin('add', 'i32', loc(0), step)),
    ]),
    ret(loc(5)),
  ]);
}

test('polls: a raised request reaches the safepoint at least every POLL_INTERVAL iterations of any loop', () => {
  let safepoints = 0;
  const t = new Tiers({ safepoint: () => void safepoints++ });
  const n = 5 * POLL_INTERVAL + 3;
  const max = 2 ** 31 - 1;
  const counted = t.fn('counted', ['i32'], 'i32', ['i32', 'i32', 'i32'], [
    ...forLoop('i32', 0, 1, 2, i32(0), loc(0), [set(3, bin('add', 'i32', loc(3), loc(1)))]),
    ret(loc(3)),
  ]);
  const countedWhile = whileLoop(t, 'countedWhile');
  const byTwo = whileLoop(t, 'byTwo', i32(2));
  // Nested: the inner counted loop of 3 iterations, entered n times.
  const nested = t.fn('nested', ['i32'], 'i32', ['i32', 'i32', 'i32', 'i32', 'i32'], [
    ...forLoop('i32', 0, 1, 2, i32(0), loc(0), forLoop('i32', 1, 3, 4, i32(0), i32(3), [set(5, bin('add', 'i32', loc(5), i32(1)))])),
    ret(loc(5)),
  ]);
  const sum = (from: number, stride: number): number => {
    let s = 0;
    for (let k = 0, i = from; k < n; k++, i = (i + stride) | 0) s = (s + i) | 0;
    return s;
  };
  const runs: [FunctionId, number[], number][] = [
    [counted, [n], (n * (n - 1)) / 2],
    [countedWhile, [0, n, 1, -1], (n * (n - 1)) / 2],
    [nested, [n], 3 * n],
    // Loops that the limit ends: past MAX the variable wraps around and stays below the bound; a stride that does not move it.
    [countedWhile, [max - 11, max, 2, n], sum(max - 11, 2)],
    [byTwo, [max - 11, max, 0, n], sum(max - 11, 2)],
    [countedWhile, [0, 10, 0, n], 0],
    [countedWhile, [0, 10, -3, n], sum(0, -3)],
  ];
  const request = new Int32Array(t.heap.memory.buffer, POLL_REQUEST, 1);
  for (const [fn, args, result] of runs) {
    t.commit();
    request[0] = 1;
    try {
      safepoints = 0;
      assert.equal(t.compiled(fn, ...args), result);
      const iterations = fn === nested ? 4 * n : n;
      assert.ok(safepoints >= iterations / POLL_INTERVAL, `${t.program.functionInfo(fn).name}(${args}): ${safepoints} safepoints in ${iterations} iterations`);
    } finally {
      request[0] = 0;
    }
  }
});
