import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction, parseFunctions } from '../../src/ir/parse.js';
import { printFunction } from '../../src/ir/printer.js';
import { Session } from '../../src/session/session.js';
import { goldenFunctions } from './golden-functions.js';

test('every function of every golden program prints, parses back to the same IR, and prints the same again', () => {
  let functions = 0;
  for (const { file, ir, program } of goldenFunctions()) {
    const where = `${file}: ${ir.name}`;
    const exact = printFunction(ir, program, { positions: true });
    const parsed = parseFunction(exact, program);
    assert.deepEqual(parsed, ir, where);
    assert.equal(printFunction(parsed, program, { positions: true }), exact, where);
    const plain = printFunction(ir, program);
    assert.equal(printFunction(parseFunction(plain, program), program), plain, where);
    functions++;
  }
  assert.ok(functions > 200, `only ${functions} functions`);
});

test('without program tables, ids print and parse back', () => {
  const session = new Session({ print: () => {} });
  session.load('class P { x: i32; } fn g(p: P) -> i32 { return p.x; } fn f(n: i32) -> i32 { let p = new P; p.x = n; return g(p); }', 't.rj');
  const ir = session.functionInfo('f')!.ir!;
  const text = printFunction(ir);
  assert.match(text, /call #\d+\(/);
  assert.match(text, /\(new class#\d+\)/);
  const byId = text.replaceAll(/\bP\b/g, `class#${session.program.classByName.get('P')!.id}`);
  assert.equal(printFunction(parseFunction(byId)), byId);
});

test('constants keep their exact value: negative zero, NaN, infinities, large i64', () => {
  const text = `fn f() -> f64  ; id 0, 0 points
  locals a:0: i64, b:1: f64, c:2: f64
  a:0 = i64 -9223372036854775808
  $b:1 = f64 -0
  $c:2 = f64 NaN
  $c:2 = f64 -Infinity
  return f64 1.5e-300
`.replace('  a:0 =', '  $a:0 =');
  const ir = parseFunction(text);
  assert.equal(printFunction(ir), text);
  const values = ir.body.slice(0, 4).map((s) => (s.op === 'setLocal' && s.value.op === 'const' ? s.value.value : null));
  assert.deepEqual(values, [-9223372036854775808n, -0, NaN, -Infinity]);
});

test('several functions in one text; syntax errors name the line', () => {
  const fns = parseFunctions('fn a()  ; id 0, 0 points\n  return\n\n; a comment\nfn b() -> i32  ; id 1, 0 points\n  return i32 1\n');
  assert.deepEqual(fns.map((f) => f.name), ['a', 'b']);
  assert.throws(() => parseFunction('fn a()  ; id 0, 0 points\n  if bool true\n  return\n'), /missing 'end'/);
  assert.throws(() => parseFunction('fn a()  ; id 0, 0 points\n  frob\n'), /line 2: unknown statement 'frob'/);
  assert.throws(() => parseFunction('fn a()  ; id 0, 0 points\n  return (add.i32 i32 1)\n'), /line 2/);
});
