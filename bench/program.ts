//! A benchmark program: `NAME.rj` with its `NAME.js` and, for the AWFY suite, `NAME.c` beside it.
//!
//! The sizes are AWFY's two harness counts. The Rejit file holds the defaults as
//! `const ITERATIONS: i32 = N;` (how many times the benchmark runs) and
//! `const INNER_ITERATIONS: i32 = M;` (AWFY's inner iterations: a repeat count, or a problem
//! size for the benchmarks that override `innerBenchmarkLoop`). Rejit programs take no command
//! line, so the runner writes a copy with the counts replaced; the JavaScript and C versions get
//! the same counts as their arguments `ITERATIONS INNER_ITERATIONS`.

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface Sizes {
  readonly iterations: number;
  readonly innerIterations: number;
}

export interface BenchProgram {
  readonly suite: string;
  readonly name: string;
  readonly rejit: string;
  readonly javascript: string | null;
  readonly c: string | null;
  readonly defaults: Sizes;
}

const COUNT_LINE = (name: string): RegExp => new RegExp(`^const ${name}: i32 = (\\d+);$`, 'm');
const ITERATIONS_LINE = COUNT_LINE('ITERATIONS');
const INNER_ITERATIONS_LINE = COUNT_LINE('INNER_ITERATIONS');

/** The programs of the suite in `dir`, by name. */
export function findPrograms(suite: string, dir: string): BenchProgram[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rj'))
    .sort()
    .map((f) => {
      const name = basename(f, '.rj');
      const rejit = join(dir, f);
      const sibling = (ext: string): string | null => (existsSync(join(dir, name + ext)) ? join(dir, name + ext) : null);
      return { suite, name, rejit, javascript: sibling('.js'), c: sibling('.c'), defaults: readSizes(rejit) };
    });
}

function readSizes(file: string): Sizes {
  const source = readFileSync(file, 'utf8');
  const count = (line: RegExp, what: string): number => {
    const m = line.exec(source);
    if (!m) throw new Error(`${file}: no line 'const ${what}: i32 = N;'`);
    return Number(m[1]);
  };
  return { iterations: count(ITERATIONS_LINE, 'ITERATIONS'), innerIterations: count(INNER_ITERATIONS_LINE, 'INNER_ITERATIONS') };
}

/** Writes the Rejit program with `sizes` into `dir` (same file name, so traps name it) and returns its path. */
export function writeSizedRejit(program: BenchProgram, sizes: Sizes, dir: string): string {
  const out = join(dir, basename(program.rejit));
  const source = readFileSync(program.rejit, 'utf8')
    .replace(ITERATIONS_LINE, `const ITERATIONS: i32 = ${sizes.iterations};`)
    .replace(INNER_ITERATIONS_LINE, `const INNER_ITERATIONS: i32 = ${sizes.innerIterations};`);
  writeFileSync(out, source);
  return out;
}

/** The command-line arguments of the JavaScript and C versions. */
export function sizeArguments(sizes: Sizes): string[] {
  return [String(sizes.iterations), String(sizes.innerIterations)];
}
