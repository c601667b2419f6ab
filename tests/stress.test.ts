import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRedefineStress, type StressResult } from './stress/redefine-stress.js';

/** A thread's trap stops the run, and loads stop waiting for the threads then: it is reported before the violations it causes. */
function assertNoViolation(r: StressResult): void {
  assert.equal(r.failure, null);
  assert.equal(r.traps, 0);
  assert.equal(r.violations, 0);
}

test('threads calling hot functions while the host redefines them 300 times: no violation', async () => {
  const r = await runRedefineStress(3, 300, 'auto');
  assertNoViolation(r);
  assert.ok(r.calls > 300n, `only ${r.calls} calls`);
});

test('the same with tiering at the second call: new versions start interpreted under compiled callers, on every thread', async () => {
  const r = await runRedefineStress(3, 300, 'auto', { calls: 2, backEdges: 50 });
  assertNoViolation(r);
  assert.ok(r.calls > 300n, `only ${r.calls} calls`);
});

test('4 threads in optimized code that assumes definitions and the class hierarchy, while the host redefines callees and adds subclasses 200 times: no violation', async () => {
  const r = await runRedefineStress(4, 200, 'opt', undefined, true);
  assertNoViolation(r);
  assert.ok(r.calls > 400n, `only ${r.calls} calls`);
});

test('4 threads, code freed at every safepoint and code ids swept at every load, while the host redefines 300 times: versions another thread runs are never freed (0 violations), and old ones are', async () => {
  const r = await runRedefineStress(4, 300, 'auto', { calls: 2, backEdges: 50 }, false, true);
  assertNoViolation(r);
  assert.ok(r.calls > 300n, `only ${r.calls} calls`);
  assert.ok(r.code.freedVersions > 50, `only ${r.code.freedVersions} versions freed`);
  assert.ok(r.code.liveCodeIds < 200, `${r.code.liveCodeIds} code ids in use`);
  assert.ok(r.logged < 100, `the load log keeps ${r.logged} entries: it compacted while the threads read it`);
});

test('the same in optimized code that assumes definitions and the class hierarchy', async () => {
  const r = await runRedefineStress(4, 200, 'opt', undefined, true, true);
  assertNoViolation(r);
  assert.ok(r.calls > 400n, `only ${r.calls} calls`);
  // How many versions a thread makes depends on how often it runs between loads (121-384 seen on two
  // busy cores); each load adds a subclass whose methods stay current, so versions stay live too.
  assert.ok(r.code.freedVersions > 50, `only ${r.code.freedVersions} versions freed`);
});
