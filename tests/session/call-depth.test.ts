import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/session/session.js';
import { FRAME_COST, MAIN_THREAD_BUDGET, fitsMainThread } from '../../src/session/call-depth.js';

function fits(source: string): boolean {
  const s = new Session({ tier: 'interp', print: () => {} });
  s.load(source, 'p.rj');
  return fitsMainThread(s.program, s.functionInfo('main')!.id);
}

/** `n` functions, each calling the next: a chain of n + 1 frames with main. */
function chain(n: number): string {
  const fns = Array.from({ length: n }, (_, i) => `fn g${i}() -> i32 { return ${i + 1 < n ? `g${i + 1}() + 1` : '0'}; }`);
  return `${fns.join('\n')}\nfn main() { print(g0()); }`;
}

test('calls that nest a bounded depth fit the main thread; hello world does', () => {
  assert.equal(fits('fn main() -> i32 { return 0; }'), true);
  assert.equal(fits(chain(20)), true);
  assert.equal(fits(`
    class Shape { fn area(self) -> f64; }
    class Square extends Shape { side: f64; fn area(self) -> f64 { return self.side * self.side; } }
    fn main() { let s = new Square; s.side = 2.0; let t: Shape = s; print(t.area()); }`), true);
});

test('recursion, direct, mutual or through a method, does not fit', () => {
  assert.equal(fits('fn f(n: i32) -> i32 { if n == 0 { return 0; } return f(n - 1); }\nfn main() { print(f(3)); }'), false);
  assert.equal(fits('fn g(n: i32) -> i32;\nfn f(n: i32) -> i32 { return g(n); }\nfn g(n: i32) -> i32 { if n == 0 { return 0; } return f(n - 1); }\nfn main() { print(f(3)); }'), false);
  // Only a subclass's override recurses, through the slot of the base class.
  assert.equal(fits(`
    class A { fn m(self, n: i32) -> i32 { return n; } }
    class B extends A { fn m(self, n: i32) -> i32 { let a: A = self; if n == 0 { return 0; } return a.m(n - 1); } }
    fn main() { let a = new A; print(a.m(3)); }`), false);
});

test('a run that loads code does not fit: a load may redefine anything', () => {
  assert.equal(fits('fn main() { load("other.rj"); }'), false);
  assert.equal(fits('fn f() { load("other.rj"); }\nfn main() { f(); }'), false);
});

test('a chain of calls fits up to the budget, nested statements counting', () => {
  // main and `deepest` functions, none with nested statements.
  const deepest = Math.floor(MAIN_THREAD_BUDGET / FRAME_COST) - 1;
  assert.equal(fits(chain(deepest)), true);
  assert.equal(fits(chain(deepest + 10)), false);
  let body = 'print(1);';
  for (let i = 0; i < 100; i++) body = `if g > 0 { ${body} }`;
  const nested = `global g: i32 = 1;\nfn deep() { ${body} }\n`;
  assert.equal(fits(`${nested}fn main() { deep(); }`), true);
  const calls = Array.from({ length: 20 }, (_, i) => `fn c${i}() { ${i + 1 < 20 ? `c${i + 1}();` : ''} ${body} }`);
  assert.equal(fits(`global g: i32 = 1;\n${calls.join('\n')}\nfn main() { c0(); }`), false);
});
