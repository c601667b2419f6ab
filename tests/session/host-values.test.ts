import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/session/session.js';
import { Ref } from '../../src/session/host-values.js';

const code = (c: string) => (e: unknown): boolean => (e as { code?: string }).code === c;

const PROGRAM = `
class Shape { id: i32; }
class Square extends Shape { side: f64; }
class Other { x: i32; }
fn poke(s: Shape, v: i32) { s.id = v; }
fn peek(s: Shape) -> i32 { return s.id; }
fn square(side: f64) -> Square { let q = new Square; q.side = side; return q; }
fn other() -> Other { return new Other; }
fn shape_or_null(b: bool) -> Shape { if b { return new Shape; } return null; }
fn drop(s: Shape) { delete s; }
fn sum(a: i32[]) -> i64 { let s: i64 = 0; for i in 0..a.length { s += i64(a[i]); } return s; }
fn id32(x: i32) -> i32 { return x; }
fn id64(x: i64) -> i64 { return x; }
fn not(b: bool) -> bool { return !b; }
global g: Shape = null;
`;

function session(): Session {
  const s = new Session({ print: () => {} });
  s.load(PROGRAM, 'p.rj');
  return s;
}

test('a reference parameter takes a handle or null, never a number', () => {
  const s = session();
  assert.throws(() => s.call('poke', 4, 7), code('ERR_REJIT_VALUE_TYPE'));
  assert.throws(() => s.call('sum', 1.5), code('ERR_REJIT_VALUE_TYPE'));
  assert.throws(() => s.call('peek', null), (e: unknown) => (e as Error).name === 'Trap');
  const q = s.call('square', 2);
  assert.ok(q instanceof Ref);
  assert.equal(q.type, 'Square');
  assert.equal(String(q), 'Ref<Square>');
  s.call('poke', q, 7);
  assert.equal(s.call('peek', q), 7);
  assert.equal(s.call('shape_or_null', false), null);
  assert.equal((s.call('shape_or_null', true) as Ref).type, 'Shape');
});

test('a handle is checked: its class, its session, and that it was not deleted', () => {
  const s = session();
  const other = s.call('other') as Ref;
  assert.throws(() => s.call('peek', other), (e: unknown) => e instanceof TypeError && code('ERR_REJIT_WRONG_REFERENCE')(e));
  const foreign = session().call('square', 1) as Ref;
  assert.throws(() => s.call('peek', foreign), code('ERR_REJIT_WRONG_REFERENCE'));
  const q = s.call('square', 1) as Ref;
  assert.throws(() => s.call('sum', q), code('ERR_REJIT_WRONG_REFERENCE'));
  s.call('drop', q);
  assert.throws(() => s.call('peek', q), code('ERR_REJIT_DELETED_REFERENCE'));
});

test('numbers out of their type are a RangeError, not wrapped', () => {
  const s = session();
  assert.equal(s.call('id32', -(2 ** 31)), -(2 ** 31));
  assert.equal(s.call('id32', 2 ** 31 - 1), 2 ** 31 - 1);
  for (const bad of [2 ** 40, 2 ** 31, 1.5, NaN, Infinity]) {
    assert.throws(() => s.call('id32', bad), (e: unknown) => e instanceof RangeError && code('ERR_REJIT_VALUE_RANGE')(e), String(bad));
  }
  assert.throws(() => s.call('id32', 1n), code('ERR_REJIT_VALUE_TYPE'));
  assert.equal(s.call('id64', 2n ** 63n - 1n), 2n ** 63n - 1n);
  assert.equal(s.call('id64', -(2 ** 53) + 1), -(2n ** 53n) + 1n);
  for (const bad of [2n ** 70n, 2n ** 63n, -(2n ** 63n) - 1n, 2 ** 60, 0.5]) {
    assert.throws(() => s.call('id64', bad), (e: unknown) => e instanceof RangeError, String(bad));
  }
  assert.equal(s.call('not', false), true);
  assert.throws(() => s.call('not', 0), code('ERR_REJIT_VALUE_TYPE'));
  assert.throws(() => s.call('id32'), (e: unknown) => e instanceof TypeError && code('ERR_REJIT_ARGUMENT_COUNT')(e));
  assert.throws(() => s.call('nope'), code('ERR_REJIT_NO_SUCH_NAME'));
});

test('globals of reference type read and write handles, checked alike', () => {
  const s = session();
  assert.equal(s.readGlobal('g'), null);
  const q = s.call('square', 3) as Ref;
  s.writeGlobal('g', q);
  const g = s.readGlobal('g');
  assert.ok(g instanceof Ref && g.type === 'Square');
  assert.throws(() => s.writeGlobal('g', 12345), code('ERR_REJIT_VALUE_TYPE'));
  assert.throws(() => s.writeGlobal('g', s.call('other') as Ref), code('ERR_REJIT_WRONG_REFERENCE'));
});
