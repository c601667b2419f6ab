//! Thread benchmarks (a script, not a test):
//!
//! - publication latency: while every thread runs a hot loop of calls, the
//!   host redefines the called function; each `load` returns once every
//!   thread has acknowledged the new code, so its duration is the time from
//!   the load starting to every thread running the new code (p50, p99);
//! - parallel speed-up: a fixed amount of independent work split over 1 and
//!   2 threads (median wall time of several runs).
//!
//! `node dist/bench/threads.js [--tier T] [--loads N] [--runs N] [--quick] [--help]`

import { parseArgs } from 'node:util';
import { ThreadedSession } from '../src/session/threaded-session.js';
import { TIER_NAMES, isTier, type Tier } from '../src/tiering/tiers.js';
import { HELP, positiveInteger, runScript } from './arguments.js';

const HOT_LOOP = `
global stop: i32 = 0;
fn step(x: i32) -> i32 { return x + 1; }
fn hot() {
  let x = 0;
  while atomic_load(stop) == 0 { x = step(x) & 1023; }
}
`;

const PARALLEL = `
global total: i64 = 0;
fn work(from: i32, to: i32) -> i64 {
  let s: i64 = 0;
  for i in from..to {
    let x = i;
    for k in 0..50 { x = (x * 1103515245 + 12345) & 2147483647; }
    s += i64(x & 255);
  }
  return s;
}
fn main() {
  let n = WORK / thread_count();
  let from = thread_id() * n;
  atomic_add(total, work(from, from + n));
}
`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

function median(xs: readonly number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 0.5);
}

async function publicationLatency(threads: number, loads: number, tier: Tier): Promise<{ p50: number; p99: number }> {
  const session = await ThreadedSession.create({ threads, tier, print: () => {} });
  try {
    session.load(HOT_LOOP, 'hot.rj');
    const run = session.run('hot');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const times: number[] = [];
    for (let k = 0; k < loads; k++) {
      const source = `fn step(x: i32) -> i32 { return x + ${k % 7}; }`;
      const start = performance.now();
      session.load(source, `step-${k}.rj`);
      times.push(performance.now() - start);
      // Back to the event loop now and then, as a host application would be.
      if (k % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    session.session.writeGlobal('stop', 1);
    await run;
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
  } finally {
    await session.close();
  }
}

async function parallelTime(threads: number, work: number, tier: Tier): Promise<number> {
  const session = await ThreadedSession.create({ threads, tier, print: () => {} });
  try {
    session.load(`const WORK: i32 = ${work};\n${PARALLEL}`, 'parallel.rj');
    const start = performance.now();
    const r = await session.run('main');
    const ms = performance.now() - start;
    if (r.outcomes.some((o) => o.kind !== 'returned')) throw new Error('parallel run failed');
    return ms;
  } finally {
    await session.close();
  }
}


const USAGE = `Usage: node dist/bench/threads.js [options]
  --tier T      interp, baseline or auto (default: baseline)
  --loads N     redefinitions timed for the publication latency (default: 300)
  --runs N      runs of the parallel work at each thread count; the median counts (default: 5)
  --quick       20 loads, 1 run, little work (a check that everything runs)
`;

interface Options {
  readonly tier: Tier;
  readonly loads: number;
  readonly runs: number;
  readonly work: number;
}

function parseOptions(argv: string[]): Options | typeof HELP {
  const { values } = parseArgs({
    args: argv,
    options: {
      tier: { type: 'string', default: 'baseline' },
      loads: { type: 'string' },
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return HELP;
  const tier = values.tier ?? '';
  if (!isTier(tier)) throw new Error(`unknown tier '${tier}' (use ${TIER_NAMES.join(', ')})`);
  const quick = values.quick as boolean;
  return {
    tier,
    loads: quick ? 20 : (positiveInteger(values.loads, '--loads') ?? 300),
    runs: quick ? 1 : (positiveInteger(values.runs, '--runs') ?? 5),
    work: quick ? 20_000 : 20_000_000,
  };
}

async function main(options: Options): Promise<number> {
  const { tier, loads, runs, work } = options;
  console.log(`tier ${tier}`);
  for (const threads of [2, 4]) {
    const { p50, p99 } = await publicationLatency(threads, loads, tier);
    console.log(`publication latency, ${threads} threads in hot loops, ${loads} loads: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
  }
  const one: number[] = [];
  const two: number[] = [];
  for (let r = 0; r < runs; r++) {
    one.push(await parallelTime(1, work, tier));
    two.push(await parallelTime(2, work, tier));
  }
  const t1 = median(one);
  const t2 = median(two);
  console.log(`parallel work (${work} items), median of ${runs}: 1 thread ${t1.toFixed(0)} ms, 2 threads ${t2.toFixed(0)} ms, speed-up ${(t1 / t2).toFixed(2)}x`);
  return 0;
}

process.exitCode = await runScript('threads', USAGE, process.argv.slice(2), parseOptions, main);
