//! Internal errors (`core/internal-error.ts`) from the library: a failure of
//! the runtime or of a host callback is an `InternalError` from
//! `Session.call`, and stops a threaded run on every thread, which then
//! reports it once and closes the session. The faults are real ones reachable
//! from a host: a print callback that throws, a worker terminated under a run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import { InternalError, Session } from '../../src/session/session.js';
import { ThreadedSession } from '../../src/session/threaded-session.js';
import { TEST_CONFIGS } from '../../src/tiering/tiers.js';

const PROGRAM = `
fn say() -> i32 { print("hello"); return 1; }
fn spin() -> i32 { barrier(); let x = 0; while true { x = x + 1; } return x; }
fn main() -> i32 { let r = say(); print("not after a fault"); return r; }
`;

const failingPrint = (line: string): void => {
  if (line === 'hello') throw new TypeError('the host cannot print');
};

for (const config of TEST_CONFIGS) {
  test(`[${config.label}] a host print callback that throws is an InternalError from Session.call`, () => {
    const lines: string[] = [];
    const s = new Session({ tier: config.tier, tierUp: config.tierUp, print: (l) => (failingPrint(l), lines.push(l)) });
    s.load(PROGRAM, 'p.rj');
    assert.throws(() => s.call('main'), (e: unknown) => {
      assert.ok(e instanceof InternalError, `not an InternalError: ${String(e)}`);
      assert.equal(e.message, 'TypeError: the host cannot print');
      assert.match(e.format(), /^internal error: TypeError: the host cannot print/);
      // From compiled code, the Rejit function that was running is known (say, or main with say inlined).
      if (config.tier === 'baseline') assert.match(e.format(), /\n {2}in (say \(declared at p\.rj:2:4\)|main \(declared at p\.rj:4:4\))$/);
      return true;
    });
    assert.deepEqual(lines, []);
  });
}

test('an internal error shows where it happened as far as it is known', () => {
  const where = { fn: 'f', fileName: 'f.rj', pos: { line: 3, col: 5 } };
  assert.equal(new InternalError('RuntimeError: unreachable').format(), 'internal error: RuntimeError: unreachable');
  assert.equal(InternalError.from(new RangeError('x'), where, true).format(), 'internal error: RangeError: x\n  at f (f.rj:3:5)');
  assert.equal(InternalError.from(new RangeError('x'), where).format(), 'internal error: RangeError: x\n  in f (declared at f.rj:3:5)');
  assert.equal(InternalError.from('thrown').message, 'thrown value thrown');
});

test('a threaded run whose print callback throws stops every thread, reports once and closes the session', async () => {
  const lines: string[] = [];
  const s = await ThreadedSession.create({ threads: 2, print: (l) => (failingPrint(l), lines.push(l)) });
  try {
    s.load(PROGRAM, 'p.rj');
    const r = await s.run('main');
    assert.match(r.internal ?? '', /^internal error: TypeError: the host cannot print\n {2}in the print callback$/);
    assert.equal(r.trap, null);
    assert.deepEqual(lines, []);
    await assert.rejects(s.run('main'), /the session was closed by an internal error/);
  } finally {
    await s.close();
  }
});

test('a worker that dies under a run ends its thread as internal and stops the others', async () => {
  const s = await ThreadedSession.create({ threads: 2, print: () => {} });
  try {
    s.load(PROGRAM, 'p.rj');
    const running = s.run('spin');
    // Both threads are in the loop once the barrier has let them through.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const workers = (s as unknown as { workers: Worker[] }).workers;
    await (workers[1] as Worker).terminate();
    const r = await running;
    assert.deepEqual(r.outcomes.map((o) => o.kind), ['stopped', 'internal']);
    assert.match(r.internal ?? '', /^internal error: the worker of thread 1 exited \(code 1\)$/);
    await assert.rejects(s.run('spin'), /closed by an internal error/);
    assert.throws(() => s.load('fn g() {}', 'g.rj'), /closed by an internal error/);
  } finally {
    await s.close();
  }
});
