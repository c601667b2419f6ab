//! `rejit run FILE --watch`: changes to FILE and to modules it loaded are
//! applied to the running program; broken and inexpressible changes are
//! reported and leave it running unchanged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REJIT = fileURLToPath(new URL('../../bin/rejit', import.meta.url));

/** A running `rejit run --watch` whose output can be awaited. */
class LiveRun {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly waiters: (() => void)[] = [];

  constructor(file: string, threads: number) {
    const child = spawn(process.execPath, [REJIT, 'run', file, '--watch', '--threads', String(threads)]);
    child.stdout.on('data', (d: Buffer) => this.got(() => (this.stdout += d.toString())));
    child.stderr.on('data', (d: Buffer) => this.got(() => (this.stderr += d.toString())));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  private got(append: () => void): void {
    append();
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once `stream` matches `pattern`; fails after 20 s. */
  async waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!pattern.test(this[stream])) {
      assert.ok(Date.now() < deadline, `no ${pattern} on ${stream}:\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

const PROGRAM = (value: string): string => `fn message() -> i32 { return ${value}; }

fn main() -> i32 {
  load("plugin.rj");
  let last = 0;
  for i in 0..20000 {
    let m = message() + plugin();
    if m != last { print("thread", thread_id(), "sees", m); last = m; }
    if m >= 300 { return 0; }
    sleep_ms(5);
  }
  return 1;
}
fn plugin() -> i32;
`;

const PLUGIN = (value: number): string => `fn plugin() -> i32 { return ${value}; }\n`;

for (const threads of [1, 2]) {
  test(`--watch applies changes to the main file and to a loaded module while the program runs (${threads} thread(s))`, { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rejit-watch-'));
    try {
      const main = join(dir, 'live.rj');
      const plugin = join(dir, 'plugin.rj');
      writeFileSync(main, PROGRAM('1'));
      writeFileSync(plugin, PLUGIN(10));
      const live = new LiveRun(main, threads);
      await live.waitFor('stdout', /thread 0 sees 11\n/);

      writeFileSync(main, PROGRAM('2'));
      await live.waitFor('stderr', /watch: .*live\.rj: redefined message/);
      await live.waitFor('stdout', /thread 0 sees 12\n/);

      writeFileSync(main, PROGRAM('2 +'));
      await live.waitFor('stderr', /live\.rj:1:\d+: error: expected an expression[^]*live\.rj: not applied; the program runs on unchanged/);

      writeFileSync(main, PROGRAM('2').replace('fn message() -> i32', 'fn message() -> i64'));
      await live.waitFor('stderr', /live\.rj:1:4: watch: the signature of 'message' changed[^]*not applied \(restart/);

      writeFileSync(main, PROGRAM('true'));
      await live.waitFor('stderr', /live\.rj:1:\d+: error: [^\n]*bool[^]*live\.rj: not applied/);

      writeFileSync(plugin, PLUGIN(298));
      await live.waitFor('stderr', /watch: .*plugin\.rj: redefined plugin/);
      assert.equal(await live.exited, 0, live.stderr);
      // Every line the program printed came from a consistent version: 11, 12, then 300.
      for (let t = 0; t < threads; t++) {
        const seen = [...live.stdout.matchAll(new RegExp(`thread ${t} sees (\\d+)`, 'g'))].map((m) => Number(m[1]));
        assert.deepEqual(seen, [11, 12, 300], live.stdout);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
