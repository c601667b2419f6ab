//! The checker's builtins: the typing and lowering of calls of `print`,
//! `assert`, `load`, the math and thread builtins, the atomics, the
//! conversions, and the byte input/output and argument builtins (IR `host`
//! calls the session serves), over the function checker's operations
//! (`BodyChecker`).
//! Which names are builtins: `builtins.ts`.

import type * as A from './ast.js';
import type { Pos } from './ast.js';
import type { CheckContext } from './check-function.js';
import { isIntLiteral } from './literal.js';
import type { AtomicPlace, FieldRef, LocalIndex, MathOp, PrintArg, PointId, Stmt, Expr } from '../ir/ir.js';
import { isNumericType, sameType, typeToString, type Type, type ValueType } from '../ir/types.js';

export type CType = Type | 'error';

/** A lowered expression and its type. */
export interface Typed {
  readonly e: Expr;
  readonly t: CType;
}

export const ERROR: Typed = { e: { op: 'const', type: 'i32', value: 0 }, t: 'error' };

/** What the builtins need of the function checker. */
export interface BodyChecker {
  readonly ctx: CheckContext;
  /** The statements lowered so far: a builtin that is a statement appends its own. */
  readonly out: Stmt[];
  newPoint(): PointId;
  report(pos: Pos, message: string): void;
  expr(e: A.Expr, expected: Type | null): Typed;
  sequence(thunks: readonly ((prev: readonly Typed[]) => Typed)[]): Typed[];
  expectType(v: Typed, t: Type, pos: Pos): void;
  mismatch(pos: Pos, message: string): Typed;
  maybeDrop(v: Typed, discard: boolean): Typed;
  lookupLocal(name: string): { readonly local: LocalIndex; readonly type: ValueType } | undefined;
  fieldOf(o: Typed, name: string, pos: Pos): FieldRef | null;
  elemType(a: Typed, index: Typed, pos: Pos): ValueType | null;
}

/** Builtins; undefined when `e` calls no builtin. */
export function checkBuiltin(c: BodyChecker, e: A.Expr & { kind: 'call' }, discard: boolean): Typed | undefined {
  const VOID: Typed = { e: { op: 'const', type: 'i32', value: 0 }, t: 'void' };
  const arity = (n: number): boolean => {
    if (e.args.length === n) return true;
    c.report(e.pos, `'${e.callee}' takes ${n} argument${n === 1 ? '' : 's'}, found ${e.args.length}`);
    return false;
  };
  const statementOnly = (stmt: () => void): Typed => {
    if (!discard) c.report(e.pos, `'${e.callee}' returns no value`);
    stmt();
    return VOID;
  };
  const arg = (i: number): A.Expr => e.args[i] as A.Expr;
  switch (e.callee) {
    case 'print':
      return statementOnly(() => checkPrint(c, e));
    case 'print_fixed':
      return statementOnly(() => {
        if (!arity(2)) return;
        const [x, d] = c.sequence([() => c.expr(arg(0), 'f64'), () => c.expr(arg(1), 'i32')]) as [Typed, Typed];
        c.expectType(x, 'f64', arg(0).pos);
        c.expectType(d, 'i32', arg(1).pos);
        c.out.push({ op: 'printFixed', value: x.e, digits: d.e, pos: e.pos });
      });
    case 'assert':
      return statementOnly(() => {
        if (!arity(1)) return;
        const cond = c.expr(arg(0), 'bool');
        c.expectType(cond, 'bool', arg(0).pos);
        c.out.push({ op: 'assert', cond: cond.e, pos: e.pos });
      });
    case 'barrier':
      return statementOnly(() => {
        if (arity(0)) c.out.push({ op: 'barrier', pos: e.pos });
      });
    case 'sleep_ms':
      return statementOnly(() => {
        if (!arity(1)) return;
        const ms = c.expr(arg(0), 'i32');
        c.expectType(ms, 'i32', arg(0).pos);
        c.out.push({ op: 'sleep', ms: ms.e, pos: e.pos });
      });
    case 'load':
      return statementOnly(() => {
        if (!arity(1)) return;
        const a = arg(0);
        if (a.kind !== 'string') c.report(a.pos, "'load' takes a string literal");
        else c.out.push({ op: 'load', path: a.value, point: c.newPoint(), pos: e.pos });
      });
    case 'abs':
    case 'sqrt':
    case 'floor':
    case 'ceil': {
      if (!arity(1)) return ERROR;
      const x = c.expr(arg(0), e.callee === 'abs' ? null : 'f64');
      if (x.t === 'error') return ERROR;
      const ok = e.callee === 'abs' ? isNumericType(x.t) : x.t === 'f64';
      if (!ok) return c.mismatch(arg(0).pos, `'${e.callee}' cannot apply to ${typeToString(x.t)}`);
      const t = x.t as 'i32' | 'i64' | 'f64';
      return { e: { op: 'math', type: t, kind: e.callee as MathOp, args: [x.e] }, t };
    }
    case 'min':
    case 'max': {
      if (!arity(2)) return ERROR;
      let x: Typed;
      let y: Typed;
      if (isIntLiteral(arg(0)) && !isIntLiteral(arg(1))) {
        y = c.expr(arg(1), null);
        x = c.expr(arg(0), y.t === 'error' ? null : (y.t as Type));
      } else {
        [x, y] = c.sequence([() => c.expr(arg(0), null), (prev) => c.expr(arg(1), typeOf(prev[0]))]) as [Typed, Typed];
      }
      if (x.t === 'error' || y.t === 'error') return ERROR;
      if (!isNumericType(x.t) || !sameType(x.t, y.t)) {
        return c.mismatch(e.pos, `'${e.callee}' needs two numbers of one type, found ${typeToString(x.t)} and ${typeToString(y.t)}`);
      }
      return { e: { op: 'math', type: x.t, kind: e.callee, args: [x.e, y.e] }, t: x.t };
    }
    case 'clock_ns':
      return arity(0) ? { e: { op: 'clock', type: 'i64' }, t: 'i64' } : ERROR;
    case 'read_byte':
    case 'arg_count':
      return arity(0) ? c.maybeDrop({ e: { op: 'host', type: 'i32', name: e.callee, args: [], pos: e.pos }, t: 'i32' }, discard) : ERROR;
    case 'write_byte':
      return statementOnly(() => {
        if (!arity(1)) return;
        const b = c.expr(arg(0), 'i32');
        c.expectType(b, 'i32', arg(0).pos);
        c.out.push({ op: 'drop', value: { op: 'host', type: 'void', name: 'write_byte', args: [b.e], pos: e.pos } });
      });
    case 'arg': {
      if (!arity(1)) return ERROR;
      const i = c.expr(arg(0), 'i32');
      c.expectType(i, 'i32', arg(0).pos);
      const t: Type = { kind: 'array', elem: 'i32' };
      return c.maybeDrop({ e: { op: 'host', type: t, name: 'arg', args: [i.e], pos: e.pos }, t }, discard);
    }
    case 'thread_id':
      return arity(0) ? { e: { op: 'threadId', type: 'i32' }, t: 'i32' } : ERROR;
    case 'thread_count':
      return arity(0) ? { e: { op: 'threadCount', type: 'i32' }, t: 'i32' } : ERROR;
    case 'atomic_load':
    case 'atomic_store':
    case 'atomic_add':
    case 'atomic_cas':
      return checkAtomic(c, e, discard);
    default:
      return undefined;
  }
}

function checkPrint(c: BodyChecker, e: A.Expr & { kind: 'call' }): void {
  const strings = new Map<number, string>();
  const thunks = e.args.map((a, i) => () => {
    if (a.kind === 'string') {
      strings.set(i, a.value);
      return { e: { op: 'const', type: 'i32', value: 0 } as Expr, t: 'i32' as CType };
    }
    const v = c.expr(a, null);
    if (v.t !== 'error' && v.t !== 'bool' && !isNumericType(v.t)) {
      c.report(a.pos, `cannot print a value of type ${typeToString(v.t)}`);
    }
    return v;
  });
  const values = c.sequence(thunks);
  const args: PrintArg[] = values.map((v, i) => {
    const s = strings.get(i);
    return s !== undefined ? { kind: 'string', text: s } : { kind: 'value', value: v.e };
  });
  c.out.push({ op: 'print', args });
}

function checkAtomic(c: BodyChecker, e: A.Expr & { kind: 'call' }, discard: boolean): Typed {
  const n = { atomic_load: 1, atomic_store: 2, atomic_add: 2, atomic_cas: 3 }[e.callee as 'atomic_load'] as number;
  if (e.args.length !== n) {
    c.report(e.pos, `'${e.callee}' takes ${n} argument${n === 1 ? '' : 's'}, found ${e.args.length}`);
    return ERROR;
  }
  const target = e.args[0] as A.Expr;
  let place: AtomicPlace | null = null;
  let type: CType = 'error';
  const rest = e.args.slice(1);
  let values: Typed[] = [];
  if (target.kind === 'name') {
    const g = c.lookupLocal(target.name) ? undefined : c.ctx.globalByName(target.name);
    if (!g) c.report(target.pos, `'${e.callee}' needs a global, field or array element`);
    else {
      place = { kind: 'global', global: g.id };
      type = g.type;
    }
    values = c.sequence(rest.map((a) => () => c.expr(a, type === 'error' ? null : type)));
  } else if (target.kind === 'field') {
    const results = c.sequence([() => c.expr(target.object, null), ...rest.map((a) => () => c.expr(a, null))]);
    const o = results[0] as Typed;
    const field = c.fieldOf(o, target.field, target.pos);
    if (field) {
      place = { kind: 'field', object: o.e, field, pos: target.pos };
      type = field.type;
    }
    values = results.slice(1);
  } else if (target.kind === 'index') {
    const results = c.sequence([
      () => c.expr(target.array, null),
      () => c.expr(target.index, 'i32'),
      ...rest.map((a) => (prev: readonly Typed[]) => c.expr(a, elemOf(prev[0]))),
    ]);
    const elem = c.elemType(results[0] as Typed, results[1] as Typed, target.pos);
    if (elem) {
      place = { kind: 'elem', array: (results[0] as Typed).e, index: (results[1] as Typed).e, pos: target.pos };
      type = elem;
    }
    values = results.slice(2);
  } else {
    c.report(target.pos, `'${e.callee}' needs a global, field or array element`);
  }
  if (!place || type === 'error') return ERROR;
  if (type !== 'i32' && type !== 'i64') {
    return c.mismatch(target.pos, `atomics work on i32 and i64, found ${typeToString(type)}`);
  }
  for (const [i, v] of values.entries()) c.expectType(v, type, (rest[i] as A.Expr).pos);
  const [v0, v1] = values as [Typed, Typed];
  switch (e.callee) {
    case 'atomic_load': return { e: { op: 'atomicLoad', type, place }, t: type };
    case 'atomic_store':
      if (!discard) c.report(e.pos, "'atomic_store' returns no value");
      c.out.push({ op: 'atomicStore', place, value: v0.e });
      return { e: { op: 'const', type: 'i32', value: 0 }, t: 'void' };
    case 'atomic_add': return c.maybeDrop({ e: { op: 'atomicAdd', type, place, value: v0.e }, t: type }, discard);
    default: return c.maybeDrop({ e: { op: 'atomicCas', type, place, expected: v0.e, replacement: v1.e }, t: type }, discard);
  }
}

/** A conversion `i32(e)`, `i64(e)` or `f64(e)`. */
export function checkConversion(c: BodyChecker, e: A.Expr & { kind: 'call' }): Typed {
  const to = e.callee as 'i32' | 'i64' | 'f64';
  if (e.args.length !== 1) {
    c.report(e.pos, `'${to}' takes 1 argument, found ${e.args.length}`);
    return ERROR;
  }
  const v = c.expr(e.args[0] as A.Expr, null);
  if (v.t === 'error') return ERROR;
  if (!isNumericType(v.t)) return c.mismatch(e.pos, `cannot convert ${typeToString(v.t)} to ${to}`);
  return { e: { op: 'convert', type: to, from: v.t, operand: v.e, pos: e.pos }, t: to };
}

export function typeOf(v: Typed | undefined): Type | null {
  return v && v.t !== 'error' ? v.t : null;
}

export function elemOf(v: Typed | undefined): Type | null {
  return v && typeof v.t === 'object' && v.t.kind === 'array' ? v.t.elem : null;
}
