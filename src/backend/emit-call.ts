//! Call statements. Every call goes through the callee's stub slot, so a
//! redefinition (the slot reset to 0) is seen by the next call and frames
//! already running keep their code:
//!
//! - to a callee whose code is known when the caller is compiled (itself, or
//!   one compiled already): `slot == thatCode ? call thatCode : dispatch`, a
//!   direct call while the slot still holds that code (recursive fib: 1.06x
//!   a plain call, against 1.8x for `call_indirect` through the slot);
//! - otherwise through the hub dispatcher of the callee's signature, which
//!   loads the slot, compiles on first call, and tail-calls the code;
//! - virtual: the receiver's class id, its metadata block (which must be a
//!   subclass of the method's class: a freed or reused block traps rather
//!   than calling a method of another signature), and the vtable's function
//!   id; then an inline cache over the implementations that the loaded
//!   classes have (up to MAX_CASES, each guarded like a direct call), and
//!   the dispatcher for any other.
//!
//! Callees without code when the caller is compiled are `unlinked`: the
//! runtime may compile the caller again once they have code (`baseline.ts`).

import type { Expr, FunctionId, Stmt } from '../ir/ir.js';
import { CLASS_TABLE_BASE, MAX_CLASSES, stubSlot } from '../runtime/layout.js';
import type { FunctionInfo, Program } from '../runtime/program.js';
import type { FuncSig } from '../wasm/types.js';
import { META_DEPTH, META_VTABLE, ancestorOffset } from './class-metadata.js';
import { emitExpr } from './emit-expr.js';
import type { FunctionEmitter } from './function-emitter.js';
import { wasmSig } from './wasm-types.js';

type CallStmt = Extract<Stmt, { op: 'call' }>;

/** Implementations an inline cache tests for; a site with more goes to the dispatcher. */
const MAX_CASES = 4;

export function emitCall(fx: FunctionEmitter, s: CallStmt): void {
  const c = fx.c;
  const callee = calleeInfo(fx.program, s);
  const sig = wasmSig(callee.params, callee.result);
  if (s.callee.kind === 'direct') {
    for (const a of s.args) emitExpr(fx, a);
    emitGuardedCalls(fx, s, sig, [s.callee.fn], () => c.i32Const((s.callee as { fn: number }).fn));
  } else {
    const recv = s.args[0] as Expr;
    if (recv.op === 'local') {
      c.localGet(recv.local);
      emitVirtual(fx, s, sig, recv.local);
    } else {
      emitExpr(fx, recv);
      fx.scratch('i32', (local) => {
        c.localTee(local);
        emitVirtual(fx, s, sig, local);
      });
    }
  }
  if (s.result >= 0) c.localSet(s.result);
  else if (sig.results.length > 0) c.drop();
}

/** With the receiver (in `recv`) on the stack: the other arguments, the checks, the lookup, the call. */
function emitVirtual(fx: FunctionEmitter, s: CallStmt, sig: FuncSig, recv: number): void {
  const c = fx.c;
  const { slot, classId, pos } = s.callee as Extract<CallStmt['callee'], { kind: 'virtual' }>;
  for (const a of s.args.slice(1)) emitExpr(fx, a);
  if (!fx.nonNull(s.args[0] as Expr)) {
    c.localGet(recv).i32Eqz();
    fx.trapIf('nullReference', pos);
  }
  fx.scratch('i32', (fn) => {
    const depth = fx.program.classInfo(classId).depth;
    const ok = c.block();
    const bad = c.block();
    c.localGet(recv).i32Load().localTee(fn).i32Const(MAX_CLASSES).i32GeU().brIf(bad);
    c.localGet(fn).i32Const(2).i32Shl().i32Load(CLASS_TABLE_BASE).localTee(fn).i32Eqz().brIf(bad);
    c.localGet(fn).i32Load(META_DEPTH).i32Const(depth).i32LtS().brIf(bad);
    c.localGet(fn).i32Const(ancestorOffset(depth)).i32Sub().i32Load().i32Const(classId).i32Eq().brIf(ok);
    c.end();
    fx.trap('deletedObject', pos);
    c.end();
    c.localGet(fn).i32Load(META_VTABLE + 4 * slot).localSet(fn);
    const cases = implementations(fx.program, classId, slot);
    emitGuardedCalls(fx, s, sig, cases.length <= MAX_CASES ? cases : [], () => c.localGet(fn));
  });
}

/**
 * With the arguments on the stack, calls the function whose id `pushFn`
 * pushes: directly when it is one of `cases` that has known code and its
 * slot still holds that code (without stubs, whatever the slot holds), else
 * through the dispatcher.
 */
function emitGuardedCalls(fx: FunctionEmitter, s: CallStmt, sig: FuncSig, cases: readonly FunctionId[], pushFn: () => void): void {
  const c = fx.c;
  const known = cases.flatMap((fn) => {
    const code = fn === fx.ir.id ? { code: fx.codeId, index: fx.fb.index } : fx.imports.direct(fn, sig, fx.program.functionInfo(fn).name);
    return code ? [{ fn, ...code }] : [];
  });
  const single = s.callee.kind === 'direct';
  const stubs = fx.options.stubs;
  if (single && !stubs && known[0]) {
    fx.call(known[0].index, s.pos, true);
    return;
  }
  for (const k of known) {
    if (!single) {
      pushFn();
      c.i32Const(k.fn).i32Eq();
    }
    if (stubs) c.i32Const(0).i32AtomicLoad(stubSlot(k.fn)).i32Const(k.code).i32Eq();
    if (!single && stubs) c.i32And();
    c.if(fx.mb.type(sig));
    fx.call(k.index, s.pos, true);
    c.else();
  }
  pushFn();
  fx.call(fx.imports.dispatch(sig), s.pos, true);
  for (let i = 0; i < known.length; i++) c.end();
}

/** The distinct functions that slot `slot` holds in class `classId` and its loaded subclasses, abstract ones left out. */
function implementations(program: Program, classId: number, slot: number): FunctionId[] {
  const depth = program.classInfo(classId).depth;
  const fns = new Set<FunctionId>();
  for (const c of program.classes) {
    if (c && c.depth >= depth && c.ancestors[depth] === classId) fns.add(c.vtable[slot] as FunctionId);
  }
  return [...fns].filter((fn) => program.functionInfo(fn).ir !== null);
}

/** The function whose signature the call has: the callee, or the method in the vtable slot of the static class. */
function calleeInfo(program: Program, s: CallStmt): FunctionInfo {
  if (s.callee.kind === 'direct') return program.functionInfo(s.callee.fn);
  return program.functionInfo(program.classInfo(s.callee.classId).vtable[s.callee.slot] as number);
}
