//! Call statements. Every call goes through the callee's stub slot, so a
//! redefinition (the slot reset to 0) is seen by the next call and frames
//! already running keep their code:
//!
//! - to a callee whose code is known when the caller is compiled (itself, or
//!   one compiled already): `slot == thatCode ? call thatCode : dispatch`,
//!   a direct call while the slot still holds that code (1.06x a plain call
//!   for recursive fib, against 1.8x for `call_indirect` through the slot);
//! - otherwise through the hub dispatcher of the callee's signature, which
//!   loads the slot, compiles on first call, and tail-calls the code;
//! - virtual: the receiver's class id, its metadata block (which must be a
//!   subclass of the method's class: a freed or reused block traps rather
//!   than calling a method of another signature), the vtable's function id,
//!   then the dispatcher.

import type { Expr, Stmt } from '../ir/ir.js';
import { CLASS_TABLE_BASE, MAX_CLASSES, stubSlot } from '../runtime/layout.js';
import type { FunctionInfo } from '../runtime/program.js';
import { META_DEPTH, META_VTABLE, ancestorOffset } from './class-metadata.js';
import { emitExpr } from './emit-expr.js';
import type { FunctionEmitter } from './function-emitter.js';
import { wasmSig } from './wasm-types.js';

type CallStmt = Extract<Stmt, { op: 'call' }>;

export function emitCall(fx: FunctionEmitter, s: CallStmt): void {
  const c = fx.c;
  const callee = calleeInfo(fx, s);
  const sig = wasmSig(callee.params, callee.result);
  const dispatch = fx.imports.dispatch(sig);
  if (s.callee.kind === 'direct') {
    const fn = s.callee.fn;
    for (const a of s.args) emitExpr(fx, a);
    const known = fn === fx.ir.id ? { code: fx.codeId, index: fx.fb.index } : fx.imports.direct(fn, sig, callee.name);
    if (known) {
      c.i32Const(0).i32AtomicLoad(stubSlot(fn)).i32Const(known.code).i32Eq();
      c.if(fx.mb.type(sig));
      fx.call(known.index, s.pos, true);
      c.else();
    }
    c.i32Const(fn);
    fx.call(dispatch, s.pos, true);
    if (known) c.end();
  } else {
    const { slot, classId, pos } = s.callee;
    const recv = s.args[0] as Expr;
    const withReceiver = (local: number): void => {
      for (const a of s.args.slice(1)) emitExpr(fx, a);
      if (!fx.nonNull(recv)) {
        c.localGet(local).i32Eqz();
        fx.trapIf('nullReference', pos);
      }
      fx.scratch('i32', (meta) => {
        const depth = fx.program.classInfo(classId).depth;
        const ok = c.block();
        const bad = c.block();
        c.localGet(local).i32Load().localTee(meta).i32Const(MAX_CLASSES).i32GeU().brIf(bad);
        c.localGet(meta).i32Const(2).i32Shl().i32Load(CLASS_TABLE_BASE).localTee(meta).i32Eqz().brIf(bad);
        c.localGet(meta).i32Load(META_DEPTH).i32Const(depth).i32LtS().brIf(bad);
        c.localGet(meta).i32Const(ancestorOffset(depth)).i32Sub().i32Load().i32Const(classId).i32Eq().brIf(ok);
        c.end();
        fx.trap('deletedObject', pos);
        c.end();
        c.localGet(meta).i32Load(META_VTABLE + 4 * slot);
      });
      fx.call(dispatch, s.pos, true);
    };
    if (recv.op === 'local') {
      c.localGet(recv.local);
      withReceiver(recv.local);
    } else {
      emitExpr(fx, recv);
      fx.scratch('i32', (local) => {
        c.localTee(local);
        withReceiver(local);
      });
    }
  }
  if (s.result >= 0) c.localSet(s.result);
  else if (sig.results.length > 0) c.drop();
}

/** The function whose signature the call has: the callee, or the method in the vtable slot of the static class. */
function calleeInfo(fx: FunctionEmitter, s: CallStmt): FunctionInfo {
  const { program } = fx;
  if (s.callee.kind === 'direct') return program.functionInfo(s.callee.fn);
  return program.functionInfo(program.classInfo(s.callee.classId).vtable[s.callee.slot] as number);
}
