import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompileError } from '../../src/frontend/diagnostic.js';
import { parseFunction } from '../../src/ir/parse.js';
import { irErrors, verifyFunction } from '../../src/ir/verify.js';
import { Session } from '../../src/session/session.js';

const GOLDEN = join(import.meta.dirname, '..', '..', '..', 'tests', 'golden');

function goldenFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? goldenFiles(join(dir, d.name)) : d.name.endsWith('.rj') ? [join(dir, d.name)] : []));
}

test('the checker makes well-formed IR of every golden program', () => {
  let functions = 0;
  for (const file of goldenFiles(GOLDEN)) {
    const session = new Session({ print: () => {} });
    try {
      session.load(readFileSync(file, 'utf8'), file);
    } catch (e) {
      if (e instanceof CompileError) continue;
      throw e;
    }
    for (const info of session.program.functions) {
      if (!info?.ir) continue;
      assert.deepEqual(irErrors(info.ir, session.program), [], `${file}: ${info.name}`);
      functions++;
    }
  }
  assert.ok(functions > 200);
});

test('a broken function is reported with the pass after which it broke', () => {
  const ir = parseFunction('fn f(n:0: i32)  ; id 0, 1 points\n  loop L0 @0\n    break L1\n  end\n  return\n');
  assert.throws(() => verifyFunction(ir, 'osr-entry'), /f: IR broken after osr-entry:\n  break at 1\.body\.1: break L1 names no enclosing label$/);
});
