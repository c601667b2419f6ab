//! The deoptimization benchmark's quick mode as a check that it runs: it
//! exits 0 and prints each of its figures (timings are not checked; that
//! every timed call continued its three frames in the interpreter is).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../bench/deopt.js', import.meta.url));

test('bench/deopt --quick prints the cost per frame, the latency and the flipping call site', { timeout: 120_000 }, async () => {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [SCRIPT, '--quick'], (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
  });
  assert.match(stdout, /^cost per deoptimized frame: -?\d+\.\d\d us \(600 frames continued in the interpreter per 200 calls/m);
  assert.match(stdout, /^load on one thread to the deoptimization of a frame spinning on another, 5 loads: p50 \d+ us, p99 \d+ us$/m);
  for (const at of ['in place', 'on the compiler thread']) {
    assert.match(stdout, new RegExp(`^a call site flipping between one receiver class and two every 3,000 rounds, optimizing compiles ${at}: \\d+ ms, against \\d+ ms`, 'm'));
  }
});
