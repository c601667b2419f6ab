//! Emits one version of a function (one IrFunction) into its own wasm
//! module named `rejit-<code id>`, exporting the function as `f`, as the
//! passes of the pipeline (`pipeline.ts`) decided.
//!
//! A module's function imports precede its functions in the index space, and
//! only emitting the body tells which imports it needs: the body is emitted
//! into a function of its own, then moved into the module once the imports
//! are complete, its self-calls patched with its index.

import { ENTRY_POINT, type IrFunction } from '../ir/ir.js';
import { someStmt } from '../ir/operands.js';
import { makesCalls } from '../core/limits.js';
import type { Program } from '../core/program.js';
import { bodyOffsets } from '../wasm/body-offsets.js';
import { ModuleBuilder, type FunctionBuilder } from '../wasm/module-builder.js';
import type { CompileOptions } from './compile-options.js';
import { DeoptExits, type DeoptTable } from './deopt-exits.js';
import type { Dependency } from '../passes/dependencies.js';
import type { ValueType } from '../ir/types.js';
import type { ValType } from '../wasm/types.js';
import { countCall } from './emit-profile-counts.js';
import { emitStmts } from './emit-stmt.js';
import { FunctionEmitter, type CallPosition, type FunctionFacts } from './function-emitter.js';
import type { JsImportData } from './js-imports.js';
import { CODE_EXPORT, ModuleImports } from './module-imports.js';
import { wasmSig, wasmType } from './wasm-types.js';

export interface CompiledFunction extends JsImportData {
  readonly ir: IrFunction;
  readonly builder: ModuleBuilder;
  readonly bytes: Uint8Array;
  /** Call instructions by module byte offset (as V8 reports frame positions). */
  readonly positions: ReadonlyMap<number, CallPosition>;
  /** Optimized code's exits to the interpreter (`deopt-exits.ts`); null for code that assumes nothing. */
  readonly deopt: DeoptTable | null;
  /** What the code assumes about the program (`passes/dependencies.ts`). */
  readonly dependencies: readonly Dependency[];
}

/** Code modules are named `rejit-<code id>`; V8 shows the name in stack traces (`wasm-frames.ts`). */
export const CODE_MODULE_PREFIX = 'rejit-';

/** `codeId` is the table index the code will have (instances linked again later get others). */
export function emitModule(ir: IrFunction, program: Program, codeId: number, options: CompileOptions, facts: FunctionFacts): Omit<CompiledFunction, 'dependencies'> {
  const mb = new ModuleBuilder(`${CODE_MODULE_PREFIX}${codeId}`);
  const imports = new ModuleImports(mb);
  const params = ir.locals.slice(0, ir.paramCount);
  // `ir` has its depth parameter (`passes/depth-param.ts`), the last of `params` as of the wasm signature.
  const decl = { name: ir.name, ...wasmSig(params.slice(0, -1).map((l) => l.type), ir.result), paramNames: params.map((l) => l.name) };
  const body = new ModuleBuilder().addFunction(decl);
  const fx = new FunctionEmitter(ir, program, mb, imports, body, options, facts);
  const deopt = emitFunction(fx, codeId);
  const fb = mb.addFunction(decl);
  body.locals.forEach((type, i) => fb.addLocal(type, body.localNames[params.length + i]));
  fb.code.out.bytes(body.code.out.view());
  for (const at of fx.selfCalls) fb.code.patchCall(at, fb.index);
  mb.exportFunction(CODE_EXPORT, fb.index);
  const bytes = mb.build();
  const start = bodyOffsets(bytes)[0] as number;
  return {
    ir,
    builder: mb,
    bytes,
    fileName: ir.fileName,
    prints: fx.prints,
    loads: fx.loads,
    hosts: fx.hosts,
    positions: new Map(fx.positions.map(([offset, p]) => [start + offset, p])),
    deopt,
  };
}

/** Emits the function's body; in optimized code, with its deopt exits (`deopt-exits.ts`). */
function emitFunction(fx: FunctionEmitter, codeId: number): DeoptTable | null {
  const { ir, fb, c } = fx;
  declareLocals(ir, fb);
  const { speculate, validityChecks, deoptEvery } = fx.options;
  if (speculate === true) {
    const localType = (local: number): ValType => (local < ir.paramCount ? wasmType((ir.locals[local] as { type: ValueType }).type) : (fb.locals[local - ir.paramCount] as ValType));
    fx.exits = new DeoptExits(codeId, fx.depth, deoptEvery !== undefined, validityChecks !== false, localType);
  }
  // Without calls or loops a function runs in bounded time: it needs no poll at entry.
  if (fx.options.polls && someStmt(ir.body, (s) => s.op === 'call' || s.op === 'loop')) fx.poll(ENTRY_POINT);
  if (makesCalls(ir.body)) fx.checkDepth(fx.depth);
  countCall(fx);
  emitStmts(fx, ir.body);
  // The checker makes every path of a function with a result end in `return`.
  if (ir.result !== 'void') c.unreachable();
  return fx.exits?.table() ?? null;
}

function declareLocals(ir: IrFunction, fb: FunctionBuilder): void {
  for (const l of ir.locals.slice(ir.paramCount)) fb.addLocal(wasmType(l.type), l.name);
}
