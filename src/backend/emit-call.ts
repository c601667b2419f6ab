//! Call statements. Every call goes through the callee's stub slot, so a
//! redefinition (the slot pointed at the new definition) is seen by the next
//! call and frames already running keep their code:
//!
//! - to a callee that had code when the caller was linked:
//!   `slot == thatCode ? call thatCode : dispatch`, a direct call while the
//!   slot still holds that code; to the caller itself, while its definition
//!   word still names its definition (recursive fib: 1.06-1.13x a plain
//!   call, against 1.8x for `call_indirect` through the slot);
//! - to a leaf (`passes/inline-leaf.ts`): its body in place while the callee's
//!   definition word still names that definition;
//! - otherwise through the hub dispatcher of the callee's signature, which
//!   loads the slot, compiles on first call, and tail-calls the code;
//! - virtual: an inline cache on the receiver's class id over the
//!   implementations among the loaded classes (`passes/call-plans.ts`): the
//!   class ids that run one implementation are one case, which runs as a
//!   direct call, a leaf or an inlined body as above. Any
//!   other class id goes to the checks (the metadata block must be a
//!   subclass of the method's class: a freed or reused block traps rather
//!   than calling a method of another signature), the vtable and the
//!   dispatcher.
//!
//! Which of these each case of a call gets is decided before emission, by
//! `passes/call-plans.ts`; this file emits what it planned.
//!
//! A direct call's code and its id are imports of the caller's module
//! (`module-imports.ts`), bound when the module is instantiated: a callee
//! without code then is `unlinked` (its guard never passes), and the runtime
//! may instantiate the caller's module again once it has code (`baseline.ts`).

import type { Expr, FunctionId, IrFunction, Stmt } from '../ir/ir.js';
import type { ClassId, ValueType } from '../ir/types.js';
import { MAX_CLASSES, definitionWord, stubSlot } from '../core/layout.js';
import type { FunctionInfo, Program } from '../core/program.js';
import type { CallCase, CallPlans } from '../passes/call-plans.js';
import { inlineLeaf, type Leaf } from '../passes/inline-leaf.js';
import type { FuncIdx, FuncSig, GlobalIdx } from '../wasm/types.js';
import { META_VTABLE } from './class-metadata.js';
import { emitAncestorTest, emitClassIdIn, emitExpr } from './emit-expr.js';
import { emitStmts } from './emit-stmt.js';
import type { FunctionEmitter } from './function-emitter.js';
import { emitInlined } from './inline-call.js';
import { UNLINKED } from './module-imports.js';
import { wasmSig, wasmType } from './wasm-types.js';
import { POLYMORPHIC } from '../passes/profile.js';

type CallStmt = Extract<Stmt, { op: 'call' }>;

export function emitCall(fx: FunctionEmitter, s: CallStmt): void {
  const c = fx.c;
  const callee = calleeInfo(fx.program, s);
  const sig = wasmSig(callee.params, callee.result);
  withArguments(fx, s.args, s.callee.kind === 'virtual', (args) => {
    if (s.callee.kind === 'direct') {
      const fn = s.callee.fn;
      emitCases(fx, s, sig, args, planOf(fx, s).map((k) => ({ test: null, run: runOf(fx, k, sig) })), () => c.i32Const(fn));
    } else {
      const recv = args[0] as Extract<Expr, { op: 'local' }>;
      emitVirtual(fx, s, sig, recv.local, args);
    }
  });
  if (s.result >= 0) c.localSet(s.result);
  else if (sig.results.length > 0) c.drop();
}

/**
 * Evaluates the arguments in order, each to a local (a local or constant
 * argument stays as it is: no argument can write a local), and has `use`
 * emit the call with them. A receiver is always put in a local.
 */
function withArguments(fx: FunctionEmitter, es: readonly Expr[], receiver: boolean, use: (args: Expr[]) => void, done: Expr[] = []): void {
  const e = es[done.length];
  if (e === undefined) {
    use(done);
    return;
  }
  const next = (arg: Expr): void => withArguments(fx, es, receiver, use, [...done, arg]);
  if (e.op === 'local' || (e.op === 'const' && !(receiver && done.length === 0))) {
    next(e);
    return;
  }
  emitExpr(fx, e);
  fx.scratch(wasmType(e.type), (local) => {
    fx.c.localSet(local);
    next({ op: 'local', type: e.type as ValueType, local });
  });
}

/**
 * With the receiver in local `recv`: the inline cache on its class id, else
 * the checks, the lookup and the dispatcher.
 */
function emitVirtual(fx: FunctionEmitter, s: CallStmt, sig: FuncSig, recv: number, args: readonly Expr[]): void {
  const c = fx.c;
  const { slot, classId, pos } = s.callee as Extract<CallStmt['callee'], { kind: 'virtual' }>;
  if (!fx.nonNull(s.args[0] as Expr)) {
    c.localGet(recv).i32Eqz();
    fx.trapIf('nullReference', pos);
  }
  fx.scratch('i32', (header) => {
    c.localGet(recv).i32Load().localSet(header);
    const site = fx.profileSite(s.point);
    if (site !== null) recordReceiver(fx, site, header);
    const plan = planOf(fx, s);
    // One implementation for every receiver (the optimizing tier): the receiver need only be an object, not a freed block.
    if (plan.length === 1 && plan[0]?.classIds === null) {
      c.localGet(header).i32Const(1).i32Sub().i32Const(MAX_CLASSES - 1).i32GeU();
      fx.trapIf('deletedObject', pos);
    }
    const test = (ids: readonly ClassId[]) => (): void => {
      emitClassIdIn(c, header, ids);
      c.i32Eqz();
    };
    const cases = plan.map((k): Case => ({ test: k.classIds === null ? null : test(k.classIds), run: runOf(fx, k, sig), ...(k.guarded ? { guarded: true as const } : {}) }));
    fx.withNonNull(recv, () =>
      emitCases(fx, s, sig, args, cases, () => {
        const ok = c.block();
        emitAncestorTest(fx, header, classId);
        c.brIf(ok);
        fx.trap('deletedObject', pos);
        c.end();
        c.localGet(header).i32Load(META_VTABLE + 4 * slot);
      }),
    );
  });
}

/**
 * Baseline code's profile of the receivers at a virtual call site
 * (`passes/profile.ts`): the first class id seen, POLYMORPHIC once another
 * is. Plain loads and stores: threads may race, and the profile is only a
 * hint. A site that stays as it is only loads.
 */
function recordReceiver(fx: FunctionEmitter, site: number, header: number): void {
  const c = fx.c;
  fx.scratch('i32', (seen) => {
    // Nested rather than one `and` of both tests: a monomorphic site's receiver passes the first alone.
    c.localGet(header).i32Const(0).i32Load(site).localTee(seen).i32Ne().if();
    c.localGet(seen).i32Const(POLYMORPHIC).i32Ne().if();
    c.i32Const(0).localGet(header).i32Const(POLYMORPHIC).localGet(seen).i32Eqz().select().i32Store(site);
    c.end();
    c.end();
  });
}

/** How a call may run callee `fn` without the dispatcher: its code, known when the caller is compiled, or its body inlined. */
type Run =
  /** `codeId`: the global that holds the code id of the code `index` calls. */
  | { readonly fn: FunctionId; readonly kind: 'code'; readonly codeId: GlobalIdx; readonly index: FuncIdx; readonly unchecked?: true }
  /** A call of the caller itself, while its definition word names its definition (null: a method, never redefined). */
  | { readonly fn: FunctionId; readonly kind: 'self'; readonly definition: number | null }
  /** `definition`: the code id the callee's definition word holds while the leaf is current; null for a method, which no load redefines. */
  | { readonly fn: FunctionId; readonly kind: 'leaf'; readonly definition: number | null; readonly leaf: Leaf }
  /** A small callee inlined (`inline-call.ts`), checked as a leaf is. */
  | { readonly fn: FunctionId; readonly kind: 'inline'; readonly definition: number | null; readonly ir: IrFunction; readonly isMethod: boolean; readonly calls: CallPlans };

/** The cases that `passes/call-plans.ts` planned for call `s` (in an inlined body, the plans of that callee's calls). */
function planOf(fx: FunctionEmitter, s: CallStmt): readonly CallCase[] {
  const cases = fx.callPlans.get(s.point);
  if (!cases) throw new Error(`${fx.ir.name}: no call plan for point ${s.point}`);
  return cases;
}

function runOf(fx: FunctionEmitter, k: CallCase, sig: FuncSig): Run {
  const fn = k.fn;
  const r = k.run;
  switch (r.kind) {
    case 'self': return { fn, kind: 'self', definition: r.definition };
    case 'leaf': return { fn, kind: 'leaf', definition: r.definition, leaf: r.leaf };
    case 'inline': return { fn, kind: 'inline', definition: r.definition, ir: r.ir, isMethod: r.isMethod, calls: r.calls };
    case 'call': return { fn, kind: 'code', ...fx.imports.callee(fn, sig, fx.program.functionInfo(fn).name), ...(r.unchecked && fx.exits ? { unchecked: true as const } : {}) };
  }
}

/** A case of a call site: `test` pushes nonzero when the case does not apply (none: it always does), `run` says what to run. */
interface Case {
  readonly test: (() => void) | null;
  readonly run: Run;
  /** When no case applies, deoptimize rather than dispatch (`CallCase.guarded`). */
  readonly guarded?: true;
}

/**
 * The first case whose test passes runs, when its callee's slot still holds
 * that code, or its definition word that definition (without stubs,
 * whatever they hold): the code directly, or the leaf's body in place.
 * Otherwise the callee whose id `pushFn` pushes runs through the dispatcher.
 */
function emitCases(fx: FunctionEmitter, s: CallStmt, sig: FuncSig, args: readonly Expr[], cases: readonly Case[], pushFn: () => void): void {
  const c = fx.c;
  const stubs = fx.options.stubs;
  const pushArgs = (): void => {
    args.forEach((a) => emitExpr(fx, a));
    fx.pushCallDepth();
  };
  // Optimized code: a call may have applied a load that invalidated this code.
  const afterCall = (): void => {
    if (!fx.exits) return;
    if (s.result >= 0) c.localTee(s.result);
    fx.checkValidity(s.point);
  };
  // Where the check is left out: only stress testing's ticks leave there.
  const leftOut = (): void => {
    if (!fx.exits?.ticks) return;
    if (s.result >= 0) c.localTee(s.result);
    fx.checkLeftOut(s.point);
  };
  const type = fx.mb.type({ params: [], results: sig.results });
  // A case always runs (nothing reaches the dispatcher), or a guard fails instead.
  const alwaysRuns = cases.some((k) => k.test === null && !checked(fx, k.run));
  const guarded = cases.some((k) => k.guarded);
  const checkedCall = (!alwaysRuns && !guarded) || cases.some((k) => k.run.kind === 'code' && !k.run.unchecked);
  const out = c.block(type);
  // Optimized code: every call that needs its check branches to one check, after `called`, with its result.
  const called = fx.exits && checkedCall ? c.block(type) : out;
  const slow = c.block();
  for (const { test, run } of cases) {
    const next = c.block();
    if (test) {
      test();
      c.brIf(next);
    }
    if (stubs && run.kind === 'code') c.i32Const(0).i32AtomicLoad(stubSlot(run.fn)).globalGet(run.codeId).i32Ne().brIf(slow);
    // Without stubs, only a callee that had no code when the instance was linked is called through the dispatcher.
    if (!stubs && run.kind === 'code') c.globalGet(run.codeId).i32Const(UNLINKED).i32Eq().brIf(slow);
    if (stubs && run.kind !== 'code' && run.definition !== null) {
      c.i32Const(0).i32AtomicLoad(definitionWord(run.fn)).i32Const(run.definition).i32Ne().brIf(slow);
    }
    let target = out;
    if (run.kind === 'code') {
      pushArgs();
      fx.call(run.index, s.pos, true);
      // Checked after `called`, unless the callee acknowledges nothing.
      if (run.unchecked) leftOut();
      else target = called;
    } else if (run.kind === 'self') {
      // A self-call that returns normally needs no check; one whose callee left by an exit throws (`compile-function.ts` emitEntry).
      const tag = fx.exits?.tag ?? null;
      if (tag !== null) c.try(type);
      pushArgs();
      fx.callSelf(s.pos);
      if (tag !== null) c.catch(tag);
      afterCall();
      if (tag !== null) {
        c.end();
        leftOut();
      }
    } else if (run.kind === 'inline') {
      emitInlined(fx, run.ir, args, s.pos, s.point, run.isMethod, run.calls);
    } else {
      const { store, result } = run.leaf;
      if (store) emitStmts(fx, [{ op: 'setField', object: args[0] as Expr, field: store.field, value: inlineLeaf(store.value, args), pos: s.pos }]);
      if (result) emitExpr(fx, inlineLeaf(result, args));
    }
    c.br(target);
    c.end();
  }
  c.end();
  if (alwaysRuns) {
    c.unreachable();
  } else if (guarded) {
    fx.guardFailed(s.point);
  } else {
    pushArgs();
    pushFn();
    fx.call(fx.imports.dispatch(sig), s.pos, true);
  }
  if (called !== out) {
    c.end();
    afterCall();
  }
  c.end();
}

/** Whether a case checks that what it runs is current: a call of linked code always (its stub slot, or that it is linked), a body in place its definition word. */
function checked(fx: FunctionEmitter, run: Run): boolean {
  return run.kind === 'code' || (fx.options.stubs && run.definition !== null);
}

/** The function whose signature the call has: the callee, or the method in the vtable slot of the static class. */
function calleeInfo(program: Program, s: CallStmt): FunctionInfo {
  if (s.callee.kind === 'direct') return program.functionInfo(s.callee.fn);
  return program.functionInfo(program.classInfo(s.callee.classId).vtable[s.callee.slot] as FunctionId);
}
