//! Code lifetime: superseded code is freed once no frame runs it, a frame
//! that stays in an old version keeps it (and finishes as that version,
//! with its own trap positions), a freed version is never run again, and
//! loads have no fixed limit (the code ids and the load log stay bounded).

import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { Session, type Tier } from '../../src/session/session.js';
import { ThreadedSession } from '../../src/session/threaded-session.js';
import { Trap } from '../../src/core/trap.js';
import { InternalError } from '../../src/core/internal-error.js';
import { DEFAULT_COMPILE_OPTIONS } from '../../src/backend/compile-options.js';
import type { ModuleResolver } from '../../src/session/module-resolver.js';
import type { Baseline } from '../../src/backend/baseline.js';

const STRESS = { ...DEFAULT_COMPILE_OPTIONS, reclaimAlways: true };

/** `next.rj`: a new `f` returning `k` (the load's number), and a new `outer`, which the running `outer` must never become. */
const resolveNext = (): ModuleResolver => {
  let k = 0;
  return ({ path }) => {
    k++;
    return { fileName: path, source: `fn f() -> i32 { return ${k}; }\nfn outer(n: i32) -> i32 { return -1; }` };
  };
};

const PROGRAM = `
fn f() -> i32 { return 0; }
fn outer(n: i32) -> i32 {
  let sum = 0;
  for i in 0..n {
    load("next.rj");
    sum += f();
  }
  let zero = sum - sum;
  return sum / zero;
}`;

for (const tier of ['interp', 'baseline', 'auto', 'opt'] as const satisfies readonly Tier[]) {
  test(`${tier}: a frame stays in its version through 2,000 redefinitions of it and its callee, each followed by a reclamation, and traps at its own line`, () => {
    const s = new Session({ tier, print: () => {}, resolve: resolveNext(), compile: STRESS, tierUp: { calls: 2, backEdges: 50 } });
    s.load(PROGRAM, 'main.rj');
    // Every load's f is called once: sum = 1 + 2 + ... + 2000; then the old outer divides by zero at line 10.
    assert.throws(() => s.call('outer', 2000), (e) => e instanceof Trap && /main\.rj:10:14: trap: division by zero/.test(e.format()) && /at outer \(main\.rj:10:14\)/.test(e.format()));
    assert.equal(s.call('f'), 2000);
    assert.equal(s.call('outer', 5), -1, 'new calls run the newest outer');
    const stats = s.codeStats();
    if (tier !== 'interp') {
      assert.ok(stats.freedVersions >= 1000, `only ${stats.freedVersions} versions freed`);
      assert.ok(stats.liveVersions <= 8, `${stats.liveVersions} versions kept`);
    }
    assert.ok(stats.liveCodeIds < 600, `${stats.liveCodeIds} code ids in use`);
  });
}

test('the sum of a frame that stays in an old version is its own: each call after a load ran the newest f', () => {
  const s = new Session({ tier: 'baseline', print: () => {}, resolve: resolveNext(), compile: STRESS });
  s.load(PROGRAM.replace('return sum / zero;', 'return sum + zero;'), 'main.rj');
  assert.equal(s.call('outer', 3000), (3000 * 3001) / 2);
});

/** A baseline Session with `g` compiled (returning 1), then redefined (returning 2) and not called yet; the old version's id. */
function redefinedG(): { s: Session; baseline: Baseline; old: number } {
  const s = new Session({ tier: 'baseline', print: () => {} });
  s.load('fn g() -> i32 { return 1; }', 'g1.rj');
  assert.equal(s.call('g'), 1);
  const old = (s.compiledCode()[0] as { id: number }).id;
  s.load('fn g() -> i32 { return 2; }', 'g2.rj');
  return { s, baseline: (s as unknown as { baseline: Baseline }).baseline, old };
}

test('a freed version is never reached again: its table entry refuses it as an internal error, and calls resolve the newest', () => {
  const { s, baseline, old } = redefinedG();
  s.collect();
  assert.deepEqual(s.compiledCode(), [], 'the old version is freed');
  assert.throws(() => baseline.entry(old), (e) => e instanceof InternalError && /is not in the table/.test(e.message));
  assert.equal(s.call('g'), 2);
  assert.equal(s.codeStats().freedVersions, 1);
});

test('20,000 loads of a one-function module: code ids and the load log stay bounded, and a thread that starts late replays only what is live', async () => {
  const s = ThreadedSession.open({ threads: 2, tier: 'baseline', print: () => {} });
  try {
    s.load('fn f() -> i32 { return -1; }\nfn main() -> i32 { return f(); }', 'main.rj');
    for (let k = 0; k < 20_000; k++) s.load(`fn f() -> i32 { return ${k}; }`, k % 2 === 0 ? 'f1.rj' : 'f2.rj');
    assert.ok(s.loadedModules().length < 2_000, `${s.loadedModules().length} modules kept in the log`);
    assert.ok(s.codeStats().liveCodeIds < 600, `${s.codeStats().liveCodeIds} code ids in use`);
    const r = await s.run('main');
    assert.deepEqual(r.outcomes, [{ kind: 'returned', value: 19_999 }, { kind: 'returned', value: 19_999 }]);
  } finally {
    await s.close();
  }
});

for (const tier of ['baseline', 'opt'] as const) {
  test(`${tier}, 4 threads: each thread's frame stays in its version while all of them load redefinitions of it (reclaiming at every safepoint), and thread 0 traps at its own line`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rejit-lifetime-'));
    writeFileSync(join(dir, 'next.rj'), 'fn f() -> i32 { return 1; }\nfn outer(n: i32) -> i32 { return -1; }\n');
    const s = await ThreadedSession.create({ threads: 4, tier, print: () => {}, loadDirectories: [dir], compile: STRESS });
    try {
      s.load(`fn f() -> i32 { return 0; }
fn outer(n: i32) -> i32 {
  let sum = 0; barrier();
  for i in 0..n { load("next.rj"); sum += f(); }
  barrier();
  let zero = sum - n;
  if thread_id() == 0 { return sum / zero; }
  return 1000 + thread_id() + zero;
}`, join(dir, 'main.rj'));
      const r = await s.run('outer', [150]);
      assert.match(r.trap ?? '', /main\.rj:7:36: trap: division by zero\n {2}at outer \(.*main\.rj:7:36\)/);
      for (const [i, o] of r.outcomes.entries()) {
        if (i > 0 && o.kind === 'returned') assert.equal(o.value, 1000 + i);
      }
      assert.equal(s.loadedModules().length < 100, true, 'the log compacted');
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
