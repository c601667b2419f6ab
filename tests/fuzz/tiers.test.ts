//! The differential fuzzer across tiers, on a fixed set of seeds: each
//! generated program (`program-generator.ts`) prints the same lines and ends
//! the same way (result, or trap with message, position and stack) at
//! `interp`, `baseline` and `auto` with tier-up at the second call. Longer
//! runs: `node dist/tests/fuzz/tiers-fuzz.js --seeds N --start S`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSeed, describe } from './run-tiers.js';

const SEEDS = 400;

test(`${SEEDS} random programs end the same at every tier`, () => {
  const failures: string[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const report = checkSeed(seed);
    if (report.divergence !== null) failures.push(describe(report));
  }
  assert.equal(failures.length, 0, failures.join('\n\n'));
});

test('the generated programs are not all cut short by a trap', () => {
  const endings = Array.from({ length: 50 }, (_, i) => checkSeed(i + 1).ending);
  const returned = endings.filter((e) => e.startsWith('result')).length;
  assert.ok(returned >= 10, `only ${returned} of 50 programs returned`);
});
