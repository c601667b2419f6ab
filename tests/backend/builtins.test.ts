import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr, PrintArg, Stmt } from '../../src/ir/ir.js';
import { POLL_REQUEST } from '../../src/core/layout.js';
import { at, bin, bool, f64, i32, i64, loc, ret, set } from '../interp/ir.js';
import { hostBuiltins } from '../interp/programs.js';
import { Tiers } from './tiers.js';

const value = (e: Expr): PrintArg => ({ kind: 'value', value: e });
const text = (s: string): PrintArg => ({ kind: 'string', text: s });

/** The lines `body` prints at each tier (which must agree). */
function printed(body: (t: Tiers) => Stmt[], params: Parameters<Tiers['fn']>[1] = [], args: (number | bigint)[] = []): string[] {
  const t = new Tiers();
  const f = t.fn('f', params, 'void', [], body(t));
  t.run(f, ...args);
  const interp = t.out.splice(0);
  t.compiled(f, ...args);
  assert.deepEqual(t.out, interp);
  return interp;
}

test('print: integers, bools, floats as JavaScript writes them, strings, in one line', () => {
  const floats = [0.1, -0, 1e21, 1.5e-7, 123456789.125, NaN, -Infinity, 2 ** 53];
  const lines = printed(() => [
    { op: 'print', args: [text('i32'), value(i32(-2147483648)), text('i64'), value(i64(-(2n ** 63n))), value(bool(true)), value(bool(false))] },
    { op: 'print', args: floats.map((x) => value(f64(x))) },
    { op: 'print', args: [] },
    { op: 'print', args: [text('a "quoted"\\ttext'), text('')] },
    { op: 'print', args: [value(loc(0)), value(loc(1, 'i64')), value(loc(2, 'f64')), value(loc(3, 'bool'))] },
  ], ['i32', 'i64', 'f64', 'bool'], [7, 8n, 9.5, 1]);
  assert.deepEqual(lines, [
    `i32 -2147483648 i64 ${-(2n ** 63n)} true false`,
    floats.map(String).join(' '),
    '',
    'a "quoted"\\ttext ',
    '7 8 9.5 true',
  ]);
});

test('print_fixed: toFixed, with the digits clamped to 0..100', () => {
  const lines = printed(() => [
    { op: 'printFixed', value: f64(3.14159), digits: i32(2), pos: at(1) },
    { op: 'printFixed', value: f64(-0.5), digits: i32(0), pos: at(1) },
    { op: 'printFixed', value: f64(1e21), digits: i32(3), pos: at(1) },
    { op: 'printFixed', value: f64(2.5), digits: i32(-4), pos: at(1) },
    { op: 'printFixed', value: f64(1), digits: i32(1000), pos: at(1) },
  ]);
  assert.deepEqual(lines, ['3.14', '-1', '1e+21', '3', (1).toFixed(100)]);
});

test('a trap in a print argument prints nothing of the line', () => {
  const t = new Tiers();
  const f = t.fn('f', ['i32'], 'void', [], [{ op: 'print', args: [value(i32(1)), value(bin('div', 'i32', i32(1), loc(0), at(2, 2)))] }]);
  assert.match(String(t.both(f, 0)), /^t\.rj:2:2: trap: division by zero/);
  assert.deepEqual(t.out, []);
});

test('assert traps when its condition is false', () => {
  const t = new Tiers();
  const f = t.fn('f', ['bool'], 'i32', [], [{ op: 'assert', cond: loc(0, 'bool'), pos: at(5, 3) }, ret(i32(1))]);
  assert.equal(t.both(f, 1), 1);
  assert.equal(t.both(f, 0), 't.rj:5:3: trap: assertion failed\n  at f (t.rj:5:3)');
});

test('host builtins: thread id and count, barrier, load with the calling file, clock', () => {
  const seen: string[] = [];
  const t = new Tiers({
    threadId: 3,
    threadCount: 4,
    barrier: () => seen.push('barrier'),
    load: (path, from, pos) => seen.push(`load ${path} from ${from} at ${pos.line}:${pos.col}`),
  });
  const f = hostBuiltins(t);
  assert.equal(t.both(f), 34);
  assert.deepEqual(seen, ['barrier', 'load m.rj from dir/main.rj at 2:3', 'barrier', 'load m.rj from dir/main.rj at 2:3']);
  const clock = t.fn('clock', [], 'bool', ['i64', 'i64'], [
    set(0, { op: 'clock', type: 'i64' }),
    set(1, { op: 'clock', type: 'i64' }),
    ret(bin('le', 'i64', loc(0, 'i64'), loc(1, 'i64'))),
  ]);
  assert.equal(t.both(clock), 1);
});

test('polls: a raised poll request calls the safepoint at function entry and in loops', () => {
  let safepoints = 0;
  const t = new Tiers({
    safepoint: () => {
      safepoints++;
      if (safepoints === 3) throw new Error('stop');
    },
  });
  const request = new Int32Array(t.heap.memory.buffer, POLL_REQUEST, 1);
  const spin = t.fn('spin', [], 'void', [], [{ op: 'loop', label: 0, point: 0, body: [] }]);
  request[0] = 1;
  try {
    // Entry, first iteration, second iteration: the safepoint stops the run.
    assert.throws(() => t.compiled(spin), /stop/);
    assert.equal(safepoints, 3);
  } finally {
    request[0] = 0;
  }
});
