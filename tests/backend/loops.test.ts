import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POLL_INTERVAL } from '../../src/backend/function-emitter.js';
import { countedLoop } from '../../src/ir/counted-loop.js';
import type { Expr, Stmt } from '../../src/ir/ir.js';
import { POLL_REQUEST } from '../../src/runtime/layout.js';
import { Session } from '../../src/runtime/session.js';
import { bin, block, brk, i32, i64, loc, loop, ret, set, when } from '../interp/ir.js';
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

test("the checker's `for` loops are counted loops, with or without `continue`; `while` loops are not", () => {
  const session = new Session();
  session.load(`
    fn f(n: i64) -> i64 {
      let s: i64 = 0;
      for i in 0..n { s += i; }
      for i in 0..n { if i == 3 { continue; } for j in 1..i { if j == 2 { break; } s += j; } }
      let k = 0;
      while k < 10 { k += 1; }
      return s;
    }`, 'f.rj');
  const loops: boolean[] = [];
  const visit = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      if (s.op === 'loop') loops.push(countedLoop(s) !== null);
      if (s.op === 'loop' || s.op === 'block') visit(s.body);
      if (s.op === 'if') visit([...s.then, ...s.else]);
    }
  };
  visit(session.functionInfo('f')?.ir?.body ?? []);
  assert.deepEqual(loops, [true, true, true, false]);
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

test('polls: a raised request reaches the safepoint at least every POLL_INTERVAL iterations of any loop', () => {
  let safepoints = 0;
  const t = new Tiers({ safepoint: () => void safepoints++ });
  const n = 5 * POLL_INTERVAL + 3;
  const counted = t.fn('counted', ['i32'], 'i32', ['i32', 'i32', 'i32'], [
    ...forLoop('i32', 0, 1, 2, i32(0), loc(0), [set(3, bin('add', 'i32', loc(3), loc(1)))]),
    ret(loc(3)),
  ]);
  const uncounted = t.fn('uncounted', ['i32'], 'i32', ['i32', 'i32'], [
    loop(0, 0, [when(bin('ge', 'i32', loc(1), loc(0)), [brk(0)]), set(2, bin('add', 'i32', loc(2), loc(1))), set(1, bin('add', 'i32', loc(1), i32(1)))]),
    ret(loc(2)),
  ]);
  // Nested: the inner counted loop of 3 iterations, entered n times.
  const nested = t.fn('nested', ['i32'], 'i32', ['i32', 'i32', 'i32', 'i32', 'i32'], [
    ...forLoop('i32', 0, 1, 2, i32(0), loc(0), forLoop('i32', 1, 3, 4, i32(0), i32(3), [set(5, bin('add', 'i32', loc(5), i32(1)))])),
    ret(loc(5)),
  ]);
  const request = new Int32Array(t.heap.memory.buffer, POLL_REQUEST, 1);
  for (const [fn, result, iterations] of [[counted, (n * (n - 1)) / 2, n], [uncounted, (n * (n - 1)) / 2, n], [nested, 3 * n, 4 * n]] as const) {
    t.commit();
    request[0] = 1;
    try {
      safepoints = 0;
      assert.equal(t.compiled(fn, n), result);
      assert.ok(safepoints >= iterations / POLL_INTERVAL, `${t.program.functionInfo(fn).name}: ${safepoints} safepoints in ${iterations} iterations`);
    } finally {
      request[0] = 0;
    }
  }
});
