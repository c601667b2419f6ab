//! The embedding benchmark's quick mode as a check that it runs: it exits 0
//! and prints a row for each tier and each Brainf*** runner (not the timings);
//! its variants must agree on every result, or it fails.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TIER_NAMES } from '../src/tiering/tiers.js';

const SCRIPT = fileURLToPath(new URL('../bench/embedding.js', import.meta.url));

test('bench/embedding --quick prints the host-call and Brainf*** rows', { timeout: 300_000 }, async () => {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [SCRIPT, '--quick'], { maxBuffer: 1 << 24 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
  });
  const rows = stdout.split('\n');
  for (const tier of TIER_NAMES) {
    assert.ok(rows.some((r) => r.startsWith(`${tier} `) && / ns/.test(r)), `no host-call row for ${tier}:\n${stdout}`);
    for (const program of ['loops', 'cat']) {
      for (const io of ['builtins', 'host functions']) {
        assert.ok(rows.some((r) => r.startsWith(`${program} `) && r.includes(`${tier}, ${io}`) && /\d\.\d\dx/.test(r)), `no ${program} row for ${tier}, ${io}:\n${stdout}`);
      }
    }
  }
  assert.ok(rows.some((r) => r.startsWith('loops ') && r.includes('JavaScript (new Function)')), stdout);
});
