//! `--trace`, `--stats` and the sessions' `trace` option and `stats()`: the
//! trace of programs that load, tier up, deoptimize, trap and time out is a
//! valid Trace Event file (`trace-validator.ts`), its events say what
//! happened, and the `--stats` figures agree with its counts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Session } from '../../src/session/session.js';
import { ThreadedSession } from '../../src/session/threaded-session.js';
import { TraceFile, TraceFileError } from '../../src/session/trace-file.js';
import { requestedPath, type ModuleResolver } from '../../src/session/module-resolver.js';
import { eventsNamed, validTrace, type Event } from './trace-validator.js';

const dir = mkdtempSync(join(tmpdir(), 'rejit-trace-'));
let files = 0;
const tracePath = (): string => join(dir, `trace-${++files}.json`);

function resolverOf(modules: Record<string, string>): ModuleResolver {
  return (request) => {
    const fileName = requestedPath(request);
    const source = modules[fileName];
    if (source === undefined) throw new Error(`no module ${fileName}`);
    return { fileName, source };
  };
}

// `weight` is inlined into `total`'s optimized code, which assumes its definition; the load of
// a new one mid-loop breaks that, and the loop continues in the interpreter.
const REDEFINED = {
  'main.rj': `
global done: bool = false;
fn weight(i: i32) -> i32 { return 1; }
fn maybeLoad(i: i32) {
  if i == 30 && !done { done = true; load("w2.rj"); }
}
fn total(n: i32) -> i32 {
  let t = 0;
  for i in 0..n { t = t + weight(i); maybeLoad(i); }
  return t;
}
`,
  'w2.rj': 'fn weight(i: i32) -> i32 { return 10; }',
};

test('a load that breaks optimized code: load, compile, invalidate and deopt events, and stats that agree', () => {
  const path = tracePath();
  const session = new Session({ tier: 'opt', trace: path, resolve: resolverOf(REDEFINED), print: () => {} });
  session.load(REDEFINED['main.rj'], 'main.rj');
  assert.equal(session.call('total', 100), 31 + 69 * 10);
  const stats = session.stats();
  session.close();
  const events = validTrace(path);

  const loads = eventsNamed(events, 'load');
  assert.deepEqual(loads.map((e) => e.args.file), ['main.rj', 'w2.rj']);
  for (const part of ['parse', 'check', 'apply', 'handshake']) assert.equal(eventsNamed(events, part, 'B').length, 2, part);
  assert.equal(stats.loads.count, 2);

  const compiles = eventsNamed(events, 'compile');
  assert.ok(compiles.every((e) => e.args.tier === 'opt' && typeof e.args.function === 'string' && typeof e.args.version === 'number'));
  assert.equal(compiles.length, stats.tiers.opt.compiled);
  const bytes = events.filter((e) => e.name === 'compile' && e.ph === 'E').reduce((n, e) => n + (e.args.bytes as number), 0);
  assert.equal(bytes, stats.tiers.opt.bytes);

  const [invalidate] = eventsNamed(events, 'invalidate');
  assert.match(String(invalidate?.args.assumption), /^definition of weight is code \d+$/);
  assert.ok((invalidate?.args.dependents as string[]).some((d) => /^total v\d+$/.test(d)), JSON.stringify(invalidate));

  const deopts = eventsNamed(events, 'deopt');
  assert.equal(deopts.length, 1);
  assert.equal(deopts[0]?.args.function, 'total');
  assert.equal(deopts[0]?.args.reason, 'invalidated');
  assert.equal(deopts[0]?.args.position, 'main.rj:9:38');
  assert.deepEqual(deopts[0]?.args.frames, ['total']);
  assert.equal(stats.deopts.invalidated, 1);
  assert.equal(stats.codeVersions.freed, 0);
  assert.ok(stats.codeVersions.live >= stats.tiers.opt.compiled);
});

test('deopts at every third check (stress): one event per deopt, as many as --stats counts', () => {
  const path = tracePath();
  const session = new Session({ tier: 'opt', trace: path, compile: { polls: true, stubs: true, inline: true, deoptEvery: 3 }, print: () => {} });
  session.load('fn fib(n: i32) -> i32 { if n < 2 { return n; } return fib(n - 1) + fib(n - 2); }\nfn main() -> i32 { let t = 0; for i in 0..12 { t = t + fib(i); } return t; }', 'm.rj');
  assert.equal(session.call('main'), 232);
  const stats = session.stats();
  session.close();
  const deopts = eventsNamed(validTrace(path), 'deopt');
  assert.ok(deopts.length > 10);
  assert.equal(deopts.length, stats.deopts.stress);
  assert.ok(deopts.every((e) => e.args.reason === 'stress' && Array.isArray(e.args.frames) && typeof e.args.point === 'number'));
});

test('a trace file whose run stops in the middle of a duration is still valid: open durations are ended', () => {
  const path = tracePath();
  const file = new TraceFile(path);
  const tracer = file.tracer(1, 'thread 0');
  tracer.begin('compile', 'compile', { tier: 'opt', function: 'f', version: 3 });
  tracer.begin('load', 'load', { file: 'm.rj' });
  tracer.reclaimed('f', 2, 400);
  tracer.flush();
  file.close();
  const events = validTrace(path);
  assert.deepEqual(events.filter((e) => e.ph === 'E').map((e) => e.name), ['load', 'compile']);
  assert.deepEqual(eventsNamed(events, 'reclaim')[0]?.args, { function: 'f', version: 2, bytes: 400 });
});

test('a trace path that cannot be written fails before anything is made', () => {
  const bad = join(dir, 'no-such-dir', 't.json');
  assert.throws(() => new Session({ trace: bad }), TraceFileError);
  assert.throws(() => ThreadedSession.open({ threads: 1, trace: bad }), /cannot write the trace file/);
});

test('a ThreadedSession traces every thread of its run, and its stats() count what the trace shows', async () => {
  const path = tracePath();
  const lines: string[] = [];
  const t = await ThreadedSession.create({ threads: 2, tier: 'auto', tierUp: { calls: 2, backEdges: 20 }, trace: path, print: (line) => lines.push(line) });
  try {
    t.load('fn sq(x: i32) -> i32 { return x * x; }\nfn work() -> i32 { let s = 0; for i in 0..1500 { s = s + sq(i % 7); } return s; }', 'w.rj');
    const r = await t.run('work');
    assert.deepEqual(r.outcomes.map((o) => o.kind === 'returned' && o.value), [19475, 19475]);
    t.load('fn sq(x: i32) -> i32 { return x; }', 'w2.rj');
    const stats = await t.stats();
    await t.close();
    const events = validTrace(path);
    assert.deepEqual(compilesByTier(events), { baseline: stats.tiers.baseline.compiled, opt: stats.tiers.opt.compiled, osr: stats.tiers.osr.compiled, 'osr-opt': stats.tiers['osr-opt'].compiled });
    assert.equal(stats.loads.count, 2);
    assert.equal(eventsNamed(events, 'handshake', 'B').length, 2);
    // The loads from this thread are on the main track, each with both threads' acknowledgements.
    const handshakes = events.filter((e) => e.name === 'handshake' && e.ph === 'E');
    assert.ok(handshakes.every((e) => e.tid === 0 && (e.args.acknowledgedMs as number[]).length === 2));
    assert.ok(stats.loads.maxMs >= stats.loads.p50Ms);
  } finally {
    await t.close();
  }
});

test('runHere checks each load once: the run thread commits what the loader checked, and the loader what the run loaded', async () => {
  const path = tracePath();
  const here = mkdtempSync(join(dir, 'here-'));
  writeFileSync(join(here, 'extra.rj'), 'fn extra() -> i32 { return 5; }');
  const t = ThreadedSession.open({ threads: 1, trace: path, loadDirectories: [here], print: () => {} });
  t.load('fn main() -> i32 { load("extra.rj"); return 2; }', join(here, 'main.rj'));
  assert.deepEqual(t.runHere('main').outcomes, [{ kind: 'returned', value: 2 }]);
  t.load('fn more() -> i32 { return 1; }', 'more.rj');
  assert.deepEqual(t.runHere('more').outcomes, [{ kind: 'returned', value: 1 }]);
  await t.close();
  const events = validTrace(path);
  // main.rj by the loader, extra.rj by the run's thread, more.rj by the loader; each applied on both.
  assert.equal(eventsNamed(events, 'check', 'B').length, 3);
  assert.equal(eventsNamed(events, 'apply', 'B').length, 6);
  assert.deepEqual(eventsNamed(events, 'replay', 'B').map((e) => basename(String(e.args.file))).sort(), ['extra.rj', 'main.rj', 'more.rj']);
});

// ---- the command line

const LOOPS = join(dir, 'loops.rj');
writeFileSync(LOOPS, `
fn sq(x: i32) -> i32 { return x * x; }
fn sum(n: i32) -> i32 { let t = 0; for i in 0..n { t = t + sq(i); } return t; }
fn main() -> i32 {
  let t = 0;
  for k in 0..3000 { t = t + sum(20); }
  print(t);
  return 0;
}
`);
const TRAPS = join(dir, 'traps.rj');
writeFileSync(TRAPS, 'fn div(a: i32, b: i32) -> i32 { return a / b; }\nfn main() -> i32 {\n  let t = 0;\n  for i in 0..100 { t = t + div(100, 99 - i); }\n  return t;\n}\n');
const SPINS = join(dir, 'spins.rj');
writeFileSync(SPINS, 'fn step(x: i32) -> i32 { return x + 1; }\nfn main() {\n  print("started");\n  let x = 0;\n  while true { x = step(x); }\n}\n');

function rejit(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/rejit', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The figures `--stats` printed: compiles by tier, deopts by reason, loads. */
function printedStats(stderr: string): { compiled: Record<string, number>; deopts: Record<string, number>; loads: number } {
  const compiled: Record<string, number> = {};
  const deopts: Record<string, number> = {};
  for (const m of stderr.matchAll(/^ {2}(baseline|opt|osr-opt|osr) +(\d+) /gm)) compiled[m[1] as string] = Number(m[2]);
  for (const m of stderr.matchAll(/^ {2}(invalidated|guard|stress) +(\d+) /gm)) deopts[m[1] as string] = Number(m[2]);
  const loads = Number(/^loads (\d+),/m.exec(stderr)?.[1]);
  return { compiled, deopts, loads };
}

function compilesByTier(events: readonly Event[]): Record<string, number> {
  const counts: Record<string, number> = { baseline: 0, opt: 0, osr: 0, 'osr-opt': 0 };
  for (const e of eventsNamed(events, 'compile')) counts[e.args.tier as string] = (counts[e.args.tier as string] ?? 0) + 1;
  return counts;
}

test('rejit run --trace --stats: tier-ups at low thresholds on two threads and the compiler thread, each on its own named track', () => {
  const path = tracePath();
  const r = rejit('run', LOOPS, '--tier', 'auto', '--hot-calls', '2', '--hot-loops', '20', '--threads', '2', '--trace', path, '--stats');
  assert.equal(r.status, 0, r.stderr);
  const events = validTrace(path);
  const names = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [e.tid, e.args.name]));
  assert.deepEqual([...names.entries()].sort(([a], [b]) => a - b).map(([, n]) => n), ['main', 'thread 0', 'thread 1', 'compiler']);
  const tierUps = eventsNamed(events, 'tier-up');
  assert.ok(tierUps.some((e) => e.args.to === 'baseline' && e.args.function === 'sq'));
  assert.ok(tierUps.some((e) => e.args.to === 'opt'));
  assert.ok(eventsNamed(events, 'osr', 'B').some((e) => e.args.function === 'sum' && e.args.point === 0), 'a loop continued in compiled code');
  assert.ok(eventsNamed(events, 'compile').some((e) => e.args.tier === 'opt' && names.get(e.tid) === 'compiler'));
  const printed = printedStats(r.stderr);
  assert.deepEqual(printed.compiled, compilesByTier(events));
  assert.equal(printed.loads, eventsNamed(events, 'handshake', 'B').length);
  assert.equal(printed.loads, 1);
  assert.match(r.stderr, /^code versions live \d+ \([\d.]+ KiB\), freed 0 \(0\.0 KiB\)$/m);
  assert.match(r.stderr, /^peak memory: resident [\d.]+ MiB, shared [\d.]+ MiB$/m);
});

test('rejit run --trace --stats with --deopt-every: as many deopt events as --stats counts', () => {
  const path = tracePath();
  const r = rejit('run', LOOPS, '--tier', 'opt', '--deopt-every', '3', '--trace', path, '--stats');
  assert.equal(r.status, 0, r.stderr);
  const events = validTrace(path);
  const printed = printedStats(r.stderr);
  assert.ok((printed.deopts.stress ?? 0) > 0);
  assert.equal(eventsNamed(events, 'deopt').length, printed.deopts.stress);
  assert.deepEqual(printed.compiled, compilesByTier(events));
});

test('a run that traps leaves a valid trace with the trap, on one thread and on two', () => {
  for (const threads of ['1', '2']) {
    const path = tracePath();
    const r = rejit('run', TRAPS, '--tier', 'auto', '--hot-calls', '2', '--hot-loops', '20', '--threads', threads, '--trace', path);
    assert.equal(r.status, 70, r.stderr);
    const [trap] = eventsNamed(validTrace(path), 'trap');
    assert.equal(trap?.args.message, 'division by zero');
    assert.match(String(trap?.args.position), /traps\.rj:1:42$/);
  }
});

test('a run that times out leaves a valid trace, on the main thread and on workers', () => {
  for (const threads of ['1', '2']) {
    const path = tracePath();
    const r = rejit('run', SPINS, '--tier', 'auto', '--hot-calls', '2', '--hot-loops', '20', '--threads', threads, '--timeout', '0.5', '--trace', path, '--stats');
    assert.equal(r.status, 124, r.stderr);
    const events = validTrace(path);
    assert.equal(eventsNamed(events, 'stop')[0]?.args.reason, 'timeout');
    assert.match(r.stderr, /^rejit stats$/m);
  }
});

test('an unwritable --trace path is an error (status 64) before the program starts', () => {
  const bad = join(dir, 'missing', 'out.json');
  const r = rejit('run', SPINS, '--trace', bad);
  assert.equal(r.status, 64);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^rejit: cannot write the trace file '.*out\.json': ENOENT\n$/);
  assert.equal(existsSync(bad), false);
});
