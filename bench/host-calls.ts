//! What a call from the host into Rejit costs (a script, not a test): the
//! nanoseconds per call of a small function (`add(i32, i32) -> i32`, and one
//! taking an `f64[]` handle) through `session.call(name, ...)`, which looks
//! the name up and converts the arguments each time, and through a function
//! handle from `session.lookup(name)`, which does neither; beside them the
//! same function as plain JavaScript, the floor. At each tier given.
//!
//! Each variant runs `--calls` calls in a loop, after as many for warm-up
//! (V8 optimizes the loop and the wasm); the variants alternate in every
//! round and the medians count. Wall-clock and CPU time are both shown.
//!
//! `node dist/bench/host-calls.js [--tiers interp,baseline,opt] [--calls N] [--runs N]`

import { parseArgs } from 'node:util';
import { Session } from '../src/session/session.js';
import { TIER_NAMES, type Tier } from '../src/tiering/tiers.js';
import { HELP, positiveInteger, runScript } from './arguments.js';
import { median } from './measure.js';
import { formatTable } from './text-table.js';

const USAGE = `Usage: node dist/bench/host-calls.js [options]
  --tiers T,U    tiers to measure (default: interp,baseline,opt)
  --calls N      calls per timed run (default: 1000000)
  --runs N       timed runs of each variant; the median counts (default: 7)
`;

const PROGRAM = `
fn add(a: i32, b: i32) -> i32 { return a + b; }
fn first(a: f64[]) -> f64 { return a[0]; }
`;

interface Options {
  readonly tiers: readonly Tier[];
  readonly calls: number;
  readonly runs: number;
}

function parseOptions(argv: string[]): Options | typeof HELP {
  const { values } = parseArgs({ args: argv, options: { tiers: { type: 'string' }, calls: { type: 'string' }, runs: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) return HELP;
  const tiers = (values.tiers ?? 'interp,baseline,opt').split(',') as Tier[];
  for (const t of tiers) if (!TIER_NAMES.includes(t)) throw new Error(`--tiers: no tier '${t}' (${TIER_NAMES.join(', ')})`);
  return { tiers, calls: positiveInteger(values.calls, '--calls') ?? 1_000_000, runs: positiveInteger(values.runs, '--runs') ?? 7 };
}

/** Nanoseconds per call of `loop(calls)`, wall-clock and CPU. */
function time(loop: (calls: number) => number, calls: number): { wall: number; cpu: number } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const sink = loop(calls);
  const wall = Number(process.hrtime.bigint() - start) / calls;
  const used = process.cpuUsage(cpu);
  if (!Number.isFinite(sink)) throw new Error('the loop computed nothing');
  return { wall, cpu: ((used.user + used.system) * 1000) / calls };
}

function measure(tier: Tier, options: Options): string[][] {
  const s = new Session({ tier, print: () => {} });
  s.load(PROGRAM, 'host-calls.rj');
  const add = s.lookup('add');
  const first = s.lookup('first');
  const array = s.newArray('f64[]', Float64Array.of(1.5));
  const jsAdd = (a: number, b: number): number => (a + b) | 0;
  const variants: [string, (calls: number) => number][] = [
    ['add: s.call', (n) => { let t = 0; for (let i = 0; i < n; i++) t = s.call('add', i, t) as number; return t; }],
    ['add: handle', (n) => { let t = 0; for (let i = 0; i < n; i++) t = add(i, t) as number; return t; }],
    ['add: JavaScript', (n) => { let t = 0; for (let i = 0; i < n; i++) t = jsAdd(i, t); return t; }],
    ['first(f64[]): s.call', (n) => { let t = 0; for (let i = 0; i < n; i++) t += s.call('first', array) as number; return t; }],
    ['first(f64[]): handle', (n) => { let t = 0; for (let i = 0; i < n; i++) t += first(array) as number; return t; }],
  ];
  for (const [, loop] of variants) loop(options.calls);
  const samples = variants.map(() => [] as { wall: number; cpu: number }[]);
  for (let round = 0; round < options.runs; round++) variants.forEach(([, loop], k) => samples[k]?.push(time(loop, options.calls)));
  return variants.map(([label], k) => {
    const xs = samples[k] ?? [];
    return [tier, label, median(xs.map((x) => x.wall)).toFixed(1), median(xs.map((x) => x.cpu)).toFixed(1)];
  });
}

async function main(options: Options): Promise<number> {
  const rows = options.tiers.flatMap((t) => measure(t, options));
  process.stdout.write(`${formatTable([['tier', 'call', 'ns/call (wall)', 'ns/call (CPU)'], ...rows])}\n`);
  return 0;
}

process.exitCode = await runScript('host-calls', USAGE, process.argv.slice(2), parseOptions, main);
