import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModule } from '../../src/frontend/parser.js';
import { diffModule } from '../../src/frontend/module-diff.js';

function parse(source: string) {
  const { module, diagnostics } = parseModule(source, 'm.rj');
  assert.deepEqual(diagnostics, []);
  return module;
}

const BASE = `class A { x: i32; fn get(self) -> i32 { return self.x; } }
global g: i32 = 1;
const K: i32 = 2;
fn f(a: i32) -> i32 { return a + 1; }
fn h() { print(1); }
`;

function diff(after: string) {
  const d = diffModule(parse(BASE), parse(after));
  return { items: d.module.items.map((i) => i.name), added: d.added, redefined: d.redefined, removed: d.removed, refused: d.refused.map((r) => `${r.pos.line}:${r.pos.col}: ${r.reason}`) };
}

test('the same text is no change', () => {
  assert.deepEqual(diff(BASE), { items: [], added: [], redefined: [], removed: [], refused: [] });
});

test('a changed function body is a redefinition; a new function is added', () => {
  const after = BASE.replace('return a + 1;', 'return a + 2;') + 'fn n() -> i32 { return 7; }\n';
  assert.deepEqual(diff(after), { items: ['f', 'n'], added: ['n'], redefined: ['f'], removed: [], refused: [] });
});

test('lines added above: functions are redefined (their positions moved), classes and globals are unchanged', () => {
  const d = diff(`// a comment\n${BASE}`);
  assert.deepEqual(d.redefined, ['f', 'h']);
  assert.deepEqual(d.refused, []);
});

test('a changed signature, class, global or const is refused', () => {
  const after = BASE.replace('fn f(a: i32) -> i32', 'fn f(a: i64) -> i32').replace('x: i32;', 'x: i32; y: i32;').replace('g: i32 = 1', 'g: i32 = 5').replace('K: i32 = 2', 'K: i32 = 3');
  assert.deepEqual(diff(after).refused, [
    "1:7: class 'A' changed: a loaded class, its fields and its methods cannot be redefined",
    "2:8: global 'g' changed: a loaded global cannot be redefined",
    "3:7: const 'K' changed: a loaded const cannot be redefined",
    "4:4: the signature of 'f' changed: a redefinition keeps its parameter and result types",
  ]);
});

test('a removed item is listed and stays loaded; a kind change is refused', () => {
  const after = BASE.replace('fn h() { print(1); }\n', '').replace('global g: i32 = 1;', 'fn g() {}');
  const d = diff(after);
  assert.deepEqual(d.removed, ['h']);
  assert.deepEqual(d.refused, ["2:4: 'g' was a global and is now a function"]);
});
