//! IR expressions to wasm: each pushes its value (`wasm-types.ts` says how it
//! is represented). Operands are evaluated left to right, then the operation
//! checks and traps, as in the interpreter: an operand that a check needs
//! after later operands are evaluated goes to a scratch local first.

import type { Pos } from '../ir/pos.js';
import type { AtomicPlace, ConstValue, Expr } from '../ir/ir.js';
import { unreachable } from '../ir/ops.js';
import { ARITHMETIC, COMPARISONS, UNARY, isComparison } from '../ir/operators.js';
import { storageSize, type ClassId, type PrimType, type Type, type ValueType } from '../ir/types.js';
import { ARRAY_DATA, ARRAY_LENGTH, CLASS_TABLE_BASE, GLOBAL_STATES, MAX_CLASSES, globalAddress } from '../core/layout.js';
import { META_DEPTH, ancestorOffset } from './class-metadata.js';
import { GlobalState } from '../core/global-states.js';
import type { GlobalId } from '../ir/ids.js';
import type { MemOp, PlainOp } from '../wasm/opcodes.js';
import type { CodeEmitter } from '../wasm/code-emitter.js';
import { classIdRuns } from '../passes/class-sets.js';
import { emitNewArray, emitNewObject } from './emit-alloc.js';
import type { FunctionEmitter } from './function-emitter.js';
import { trapCode } from './js-imports.js';
import { wasmType } from './wasm-types.js';

type ExprOf<K extends Expr['op']> = Extract<Expr, { op: K }>;

/** Pushes a value that `use` may push again, from a scratch local unless it is a local or constant already. */
export function withValue(fx: FunctionEmitter, e: Expr, use: (push: () => void) => void): void {
  if (e.op === 'local' || e.op === 'const') {
    use(() => emitExpr(fx, e));
    return;
  }
  emitExpr(fx, e);
  fx.scratch(wasmType(e.type), (local) => {
    fx.c.localSet(local);
    use(() => fx.c.localGet(local));
  });
}

/** `withValue` for several expressions, evaluated in order. */
export function withValues(fx: FunctionEmitter, es: readonly Expr[], use: (pushes: (() => void)[]) => void, done: (() => void)[] = []): void {
  if (done.length === es.length) {
    use(done);
    return;
  }
  withValue(fx, es[done.length] as Expr, (push) => withValues(fx, es, use, [...done, push]));
}

export function loadOp(t: Type): MemOp {
  return `${wasmType(t)}.load`;
}

export function storeOp(t: Type): MemOp {
  return `${wasmType(t)}.store`;
}

export function emitConst(fx: FunctionEmitter, type: Type, value: ConstValue): void {
  if (type === 'i64') fx.c.i64Const(BigInt(value as number | bigint));
  else if (type === 'f64') fx.c.f64Const(value as number);
  else fx.c.i32Const(typeof value === 'boolean' ? (value ? 1 : 0) : Number(value ?? 0));
}

export function emitExpr(fx: FunctionEmitter, e: Expr): void {
  const c = fx.c;
  switch (e.op) {
    case 'const': return emitConst(fx, e.type, e.value);
    case 'local': c.localGet(e.local); return;
    case 'global':
      if (fx.facts.foldedGlobals.has(e.global)) return emitExpr(fx, { op: 'const', type: e.type, value: fx.program.globals[e.global]?.initial ?? null });
      c.i32Const(0).memOp(loadOp(e.type), globalAddress(e.global));
      return;
    case 'binary': return emitBinary(fx, e);
    case 'unary': return emitUnary(fx, e);
    case 'logical':
      emitExpr(fx, e.left);
      c.if('i32');
      if (e.kind === 'and') emitExpr(fx, e.right);
      else c.i32Const(1);
      c.else();
      if (e.kind === 'and') c.i32Const(0);
      else emitExpr(fx, e.right);
      c.end();
      return;
    case 'convert': return emitConvert(fx, e);
    case 'math': return emitMath(fx, e);
    case 'getField': {
      const kept = fx.keptField(e);
      if (kept?.kind === 'test' && !fx.nonNull(e.object)) {
        emitExpr(fx, e.object);
        c.i32Eqz();
        fx.trapIf('nullReference', e.pos);
      }
      if (kept && kept.kind !== 'fill') {
        c.localGet(kept.local);
        return;
      }
      emitObject(fx, e.object, e.pos);
      c.memOp(loadOp(e.type), e.field.offset);
      if (kept) c.localTee(kept.local);
      return;
    }
    case 'getElem':
      withElement(fx, e.array, e.index, e.pos, [], () => c.memOp(loadOp(e.type), ELEMENTS));
      return;
    case 'length':
      emitObject(fx, e.array, e.pos);
      c.i32Load(ARRAY_LENGTH);
      return;
    case 'newObject': return emitNewObject(fx, e.classId, e.pos);
    case 'newArray': {
      // A constant length (not negative) needs no check, and fixes the array's size class.
      const known = e.length.op === 'const' && typeof e.length.value === 'number' && e.length.value >= 0 ? e.length.value : undefined;
      emitExpr(fx, e.length);
      fx.scratch('i32', (length) => {
        if (known === undefined) {
          c.localTee(length).i32Const(0).i32LtS();
          fx.trapIf('negativeLength', e.pos);
        } else {
          c.localSet(length);
        }
        emitNewArray(fx, fx.program.arrayTypes.idOf(e.elem), length, e.pos, known);
      });
      return;
    }
    case 'isInstance':
      emitExpr(fx, e.value);
      emitClassTest(fx, e.classId);
      return;
    case 'cast':
      withValue(fx, e.value, (value) => {
        value();
        emitClassTest(fx, e.classId);
        c.i32Eqz();
        value();
        c.i32Const(0).i32Ne().i32And();
        fx.trapIf('badCast', e.pos);
        value();
      });
      return;
    case 'clock': c.call(fx.imports.js('clock')); return;
    case 'threadId': c.globalGet(fx.imports.global('threadId')); return;
    case 'threadCount': c.globalGet(fx.imports.global('threadCount')); return;
    case 'atomicLoad': return emitAtomic(fx, e.place, [], `${e.type}.atomic.load`);
    case 'atomicAdd': return emitAtomic(fx, e.place, [e.value], `${e.type}.atomic.rmw.add`);
    case 'atomicCas': return emitAtomic(fx, e.place, [e.expected, e.replacement], `${e.type}.atomic.rmw.cmpxchg`);
    case 'host': {
      const params = e.args.map((a) => a.type as ValueType);
      c.i32Const(fx.hosts.push({ name: e.name, params, result: e.type }) - 1);
      for (const a of e.args) emitExpr(fx, a);
      fx.call(fx.imports.host(params.map(wasmType), e.type === 'void' ? [] : [wasmType(e.type)]), e.pos);
      return;
    }
    default: return unreachable(e);
  }
}

/** Pushes the reference `e`, trapping with `nullReference` at `pos` when it is null. */
export function emitObject(fx: FunctionEmitter, e: Expr, pos: Pos): void {
  withObject(fx, e, pos, [], () => {});
}

/** Array elements start ARRAY_DATA bytes past the array's address (`core/layout.ts`). */
export const ELEMENTS = ARRAY_DATA;

/**
 * Evaluates `object` then `values`, traps with `nullReference` at `pos` when
 * the object is null, then pushes the object and has `use` finish the access
 * (pushing the values as it needs them).
 */
export function withObject(fx: FunctionEmitter, object: Expr, pos: Pos, values: readonly Expr[], use: (values: (() => void)[]) => void): void {
  withValue(fx, object, (obj) =>
    withValues(fx, values, (vs) => {
      if (!fx.nonNull(object)) {
        obj();
        fx.c.i32Eqz();
        fx.trapIf('nullReference', pos);
      }
      obj();
      use(vs);
    }),
  );
}

/**
 * Evaluates `array`, `index`, then `values`; traps at `pos` when the array is
 * null or the index out of bounds (unless a loop has tested it); then pushes the element's address less
 * ELEMENTS (the access adds it as its offset) and has `use` finish the access.
 */
export function withElement(fx: FunctionEmitter, array: Expr, index: Expr, pos: Pos, values: readonly Expr[], use: (values: (() => void)[]) => void): void {
  const c = fx.c;
  const shift = storageSize(elemTypeOf(array)) === 8 ? 3 : 2;
  withValues(fx, [array, index, ...values], ([a, i, ...vs]) => {
    const arr = a as () => void;
    const idx = i as () => void;
    if (fx.isInBounds(array, index)) {
      arr();
      idx();
      c.i32Const(shift).i32Shl().i32Add();
      use(vs);
      return;
    }
    arr();
    c.i32Eqz();
    idx();
    arr();
    c.i32Load(ARRAY_LENGTH).i32GeU().i32Or();
    c.if();
    c.i32Const(trapCode('nullReference')).i32Const(trapCode('indexOutOfBounds'));
    arr();
    c.i32Eqz().select();
    fx.trapKindOnStack(pos);
    c.end();
    arr();
    idx();
    c.i32Const(shift).i32Shl().i32Add();
    use(vs);
  });
}

export function elemTypeOf(array: Expr): ValueType {
  const t = array.type;
  if (typeof t !== 'object' || t.kind !== 'array') throw new Error('element of a non-array');
  return t.elem;
}

/** Replaces the reference on the stack by whether it is a non-null instance of class `classId` (a freed block is none). */
function emitClassTest(fx: FunctionEmitter, classId: ClassId): void {
  const c = fx.c;
  const known = fx.facts.classSets.get(classId);
  fx.scratch('i32', (obj) => {
    c.localTee(obj).i32Eqz();
    c.if('i32');
    c.i32Const(0);
    c.else();
    c.localGet(obj).i32Load().localSet(obj);
    if (known) {
      // Optimized code, the loaded classes at or below `classId` known: comparing with their ids is the whole test.
      emitClassIdIn(c, obj, known);
    } else {
      // An object of exactly that class is the common case: one compare, no call.
      c.localGet(obj).i32Const(classId).i32Eq();
      c.if('i32');
      c.i32Const(1);
      c.else();
      emitAncestorTest(fx, obj, classId);
      c.end();
    }
    c.end();
  });
}

/** Pushes whether the class id in local `header` is one of `ids`: a compare per run of consecutive ids. */
export function emitClassIdIn(c: CodeEmitter, header: number, ids: readonly ClassId[]): void {
  classIdRuns(ids).forEach(({ first, last }, i) => {
    if (first === last) c.localGet(header).i32Const(first).i32Eq();
    else c.localGet(header).i32Const(first).i32Sub().i32Const(last - first).i32LeU();
    if (i > 0) c.i32Or();
  });
}

/**
 * Pushes whether the block whose header is in `header` (a local it then
 * uses) is an object of a class that has `classId` among its ancestors, as
 * the runtime's `instanceOf` decides but without the call: the class's depth
 * is a constant, so the ancestor is one load at a fixed offset below the
 * class's metadata (`class-metadata.ts`). A freed block, an array or an
 * unused class id is no instance. Where it pushes 1, `header` holds the
 * class's metadata address (a virtual call reads the vtable there).
 */
export function emitAncestorTest(fx: FunctionEmitter, header: number, classId: ClassId): void {
  const c = fx.c;
  const depth = fx.program.classInfo(classId).depth;
  const no = c.block('i32');
  c.i32Const(0);
  c.localGet(header).i32Const(MAX_CLASSES).i32GeU().brIf(no);
  c.localGet(header).i32Const(2).i32Shl().i32Load(CLASS_TABLE_BASE).localTee(header).i32Eqz().brIf(no);
  c.localGet(header).i32Load(META_DEPTH).i32Const(depth).i32LtS().brIf(no);
  c.drop();
  c.localGet(header).i32Const(ancestorOffset(depth)).i32Sub().i32Load().i32Const(classId).i32Eq();
  c.end();
}

// ---- arithmetic (instructions from `ir/operators.ts`)

function emitBinary(fx: FunctionEmitter, e: ExprOf<'binary'>): void {
  const t = wasmType(e.operandType);
  const kind = e.kind;
  if (isComparison(kind)) return emitPlain(fx, e, COMPARISONS[kind].wasm[t]);
  const info = ARITHMETIC[kind];
  if (t !== 'f64') {
    if (info.traps === 'none') return emitPlain(fx, e, info.wasm[t]);
    return emitDivRem(fx, e, t, info.wasm[t], info.traps === 'zeroAndOverflow');
  }
  const op = info.wasm.f64;
  if (op !== null) return emitPlain(fx, e, op);
  if (info.f64 === null) throw new Error(`${kind} is not an f64 operator`);
  // `rem`: the operator's own function, imported (wasm has no f64 remainder).
  emitExpr(fx, e.left);
  emitExpr(fx, e.right);
  fx.c.call(fx.imports.js('fmod'));
}

function emitPlain(fx: FunctionEmitter, e: ExprOf<'binary'>, op: PlainOp): void {
  emitExpr(fx, e.left);
  emitExpr(fx, e.right);
  fx.c.op(op);
}

/** Signed `/` and `%`: trap on a zero divisor, `/` also on MIN / -1 (`overflow`); `MIN % -1` is 0 (as wasm's rem_s gives). */
function emitDivRem(fx: FunctionEmitter, e: ExprOf<'binary'>, t: 'i32' | 'i64', op: PlainOp, overflow: boolean): void {
  const c = fx.c;
  const pushInt = (n: number): void => void (t === 'i64' ? c.i64Const(BigInt(n)) : c.i32Const(n));
  const divisor = e.right.op === 'const' ? Number(e.right.value) : undefined;
  if (divisor !== undefined && divisor !== 0 && divisor !== -1) {
    // A constant divisor other than 0 and -1 needs no check.
    emitExpr(fx, e.left);
    emitExpr(fx, e.right);
    c.op(op);
    return;
  }
  withValue(fx, e.left, (left) =>
    withValue(fx, e.right, (right) => {
      right();
      c.op(`${t}.eqz`);
      fx.trapIf('divisionByZero', e.pos);
      if (overflow) {
        left();
        if (t === 'i64') c.i64Const(-(2n ** 63n)).i64Eq();
        else c.i32Const(-0x80000000).i32Eq();
        right();
        pushInt(-1);
        c.op(`${t}.eq`).i32And();
        fx.trapIf('integerOverflow', e.pos);
      }
      left();
      right();
      c.op(op);
    }),
  );
}

function emitUnary(fx: FunctionEmitter, e: ExprOf<'unary'>): void {
  const t = wasmType(e.type);
  const w = UNARY[e.kind].wasm[t];
  if (!w) throw new Error(`${e.kind} is not an operator on ${t}`);
  if (w.before !== undefined) emitConst(fx, e.type, w.before);
  emitExpr(fx, e.operand);
  if (w.after !== undefined) emitConst(fx, e.type, w.after);
  fx.c.op(w.op);
}

/** Float to integer: trap unless the truncated value is in range (NaN never is). */
const TRUNC_RANGE = {
  // -2^31 - 1 < x < 2^31 exactly when trunc(x) is an i32.
  i32: { above: -2147483649, below: 2147483648, op: 'i32.trunc_f64_s', aboveOp: 'f64.gt' },
  // -2^63 <= x < 2^63 (no double lies strictly between -2^63 - 1 and -2^63).
  i64: { above: -(2 ** 63), below: 2 ** 63, op: 'i64.trunc_f64_s', aboveOp: 'f64.ge' },
} as const;

function emitConvert(fx: FunctionEmitter, e: ExprOf<'convert'>): void {
  const c = fx.c;
  const { from, type: to } = e;
  if (from === to) return emitExpr(fx, e.operand);
  if (from === 'f64') {
    const range = TRUNC_RANGE[to as 'i32' | 'i64'];
    withValue(fx, e.operand, (x) => {
      x();
      c.f64Const(range.above).op(range.aboveOp);
      x();
      c.f64Const(range.below).f64Lt().i32And().i32Eqz();
      fx.trapIf('invalidConversion', e.pos);
      x();
      c.op(range.op);
    });
    return;
  }
  emitExpr(fx, e.operand);
  const conversions: Record<string, PlainOp> = {
    'i32>i64': 'i64.extend_i32_s',
    'i64>i32': 'i32.wrap_i64',
    'i32>f64': 'f64.convert_i32_s',
    'i64>f64': 'f64.convert_i64_s',
  };
  const op = conversions[`${from}>${to}`];
  if (op === undefined) throw new Error(`no conversion from ${from} to ${to}`);
  c.op(op);
}

function emitMath(fx: FunctionEmitter, e: ExprOf<'math'>): void {
  const c = fx.c;
  const t = wasmType(e.type as PrimType);
  const [x, y] = e.args as [Expr, Expr | undefined];
  if (t === 'f64') {
    emitExpr(fx, x);
    if (y) emitExpr(fx, y);
    c.op(`f64.${e.kind}`);
    return;
  }
  const zero = (): void => void (t === 'i64' ? c.i64Const(0n) : c.i32Const(0));
  if (e.kind === 'abs') {
    // x < 0 ? 0 - x : x (abs of MIN is MIN)
    withValue(fx, x, (v) => {
      zero();
      v();
      c.op(`${t}.sub`);
      v();
      v();
      zero();
      c.op(`${t}.lt_s`).select();
    });
    return;
  }
  // min: x < y ? x : y; max: x > y ? x : y
  withValues(fx, [x, y as Expr], ([a, b]) => {
    (a as () => void)();
    (b as () => void)();
    (a as () => void)();
    (b as () => void)();
    c.op(`${t}.${e.kind === 'min' ? 'lt_s' : 'gt_s'}`).select();
  });
}

// ---- atomics

/**
 * An atomic access of `place` with `values` as operands: the place's
 * operands and the values are evaluated first, then the null and bounds
 * checks, then the access (sequentially consistent, as wasm atomics are).
 */
export function emitAtomic(fx: FunctionEmitter, place: AtomicPlace, values: readonly Expr[], op: MemOp): void {
  const finish = (offset: number) => (vs: (() => void)[]): void => {
    for (const v of vs) v();
    fx.c.memOp(op, offset);
  };
  switch (place.kind) {
    case 'global':
      if (!op.endsWith('.load')) emitGlobalStoreBarrier(fx, place.global);
      fx.c.i32Const(0);
      for (const v of values) emitExpr(fx, v);
      fx.c.memOp(op, globalAddress(place.global));
      return;
    case 'field': return withObject(fx, place.object, place.pos, values, finish(place.field.offset));
    case 'elem': return withElement(fx, place.array, place.index, place.pos, values, finish(ELEMENTS));
    default: return unreachable(place);
  }
}

/**
 * Before every store of `global`, at every tier: while its state is not
 * published, the session's `globalStored` makes every thread drop code that
 * folded it (`core/global-states.ts`). After the first store, one byte load
 * and a branch.
 */
export function emitGlobalStoreBarrier(fx: FunctionEmitter, global: GlobalId): void {
  fx.c.i32Const(0).memOp('i32.load8_u', GLOBAL_STATES + global).i32Const(GlobalState.Published).i32And().op('i32.eqz').if();
  fx.c.i32Const(global).call(fx.imports.js('globalStored'));
  fx.c.end();
}
