import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from '../../src/ir/parse.js';
import { printFunction } from '../../src/ir/printer.js';
import { buildOsrEntry } from '../../src/passes/osr-entry.js';
import { addDepthParam, depthParam } from '../../src/passes/depth-param.js';

const F = `fn f(a:0: i32, b:1: i32) -> i32  ; id 0, 1 points
  locals s:2: i32
  $s:2 = (add.i32 $a:0 $b:1)
  @0 $s:2 = call f($s:2, $b:1)
  return $s:2
`;

test('the depth is the last parameter; the other locals move up one, wherever the body names them', () => {
  const ir = parseFunction(F);
  const code = addDepthParam(ir);
  assert.equal(code.paramCount, 3);
  assert.equal(depthParam(code), 2);
  assert.deepEqual(code.locals, [ir.locals[0], ir.locals[1], { name: 'depth', type: 'i32' }, ir.locals[2]]);
  assert.equal(printFunction(code), [
    'fn f(a:0: i32, b:1: i32, depth:2: i32) -> i32  ; id 0, 1 points',
    '  locals s:3: i32',
    '  $s:3 = (add.i32 $a:0 $b:1)',
    '  @0 $s:3 = call #0($s:3, $b:1)',
    '  return $s:3',
    '',
  ].join('\n'));
  assert.equal(printFunction(ir), printFunction(parseFunction(F)), 'the version itself is left as it is');
});

test('an on-stack replacement entry, all parameters, keeps its body', () => {
  const ir = parseFunction(`fn g(n:0: i32) -> i32  ; id 1, 1 points
  locals i:1: i32
  loop L0 @0
    if (ge.i32 $i:1 $n:0)
      break L0
    end
    $i:1 = (add.i32 $i:1 i32 1)
  end
  return $i:1
`);
  const entry = buildOsrEntry(ir, 0)!;
  const code = addDepthParam(entry);
  assert.equal(depthParam(code), entry.locals.length);
  assert.equal(code.body, entry.body);
});
