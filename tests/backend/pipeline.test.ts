import { codeId } from '../../src/ir/ids.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from '../../src/ir/parse.js';
import type { IrFunction } from '../../src/ir/ir.js';
import { Program } from '../../src/core/program.js';
import { emitModule } from '../../src/backend/compile-function.js';
import { DEFAULT_COMPILE_OPTIONS } from '../../src/backend/compile-options.js';
import { compileFunction, compileOsrEntry } from '../../src/backend/pipeline.js';
import { computeCallPlans } from '../../src/passes/call-plans.js';
import { computeCountedLoops } from '../../src/passes/counted-loop.js';
import { addDepthParam } from '../../src/passes/depth-param.js';
import { computeIndexedArrays } from '../../src/passes/indexed-arrays.js';
import { printModule } from '../../src/wasm/wat.js';
import { NO_FIELD_REUSE } from '../../src/passes/field-reuse.js';

const SUM = `fn sum(a:0: i32[], n:1: i32) -> i32  ; id 0, 1 points
  locals s:2: i32, i:3: i32
  loop L0 @0
    if (ge.i32 $i:3 $n:1)
      break L0
    end
    $s:2 = (add.i32 $s:2 (elem $a:0 $i:3))
    $i:3 = (add.i32 $i:3 i32 1)
  end
  return $s:2
`;

function programWith(ir: IrFunction): Program {
  const program = new Program();
  program.functions[ir.id] = { id: ir.id, name: ir.name, params: ir.locals.slice(0, ir.paramCount).map((l) => l.type), result: ir.result, owner: null, ir };
  program.bindCodeId(ir, codeId(1));
  return program;
}

function withVerify<T>(run: () => T): T {
  const before = process.env['REJIT_VERIFY'];
  process.env['REJIT_VERIFY'] = '1';
  try {
    return run();
  } finally {
    if (before === undefined) delete process.env['REJIT_VERIFY'];
    else process.env['REJIT_VERIFY'] = before;
  }
}

test('emission follows the facts of the passes: without them, a counted loop is polled at every iteration and not versioned', () => {
  const ir = parseFunction(SUM);
  const program = programWith(ir);
  const callPlans = computeCallPlans(ir, program, DEFAULT_COMPILE_OPTIONS);
  const code = addDepthParam(ir);
  const countedLoops = computeCountedLoops(code);
  const withFacts = printModule(emitModule(code, program, 1, DEFAULT_COMPILE_OPTIONS, { countedLoops, indexedArrays: computeIndexedArrays(countedLoops), callPlans, classSets: new Map(), foldedGlobals: new Set(), fieldReuse: NO_FIELD_REUSE, recording: null, version: ir, entersAt: null }).builder);
  const withoutArrays = printModule(emitModule(code, program, 1, DEFAULT_COMPILE_OPTIONS, { countedLoops, indexedArrays: new Map(), callPlans, classSets: new Map(), foldedGlobals: new Set(), fieldReuse: NO_FIELD_REUSE, recording: null, version: ir, entersAt: null }).builder);
  const without = printModule(emitModule(code, program, 1, DEFAULT_COMPILE_OPTIONS, { countedLoops: new Map(), indexedArrays: new Map(), callPlans, classSets: new Map(), foldedGlobals: new Set(), fieldReuse: NO_FIELD_REUSE, recording: null, version: ir, entersAt: null }).builder);
  assert.equal(withFacts, printModule(compileFunction(ir, program, 1).builder), 'the pipeline computes the same facts');
  // The versioned loop has two copies of the loop's element load; the loop alone one.
  const loads = (wat: string): number => wat.split('\n').filter((l) => l.includes('i32.load offset=8')).length;
  assert.ok(loads(withFacts) > loads(withoutArrays), 'versioned: two copies');
  assert.ok(withoutArrays.includes('i32.shr_u') && !without.includes('i32.shr_u'), 'strip-mined only when counted');
});

test('under REJIT_VERIFY=1 the pipeline verifies its input and every module it emits validates', () => {
  const broken = parseFunction(SUM.replace('break L0', 'break L7'));
  assert.throws(() => withVerify(() => compileFunction(broken, programWith(broken), 1)), /sum: IR broken after the checker:\n {2}break at 1\.body\.1\.then\.1: break L7 names no enclosing label/);
  const ir = parseFunction(SUM);
  const compiled = withVerify(() => compileFunction(ir, programWith(ir), 1));
  assert.ok(WebAssembly.validate(compiled.bytes));
  const entry = withVerify(() => compileOsrEntry(ir, 0, programWith(ir), 2));
  assert.equal(entry?.ir.paramCount, 4, 'every local is a parameter of the entry');
});
