//! IR statements to wasm. Structured control flow maps one to one: an IR
//! block is a wasm block, an IR loop a block (its break target) around a
//! loop (its continue target; loops and their polls are `emit-loop.ts`);
//! `if c { break }`, the exit test of every lowered `while` and `for`,
//! becomes a `br_if`.

import type { Stmt } from '../ir/ir.js';
import { unreachable } from '../ir/ops.js';
import { globalAddress } from '../core/layout.js';
import { emitDelete } from './emit-alloc.js';
import { emitCall } from './emit-call.js';
import type { FunctionEmitter } from './function-emitter.js';
import { emitLoop } from './emit-loop.js';
import { ELEMENTS, elemTypeOf, emitAtomic, emitExpr, emitGlobalStoreBarrier, storeOp, withElement, withObject } from './emit-expr.js';
import type { PrintPart } from './js-imports.js';
import { wasmType, type NumType } from './wasm-types.js';

export function emitStmts(fx: FunctionEmitter, stmts: readonly Stmt[]): void {
  for (const s of stmts) emitStmt(fx, s);
}

function emitStmt(fx: FunctionEmitter, s: Stmt): void {
  const c = fx.c;
  switch (s.op) {
    case 'setLocal':
      emitExpr(fx, s.value);
      c.localSet(s.local);
      return;
    case 'setGlobal':
      emitGlobalStoreBarrier(fx, s.global);
      c.i32Const(0);
      emitExpr(fx, s.value);
      c.memOp(storeOp(s.value.type), globalAddress(s.global));
      return;
    case 'setField':
      withObject(fx, s.object, s.pos, [s.value], ([value]) => {
        (value as () => void)();
        c.memOp(storeOp(s.field.type), s.field.offset);
      });
      return;
    case 'setElem':
      withElement(fx, s.array, s.index, s.pos, [s.value], ([value]) => {
        (value as () => void)();
        c.memOp(storeOp(elemTypeOf(s.array)), ELEMENTS);
      });
      return;
    case 'call': return emitCall(fx, s);
    case 'load':
      c.i32Const(fx.loads.push({ path: s.path, pos: s.pos }) - 1);
      fx.call(fx.imports.js('load'), s.pos);
      fx.checkValidity(s.point);
      return;
    case 'drop':
      emitExpr(fx, s.value);
      if (s.value.type !== 'void') c.drop();
      return;
    case 'atomicStore':
      return emitAtomic(fx, s.place, [s.value], `${s.value.type === 'i64' ? 'i64' : 'i32'}.atomic.store`);
    case 'print': {
      const parts: PrintPart[] = [];
      const values: NumType[] = [];
      c.i32Const(fx.prints.length);
      for (const a of s.args) {
        if (a.kind === 'string') {
          parts.push({ text: a.text });
        } else {
          const t = a.value.type === 'bool' ? 'bool' : wasmType(a.value.type);
          parts.push({ value: t });
          values.push(wasmType(a.value.type));
          emitExpr(fx, a.value);
        }
      }
      fx.prints.push(parts);
      c.call(fx.imports.print(values));
      return;
    }
    case 'printFixed':
      emitExpr(fx, s.value);
      emitExpr(fx, s.digits);
      c.call(fx.imports.js('printFixed'));
      return;
    case 'assert':
      emitExpr(fx, s.cond);
      c.i32Eqz();
      fx.trapIf('assertionFailed', s.pos);
      return;
    case 'delete':
      emitExpr(fx, s.value);
      return emitDelete(fx, s.value.type);
    case 'barrier':
      fx.call(fx.imports.js('barrier'), s.pos);
      return;
    case 'sleep':
      emitExpr(fx, s.ms);
      fx.call(fx.imports.js('sleep'), s.pos);
      return;
    case 'if': {
      const only = s.else.length === 0 && s.then.length === 1 ? (s.then[0] as Stmt) : null;
      if (only && (only.op === 'break' || only.op === 'continue')) {
        emitExpr(fx, s.cond);
        c.brIf(fx.target(only.label, only.op === 'break' ? 'brk' : 'cont'));
        return;
      }
      emitExpr(fx, s.cond);
      c.if();
      emitStmts(fx, s.then);
      if (s.else.length > 0) {
        c.else();
        emitStmts(fx, s.else);
      }
      c.end();
      return;
    }
    case 'block': {
      const brk = c.block();
      fx.withLabel(s.label, { brk, cont: null }, () => emitStmts(fx, s.body));
      c.end();
      return;
    }
    case 'loop':
      fx.preloadFields(s.label);
      return emitLoop(fx, s, emitStmts);
    case 'break':
      c.br(fx.target(s.label, 'brk'));
      return;
    case 'continue':
      c.br(fx.target(s.label, 'cont'));
      return;
    case 'return': {
      if (s.value !== null) emitExpr(fx, s.value);
      const inlined = fx.inlineReturn;
      if (!inlined) {
        c.return();
        return;
      }
      if (inlined.result !== null) c.localSet(inlined.result);
      c.br(inlined.target);
      return;
    }
    default: return unreachable(s);
  }
}
