import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/session/session.js';
import { Trap } from '../../src/core/trap.js';

const code = (c: string) => (e: unknown): boolean => (e as { code?: string }).code === c;

for (const tier of ['interp', 'baseline', 'auto'] as const) {
  test(`a function handle follows redefinitions of its symbol (${tier})`, () => {
    const s = new Session({ tier, print: () => {} });
    s.load('fn f(x: i32, y: i64) -> i64 { return i64(x) + y; }\nfn later() -> i32;', 'a.rj');
    const f = s.lookup('f');
    assert.equal(f.name, 'f');
    assert.equal(f.signature, 'fn f(i32, i64) -> i64');
    assert.equal(f(2, 3n), 5n);
    s.load('fn f(x: i32, y: i64) -> i64 { return i64(x) * y; }', 'b.rj');
    assert.equal(f(2, 3n), 6n);
    for (let i = 0; i < 200; i++) assert.equal(f(i, 2n), BigInt(i) * 2n);
    const later = s.lookup('later');
    assert.throws(() => later(), (e: unknown) => e instanceof Trap && e.kind === 'undefinedFunction');
    s.load('fn later() -> i32 { return 42; }', 'c.rj');
    assert.equal(later(), 42);
  });
}

test('a function handle checks its arguments as call does', () => {
  const s = new Session({ print: () => {} });
  s.load('fn g(b: bool, x: f64) -> bool { return b && x > 0.0; }', 'g.rj');
  const g = s.lookup('g');
  assert.equal(g(true, 1), true);
  assert.throws(() => g(true), code('ERR_REJIT_ARGUMENT_COUNT'));
  assert.throws(() => g(1, 1), (e: unknown) => e instanceof TypeError && /argument 1 of 'g' must be a boolean/.test((e as Error).message));
  assert.throws(() => s.lookup('missing'), code('ERR_REJIT_NO_SUCH_NAME'));
});
