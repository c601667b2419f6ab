//! Start-up: the wall-clock time of `rejit run` on an empty program and on
//! hello world, beside `node -e 0` on the same machine, interleaved in rounds
//! so that noise falls on all alike; medians of `--runs` runs, and the ratios
//! to Node's own start-up. Beside them the CPU time of the whole processes
//! (user and system, all threads), steadier than wall-clock time when other
//! work shares the machine: the mean of the runs, for Linux counts it in
//! 10 ms ticks, exact only summed over the runs.
//!
//! With `--instructions N`, also the instructions each command executes
//! (all threads; Valgrind's callgrind, the median of N runs under it): a
//! count that other work on the machine does not move, where wall-clock
//! medians moved by a fifth between sittings. Node's own start-up varies by
//! a few million instructions from run to run (V8 searches a random prime
//! for its hash seed). Skipped, with a note, where Valgrind is missing.
//!
//!   node dist/bench/startup.js [--runs N] [--against DIR] [--instructions N]

import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP, positiveInteger, runScript } from './arguments.js';
import { median, timeProcess } from './measure.js';
import { formatTable } from './text-table.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const USAGE = `Usage: node dist/bench/startup.js [options]
  --runs N       runs of each command; the median counts (default: 11)
  --against DIR  also time DIR's bin/rejit (another built checkout), as "before"
  --instructions N
                 also count each command's instructions under Valgrind, median of N runs
`;

interface Options {
  readonly runs: number;
  readonly against: string | null;
  readonly instructions: number;
}

function parse(argv: string[]): Options | typeof HELP {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string' }, against: { type: 'string' }, instructions: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) return HELP;
  return { runs: positiveInteger(values.runs, '--runs') ?? 11, against: values.against ?? null, instructions: positiveInteger(values.instructions, '--instructions') ?? 0 };
}

function main(options: Options): number {
  const dir = mkdtempSync(join(tmpdir(), 'rejit-startup-'));
  try {
    const empty = join(dir, 'empty.rj');
    writeFileSync(empty, 'fn main() -> i32 { return 0; }\n');
    const hello = join(ROOT, 'examples/hello.rj');
    const commands: [string, string[]][] = [['node -e 0', ['-e', '0']]];
    const roots: [string, string][] = [['rejit', ROOT], ...(options.against ? [['before', options.against] as [string, string]] : [])];
    for (const [label, root] of roots) {
      commands.push([`${label} run empty.rj`, [join(root, 'bin/rejit'), 'run', empty]]);
      commands.push([`${label} run hello.rj`, [join(root, 'bin/rejit'), 'run', hello]]);
    }
    const samples = new Map<string, number[]>(commands.map(([name]) => [name, []]));
    const cpu = new Map<string, number>(commands.map(([name]) => [name, 0]));
    for (let round = 0; round < options.runs; round++) {
      for (const [name, args] of commands) {
        const m = timeProcess(process.execPath, args, 60);
        if (m.failure !== null) throw new Error(`${name}: ${m.failure}`);
        samples.get(name)?.push(m.seconds * 1000);
        cpu.set(name, (cpu.get(name) ?? 0) + (m.cpuSeconds ?? NaN) * 1000);
      }
    }
    const node = median(samples.get('node -e 0') ?? []);
    const nodeCpu = (cpu.get('node -e 0') ?? NaN) / options.runs;
    const rows = [['command', 'median ms', 'min ms', 'x node -e 0', 'cpu ms', 'cpu x node -e 0']];
    for (const [name] of commands) {
      const s = samples.get(name) ?? [];
      const c = (cpu.get(name) ?? NaN) / options.runs;
      rows.push([name, median(s).toFixed(1), Math.min(...s).toFixed(1), `${(median(s) / node).toFixed(2)}x`, c.toFixed(1), `${(c / nodeCpu).toFixed(2)}x`]);
    }
    process.stdout.write(`${formatTable(rows)}\n\nwall-clock time of whole processes, median of ${options.runs} runs, interleaved; their CPU time, mean of the runs\n`);
    // Node reads and parses those certificates as it starts, in every process: tens of milliseconds of CPU.
    if (process.env.NODE_EXTRA_CA_CERTS) process.stdout.write('NODE_EXTRA_CA_CERTS is set: each process above loads its certificates as it starts\n');
    if (options.instructions > 0) process.stdout.write(`\n${countInstructions(commands, options.instructions)}`);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The instructions of each command (millions, median of `runs` runs under callgrind, interleaved), or why there are none. */
function countInstructions(commands: readonly (readonly [string, readonly string[]])[], runs: number): string {
  const counts = new Map<string, number[]>(commands.map(([name]) => [name, []]));
  for (let round = 0; round < runs; round++) {
    for (const [name, args] of commands) {
      const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000 });
      if (r.error) return `instructions: not counted (valgrind: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message})\n`;
      const collected = /Collected : (\d+)/.exec(r.stderr ?? '');
      if (r.status !== 0 || !collected) throw new Error(`${name} under valgrind: exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}`);
      counts.get(name)?.push(Number(collected[1]) / 1e6);
    }
  }
  const node = median(counts.get('node -e 0') ?? []);
  const rows = [['command', 'instructions, M', 'x node -e 0']];
  for (const [name] of commands) {
    const m = median(counts.get(name) ?? []);
    rows.push([name, m.toFixed(1), `${(m / node).toFixed(2)}x`]);
  }
  return `${formatTable(rows)}\n\ninstructions executed by the whole processes (all threads), median of ${runs} runs under Valgrind's callgrind, interleaved\n`;
}

process.exitCode = await runScript('startup', USAGE, process.argv.slice(2), parse, main);
