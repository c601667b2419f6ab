//! The golden test runner: runs every `tests/golden/**/*.rj` (except files
//! under a `modules/` folder, which other tests load) with `bin/rejit run`
//! and compares stdout, the trap or diagnostics on stderr, and the exit
//! status with the file's directives (tests/golden/README.md). With several
//! tiers, it is also a differential test: every tier must print exactly what
//! the first one prints, whole trap stacks included.
//!
//! Environment:
//!   REJIT_TIERS=interp,baseline   tiers to run each file at (default: DEFAULT_TIERS); an
//!                                 entry may add options: `auto --hot-calls 2 --hot-loops 20`
//!   REJIT_GOLDEN_JOBS=N           child processes at a time (default: CPUs, at most 8)
//!   REJIT_GOLDEN_TIMEOUT=S        seconds per run (default: 60)
//!   REJIT_GOLDEN_FILTER=text      only files whose path contains text
//!   BLESS=1                       rewrite the directives from the actual results

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  blessSource,
  expectedExit,
  parseDirectives,
  type Directives,
  type Located,
  type Outcome,
} from './golden-directives.js';
import { TEST_CONFIGS } from '../src/tiering/tiers.js';

/** The repository root: the nearest folder above this file with a package.json. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('golden tests: cannot find the repository root');
    dir = up;
  }
  return dir;
}

const ROOT = findRoot();
const GOLDEN = 'tests/golden';
/** Every tier's test configurations (`src/tiering/tiers.ts`), each a tier and its flags. */
const DEFAULT_TIERS = TEST_CONFIGS.map((c) => c.label).join(',');
const TIERS = (process.env.REJIT_TIERS ?? DEFAULT_TIERS).split(',').map((t) => t.trim()).filter((t) => t !== '');
const JOBS = Math.max(1, Number(process.env.REJIT_GOLDEN_JOBS) || Math.min(8, availableParallelism()));
const TIMEOUT_MS = (Number(process.env.REJIT_GOLDEN_TIMEOUT) || 60) * 1000;
const FILTER = process.env.REJIT_GOLDEN_FILTER ?? '';
const BLESS = process.env.BLESS === '1';

/** Paths relative to the root, with `/`, sorted; `modules/` folders are skipped. */
function findGoldenFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    const entries = readdirSync(join(ROOT, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const path = posix.join(rel, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'modules') walk(path);
      } else if (e.isFile() && e.name.endsWith('.rj')) {
        found.push(path);
      }
    }
  };
  if (existsSync(join(ROOT, dir))) walk(dir);
  return found;
}

interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
}

/** At most JOBS child processes at a time; runs start in the order they are asked for. */
const queue: (() => void)[] = [];
let running = 0;
function limited<T>(start: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const go = (): void => {
      running++;
      start().then(resolve, reject).finally(() => {
        running--;
        queue.shift()?.();
      });
    };
    if (running < JOBS) go();
    else queue.push(go);
  });
}

function runRejit(file: string, tier: string, d: Directives): Promise<RunResult> {
  const [name = '', ...options] = tier.split(/\s+/);
  const args = [join(ROOT, 'bin', 'rejit'), 'run', file, '--tier', name, ...options];
  if (d.threads !== null) args.push('--threads', String(d.threads));
  if (d.host !== null) args.push('--host', posix.join(posix.dirname(file), d.host));
  if (d.args.length > 0) args.push('--', ...d.args);
  return limited(
    () =>
      new Promise<RunResult>((resolve) => {
        const child = execFile(
          process.execPath,
          args,
          // The corpus runs with the IR verified after every pass and every module validated.
          { cwd: ROOT, env: { ...process.env, REJIT_VERIFY: process.env.REJIT_VERIFY ?? '1' }, timeout: TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 << 20, encoding: 'utf8' },
          (error, stdout, stderr) => {
            const e = error as (Error & { code?: number | string; signal?: string | null; killed?: boolean }) | null;
            const status = e === null ? 0 : typeof e.code === 'number' ? e.code : null;
            resolve({
              stdout,
              stderr,
              status,
              signal: e?.signal ?? null,
              timedOut: e !== null && e.killed === true && e.signal === 'SIGKILL',
            });
          },
        );
        // Standard input is the `stdin:` lines, then its end (never left open: a read would wait for good).
        child.stdin?.on('error', () => {}); // a program that ends without reading it all
        child.stdin?.end(d.stdin);
      }),
  );
}

function outputLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const TRAP_LINE = /^(.*):(\d+):(\d+): trap: (.*)$/;
const ERROR_LINE = /^(.*):(\d+):(\d+): error: (.*)$/;

/** A FILE as printed by rejit, as a directive writes it: none for the test file, else relative to its folder. */
function directiveFile(printed: string, testFile: string): string | undefined {
  const p = printed.split(sep).join('/');
  if (p === testFile) return undefined;
  return posix.relative(posix.dirname(testFile), posix.normalize(p));
}

/** A directive's FILE as rejit prints it: the test file, or a path relative to its folder. */
function printedFile(l: Located, testFile: string): string {
  return l.file === undefined ? testFile : posix.join(posix.dirname(testFile), l.file);
}

function outcomeOf(r: RunResult, testFile: string): Outcome {
  const stderrLines = outputLines(r.stderr);
  const located = (m: RegExpExecArray): Located => {
    const file = directiveFile(m[1] as string, testFile);
    const l = { line: Number(m[2]), col: Number(m[3]), message: m[4] as string };
    return file === undefined ? l : { file, ...l };
  };
  const first = TRAP_LINE.exec(stderrLines[0] ?? '');
  const errors: Located[] = [];
  for (const line of stderrLines) {
    const m = ERROR_LINE.exec(line);
    if (m) errors.push(located(m));
  }
  return {
    stdout: outputLines(r.stdout),
    trap: first ? located(first) : null,
    // The diagnostics of a failed load follow its trap line: they are not compile errors of the run.
    errors: first ? [] : errors,
    exit: r.status ?? -1,
  };
}

/** What is compared: the same shape for the expected and the actual side, so a failure shows one diff. */
function comparable(o: { stdout: readonly string[]; trap: Located | null; errors: readonly Located[]; exit: number }, testFile: string) {
  const show = (l: Located, kind: string): string => `${printedFile(l, testFile)}:${l.line}:${l.col}: ${kind}: ${l.message}`;
  return {
    stdout: [...o.stdout],
    trap: o.trap ? show(o.trap, 'trap') : null,
    errors: o.errors.map((l) => show(l, 'error')),
    exit: o.exit,
  };
}

const files = findGoldenFiles(GOLDEN).filter((f) => f.includes(FILTER));

test('golden corpus is present', () => {
  assert.ok(files.length > 0 || FILTER !== '', `no .rj files under ${GOLDEN}`);
});

for (const file of files) {
  const source = readFileSync(join(ROOT, file), 'utf8');
  let directives: Directives | Error;
  try {
    directives = parseDirectives(source);
  } catch (e) {
    directives = e as Error;
  }
  const runs: Promise<RunResult>[] = [];
  for (const [i, tier] of TIERS.entries()) {
    // Start the run now, so that several run while the tests are reported in order.
    const run = directives instanceof Error ? null : runRejit(file, tier, directives);
    if (run) runs.push(run);
    test(`${file} [${tier}]`, async () => {
      if (directives instanceof Error) throw new Error(`${file}: ${directives.message}`);
      const r = await (run as Promise<RunResult>);
      const context = `\n--- ${file} at tier ${tier}: stderr ---\n${r.stderr}${r.timedOut ? `\n(killed after ${TIMEOUT_MS / 1000}s)` : ''}${r.signal && !r.timedOut ? `\n(killed by ${r.signal})` : ''}`;
      const actual = outcomeOf(r, file);
      if (BLESS && i === 0) {
        const blessed = blessSource(source, actual);
        if (blessed !== source) writeFileSync(join(ROOT, file), blessed);
        return;
      }
      const expected = { stdout: directives.stdout, trap: directives.trap, errors: directives.errors, exit: expectedExit(directives) };
      assert.deepStrictEqual(comparable(actual, file), comparable(expected, file), context);
    });
  }
  if (runs.length > 1 && !BLESS) {
    test(`${file} [${TIERS.join(' = ')}]`, async () => {
      const [first, ...others] = (await Promise.all(runs)).map(wholeOutput);
      for (const [i, other] of others.entries()) assert.deepStrictEqual(other, first, `${file}: ${TIERS[i + 1]} differs from ${TIERS[0]}`);
    });
  }
}

/**
 * Everything a run printed, for comparing tiers with each other: whole trap
 * stacks too, which the directives leave out. Only the depth at which a
 * stack overflows differs between tiers (each tier's frames take their own
 * room on the machine stack).
 */
function wholeOutput(r: RunResult): { stdout: string; stderr: string; status: number | null } {
  return { stdout: r.stdout, stderr: r.stderr.replace(/^ {2}\.\.\. \d+ more frames$/m, '  ... N more frames'), status: r.status };
}
