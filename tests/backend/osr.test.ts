//! On-stack replacement: a loop running in the interpreter moves to compiled
//! code at a loop header and finishes the call there. Each program runs
//! interpreted and at `auto` with loops replaced after a few iterations; the
//! printed lines and the result or trap must be the same.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, type HostValue } from '../../src/session/session.js';
import { Trap } from '../../src/core/trap.js';

function outcome(tier: 'interp' | 'auto', source: string, fn: string, args: HostValue[]): { lines: string[]; result: string; compiled: string[] } {
  const lines: string[] = [];
  const s = new Session({ tier, tierUp: { calls: 1000, backEdges: 5 }, print: (l) => lines.push(l) });
  s.load(source, 'osr.rj');
  let result: string;
  try {
    result = String(s.call(fn, ...args));
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    result = e.format();
  }
  return { lines, result, compiled: s.compiledCode().map((c) => c.ir.name) };
}

function same(source: string, fn: string, ...args: HostValue[]): string[] {
  const interp = outcome('interp', source, fn, args);
  const auto = outcome('auto', source, fn, args);
  assert.deepEqual(auto.lines, interp.lines);
  assert.equal(auto.result, interp.result);
  return auto.compiled;
}

const NESTED = `
fn f(n: i32) -> i64 {
  let s: i64 = 0;
  let x = 0.5;
  let seen = false;
  for i in 0..n {
    if i == 3 { continue; }
    let j = 0;
    while j < 100 {
      if j == i * 7 { break; }
      s += i64(j);
      x = x * 1.01;
      j += 1;
    }
    if s > i64(20000) { seen = true; break; }
    if i % 10 == 0 { print(i, s); }
  }
  print(seen, x > 1.0);
  return s;
}
`;

test('nested loops: the inner loop replaced mid-call continues the outer one (continue, break of both)', () => {
  const compiled = same(NESTED, 'f', 40);
  assert.ok(compiled.filter((n) => n === 'f').length >= 2, `f and an entry at a loop: ${compiled.join(' ')}`);
});

test('a loop replaced in a function with objects and arrays, then a trap: the same stack', () => {
  const source = `
class Cell { v: i32; next: Cell; }
fn g(n: i32) -> i32 {
  let head: Cell = null;
  let a = new i32[10];
  for i in 0..n {
    let c = new Cell;
    c.v = i;
    c.next = head;
    head = c;
    a[i % 10] += i;
  }
  let t = 0;
  while head != null { t += head.v; head = head.next; }
  return t + a[n];
}
fn main(n: i32) -> i32 { return g(n) + 1; }
`;
  same(source, 'main', 9);
  same(source, 'main', 30);
});

test('a replaced loop in a function called again and again: each call enters where it stands', () => {
  const source = `
fn count(n: i32) -> i32 {
  let k = 0;
  let i = 0;
  while i < n { if i % 3 == 0 { k += 1; } i += 1; }
  return k;
}
fn many() -> i32 {
  let t = 0;
  for r in 0..20 { t += count(r * 4); }
  return t;
}
`;
  same(source, 'many');
});
