//! The code lifetime benchmark's quick mode as a check that it runs: it
//! exits 0 and prints a line for each tier, whose code is freed where the
//! tier compiles (not checked: memory and timings).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../bench/redefine-memory.js', import.meta.url));

test('bench/redefine-memory --quick prints peak RSS, time per load and the code freed at every tier', { timeout: 300_000 }, async () => {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [SCRIPT, '--quick'], (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
  });
  for (const tier of ['interp', 'baseline', 'auto', 'opt']) {
    assert.match(stdout, new RegExp(`^${tier} +2 threads: peak RSS \\d+ MB after 500 loads, \\d+ MB after 500 \\(\\+-?\\d+ MB\\); [\\d.]+ us/load to 500; versions kept \\d+, freed \\d+; code ids in use \\d+$`, 'm'));
  }
  const freed = (tier: string): number => Number(new RegExp(`^${tier} .*freed (\\d+)`, 'm').exec(stdout)?.[1]);
  assert.ok(freed('baseline') >= 400, `baseline freed ${freed('baseline')}`);
  assert.ok(freed('opt') >= 400, `opt freed ${freed('opt')}`);
});
