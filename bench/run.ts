//! The benchmark runner (`npm run bench`): every program of a suite at each Rejit tier, the same
//! algorithm in plain JavaScript on Node, and in C (`gcc -O2`) when gcc is present — all in one
//! run, whole processes timed, the median of several runs, the ratios Rejit/JavaScript and
//! Rejit/C and their geometric means. Every run's output must equal JavaScript's (which checks
//! its own result): a run that differs or fails counts as a failure and the exit status is 1.
//! `--quick` runs each program once with both harness counts 1: the test suite uses it.
//! `--trace` also runs each tier with `rejit run --trace` (runner TIER+trace), to measure
//! what tracing costs.

import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP, positiveInteger, runScript } from './arguments.js';
import { median, timeProcess, type Measurement } from './measure.js';
import { findPrograms, sizeArguments, writeSizedRejit, type BenchProgram, type Sizes } from './program.js';
import { formatComparison, formatTables, summarize, type Metric, type Row, type RunnerResult } from './report.js';
import { machineDescription } from './machine.js';
import { TIER_NAMES, isTier } from '../src/tiering/tiers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUITES: Readonly<Record<string, string>> = { micro: join(ROOT, 'bench/programs'), awfy: join(ROOT, 'bench/awfy') };
const USAGE = `Usage: npm run bench -- [options]
  --suite S          micro, awfy or all (default: all)
  --programs A,B     only these programs: NAME or SUITE/NAME (awfy/list)
  --tiers T,U        Rejit tiers to run (default: interp,baseline)
  --runs N           runs of each program per runner; the median counts (default: 5)
  --iterations N     override every program's ITERATIONS
  --inner N          override every program's INNER_ITERATIONS
  --quick            one run with both counts 1 (a correctness check)
  --timeout S        seconds a single process may take (default: 900)
  --against DIR      also run each tier with DIR's bin/rejit (another built checkout), as
                     runner TIER@before, side by side in the same rounds; prints after/before
  --trace            also run each tier with --trace to a scratch file, as runner TIER+trace,
                     side by side in the same rounds; prints traced/untraced
  --cpu              tables of CPU time instead of wall-clock time (JSON has both)
  --json             print the results as JSON instead of tables
`;

interface Options {
  readonly programs: BenchProgram[];
  readonly tiers: string[];
  /** Another checkout's root, whose tiers run as `TIER@before`. */
  readonly against: string | null;
  /** Whether each tier also runs with `--trace`, as `TIER+trace`. */
  readonly trace: boolean;
  readonly runs: number;
  readonly sizes: (p: BenchProgram) => Sizes;
  readonly timeout: number;
  readonly metric: Metric;
  readonly json: boolean;
}

function parseOptions(argv: string[]): Options | typeof HELP {
  const { values } = parseArgs({
    args: argv,
    options: {
      suite: { type: 'string', default: 'all' },
      programs: { type: 'string' },
      tiers: { type: 'string', default: 'interp,baseline' },
      runs: { type: 'string' },
      iterations: { type: 'string' },
      inner: { type: 'string' },
      quick: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '900' },
      against: { type: 'string' },
      trace: { type: 'boolean', default: false },
      cpu: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return HELP;
  const suites = values.suite === 'all' ? Object.keys(SUITES) : (values.suite as string).split(',');
  let programs = suites.flatMap((suite) => {
    const dir = SUITES[suite];
    if (!dir) throw new Error(`unknown suite '${suite}' (use ${Object.keys(SUITES).join(', ')} or all)`);
    return findPrograms(suite, dir);
  });
  if (values.programs) {
    const wanted = values.programs.split(',');
    const matches = (p: BenchProgram, w: string): boolean => w === p.name || w === `${p.suite}/${p.name}`;
    const unknown = wanted.filter((w) => !programs.some((p) => matches(p, w)));
    if (unknown.length) throw new Error(`no program ${unknown.join(', ')} in suite ${values.suite}`);
    programs = programs.filter((p) => wanted.some((w) => matches(p, w)));
  }
  const iterations = values.quick ? 1 : positiveInteger(values.iterations, '--iterations');
  const innerIterations = values.quick ? 1 : positiveInteger(values.inner, '--inner');
  const tiers = (values.tiers as string).split(',');
  const unknownTier = tiers.find((t) => !isTier(t));
  if (unknownTier !== undefined) throw new Error(`unknown tier '${unknownTier}' (use ${TIER_NAMES.join(', ')})`);
  return {
    programs,
    tiers,
    against: values.against ?? null,
    trace: values.trace,
    runs: positiveInteger(values.runs, '--runs') ?? (values.quick ? 1 : 5),
    sizes: (p) => ({ iterations: iterations ?? p.defaults.iterations, innerIterations: innerIterations ?? p.defaults.innerIterations }),
    timeout: positiveInteger(values.timeout, '--timeout') as number,
    metric: values.cpu ? 'cpu' : 'wall',
    json: values.json,
  };
}

/** Shows what runs now: one updated line on a terminal, a line per program otherwise. */
class Progress {
  private readonly terminal = process.stderr.isTTY === true;
  show(text: string, programStart: boolean): void {
    if (this.terminal) process.stderr.write(`\r\x1b[K${text}`);
    else if (programStart) process.stderr.write(`${text}\n`);
  }
  done(): void {
    if (this.terminal) process.stderr.write('\r\x1b[K');
  }
}

function compileC(source: string, dir: string): string | Measurement {
  const exe = join(dir, 'c-' + source.replace(/.*\//, '').replace(/\.c$/, ''));
  const r = spawnSync('gcc', ['-O2', '-o', exe, source, '-lm'], { encoding: 'utf8' });
  return r.status === 0 ? exe : { seconds: 0, cpuSeconds: null, output: '', failure: `gcc failed: ${(r.stderr ?? '').trim().split('\n')[0]}` };
}

function benchmark(program: BenchProgram, options: Options, scratch: string, gcc: boolean, progress: Progress): Row {
  const sizes = options.sizes(program);
  const file = writeSizedRejit(program, sizes, scratch);
  const args = sizeArguments(sizes);
  const rejit = (root: string, tier: string, ...flags: string[]) => () => timeProcess(process.execPath, [join(root, 'bin/rejit'), 'run', file, '--tier', tier, ...flags], options.timeout);
  const runners: [string, () => Measurement][] = options.tiers.map((tier) => [tier, rejit(ROOT, tier)]);
  if (options.trace) runners.push(...options.tiers.map((tier): [string, () => Measurement] => [tracedName(tier), rejit(ROOT, tier, '--trace', join(scratch, 'trace.json'))]));
  const against = options.against;
  if (against !== null) runners.push(...options.tiers.map((tier): [string, () => Measurement] => [beforeName(tier), rejit(against, tier)]));
  if (program.javascript) {
    const js = program.javascript;
    runners.push(['js', () => timeProcess(process.execPath, [js, ...args], options.timeout)]);
  }
  if (program.c && gcc) {
    const exe = compileC(program.c, scratch);
    runners.push(['c', typeof exe === 'string' ? () => timeProcess(exe, args, options.timeout) : () => exe]);
  }
  const samples = new Map<string, Measurement[]>(runners.map(([name]) => [name, []]));
  const failures = new Map<string, string>();
  let reference: string | undefined;
  const label = `${program.suite}/${program.name} (${sizes.iterations}x${sizes.innerIterations})`;
  progress.show(`${label}: ${runners.map(([n]) => n).join(', ')}, ${options.runs} run(s)`, true);
  // JavaScript runs first in each round, so that its output is the reference for the others;
  // the rounds interleave the runners so that machine noise spreads evenly over them.
  runners.sort(([a], [b]) => Number(b === 'js') - Number(a === 'js'));
  for (let round = 0; round < options.runs; round++) {
    for (const [name, run] of runners) {
      if (failures.has(name)) continue;
      progress.show(`${label}: ${name} run ${round + 1}/${options.runs}`, false);
      const m = run();
      reference ??= name === 'js' && m.failure === null ? m.output : undefined;
      if (m.failure !== null) failures.set(name, m.failure);
      else if (reference === undefined && program.javascript) failures.set(name, 'no verified JavaScript output to compare with');
      else if (reference !== undefined && m.output !== reference) failures.set(name, `output ${JSON.stringify(m.output)} differs from JavaScript's ${JSON.stringify(reference)}`);
      else samples.get(name)?.push(m);
    }
  }
  const results: Record<string, RunnerResult> = {};
  for (const [name] of runners) {
    const failure = failures.get(name) ?? null;
    const runs = samples.get(name) ?? [];
    const wall = runs.map((m) => m.seconds);
    const cpu = runs.flatMap((m) => (m.cpuSeconds === null ? [] : [m.cpuSeconds]));
    const counted = failure === null && runs.length > 0;
    results[name] = {
      median: counted ? median(wall) : null,
      cpuMedian: counted && cpu.length === runs.length ? median(cpu) : null,
      samples: wall,
      cpuSamples: cpu,
      failure,
    };
  }
  return { suite: program.suite, program: program.name, sizes, results };
}

function beforeName(tier: string): string {
  return `${tier}@before`;
}

function tracedName(tier: string): string {
  return `${tier}+trace`;
}

function main(options: Options): number {
  const gcc = spawnSync('gcc', ['--version']).status === 0;
  if (!gcc) process.stderr.write('bench: gcc not found, the C versions are skipped\n');
  const scratch = mkdtempSync(join(tmpdir(), 'rejit-bench-'));
  const progress = new Progress();
  let rows: Row[];
  try {
    rows = options.programs.map((p) => benchmark(p, options, scratch, gcc, progress));
  } finally {
    progress.done();
    rmSync(scratch, { recursive: true, force: true });
  }
  const runnerNames = [...options.tiers, ...(options.against === null ? [] : options.tiers.map(beforeName)), ...(options.trace ? options.tiers.map(tracedName) : [])];
  const verified = rows.every((r) => Object.values(r.results).every((x) => x.failure === null));
  if (options.json) {
    const report = { date: new Date().toISOString(), machine: machineDescription(gcc), argv: process.argv.slice(2), runs: options.runs, tiers: options.tiers, verified, rows, summary: (['wall', 'cpu'] as const).flatMap((m) => summarize(rows, runnerNames, m)) };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(formatTables(rows, runnerNames, options.runs, options.metric));
    if (options.against !== null) process.stdout.write(formatComparison(rows, options.tiers.map((t) => [t, beforeName(t)]), options.metric));
    if (options.trace) process.stdout.write(formatComparison(rows, options.tiers.map((t) => [tracedName(t), t]), options.metric));
  }
  return verified ? 0 : 1;
}

process.exitCode = await runScript('bench', USAGE, process.argv.slice(2), parseOptions, main);
