//! The baseline tier's pipeline on one screen: the passes a function version
//! goes through, in order, then its emission into a wasm module.
//!
//! Analyses (`compute…`) leave the IR as it is and return facts keyed by
//! loop label or call point, which emission follows (`FunctionFacts`);
//! transforms (verbs) return new IR. With REJIT_VERIFY=1 (and in tests), the
//! IR is verified after every pass (`ir/verify.ts`), an error naming the
//! pass, and every module is checked with `WebAssembly.validate`.

import type { IrFunction, PointId } from '../ir/ir.js';
import { verifyFunction, verifying, type VerifyOptions } from '../ir/verify.js';
import type { Program } from '../core/program.js';
import { computeCallPlans } from '../passes/call-plans.js';
import { computeCountedLoops } from '../passes/counted-loop.js';
import { addDepthParam } from '../passes/depth-param.js';
import { computeIndexedArrays } from '../passes/indexed-arrays.js';
import { buildOsrEntry } from '../passes/osr-entry.js';
import { printModule } from '../wasm/wat.js';
import { emitModule, type CompiledFunction } from './compile-function.js';
import { DEFAULT_COMPILE_OPTIONS, type CompileOptions } from './compile-options.js';

/** A function version (a definition, or a version the tiering made) to the module of code `codeId`. */
export function compileFunction(ir: IrFunction, program: Program, codeId: number, options: CompileOptions = DEFAULT_COMPILE_OPTIONS): CompiledFunction {
  check(ir, program, 'the checker');
  return compileVersion(ir, program, codeId, options);
}

/**
 * The entry that continues a call of `ir` from the header of its loop at
 * `point`: the entry's IR (`passes/osr-entry.ts`), compiled as any version;
 * null when `point` is no loop.
 */
export function compileOsrEntry(ir: IrFunction, point: PointId, program: Program, codeId: number, options: CompileOptions = DEFAULT_COMPILE_OPTIONS): CompiledFunction | null {
  check(ir, program, 'the checker');
  const entry = buildOsrEntry(ir, point);
  if (!entry) return null;
  check(entry, program, 'osr-entry', { osrEntry: true });
  return compileVersion(entry, program, codeId, options, { osrEntry: true });
}

/** Call plans name the version itself (self-calls, its definition): they are computed on `ir`; the rest on its compiled form. */
function compileVersion(ir: IrFunction, program: Program, codeId: number, options: CompileOptions, verify: VerifyOptions = {}): CompiledFunction {
  const callPlans = computeCallPlans(ir, program, options);
  const code = addDepthParam(ir);
  check(code, program, 'depth-param', verify);
  const countedLoops = computeCountedLoops(code);
  const indexedArrays = computeIndexedArrays(countedLoops);
  const compiled = emitModule(code, program, codeId, options, { countedLoops, indexedArrays, callPlans });
  if (verifying() && !WebAssembly.validate(compiled.bytes)) throw new Error(`${ir.name}: invalid wasm module for code ${codeId}`);
  return { ...compiled, ir };
}

/** The WebAssembly text of the module that the baseline tier makes of `ir` (as code `codeId`). */
export function functionText(ir: IrFunction, program: Program, codeId: number): string {
  return printModule(compileFunction(ir, program, codeId).builder);
}

function check(ir: IrFunction, program: Program, pass: string, options?: VerifyOptions): void {
  if (verifying()) verifyFunction(ir, pass, program, options);
}
