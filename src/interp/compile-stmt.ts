//! Compiles IR statements into closures that return completion codes
//! (`closures.ts`): structured control flow becomes JS loops and compares of
//! those codes, never exceptions. Calls are compiled by `compile-call.ts`;
//! resuming in the middle of a statement list is `resume.ts`.

import type { Expr, PrintArg, Stmt } from '../ir/ir.js';
import type { Type } from '../ir/types.js';
import { ARRAY_DATA, ARRAY_LENGTH, globalAddress } from '../core/layout.js';
import { Trap } from '../core/trap.js';
import { NORMAL, RETURN, breakCode, continueCode, type CondFn, type Frame, type StmtFn, type Val } from './closures.js';
import { compileCall } from './compile-call.js';
import { compileBig, compileCond, compileNum, compilePlace, compileVal, elemCheck, globalStoreBarrier, numConst } from './compile-expr.js';
import type { Ctx } from './context.js';

type StmtOf<K extends Stmt['op']> = Extract<Stmt, { op: K }>;

/** A statement list: stops at the first statement that completes other than normally. */
export function compileSeq(cx: Ctx, stmts: readonly Stmt[]): StmtFn {
  const fns = stmts.map((s) => compileStmt(cx, s));
  switch (fns.length) {
    case 0: return () => NORMAL;
    case 1: return fns[0] as StmtFn;
    case 2: {
      const [a, b] = fns as [StmtFn, StmtFn];
      return (f) => a(f) || b(f);
    }
    case 3: {
      const [a, b, c] = fns as [StmtFn, StmtFn, StmtFn];
      return (f) => a(f) || b(f) || c(f);
    }
    case 4: {
      const [a, b, c, d] = fns as [StmtFn, StmtFn, StmtFn, StmtFn];
      return (f) => a(f) || b(f) || c(f) || d(f);
    }
    case 5: {
      const [a, b, c, d, e] = fns as [StmtFn, StmtFn, StmtFn, StmtFn, StmtFn];
      return (f) => a(f) || b(f) || c(f) || d(f) || e(f);
    }
    case 6: {
      const [a, b, c, d, e, g] = fns as [StmtFn, StmtFn, StmtFn, StmtFn, StmtFn, StmtFn];
      return (f) => a(f) || b(f) || c(f) || d(f) || e(f) || g(f);
    }
    default:
      return (f) => {
        for (let i = 0; i < fns.length; i++) {
          const c = (fns[i] as StmtFn)(f);
          if (c !== NORMAL) return c;
        }
        return NORMAL;
      };
  }
}

export function compileStmt(cx: Ctx, s: Stmt): StmtFn {
  const { heap, host } = cx;
  const file = cx.ir.fileName;
  switch (s.op) {
    case 'setLocal': return setLocal(cx, s.local, s.value);
    case 'setGlobal': {
      const addr = globalAddress(s.global);
      const barrier = globalStoreBarrier(cx, s.global);
      switch (storeKind(s.value.type)) {
        case 'i64': {
          const v = compileBig(cx, s.value);
          return (f) => {
            barrier();
            heap.i64[addr >>> 3] = v(f);
            return NORMAL;
          };
        }
        case 'f64': {
          const v = compileNum(cx, s.value);
          return (f) => {
            barrier();
            heap.f64[addr >>> 3] = v(f);
            return NORMAL;
          };
        }
        default: {
          const v = compileNum(cx, s.value);
          return (f) => {
            barrier();
            heap.i32[addr >>> 2] = v(f);
            return NORMAL;
          };
        }
      }
    }
    case 'setField': return setField(cx, s);
    case 'setElem': return setElem(cx, s);
    case 'call': return compileCall(cx, s);
    case 'load': {
      const { path, pos } = s;
      return () => {
        host.load(path, file, pos);
        heap.refresh();
        return NORMAL;
      };
    }
    case 'drop': {
      const v = compileVal(cx, s.value);
      return (f) => {
        v(f);
        return NORMAL;
      };
    }
    case 'atomicStore': {
      const place = compilePlace(cx, s.place, true);
      if (s.value.type === 'i64') {
        const v = compileBig(cx, s.value);
        return (f) => {
          const p = place.addr(f);
          const x = v(f);
          if (p < 0) throw place.fail(p);
          Atomics.store(heap.i64, p >>> 3, x);
          return NORMAL;
        };
      }
      const v = compileNum(cx, s.value);
      return (f) => {
        const p = place.addr(f);
        const x = v(f);
        if (p < 0) throw place.fail(p);
        Atomics.store(heap.i32, p >>> 2, x);
        return NORMAL;
      };
    }
    case 'print': {
      const parts = s.args.map((a) => formatter(cx, a));
      if (parts.length === 0) {
        return () => {
          host.print('');
          return NORMAL;
        };
      }
      return (f) => {
        let line = (parts[0] as (f: Frame) => string)(f);
        for (let i = 1; i < parts.length; i++) line += ` ${(parts[i] as (f: Frame) => string)(f)}`;
        host.print(line);
        return NORMAL;
      };
    }
    case 'printFixed': {
      const x = compileNum(cx, s.value);
      const d = compileNum(cx, s.digits);
      return (f) => {
        const v = x(f);
        // toFixed accepts 0..100 digits; the language does not trap here, so clamp.
        host.print(v.toFixed(Math.min(100, Math.max(0, d(f)))));
        return NORMAL;
      };
    }
    case 'assert': {
      const c = compileCond(cx, s.cond);
      const { pos } = s;
      return (f) => {
        if (!c(f)) throw new Trap('assertionFailed', file, pos);
        return NORMAL;
      };
    }
    case 'delete': {
      const v = compileNum(cx, s.value);
      return (f) => {
        heap.free(v(f));
        return NORMAL;
      };
    }
    case 'barrier':
      return () => {
        host.barrier();
        heap.refresh();
        return NORMAL;
      };
    case 'sleep': {
      const ms = compileNum(cx, s.ms);
      return (f) => {
        host.sleep(ms(f) as number);
        heap.refresh();
        return NORMAL;
      };
    }
    case 'if': return compileIf(cx, s);
    case 'block': {
      const body = compileSeq(cx, s.body);
      const brk = breakCode(s.label);
      return (f) => {
        const c = body(f);
        return c === brk ? NORMAL : c;
      };
    }
    case 'loop': {
      const brk = breakCode(s.label);
      const cont = continueCode(s.label);
      const exit = exitTest(cx, s);
      const poll = cx.host.pollWord;
      const safepoint = (): void => cx.host.safepoint();
      const budget = cx.budget;
      const osrAfter = budget.osrAfter;
      // The rest of the call may run compiled (on-stack replacement) from this loop's header: when the
      // version becomes hot here, or after `osrAfter` iterations in one go (it became hot elsewhere).
      const replaced = (f: Frame): boolean => {
        const entry = budget.osr(s.point);
        if (!entry) return false;
        entry.body(f);
        return true;
      };
      const spent = (f: Frame): boolean => {
        budget.spent();
        return replaced(f);
      };
      if (exit) {
        // `while`/`for` as lowered: the exit test runs inline, not as a statement.
        const rest = compileSeq(cx, s.body.slice(1));
        return (f) => {
          let n = 0;
          while (!exit(f)) {
            const c = rest(f);
            if (c !== NORMAL && c !== cont) return c === brk ? NORMAL : c;
            if (poll[0] !== 0) safepoint();
            if (--budget.left <= 0 && spent(f)) return RETURN;
            if (++n === osrAfter && replaced(f)) return RETURN;
          }
          return NORMAL;
        };
      }
      const body = compileSeq(cx, s.body);
      return (f) => {
        let n = 0;
        for (;;) {
          const c = body(f);
          if (c !== NORMAL && c !== cont) return c === brk ? NORMAL : c;
          if (poll[0] !== 0) safepoint();
          if (--budget.left <= 0 && spent(f)) return RETURN;
          if (++n === osrAfter && replaced(f)) return RETURN;
        }
      };
    }
    case 'break': {
      const c = breakCode(s.label);
      return () => c;
    }
    case 'continue': {
      const c = continueCode(s.label);
      return () => c;
    }
    case 'return': {
      if (s.value === null) return () => RETURN;
      const ret = cx.ir.locals.length;
      if (s.value.op === 'local') {
        const i = s.value.local;
        return (f) => {
          f[ret] = f[i] as Val;
          return RETURN;
        };
      }
      const v = compileVal(cx, s.value);
      return (f) => {
        f[ret] = v(f);
        return RETURN;
      };
    }
  }
}

/** How a value of type `t` is stored: references and bools share the i32 words. */
function storeKind(t: Type): 'i64' | 'f64' | 'i32' {
  return t === 'i64' || t === 'f64' ? t : 'i32';
}

function setLocal(cx: Ctx, local: number, value: Expr): StmtFn {
  // `i = i + 1` (every counted loop) in one closure.
  if (value.op === 'binary' && value.kind === 'add' && value.operandType === 'i32' && value.left.op === 'local' && value.right.op === 'const') {
    const li = value.left.local;
    const c = numConst(value.right.value);
    return (f) => {
      f[local] = ((f[li] as number) + c) | 0;
      return NORMAL;
    };
  }
  const v = compileVal(cx, value);
  return (f) => {
    f[local] = v(f);
    return NORMAL;
  };
}

/** The condition of a loop whose body starts with `if c { break <this loop> }`. */
function exitTest(cx: Ctx, s: StmtOf<'loop'>): CondFn | null {
  const first = s.body[0];
  if (!first || first.op !== 'if' || first.else.length !== 0 || first.then.length !== 1) return null;
  const only = first.then[0] as Stmt;
  return only.op === 'break' && only.label === s.label ? compileCond(cx, first.cond) : null;
}

function compileIf(cx: Ctx, s: StmtOf<'if'>): StmtFn {
  const c = compileCond(cx, s.cond);
  const only = s.then.length === 1 && s.else.length === 0 ? (s.then[0] as Stmt) : null;
  if (only && (only.op === 'break' || only.op === 'continue')) {
    // The exit test of every lowered `while`/`for`.
    const code = only.op === 'break' ? breakCode(only.label) : continueCode(only.label);
    return (f) => (c(f) ? code : NORMAL);
  }
  const then = compileSeq(cx, s.then);
  if (s.else.length === 0) return (f) => (c(f) ? then(f) : NORMAL);
  const els = compileSeq(cx, s.else);
  return (f) => (c(f) ? then(f) : els(f));
}

function formatter(cx: Ctx, a: PrintArg): (f: Frame) => string {
  if (a.kind === 'string') {
    const text = a.text;
    return () => text;
  }
  const e = a.value;
  if (e.type === 'i64') {
    const v = compileBig(cx, e);
    return (f) => String(v(f));
  }
  if (e.type === 'bool') {
    const c = compileCond(cx, e);
    return (f) => (c(f) ? 'true' : 'false');
  }
  const v = compileNum(cx, e);
  return (f) => String(v(f));
}

function setField(cx: Ctx, s: StmtOf<'setField'>): StmtFn {
  const heap = cx.heap;
  const off = s.field.offset;
  const o = compileNum(cx, s.object);
  const file = cx.ir.fileName;
  const pos = s.pos;
  switch (storeKind(s.field.type)) {
    case 'i64': {
      const v = compileBig(cx, s.value);
      return (f) => {
        const obj = o(f);
        const x = v(f);
        if (obj === 0) throw new Trap('nullReference', file, pos);
        heap.i64[(obj + off) >>> 3] = x;
        return NORMAL;
      };
    }
    case 'f64': {
      const v = compileNum(cx, s.value);
      return (f) => {
        const obj = o(f);
        const x = v(f);
        if (obj === 0) throw new Trap('nullReference', file, pos);
        heap.f64[(obj + off) >>> 3] = x;
        return NORMAL;
      };
    }
    default: {
      const v = compileNum(cx, s.value);
      return (f) => {
        const obj = o(f);
        const x = v(f);
        if (obj === 0) throw new Trap('nullReference', file, pos);
        heap.i32[(obj + off) >>> 2] = x;
        return NORMAL;
      };
    }
  }
}

function setElem(cx: Ctx, s: StmtOf<'setElem'>): StmtFn {
  const heap = cx.heap;
  const a = compileNum(cx, s.array);
  const ix = compileNum(cx, s.index);
  const check = elemCheck(cx, s.pos);
  const ai = s.array.op === 'local' ? s.array.local : -1;
  const ii = s.index.op === 'local' ? s.index.local : -1;
  const file = cx.ir.fileName;
  const pos = s.pos;
  switch (storeKind(s.value.type)) {
    case 'i64': {
      const v = compileBig(cx, s.value);
      return (f) => {
        const arr = a(f);
        const i = ix(f);
        const x = v(f);
        check(arr, i);
        heap.i64[((arr + ARRAY_DATA) >>> 3) + i] = x;
        return NORMAL;
      };
    }
    case 'f64': {
      const v = compileNum(cx, s.value);
      return (f) => {
        const arr = a(f);
        const i = ix(f);
        const x = v(f);
        check(arr, i);
        heap.f64[((arr + ARRAY_DATA) >>> 3) + i] = x;
        return NORMAL;
      };
    }
    default: {
      const v = compileNum(cx, s.value);
      if (ai >= 0 && ii >= 0) {
        return (f) => {
          const arr = f[ai] as number;
          const i = f[ii] as number;
          const x = v(f);
          if (arr === 0 || i >>> 0 >= (heap.i32[(arr + ARRAY_LENGTH) >>> 2] as number)) {
            throw new Trap(arr === 0 ? 'nullReference' : 'indexOutOfBounds', file, pos);
          }
          heap.i32[((arr + ARRAY_DATA) >>> 2) + i] = x;
          return NORMAL;
        };
      }
      return (f) => {
        const arr = a(f);
        const i = ix(f);
        const x = v(f);
        check(arr, i);
        heap.i32[((arr + ARRAY_DATA) >>> 2) + i] = x;
        return NORMAL;
      };
    }
  }
}
