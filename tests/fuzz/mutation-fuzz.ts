//! The long mode of the mutation fuzzer:
//! `node dist/tests/fuzz/mutation-fuzz.js --mutants N --start S [--workers W] [--run-ms MS]`
//! runs mutants S .. S+N-1 (`mutation-mutate.ts`) through the checker and
//! every tier (`mutation-pool.ts`), prints each failure with its mutant and
//! the counts of how mutants ended. `--print K` shows mutant K's source and
//! exits. Exit status 1 when any mutant failed.

import { parseArgs } from 'node:util';
import { corpus, mutant, repositoryRoot } from './mutation-mutate.js';
import { describeFailure, fuzz, TIER_LABELS } from './mutation-pool.js';
import { HELP, integerAtLeast, positiveInteger, runScript } from '../../bench/arguments.js';

const USAGE = 'Usage: node dist/tests/fuzz/mutation-fuzz.js [--mutants N] [--start S] [--workers W] [--run-ms MS] [--print K]\n';

interface Options {
  readonly mutants: number;
  readonly start: number;
  readonly workers: number;
  readonly runMs: number;
  readonly print: number | undefined;
}

function parseOptions(argv: string[]): Options | typeof HELP {
  const text = { type: 'string' } as const;
  const { values } = parseArgs({ args: argv, options: { mutants: text, start: text, workers: text, 'run-ms': text, print: text, help: { type: 'boolean' } } });
  if (values.help) return HELP;
  return {
    mutants: positiveInteger(values.mutants, '--mutants') ?? 1000,
    start: integerAtLeast(values.start, '--start', 0) ?? 1,
    workers: positiveInteger(values.workers, '--workers') ?? 2,
    runMs: positiveInteger(values['run-ms'], '--run-ms') ?? 2000,
    print: integerAtLeast(values.print, '--print', 0),
  };
}

async function main({ mutants: count, start, workers, runMs, print }: Options): Promise<number> {
  if (print !== undefined) {
    const root = repositoryRoot();
    const m = mutant(print, root, corpus(root));
    process.stdout.write(`// mutant ${m.number} of ${m.origin}: ${m.mutations.join('; ')}\n${m.source}`);
    return 0;
  }
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
  return report.failures.length === 0 ? 0 : 1;
}

process.exit(await runScript('mutation-fuzz', USAGE, process.argv.slice(2), parseOptions, main));
