//! Code lifetime under endless redefinition (a script, not a test): the loop
//! of issue 11. Thread 0 loads `f1.rj` and `f2.rj` alternately from the
//! program (`load`), calling `f` after each load, inside a frame of `keeper`
//! whose body each load also redefines (an old body stays on the stack for
//! the whole run); the other threads call `f` meanwhile, with a sleep of 10 ms
//! after each call (a sleeping thread applies the loads it missed when
//! it wakes, so each of them replays them all and keeps code of its own). They
//! do not spin: three spinning threads on a two-core machine make every load
//! wait for the scheduler to run each of them again. Printed
//! for each tier and thread count: the peak RSS after 1,000 loads and at the
//! end, and the time per load over the loads up to 1,000, 10,000 and 100,000
//! (each figure over the stretch since the previous one), with the code
//! versions kept and freed.
//!
//! `node dist/bench/redefine-memory.js [--loads N] [--tiers interp,baseline,auto,opt] [--threads 1,4] [--quick]`
//! The figures go in docs/PERFORMANCE.md ("Code lifetime"). Do not run it on a
//! loaded machine: the times are meaningless there.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ThreadedSession } from '../src/session/threaded-session.js';
import type { Tier } from '../src/session/session.js';
import { HELP, positiveInteger, runScript } from './arguments.js';

const USAGE = `usage: node dist/bench/redefine-memory.js [options]
  --loads N        redefinitions per run (default 100000)
  --tiers LIST     comma-separated tiers (default interp,baseline,auto,opt)
  --threads LIST   comma-separated thread counts (default 1,4)
  --quick          500 loads at every tier on 2 threads (a check that everything runs)
`;

/** Loads after which the time per load is reported (those up to the run's length), and the peak RSS first. */
const CHECKPOINTS = [1_000, 10_000, 100_000];

function program(loads: number): string {
  const marks = CHECKPOINTS.filter((c) => c < loads).concat(loads);
  return `
global loads: i32 = 0;
global done: i32 = 0;
global checksum: i64 = 0;
${marks.map((_, i) => `global ns${i}: i64 = 0;`).join('\n')}
fn f() -> i32 { return 0; }
fn keeper(n: i32) -> i64 {
  let sum: i64 = 0;
  let start = clock_ns();
  for i in 0..n {
    if i % 2 == 0 { load("f1.rj"); } else { load("f2.rj"); }
    sum += i64(f());
    atomic_store(loads, i + 1);
${marks.map((m, i) => `    if i + 1 == ${m} { ns${i} = clock_ns() - start; }`).join('\n')}
  }
  return sum;
}
fn main() {
  if thread_id() == 0 {
    checksum = keeper(${loads});
    atomic_store(done, 1);
  } else {
    let t: i64 = 0;
    while atomic_load(done) == 0 { t += i64(f()); sleep_ms(10); }
  }
}`;
}

const MODULE = (k: number): string => `fn f() -> i32 { return ${k}; }\nfn keeper(n: i32) -> i64 { return -1; }\n`;

interface Options {
  readonly loads: number;
  readonly tiers: readonly Tier[];
  readonly threads: readonly number[];
  /** Set in the child process that measures one tier and thread count (a peak RSS is the whole process's). */
  readonly only: boolean;
}

function list(text: string, option: string): string[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new Error(`${option} takes a comma-separated list`);
  return items;
}

function parseOptions(argv: string[]): Options | typeof HELP {
  const { values } = parseArgs({
    args: argv,
    options: {
      loads: { type: 'string' },
      tiers: { type: 'string', default: 'interp,baseline,auto,opt' },
      threads: { type: 'string', default: '1,4' },
      quick: { type: 'boolean', default: false },
      only: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return HELP;
  if (values.quick) return { loads: 500, tiers: ['interp', 'baseline', 'auto', 'opt'], threads: [2], only: false };
  return {
    loads: positiveInteger(values.loads, '--loads') ?? 100_000,
    tiers: list(values.tiers as string, '--tiers') as Tier[],
    threads: list(values.threads as string, '--threads').map((t) => positiveInteger(t, '--threads') as number),
    only: values.only as boolean,
  };
}

const peakRss = (): number => process.resourceUsage().maxRSS * 1024;
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;

async function measure(tier: Tier, threads: number, loads: number, dir: string): Promise<string> {
  const s = await ThreadedSession.create({ threads, tier, print: () => {}, loadDirectories: [dir] });
  try {
    s.load(program(loads), join(dir, 'main.rj'));
    const run = s.run('main');
    let rss1000 = 0;
    // The host's event loop is free while the threads run: it samples the peak RSS once 1,000 loads are done.
    const sampler = setInterval(() => {
      if (rss1000 === 0 && (s.session.readGlobal('loads') as number) >= Math.min(1_000, loads)) rss1000 = peakRss();
    }, 5);
    const result = await run;
    clearInterval(sampler);
    if (result.trap !== null || result.internal !== null) throw new Error(result.trap ?? result.internal ?? '');
    if (rss1000 === 0) rss1000 = peakRss();
    const end = peakRss();
    const marks = CHECKPOINTS.filter((c) => c < loads).concat(loads);
    let previous = { loads: 0, ns: 0n };
    const perLoad = marks.map((m, i) => {
      const ns = s.session.readGlobal(`ns${i}`) as bigint;
      const us = Number(ns - previous.ns) / 1000 / (m - previous.loads);
      previous = { loads: m, ns };
      return `${us.toFixed(1)} us/load to ${m.toLocaleString('en-US')}`;
    });
    const code = s.codeStats();
    return `${tier.padEnd(8)} ${threads} thread${threads === 1 ? ' ' : 's'}: peak RSS ${mb(rss1000)} after ${Math.min(1_000, loads).toLocaleString('en-US')} loads, ${mb(end)} after ${loads.toLocaleString('en-US')} (+${mb(end - rss1000)}); ${perLoad.join(', ')}; versions kept ${code.liveVersions}, freed ${code.freedVersions}; code ids in use ${code.liveCodeIds}`;
  } finally {
    await s.close();
  }
}

async function main(options: Options): Promise<number> {
  if (!options.only) {
    // One process per tier and thread count: each has a peak RSS of its own.
    const script = fileURLToPath(import.meta.url);
    for (const tier of options.tiers) {
      for (const threads of options.threads) {
        const args = [script, '--only', '--loads', String(options.loads), '--tiers', tier, '--threads', String(threads)];
        process.stdout.write(execFileSync(process.execPath, args, { encoding: 'utf8' }));
      }
    }
    return 0;
  }
  const dir = mkdtempSync(join(tmpdir(), 'rejit-redefine-'));
  try {
    writeFileSync(join(dir, 'f1.rj'), MODULE(1));
    writeFileSync(join(dir, 'f2.rj'), MODULE(2));
    console.log(await measure(options.tiers[0] as Tier, options.threads[0] as number, options.loads, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}

process.exitCode = await runScript('redefine-memory', USAGE, process.argv.slice(2), parseOptions, main);
