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
