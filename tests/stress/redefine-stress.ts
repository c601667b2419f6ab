//! Concurrency stress: threads call functions in hot loops while the host
//! redefines them again and again. It checks the spec's guarantees on every
//! call:
//!
//! - a call's result comes from a definition that existed at some moment
//!   during the call: not newer than the newest load started by its end;
//! - after a load has returned, no call that starts later returns an older
//!   version.
//!
//! `node dist/tests/stress/redefine-stress.js [--threads N] [--loads N] [--tier T] [--hierarchy] [--reclaim-always]`
//! runs the long mode; `tests/stress.test.ts` runs a short one. With
//! `--tier opt` the calls run in optimized code that assumes the definitions
//! (and, with `--hierarchy`, the class hierarchy) that each load breaks.
//! With `--reclaim-always` every thread frees superseded code at every
//! safepoint and every load sweeps code ids (`CompileOptions.reclaimAlways`):
//! versions another thread still runs must survive it. The long mode prints
//! the peak RSS after 1,000 loads and at the end, and the code kept and freed.

import { parseArgs } from 'node:util';
import { ThreadedSession } from '../../src/session/threaded-session.js';
import type { Tier } from '../../src/session/session.js';
import type { TierUpThresholds } from '../../src/tiering/tiering.js';
import type { CodeStats } from '../../src/session/session.js';
import { DEFAULT_COMPILE_OPTIONS } from '../../src/backend/compile-options.js';

export interface StressResult {
  readonly loads: number;
  readonly calls: bigint;
  readonly violations: number;
  readonly traps: number;
  /** The trap or internal error a thread reported, formatted; null when every thread returned. */
  readonly failure: string | null;
  /** The code kept and freed, over the threads, at the end. */
  readonly code: CodeStats;
  /** Resident set size after 1,000 loads (or at the end of a shorter run) and at the end, in bytes. */
  readonly rssAfter1000: number;
  readonly rssAtEnd: number;
  /** Entries the load log keeps at the end (it compacts the superseded ones). */
  readonly logged: number;
}

/** A worker's loop, `name`: `round` until stopped, counting the rounds as they end. */
function hammer(name: string, round: string): string {
  return `
fn ${name}() {
  atomic_add(running, 1);
  let probe = new Probe;
  while atomic_load(stop) == 0 {
    ${round}(probe);
    atomic_add(rounds, 1);
  }
}
`;
}

/**
 * Each worker thread loops: reads `returned` (the newest version whose load
 * has returned), calls `version()` (directly, and through a virtual call),
 * then reads `started` (the newest version whose load has begun). The loop's
 * body is a function of its own, so that with `--tier auto` it runs compiled
 * once hot, while `hammer` stays interpreted (no on-stack replacement): each
 * new `version` then starts interpreted under compiled callers.
 */
const PROGRAM = `
global started: i32 = 0;
global returned: i32 = 0;
global stop: i32 = 0;
global violations: i32 = 0;
global running: i32 = 0;
global rounds: i64 = 0;

fn version() -> i32 { return 0; }

class Probe {
  fn version(self) -> i32 { return version(); }
}

fn check(before: i32, v: i32) {
  let after = atomic_load(started);
  if v < before || v > after { atomic_add(violations, 1); }
}

fn round(probe: Probe) {
  let before = atomic_load(returned);
  check(before, version());
  let before2 = atomic_load(returned);
  check(before2, probe.version());
}
${hammer('hammer', 'round')}`;

/**
 * With `hierarchy`, each round also calls `version` through a receiver that
 * `make` returns: every load k adds a subclass `P<k>` of `Probe` whose
 * override returns k, and redefines `make` (which has a loop, so it is never
 * inlined) to return one. Before the first load, `Probe` has one
 * implementation of `version`, so the optimizing tier devirtualizes and
 * inlines the call with no class check: the first subclass breaks that
 * assumption while every thread runs the code.
 */
const HIERARCHY = `
fn make() -> Probe { for i in 0..1 { } return new Probe; }

fn round2(probe: Probe) {
  round(probe);
  let before = atomic_load(returned);
  let p = make();
  check(before, p.version());
}
${hammer('hammer2', 'round2')}`;

function hierarchyLoad(k: number): string {
  return `class P${k} extends Probe { fn version(self) -> i32 { return ${k}; } }
fn make() -> Probe { for i in 0..1 { } return new P${k}; }
fn version() -> i32 { return ${k}; }`;
}

/** The checked calls a round of `round` and of `round2` makes. */
const ROUND_CALLS = 2;
const ROUND2_CALLS = 3;

/** Loads between waits for the threads to make rounds: on busy cores they may barely run between loads otherwise. */
const PACE = 5;
/** How long the threads may take for a round each before the stress fails. */
const ROUNDS_TIMEOUT_MS = 60_000;

/** Waits until the threads have made `threads` rounds (one each, on average) since the last wait, or the run has `ended` (a trap stops it). */
async function roundsMade(session: ThreadedSession, threads: number, ended: () => boolean): Promise<void> {
  const wanted = (session.session.readGlobal('rounds') as bigint) + BigInt(threads);
  const deadline = Date.now() + ROUNDS_TIMEOUT_MS;
  while ((session.session.readGlobal('rounds') as bigint) < wanted && !ended()) {
    if (Date.now() > deadline) throw new Error(`the threads made no rounds for ${ROUNDS_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

export async function runRedefineStress(threads: number, loads: number, tier: Tier, tierUp?: TierUpThresholds, hierarchy = false, reclaimAlways = false): Promise<StressResult> {
  const compile = reclaimAlways ? { ...DEFAULT_COMPILE_OPTIONS, reclaimAlways } : undefined;
  const session = await ThreadedSession.create({ threads, tier, tierUp, compile, print: () => {} });
  let rssAfter1000 = 0;
  try {
    session.load(hierarchy ? PROGRAM + HIERARCHY : PROGRAM, 'stress.rj');
    const run = session.run(hierarchy ? 'hammer2' : 'hammer');
    let ended = false;
    const end = (): void => {
      ended = true;
    };
    void run.then(end, end);
    // Let the threads get going before the first redefinition.
    await new Promise((resolve) => setTimeout(resolve, 50));
    while ((session.session.readGlobal('running') as number) < threads) await new Promise((resolve) => setTimeout(resolve, 5));
    for (let k = 1; k <= loads; k++) {
      session.session.writeGlobal('started', k);
      session.load(hierarchy ? hierarchyLoad(k) : `fn version() -> i32 { return ${k}; }`, `version-${k}.rj`);
      session.session.writeGlobal('returned', k);
      if (k === Math.min(1000, loads)) rssAfter1000 = process.memoryUsage().rss;
      // Yield now and then so that the workers' messages are not all held up.
      if (k % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (k % PACE === 0) await roundsMade(session, threads, () => ended);
    }
    session.session.writeGlobal('stop', 1);
    const result = await run;
    return {
      loads,
      calls: (session.session.readGlobal('rounds') as bigint) * BigInt(hierarchy ? ROUND2_CALLS : ROUND_CALLS),
      violations: session.session.readGlobal('violations') as number,
      traps: result.outcomes.filter((o) => o.kind !== 'returned').length,
      failure: result.trap ?? result.internal,
      code: session.codeStats(),
      rssAfter1000,
      rssAtEnd: process.memoryUsage().rss,
      logged: session.loadedModules().length,
    };
  } finally {
    await session.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      threads: { type: 'string', default: '4' },
      loads: { type: 'string', default: '10000' },
      tier: { type: 'string', default: 'auto' },
      hierarchy: { type: 'boolean', default: false },
      'reclaim-always': { type: 'boolean', default: false },
    },
  });
  const started = performance.now();
  const r = await runRedefineStress(Number(values.threads), Number(values.loads), values.tier as Tier, undefined, values.hierarchy, values['reclaim-always']);
  const seconds = (performance.now() - started) / 1000;
  console.log(`${values.threads} threads, ${r.loads} loads, ${r.calls} calls in ${seconds.toFixed(1)} s: ${r.violations} violations, ${r.traps} threads that did not return normally`);
  if (r.failure) console.log(r.failure);
  const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
  console.log(`RSS ${mb(r.rssAfter1000)} MB after 1,000 loads, ${mb(r.rssAtEnd)} MB at the end; code: ${JSON.stringify(r.code)}`);
  process.exitCode = r.violations === 0 && r.traps === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\/dist\//, '/dist/'))) await main();
