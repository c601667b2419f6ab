//! `rejit dump --opt`: the optimized version of each function, with its IR
//! after the passes, how each call runs, its deopt points with the frames
//! and live locals they rebuild, and what it depends on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'rejit-dump-'));
const FILE = join(dir, 'inl.rj');
writeFileSync(FILE, `class A { fn m(self) -> i32 { return 1; } }
class B extends A { fn m(self) -> i32 { return 2; } }
fn h(x: i32) -> i32 { let y = x * 2; print(y); return y + 1; }
fn g(a: A, x: i32) -> i32 { return a.m() + h(x); }
fn f(x: i32) -> i32 { let a = new B; return g(a, x) + 5; }
fn leaf(x: i32) -> i32 { return x * x; }
fn main() { print(f(3)); }
`);

function dump(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/rejit', 'dump', FILE, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('dump --opt --function f: the IR with its depth parameter, inlined calls, two-frame deopt points and the definitions it assumes', () => {
  const r = dump('--opt', '--function', 'f');
  assert.equal(r.status, 0, r.stderr);
  const text = r.stdout;
  assert.match(text, /^; optimized version \d+ of f: \d+ wasm bytes\nfn f\(x:0: i32, depth:1: i32\) -> i32/);
  assert.match(text, /\n; calls\n {2}@0 \(.*inl\.rj:5:45\): inline g\n {4}@0 \(.*inl\.rj:4:37\): A -> leaf A\.m \| B -> leaf B\.m\n {4}@1 \(.*inl\.rj:4:44\): inline h\n/);
  assert.match(text, /\n {2}exit 0: validity check, 1 frame\n {4}f entry \(.*inl\.rj:5:4\) live: x:0\n/);
  // f continues with g's result in $t2: nothing of f's own is read after the call.
  assert.match(text, /\n {2}exit \d+: validity check, 2 frames\n {4}f @0 \(.*inl\.rj:5:45\) live: -\n {4}g @\d \(.*inl\.rj:4:\d+\) live: /);
  assert.match(text, /\n; depends on\n {2}definition of g is code \d+\n {2}definition of h is code \d+\n$/);
  assert.doesNotMatch(text, /of leaf/, 'only the function asked for');
});

test('dump --opt: a function that assumes nothing says so', () => {
  const r = dump('--opt', '--function', 'leaf');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\n; calls: none\n; deopt points: none \(the version assumes nothing\)\n; depends on: nothing\n$/);
});

test('dump needs --ir, --wat or --opt', () => {
  const r = dump();
  assert.equal(r.status, 64);
  assert.match(r.stderr, /'dump' needs --ir, --wat or --opt/);
});
