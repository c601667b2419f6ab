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
  assert.ok(g !== q && g.equals(q) && q.equals(g));
  assert.ok(!g.equals(s.call('square', 3) as Ref));
  assert.throws(() => s.writeGlobal('g', 12345), code('ERR_REJIT_VALUE_TYPE'));
  assert.throws(() => s.writeGlobal('g', s.call('other') as Ref), code('ERR_REJIT_WRONG_REFERENCE'));
});

test('arrays are made from typed arrays and read back into them, each element checked', () => {
  const s = session();
  const a = s.newArray('i32[]', Int32Array.of(1, 2, 3, -(2 ** 31)));
  assert.equal(a.type, 'i32[]');
  assert.equal(s.call('sum', a), 6n - 2n ** 31n);
  assert.deepEqual(s.readArray(a), Int32Array.of(1, 2, 3, -(2 ** 31)));
  assert.equal(s.call('sum', s.newArray('i32[]', [4, 5])), 9n);
  assert.deepEqual(s.readArray(s.newArray('i64[]', BigInt64Array.of(-1n, 2n ** 62n))), BigInt64Array.of(-1n, 2n ** 62n));
  assert.deepEqual(s.readArray(s.newArray('f64[]', Float64Array.of(0.5, NaN, -0))), Float64Array.of(0.5, NaN, -0));
  assert.deepEqual(s.readArray(s.newArray('bool[]', [true, false])), [true, false]);
  assert.throws(() => s.newArray('i32[]', [1, 2 ** 40]), (e: unknown) => e instanceof RangeError && /element 1 of the i32\[\]/.test((e as Error).message));
  assert.throws(() => s.newArray('i32[]', Uint32Array.of(2 ** 32 - 1)), code('ERR_REJIT_VALUE_RANGE'));
  assert.throws(() => s.newArray('bool[]', [1]), code('ERR_REJIT_VALUE_TYPE'));
  assert.throws(() => s.newArray('i32[]', 5 as never), code('ERR_REJIT_VALUE_TYPE'));
  assert.throws(() => s.newArray('Nope[]', []), code('ERR_REJIT_ARRAY_TYPE'));
  assert.throws(() => s.newArray('i32', []), code('ERR_REJIT_ARRAY_TYPE'));
});

test('an array is read into a typed array the host gives, when it fits and is of the element type', () => {
  const s = session();
  const a = s.newArray('f64[]', [1, 2, 3]);
  const buffer = new Float64Array(8);
  const filled = s.readArray(a, buffer);
  assert.deepEqual(filled, Float64Array.of(1, 2, 3));
  assert.equal((filled as Float64Array).buffer, buffer.buffer);
  assert.throws(() => s.readArray(a, new Float64Array(2)), code('ERR_REJIT_VALUE_RANGE'));
  assert.throws(() => s.readArray(a, new Int32Array(3)), code('ERR_REJIT_VALUE_TYPE'));
  assert.throws(() => s.readArray(s.newArray('bool[]', [true]), new Int32Array(3)), code('ERR_REJIT_VALUE_TYPE'));
  assert.deepEqual(s.readArray(s.newArray('i64[]', [5n]), new BigInt64Array(1)), BigInt64Array.of(5n));
});

test('arrays of references hold handles or null, and type their elements', () => {
  const s = session();
  s.load('fn first_side(a: Square[]) -> f64 { return a[0].side; }\nfn grid() -> i32[][] { let g = new i32[][2]; g[1] = new i32[3]; return g; }', 'arr.rj');
  const q = s.call('square', 4) as Ref;
  const squares = s.newArray('Square[]', [q, null]);
  assert.equal(s.call('first_side', squares), 4);
  const back = s.readArray(squares) as (Ref | null)[];
  assert.equal(back.length, 2);
  assert.equal(back[0]?.type, 'Square');
  assert.equal(back[1], null);
  assert.throws(() => s.newArray('Square[]', [s.call('other')]), code('ERR_REJIT_WRONG_REFERENCE'));
  assert.throws(() => s.call('first_side', s.newArray('Shape[]', [])), code('ERR_REJIT_WRONG_REFERENCE'));
  const g = s.call('grid') as Ref;
  assert.equal(g.type, 'i32[][]');
  const rows = s.readArray(g) as (Ref | null)[];
  assert.equal(rows[0], null);
  assert.deepEqual(s.readArray(rows[1] as Ref), new Int32Array(3));
});
