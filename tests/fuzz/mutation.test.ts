//! The mutation fuzzer's short mode: a fixed range of mutants of the golden
//! and benchmark programs (`mutation-mutate.ts`) through the checker and
//! every tier, none of which may crash, hang, fail inside the runtime or
//! disagree (`mutation-pool.ts`). Longer runs:
//! `node dist/tests/fuzz/mutation-fuzz.js --mutants N --start S`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpus, mutant, repositoryRoot } from './mutation-mutate.js';
import { describeFailure, fuzz, judge } from './mutation-pool.js';
import type { TierRun } from './mutation-worker.js';

const MUTANTS = 1500;

test(`${MUTANTS} mutants check or are rejected cleanly, and run alike at every tier`, async () => {
  const report = await fuzz({ start: 1, count: MUTANTS, workers: 2, runMs: 1000 });
  assert.equal(report.failures.length, 0, report.failures.map(describeFailure).join('\n\n'));
  const ran = [...report.counts].filter(([k]) => k.startsWith('ran')).reduce((n, [, c]) => n + c, 0);
  assert.ok(ran >= 10, `only ${ran} mutants ran: ${[...report.counts].join('; ')}`);
});

test('a mutant is its number: the same program and mutations each time', () => {
  const root = repositoryRoot();
  const programs = corpus(root);
  assert.ok(programs.some((p) => p.startsWith('bench/')) && programs.some((p) => p.startsWith('tests/golden/')));
  assert.deepEqual(mutant(42, root, programs), mutant(42, root, programs));
  assert.notEqual(mutant(42, root, programs).source, mutant(43, root, programs).source);
});

const run = (label: string, ending: string, lines: string[] = []): TierRun => ({ label, lines, lineCount: lines.length, ending });

test('the judge fails internal errors, JavaScript errors and stacks, disagreements, hangs and crashes', () => {
  const ran = (...runs: TierRun[]) => judge({ stage: 'ran', runs }, null);
  assert.equal(ran(run('interp', 'result: 1'), run('baseline', 'result: 1')).failure, undefined);
  assert.equal(ran(run('interp', 'timeout', ['a']), run('baseline', 'result: 1')).failure, undefined);
  assert.equal(ran(run('interp', 'trap: f.rj:1:1: trap: stack overflow\n  ... 5 more frames'), run('baseline', 'trap: f.rj:1:1: trap: stack overflow\n  ... 9 more frames')).failure, undefined);
  assert.equal(ran(run('interp', 'result: 1'), run('baseline', 'internal: internal error: RuntimeError: unreachable')).kind, 'internal error');
  assert.equal(ran(run('interp', 'error: TypeError: x\n    at f (file:///a.js:1:2)')).kind, 'JavaScript error');
  assert.equal(ran(run('interp', 'result: 1', ['    at f (node:internal/x:1:2)'])).kind, 'JavaScript stack');
  assert.equal(ran(run('interp', 'result: 1', ['after']), run('baseline', 'result: 1')).kind, 'tier disagreement');
  assert.equal(judge({ stage: 'check crashed', error: 'RangeError' }, null).kind, 'check crashed');
  assert.equal(judge(null, 'hang: no reply in time').kind, 'hang');
  assert.equal(judge(null, 'worker exited with code 1').kind, 'worker died');
  assert.equal(judge({ stage: 'rejected', diagnostics: 'm.rj:1:1: error: x' }, null).kind, 'rejected');
});
