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
//!   auto`, against baseline code that does not, on fib, AWFY Richards and
//!   AWFY Mandelbrot (loops; `CompileOptions.recordProfiles`);
//! - compilation: each benchmark program at the baseline tier, the time spent
//!   making code (IR to bytes to `WebAssembly.Module`) as a share of its run
//!   (load and `main`, in this process), and the slowest functions.
//!
//! The first four time `session.call` with each variant in processes of its
//! own (in one process, two sessions' results moved by up to 30% from one
//! process to the next: code placement, heap layout, which came first). The
//! script runs itself (`--child PART:CASE:VARIANT`) `--processes` times per
//! variant, one process at a time, the variants alternating (A B, B A, A B,
//! ...). A child opens one session compiled with its variant, makes the
//! warm-up calls (V8 runs wasm in Liftoff first and in TurboFan from a later
//! call), sleeps 200 ms for V8's background compiles, makes one more call
//! untimed, then times `--runs` calls and prints their median and the calls'
//! result (all processes of both variants must agree). Shown for each
//! variant: the median of its processes' medians, with their min and max (how
//! far one process can stray); the ratio is that of the two medians.
//! Wall-clock and CPU time are both shown: on a busy machine CPU time is the
//! steadier.
//!
//! `node dist/bench/costs.js [--quick] [--runs N] [--processes N] [--parts stubs,polls,checks,profiles,compile] [--iterations N] [--inner N]`

import { parseArgs } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompileOptions } from '../src/backend/compile-options.js';
import { directoryResolver } from '../src/session/module-resolver.js';
import { Session, type HostValue, type Tier } from '../src/session/session.js';
import { HELP, partsOf, positiveInteger, runScript } from './arguments.js';
import { median, timeProcess } from './measure.js';
import { formatTable } from './text-table.js';
import { findPrograms, writeSizedRejit, type BenchProgram, type Sizes } from './program.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUITES = [['micro', 'bench/programs'], ['awfy', 'bench/awfy']] as const;
const PARTS = ['stubs', 'polls', 'checks', 'profiles', 'compile'] as const;
type Part = (typeof PARTS)[number];

const USAGE = `Usage: node dist/bench/costs.js [options]
  --parts P,Q        stubs, polls, checks, profiles, compile (default: all five)
  --runs N           timed calls in each process; the median counts (default: 7, Richards 5)
  --processes N      processes of each variant (default: 6)
  --iterations N     override every program's ITERATIONS (compile part, Richards)
  --inner N          override every program's INNER_ITERATIONS (compile part, Richards)
  --quick            small sizes, 3 calls and 2 processes (a check that everything runs)
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
  /** Timed calls in each process; undefined: the default of each case. */
  readonly runs: number | undefined;
  readonly processes: number;
  readonly quick: boolean;
  readonly sizes: (p: BenchProgram) => Sizes;
  /** `--child PART:CASE:VARIANT`: this process times one variant of one case. */
  readonly child: string | undefined;
  /** The options a child process is given again (sizes). */
  readonly forward: readonly string[];
}

function parseOptions(argv: string[]): Options | typeof HELP {
  const { values } = parseArgs({
    args: argv,
    options: {
      parts: { type: 'string', default: PARTS.join(',') },
      runs: { type: 'string' },
      processes: { type: 'string' },
      iterations: { type: 'string' },
      inner: { type: 'string' },
      quick: { type: 'boolean', default: false },
      child: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return HELP;
  const parts = partsOf(values.parts as string, PARTS);
  const quick = values.quick as boolean;
  const iterations = quick ? 1 : positiveInteger(values.iterations, '--iterations');
  const inner = quick ? 1 : positiveInteger(values.inner, '--inner');
  const forward = [
    ...(quick ? ['--quick'] : []),
    ...(iterations === undefined ? [] : ['--iterations', String(iterations)]),
    ...(inner === undefined ? [] : ['--inner', String(inner)]),
  ];
  return {
    parts,
    runs: positiveInteger(values.runs, '--runs') ?? (quick ? 3 : undefined),
    processes: positiveInteger(values.processes, '--processes') ?? (quick ? 2 : 6),
    quick,
    sizes: (p) => ({ iterations: iterations ?? p.defaults.iterations, innerIterations: inner ?? p.defaults.innerIterations }),
    child: values.child as string | undefined,
    forward,
  };
}

// ---- the compared parts: each variant timed in processes of its own

interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

/** A function to time, called in a session of each variant. */
interface Case {
  /** Names the case in `--child`. */
  readonly key: string;
  readonly label: string;
  readonly source: () => string;
  readonly fn: string;
  readonly args: readonly HostValue[];
  readonly warmUp: readonly (readonly HostValue[])[];
  /** Timed calls in each process. */
  readonly runs: number;
}

/** Stubs, polls, validity checks or profiles: cases compiled with `variants[0]` (named `names[0]`) against `variants[1]`. */
interface ComparedPart {
  readonly title: string;
  readonly names: readonly [string, string];
  readonly variants: readonly [CompileOptions, CompileOptions];
  readonly tier: Tier;
  readonly cases: (options: Options) => Case[];
}

const ALL_ON: CompileOptions = { polls: true, stubs: true, inline: true };
const VARIANTS = ['with', 'without'] as const;

const fibCase = (options: Options): Case => {
  const n = options.quick ? 20 : 35;
  return { key: 'fib', label: `fib(${n})`, source: () => FIB, fn: 'fib', args: [n], warmUp: [[20], [20], [n]], runs: options.runs ?? 7 };
};

function pollCases(options: Options): Case[] {
  const n = options.quick ? 100_000 : 500_000_000;
  const [size, times] = options.quick ? [10_000, 1] : [1_000_000, 50];
  const loop = (key: string, label: string, fn: string, args: HostValue[], warm: HostValue[]): Case =>
    ({ key, label, source: () => LOOPS, fn, args, warmUp: [warm, warm, warm], runs: options.runs ?? 7 });
  return [
    loop('for', `for loop, sum of i * i, n = ${n}`, 'counted', [n], [100_000]),
    loop('while', `while loop, sum of i * i, n = ${n}`, 'uncounted', [n], [100_000]),
    loop('sieve', `sieve of ${size}, ${times} times`, 'sieves', [size, times], [10_000, 20]),
  ];
}

/** An AWFY program's `main` (a second or two a call at its default size: 5 calls a process unless --runs says). */
function awfyCase(options: Options, name: string, label: string): Case {
  const program = findPrograms('awfy', join(ROOT, 'bench/awfy')).find((p) => p.name === name);
  if (!program) throw new Error(`bench/awfy/${name}.rj is missing`);
  const sizes = options.sizes(program);
  const source = (): string => {
    const scratch = mkdtempSync(join(tmpdir(), 'rejit-costs-'));
    try {
      return readFileSync(writeSizedRejit(program, sizes, scratch), 'utf8');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  };
  return { key: name, label: `${label} (awfy) ${sizes.iterations}x${sizes.innerIterations}`, source, fn: 'main', args: [], warmUp: [[]], runs: options.runs ?? 5 };
}

/** Recursive fib and AWFY Richards (calls, virtual calls). */
function fibAndRichards(options: Options): Case[] {
  return [fibCase(options), awfyCase(options, 'richards', 'Richards')];
}

/** Those, and AWFY Mandelbrot, whose time is in loops that poll at every iteration (profiles count the iterations). */
function fibRichardsAndMandelbrot(options: Options): Case[] {
  return [...fibAndRichards(options), awfyCase(options, 'mandelbrot', 'Mandelbrot')];
}

const COMPARED: Record<Exclude<Part, 'compile'>, ComparedPart> = {
  stubs: { title: 'Stubs: self-calls through the stub check against plain calls', names: ['stubs', 'direct'], variants: [ALL_ON, { ...ALL_ON, stubs: false }], tier: 'baseline', cases: (o) => [fibCase(o)] },
  polls: { title: 'Polls: loops with polls against the same loops without', names: ['polls', 'no polls'], variants: [ALL_ON, { ...ALL_ON, polls: false }], tier: 'baseline', cases: pollCases },
  checks: { title: 'Validity checks: optimized code with its checks against the same code without', names: ['checks', 'no checks'], variants: [ALL_ON, { ...ALL_ON, validityChecks: false }], tier: 'opt', cases: fibAndRichards },
  profiles: { title: 'Profiles: baseline code that records one against baseline code that does not', names: ['profile', 'no profile'], variants: [{ ...ALL_ON, recordProfiles: true }, ALL_ON], tier: 'baseline', cases: fibRichardsAndMandelbrot },
};

/** What a child process prints: its median call, and the calls' result. */
interface ChildReport extends Timing {
  readonly result: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The child's work (`--child PART:CASE:VARIANT`): one session compiled with
 * the variant's options, the warm-up calls, a pause for V8's background
 * TurboFan compiles, one more call untimed, then `runs` timed calls (seconds,
 * wall-clock and CPU: this process is single-threaded here); their medians
 * and the calls' one result as a JSON line on stdout.
 */
async function runChild(options: Options, spec: string): Promise<number> {
  const [partName, key, variantName] = spec.split(':');
  const part = COMPARED[partName as keyof typeof COMPARED] as ComparedPart | undefined;
  const c = part?.cases(options).find((x) => x.key === key);
  const variant = VARIANTS.indexOf(variantName as (typeof VARIANTS)[number]);
  if (!part || !c || variant < 0) throw new Error(`--child ${spec}: no such part, case or variant`);
  const session = new Session({ tier: part.tier, compile: part.variants[variant], print: () => {} });
  session.load(c.source(), `${c.fn}.rj`);
  for (const a of c.warmUp) session.call(c.fn, ...a);
  await sleep(200);
  const samples: Timing[] = [];
  const results = new Set<string>();
  for (let round = 0; round <= c.runs; round++) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    const result = session.call(c.fn, ...c.args);
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    const used = process.cpuUsage(cpu);
    results.add(String(result));
    if (round > 0) samples.push({ wall, cpu: (used.user + used.system) / 1e6 });
  }
  if (results.size !== 1) throw new Error(`${spec}: the calls disagree (${[...results].join(', ')})`);
  const report: ChildReport = { wall: median(samples.map((x) => x.wall)), cpu: median(samples.map((x) => x.cpu)), result: [...results][0] as string };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return 0;
}

/** Per-process medians of one variant: their median, min and max. */
interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

interface Comparison {
  readonly label: string;
  readonly runs: number;
  readonly with: { readonly wall: Spread; readonly cpu: Spread };
  readonly without: { readonly wall: Spread; readonly cpu: Spread };
}

const spread = (xs: readonly number[]): Spread => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

/**
 * Case `c` of part `name`, each variant in `options.processes` processes of
 * its own, one at a time, the variants alternating (A B, then B A, ...). All
 * processes must give the same result.
 */
function compare(name: keyof typeof COMPARED, c: Case, options: Options): Comparison {
  const script = fileURLToPath(import.meta.url);
  const reports: [ChildReport[], ChildReport[]] = [[], []];
  for (let pair = 0; pair < options.processes; pair++) {
    for (const variant of pair % 2 === 0 ? [0, 1] : [1, 0]) {
      process.stderr.write(`${name}: ${c.label}, ${VARIANTS[variant]}, process ${pair + 1} of ${options.processes}\n`);
      const spec = `${name}:${c.key}:${VARIANTS[variant]}`;
      const m = timeProcess(process.execPath, [script, '--child', spec, '--runs', String(c.runs), ...options.forward], 1200);
      if (m.failure !== null) throw new Error(`${spec}: ${m.failure}`);
      reports[variant]?.push(JSON.parse(m.output.trim().split('\n').pop() ?? '') as ChildReport);
    }
  }
  const results = new Set(reports.flat().map((r) => r.result));
  if (results.size !== 1) throw new Error(`${c.label}: the variants disagree (${[...results].join(', ')})`);
  const summary = (rs: readonly ChildReport[]) => ({ wall: spread(rs.map((r) => r.wall)), cpu: spread(rs.map((r) => r.cpu)) });
  return { label: c.label, runs: c.runs, with: summary(reports[0]), without: summary(reports[1]) };
}

/** Milliseconds with three significant digits or more. */
function ms(seconds: number): string {
  const x = seconds * 1000;
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

function formatComparisons(part: ComparedPart, rows: readonly Comparison[], processes: number): string {
  const [withName, withoutName] = part.names;
  const ratio = (a: Spread, b: Spread): string => `${(a.median / b.median).toFixed(3)}x`;
  const cell = (s: Spread): string => `${ms(s.median)} (${ms(s.min)}-${ms(s.max)})`;
  const lines = [['case', `${withName} ms`, `${withoutName} ms`, 'ratio', `${withName} cpu ms`, `${withoutName} cpu ms`, 'cpu ratio']];
  for (const r of rows) {
    lines.push([r.label, cell(r.with.wall), cell(r.without.wall), ratio(r.with.wall, r.without.wall), cell(r.with.cpu), cell(r.without.cpu), ratio(r.with.cpu, r.without.cpu)]);
  }
  const runs = rows[0]?.runs;
  const others = rows.filter((r) => r.runs !== runs).map((r) => `${r.runs} for ${r.label}`);
  const calls = `${runs} calls${others.length ? ` (${others.join(', ')})` : ''}`;
  const how = `${processes} process${processes === 1 ? '' : 'es'} per variant, alternating, each the median of ${calls} after warm-up; shown: the median over processes (min-max)`;
  return `${part.title}\n(${how})\n${formatTable(lines)}\n`;
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
  if (options.child !== undefined) {
    // The parent reports the first line of a child's stderr.
    return runChild(options, options.child).catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    });
  }
  const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
  const out: string[] = [`${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, Node ${process.version}; load average ${load()}\n`];
  for (const name of ['stubs', 'polls', 'checks', 'profiles'] as const) {
    if (!options.parts.includes(name)) continue;
    const part = COMPARED[name];
    out.push(formatComparisons(part, part.cases(options).map((c) => compare(name, c, options)), options.processes));
  }
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
