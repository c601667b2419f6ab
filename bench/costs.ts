//! What the baseline tier's safety nets cost (a script, not a test):
//!
//! - stubs: recursive fib whose self-calls check the stub slot
//!   (`slot == self ? call self : dispatcher`) against the same fib with
//!   plain self-calls (`CompileOptions.stubs` off);
//! - polls: loops with and without polls: a counted loop (`for`, strip-mined),
//!   the same loop written with `while` (the poll word read each iteration),
//!   and the sieve of the micro benchmarks (both kinds of loop);
//! - validity checks: optimized code (`--tier opt`) checks its validity after
//!   every call and at each poll's safepoint (`backend/deopt-exits.ts`):
//!   fib and AWFY Richards against the same code without the checks
//!   (`CompileOptions.validityChecks` off);
//! - profiles: baseline code that records a profile (`passes/profile.ts`: a
//!   call count, the receiver class at each virtual call), as at `--tier
//!   auto`, against baseline code that does not, on fib and AWFY Richards
//!   (`CompileOptions.recordProfiles`);
//! - compilation: each benchmark program at the baseline tier, the time spent
//!   making code (IR to bytes to `WebAssembly.Module`) as a share of its run
//!   (load and `main`, in this process), and the slowest functions.
//!
//! The first two time `session.call` in this process, after warm-up calls
//! (V8 runs wasm in Liftoff first and in TurboFan from a later call); the
//! variants alternate in every round so that machine noise spreads over them,
//! and the medians count. Wall-clock and CPU time are both shown: on a busy
//! machine CPU time is the steadier.
//!
//! `node dist/bench/costs.js [--quick] [--runs N] [--parts stubs,polls,checks,profiles,compile] [--iterations N] [--inner N]`

import { parseArgs } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompileOptions } from '../src/backend/compile-options.js';
import { directoryResolver } from '../src/session/module-resolver.js';
import { Session, type HostValue, type Tier } from '../src/session/session.js';
import { HELP, partsOf, positiveInteger, runScript } from './arguments.js';
import { median } from './measure.js';
import { formatTable } from './text-table.js';
import { findPrograms, writeSizedRejit, type BenchProgram, type Sizes } from './program.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUITES = [['micro', 'bench/programs'], ['awfy', 'bench/awfy']] as const;
const PARTS = ['stubs', 'polls', 'checks', 'profiles', 'compile'] as const;
type Part = (typeof PARTS)[number];

const USAGE = `Usage: node dist/bench/costs.js [options]
  --parts P,Q        stubs, polls, checks, profiles, compile (default: all five)
  --runs N           timed runs of each variant; the median counts (default: 7)
  --iterations N     override every program's ITERATIONS (compile part)
  --inner N          override every program's INNER_ITERATIONS (compile part)
  --quick            small sizes and 3 runs (a check that everything runs)
`;

const FIB = `
fn fib(n: i32) -> i32 {
  if n < 2 { return n; }
  return fib(n - 1) + fib(n - 2);
}
`;

const LOOPS = `
fn counted(n: i32) -> i32 {
  let s = 0;
  for i in 0..n { s += i * i; }
  return s;
}

fn uncounted(n: i32) -> i32 {
  let s = 0;
  let i = 0;
  while i < n { s += i * i; i += 1; }
  return s;
}

// bench/programs/sieve.rj's sieve.
fn sieve(flags: bool[]) -> i32 {
  let count = 0;
  for i in 0..flags.length { flags[i] = true; }
  for i in 2..flags.length {
    if flags[i] {
      count += 1;
      let k = i + i;
      while k < flags.length {
        flags[k] = false;
        k += i;
      }
    }
  }
  return count;
}

fn sieves(size: i32, times: i32) -> i32 {
  let flags = new bool[size];
  let count = 0;
  for t in 0..times { count = sieve(flags); }
  delete flags;
  return count;
}
`;

interface Options {
  readonly parts: readonly Part[];
  readonly runs: number;
  readonly quick: boolean;
  readonly sizes: (p: BenchProgram) => Sizes;
}

function parseOptions(argv: string[]): Options | typeof HELP {
  const { values } = parseArgs({
    args: argv,
    options: {
      parts: { type: 'string', default: PARTS.join(',') },
      runs: { type: 'string' },
      iterations: { type: 'string' },
      inner: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return HELP;
  const parts = partsOf(values.parts as string, PARTS);
  const quick = values.quick as boolean;
  const iterations = quick ? 1 : positiveInteger(values.iterations, '--iterations');
  const inner = quick ? 1 : positiveInteger(values.inner, '--inner');
  return {
    parts,
    runs: positiveInteger(values.runs, '--runs') ?? (quick ? 3 : 7),
    quick,
    sizes: (p) => ({ iterations: iterations ?? p.defaults.iterations, innerIterations: inner ?? p.defaults.innerIterations }),
  };
}

// ---- timing calls in this process

interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

/** A call measured in seconds, wall-clock and CPU (this process is single-threaded here). */
function timeCall(session: Session, fn: string, args: readonly HostValue[]): Timing & { readonly result: HostValue | undefined } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = session.call(fn, ...args);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1e6, result };
}

interface Comparison {
  readonly label: string;
  /** Median seconds with the safety net (stubs or polls) and without it. */
  readonly with: Timing;
  readonly without: Timing;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Times `fn(...args)` in a session compiled with `variants[0]` against one
 * compiled with `variants[1]`, after `warmUp` calls and a pause for V8's
 * background TurboFan compiles. Both must give the same result.
 */
async function compare(
  label: string,
  source: string,
  fn: string,
  args: readonly HostValue[],
  warmUp: readonly (readonly HostValue[])[],
  variants: readonly [CompileOptions, CompileOptions],
  runs: number,
  tier: Tier = 'baseline',
): Promise<Comparison> {
  const sessions = variants.map((compile) => {
    const session = new Session({ tier, compile, print: () => {} });
    session.load(source, `${fn}.rj`);
    for (const a of warmUp) session.call(fn, ...a);
    return session;
  });
  await sleep(200);
  const samples = sessions.map(() => [] as Timing[]);
  const results = new Set<HostValue | undefined>();
  // The first round is one more warm-up.
  for (let round = 0; round <= runs; round++) {
    sessions.forEach((session, k) => {
      const t = timeCall(session, fn, args);
      results.add(t.result);
      if (round > 0) samples[k]?.push(t);
    });
  }
  if (results.size !== 1) throw new Error(`${label}: the variants disagree (${[...results].join(', ')})`);
  const medians = samples.map((xs) => ({ wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) }));
  return { label, with: medians[0] as Timing, without: medians[1] as Timing };
}

const ALL_ON: CompileOptions = { polls: true, stubs: true, inline: true };

async function stubCosts(options: Options): Promise<Comparison[]> {
  const n = options.quick ? 20 : 35;
  const variants = [ALL_ON, { ...ALL_ON, stubs: false }] as const;
  return [await compare(`fib(${n})`, FIB, 'fib', [n], [[20], [20], [n]], variants, options.runs)];
}

async function pollCosts(options: Options): Promise<Comparison[]> {
  const n = options.quick ? 100_000 : 500_000_000;
  const [size, times] = options.quick ? [10_000, 1] : [1_000_000, 50];
  const variants = [ALL_ON, { ...ALL_ON, polls: false }] as const;
  const warm = (args: HostValue[]): HostValue[][] => [args, args, args];
  return [
    await compare(`for loop, sum of i * i, n = ${n}`, LOOPS, 'counted', [n], warm([100_000]), variants, options.runs),
    await compare(`while loop, sum of i * i, n = ${n}`, LOOPS, 'uncounted', [n], warm([100_000]), variants, options.runs),
    await compare(`sieve of ${size}, ${times} times`, LOOPS, 'sieves', [size, times], warm([10_000, 20]), variants, options.runs),
  ];
}

async function checkCosts(options: Options): Promise<Comparison[]> {
  return fibAndRichards(options, [ALL_ON, { ...ALL_ON, validityChecks: false }], 'opt');
}

async function profileCosts(options: Options): Promise<Comparison[]> {
  return fibAndRichards(options, [{ ...ALL_ON, recordProfiles: true }, ALL_ON], 'baseline');
}

/** Recursive fib and AWFY Richards, each compiled with `variants[0]` against `variants[1]`, at `tier`. */
async function fibAndRichards(options: Options, variants: readonly [CompileOptions, CompileOptions], tier: Tier): Promise<Comparison[]> {
  const n = options.quick ? 20 : 35;
  const richards = findPrograms('awfy', join(ROOT, 'bench/awfy')).find((p) => p.name === 'richards');
  if (!richards) throw new Error('bench/awfy/richards.rj is missing');
  const sizes = options.sizes(richards);
  const scratch = mkdtempSync(join(tmpdir(), 'rejit-costs-'));
  try {
    const source = readFileSync(writeSizedRejit(richards, sizes, scratch), 'utf8');
    return [
      await compare(`fib(${n})`, FIB, 'fib', [n], [[20], [20], [n]], variants, options.runs, tier),
      await compare(`Richards (awfy) ${sizes.iterations}x${sizes.innerIterations}`, source, 'main', [], [[]], variants, options.runs, tier),
    ];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Milliseconds with three significant digits or more. */
function ms(seconds: number): string {
  const x = seconds * 1000;
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

function formatComparisons(title: string, withName: string, withoutName: string, rows: readonly Comparison[], runs: number): string {
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(3)}x`;
  const lines = [['case', `${withName} ms`, `${withoutName} ms`, 'ratio', `${withName} cpu ms`, `${withoutName} cpu ms`, 'cpu ratio']];
  for (const r of rows) {
    lines.push([r.label, ms(r.with.wall), ms(r.without.wall), ratio(r.with.wall, r.without.wall), ms(r.with.cpu), ms(r.without.cpu), ratio(r.with.cpu, r.without.cpu)]);
  }
  return `${title} (median of ${runs} calls each, after warm-up)\n${formatTable(lines)}\n`;
}

// ---- compile time of whole programs

interface CompileRow {
  readonly program: string;
  readonly sizes: Sizes;
  /** Load and `main`, seconds. */
  readonly run: number;
  /** Modules compiled, and versions that instantiate one of them again (relinked). */
  readonly compiled: number;
  readonly relinked: number;
  readonly emit: number;
  readonly module: number;
  readonly slowest: { readonly name: string; readonly seconds: number };
}

function compileCosts(options: Options, scratch: string): CompileRow[] {
  const programs = SUITES.flatMap(([suite, dir]) => findPrograms(suite, join(ROOT, dir)));
  return programs.map((p) => {
    const sizes = options.sizes(p);
    process.stderr.write(`compile: ${p.suite}/${p.name}\n`);
    const session = new Session({ tier: 'baseline', print: () => {}, resolve: directoryResolver([scratch]) });
    const start = performance.now();
    session.loadFile(writeSizedRejit(p, sizes, scratch));
    session.call('main');
    const run = (performance.now() - start) / 1000;
    const code = session.compiledCode();
    const seconds = (c: (typeof code)[number]): number => c.emitSeconds + c.moduleSeconds;
    const slowest = code.reduce((a, b) => (seconds(b) > seconds(a) ? b : a));
    return {
      program: `${p.suite}/${p.name}`,
      sizes,
      run,
      compiled: code.filter((c) => c.relinkOf === null).length,
      relinked: code.filter((c) => c.relinkOf !== null).length,
      emit: code.reduce((sum, c) => sum + c.emitSeconds, 0),
      module: code.reduce((sum, c) => sum + c.moduleSeconds, 0),
      slowest: { name: slowest.ir.name, seconds: seconds(slowest) },
    };
  });
}

function formatCompileRows(rows: readonly CompileRow[]): string {
  const lines = [['program', 'iterations', 'run s', 'compiled', 'relinked', 'emit ms', 'module ms', 'compile ms', 'share', 'slowest function']];
  for (const r of rows) {
    const compile = r.emit + r.module;
    lines.push([
      r.program,
      `${r.sizes.iterations}x${r.sizes.innerIterations}`,
      r.run.toFixed(3),
      String(r.compiled),
      String(r.relinked),
      ms(r.emit),
      ms(r.module),
      ms(compile),
      `${((100 * compile) / r.run).toFixed(2)}%`,
      `${r.slowest.name} ${ms(r.slowest.seconds)} ms`,
    ]);
  }
  const notes = 'run = load + main in this process at --tier baseline (no process start-up); compile = IR to bytes (emit) + bytes to WebAssembly.Module (module), every module compiled (a relinked version instantiates an earlier module again)';
  return `Compilation at the baseline tier\n${formatTable(lines)}\n${notes}\n`;
}

async function main(options: Options): Promise<number> {
  const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
  const out: string[] = [`${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, Node ${process.version}; load average ${load()}\n`];
  if (options.parts.includes('stubs')) out.push(formatComparisons('Stubs: self-calls through the stub check against plain calls', 'stubs', 'direct', await stubCosts(options), options.runs));
  if (options.parts.includes('polls')) out.push(formatComparisons('Polls: loops with polls against the same loops without', 'polls', 'no polls', await pollCosts(options), options.runs));
  if (options.parts.includes('checks')) out.push(formatComparisons('Validity checks: optimized code with its checks against the same code without', 'checks', 'no checks', await checkCosts(options), options.runs));
  if (options.parts.includes('profiles')) out.push(formatComparisons('Profiles: baseline code that records one against baseline code that does not', 'profile', 'no profile', await profileCosts(options), options.runs));
  if (options.parts.includes('compile')) {
    const scratch = mkdtempSync(join(tmpdir(), 'rejit-costs-'));
    try {
      out.push(formatCompileRows(compileCosts(options, scratch)));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  out.push(`load average at the end ${load()}\n`);
  process.stdout.write(out.join('\n'));
  return 0;
}

process.exitCode = await runScript('costs', USAGE, process.argv.slice(2), parseOptions, main);
