import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { Session } from '../../src/session/session.js';
import { Trap } from '../../src/core/trap.js';

const PROGRAM = `fn spin(n: i32) -> i32 {
  let x = 0;
  while true { x += n; }
  return x;
}
fn outer() -> i32 { return spin(1); }
fn nap() -> i32 { sleep_ms(150); let x = 0; for i in 0..1000 { x += i; } return x; }
fn quick() -> i32 { return 3; }
`;

for (const tier of ['interp', 'baseline', 'auto', 'opt'] as const) {
  test(`a call past its deadline traps with timeout at a poll, with its stack, and the session stays usable (${tier})`, { timeout: 30_000 }, () => {
    const s = new Session({ tier, print: () => {} });
    s.load(PROGRAM, 'spin.rj');
    assert.throws(() => s.callWith('outer', [], { timeoutMs: 50 }), (e: unknown) => {
      assert.ok(e instanceof Trap, String(e));
      assert.equal(e.kind, 'timeout');
      assert.equal(e.format(), 'spin.rj:1:4: trap: timeout\n  at spin (spin.rj:1:4)\n  at outer (spin.rj:6:28)');
      return true;
    });
    assert.equal(s.call('quick'), 3);
    // A deadline that passes after its call has ended does not stop a later call.
    assert.equal(s.callWith('quick', [], { timeoutMs: 20 }), 3);
    assert.equal(s.call('nap'), 499500);
  });
}

test('a deadline is checked, and applies only to an outermost call', () => {
  const s = new Session({ print: () => {} });
  s.load(PROGRAM, 'spin.rj');
  for (const bad of [-1, NaN, Infinity, '5']) {
    assert.throws(() => s.callWith('quick', [], { timeoutMs: bad as number }), (e: unknown) => e instanceof RangeError && (e as { code?: string }).code === 'ERR_REJIT_OPTION');
  }
  assert.equal(s.callWith('quick', [], {}), 3);
});

test('another thread interrupts a running call through Session.interrupt(memory)', { timeout: 30_000 }, async () => {
  const s = new Session({ print: () => {} });
  s.load(PROGRAM, 'spin.rj');
  const session = new URL('../../src/session/session.js', import.meta.url).href;
  const worker = new Worker(`
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(session)}).then(({ Session }) => {
      parentPort.on('message', (memory) => setTimeout(() => Session.interrupt(memory), 100));
      parentPort.postMessage('ready');
    });`, { eval: true });
  try {
    await new Promise((resolve) => worker.once('message', resolve));
    worker.postMessage(s.memory);
    assert.throws(() => s.call('outer'), (e: unknown) => e instanceof Trap && e.kind === 'interrupted' && e.frames.length === 2);
    assert.equal(s.call('nap'), 499500);
  } finally {
    await worker.terminate();
  }
});
