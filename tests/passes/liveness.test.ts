import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from '../../src/ir/parse.js';
import { computeLiveness } from '../../src/passes/liveness.js';
import type { PointId } from '../../src/ir/ir.js';

const sorted = (m: ReadonlyMap<PointId, ReadonlySet<number>>, p: number): number[] => [...(m.get(p as PointId) ?? ['missing'])].map(Number).sort((a, b) => a - b);

test('a local written before it is read again is not live; one read in the next iteration or after the loop is', () => {
  const ir = parseFunction(`fn f(a:0: i32, n:1: i32) -> i32  ; id 0, 3 points
  locals s:2: i32, t:3: i32, u:4: i32
  $s:2 = i32 0
  loop L0 @0
    if (ge.i32 $s:2 $n:1)
      break L0
    end
    @1 $t:3 = call f($s:2, $n:1)
    $s:2 = (add.i32 $s:2 $t:3)
  end
  @2 $u:4 = call f($a:0, $n:1)
  $a:0 = i32 1
  return (add.i32 $u:4 $a:0)
`);
  const live = computeLiveness(ir);
  assert.deepEqual(sorted(live.after, 0), [0, 1, 2], 'the loop header: what the next iteration and the code after the loop read');
  assert.deepEqual(sorted(live.after, 1), [0, 1, 2, 3], 'after the call: its result, and the loop\'s locals');
  assert.deepEqual(sorted(live.resumed, 1), [0, 1, 2], 'an outer frame at the call gets its result from the inner frame');
  assert.deepEqual(sorted(live.before, 1), [0, 1, 2]);
  assert.deepEqual(sorted(live.after, 2), [4], 'a is written before it is read again');
  assert.deepEqual(sorted(live.before, 2), [0, 1]);
});

test('break takes what is live after its block, continue what is live at its loop header, return nothing', () => {
  const ir = parseFunction(`fn g(a:0: i32, b:1: i32) -> i32  ; id 1, 3 points
  locals x:2: i32, y:3: i32
  block L1
    loop L0 @0
      @1 $x:2 = call g($a:0, $b:1)
      if (eq.i32 $x:2 i32 0)
        break L1
      end
      if (eq.i32 $x:2 i32 1)
        continue L0
      end
      @2 $y:3 = call g($x:2, $x:2)
      return $y:3
    end
  end
  return $b:1
`);
  const live = computeLiveness(ir);
  assert.deepEqual(sorted(live.after, 0), [0, 1]);
  assert.deepEqual(sorted(live.after, 1), [0, 1, 2], 'b after the block, a and b at the header, x read next');
  assert.deepEqual(sorted(live.after, 2), [3], 'only the result before the return');
});

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
