import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from '../../src/ir/parse.js';
import { computeLiveness } from '../../src/passes/liveness.js';

/** `f(n)`: `depth` counted loops nested in each other, the innermost adding to x. */
function nested(depth: number): string {
  const ind = (k: number): string => '  '.repeat(k + 1);
  const lines = [`fn f(n:0: i32) -> i32  ; id 0, ${depth} points`, `  locals x:1: i32, ${Array.from({ length: depth }, (_, k) => `i${k}:${k + 2}: i32`).join(', ')}`];
  const open = (k: number): void => {
    if (k === depth) {
      lines.push(`${ind(k)}$x:1 = (add.i32 $x:1 i32 1)`);
      return;
    }
    const i = `$i${k}:${k + 2}`;
    lines.push(`${ind(k)}${i} = i32 0`, `${ind(k)}loop L${k} @${k}`, `${ind(k + 1)}if (ge.i32 ${i} $n:0)`, `${ind(k + 2)}break L${k}`, `${ind(k + 1)}end`);
    open(k + 1);
    lines.push(`${ind(k + 1)}${i} = (add.i32 ${i} i32 1)`, `${ind(k)}end`);
  };
  open(0);
  lines.push('  return $x:1', '');
  return lines.join('\n');
}

test('liveness of deeply nested loops: each loop header starts from its last fixed point, so the passes do not multiply with the depth', () => {
  const depth = 24;
  const ir = parseFunction(nested(depth));
  const began = Date.now();
  const { after } = computeLiveness(ir);
  assert.ok(Date.now() - began < 2000, `${Date.now() - began} ms`);
  // At the header of loop k: n, x and the counters of loops 0..k (the inner ones are reset before they are read).
  for (let k = 0; k < depth; k++) {
    assert.deepEqual([...(after.get(k) ?? [])].sort((a, b) => a - b), [0, 1, ...Array.from({ length: k + 1 }, (_, j) => j + 2)], `loop ${k}`);
  }
});
