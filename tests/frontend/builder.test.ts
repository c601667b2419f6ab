import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModuleBuilder } from '../../src/frontend/builder.js';
import { CompileError } from '../../src/frontend/diagnostic.js';
import { Session } from '../../src/session/session.js';
import { Trap } from '../../src/core/trap.js';

test('a module built without text runs like its source', () => {
  const m = new ModuleBuilder('gen.rj');
  const { name, int, bin, call, method, field, self } = m.expr;
  m.fn('fib', [['n', 'i32']], 'i32', [
    m.stmt.if(bin('<', name('n'), int(2)), [m.stmt.return(name('n'))]),
    m.stmt.return(bin('+', call('fib', bin('-', name('n'), int(1))), call('fib', bin('-', name('n'), int(2))))),
  ]);
  m.class('Box', null, [['v', 'i64']], [
    { name: 'twice', params: [], result: 'i64', body: [m.stmt.return(bin('*', field(self(), 'v'), int(2)))] },
  ]);
  m.fn('boxed', [['x', 'i64']], 'i64', [
    m.stmt.let('b', null, m.expr.newObject('Box')),
    m.stmt.assign(field(name('b'), 'v'), name('x')),
    m.stmt.return(method(name('b'), 'twice')),
  ]);
  const lines: string[] = [];
  const session = new Session({ print: (l) => lines.push(l) });
  const result = session.loadModule(m.build());
  assert.deepEqual(result.functions, ['fib', 'boxed']);
  assert.equal(session.call('fib', 20), 6765);
  assert.equal(session.call('boxed', 1n << 40n), 1n << 41n);
});

test('a built module with errors is rejected whole, with diagnostics', () => {
  const m = new ModuleBuilder('bad.rj');
  m.fn('ok', [], 'i32', [m.stmt.return(m.expr.int(1))]);
  m.fn('bad', [], 'i32', [m.stmt.return(m.expr.bool(true))]);
  const session = new Session({ print: () => {} });
  assert.throws(() => session.loadModule(m.build()), (e: unknown) => {
    assert.ok(e instanceof CompileError);
    assert.equal(e.diagnostics.length, 1);
    assert.equal(e.diagnostics[0]?.fileName, 'bad.rj');
    assert.match(e.diagnostics[0]?.message ?? '', /expected i32, found bool/);
    return true;
  });
  assert.equal(session.functionInfo('ok'), undefined);
});

test('a built module is validated as source is: an unknown operator is a diagnostic at every tier, not a disagreement', () => {
  for (const tier of ['interp', 'baseline', 'auto'] as const) {
    const m = new ModuleBuilder('pow.rj');
    m.fn('pw', [], 'i32', [m.stmt.return(m.expr.bin('**' as never, m.expr.int(3), m.expr.int(2)))]);
    const session = new Session({ tier, print: () => {} });
    assert.throws(() => session.loadModule(m.build()), (e: unknown) => {
      assert.ok(e instanceof CompileError, String(e));
      assert.deepEqual(e.diagnostics.map((d) => d.message), ["unknown binary operator '**'"]);
      return true;
    });
    assert.equal(session.functionInfo('pw'), undefined);
  }
});

test('a malformed syntax tree is a CompileError naming what is wrong, never an internal TypeError', () => {
  const session = new Session({ print: () => {} });
  const cases: [unknown, RegExp][] = [
    [{ fileName: 'x.rj', items: [{ kind: 'fn', name: 'q' }] }, /has no valid position/],
    [{ fileName: 'x.rj', items: [{ kind: 'fn', name: 'q', pos: { line: 2, col: 1 }, hasSelf: false, params: [], result: null, body: { kind: 'block', pos: { line: 2, col: 9 }, stmts: [{ kind: 'loop', pos: { line: 3, col: 3 } }] } }] }, /^x\.rj:3:3: error: malformed syntax tree: unknown statement kind 'loop'$/],
    [{ fileName: 'x.rj', items: [{ kind: 'global', name: 'while', pos: { line: 1, col: 1 }, type: { kind: 'named', name: 'i32', pos: { line: 1, col: 9 } }, init: { kind: 'int', value: 1, text: '1', pos: { line: 1, col: 15 } } }] }, /keyword 'while'[\s\S]*integer literal must be a bigint/],
    [{ fileName: 'x.rj' }, /not a module/],
    [{ fileName: 'x.rj', items: [{ kind: 'const', name: 'c', pos: { line: 1, col: 1 }, type: { kind: 'named', name: 'f64', pos: { line: 1, col: 10 } }, init: { kind: 'float', value: Infinity, text: 'Infinity', pos: { line: 1, col: 16 } } }] }, /^x\.rj:1:16: error: float literal Infinity does not fit in f64$/],
    [null, /not a module/],
  ];
  for (const [tree, message] of cases) {
    assert.throws(() => session.loadModule(tree as never), (e: unknown) => {
      assert.ok(e instanceof CompileError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});

test('the builder writes a negative literal as the parser reads it, so it passes validation', () => {
  const m = new ModuleBuilder('neg.rj');
  m.fn('neg', [], 'i64', [m.stmt.return(m.expr.bin('+', m.expr.int(-9223372036854775808n), m.expr.int(-1)))]);
  m.fn('negf', [], 'f64', [m.stmt.return(m.expr.float(-2.5))]);
  const session = new Session({ print: () => {} });
  session.loadModule(m.build());
  assert.equal(session.call('neg'), 9223372036854775807n);
  assert.equal(session.call('negf'), -2.5);
});

test("positions the embedder gives with at() are where traps and diagnostics point, at every tier", () => {
  const bf = '+++[>+<-]>>>>.';
  for (const tier of ['interp', 'baseline', 'auto', 'opt'] as const) {
    const m = new ModuleBuilder('prog.bf');
    const { name, int, index, newArray } = m.expr;
    m.at(1, 1).fn('run', [], 'i32', [
      m.stmt.let('tape', null, newArray('i32', int(3))),
      m.at(1, 14).stmt.return(index(name('tape'), int(4))),
    ]);
    const session = new Session({ tier, print: () => {} });
    session.loadModule(m.build(), bf);
    assert.throws(() => session.call('run'), (e: unknown) => {
      assert.ok(e instanceof Trap, String(e));
      assert.equal(e.format(), 'prog.bf:1:14: trap: index out of bounds\n  at run (prog.bf:1:14)');
      return true;
    });
  }
  const bad = new ModuleBuilder('bad.bf');
  bad.at(1, 1).fn('f', [], 'i32', [bad.at(1, 4).stmt.return(bad.expr.bool(true))]);
  assert.throws(() => new Session({ print: () => {} }).loadModule(bad.build(), '+-.,'), (e: unknown) => {
    assert.ok(e instanceof CompileError);
    assert.equal(e.format(), 'bad.bf:1:4: error: expected i32, found bool\n    +-.,\n       ^');
    return true;
  });
  const zero = new ModuleBuilder('zero.bf');
  zero.at(0, 0).fn('f', [], null, []);
  assert.throws(() => new Session({ print: () => {} }).loadModule(zero.build()), (e: unknown) => e instanceof CompileError && /no valid position/.test(e.message));
  const frac = new ModuleBuilder('frac.rj');
  frac.fn('f', [], 'i32', [frac.stmt.return(frac.expr.int(1.5))]);
  assert.throws(() => new Session({ print: () => {} }).loadModule(frac.build()), (e: unknown) => e instanceof CompileError && /integer literal must be a bigint/.test(e.message));
});
