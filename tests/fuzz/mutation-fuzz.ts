//! The long mode of the mutation fuzzer:
//! `node dist/tests/fuzz/mutation-fuzz.js --mutants N --start S [--workers W] [--run-ms MS]`
//! runs mutants S .. S+N-1 (`mutation-mutate.ts`) through the checker and
//! every tier (`mutation-pool.ts`), prints each failure with its mutant and
//! the counts of how mutants ended. `--print K` shows mutant K's source and
//! exits. Exit status 1 when any mutant failed.

import { corpus, mutant, repositoryRoot } from './mutation-mutate.js';
import { describeFailure, fuzz, TIER_LABELS } from './mutation-pool.js';
import { scriptOptions, wholeNumber } from './script-options.js';

const USAGE = 'Usage: node dist/tests/fuzz/mutation-fuzz.js [--mutants N] [--start S] [--workers W] [--run-ms MS] [--print K]\n';
const values = scriptOptions(USAGE, {
  mutants: { type: 'string', default: '1000' },
  start: { type: 'string', default: '1' },
  workers: { type: 'string', default: '2' },
  'run-ms': { type: 'string', default: '2000' },
  print: { type: 'string' },
});
if (values.print !== undefined) {
  const root = repositoryRoot();
  const m = mutant(wholeNumber(USAGE, 'print', values.print, 0), root, corpus(root));
  process.stdout.write(`// mutant ${m.number} of ${m.origin}: ${m.mutations.join('; ')}\n${m.source}`);
  process.exit(0);
}
const start = wholeNumber(USAGE, 'start', values.start, 0);
const count = wholeNumber(USAGE, 'mutants', values.mutants, 1);
const workers = wholeNumber(USAGE, 'workers', values.workers, 1);
const runMs = wholeNumber(USAGE, 'run-ms', values['run-ms'], 1);
const began = Date.now();
const report = await fuzz({
  start,
  count,
  workers,
  runMs,
  progress: (done, failed) => {
    if (done % 100 === 0) console.error(`${done} mutants, ${failed} failed, ${((Date.now() - began) / 1000).toFixed(0)} s`);
  },
});
for (const f of report.failures) console.log(`${describeFailure(f)}\n`);
const seconds = ((Date.now() - began) / 1000).toFixed(1);
console.log(`${count} mutants from ${start} at ${TIER_LABELS.join(', ')} in ${seconds} s; failed: ${report.failures.length === 0 ? 'none' : report.failures.map((f) => f.mutant.number).join(' ')}`);
console.log(`endings: ${[...report.counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
process.exit(report.failures.length === 0 ? 0 : 1);
