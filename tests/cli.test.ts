//! The command line as a user meets it: usage, version, exit statuses,
//! timeouts and Ctrl-C.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'rejit-cli-'));
const LOOP = join(dir, 'loop.rj');
writeFileSync(LOOP, 'fn main() {\n  print("started");\n  let x = 0;\n  while true { x = x + 1; }\n}\n');

function rejit(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/rejit', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--help and --version print to stdout and succeed', () => {
  assert.match(rejit('--help').stdout, /rejit run FILE/);
  assert.match(rejit('--version').stdout, /^rejit \d+\.\d+\.\d+\n$/);
});

test('usage errors exit 64 with a message on stderr', () => {
  const r = rejit('run', 'examples/hello.rj', '--threads', 'zero');
  assert.equal(r.status, 64);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /--threads needs a positive integer/);
  assert.equal(rejit('frobnicate', 'x.rj').status, 64);
  assert.equal(rejit('run', 'examples/hello.rj', '--tier', 'fast').status, 64);
});

test('every bad flag is a usage error with status 64 and no JavaScript stack', () => {
  const bad: readonly (readonly [readonly string[], RegExp])[] = [
    [['--bogus'], /rejit: Unknown option '--bogus'/],
    [['--threads', '-1'], /--threads needs a positive integer, got '-1'/],
    [['--threads=-1'], /--threads needs a positive integer, got '-1'/],
    [['--threads', '0'], /--threads needs a positive integer, got '0'/],
    [['--threads', '65'], /--threads must be at most 64, got '65'/],
    [['--tier'], /Option '--tier <value>' argument missing/],
    [['--timeout', '3000000'], /--timeout must be at most 2147483 seconds, got '3000000'/],
    [['--timeout', '-5'], /--timeout needs a positive number of seconds, got '-5'/],
    [['--allow-load'], /Option '--allow-load <value>' argument missing/],
  ];
  for (const [flags, message] of bad) {
    const r = rejit('run', 'examples/hello.rj', ...flags);
    assert.equal(r.status, 64, flags.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, message);
    assert.match(r.stderr, /\nUsage:\n/);
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  }
});

test("the arguments after '--' are the program's, flags too; read_byte reads standard input", () => {
  const echo = join(dir, 'echo.rj');
  writeFileSync(echo, [
    'fn main() -> i32 {',
    '  for i in 0..arg_count() { let a = arg(i); for j in 0..a.length { write_byte(a[j]); } write_byte(32); }',
    '  let n = 0;',
    '  while read_byte() >= 0 { n += 1; }',
    '  print(n);',
    '  return arg_count();',
    '}',
  ].join('\n'));
  for (const threads of ['1', '2']) {
    const r = spawnSync(process.execPath, ['bin/rejit', 'run', echo, '--threads', threads, '--', '--threads', '-x', '--'], { input: 'abc\n', encoding: 'utf8', timeout: 30_000 });
    // Each thread prints its line; the four bytes of input go to one thread or are shared between them.
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, Number(threads), r.stdout);
    assert.ok(lines.every((l) => l.startsWith('--threads -x -- ')), r.stdout);
    assert.equal(lines.reduce((n, l) => n + Number(l.split(' ').pop()), 0), 4, r.stdout);
    assert.equal(r.status, 3);
  }
  const r = rejit('check', echo, '--', 'a');
  assert.equal(r.status, 64);
  assert.match(r.stderr, /'check' takes no program arguments/);
  const missing = rejit('run', echo, '--host', join(dir, 'no-such-host.mjs'));
  assert.equal(missing.status, 64);
  assert.match(missing.stderr, /^rejit: --host cannot import '.*no-such-host\.mjs': Cannot find module/);
});

test('before read_byte waits for input, the output so far is written, a prompt without a newline too', { timeout: 30_000 }, async () => {
  const ask = join(dir, 'ask.rj');
  writeFileSync(ask, 'fn main() {\n  print("hello");\n  write_byte(63);\n  write_byte(32);\n  print(read_byte());\n}\n');
  const child = spawn(process.execPath, ['bin/rejit', 'run', ask]);
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    // The answer is given only once the prompt is seen: without it, the run would wait for good.
    if (out === 'hello\n? ') child.stdin.end('x');
  });
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(out, 'hello\n? 120\n');
  assert.equal(status, 0);
});

test('the longest --timeout that Node can time is accepted', () => {
  const r = rejit('run', 'examples/hello.rj', '--timeout', '2147483');
  assert.equal(r.status, 0);
});

test('an internal error stops every thread at once and exits 71 with a request to report it', () => {
  // The fault: a worker's write to stdout fails (tests/fixtures/fault-on-print.ts), on thread 0 only.
  const program = join(dir, 'fault.rj');
  writeFileSync(program, 'fn main() -> i32 {\n  if thread_id() == 0 { print("FAULT"); }\n  barrier();\n  print("after barrier");\n  return 3;\n}\n');
  for (const threads of ['1', '2']) {
    const r = spawnSync(process.execPath, ['--import', './dist/tests/fixtures/fault-on-print.js', 'bin/rejit', 'run', program, '--threads', threads], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 71, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^internal error: Error: injected output failure\n/);
    assert.match(r.stderr, /\n {2}on thread 0\nThis is a bug in Rejit, not in the program: please report it/);
    assert.doesNotMatch(r.stderr, /node:|\.js:\d+/, 'no JavaScript stack');
  }
});

test('loads read only under the main file\'s directory, and each --allow-load DIR', () => {
  mkdirSync(join(dir, 'app'), { recursive: true });
  mkdirSync(join(dir, 'lib'), { recursive: true });
  writeFileSync(join(dir, 'lib', 'm.rj'), 'fn m() -> i32 { return 5; }\n');
  const app = join(dir, 'app', 'main.rj');
  writeFileSync(app, 'fn m() -> i32;\nfn main() -> i32 {\n  load("../lib/m.rj");\n  return m();\n}\n');
  const refused = rejit('run', app);
  assert.equal(refused.status, 70);
  assert.match(refused.stderr, /main\.rj:3:3: trap: load failed\n.*lib\/m\.rj:1:1: error: cannot load '.*lib\/m\.rj': it is outside the directories that loads may read/);
  assert.equal(rejit('run', app, '--allow-load', join(dir, 'lib')).status, 5);
  const missing = rejit('run', app, '--allow-load', join(dir, 'nowhere'));
  assert.equal(missing.status, 64);
  assert.match(missing.stderr, /--allow-load needs a directory/);
  // The refused file is not read, so no line of it shows under a caret.
  const passwd = join(dir, 'app', 'passwd.rj');
  writeFileSync(passwd, 'fn main() {\n  load("/etc/passwd");\n}\n');
  const r = rejit('run', passwd);
  assert.equal(r.status, 70);
  assert.match(r.stderr, /cannot load '\/etc\/passwd': it is outside/);
  assert.doesNotMatch(r.stderr, /root:|\^/);
});

test('a missing file is a compile error naming the file', () => {
  const r = rejit('run', join(dir, 'missing.rj'));
  assert.equal(r.status, 65);
  assert.match(r.stderr, /missing\.rj:1:1: error: cannot read module/);
});

test('--timeout stops a program that loops forever, on one thread and on several', () => {
  for (const threads of ['1', '3']) {
    const started = Date.now();
    const r = rejit('run', LOOP, '--timeout', '0.5', '--threads', threads);
    assert.equal(r.status, 124);
    assert.equal(r.stdout, 'started\n'.repeat(Number(threads)));
    assert.match(r.stderr, /timed out after 0\.5 s/);
    assert.ok(Date.now() - started < 10_000);
  }
});

test('Ctrl-C interrupts a running program with status 130, on one thread (the main thread) and on several', async () => {
  // One thread holds its output until the run ends or sleeps: the sleep shows that the loop has started.
  const program = join(dir, 'loop-seen.rj');
  writeFileSync(program, 'fn main() {\n  print("started");\n  sleep_ms(1);\n  let x = 0;\n  while true { x = x + 1; }\n}\n');
  for (const threads of ['1', '2']) {
    const child = spawn(process.execPath, ['bin/rejit', 'run', program, '--threads', threads], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // One Ctrl-C, once the program runs: a second one after the run has stopped would kill the process.
    child.stdout.once('data', () => child.kill('SIGINT'));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    assert.equal(status, 130, `${threads} thread(s): ${stderr}`);
    // Of several threads, some may not have started when the run stops.
    assert.match(stdout, threads === '1' ? /^started\n$/ : /^(started\n)+$/);
    assert.match(stderr, /interrupted/);
  }
});

test('the command line\'s bundle compiles from the V8 code cache the build made', () => {
  // Rejected if the flags that the build's run at the default tier set (scripts/code-cache.cjs) were not set back.
  const loads = "process.stdout.write(String(require('./bin/rejit').loadBundle().script.cachedDataRejected))";
  const r = spawnSync(process.execPath, ['-e', loads], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.stdout, 'false', r.stderr);
});

test('the code cache holds every function of the bundle that running hello world runs', () => {
  // A function that V8 compiles afresh (not from the cache) adds its bytecode to a cache made afterwards.
  const runs = `const { exports: cli, script } = require('./bin/rejit').loadBundle();
const before = script.createCachedData().length;
cli.main(['run', 'examples/hello.rj']).then((status) => {
  process.stderr.write(JSON.stringify({ rejected: script.cachedDataRejected, status, before, after: script.createCachedData().length }));
});`;
  const r = spawnSync(process.execPath, ['-e', runs], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.stdout, 'hello from Rejit: 5 shapes\n51.416\n');
  const { rejected, status, before, after } = JSON.parse(r.stderr) as { rejected: boolean; status: number; before: number; after: number };
  assert.equal(rejected, false);
  assert.equal(status, 0);
  assert.equal(after, before, 'code compiled outside the cache (scripts/code-cache.cjs warms it)');
});

test('running hello world loads no module of Node that it does not need', () => {
  const loadedBy = (...args: string[]): string[] => {
    const runs = `const { exports: cli } = require('./bin/rejit').loadBundle();
cli.main(${JSON.stringify(['run', 'examples/hello.rj', ...args])}).then(() => process.stderr.write(JSON.stringify(process.moduleLoadList)));`;
    const r = spawnSync(process.execPath, ['-e', runs], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.stdout, 'hello from Rejit: 5 shapes\n51.416\n');
    return JSON.parse(r.stderr) as string[];
  };
  // At the default tier (auto) nothing gets hot: no V8 flags to set (backend/engine-flags.ts), no compiler thread to start.
  const interpreted = loadedBy();
  assert.ok(!interpreted.includes('NativeModule v8'));
  assert.ok(!interpreted.includes('NativeModule worker_threads'));
  // The clock needs no node:perf_hooks (core/clock.ts).
  assert.ok(!interpreted.includes('NativeModule perf_hooks'));
  // The command line reads its flags itself (cli/arguments.ts).
  assert.ok(!interpreted.includes('NativeModule internal/util/parse_args/parse_args'));
  // What a compiling run loads, as a check that the list names what loaded.
  const compiled = loadedBy('--tier', 'baseline');
  assert.ok(compiled.includes('NativeModule v8'));
  assert.ok(!compiled.includes('NativeModule perf_hooks'));
});
