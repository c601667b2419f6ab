//! The command line's flag parser (src/cli/arguments.ts): what it reads from
//! each form of flag, and the message of each mistake.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, parseArguments } from '../src/cli/arguments.js';

const SPECS = {
  help: { type: 'boolean', short: 'h' },
  tier: { type: 'string' },
  'allow-load': { type: 'string', multiple: true },
} as const;

test('flags with values, booleans, short letters and positionals, in any order', () => {
  const { values, positionals } = parseArguments(['run', '--tier', 'opt', 'f.rj', '-h', '--allow-load=a', '--allow-load', 'b'], SPECS);
  assert.deepEqual(values, { tier: 'opt', help: true, 'allow-load': ['a', 'b'] });
  assert.deepEqual(positionals, ['run', 'f.rj']);
});

test('a value may start with one dash; a flag given twice keeps its last value; a lone dash is a positional', () => {
  assert.deepEqual(parseArguments(['--tier', '-1', '--tier=x=y', '-'], SPECS), { values: { tier: 'x=y' }, positionals: ['-'] });
  assert.deepEqual(parseArguments(['--tier='], SPECS).values, { tier: '' });
});

test('each mistake names its flag', () => {
  const cases: readonly (readonly [readonly string[], string])[] = [
    [['--bogus'], "Unknown option '--bogus'"],
    [['--bogus=1'], "Unknown option '--bogus'"],
    [['-x'], "Unknown option '-x'"],
    [['--tier'], "Option '--tier <value>' argument missing"],
    [['--tier', '--help'], "Option '--tier <value>' argument missing"],
    [['--help=yes'], "Option '--help' does not take an argument"],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseArguments(argv, SPECS), (e: unknown) => e instanceof ArgumentError && e.message === message, argv.join(' '));
  }
});
