//! The costs benchmark's quick mode as a check that it runs: it exits 0 and
//! prints a row for each case and each benchmark program (not the timings).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../bench/costs.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function programs(suite: string, dir: string): string[] {
  return readdirSync(`${ROOT}/${dir}`).filter((f) => f.endsWith('.rj')).map((f) => `${suite}/${f.slice(0, -3)}`);
}

test('bench/costs --quick prints the stub, poll, validity check, profile and compile rows', { timeout: 300_000 }, async () => {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [SCRIPT, '--quick'], { maxBuffer: 1 << 24 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
  });
  const rows = stdout.split('\n');
  const row = (start: string): string | undefined => rows.find((r) => r.startsWith(start));
  for (const start of ['fib(20) ', 'for loop,', 'while loop,', 'sieve of ', 'Richards (awfy) ', 'Mandelbrot (awfy) ']) {
    assert.match(row(start) ?? '', /\d\.\d{3}x/, `no ratio in the row of ${start}:\n${stdout}`);
  }
  assert.equal(rows.filter((r) => r.startsWith('fib(20) ')).length, 3, 'fib with stubs, optimized with checks, and recording a profile');
  for (const program of [...programs('micro', 'bench/programs'), ...programs('awfy', 'bench/awfy')]) {
    assert.match(row(`${program} `) ?? '', /\d+\.\d+%/, `no compile share for ${program}:\n${stdout}`);
  }
});
