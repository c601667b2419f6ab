import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr, FnItem, Stmt } from '../../src/frontend/ast.js';
import { parseModule } from '../../src/frontend/parser.js';

/** An expression in a compact prefix form that shows its grouping. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'int':
    case 'float': return e.text;
    case 'bool': return String(e.value);
    case 'null': return 'null';
    case 'string': return JSON.stringify(e.value);
    case 'name': return e.name;
    case 'self': return 'self';
    case 'unary': return `(${e.op}${show(e.operand)})`;
    case 'binary': return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'call': return `${e.callee}(${e.args.map(show).join(', ')})`;
    case 'methodCall': return `${show(e.receiver)}.${e.method}(${e.args.map(show).join(', ')})`;
    case 'field': return `${show(e.object)}.${e.field}`;
    case 'index': return `${show(e.array)}[${show(e.index)}]`;
    case 'as':
    case 'is': return `(${show(e.value)} ${e.kind} ${e.className})`;
    case 'newObject': return `new ${e.className}`;
    case 'newArray': return `new ${JSON.stringify(e.elem)}[${show(e.length)}]`;
  }
}

function body(source: string): readonly Stmt[] {
  const { module, diagnostics } = parseModule(`fn f() { ${source} }`, 't.rj');
  assert.deepEqual(diagnostics, []);
  return ((module.items[0] as FnItem).body?.stmts) ?? [];
}

function expr(source: string): string {
  const [s] = body(`let x = ${source};`);
  assert.equal(s?.kind, 'let');
  return show((s as Stmt & { kind: 'let' }).init);
}

function errors(source: string): string[] {
  return parseModule(source, 't.rj').diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`);
}

test('precedence follows the spec table', () => {
  assert.equal(expr('a || b && c == d | e ^ f & g << h + i * j'), '(a || (b && (c == (d | (e ^ (f & (g << (h + (i * j)))))))))');
  assert.equal(expr('-a as B * c'), '(((-a) as B) * c)');
  assert.equal(expr('!x.y[1].z(2)'), '(!x.y[1].z(2))');
  assert.equal(expr('a - b - c'), '((a - b) - c)');
  assert.equal(expr('(a + b) * c'), '((a + b) * c)');
});

test('new objects and arrays, nested array types both ways', () => {
  assert.equal(expr('new C'), 'new C');
  assert.equal(expr('new i32[n]'), 'new {"kind":"named","name":"i32","pos":{"line":1,"col":22}}[n]');
  const nested = '{"kind":"array","elem":{"kind":"named","name":"f64","pos":{"line":1,"col":22}},"pos":{"line":1,"col":22}}';
  assert.equal(expr('new f64[][2]'), `new ${nested}[2]`);
  assert.equal(expr('new f64[2][]'), `new ${nested}[2]`);
});

test('positions: operator of a binary, `[` of an index, `.` of a member, `as`', () => {
  const [s] = body('let x = a.b[c] + d as E;');
  const e = (s as Stmt & { kind: 'let' }).init;
  assert.equal(e.kind, 'binary');
  if (e.kind !== 'binary') return;
  assert.deepEqual(e.pos, { line: 1, col: 25 });
  assert.deepEqual(e.left.pos, { line: 1, col: 21 });
  assert.deepEqual(e.right.pos, { line: 1, col: 29 });
});

test('statements: assignment ops, if/else if, for, while, return, delete', () => {
  const stmts = body('x >>>= 1; if a { } else if b { } else { } for i in 0..n { break; } while c { continue; } return; delete o; g();');
  assert.deepEqual(stmts.map((s) => s.kind), ['assign', 'if', 'for', 'while', 'return', 'delete', 'expr']);
  const elseIf = (stmts[1] as Stmt & { kind: 'if' }).else;
  assert.equal(elseIf?.stmts[0]?.kind, 'if');
});

test('items: functions, declarations, methods with self, classes, globals, consts', () => {
  const { module, diagnostics } = parseModule(`
    global g: i64 = 0;
    const N: i32 = 10;
    fn decl(a: i32) -> T;
    class C extends B { x: f64[]; fn m(self, y: i32) -> bool { return true; } fn a(self); }`, 't.rj');
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(module.items.map((i) => `${i.kind} ${i.name}`), ['global g', 'const N', 'fn decl', 'class C']);
  const c = module.items[3];
  assert.ok(c?.kind === 'class');
  assert.equal(c.parent?.name, 'B');
  assert.deepEqual(c.methods.map((m) => [m.name, m.hasSelf, m.params.length, m.body === null]), [['m', true, 1, false], ['a', true, 0, true]]);
});

test('syntax errors are reported at the unexpected token, and parsing goes on', () => {
  assert.deepEqual(errors('fn f() { let x = 1 print(x); }'), ["1:20: expected ';', found 'print'"]);
  assert.deepEqual(errors('fn f() { let = 1; let y = ; }\nfn g( { }\nclass C { x i32; fn m(self) {} }'), [
    "1:14: expected a name, found '='",
    "1:27: expected an expression, found ';'",
    "2:7: expected a name, found '{'",
    "3:13: expected ':', found 'i32'",
  ]);
  assert.deepEqual(errors('fn f() { if x { } else print(1); }'), ["1:24: expected '{', found 'print'"]);
  assert.deepEqual(errors('fn f() {'), ["1:9: expected '}', found the end of the file"]);
});

test('chained comparisons are an error, parenthesized ones are not', () => {
  assert.deepEqual(errors('fn f() { let x = a < b == c; }'), ["1:24: comparisons cannot be chained; use '&&'"]);
  assert.deepEqual(errors('fn f() { let x = (a < b) == c; }'), []);
});

test('nesting too deep is an error, not a stack overflow', () => {
  const deep = `fn f() { let x = ${'('.repeat(100000)}1${')'.repeat(100000)}; }`;
  assert.match(errors(deep)[0] ?? '', /^1:\d+: nesting too deep$/);
  const blocks = `fn f() { ${'{'.repeat(100000)} }`;
  assert.equal(errors(blocks)[0]?.includes('nesting too deep'), true);
});
