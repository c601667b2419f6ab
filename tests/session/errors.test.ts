import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/session/session.js';
import { ThreadedSession } from '../../src/session/threaded-session.js';
import { API_ERRORS } from '../../src/session/api-errors.js';
import { CompileError } from '../../src/frontend/diagnostic.js';
import { Trap } from '../../src/core/trap.js';
import { InternalError } from '../../src/core/internal-error.js';
import { TIER_NAMES } from '../../src/tiering/tiers.js';

const code = (c: string) => (e: unknown): boolean => (e as { code?: string }).code === c;

test('every error of the host API has a stable code, and its class as the table says', async () => {
  const s = new Session({ print: () => {} });
  s.load('fn f(x: i32) -> i32 { return 10 / x; }\nglobal g: i32 = 1;', 'f.rj');
  assert.throws(() => s.load('fn f() -> bool { return 1; }', 'bad.rj'), (e: unknown) => e instanceof CompileError && code('ERR_REJIT_COMPILE')(e));
  assert.throws(() => s.call('f', 0), (e: unknown) => e instanceof Trap && code('ERR_REJIT_TRAP')(e));
  assert.equal(new InternalError('x').code, 'ERR_REJIT_INTERNAL');
  assert.throws(() => s.call('g'), code('ERR_REJIT_NO_SUCH_NAME'));
  assert.throws(() => s.readGlobal('f'), code('ERR_REJIT_NO_SUCH_NAME'));
  assert.throws(() => s.call('f'), code('ERR_REJIT_ARGUMENT_COUNT'));
  assert.throws(() => ThreadedSession.open({ threads: 0 }), (e: unknown) => e instanceof RangeError && code('ERR_REJIT_THREAD')(e));
  const t = ThreadedSession.open({ threads: 1, print: () => {} });
  t.load('fn one() -> i32 { return 1; }', 'one.rj');
  await assert.rejects(t.run('one', [], 3), code('ERR_REJIT_THREAD'));
  await assert.rejects(t.run('two'), code('ERR_REJIT_NO_SUCH_NAME'));
  await assert.rejects(t.run('one', [1]), code('ERR_REJIT_ARGUMENT_COUNT'));
  await t.close();
  assert.throws(() => t.load('fn x() {}', 'x.rj'), code('ERR_REJIT_SESSION_CLOSED'));
  for (const [name, base] of Object.entries(API_ERRORS)) assert.ok(base === Error || base === TypeError || base === RangeError, name);
});

// Optimized code has no point after a print to leave at: what the callback changed, code that
// assumed the old program (here f's inlined g) would not see. So the callback may read, not change.
test('the print callback cannot load, call or store a global (ERR_REJIT_SESSION_BUSY), at any tier; reading is allowed', () => {
  for (const tier of TIER_NAMES) {
    let s: Session | null = null;
    const refused: string[] = [];
    const lines: string[] = [];
    s = new Session({
      tier,
      print: (line) => {
        lines.push(`${line} n=${String(s?.readGlobal('n'))}`);
        for (const [what, act] of [['load', () => s?.load('fn g() -> i32 { return 2; }', 'g2.rj')], ['call', () => s?.call('g')], ['store', () => s?.writeGlobal('n', 5)]] as const) {
          assert.throws(act, code('ERR_REJIT_SESSION_BUSY'));
          refused.push(what);
        }
      },
    });
    s.load('global n: i32 = 7;\nfn g() -> i32 { return 1; }\nfn f(x: i32) -> i32 { if x == 3 { print("go"); } return g(); }', 'f.rj');
    assert.deepEqual([0, 1, 2, 3, 4].map((x) => s?.call('f', x)), [1, 1, 1, 1, 1], `at ${tier}`);
    assert.deepEqual(lines, ['go n=7'], `at ${tier}`);
    assert.deepEqual(refused, ['load', 'call', 'store'], `at ${tier}`);
    s.load('fn g() -> i32 { return 2; }', 'g2.rj');
    assert.equal(s.call('f', 0), 2, `at ${tier}`);
  }
});

test('a closed session refuses every use with ERR_REJIT_SESSION_CLOSED; a session cannot close inside its own call', () => {
  let s: Session | null = null;
  const lines: string[] = [];
  s = new Session({
    print: (line) => {
      lines.push(line);
      assert.throws(() => s?.close(), code('ERR_REJIT_SESSION_BUSY'));
    },
  });
  s.load('fn f() -> i32 { print(1); return 2; }\nglobal g: i32 = 0;', 'f.rj');
  const f = s.lookup('f');
  assert.equal(f(), 2);
  assert.deepEqual(lines, ['1']);
  s.close();
  s.close();
  const closed = code('ERR_REJIT_SESSION_CLOSED');
  assert.throws(() => s?.call('f'), closed);
  assert.throws(() => f(), closed);
  assert.throws(() => s?.lookup('f'), closed);
  assert.throws(() => s?.load('fn h() {}', 'h.rj'), closed);
  assert.throws(() => s?.readGlobal('g'), closed);
  assert.throws(() => s?.newArray('i32[]', []), closed);
});
