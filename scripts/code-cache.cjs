// Writes V8's code cache of the command line's bundle (dist/bundle/cli.cjs.cache,
// read by bin/rejit), run by scripts/bundle.mjs with its output
// discarded. It loads the bundle and runs the command line on a small
// program the way start-up does, so that the cache holds the code of the
// functions that start-up runs, and not only the bundle's top level: it
// checks the program and runs it at the default tier (auto: interpreted,
// as nothing in it gets hot), with what hello world uses (classes, virtual
// calls, arrays, counted loops, print and print_fixed). Not the compiling
// tiers' code: in the cache, V8 deserializes it at every start (hello
// world 1.5 ms slower with it, median CPU time of 31 runs), and a run
// that compiles lasts long enough not to notice compiling it.
//
// V8 accepts a cache only under the flags it was made with, and a compile
// sets `--no-liftoff` (backend/engine-flags.ts), which also turns
// `--wasm-dynamic-tiering` off, and `--no-wasm-lazy-compilation`: all three
// are set back to their defaults before the cache is made, should the run
// have compiled (scripts/bundle.mjs checks that V8 accepts it).
'use strict';
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const { loadBundle, CACHE } = require('../bin/rejit');

const PROGRAM = `class Shape { fn area(self) -> f64; }
class Square extends Shape { side: f64; fn area(self) -> f64 { return self.side * self.side; } }
class Circle extends Shape { r: f64; fn area(self) -> f64 { return 3.0 * self.r * self.r; } }
fn make(i: i32) -> Shape {
  if i % 2 == 0 { let s = new Square; s.side = f64(i); return s; }
  let c = new Circle;
  c.r = f64(i);
  return c;
}
fn main() -> i32 {
  let shapes = new Shape[3];
  for i in 0..shapes.length { shapes[i] = make(i); }
  let total = 0.0;
  for i in 0..shapes.length { total += shapes[i].area(); }
  print("total", shapes.length);
  print_fixed(total, 3);
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
    for (const args of [['check', program], ['run', program]]) {
      const status = await cli.main(args);
      if (status !== 0) throw new Error(`rejit ${args.join(' ')} exited ${status}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  setFlagsFromString('--liftoff');
  setFlagsFromString('--wasm-dynamic-tiering');
  setFlagsFromString('--wasm-lazy-compilation');
  writeFileSync(CACHE, script.createCachedData());
}

warm().catch((e) => {
  process.exitCode = 1;
  throw e;
});
