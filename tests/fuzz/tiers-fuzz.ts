//! The long mode of the differential fuzzer across tiers:
//! `node dist/tests/fuzz/tiers-fuzz.js --seeds N --start S [--print]`
//! runs the programs of seeds S .. S+N-1 (`program-generator.ts`) at every
//! tier and reports each seed whose outcome differs from the interpreter's,
//! with its program. `--print SEED` shows one seed's program and exits.
//! Exit status 1 when any seed failed.

import { parseArgs } from 'node:util';
import { checkSeed, describe } from './run-tiers.js';
import { generateProgram } from './program-generator.js';
import { HELP, integerAtLeast, runScript } from '../../bench/arguments.js';

const USAGE = 'Usage: node dist/tests/fuzz/tiers-fuzz.js [--seeds N] [--start S] [--print SEED]\n';

interface Options {
  readonly seeds: number;
  readonly start: number;
  readonly print: number | undefined;
}

function parseOptions(argv: string[]): Options | typeof HELP {
  const { values } = parseArgs({ args: argv, options: { seeds: { type: 'string' }, start: { type: 'string' }, print: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) return HELP;
  return {
    seeds: integerAtLeast(values.seeds, '--seeds', 1) ?? 1000,
    start: integerAtLeast(values.start, '--start', 0) ?? 1,
    print: integerAtLeast(values.print, '--print', 0),
  };
}

function main({ seeds: count, start, print }: Options): number {
  if (print !== undefined) {
    process.stdout.write(generateProgram(print));
    return 0;
  }
  const began = Date.now();
  const failed: number[] = [];
  const endings = new Map<string, number>();
  for (let seed = start; seed < start + count; seed++) {
    const report = checkSeed(seed);
    const kind = report.ending.replace(/^trap: \S+ trap: /, 'trap: ').replace(/^result: .*/, 'result');
    endings.set(kind, (endings.get(kind) ?? 0) + 1);
    if (report.divergence !== null) {
      failed.push(seed);
      console.log(`${describe(report)}\n`);
    }
    if ((seed - start + 1) % 100 === 0) console.error(`${seed - start + 1} seeds, ${failed.length} failed, ${((Date.now() - began) / 1000).toFixed(0)} s`);
  }
  console.log(`${count} seeds from ${start} in ${((Date.now() - began) / 1000).toFixed(1)} s; failed: ${failed.length === 0 ? 'none' : failed.join(' ')}`);
  console.log(`endings: ${[...endings].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  return failed.length === 0 ? 0 : 1;
}

process.exit(await runScript('tiers-fuzz', USAGE, process.argv.slice(2), parseOptions, main));
