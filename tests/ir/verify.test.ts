import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from '../../src/ir/parse.js';
import { irErrors, verifyFunction } from '../../src/ir/verify.js';
import { goldenFunctions } from './golden-functions.js';

test('the checker makes well-formed IR of every golden program', () => {
  let functions = 0;
  for (const { file, ir, program } of goldenFunctions()) {
    assert.deepEqual(irErrors(ir, program), [], `${file}: ${ir.name}`);
    functions++;
  }
  assert.ok(functions > 200);
});

test('a broken function is reported with the pass after which it broke', () => {
  const ir = parseFunction('fn f(n:0: i32)  ; id 0, 1 points\n  loop L0 @0\n    break L1\n  end\n  return\n');
  assert.throws(() => verifyFunction(ir, 'osr-entry'), /f: IR broken after osr-entry:\n  break at 1\.body\.1: break L1 names no enclosing label$/);
});
