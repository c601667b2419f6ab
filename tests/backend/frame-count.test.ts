//! Frame counting (`core/limits.ts`): the interpreter always counts, and
//! compiled code when `countFrames` is on; either way a call that would pass
//! MAX_FRAMES traps `stack overflow` at that call. Run on a worker thread,
//! whose stack (64 MiB, as the CLI's) has room for more frames than that.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../src/index.js', import.meta.url));

const PROGRAM = `
fn down(n: i32) -> i32 {
  if n == 0 { return 0; }
  let s = 0;
  if n % 2 == 0 { s = twice(n - 1); } else { s = down(n - 1) + 1; }
  return s;
}
fn twice(n: i32) -> i32 { return down(n) + 1; }
`;

/** Runs down(n) in a session of `tier` on a worker; its result, or the first line of its trap. */
function deep(tier: string, countFrames: boolean, n: number): Promise<string> {
  const script = `
    import { parentPort, workerData } from 'node:worker_threads';
    const { Session, Trap } = await import(workerData.entry);
    const s = new Session({ tier: workerData.tier, compile: { polls: true, stubs: true, inline: true, countFrames: workerData.countFrames }, print: () => {} });
    s.load(workerData.program, 'deep.rj');
    try { parentPort.postMessage(String(s.call('down', workerData.n))); }
    catch (e) { parentPort.postMessage(e instanceof Trap ? e.format().split('\\n')[0] : String(e)); }
  `;
  return new Promise((resolve, reject) => {
    const w = new Worker(script, { eval: true, workerData: { entry: ENTRY, tier, countFrames, n, program: PROGRAM }, resourceLimits: { stackSizeMb: 64 } });
    w.once('message', (m: string) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

// down(n) makes n * 3 / 2 frames of functions that call (twice counts too).
for (const [tier, countFrames] of [['interp', false], ['baseline', true]] as const) {
  test(`${tier}${countFrames ? ' counting compiled frames' : ''}: 40,000 frames run, one more traps at its call`, { timeout: 60_000 }, async () => {
    assert.equal(await deep(tier, countFrames, 26_666), '26666');
    assert.equal(await deep(tier, countFrames, 26_667), 'deep.rj:5:50: trap: stack overflow');
  });
}
