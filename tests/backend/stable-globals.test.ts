//! Stable globals (`passes/stable-globals.ts`, `core/global-states.ts`):
//! optimized code folds a global no store has touched, and the first store,
//! from the program or the host, on any thread, has every thread drop that
//! code before the value changes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/session/session.js';
import { ThreadedSession } from '../../src/session/threaded-session.js';
import { GlobalStates } from '../../src/core/global-states.js';
import { compileFunction } from '../../src/backend/pipeline.js';
import { DEFAULT_COMPILE_OPTIONS } from '../../src/backend/compile-options.js';
import type { IrFunction } from '../../src/ir/ir.js';
import type { Ref } from '../../src/session/host-values.js';
import { StopReason } from '../../src/core/control.js';

const PROGRAM = `
global LIMIT: i32 = 10;
global hits: i32 = 0;
fn g(x: i32) -> i32 { return x + 1; }
fn reader() -> i32 {
  let s = 0;
  for i in 0..LIMIT { s += g(i); }
  return s;
}
fn writer() -> i32 {
  hits = hits + 1;
  return g(LIMIT);
}
`;

test('a host store of a folded global invalidates the code that folded it; the next call sees the value', () => {
  const s = new Session({ tier: 'opt', print: () => {} });
  s.load(PROGRAM, 'main.rj');
  assert.equal(s.call('reader'), 55);
  assert.equal(s.optStats().invalidated, 0);
  s.writeGlobal('LIMIT', 20);
  assert.equal(s.optStats().invalidated, 1);
  assert.equal(s.call('reader'), 210);
  s.writeGlobal('LIMIT', 5);
  assert.equal(s.call('reader'), 15, 'a stored global is read, never folded again');
});

test('a version assumes the globals it reads are unstored, and nothing at all while it may be the first to store one', () => {
  const s = new Session({ tier: 'interp', print: () => {} });
  s.load(PROGRAM, 'main.rj');
  const globals = new GlobalStates(s.memory.buffer);
  const ir = (name: string): IrFunction => s.program.functionByName.get(name)?.ir as IrFunction;
  const options = { ...DEFAULT_COMPILE_OPTIONS, speculate: true };
  const kinds = (name: string): string[] => compileFunction(ir(name), s.program, 1, options, { globals }).dependencies.map((d) => d.kind).sort();
  assert.deepEqual(kinds('reader'), ['definition', 'stableGlobal']);
  assert.deepEqual(kinds('writer'), []);
  s.call('writer');
  assert.deepEqual(kinds('writer'), ['definition', 'stableGlobal'], 'once hits is stored everywhere, writer speculates again (on g and LIMIT)');
  assert.equal(s.readGlobal('hits'), 1);
});

test('a host store reaches threads spinning in code that folded the global', { timeout: 60_000 }, async () => {
  const t = await ThreadedSession.create({ threads: 2, tier: 'opt', print: () => {} });
  try {
    t.load(`
global STOP: i32 = 0;
global spinning: i32[] = null;
fn spin() -> i64 {
  let rounds: i64 = 0;
  while STOP == 0 {
    rounds += 1;
    if rounds == 100 { atomic_add(spinning[0], 1); }
  }
  return rounds;
}
fn main() -> i64 {
  if thread_id() == 0 { spinning = new i32[1]; }
  barrier();
  return spin();
}`, 'main.rj');
    const run = t.run('main');
    const spinning = async (): Promise<boolean> => {
      for (let waited = 0; waited < 30_000; waited += 5) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const counts = t.session.readGlobal('spinning') as Ref | null;
        if (counts !== null && (t.session.readArray(counts) as Int32Array)[0] === 2) return true;
      }
      return false;
    };
    const both = await spinning();
    t.session.writeGlobal('STOP', 1);
    assert.ok(both, 'both threads spin');
    // A thread that never saw the store would spin for good: stopped, the run fails below.
    const timer = setTimeout(() => t.stop(StopReason.Timeout), 30_000);
    const r = await run;
    clearTimeout(timer);
    assert.equal(r.trap, null);
    assert.ok(r.outcomes.every((o) => o.kind === 'returned' && (o.value as bigint) >= 100n));
  } finally {
    await t.close();
  }
});
