import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModule } from '../../src/frontend/parser.js';
import { checkModule } from '../../src/frontend/check-module.js';
import { printFunction } from '../../src/ir/printer.js';
import { Program } from '../../src/core/program.js';
import { Session } from '../../src/session/session.js';

function check(source: string, program = new Program()) {
  const { module, diagnostics } = parseModule(source, 't.rj');
  assert.deepEqual(diagnostics, [], 'parse errors');
  return checkModule(module, program);
}

function errors(source: string): string[] {
  return check(source).diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`);
}

/** The IR of function `name` after loading `source` into a session, printed with the session's names. */
function ir(source: string, name: string): string {
  const session = new Session({ print: () => {} });
  session.load(source, 't.rj');
  const fn = session.functionInfo(name);
  assert.ok(fn?.ir, `no body for ${name}`);
  return printFunction(fn.ir, session.program);
}

test('integer literals take the type of their context', () => {
  assert.deepEqual(errors('fn f(x: i64) -> i64 { let y: i64 = 5; return x + 1 + y * 3000000000; }'), []);
  assert.deepEqual(errors('fn f() -> i32 { return -2147483648; }'), []);
  assert.deepEqual(errors('fn f() -> i32 { return 2147483648; }'), ['1:24: integer literal 2147483648 does not fit in i32']);
  assert.deepEqual(errors('fn f() -> i64 { let x = 3000000000; return x; }'), []);
  assert.match(errors('fn f() -> f64 { return 1; }')[0] ?? '', /expected f64, found i32/);
});

test('no implicit numeric conversions', () => {
  assert.match(errors('fn f(a: i32, b: i64) -> i64 { return a + b; }')[0] ?? '', /different types: i32 and i64/);
  assert.deepEqual(errors('fn f(a: i32, b: i64) -> i64 { return i64(a) + b; }'), []);
});

test('a call inside an expression is hoisted, and earlier operands are spilled first', () => {
  const text = ir(`
    global g: i32 = 1;
    fn bump() -> i32 { g = g + 1; return 10; }
    fn f() -> i32 { return g + bump(); }`, 'f');
  // g is read into a temporary before bump() runs, keeping left-to-right order.
  assert.match(text, /\$t\d+:\d+ = global g\n\s+@0 \$t\d+:\d+ = call bump\(\)/);
});

test('short-circuit with a call on the right becomes an if', () => {
  const text = ir(`
    fn t() -> bool { return true; }
    fn f(a: bool) -> bool { return a && t(); }`, 'f');
  assert.match(text, /if \$t/);
  assert.match(text, /call t\(\)/);
});

test('every call and loop header is a numbered program point', () => {
  const text = ir(`
    fn g(x: i32) -> i32 { return x; }
    fn f(n: i32) -> i32 {
      let s = 0;
      for i in 0..n { s += g(i); }
      while s > 100 { s = g(s - 1); }
      return s;
    }`, 'f');
  assert.match(text, /4 points/);
  assert.match(text, /loop L\d+ @0/);
  assert.match(text, /@1 \$t\d+:\d+ = call g/);
});

test('continue in a for loop still steps the variable', () => {
  const text = ir('fn f() { for i in 0..10 { if i == 3 { continue; } print(i); } }', 'f');
  assert.match(text, /block L\d+/);
  assert.match(text, /end\n\s+\$i:\d+ = \(add\.i32/);
});

test('classes: fields inherited at fixed offsets, methods in vtable slots', () => {
  const { delta, diagnostics } = check(`
    class A { x: i32; y: f64; fn m(self) -> i32 { return self.x; } fn n(self) {} }
    class B extends A { z: i64; fn m(self) -> i32 { return 2; } }`);
  assert.deepEqual(diagnostics, []);
  const [a, b] = delta!.classes;
  assert.deepEqual(a!.fields.map((f) => [f.name, f.offset]), [['x', 8], ['y', 16]]);
  assert.deepEqual(b!.fields.map((f) => [f.name, f.offset]), [['x', 8], ['y', 16], ['z', 24]]);
  assert.equal(b!.size, 32);
  assert.equal(b!.methods.get('m')!.slot, a!.methods.get('m')!.slot);
  assert.notEqual(b!.vtable[0], a!.vtable[0]);
  assert.equal(b!.vtable[1], a!.vtable[1]);
  assert.deepEqual(b!.ancestors, [a!.id, b!.id]);
});

test('class errors', () => {
  assert.deepEqual(errors('class A { x: i32; } class B extends A { x: i32; }'), ["1:41: field 'x' is already defined in a superclass"]);
  assert.deepEqual(errors('class A { fn m(self) -> i32; } class B extends A { fn m(self) -> i64 { return 1; } }'),
    ["1:55: method 'm' must have the same parameter and return types as the method it overrides"]);
  assert.deepEqual(errors('class A extends B {} class B extends A {}'), ["1:7: class 'A' inherits from itself"]);
});

test('statement errors', () => {
  assert.deepEqual(errors('fn f() { break; }'), ["1:10: 'break' outside a loop"]);
  assert.deepEqual(errors('fn f() { for i in 0..3 { i = 2; } }'), ["1:26: cannot assign to 'for' variable 'i'"]);
  assert.deepEqual(errors('fn f() { let a = 1; let a = 2; }'), ["1:25: 'a' is already declared in this block"]);
  assert.deepEqual(errors('fn f() -> i32 { if true { return 1; } }'), ["1:4: function 'f' must return a value on every path"]);
  assert.deepEqual(errors('fn f() -> i32 { while true { } }'), []);
  assert.deepEqual(errors('fn f() { if 1 { } }'), ['1:13: condition must be bool, found i32']);
});

test('redefinition against the program: same signature redefines, another is an error', () => {
  const program = new Program();
  const first = check('fn f(x: i32) -> i32 { return x; }', program);
  assert.ok(first.delta);
  program.functions.push(...first.delta.functions);
  for (const f of first.delta.functions) program.functionByName.set(f.name, f);
  const again = check('fn f(x: i32) -> i32 { return x + 1; }', program);
  assert.equal(again.delta!.redefinitions.length, 1);
  assert.equal(again.delta!.functions.length, 0);
  const clash = check('fn f(x: i64) -> i32 { return 1; }', program);
  assert.equal(clash.delta, null);
  assert.match(clash.diagnostics[0]!.message, /already exists as fn f\(i32\) -> i32/);
});

test('consts and globals are constant expressions, in any order', () => {
  const { delta, diagnostics } = check('global g: i64 = N * 2; const N: i64 = M + 1; const M: i64 = 1 << 40;');
  assert.deepEqual(diagnostics, []);
  assert.equal(delta!.globals[0]!.value, ((1n << 40n) + 1n) * 2n);
  const cycle = errors('const A: i32 = B; const B: i32 = A;');
  assert.ok(cycle.length >= 1 && cycle.every((e) => /depends on itself/.test(e)), cycle.join('; '));
  assert.deepEqual(errors('const X: i32 = 1 / 0;'), ['1:18: division by zero in constant expression']);
});
