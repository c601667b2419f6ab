//! Hand-built IR for the interpreter tests: a small runtime (program tables,
//! heap, interpreter, captured output) and terse constructors for expressions
//! and statements. Positions default to line 1, column 1; pass `at(l, c)`.

import type { Pos } from '../../src/frontend/ast.js';
import type { BinaryOp, Callee, ConstValue, Expr, FieldRef, FunctionId, IrFunction, Stmt } from '../../src/ir/ir.js';
import type { ClassType, PrimType, RefType, Type, ValueType } from '../../src/ir/types.js';
import { classId, functionId, globalId } from '../../src/ir/ids.js';
import { Heap, createMemory } from '../../src/core/heap.js';
import { Program, type ClassInfo, type MethodInfo } from '../../src/core/program.js';
import { Interpreter } from '../../src/interp/interpreter.js';
import type { RuntimeHost } from '../../src/core/host.js';
import { Trap } from '../../src/core/trap.js';

export const at = (line: number, col = 1): Pos => ({ line, col });
const P0 = at(1);

export class Rt {
  readonly program = new Program();
  readonly heap: Heap;
  readonly out: string[] = [];
  readonly interp: Interpreter;

  constructor(host: Partial<RuntimeHost> = {}, heap?: Heap) {
    this.heap = heap ?? new Heap(createMemory(), 0);
    this.interp = new Interpreter(this.program, this.heap, {
      print: (line) => this.out.push(line),
      load: () => {},
      barrier: () => {},
      sleep: () => {},
      pollWord: new Int32Array(1),
      safepoint: () => {},
      globalStored: () => {},
      threadId: 0,
      threadCount: 1,
      hostCall: () => () => undefined,
      ...host,
    });
  }

  /** Declares a function (no body yet). */
  declare(name: string, params: readonly ValueType[], result: ValueType | 'void', owner: number | null = null): FunctionId {
    const id = functionId(this.program.functions.length);
    this.program.functions.push({ id, name, params, result, owner: owner === null ? null : classId(owner), ir: null });
    return id;
  }

  /** Gives function `id` a (new) body; `locals` lists every local's type, parameters first. */
  define(id: FunctionId, locals: readonly ValueType[], body: readonly Stmt[], fileName = 't.rj'): IrFunction {
    const info = this.program.functionInfo(id);
    const ir: IrFunction = {
      id,
      name: info.name,
      fileName,
      pos: P0,
      paramCount: info.params.length,
      locals: locals.map((type, i) => ({ name: `l${i}`, type })),
      result: info.result,
      body,
      pointCount: countPoints(body),
    };
    info.ir = ir;
    return ir;
  }

  fn(name: string, params: readonly ValueType[], result: ValueType | 'void', locals: readonly ValueType[], body: readonly Stmt[], fileName?: string): FunctionId {
    const id = this.declare(name, params, result);
    this.define(id, [...params, ...locals], body, fileName);
    return id;
  }

  /** A class: fields after the parent's, each aligned to its size; methods override by name or append to the vtable. */
  cls(name: string, parent: ClassInfo | null, fields: readonly (readonly [string, ValueType])[], methods: readonly (readonly [string, FunctionId])[] = []): ClassInfo {
    const id = classId(this.program.classes.length);
    const all: FieldRef[] = [...(parent?.fields ?? [])];
    let end = parent ? Math.max(8, ...parent.fields.map((f) => f.offset + size(f.type))) : 8;
    for (const [fname, type] of fields) {
      const s = size(type);
      const offset = Math.ceil(end / s) * s;
      all.push({ name: fname, offset, type });
      end = offset + s;
    }
    const vtable = [...(parent?.vtable ?? [])];
    const map = new Map<string, MethodInfo>(parent?.methods ?? []);
    for (const [mname, fn] of methods) {
      const prev = map.get(mname);
      const slot = prev ? prev.slot : vtable.length;
      vtable[slot] = fn;
      map.set(mname, { name: mname, slot, fn });
    }
    const info: ClassInfo = {
      id,
      name,
      fileName: 't.rj',
      pos: P0,
      parent,
      depth: parent ? parent.depth + 1 : 0,
      ancestors: [...(parent?.ancestors ?? []), id],
      fields: all,
      size: Math.ceil(end / 8) * 8,
      methods: map,
      vtable,
    };
    this.program.classes[id] = info;
    return info;
  }

  field(c: ClassInfo, name: string): FieldRef {
    const f = c.fields.find((x) => x.name === name);
    if (!f) throw new Error(`no field ${name}`);
    return f;
  }

  run(fn: FunctionId, ...args: (number | bigint)[]): number | bigint | undefined {
    return this.interp.call(fn, args);
  }
}

function size(t: ValueType): number {
  return t === 'i64' || t === 'f64' ? 8 : 4;
}

function countPoints(body: readonly Stmt[]): number {
  let n = 0;
  const walk = (list: readonly Stmt[]): void => {
    for (const s of list) {
      if (s.op === 'call' || s.op === 'load' || s.op === 'loop') n = Math.max(n, s.point + 1);
      if (s.op === 'loop' || s.op === 'block') walk(s.body);
      if (s.op === 'if') {
        walk(s.then);
        walk(s.else);
      }
    }
  };
  walk(body);
  return n;
}

// ---- types ----

export const classT = (c: ClassInfo): ClassType => ({ kind: 'class', classId: c.id, name: c.name });
/** The type of class `id`, before the class is made. */
export const classTy = (id: number, name: string): ClassType => ({ kind: 'class', classId: classId(id), name });
export const arrT = (elem: ValueType): RefType => ({ kind: 'array', elem });

// ---- expressions ----

export const k = (type: Type, value: ConstValue): Expr => ({ op: 'const', type, value });
export const i32 = (v: number): Expr => k('i32', v);
export const i64 = (v: bigint): Expr => k('i64', v);
export const f64 = (v: number): Expr => k('f64', v);
export const bool = (v: boolean): Expr => k('bool', v);
export const nul: Expr = k('null', null);
export const loc = (local: number, type: ValueType = 'i32'): Expr => ({ op: 'local', type, local });
export const glob = (global: number, type: ValueType): Expr => ({ op: 'global', type, global: globalId(global) });

const COMPARE = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
export const bin = (kind: BinaryOp, operandType: ValueType, left: Expr, right: Expr, pos = P0): Expr => ({
  op: 'binary',
  type: COMPARE.has(kind) ? 'bool' : operandType,
  kind,
  operandType,
  left,
  right,
  pos,
});
export const neg = (type: PrimType, operand: Expr): Expr => ({ op: 'unary', type, kind: 'neg', operand });
export const not = (operand: Expr): Expr => ({ op: 'unary', type: 'bool', kind: 'not', operand });
export const bitnot = (type: PrimType, operand: Expr): Expr => ({ op: 'unary', type, kind: 'bitnot', operand });
export const and = (left: Expr, right: Expr): Expr => ({ op: 'logical', type: 'bool', kind: 'and', left, right });
export const or = (left: Expr, right: Expr): Expr => ({ op: 'logical', type: 'bool', kind: 'or', left, right });
export const conv = (type: PrimType, from: PrimType, operand: Expr, pos = P0): Expr => ({ op: 'convert', type, from, operand, pos });
export const math = (kind: 'abs' | 'min' | 'max' | 'sqrt' | 'floor' | 'ceil', type: PrimType, ...args: Expr[]): Expr => ({ op: 'math', type, kind, args });
export const getF = (object: Expr, field: FieldRef, pos = P0): Expr => ({ op: 'getField', type: field.type, object, field, pos });
export const getE = (type: ValueType, array: Expr, index: Expr, pos = P0): Expr => ({ op: 'getElem', type, array, index, pos });
export const len = (array: Expr, pos = P0): Expr => ({ op: 'length', type: 'i32', array, pos });
export const newObj = (c: ClassInfo, pos = P0): Expr => ({ op: 'newObject', type: classT(c), classId: c.id, pos });
export const newArr = (elem: ValueType, length: Expr, pos = P0): Expr => ({ op: 'newArray', type: arrT(elem), elem, length, pos });
export const is = (value: Expr, c: ClassInfo): Expr => ({ op: 'isInstance', type: 'bool', value, classId: c.id });
export const as = (value: Expr, c: ClassInfo, pos = P0): Expr => ({ op: 'cast', type: classT(c), value, classId: c.id, pos });

// ---- statements ----

export const set = (local: number, value: Expr): Stmt => ({ op: 'setLocal', local, value });
export const setG = (global: number, value: Expr): Stmt => ({ op: 'setGlobal', global: globalId(global), value });
export const setF = (object: Expr, field: FieldRef, value: Expr, pos = P0): Stmt => ({ op: 'setField', object, field, value, pos });
export const setE = (array: Expr, index: Expr, value: Expr, pos = P0): Stmt => ({ op: 'setElem', array, index, value, pos });
export const ret = (value: Expr | null = null): Stmt => ({ op: 'return', value });
export const print = (...args: (Expr | string)[]): Stmt => ({
  op: 'print',
  args: args.map((a) => (typeof a === 'string' ? { kind: 'string', text: a } : { kind: 'value', value: a })),
});
export const call = (fn: number, args: Expr[], result: number, point: number, pos = P0): Stmt => ({
  op: 'call',
  callee: { kind: 'direct', fn: functionId(fn) },
  args,
  result,
  point,
  pos,
});
export const vcall = (c: ClassInfo, method: string, args: Expr[], result: number, point: number, pos = P0): Stmt => {
  const m = c.methods.get(method);
  if (!m) throw new Error(`no method ${method}`);
  const callee: Callee = { kind: 'virtual', slot: m.slot, classId: c.id, pos };
  return { op: 'call', callee, args, result, point, pos };
};
export const when = (cond: Expr, then: Stmt[], els: Stmt[] = []): Stmt => ({ op: 'if', cond, then, else: els });
export const block = (label: number, body: Stmt[]): Stmt => ({ op: 'block', label, body });
export const loop = (label: number, point: number, body: Stmt[]): Stmt => ({ op: 'loop', label, point, body });
export const brk = (label: number): Stmt => ({ op: 'break', label });
export const cont = (label: number): Stmt => ({ op: 'continue', label });
/** `while cond { body }` as the checker lowers it. */
export const whileLoop = (label: number, point: number, cond: Expr, body: Stmt[]): Stmt => loop(label, point, [when(not(cond), [brk(label)]), ...body]);
/** `for i in from..to { body }` over i32 local `i` with bound local `end`. */
export const forLoop = (label: number, point: number, i: number, end: number, from: Expr, to: Expr, body: Stmt[]): Stmt[] => [
  set(i, from),
  set(end, to),
  loop(label, point, [when(bin('ge', 'i32', loc(i), loc(end)), [brk(label)]), ...body, set(i, bin('add', 'i32', loc(i), i32(1)))]),
];

// ---- running ----

/** The value of `e` (which may use no locals), computed by a fresh function. */
export function value(rt: Rt, type: ValueType, e: Expr): number | bigint | undefined {
  return rt.run(rt.fn(`v${rt.program.functions.length}`, [], type, [], [ret(e)]));
}

/** The Trap that `run` throws (fails when it throws something else or nothing). */
export function trapOf(run: () => unknown): Trap {
  try {
    run();
  } catch (e) {
    if (e instanceof Trap) return e;
    throw e;
  }
  throw new Error('expected a trap');
}

/** `kind LINE:COL` of a trap, for compact assertions. */
export const where = (t: Trap): string => `${t.kind} ${t.pos.line}:${t.pos.col}`;
