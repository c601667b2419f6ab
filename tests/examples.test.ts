//! Every program in examples/ runs and prints what its `// expect:` lines
//! say (the golden tests' directives, `// threads: N` included); the live
//! coding example runs under --watch and takes an edit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDirectives } from './golden-directives.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = join(ROOT, 'examples');
const REJIT = join(ROOT, 'bin/rejit');

/** Examples with expected output; the live-coding one is tested under --watch below. */
const PROGRAMS = readdirSync(EXAMPLES).filter((f) => (f.endsWith('.rj') || f.endsWith('.mjs')) && f !== 'live.rj');

test('every example has expected output', () => {
  assert.ok(PROGRAMS.length >= 4, PROGRAMS.join(', '));
  for (const file of PROGRAMS) assert.ok(parseDirectives(readFileSync(join(EXAMPLES, file), 'utf8')).stdout.length > 0, file);
});

for (const file of PROGRAMS) {
  test(`examples/${file} prints what it says`, { timeout: 60_000 }, () => {
    const { stdout: expected, threads } = parseDirectives(readFileSync(join(EXAMPLES, file), 'utf8'));
    const args = file.endsWith('.mjs') ? [join(EXAMPLES, file)] : [REJIT, 'run', join('examples', file), '--threads', String(threads ?? 1)];
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), expected);
  });
}

test('examples/live.rj under --watch picks up an edit of frame() while it runs', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rejit-live-'));
  try {
    const file = join(dir, 'live.rj');
    copyFileSync(join(EXAMPLES, 'live.rj'), file);
    const child = spawn(process.execPath, [REJIT, 'run', file, '--watch']);
    let out = '';
    const seen = (pattern: RegExp): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${out}`)), 20_000);
        const check = (): void => {
          if (!pattern.test(out)) return;
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve();
        };
        child.stdout.on('data', check);
        check();
      });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await seen(/frame 2 -> 4\n/);
    writeFileSync(file, readFileSync(file, 'utf8').replace('return t * t;', 'return -t;'));
    await seen(/frame (\d+) -> -\1\n/);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGINT');
    assert.equal(await exited, 130);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the README points to every example', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const file of [...PROGRAMS, 'live.rj', 'bf/']) assert.ok(readme.includes(`examples/${file}`), file);
});

test('examples/bf runs Brainf*** from generated source and from the builder, with the byte builtins and with host functions', { timeout: 120_000 }, () => {
  const bf = (program: string, input: string, ...flags: string[]): string => {
    const r = spawnSync(process.execPath, [join(EXAMPLES, 'bf/bf.mjs'), join(EXAMPLES, 'bf', program), ...flags], { cwd: ROOT, input, encoding: 'utf8' });
    assert.equal(r.status, 0, `${program} ${flags.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  for (const flags of [[], ['--builder'], ['--host'], ['--builder', '--host'], ['--tier', 'interp'], ['--tier', 'opt', '--host']]) {
    assert.equal(bf('hello.b', '', ...flags), 'Hello World!\n', flags.join(' '));
    assert.equal(bf('reverse.b', 'abc\ndé', ...flags), Buffer.from([...Buffer.from('abc\ndé')].reverse()).toString(), flags.join(' '));
  }
  const dir = mkdtempSync(join(tmpdir(), 'rejit-bf-'));
  try {
    // The generated source is a Rejit program like any other: `rejit run` runs it.
    writeFileSync(join(dir, 'hello.rj'), bf('hello.b', '', '--emit'));
    const r = spawnSync(process.execPath, [REJIT, 'run', join(dir, 'hello.rj')], { encoding: 'utf8' });
    assert.equal(r.stdout, 'Hello World!\n', r.stderr);
    // A trap names the BF offset it came from.
    writeFileSync(join(dir, 'off.b'), '+[>+]');
    const off = spawnSync(process.execPath, [join(EXAMPLES, 'bf/bf.mjs'), join(dir, 'off.b')], { encoding: 'utf8' });
    assert.equal(off.status, 70);
    assert.match(off.stderr, /off\.b: index out of bounds \(BF offset 3\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
