//! The recursion limit (`core/limits.ts`): 40,000 frames of functions that
//! call run and one more traps `stack overflow` at the call that would make
//! it, with the same message and Rejit stack, at every tier of TEST_CONFIGS
//! and when the recursion crosses between the tiers at every call, or moves
//! to compiled code mid-call (on-stack replacement). Run on worker threads,
//! whose stack (64 MiB, as the CLI's) has room for more frames than that.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { TEST_CONFIGS } from '../../src/tiering/tiers.js';

const DIST = new URL('../../', import.meta.url).href;

/** Runs `script` (an ES module body that posts one message) on a worker with a 64 MiB stack; what it posts. */
function onBigStack<T>(script: string, data: object): Promise<T> {
  const prelude = `import { parentPort, workerData } from 'node:worker_threads';\nconst dist = workerData.dist;\n`;
  return new Promise((resolve, reject) => {
    const w = new Worker(prelude + script, { eval: true, workerData: { ...data, dist: DIST }, resourceLimits: { stackSizeMb: 64 } });
    w.once('message', (m: T) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

const PROGRAM = `
fn down(n: i32) -> i32 {
  if n == 0 { return 0; }
  let s = 0;
  if n % 2 == 0 { s = twice(n - 1); } else { s = down(n - 1) + 1; }
  return s;
}
fn twice(n: i32) -> i32 { return down(n) + 1; }
`;

/** down(n) in a session of `config`, for each of `ns`: its result, or its trap as formatted. */
function deep(config: (typeof TEST_CONFIGS)[number], ns: readonly number[]): Promise<string[]> {
  const script = `
    const { Session, Trap } = await import(dist + 'src/index.js');
    const s = new Session({ tier: workerData.tier, tierUp: workerData.tierUp, print: () => {} });
    s.load(workerData.program, 'deep.rj');
    const out = [];
    for (const n of workerData.ns) {
      try { out.push(String(s.call('down', n))); }
      catch (e) { out.push(e instanceof Trap ? e.format() : String(e)); }
    }
    parentPort.postMessage(out);
  `;
  return onBigStack(script, { tier: config.tier, tierUp: config.tierUp, ns, program: PROGRAM });
}

// down(n) makes n * 3 / 2 frames of functions that call (twice counts too, inlined or not).
const NS = [26_666, 26_667, 26_668, 26_666];
const interp = deep(TEST_CONFIGS[0]!, NS);

test('interp: 40,000 frames run, one more traps at its call', { timeout: 120_000 }, async () => {
  const [fits, pastAtDown, pastAtTwice, again] = await interp;
  assert.equal(fits, '26666');
  assert.match(pastAtDown!, /^deep\.rj:5:50: trap: stack overflow\n {2}at down \(deep\.rj:5:50\)\n/);
  assert.match(pastAtDown!, /\.\.\. 39980 more frames/);
  assert.match(pastAtTwice!, /^deep\.rj:5:23: trap: stack overflow\n {2}at down \(deep\.rj:5:23\)\n/);
  assert.equal(again, '26666', 'the count starts again after a trap');
});

for (const config of TEST_CONFIGS.slice(1)) {
  test(`${config.label}: the same results and traps as the interpreter at the limit`, { timeout: 120_000 }, async () => {
    assert.deepEqual(await deep(config, NS), await interp);
  });
}

/**
 * a(n) and b(n) call each other down to 0 (each a frame that calls); `top(n)`
 * loops 100 times, then calls a(n) twice (the second call starts where the
 * first did, whatever the first left behind). With `hot` given, a or b is compiled and
 * the other interpreted, so every call crosses between the tiers; with
 * `osr`, loops of 50 back-edges make a version hot: top moves to compiled
 * code mid-call, and a and b tier up as the recursion goes.
 */
function crossing(mode: { hot?: 'a' | 'b'; osr?: true }, ns: readonly number[]): Promise<{ out: string[]; compiled: string[] }> {
  const script = `
    const { Mixed, outcome } = await import(dist + 'tests/backend/tiers.js');
    const { at, bin, brk, call, forLoop, i32, loc, loop, ret, when } = await import(dist + 'tests/interp/ir.js');
    const t = new Mixed({}, workerData.osr ? { calls: 2 ** 29, backEdges: 50 } : undefined);
    const a = t.declare('a', ['i32'], 'i32');
    const b = t.declare('b', ['i32'], 'i32');
    // The loop, left before its first back-edge, keeps a and b from being inlined into each other (passes/inlinable.ts).
    const body = (callee, line) => [
      loop(0, 1, [brk(0)]),
      when(bin('eq', 'i32', loc(0), i32(0)), [ret(i32(0))]),
      call(callee, [bin('sub', 'i32', loc(0), i32(1))], 1, 0, at(line, 7)),
      ret(bin('add', 'i32', loc(1), i32(1))),
    ];
    t.define(a, ['i32', 'i32'], body(b, 1));
    t.define(b, ['i32', 'i32'], body(a, 2));
    const top = t.fn('top', ['i32'], 'i32', ['i32', 'i32', 'i32', 'i32'], [
      ...forLoop(0, 0, 1, 2, i32(0), i32(100), []),
      call(a, [loc(0)], 3, 1, at(3, 5)),
      call(a, [loc(0)], 4, 2, at(4, 5)),
      ret(loc(4)),
    ]);
    if (workerData.hot) t.hot(workerData.hot === 'a' ? a : b);
    const out = workerData.ns.map((n) => String(outcome(() => t.mixed(top, n))));
    parentPort.postMessage({ out, compiled: t.compiledNames() });
  `;
  return onBigStack(script, { ...mode, ns });
}

// top(n) makes n + 2 frames: top, a(n), b(n - 1), ... down to a(0) or b(0), which count too (their body has a call).
const CROSS = [39_998, 39_999];

test('crossing the tiers at every call: 40,000 frames run, one more traps at the same call as in the interpreter', { timeout: 120_000 }, async () => {
  const reference = await crossing({}, CROSS);
  assert.deepEqual(reference.compiled, []);
  const [fits, past] = reference.out;
  assert.equal(fits, '39998');
  assert.match(past!, /^t\.rj:1:7: trap: stack overflow\n {2}at a \(t\.rj:1:7\)\n {2}at b \(t\.rj:2:7\)\n/);
  for (const hot of ['a', 'b'] as const) {
    const mixed = await crossing({ hot }, CROSS);
    assert.deepEqual(mixed.compiled, [hot], `only ${hot} compiled`);
    assert.deepEqual(mixed.out, reference.out, `${hot} compiled, the other interpreted`);
  }
});

test('on-stack replacement mid-call, then tiering up deep in the recursion: the same depth', { timeout: 120_000 }, async () => {
  const reference = await crossing({}, CROSS);
  const osr = await crossing({ osr: true }, CROSS);
  assert.ok(osr.compiled.includes('top') && osr.compiled.includes('a') && osr.compiled.includes('b'), osr.compiled.join(' '));
  assert.deepEqual(osr.out, reference.out);
});
