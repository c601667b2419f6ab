import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRedefineStress } from './stress/redefine-stress.js';

test('threads calling hot functions while the host redefines them 300 times: no violation', async () => {
  const r = await runRedefineStress(3, 300, 'auto');
  assert.equal(r.violations, 0);
  assert.equal(r.traps, 0);
  assert.ok(r.calls > 300n, `only ${r.calls} calls`);
});
