//! Limits on program size and shape, with programs too big to commit: each
//! test writes its program to a temporary folder and runs `bin/rejit` at
//! every tier of TEST_CONFIGS. A limit is either reached by no such program
//! (it runs, the same at every tier) or a clean diagnostic or trap.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_CONFIGS } from '../src/tiering/tiers.js';

const REJIT = fileURLToPath(new URL('../../bin/rejit', import.meta.url));
const DIR = mkdtempSync(join(tmpdir(), 'rejit-limits-'));

interface Result {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
}

function write(name: string, source: string): string {
  const file = join(DIR, name);
  writeFileSync(file, source);
  return file;
}

function rejit(...args: string[]): Result {
  const r = spawnSync(process.execPath, [REJIT, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** Runs `file` at every tier; each must print `stdout` and exit 0. */
function runsEverywhere(file: string, stdout: string, extra: readonly string[] = []): void {
  for (const config of TEST_CONFIGS) {
    const [tier = '', ...options] = config.label.split(/\s+/);
    const r = rejit('run', file, '--tier', tier, ...options, ...extra);
    assert.deepEqual(r, { stdout, stderr: '', status: 0 }, `at ${config.label}`);
  }
}

test('a load that grows the memory leaves every tier reading live objects (a 2,500-deep class chain)', () => {
  const lines = ['class C0 { v: i32; fn get(self) -> i32 { return self.v; } }'];
  for (let i = 1; i < 2500; i++) lines.push(`class C${i} extends C${i - 1} { }`);
  lines.push('fn main() { let c = new C0; c.v = 3; let d = new C2499; d.v = 7; print(c.get(), d.get(), d is C1234); }');
  runsEverywhere(write('class-chain.rj', lines.join('\n')), '3 7 true\n');
});


function fieldsProgram(n: number): string {
  const lines = ['class Big {'];
  for (let i = 0; i < n; i++) lines.push(`  f${i}: i32;`);
  lines.push('}', 'class Bigger extends Big { g: i32; }', 'fn main() {', '  let o = new Bigger;');
  for (let i = 0; i < n; i += 10) lines.push(`  o.f${i} = ${i % 100};`);
  lines.push(`  o.g = 5;`, `  print(o.f10, o.f${n - 10}, o.f${n - 1}, o.g);`, '}');
  return lines.join('\n');
}

test('checking is linear in the number of fields (300,000 fields check in well under a minute)', () => {
  const r = rejit('check', write('fields-300k.rj', fieldsProgram(300_000)));
  assert.deepEqual(r, { stdout: '', stderr: '', status: 0 });
});

test('a class of 40,000 fields runs at every tier', () => {
  runsEverywhere(write('fields-40k.rj', fieldsProgram(40_000)), '10 90 0 5\n');
});

/** `rejit check` and `rejit run` at every tier all give exactly this diagnostic (a compile error, status 65). */
function rejectedEverywhere(file: string, diagnostic: RegExp): void {
  const checked = rejit('check', file);
  assert.equal(checked.status, 65, checked.stderr);
  assert.match(checked.stderr.split('\n')[0] ?? '', diagnostic);
  for (const config of TEST_CONFIGS) {
    const [tier = '', ...options] = config.label.split(/\s+/);
    const r = rejit('run', file, '--tier', tier, ...options);
    assert.deepEqual(r, { stdout: '', stderr: checked.stderr, status: 65 }, `at ${config.label}`);
  }
}

const params = (n: number): string => Array.from({ length: n }, (_, i) => `p${i}: i32`).join(', ');
const args = (n: number): string => Array.from({ length: n }, (_, i) => String(i)).join(', ');

test('a function of 1,000 parameters is a compile error at every tier; 255 run everywhere', () => {
  rejectedEverywhere(
    write('params-1000.rj', `fn f(${params(1000)}) -> i32 { return p999; }\nfn main() { print(f(${args(1000)})); }\n`),
    /params-1000\.rj:1:4: error: function 'f' has 1000 parameters; the limit is 255$/,
  );
  const source = [
    `fn f(${params(255)}) -> i32 { return p254 - p1; }`,
    `class C { fn m(self, ${params(255)}) -> i32 { return p254 + p0; } }`,
    `fn main() { let c = new C; print(f(${args(255)}), c.m(${args(255)})); }`,
  ].join('\n');
  runsEverywhere(write('params-255.rj', source), '253 254\n');
});

test('a function of 60,000 locals is a compile error at every tier', () => {
  const lets = Array.from({ length: 60_000 }, (_, i) => `  let v${i} = ${i};`).join('\n');
  rejectedEverywhere(
    write('locals-60k.rj', `fn main() {\n${lets}\n  print(v59999);\n}\n`),
    /locals-60k\.rj:1:4: error: function 'main' has 60000 local variables and temporaries; the limit is 30000$/,
  );
});

test('inlining stops before a function passes the engine\'s limit on locals', () => {
  const lets = Array.from({ length: 19_000 }, (_, i) => `  let v${i} = ${i % 7};`).join('\n');
  const calls = Array.from({ length: 10_000 }, (_, i) => `  s = wrap(s, v${i});`).join('\n');
  const source = [
    'fn wrap(a: i32, b: i32) -> i32 { let c = a + b; if c > 100 { c = c - 100; } return c; }',
    `fn main() {\n${lets}\n  let s = 0;\n${calls}\n  print(s);\n}`,
  ].join('\n');
  let s = 0;
  for (let i = 0; i < 10_000; i++) {
    s += i % 7;
    if (s > 100) s -= 100;
  }
  runsEverywhere(write('locals-inlined.rj', source), `${s}\n`);
});

test('chains of 100,000 operators compile and run at every tier', () => {
  const n = 100_000;
  const chain = (first: string, link: (i: number) => string): string => first + Array.from({ length: n }, (_, i) => link(i)).join('');
  const source = [
    `global g: f64 = ${chain('0.5', () => ' + 1.0')};`,
    `const K: i64 = ${chain('0', () => ' + 2')};`,
    'fn t() -> bool { return true; }',
    'fn main() {',
    '  let a = 0;',
    `  let sum = ${chain('a', () => ' + 1')};`,
    `  let f = ${chain('0.25', () => ' - 1.0 * 0.25')};`,
    `  let all = ${chain('a < 1', (i) => ` && a < ${i + 2}`)};`,
    `  let any = ${chain('a > 1', () => ' || a == 0')};`,
    `  let calls = ${Array.from({ length: 3000 }, () => 't()').join(' && ')};`,
    '  print(sum, f, all, any, calls, g, K);',
    '}',
  ].join('\n');
  runsEverywhere(write('chains.rj', source), `${n} -24999.75 true true true ${0.5 + n} ${2 * n}\n`);
});

test('an else-if chain of 10,000 arms runs at every tier', () => {
  const n = 10_000;
  const lines = ['fn pick(x: i32) -> i32 {', '  if x == 0 { return 0; }'];
  for (let i = 1; i < n; i++) lines.push(`  else if x == ${i} { return ${2 * i}; }`);
  lines.push('  else { return -1; }', '}', 'fn classify(x: i32) -> i32 {', '  let r = 0;', '  if x < 0 { r = -1; }');
  for (let i = 1; i < n; i++) lines.push(`  else if x < ${i} { r = ${i}; }`);
  lines.push('  return r;', '}');
  lines.push('fn main() { print(pick(0), pick(9999), pick(5000), pick(10000), classify(-5), classify(7777), classify(20000)); }');
  runsEverywhere(write('else-if.rj', lines.join('\n')), '0 19998 10000 -1 -1 7778 0\n');
});

test('pathological nesting is a clean diagnostic, not a crash', () => {
  const n = 100_000;
  const cases: [string, string][] = [
    ['parens', `fn main() { let x = ${'('.repeat(n)}1${')'.repeat(n)}; }`],
    ['fields', `class C { c: C; }\nfn main() { let c = new C; let d = c${'.c'.repeat(n)}; }`],
    ['casts', `class C { }\nfn main() { let c = new C; let d = c${' as C'.repeat(n)}; }`],
    ['unary', `fn main() { let x = ${'-'.repeat(n)}1; }`],
  ];
  for (const [name, source] of cases) {
    const r = rejit('check', write(`deep-${name}.rj`, source));
    assert.equal(r.status, 65, name);
    assert.match(r.stderr, /^\S+:\d+:\d+: error: nesting too deep\n/, name);
  }
});
