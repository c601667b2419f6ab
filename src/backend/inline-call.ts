//! Small callees inlined at the call site: a body that
//! `passes/inlinable.ts` accepts (`passes/call-plans.ts` decides where) is
//! emitted in its caller's code, behind the same check as a leaf (the
//! callee's definition word; nothing for a method, which no load redefines),
//! so that a redefinition still takes effect at the next call.
//!
//! Unlike a leaf, an inlined body may trap and call: every call instruction
//! in it (traps are calls) records the inlined frame (`InlinedFrame`), so a
//! trap's Rejit stack shows the callee's frame at its own position and the
//! caller's at the call, as the interpreter's does. Inlined bodies are
//! inlined into in turn, two levels deep (`passes/call-plans.ts`
//! MAX_INLINE_DEPTH; AWFY Towers 1.56 to 1.00 s against one level); deeper
//! calls are calls.

import { makesCalls } from '../core/limits.js';
import type { Pos } from '../ir/pos.js';
import type { Expr, IrFunction, PointId } from '../ir/ir.js';
import type { CallPlans } from '../passes/call-plans.js';
import { NO_FIELD_REUSE, computeFieldReuse } from '../passes/field-reuse.js';
import { countedLoopsIn } from '../passes/counted-loop.js';
import { computeIndexedArrays } from '../passes/indexed-arrays.js';
import { maxLabel, renumberStmts } from '../ir/renumber.js';
import { emitConst, emitExpr } from './emit-expr.js';
import { emitStmts } from './emit-stmt.js';
import type { FunctionEmitter } from './function-emitter.js';
import { wasmType } from './wasm-types.js';

/**
 * Emits `ir`'s body for a call at `callPos` with `args` (locals or
 * constants, receiver first for a method), its own calls as `calls` plans
 * them, leaving its result on the stack.
 * The callee's locals become new locals of the caller, its parameters
 * assigned the arguments and the others zero, as a call's frame starts.
 */
export function emitInlined(fx: FunctionEmitter, ir: IrFunction, args: readonly Expr[], callPos: Pos, callPoint: PointId, isMethod: boolean, calls: CallPlans): void {
  const c = fx.c;
  const locals = ir.locals.map((l) => fx.fb.addLocal(wasmType(l.type)));
  ir.locals.forEach((l, i) => {
    if (i < ir.paramCount) emitExpr(fx, args[i] as Expr);
    else emitConst(fx, l.type, 0);
    c.localSet(locals[i] as number);
  });
  const labels = fx.inlineLabels(maxLabel(ir.body) + 1);
  const body = renumberStmts(ir.body, { local: (l) => locals[l] as number, label: (l) => labels + l });
  const result = ir.result === 'void' ? null : fx.fb.addLocal(wasmType(ir.result));
  const reuse = fx.options.speculate ? computeFieldReuse(body, calls, fx.program) : NO_FIELD_REUSE;
  // Only the optimizing tier inlines loops: they are strip-mined and versioned as the function's own are.
  const countedLoops = fx.options.speculate ? countedLoopsIn(body) : new Map();
  const loops = { countedLoops, indexedArrays: computeIndexedArrays(countedLoops) };
  // An inlined callee that calls counts as a called one would (`core/limits.ts`): the caller's frame is outside it.
  const outer = fx.depth;
  if (makesCalls(ir.body)) {
    fx.pushCallDepth();
    fx.depth = fx.fb.addLocal('i32');
    c.localSet(fx.depth);
    fx.checkDepth(fx.depth, callPos);
  }
  const target = c.block();
  const site = { frame: { ir, definition: fx.program.definitionIdOf(ir) as number, locals }, callPoint };
  const emit = (): void => fx.withInlined({ fn: ir.name, fileName: ir.fileName, callPos }, { target, result }, calls, site, reuse, loops, () => emitStmts(fx, body));
  if (isMethod) fx.withNonNull(locals[0] as number, emit);
  else emit();
  fx.depth = outer;
  c.end();
  if (result !== null) c.localGet(result);
}
