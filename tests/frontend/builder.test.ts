import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModuleBuilder } from '../../src/frontend/builder.js';
import { CompileError } from '../../src/frontend/diagnostic.js';
import { Session } from '../../src/session/session.js';

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
