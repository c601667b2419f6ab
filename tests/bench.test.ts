//! The benchmark runner's quick mode as a correctness check: every benchmark program, at the
//! interpreter, baseline and optimizing tiers, with both harness counts 1, must print exactly
//! what its JavaScript version prints (and the C version too, where gcc is present).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Row } from '../bench/report.js';

const RUNNER = fileURLToPath(new URL('../bench/run.js', import.meta.url));
const TIERS = ['interp', 'baseline', 'opt'];

interface Report {
  readonly verified: boolean;
  readonly machine: { readonly gcc: string | null };
  readonly rows: readonly Row[];
}

function runQuick(suite: string): Promise<Report> {
  return new Promise((resolve, reject) => {
    const args = [RUNNER, '--suite', suite, '--quick', '--tiers', TIERS.join(','), '--timeout', '120', '--json'];
    // The runner exits 1 when a run fails; its JSON report says which, so read it either way.
    execFile(process.execPath, args, { maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout) as Report);
      } catch {
        reject(new Error(`bench runner printed no report (${error?.message ?? 'no error'}):\n${stderr}`));
      }
    });
  });
}

for (const suite of ['awfy', 'micro']) {
  test(`bench --suite ${suite} --quick: every program verified at every tier`, { timeout: 300_000 }, async () => {
    const report = await runQuick(suite);
    assert.ok(report.rows.length > 0, 'no programs found');
    for (const row of report.rows) {
      const runners = [...TIERS, 'js', ...(suite === 'awfy' && report.machine.gcc ? ['c'] : [])];
      for (const runner of runners) {
        const result = row.results[runner];
        assert.ok(result, `${suite}/${row.program}: no ${runner} result`);
        assert.equal(result.failure, null, `${suite}/${row.program} ${runner}`);
        assert.ok(result.median !== null && result.median > 0, `${suite}/${row.program} ${runner}: no time`);
      }
    }
    assert.equal(report.verified, true);
  });
}

test('bench --against: each tier also runs from another checkout, and after/before is printed', { timeout: 120_000 }, async () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const stdout = await new Promise<string>((resolve, reject) => {
    const args = [RUNNER, '--programs', 'micro/fib', '--quick', '--tiers', 'baseline', '--against', root];
    execFile(process.execPath, args, (error, out, stderr) => (error ? reject(new Error(stderr)) : resolve(out)));
  });
  assert.match(stdout, /baseline@before s/);
  assert.match(stdout, /^micro\s+baseline\/baseline@before\s+\d+\.\d{3}x/m);
});

test('bench/startup: times rejit run beside node -e 0', { timeout: 120_000 }, async () => {
  const script = fileURLToPath(new URL('../bench/startup.js', import.meta.url));
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [script, '--runs', '1'], (error, out, stderr) => (error ? reject(new Error(stderr)) : resolve(out)));
  });
  for (const row of ['node -e 0', 'rejit run empty.rj', 'rejit run hello.rj']) {
    assert.match(stdout, new RegExp(`^${row}\\s+\\d+\\.\\d\\s+\\d+\\.\\d\\s+\\d+\\.\\d\\dx\\s+\\d+\\.\\d\\s+\\d+\\.\\d\\dx$`, 'm'));
  }
});

test('bench/startup --instructions: counts each command under Valgrind, or says why not', { timeout: 300_000 }, async (t) => {
  const script = fileURLToPath(new URL('../bench/startup.js', import.meta.url));
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [script, '--runs', '1', '--instructions', '1'], (error, out, stderr) => (error ? reject(new Error(stderr)) : resolve(out)));
  });
  if (/instructions: not counted \(valgrind: ENOENT\)/.test(stdout)) {
    t.skip('valgrind is not installed');
    return;
  }
  for (const row of ['node -e 0', 'rejit run empty.rj', 'rejit run hello.rj']) {
    assert.match(stdout, new RegExp(`^${row}\\s+\\d+\\.\\d\\s+\\d+\\.\\d\\dx$`, 'm'));
  }
  assert.match(stdout, /^node -e 0\s+\d+\.\d\s+1\.00x$/m);
});
