//! Deoptimization benchmarks (a script, not a test):
//!
//! - cost per deoptimized frame: optimized code of `outer`, with `middle` and
//!   `inner` inlined into it, takes an exit at every validity check
//!   (`--deopt-every 1`), so that every call of `outer` from the host
//!   continues its three frames in the interpreter; the time per call over
//!   the same calls that take no exit, divided by the frames continued;
//! - deoptimization latency: a thread spins in optimized code with no call
//!   left in its loop (`make` inlined); the host loads a redefinition of
//!   `make`, and the time from the start of the load to the spinning thread's
//!   first call of the new `make` (which reads the clock) is the time from a
//!   load to the deoptimization of a frame on another thread (p50, p99);
//! - no deoptimization loop: a call site whose receivers flip between one
//!   class and two every few thousand rounds, at `--tier auto`, against the
//!   same work polymorphic from the start: a session's first call (its
//!   compiles included) and its fourth, with the optimizing compiles in
//!   place (a plain `Session`) and on a compiler thread (as `rejit run`).
//!
//! `node dist/bench/deopt.js [--loads N] [--runs N] [--quick] [--help]`

import { parseArgs } from 'node:util';
import { Session } from '../src/session/session.js';
import { ThreadedSession } from '../src/session/threaded-session.js';
import { DEFAULT_COMPILE_OPTIONS } from '../src/backend/compile-options.js';
import { HELP, positiveInteger, runScript } from './arguments.js';
import { median } from './measure.js';

const FRAMES = `
fn opaque(x: i32, k: i32) -> i32 { if k == 0 { return x; } return opaque(x + 1, k - 1); }
fn inner(x: i32) -> i32 { return opaque(x, 1) + 1; }
fn middle(x: i32) -> i32 { return inner(x) * 2; }
fn outer(x: i32) -> i32 { return middle(x) - 3; }
`;

const SPIN = `
global seen: i64 = 0;
global spinning: i32 = 0;
global stop: i32 = 0;
fn make() -> i32 { return 1; }
`;

/** A spinning loop of its own for round `k` (a function invalidated too often gets baseline code instead). */
function spinner(k: number): string {
  return `fn spin${k}() -> i32 {
  atomic_store(spinning, 1);
  let t = 0;
  while atomic_load(stop) == 0 { t = make(); }
  return t;
}`;
}

const FLIPS = `
class A { fn m(self) -> i32 { return 1; } }
class B extends A { fn m(self) -> i32 { return 2; } }
class C extends A { fn m(self) -> i32 { return 3; } }
fn work(a: A) -> i32 {
  let t = 0;
  for i in 0..1 { t += a.m(); }
  return t;
}
fn rounds(b: A, c: A, n: i32, every: i32) -> i32 {
  let t = 0;
  for i in 0..n {
    if (i / every) % 2 == 0 { t += work(b); } else { t += work(c); t += work(b); }
  }
  return t;
}
fn run(n: i32, every: i32) -> i32 { return rounds(new B, new C, n, every); }
`;

/**
 * Rounds between flips of the receivers: the flipping run takes 3,000, the
 * polymorphic one 1. Both pass it as an argument: as constants in the
 * program, the two runs could be compiled differently (`i / 1` folds,
 * `i / 3000` does not), and the comparison would not be of the same work.
 */
const EVERY = { flipping: 3000, polymorphic: 1 } as const;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

/**
 * Microseconds per deoptimized frame, and the frames counted. The host calls
 * `outer` in two sessions at `opt`, one deoptimizing at every validity check:
 * there, each call leaves `outer`'s code after its call of `opaque`, the one
 * call left once `middle` and `inner` are inlined, and continues its three
 * frames in the interpreter. The calls' other costs are the same in both.
 */
function framesCost(calls: number, runs: number): { readonly usPerFrame: number; readonly frames: number } {
  const sessions = [1, undefined].map((every) => {
    const session = new Session({ tier: 'opt', compile: { ...DEFAULT_COMPILE_OPTIONS, deoptEvery: every }, print: () => {} });
    session.load(FRAMES, 'frames.rj');
    session.call('outer', 0);
    return session;
  });
  const [deopting] = sessions as [Session, Session];
  const callOuter = (s: Session): void => {
    for (let i = 0; i < calls; i++) s.call('outer', i);
  };
  const times: [number[], number[]] = [[], []];
  const before = deopting.optStats().frames;
  for (let r = 0; r < runs; r++) {
    sessions.forEach((s, k) => {
      const start = performance.now();
      callOuter(s);
      times[k]?.push(performance.now() - start);
    });
  }
  const frames = (deopting.optStats().frames - before) / runs;
  return { usPerFrame: ((median(times[0]) - median(times[1])) * 1000) / frames, frames };
}

async function latency(loads: number): Promise<{ readonly p50: number; readonly p99: number }> {
  const session = await ThreadedSession.create({ threads: 1, tier: 'opt', print: () => {} });
  const settle = (ms: number): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    session.load(SPIN, 'spin.rj');
    const times: number[] = [];
    for (let k = 0; k < loads; k++) {
      session.load(spinner(k), `spin-${k}.rj`);
      const run = session.run(`spin${k}`);
      while (session.session.readGlobal('spinning') !== 1) await settle(1);
      // Let the loop settle in its optimized code.
      await settle(5);
      const start = process.hrtime.bigint();
      session.load('fn make() -> i32 { seen = clock_ns(); return 2; }', `make-${k}.rj`);
      while (session.session.readGlobal('seen') === 0n) await settle(0);
      times.push(Number((session.session.readGlobal('seen') as bigint) - start) / 1000);
      session.session.writeGlobal('stop', 1);
      await run;
      for (const [name, value] of [['stop', 0], ['spinning', 0], ['seen', 0n]] as const) session.session.writeGlobal(name, value);
      session.load('fn make() -> i32 { return 1; }', `back-${k}.rj`);
    }
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
  } finally {
    await session.close();
  }
}

/** Calls of `run` per session: the first one's time includes its compiles; the last one's is the code each run settled in. */
const FLIP_CALLS = 4;

interface FlipTimes {
  readonly first: number;
  readonly settled: number;
}

interface Flips {
  readonly flipping: FlipTimes;
  readonly polymorphic: FlipTimes;
  readonly guardExits: number;
}

/**
 * Where the optimizing compiles run: in place, in a plain `Session`, which
 * waits for each; or on the compiler thread of a one-thread
 * `ThreadedSession`, as `rejit run` has them, while the program thread runs
 * on in baseline code.
 */
type CompilesAt = 'in place' | 'on the compiler thread';

/** A hot function, for the compiler thread to boot and optimize before the timed calls. */
const WARM = `
fn step(x: i32) -> i32 { return x + 1; }
fn warm() -> i32 {
  let t = 0;
  for i in 0..100000 { t = step(t); }
  return t;
}`;
const MAX_WARM_RUNS = 100;

/** A session of `FLIPS` that calls `run` and counts the guard exits its optimized code took. */
interface FlipSession {
  call(n: number, every: number): Promise<void>;
  guardExits(): Promise<number>;
  close(): Promise<void>;
}

async function flipSession(at: CompilesAt): Promise<FlipSession> {
  if (at === 'in place') {
    const session = new Session({ tier: 'auto', print: () => {} });
    session.load(FLIPS, 'flips.rj');
    return {
      call: async (n, every) => void session.call('run', n, every),
      guardExits: async () => session.optStats().exits.get('guard') ?? 0,
      close: async () => session.close(),
    };
  }
  const session = await ThreadedSession.create({ threads: 1, tier: 'auto', print: () => {} });
  session.load(FLIPS, 'flips.rj');
  // Runs before the timed ones, until the compiler thread has optimized something: it boots once asked.
  session.load(WARM, 'warm.rj');
  for (let k = 0; k < MAX_WARM_RUNS && (await session.stats()).tiers.opt.compiled === 0; k++) await session.run('warm');
  return {
    call: async (n, every) => void (await session.run('run', [n, every])),
    guardExits: async () => (await session.stats()).deopts.guard,
    close: () => session.close(),
  };
}

async function flips(n: number, runs: number, at: CompilesAt): Promise<Flips> {
  const first: [number[], number[]] = [[], []];
  const settled: [number[], number[]] = [[], []];
  let guardExits = 0;
  for (let r = 0; r < runs; r++) {
    for (const [k, fn] of (['flipping', 'polymorphic'] as const).entries()) {
      const session = await flipSession(at);
      try {
        for (let call = 0; call < FLIP_CALLS; call++) {
          const start = performance.now();
          await session.call(n, EVERY[fn]);
          const ms = performance.now() - start;
          if (call === 0) first[k]?.push(ms);
          if (call === FLIP_CALLS - 1) settled[k]?.push(ms);
        }
        if (fn === 'flipping') guardExits = Math.max(guardExits, await session.guardExits());
      } finally {
        await session.close();
      }
    }
  }
  const times = (k: 0 | 1): FlipTimes => ({ first: median(first[k]), settled: median(settled[k]) });
  return { flipping: times(0), polymorphic: times(1), guardExits };
}

const USAGE = `Usage: node dist/bench/deopt.js [options]
  --loads N     loads timed for the deoptimization latency (default: 200)
  --runs N      runs of each timed part; the median counts (default: 7)
  --quick       few loads, runs and calls (a check that everything runs)
`;

interface Options {
  readonly loads: number;
  readonly runs: number;
  readonly calls: number;
  readonly rounds: number;
}

function parseOptions(argv: string[]): Options | typeof HELP {
  const { values } = parseArgs({
    args: argv,
    options: {
      loads: { type: 'string' },
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return HELP;
  const quick = values.quick as boolean;
  return {
    loads: quick ? 5 : (positiveInteger(values.loads, '--loads') ?? 200),
    runs: quick ? 1 : (positiveInteger(values.runs, '--runs') ?? 7),
    calls: quick ? 200 : 20_000,
    rounds: quick ? 20_000 : 3_000_000,
  };
}

async function main(options: Options): Promise<number> {
  const cost = framesCost(options.calls, options.runs);
  console.log(`cost per deoptimized frame: ${cost.usPerFrame.toFixed(2)} us (${cost.frames} frames continued in the interpreter per ${options.calls} calls, 3 per exit)`);
  const { p50, p99 } = await latency(options.loads);
  console.log(`load on one thread to the deoptimization of a frame spinning on another, ${options.loads} loads: p50 ${p50.toFixed(0)} us, p99 ${p99.toFixed(0)} us`);
  for (const at of ['in place', 'on the compiler thread'] as const) {
    const f = await flips(options.rounds, options.runs, at);
    const ratio = (t: keyof FlipTimes): string => `${f.flipping[t].toFixed(0)} ms, against ${f.polymorphic[t].toFixed(0)} ms polymorphic from the start (${(f.flipping[t] / f.polymorphic[t]).toFixed(2)}x)`;
    console.log(`a call site flipping between one receiver class and two every 3,000 rounds, optimizing compiles ${at}: ${ratio('first')}, compiles included; call ${FLIP_CALLS} of the same session ${ratio('settled')}; ${f.guardExits} guard exits`);
  }
  return 0;
}

process.exitCode = await runScript('deopt', USAGE, process.argv.slice(2), parseOptions, main);
