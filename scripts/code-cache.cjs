// Writes V8's code cache of the command line's bundle (dist/bundle/cli.cjs.cache,
// read by bin/load-bundle.cjs), run by scripts/bundle.mjs with its output
// discarded. It loads the bundle and runs the command line on a small
// program the way start-up does, so that the cache holds the code of the
// functions that start-up runs, and not only the bundle's top level: it
// checks the program, prints its WebAssembly (the baseline tier's passes
// and emitters, without compiling a module) and runs it in the interpreter.
// Nothing here sets V8 flags (compiling a module would: backend/engine-flags.ts):
// the cache holds only for the flags it was made with.
'use strict';
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { loadBundle, CACHE } = require('../bin/load-bundle.cjs');

const PROGRAM = `class Shape { fn area(self) -> f64; }
class Square extends Shape { side: f64; fn area(self) -> f64 { return self.side * self.side; } }
fn make(i: i32) -> Shape { let s = new Square; s.side = f64(i); return s; }
fn main() -> i32 {
  let shapes = new Shape[3];
  let total = 0.0;
  for i in 0..shapes.length { shapes[i] = make(i); total += shapes[i].area(); }
  print("total", total);
  return 0;
}
`;

async function warm() {
  // Compiled afresh, not from an older cache: what the cache holds is what this run compiled.
  rmSync(CACHE, { force: true });
  const { exports: cli, script } = loadBundle();
  const dir = mkdtempSync(join(tmpdir(), 'rejit-code-cache-'));
  try {
    const program = join(dir, 'warm.rj');
    writeFileSync(program, PROGRAM);
    for (const args of [['check', program], ['dump', program, '--wat'], ['run', program, '--tier', 'interp']]) {
      const status = await cli.main(args);
      if (status !== 0) throw new Error(`rejit ${args.join(' ')} exited ${status}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(CACHE, script.createCachedData());
}

warm().catch((e) => {
  process.exitCode = 1;
  throw e;
});
