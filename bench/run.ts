//! The benchmark runner (`npm run bench`): every program of a suite at each
//! Rejit tier, the same algorithm in plain JavaScript on Node, and in C when
//! `gcc` is present — all in one run, whole processes timed (start-up
//! included), the median of several runs, with ratios and their geometric
//! means. `--quick` runs each program once at size 1 and checks that every
//! tier prints what JavaScript prints: the test suite uses it.
//!
//! A program `NAME.rj` has a line `const INNER_ITERATIONS: i32 = N;` (its
//! size); `NAME.js` takes the size as its first argument, `NAME.c` likewise.

import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUITES: Record<string, string> = { micro: join(ROOT, 'bench/programs'), awfy: join(ROOT, 'bench/awfy') };
const ALL_TIERS = ['interp', 'baseline'];
const SIZE_LINE = /^const INNER_ITERATIONS: i32 = (\d+);$/m;

interface Measurement {
  readonly seconds: number | null;
  readonly output: string;
  readonly error: string | null;
}

interface Row {
  readonly suite: string;
  readonly program: string;
  readonly size: number;
  readonly times: Record<string, number | null>;
  readonly errors: Record<string, string>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function geomean(xs: number[]): number {
  return xs.length === 0 ? NaN : Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

function time(cmd: string, args: string[]): Measurement {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) return { seconds: null, output: r.stdout ?? '', error: `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n')[0]}` };
  return { seconds, output: r.stdout, error: null };
}

/** Writes the program with its size replaced into a scratch folder. */
function sized(file: string, size: number): string {
  const dir = join(tmpdir(), 'rejit-bench');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, basename(file));
  writeFileSync(out, readFileSync(file, 'utf8').replace(SIZE_LINE, `const INNER_ITERATIONS: i32 = ${size};`));
  return out;
}

function compileC(file: string): string | null {
  const exe = join(tmpdir(), 'rejit-bench', basename(file, '.c'));
  mkdirSync(join(tmpdir(), 'rejit-bench'), { recursive: true });
  const r = spawnSync('gcc', ['-O2', '-o', exe, file, '-lm'], { encoding: 'utf8' });
  return r.status === 0 ? exe : null;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      suite: { type: 'string', default: 'all' },
      programs: { type: 'string' },
      tiers: { type: 'string', default: ALL_TIERS.join(',') },
      runs: { type: 'string', default: '5' },
      size: { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const suites = values.suite === 'all' ? Object.keys(SUITES) : (values.suite as string).split(',');
  const tiers = (values.tiers as string).split(',');
  const runs = values.quick ? 1 : Number(values.runs);
  const only = values.programs ? new Set(values.programs.split(',')) : null;
  const hasGcc = spawnSync('gcc', ['--version']).status === 0;
  const rows: Row[] = [];
  let failures = 0;
  for (const suite of suites) {
    const dir = SUITES[suite];
    if (!dir) throw new Error(`unknown suite '${suite}' (use ${Object.keys(SUITES).join(', ')})`);
    if (!existsSync(dir)) continue;
    const programs = readdirSync(dir).filter((f) => f.endsWith('.rj')).map((f) => basename(f, '.rj')).sort()
      .filter((p) => only === null || only.has(p));
    for (const program of programs) {
      const rj = join(dir, `${program}.rj`);
      const source = readFileSync(rj, 'utf8');
      const defaultSize = Number(SIZE_LINE.exec(source)?.[1] ?? '1');
      const size = values.quick ? 1 : values.size ? Number(values.size) : defaultSize;
      const file = sized(rj, size);
      const js = join(dir, `${program}.js`);
      const c = join(dir, `${program}.c`);
      const exe = hasGcc && existsSync(c) ? compileC(c) : null;
      const runners: [string, () => Measurement][] = tiers.map((t) => [t, () => time(process.execPath, [join(ROOT, 'bin/rejit'), 'run', file, '--tier', t])]);
      if (existsSync(js)) runners.push(['js', () => time(process.execPath, [js, String(size)])]);
      if (exe) runners.push(['c', () => time(exe, [String(size)])]);
      const samples: Record<string, number[]> = {};
      const errors: Record<string, string> = {};
      const outputs: Record<string, string> = {};
      // Interleave the runners so that machine noise spreads evenly over them.
      for (let i = 0; i < runs; i++) {
        for (const [name, run] of runners) {
          if (errors[name]) continue;
          process.stderr.write(`\r${suite}/${program} (size ${size}) ${name} run ${i + 1}/${runs}        `);
          const m = run();
          if (m.error) errors[name] = m.error;
          else (samples[name] ??= []).push(m.seconds as number);
          outputs[name] = m.output;
        }
      }
      const reference = outputs.js;
      for (const t of tiers) {
        if (!errors[t] && reference !== undefined && outputs[t] !== reference) {
          errors[t] = `output differs from JavaScript: ${JSON.stringify(outputs[t])} vs ${JSON.stringify(reference)}`;
        }
      }
      failures += Object.keys(errors).length;
      const times: Record<string, number | null> = {};
      for (const [name] of runners) times[name] = samples[name] && !errors[name] ? median(samples[name]) : null;
      rows.push({ suite, program, size, times, errors });
    }
  }
  process.stderr.write('\r\x1b[K');
  if (values.json) process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), runs, tiers, rows }, null, 2)}\n`);
  else process.stdout.write(table(rows, tiers, runs));
  return failures === 0 ? 0 : 1;
}

function table(rows: Row[], tiers: string[], runs: number): string {
  const fmt = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : x.toFixed(3));
  const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
    a === null || a === undefined || b === null || b === undefined ? null : a / b;
  const header = ['program', 'size', ...tiers.map((t) => `${t} s`), 'js s', 'c s', ...tiers.map((t) => `${t}/js`), ...tiers.map((t) => `${t}/c`)];
  const lines = [header];
  const ratios: Record<string, number[]> = {};
  for (const r of rows) {
    const cells = [`${r.suite}/${r.program}`, String(r.size), ...tiers.map((t) => fmt(r.times[t])), fmt(r.times.js), fmt(r.times.c)];
    for (const base of ['js', 'c']) {
      for (const t of tiers) {
        const x = ratio(r.times[t], r.times[base]);
        cells.push(x === null ? '—' : `${x.toFixed(2)}x`);
        if (x !== null) (ratios[`${t}/${base}`] ??= []).push(x);
      }
    }
    lines.push(cells);
  }
  const geo = ['geomean', '', ...tiers.map(() => ''), '', ''];
  for (const base of ['js', 'c']) for (const t of tiers) {
    const g = geomean(ratios[`${t}/${base}`] ?? []);
    geo.push(Number.isNaN(g) ? '—' : `${g.toFixed(2)}x`);
  }
  lines.push(geo);
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  const text = lines.map((l) => l.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd()).join('\n');
  const errors = rows.flatMap((r) => Object.entries(r.errors).map(([k, v]) => `${r.suite}/${r.program} ${k}: ${v}`));
  return `${text}\n\nmedian of ${runs} run(s); whole processes, start-up included\n${errors.length ? `\nFAILED:\n${errors.join('\n')}\n` : ''}`;
}

process.exitCode = main();
