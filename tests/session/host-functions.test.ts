//! Host functions (`host fn`) and the session's input, arguments and byte
//! output, at every tier, on a Session and a ThreadedSession.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/session/session.js';
import { ThreadedSession } from '../../src/session/threaded-session.js';
import { CompileError } from '../../src/frontend/diagnostic.js';
import { ModuleBuilder } from '../../src/frontend/builder.js';
import { Trap } from '../../src/core/trap.js';
import { TIER_NAMES } from '../../src/tiering/tiers.js';
import type { HostFunction } from '../../src/core/host-function.js';

const LOW = { calls: 2, backEdges: 20 };

function session(tier: (typeof TIER_NAMES)[number], host: Record<string, HostFunction>, extra: { input?: string; args?: string[]; print?: (l: string) => void; write?: (t: string) => void } = {}): Session {
  return new Session({ tier, tierUp: LOW, print: () => {}, host, ...extra });
}

const ECHO = `
host fn getc() -> i32;
host fn put(c: i32);
host fn mix(a: i32, b: i64, c: f64, d: bool) -> i64;
host fn half(x: f64) -> f64;
host fn not(b: bool) -> bool;
fn main() -> i64 {
  let s: i64 = 0;
  let c = getc();
  while c >= 0 {
    put(c + 1);
    s += i64(c);
    c = getc();
  }
  if !not(false) { return -1; }
  return s + mix(1, 2, half(1.0), true);
}
`;

for (const tier of TIER_NAMES) {
  test(`host functions take and return every primitive type, at tier ${tier}`, () => {
    const input = 'abc'.repeat(400);
    let at = 0;
    const out: number[] = [];
    const seen: unknown[] = [];
    const s = session(tier, {
      getc: () => (at < input.length ? input.charCodeAt(at++) : -1),
      put: (c: number) => void out.push(c),
      mix: (a: number, b: bigint, c: number, d: boolean) => {
        seen.push(a, b, c, d);
        return BigInt(a) + b + BigInt(c * 10) + (d ? 100n : 0n);
      },
      half: (x: number) => x / 2,
      not: (b: boolean) => !b,
    });
    s.load(ECHO, 'echo.rj');
    const sum = 400n * (97n + 98n + 99n);
    assert.equal(s.call('main'), sum + 1n + 2n + 5n + 100n);
    assert.equal(String.fromCharCode(...out), 'bcd'.repeat(400));
    assert.deepEqual(seen, [1, 2n, 0.5, true]);
  });

  test(`a host function's bad result or exception is a trap at its call, at tier ${tier}`, () => {
    const results: unknown[] = ['x', 2 ** 31, 1.5, undefined, 1n];
    let next = 0;
    const s = session(tier, {
      bad: () => results[next++],
      big: () => 2n ** 63n,
      flag: () => 1,
      boom: () => {
        throw new TypeError('boom');
      },
      ok: () => -(2 ** 31),
    });
    s.load('host fn bad() -> i32;\nhost fn big() -> i64;\nhost fn flag() -> bool;\nhost fn boom() -> f64;\nhost fn ok() -> i32;\nfn f() -> i32 {\n  return bad();\n}\nfn g() -> i64 { return big(); }\nfn h() -> bool { return flag(); }\nfn k() -> f64 { return boom(); }', 't.rj');
    const trap = (name: string): string => {
      try {
        s.call(name);
      } catch (e) {
        assert.ok(e instanceof Trap, String(e));
        assert.equal(e.kind, 'hostFunction');
        return e.format();
      }
      assert.fail(`${name} did not trap`);
    };
    assert.equal(trap('f'), "t.rj:1:9: trap: host function failed\n  host function 'bad' returned the string \"x\", not an i32\n  at bad (t.rj:1:9)\n  at f (t.rj:7:10)");
    assert.match(trap('f'), /returned 2147483648, not an i32/);
    assert.match(trap('f'), /returned 1\.5, not an i32/);
    assert.match(trap('f'), /returned undefined, not an i32/);
    assert.match(trap('f'), /returned 1n, not an i32/);
    assert.match(trap('g'), /'big' returned 9223372036854775808n, not an i64/);
    assert.match(trap('h'), /'flag' returned 1, not a bool/);
    assert.match(trap('k'), /^t\.rj:4:9: trap: host function failed\n {2}host function 'boom' threw TypeError: boom\n {2}at boom/);
    assert.equal(s.call('ok'), -(2 ** 31));
  });

  test(`a host function may call into the session and redefine what its caller calls next, at tier ${tier}`, () => {
    const s = session(tier, {
      swap: () => s.load('fn f() -> i32 { return 2; }', 'v2.rj'),
      inner: (n: number) => s.call('f') as number + n,
    });
    s.load('fn f() -> i32 { return 1; }\nhost fn swap();\nhost fn inner(n: i32) -> i32;\nfn main() -> i32 {\n  let s = 0;\n  for i in 0..2000 {\n    if i == 1000 { swap(); }\n    s += f();\n  }\n  return s + inner(10);\n}', 'p.rj');
    assert.equal(s.call('main'), 1000 + 2000 + 12);
  });
}

test('a load that declares a host function the session lacks fails at the declaration, and changes nothing', () => {
  const s = session('baseline', { getc: () => -1 });
  assert.throws(() => s.load('fn main() -> i32 { return 1; }\nhost fn getc() -> i32;\nhost fn putc(c: i32);\n', 'm.rj'), (e: unknown) => {
    assert.ok(e instanceof CompileError);
    assert.deepEqual(e.diagnostics.map((d) => `${d.fileName}:${d.line}:${d.col}: ${d.message}`), ["m.rj:3:9: no host function 'putc': the session was given none of that name"]);
    return true;
  });
  assert.equal(s.functionInfo('main'), undefined);
});

test('a host function is redefined by a Rejit body and back, and calls follow', () => {
  const s = session('auto', { twice: (x: number) => 2 * x });
  s.load('host fn twice(x: i32) -> i32;\nfn main() -> i32 { let s = 0; for i in 0..100 { s += twice(i); } return s; }', 'a.rj');
  assert.equal(s.call('main'), 9900);
  assert.deepEqual(s.load('fn twice(x: i32) -> i32 { return 3 * x; }', 'b.rj').redefined, ['twice']);
  assert.equal(s.call('main'), 14850);
  s.load('host fn twice(x: i32) -> i32;', 'c.rj');
  assert.equal(s.call('main'), 9900);
});

test('read_byte reads the given input, arg the given arguments, and a line left open goes to write', () => {
  for (const tier of TIER_NAMES) {
    const lines: string[] = [];
    const texts: string[] = [];
    const s = session(tier, {}, { input: 'hé\n', args: ['ab', ''], print: (l) => lines.push(l), write: (t) => texts.push(t) });
    s.load('fn main() -> i32 {\n  let n = 0;\n  let c = read_byte();\n  while c >= 0 { n += c; write_byte(c); c = read_byte(); }\n  write_byte(arg(0)[1]);\n  return n * 10 + arg_count() + arg(1).length;\n}', 'io.rj');
    assert.equal(s.call('main'), (104 + 0xc3 + 0xa9 + 10) * 10 + 2, tier);
    assert.deepEqual(lines, ['hé'], tier);
    assert.deepEqual(texts, ['b'], tier);
    assert.equal(s.call('main'), 2, 'the input has ended');
  }
  const bytes = new Session({ tier: 'interp', print: () => {}, input: new Uint8Array([0, 255]) });
  bytes.load('fn main() -> i32 { let a = read_byte(); let b = read_byte(); return a * 1000 + b * 10 + read_byte(); }', 'b.rj');
  assert.equal(bytes.call('main'), 2549);
});

const HOST_MODULE = new URL('../fixtures/host-functions.js', import.meta.url);

test('a threaded session takes its host functions from a module that every worker imports', async () => {
  assert.throws(() => ThreadedSession.open({ threads: 1, hostModule: HOST_MODULE }), /ThreadedSession\.create/);
  const s = await ThreadedSession.create({ threads: 2, tier: 'auto', tierUp: LOW, print: () => {}, hostModule: HOST_MODULE, input: 'abcd', args: ['x'] });
  try {
    assert.throws(() => s.load('host fn nope();', 'n.rj'), CompileError);
    s.load('host fn counter() -> i32;\nhost fn twice(x: i32) -> i32;\nhost fn bad() -> i32;\nglobal bytes: i32 = 0;\nfn main() -> i32 {\n  counter();\n  while read_byte() >= 0 { atomic_add(bytes, 1); }\n  return twice(counter()) + thread_id() * 100 + arg_count() * 1000;\n}\nfn fail() -> i32 { return bad(); }', 'p.rj');
    const r = await s.run('main');
    assert.deepEqual(r.outcomes, [{ kind: 'returned', value: 1004 }, { kind: 'returned', value: 1104 }]);
    assert.equal(s.session.readGlobal('bytes'), 4);
    const f = await s.run('fail', [], 1);
    assert.match(f.trap ?? '', /^p\.rj:3:9: trap: host function failed\n {2}host function 'bad' returned the string "x", not an i32/);
    const again = await s.run('main', [], 0);
    assert.deepEqual(again.outcomes, [{ kind: 'returned', value: 1008 }]);
    // Hot enough to be optimized on the compiler thread, which replays the module without host functions.
    s.load('fn sum(n: i32) -> i32 { let s = 0; for i in 0..n { s += twice(i); } return s; }\nfn hot() -> i32 { let s = 0; for k in 0..300 { s += sum(100); } return s; }', 'hot.rj');
    const hot = await s.run('hot');
    assert.deepEqual(hot.outcomes, [{ kind: 'returned', value: 2970000 }, { kind: 'returned', value: 2970000 }], hot.internal ?? '');
    const report = await s.optimizationReport();
    assert.ok((report.compiler?.compiled ?? 0) > 0, JSON.stringify(report.compiler));
    // A module built with the builder reaches the workers through the load log with its host function.
    const m = new ModuleBuilder('built.rj');
    m.hostFn('twice', [['x', 'i32']], 'i32');
    m.fn('built', [], 'i32', [m.stmt.return(m.expr.call('twice', m.expr.int(21)))]);
    s.session.loadModule(m.build());
    const built = await s.run('built');
    assert.deepEqual(built.outcomes, [{ kind: 'returned', value: 42 }, { kind: 'returned', value: 42 }]);
  } finally {
    await s.close();
  }
});
