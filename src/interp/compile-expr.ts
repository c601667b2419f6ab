//! Compiles IR expressions into closures over a frame, once per function:
//! the node kind, the types and the operand shapes (a local, a constant) are
//! decided here, so running an expression never switches on node kinds.
//!
//! Number-valued expressions (i32, f64, bool, references) compile to `NumFn`,
//! i64 ones to `BigFn`, conditions of branches to `CondFn`. Operands are
//! evaluated left to right, then the operation checks (null, bounds, zero
//! divisor) and traps. Calls are statements (`compile-call.ts`).

import type { Pos } from '../ir/pos.js';
import type { AtomicPlace, ConstValue, Expr } from '../ir/ir.js';
import { ARITHMETIC, COMPARISONS, UNARY, isComparison, type Arithmetic, type Comparison } from '../ir/operators.js';
import { unreachable } from '../ir/ops.js';
import { storageKind, storageSize, typeToString, type ClassId } from '../ir/types.js';
import { ARRAY_DATA, ARRAY_LENGTH, GLOBAL_STATES, globalAddress } from '../core/layout.js';
import { GlobalState } from '../core/global-states.js';
import type { GlobalId } from '../ir/ids.js';
import { Trap } from '../core/trap.js';
import type { BigFn, CondFn, Frame, NumFn, ValFn } from './closures.js';
import type { Ctx } from './context.js';
import type { Heap } from '../core/heap.js';
import { compileHost } from './compile-host.js';

type ExprOf<K extends Expr['op']> = Extract<Expr, { op: K }>;

const I32_MIN = -2147483648;
const I64_MIN = -(2n ** 63n);

export function numConst(v: ConstValue): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v === null ? 0 : Number(v);
}

export function bigConst(v: ConstValue): bigint {
  return BigInt.asIntN(64, typeof v === 'bigint' ? v : BigInt(numConst(v)));
}

const localIndex = (e: Expr): number => (e.op === 'local' ? e.local : -1);
const constOf = (e: Expr): number | undefined => (e.op === 'const' ? numConst(e.value) : undefined);

export function compileVal(cx: Ctx, e: Expr): ValFn {
  return e.type === 'i64' ? compileBig(cx, e) : compileNum(cx, e);
}

/** An expression of type i32, f64, bool, a reference or null. */
export function compileNum(cx: Ctx, e: Expr): NumFn {
  const heap = cx.heap;
  switch (e.op) {
    case 'const': {
      const v = numConst(e.value);
      return () => v;
    }
    case 'local': {
      const i = e.local;
      return (f) => f[i] as number;
    }
    case 'global': {
      const addr = globalAddress(e.global);
      switch (storageKind(e.type)) {
        case 'f64': return () => heap.f64[addr >>> 3] as number;
        case 'ref': return () => heap.u32[addr >>> 2] as number;
        default: return () => heap.i32[addr >>> 2] as number;
      }
    }
    case 'binary': return numBinary(cx, e);
    case 'unary': {
      if (e.kind === 'not') {
        const c = compileCond(cx, e.operand);
        return (f) => (c(f) ? 0 : 1);
      }
      const info = UNARY[e.kind].interp;
      const build = e.type === 'f64' ? info.f64 : info.i32;
      if (!build) throw new Error(`${e.kind} is not an operator on ${typeToString(e.type)}`);
      return build(compileNum(cx, e.operand));
    }
    case 'logical': {
      const c = compileCond(cx, e);
      return (f) => (c(f) ? 1 : 0);
    }
    case 'convert': return numConvert(cx, e);
    case 'math': return numMath(cx, e);
    case 'getField': return getField(cx, e);
    case 'getElem': return getElem(cx, e);
    case 'length': {
      const a = compileNum(cx, e.array);
      const file = cx.ir.fileName;
      const pos = e.pos;
      return (f) => {
        const arr = a(f);
        if (arr === 0) throw new Trap('nullReference', file, pos);
        return heap.i32[(arr + ARRAY_LENGTH) >>> 2] as number;
      };
    }
    case 'newObject': {
      const { classId, pos } = e;
      const size = cx.program.classInfo(classId).size;
      const file = cx.ir.fileName;
      return () => heap.allocObject(classId, size, file, pos);
    }
    case 'newArray': {
      const n = compileNum(cx, e.length);
      const arrayType = cx.program.arrayTypes.idOf(e.elem);
      const { pos } = e;
      const file = cx.ir.fileName;
      return (f) => {
        const length = n(f);
        if (length < 0) throw new Trap('negativeLength', file, pos);
        return heap.allocArray(arrayType, length, file, pos);
      };
    }
    case 'isInstance': {
      const v = compileNum(cx, e.value);
      const test = instanceTest(cx, e.classId);
      return (f) => (test(v(f)) ? 1 : 0);
    }
    case 'cast': {
      const v = compileNum(cx, e.value);
      const test = instanceTest(cx, e.classId);
      const { pos } = e;
      const file = cx.ir.fileName;
      return (f) => {
        const obj = v(f);
        if (obj !== 0 && !test(obj)) throw new Trap('badCast', file, pos);
        return obj;
      };
    }
    case 'threadId': {
      const id = cx.host.threadId;
      return () => id;
    }
    case 'threadCount': {
      const n = cx.host.threadCount;
      return () => n;
    }
    case 'atomicLoad':
    case 'atomicAdd':
    case 'atomicCas':
      return compileAtomic(cx, e, i32Atomics(heap), compileNum);
    case 'clock':
      throw new Error('clock is i64');
    case 'host': return compileHost(cx, e, e.args.map((a) => compileVal(cx, a))) as NumFn;
  }
}

/** An i64 expression. */
export function compileBig(cx: Ctx, e: Expr): BigFn {
  const heap = cx.heap;
  switch (e.op) {
    case 'const': {
      const v = bigConst(e.value);
      return () => v;
    }
    case 'local': {
      const i = e.local;
      return (f) => f[i] as bigint;
    }
    case 'global': {
      const addr = globalAddress(e.global);
      return () => heap.i64[addr >>> 3] as bigint;
    }
    case 'binary': return bigBinary(cx, e);
    case 'unary': {
      const build = UNARY[e.kind].interp.i64;
      if (!build) throw new Error(`${e.kind} is not an i64 operator`);
      return build(compileBig(cx, e.operand));
    }
    case 'convert': return bigConvert(cx, e);
    case 'math': return bigMath(cx, e);
    case 'getField': {
      const o = compileNum(cx, e.object);
      const off = e.field.offset;
      const file = cx.ir.fileName;
      const pos = e.pos;
      return (f) => {
        const obj = o(f);
        if (obj === 0) throw new Trap('nullReference', file, pos);
        return heap.i64[(obj + off) >>> 3] as bigint;
      };
    }
    case 'getElem': {
      const a = compileNum(cx, e.array);
      const ix = compileNum(cx, e.index);
      const check = elemCheck(cx, e.pos);
      return (f) => {
        const arr = a(f);
        const i = ix(f);
        check(arr, i);
        return heap.i64[((arr + ARRAY_DATA) >>> 3) + i] as bigint;
      };
    }
    case 'clock':
      return () => BigInt.asIntN(64, process.hrtime.bigint());
    case 'host': return compileHost(cx, e, e.args.map((a) => compileVal(cx, a))) as BigFn;
    case 'atomicLoad':
    case 'atomicAdd':
    case 'atomicCas':
      return compileAtomic(cx, e, i64Atomics(heap), compileBig);
    case 'logical':
    case 'length':
    case 'newObject':
    case 'newArray':
    case 'isInstance':
    case 'cast':
    case 'threadId':
    case 'threadCount':
      throw new Error(`${e.op} is not an i64 expression`);
    default:
      return unreachable(e);
  }
}

/** A bool expression as a JS boolean, for branches. */
export function compileCond(cx: Ctx, e: Expr): CondFn {
  // The shapes that test without a 0/1 round trip; any other bool is compared with 0.
  if (e.op === 'const') {
    const v = numConst(e.value) !== 0;
    return () => v;
  }
  if (e.op === 'local') {
    const i = e.local;
    return (f) => f[i] !== 0;
  }
  if (e.op === 'binary' && isComparison(e.kind)) {
    return e.operandType === 'i64' ? bigCompare(cx, e.kind, e.left, e.right) : numCompare(cx, e.kind, e.left, e.right);
  }
  if (e.op === 'unary' && e.kind === 'not') {
    const c = compileCond(cx, e.operand);
    return (f) => !c(f);
  }
  if (e.op === 'logical') {
    const l = compileCond(cx, e.left);
    const r = compileCond(cx, e.right);
    return e.kind === 'and' ? (f) => l(f) && r(f) : (f) => l(f) || r(f);
  }
  const v = compileNum(cx, e);
  return (f) => v(f) !== 0;
}

// ---- arithmetic (the operators' own functions are `ir/operators.ts`) ----

function numBinary(cx: Ctx, e: ExprOf<'binary'>): NumFn {
  const { kind, left, right } = e;
  if (isComparison(kind)) {
    const c = e.operandType === 'i64' ? bigCompare(cx, kind, left, right) : numCompare(cx, kind, left, right);
    return (f) => (c(f) ? 1 : 0);
  }
  return e.operandType === 'f64' ? f64Binary(cx, e, kind) : i32Binary(cx, e, kind);
}

function i32Binary(cx: Ctx, e: ExprOf<'binary'>, kind: Arithmetic): NumFn {
  const shaped = i32Shaped(kind, localIndex(e.left), localIndex(e.right), constOf(e.right));
  if (shaped) return shaped;
  const l = compileNum(cx, e.left);
  const r = compileNum(cx, e.right);
  const info = ARITHMETIC[kind];
  if (info.interp.i32) return info.interp.i32(l, r);
  const value = info.i32;
  const overflow = info.traps === 'zeroAndOverflow';
  const file = cx.ir.fileName;
  const pos = e.pos;
  return (f) => {
    const a = l(f);
    const b = r(f);
    if (b === 0) throw new Trap('divisionByZero', file, pos);
    if (overflow && b === -1 && a === I32_MIN) throw new Trap('integerOverflow', file, pos);
    return value(a, b);
  };
}

/** i32 operators on a local and a constant, or two locals (counters, indices): one closure, no operand closures. */
function i32Shaped(kind: Arithmetic, li: number, ri: number, rc: number | undefined): NumFn | null {
  if (li < 0) return null;
  if (rc !== undefined) {
    if (kind === 'add') return (f) => ((f[li] as number) + rc) | 0;
    if (kind === 'sub') return (f) => ((f[li] as number) - rc) | 0;
    if (kind === 'mul') return (f) => Math.imul(f[li] as number, rc);
    if (kind === 'and') return (f) => (f[li] as number) & rc;
  } else if (ri >= 0) {
    if (kind === 'add') return (f) => ((f[li] as number) + (f[ri] as number)) | 0;
    if (kind === 'sub') return (f) => ((f[li] as number) - (f[ri] as number)) | 0;
  }
  return null;
}

function f64Binary(cx: Ctx, e: ExprOf<'binary'>, kind: Arithmetic): NumFn {
  const li = localIndex(e.left);
  const ri = localIndex(e.right);
  if (li >= 0 && ri >= 0 && kind === 'add') return (f) => (f[li] as number) + (f[ri] as number);
  if (li >= 0 && ri >= 0 && kind === 'mul') return (f) => (f[li] as number) * (f[ri] as number);
  const build = ARITHMETIC[kind].interp.f64;
  if (!build) throw new Error(`${kind} is not an f64 operator`);
  return build(compileNum(cx, e.left), compileNum(cx, e.right));
}

/** Comparisons of numbers: i32, f64, bool and references share JS's number comparisons. */
function numCompare(cx: Ctx, kind: Comparison, left: Expr, right: Expr): CondFn {
  const li = localIndex(left);
  const ri = localIndex(right);
  const rc = constOf(right);
  if (li >= 0 && rc !== undefined) return compareLocalConst(kind, li, rc);
  if (li >= 0 && ri >= 0) return compareLocals(kind, li, ri);
  return COMPARISONS[kind].interp.num(compileNum(cx, left), compileNum(cx, right));
}

/** A local against a constant (loop tests), without operand closures. */
function compareLocalConst(kind: Comparison, li: number, rc: number): CondFn {
  switch (kind) {
    case 'eq': return (f) => f[li] === rc;
    case 'ne': return (f) => f[li] !== rc;
    case 'lt': return (f) => (f[li] as number) < rc;
    case 'le': return (f) => (f[li] as number) <= rc;
    case 'gt': return (f) => (f[li] as number) > rc;
    case 'ge': return (f) => (f[li] as number) >= rc;
  }
}

function compareLocals(kind: Comparison, li: number, ri: number): CondFn {
  switch (kind) {
    case 'eq': return (f) => f[li] === f[ri];
    case 'ne': return (f) => f[li] !== f[ri];
    case 'lt': return (f) => (f[li] as number) < (f[ri] as number);
    case 'le': return (f) => (f[li] as number) <= (f[ri] as number);
    case 'gt': return (f) => (f[li] as number) > (f[ri] as number);
    case 'ge': return (f) => (f[li] as number) >= (f[ri] as number);
  }
}

function bigCompare(cx: Ctx, kind: Comparison, left: Expr, right: Expr): CondFn {
  return COMPARISONS[kind].interp.i64(compileBig(cx, left), compileBig(cx, right));
}

function bigBinary(cx: Ctx, e: ExprOf<'binary'>): BigFn {
  const l = compileBig(cx, e.left);
  const r = compileBig(cx, e.right);
  const kind = e.kind;
  if (isComparison(kind)) throw new Error(`${kind} is not an i64 expression`);
  const info = ARITHMETIC[kind];
  if (info.interp.i64) return info.interp.i64(l, r);
  const value = info.i64;
  const overflow = info.traps === 'zeroAndOverflow';
  const file = cx.ir.fileName;
  const pos = e.pos;
  return (f) => {
    const a = l(f);
    const b = r(f);
    if (b === 0n) throw new Trap('divisionByZero', file, pos);
    if (overflow && b === -1n && a === I64_MIN) throw new Trap('integerOverflow', file, pos);
    return value(a, b);
  };
}

// ---- conversions and math ----

function numConvert(cx: Ctx, e: ExprOf<'convert'>): NumFn {
  const { from, type: to, pos } = e;
  const file = cx.ir.fileName;
  if (from === 'i64') {
    const v = compileBig(cx, e.operand);
    return to === 'f64' ? (f) => Number(v(f)) : (f) => Number(BigInt.asIntN(32, v(f)));
  }
  const v = compileNum(cx, e.operand);
  if (from === 'f64' && to === 'i32') {
    return (f) => {
      const t = Math.trunc(v(f));
      // NaN fails both comparisons.
      if (!(t >= I32_MIN && t <= 2147483647)) throw new Trap('invalidConversion', file, pos);
      return t | 0;
    };
  }
  return v;
}

function bigConvert(cx: Ctx, e: ExprOf<'convert'>): BigFn {
  const { from, pos } = e;
  const file = cx.ir.fileName;
  if (from === 'i64') return compileBig(cx, e.operand);
  const v = compileNum(cx, e.operand);
  if (from === 'f64') {
    return (f) => {
      const t = Math.trunc(v(f));
      if (!(t >= -(2 ** 63) && t < 2 ** 63)) throw new Trap('invalidConversion', file, pos);
      return BigInt(t);
    };
  }
  return (f) => BigInt(v(f));
}

function numMath(cx: Ctx, e: ExprOf<'math'>): NumFn {
  const x = compileNum(cx, e.args[0] as Expr);
  const isF64 = e.type === 'f64';
  switch (e.kind) {
    case 'abs':
      if (isF64) return (f) => Math.abs(x(f));
      return (f) => {
        const v = x(f);
        return v < 0 ? -v | 0 : v;
      };
    case 'sqrt': return (f) => Math.sqrt(x(f));
    case 'floor': return (f) => Math.floor(x(f));
    case 'ceil': return (f) => Math.ceil(x(f));
    case 'min': {
      const y = compileNum(cx, e.args[1] as Expr);
      if (isF64) return (f) => Math.min(x(f), y(f));
      return (f) => {
        const a = x(f);
        const b = y(f);
        return a < b ? a : b;
      };
    }
    case 'max': {
      const y = compileNum(cx, e.args[1] as Expr);
      if (isF64) return (f) => Math.max(x(f), y(f));
      return (f) => {
        const a = x(f);
        const b = y(f);
        return a > b ? a : b;
      };
    }
  }
}

function bigMath(cx: Ctx, e: ExprOf<'math'>): BigFn {
  const x = compileBig(cx, e.args[0] as Expr);
  switch (e.kind) {
    case 'abs':
      return (f) => {
        const v = x(f);
        return v < 0n ? BigInt.asIntN(64, -v) : v;
      };
    case 'min': {
      const y = compileBig(cx, e.args[1] as Expr);
      return (f) => {
        const a = x(f);
        const b = y(f);
        return a < b ? a : b;
      };
    }
    case 'max': {
      const y = compileBig(cx, e.args[1] as Expr);
      return (f) => {
        const a = x(f);
        const b = y(f);
        return a > b ? a : b;
      };
    }
    case 'sqrt':
    case 'floor':
    case 'ceil':
      throw new Error(`${e.kind} is not an i64 operation`);
  }
}

// ---- memory ----

function getField(cx: Ctx, e: ExprOf<'getField'>): NumFn {
  const heap = cx.heap;
  const off = e.field.offset;
  const oi = localIndex(e.object);
  const o = compileNum(cx, e.object);
  const file = cx.ir.fileName;
  const pos = e.pos;
  switch (storageKind(e.field.type)) {
    case 'f64':
      if (oi >= 0) {
        return (f) => {
          const obj = f[oi] as number;
          if (obj === 0) throw new Trap('nullReference', file, pos);
          return heap.f64[(obj + off) >>> 3] as number;
        };
      }
      return (f) => {
        const obj = o(f);
        if (obj === 0) throw new Trap('nullReference', file, pos);
        return heap.f64[(obj + off) >>> 3] as number;
      };
    case 'ref':
      return (f) => {
        const obj = o(f);
        if (obj === 0) throw new Trap('nullReference', file, pos);
        return heap.u32[(obj + off) >>> 2] as number;
      };
    default:
      if (oi >= 0) {
        return (f) => {
          const obj = f[oi] as number;
          if (obj === 0) throw new Trap('nullReference', file, pos);
          return heap.i32[(obj + off) >>> 2] as number;
        };
      }
      return (f) => {
        const obj = o(f);
        if (obj === 0) throw new Trap('nullReference', file, pos);
        return heap.i32[(obj + off) >>> 2] as number;
      };
  }
}

/** Null and bounds checks of an element access; throws the trap. */
export function elemCheck(cx: Ctx, pos: Pos): (arr: number, i: number) => void {
  const heap = cx.heap;
  const file = cx.ir.fileName;
  return (arr, i) => {
    if (arr === 0) throw new Trap('nullReference', file, pos);
    if (i >>> 0 >= (heap.i32[(arr + ARRAY_LENGTH) >>> 2] as number)) throw new Trap('indexOutOfBounds', file, pos);
  };
}

function getElem(cx: Ctx, e: ExprOf<'getElem'>): NumFn {
  const heap = cx.heap;
  const ai = localIndex(e.array);
  const ii = localIndex(e.index);
  const a = compileNum(cx, e.array);
  const ix = compileNum(cx, e.index);
  const file = cx.ir.fileName;
  const pos = e.pos;
  const fail = (arr: number): Trap => new Trap(arr === 0 ? 'nullReference' : 'indexOutOfBounds', file, pos);
  switch (storageKind(e.type)) {
    case 'f64':
      if (ai >= 0 && ii >= 0) {
        return (f) => {
          const arr = f[ai] as number;
          const i = f[ii] as number;
          if (arr === 0 || i >>> 0 >= (heap.i32[(arr + ARRAY_LENGTH) >>> 2] as number)) throw fail(arr);
          return heap.f64[((arr + ARRAY_DATA) >>> 3) + i] as number;
        };
      }
      return (f) => {
        const arr = a(f);
        const i = ix(f);
        if (arr === 0 || i >>> 0 >= (heap.i32[(arr + ARRAY_LENGTH) >>> 2] as number)) throw fail(arr);
        return heap.f64[((arr + ARRAY_DATA) >>> 3) + i] as number;
      };
    case 'ref':
      return (f) => {
        const arr = a(f);
        const i = ix(f);
        if (arr === 0 || i >>> 0 >= (heap.i32[(arr + ARRAY_LENGTH) >>> 2] as number)) throw fail(arr);
        return heap.u32[((arr + ARRAY_DATA) >>> 2) + i] as number;
      };
    default:
      if (ai >= 0 && ii >= 0) {
        return (f) => {
          const arr = f[ai] as number;
          const i = f[ii] as number;
          if (arr === 0 || i >>> 0 >= (heap.i32[(arr + ARRAY_LENGTH) >>> 2] as number)) throw fail(arr);
          return heap.i32[((arr + ARRAY_DATA) >>> 2) + i] as number;
        };
      }
      return (f) => {
        const arr = a(f);
        const i = ix(f);
        if (arr === 0 || i >>> 0 >= (heap.i32[(arr + ARRAY_LENGTH) >>> 2] as number)) throw fail(arr);
        return heap.i32[((arr + ARRAY_DATA) >>> 2) + i] as number;
      };
  }
}

/** `e is C` on a non-null or null reference: O(1) with the class's depth and ancestors. */
function instanceTest(cx: Ctx, classId: ClassId): (obj: number) => boolean {
  const heap = cx.heap;
  const classes = cx.program.classes;
  const depth = cx.program.classInfo(classId).depth;
  return (obj) => {
    if (obj === 0) return false;
    const id = heap.i32[obj >>> 2] as number;
    // A freed block's first word is a free-list link, never a class id; a reused one is of its old class.
    const c = id > 0 ? classes[id] : undefined;
    return c !== undefined && c.depth >= depth && c.ancestors[depth] === classId;
  };
}


/** The atomic operations on one width of integer, through the heap's view of that width (taken at each use: the memory may grow). */
interface AtomicWidth<T extends number | bigint> {
  load(addr: number): T;
  add(addr: number, x: T): T;
  cas(addr: number, expected: T, replacement: T): T;
}

function i32Atomics(heap: Heap): AtomicWidth<number> {
  return {
    load: (a) => Atomics.load(heap.i32, a >>> 2),
    add: (a, x) => Atomics.add(heap.i32, a >>> 2, x),
    cas: (a, x, y) => Atomics.compareExchange(heap.i32, a >>> 2, x, y),
  };
}

function i64Atomics(heap: Heap): AtomicWidth<bigint> {
  return {
    load: (a) => Atomics.load(heap.i64, a >>> 3),
    add: (a, x) => Atomics.add(heap.i64, a >>> 3, x),
    cas: (a, x, y) => Atomics.compareExchange(heap.i64, a >>> 3, x, y),
  };
}

/** `atomic_load`, `atomic_add` and `atomic_cas` of one width; operands are evaluated before the place is checked for null. */
function compileAtomic<T extends number | bigint>(cx: Ctx, e: ExprOf<'atomicLoad' | 'atomicAdd' | 'atomicCas'>, width: AtomicWidth<T>, operand: (cx: Ctx, e: Expr) => (f: Frame) => T): (f: Frame) => T {
  const heap = cx.heap;
  const place = compilePlace(cx, e.place, e.op !== 'atomicLoad');
  const synced = (v: T): T => {
    heap.refresh();
    return v;
  };
  switch (e.op) {
    case 'atomicLoad':
      return (f) => {
        const p = place.addr(f);
        if (p < 0) throw place.fail(p);
        return synced(width.load(p));
      };
    case 'atomicAdd': {
      const value = operand(cx, e.value);
      return (f) => {
        const p = place.addr(f);
        const x = value(f);
        if (p < 0) throw place.fail(p);
        return synced(width.add(p, x));
      };
    }
    case 'atomicCas': {
      const expected = operand(cx, e.expected);
      const replacement = operand(cx, e.replacement);
      return (f) => {
        const p = place.addr(f);
        const x = expected(f);
        const y = replacement(f);
        if (p < 0) throw place.fail(p);
        return synced(width.cas(p, x, y));
      };
    }
  }
}
/**
 * An atomic's place: `addr` evaluates its operands and gives the byte
 * address, or -1 for a null object/array and -2 for an index out of bounds
 * (so that the atomic's value operands are evaluated before it traps).
 */
export interface Place {
  readonly addr: NumFn;
  fail(code: number): Trap;
}

export function compilePlace(cx: Ctx, place: AtomicPlace, stores: boolean): Place {
  const heap = cx.heap;
  const file = cx.ir.fileName;
  switch (place.kind) {
    case 'global': {
      const addr = globalAddress(place.global);
      const barrier = globalStoreBarrier(cx, place.global);
      return {
        addr: stores
          ? () => {
              barrier();
              return addr;
            }
          : () => addr,
        fail: () => {
          throw new Error('a global is always addressable');
        },
      };
    }
    case 'field': {
      const o = compileNum(cx, place.object);
      const off = place.field.offset;
      const pos = place.pos;
      return {
        addr: (f: Frame) => {
          const obj = o(f);
          return obj === 0 ? -1 : obj + off;
        },
        fail: () => new Trap('nullReference', file, pos),
      };
    }
    case 'elem': {
      const a = compileNum(cx, place.array);
      const ix = compileNum(cx, place.index);
      const size = storageSizeOfElem(place.array);
      const pos = place.pos;
      return {
        addr: (f: Frame) => {
          const arr = a(f);
          const i = ix(f);
          if (arr === 0) return -1;
          if (i >>> 0 >= (heap.i32[(arr + ARRAY_LENGTH) >>> 2] as number)) return -2;
          return arr + ARRAY_DATA + i * size;
        },
        fail: (code) => new Trap(code === -1 ? 'nullReference' : 'indexOutOfBounds', file, pos),
      };
    }
  }
}

function storageSizeOfElem(array: Expr): number {
  const t = array.type;
  if (typeof t !== 'object' || t.kind !== 'array') throw new Error('atomic element of a non-array');
  return storageSize(t.elem);
}

/**
 * Before every store of `global`: while its state is not published, the
 * session's `globalStored` makes every thread drop code that folded it
 * (`core/global-states.ts`); it may apply loads, so the views are refreshed.
 */
export function globalStoreBarrier(cx: Ctx, global: GlobalId): () => void {
  const { heap, host } = cx;
  const state = GLOBAL_STATES + global;
  return () => {
    if (((heap.u8[state] as number) & GlobalState.Published) === 0) {
      host.globalStored(global);
      heap.refresh();
    }
  };
}
