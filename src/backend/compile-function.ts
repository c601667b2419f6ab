//! Emits one version of a function (one IrFunction) into its own wasm
//! module named `rejit-<code id>`, exporting the function as `f`, as the
//! passes of the pipeline (`pipeline.ts`) decided.
//!
//! A module's function imports precede its functions in the index space, and
//! only emitting the body tells which imports it needs: the body is emitted
//! into a function of its own, then moved into the module once the imports
//! are complete, its self-calls patched with its index.

import { ENTRY_POINT, type IrFunction, type Stmt } from '../ir/ir.js';
import { makesCalls, runsBounded } from '../core/limits.js';
import type { Program } from '../core/program.js';
import { bodyOffsets } from '../wasm/body-offsets.js';
import { ModuleBuilder, type FunctionBuilder, type FunctionDecl } from '../wasm/module-builder.js';
import type { CompileOptions } from './compile-options.js';
import { DeoptExits, type DeoptTable } from './deopt-exits.js';
import type { Dependency } from '../passes/dependencies.js';
import type { ValueType } from '../ir/types.js';
import type { FuncIdx, TagIdx, ValType } from '../wasm/types.js';
import type { CallCase, CallPlans } from '../passes/call-plans.js';
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
  const recursive = options.speculate === true && options.validityChecks !== false && someCase(facts.callPlans, (k) => k.run.kind === 'self') && !callsItselfInLoop(ir.body, facts.callPlans, false);
  const tag = recursive ? mb.addTag(decl.results) : null;
  const deopt = emitFunction(fx, codeId, tag);
  const fb = mb.addFunction(decl);
  body.locals.forEach((type, i) => fb.addLocal(type, body.localNames[params.length + i]));
  fb.code.out.bytes(body.code.out.view());
  for (const at of fx.selfCalls) fb.code.patchCall(at, fb.index);
  const entry = tag === null ? null : emitEntry(mb, decl, fb.index, tag);
  mb.exportFunction(CODE_EXPORT, entry?.index ?? fb.index);
  const bytes = mb.build();
  const offsets = bodyOffsets(bytes);
  const start = offsets[0] as number;
  // The entry's frame is left out of trap stacks, as an exit's is: its call stands for no Rejit frame.
  if (entry) fx.positions.push([(offsets[1] as number) - start + entry.call, { pos: ir.pos, rejit: false, replaced: true }]);
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

/**
 * Optimized code that calls itself (not inlined) is two functions: its body,
 * whose exits throw `tag` with the call's result, and the exported entry,
 * which calls the body and returns that result when it catches one. The
 * body's own calls of itself call the body and check their validity only
 * when they catch (`emit-call.ts`): a call that returns normally ran, in the
 * same code with the same state word, a check after every point where it
 * could have acknowledged a handshake, the last of which found it valid,
 * so the caller has nothing left to check. Only an exit, after which the
 * interpreter ran the rest of the callee (and may have acknowledged
 * anything), needs the caller's check; it throws. Callers from outside the
 * code (other code, dispatchers, the host) call the entry and see an
 * ordinary return, as from any exit.
 */
function emitEntry(mb: ModuleBuilder, decl: FunctionDecl, body: FuncIdx, tag: TagIdx): { readonly index: FuncIdx; readonly call: number } {
  const entry = mb.addFunction(decl);
  const c = entry.code;
  c.try(mb.type({ params: [], results: decl.results }));
  decl.params.forEach((_, i) => c.localGet(i));
  const call = c.out.length;
  c.call(body).catch(tag).end();
  return { index: entry.index, call };
}

/** Emits the function's body; in optimized code, with its deopt exits (`deopt-exits.ts`), which throw `tag` when not null. */
function emitFunction(fx: FunctionEmitter, codeId: number, tag: TagIdx | null): DeoptTable | null {
  const { ir, fb, c } = fx;
  declareLocals(ir, fb);
  const { speculate, validityChecks, deoptEvery } = fx.options;
  if (speculate === true) {
    const localType = (local: number): ValType => (local < ir.paramCount ? wasmType((ir.locals[local] as { type: ValueType }).type) : (fb.locals[local - ir.paramCount] as ValType));
    fx.exits = new DeoptExits(codeId, fx.depth, deoptEvery !== undefined, validityChecks !== false, localType, tag);
  }
  if (fx.options.polls && !runsBounded(ir.body)) fx.poll(fx.facts.entersAt ?? ENTRY_POINT);
  if (makesCalls(ir.body)) fx.checkDepth(fx.depth);
  countCall(fx);
  emitStmts(fx, ir.body);
  // The checker makes every path of a function with a result end in `return`.
  if (ir.result !== 'void') c.unreachable();
  return fx.exits?.table() ?? null;
}

/**
 * Whether a call of itself sits in a loop of `stmts`, or of a body inlined
 * into them (a loop around the inlined call counts too). There the scheme of
 * `emitEntry` costs more than the checks it saves: a call in a `try` keeps
 * the loop's values in memory across it (AWFY Permute at opt ran 1.11x
 * slower with it; docs/PERFORMANCE.md). Elsewhere it saves them: fib, which
 * inlines itself once, runs 0.88x the instructions it ran with a check after
 * each call.
 */
function callsItselfInLoop(stmts: readonly Stmt[], plans: CallPlans, inLoop: boolean): boolean {
  return stmts.some((s) => {
    switch (s.op) {
      case 'loop': return callsItselfInLoop(s.body, plans, true);
      case 'block': return callsItselfInLoop(s.body, plans, inLoop);
      case 'if': return callsItselfInLoop(s.then, plans, inLoop) || callsItselfInLoop(s.else, plans, inLoop);
      case 'call': {
        const cases = plans.get(s.point) ?? [];
        if (cases.some((k) => k.run.kind === 'inline' && callsItselfInLoop(k.run.ir.body, k.run.calls, inLoop))) return true;
        return inLoop && cases.some((k) => k.run.kind === 'self');
      }
      default: return false;
    }
  });
}

/** Whether a case of `plans`, or of the bodies they inline, satisfies `p`. */
function someCase(plans: CallPlans, p: (k: CallCase) => boolean): boolean {
  return [...plans.values()].some((cases) => cases.some((k) => p(k) || (k.run.kind === 'inline' && someCase(k.run.calls, p))));
}

function declareLocals(ir: IrFunction, fb: FunctionBuilder): void {
  for (const l of ir.locals.slice(ir.paramCount)) fb.addLocal(wasmType(l.type), l.name);
}
