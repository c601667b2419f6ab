//! The long mode of the differential fuzzer across tiers:
//! `node dist/tests/fuzz/tiers-fuzz.js --seeds N --start S [--print]`
//! runs the programs of seeds S .. S+N-1 (`program-generator.ts`) at every
//! tier and reports each seed whose outcome differs from the interpreter's,
//! with its program. `--print SEED` shows one seed's program and exits.
//! Exit status 1 when any seed failed.

import { checkSeed, describe } from './run-tiers.js';
import { generateProgram } from './program-generator.js';
import { scriptOptions, wholeNumber } from './script-options.js';

const USAGE = 'Usage: node dist/tests/fuzz/tiers-fuzz.js [--seeds N] [--start S] [--print K]\n';
const values = scriptOptions(USAGE, { seeds: { type: 'string', default: '1000' }, start: { type: 'string', default: '1' }, print: { type: 'string' } });
if (values.print !== undefined) {
  process.stdout.write(generateProgram(wholeNumber(USAGE, 'print', values.print, 0)));
  process.exit(0);
}
const start = wholeNumber(USAGE, 'start', values.start, 0);
const count = wholeNumber(USAGE, 'seeds', values.seeds, 1);
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
process.exit(failed.length === 0 ? 0 : 1);
