//! The IR verifier: checks that a function is well formed, as every tier
//! assumes, so that a pass that breaks the IR is caught right after it runs
//! rather than as a wrong result or an invalid wasm module later.
//!
//! It checks: locals, labels and (given the program's globals) globals in
//! range; every `break` and `continue` naming an enclosing label (`continue`
//! a loop), labels not reused inside themselves; program points numbered
//! densely from 0 and each used once (an on-stack replacement entry holds
//! part of its function, some of it twice: `osrEntry`); and the types: each node's type as its
//! operands make it, conditions `bool`, indices and lengths `i32`, stored and
//! returned values of the type of their place. A reference of one class
//! stands for any class (the checker has checked subclassing, which needs the
//! class tables). It does not check calls against their callees' signatures.
//!
//! `verifyFunction` runs in tests and when the environment sets
//! REJIT_VERIFY=1 (`verifying`), after every pass of a tier's pipeline.

import type { AtomicPlace, Expr, FieldRef, IrFunction, LabelId, Stmt } from './ir.js';
import { isIntType, isNumericType, isRefType, sameType, typeToString, type Type, type ValueType } from './types.js';

/** The program tables the verifier checks globals against. */
export interface VerifyNames {
  readonly globals: readonly ({ readonly type: ValueType } | undefined)[];
}

export class IrVerifyError extends Error {}

export interface VerifyOptions {
  /** An on-stack replacement entry (`passes/osr-entry.ts`): its function's points, some missing, some more than once. */
  readonly osrEntry?: boolean;
}

/** Whether pipelines verify the IR after each pass and validate each module (REJIT_VERIFY=1). */
export function verifying(): boolean {
  return process.env['REJIT_VERIFY'] === '1';
}

/** Throws, naming the function and `pass` (the last pass that ran), when `ir` is not well formed. */
export function verifyFunction(ir: IrFunction, pass: string, names?: VerifyNames, options: VerifyOptions = {}): void {
  const errors = irErrors(ir, names, options);
  if (errors.length > 0) throw new IrVerifyError(`${ir.name}: IR broken after ${pass}:\n  ${errors.join('\n  ')}`);
}

/** What is wrong with `ir`, one message each; empty when it is well formed. */
export function irErrors(ir: IrFunction, names?: VerifyNames, options: VerifyOptions = {}): string[] {
  return new Verifier(ir, names, options.osrEntry === true).run();
}

type Label = { readonly label: LabelId; readonly loop: boolean };

class Verifier {
  private readonly errors: string[] = [];
  private readonly points: number[] = [];
  private where = '';

  constructor(private readonly ir: IrFunction, private readonly names: VerifyNames | undefined, private readonly osrEntry: boolean) {}

  run(): string[] {
    const ir = this.ir;
    if (ir.paramCount > ir.locals.length) this.error(`${ir.paramCount} parameters but ${ir.locals.length} locals`);
    this.stmts(ir.body, []);
    for (let p = 0; p < ir.pointCount; p++) {
      const uses = this.points.filter((q) => q === p).length;
      if (uses !== 1 && !this.osrEntry) this.errors.push(`program point @${p} is used ${uses} times`);
    }
    for (const p of new Set(this.points)) if (p < 0 || p >= ir.pointCount) this.errors.push(`program point @${p} is out of range (${ir.pointCount} points)`);
    return this.errors;
  }

  /** `path` leads to `list` from the body, e.g. `2.then.1.body.` (statements count from 1). */
  private stmts(list: readonly Stmt[], labels: readonly Label[], path = ''): void {
    list.forEach((s, i) => {
      const here = `${path}${i + 1}`;
      this.where = `${s.op} at ${here}`;
      this.stmt(s, labels, here);
    });
  }

  private stmt(s: Stmt, labels: readonly Label[], path: string): void {
    switch (s.op) {
      case 'setLocal': return this.store(this.localType(s.local), this.expr(s.value), 'local');
      case 'setGlobal': return this.store(this.globalType(s.global), this.expr(s.value), 'global');
      case 'setField':
        this.object(s.object);
        return this.store(s.field.type, this.expr(s.value), `field ${s.field.name}`);
      case 'setElem': return this.store(this.element(s.array, s.index), this.expr(s.value), 'element');
      case 'call':
        this.points.push(s.point);
        s.args.forEach((a) => this.expr(a));
        if (s.result >= 0) this.localType(s.result);
        if (s.callee.kind === 'virtual') this.object(s.args[0] ?? null);
        return;
      case 'load': this.points.push(s.point); return;
      case 'drop': this.expr(s.value); return;
      case 'atomicStore': return this.store(this.place(s.place), this.expr(s.value), 'atomic place');
      case 'print': s.args.forEach((a) => a.kind === 'value' && this.expr(a.value)); return;
      case 'printFixed':
        this.want(this.expr(s.value), 'f64', 'print_fixed value');
        return this.want(this.expr(s.digits), 'i32', 'print_fixed digits');
      case 'assert': return this.want(this.expr(s.cond), 'bool', 'assert condition');
      case 'delete': this.object(s.value); return;
      case 'barrier': return;
      case 'sleep': return this.want(this.expr(s.ms), 'i32', 'sleep duration');
      case 'if':
        this.want(this.expr(s.cond), 'bool', 'if condition');
        this.stmts(s.then, labels, `${path}.then.`);
        return this.stmts(s.else, labels, `${path}.else.`);
      case 'block':
      case 'loop':
        if (labels.some((l) => l.label === s.label)) this.error(`label L${s.label} is already open`);
        if (s.op === 'loop') this.points.push(s.point);
        return this.stmts(s.body, [...labels, { label: s.label, loop: s.op === 'loop' }], `${path}.body.`);
      case 'break':
      case 'continue': {
        const target = labels.find((l) => l.label === s.label);
        if (!target) this.error(`${s.op} L${s.label} names no enclosing label`);
        else if (s.op === 'continue' && !target.loop) this.error(`continue L${s.label} names a block, not a loop`);
        return;
      }
      case 'return':
        if (s.value === null) {
          if (this.ir.result !== 'void') this.error(`return without a value in a function returning ${typeToString(this.ir.result)}`);
          return;
        }
        if (this.ir.result === 'void') {
          this.error('return with a value in a void function');
          return;
        }
        return this.store(this.ir.result, this.expr(s.value), 'result');
    }
  }

  /** Checks `e` and returns its type. */
  private expr(e: Expr): Type {
    switch (e.op) {
      case 'const': return this.constant(e);
      case 'local': return this.same(this.localType(e.local), e.type, 'local');
      case 'global': return this.same(this.globalType(e.global), e.type, 'global');
      case 'binary': {
        const t = e.operandType;
        this.operand(this.expr(e.left), t, e.kind);
        this.operand(this.expr(e.right), t, e.kind);
        const comparison = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(e.kind);
        const ok = ['eq', 'ne'].includes(e.kind) || (comparison ? isNumericType(t) : isIntType(t) || (t === 'f64' && ['add', 'sub', 'mul', 'div', 'rem'].includes(e.kind)) || (t === 'bool' && ['and', 'or', 'xor'].includes(e.kind)));
        if (!ok) this.error(`${e.kind} on ${typeToString(t)}`);
        return this.same(comparison ? 'bool' : t, e.type, e.kind);
      }
      case 'unary': {
        const t = this.expr(e.operand);
        this.want(t, e.type, e.kind);
        if (e.kind === 'not' ? e.type !== 'bool' : e.kind === 'neg' ? !isNumericType(e.type) : !isIntType(e.type)) this.error(`${e.kind} on ${typeToString(e.type)}`);
        return e.type;
      }
      case 'logical':
        this.want(this.expr(e.left), 'bool', e.kind);
        this.want(this.expr(e.right), 'bool', e.kind);
        return 'bool';
      case 'convert':
        this.want(this.expr(e.operand), e.from, `conversion from ${e.from}`);
        return e.type;
      case 'math':
        e.args.forEach((a) => this.want(this.expr(a), e.type, e.kind));
        return e.type;
      case 'getField':
        this.object(e.object);
        return this.same(e.field.type, e.type, `field ${e.field.name}`);
      case 'getElem': return this.same(this.element(e.array, e.index), e.type, 'element');
      case 'length':
        this.array(e.array);
        return 'i32';
      case 'newObject': return e.type;
      case 'newArray':
        this.want(this.expr(e.length), 'i32', 'array length');
        return this.same({ kind: 'array', elem: e.elem }, e.type, 'new array');
      case 'isInstance':
        this.object(e.value);
        return 'bool';
      case 'cast':
        this.object(e.value);
        return e.type;
      case 'clock': return 'i64';
      case 'threadId':
      case 'threadCount': return 'i32';
      case 'atomicLoad': return this.same(this.place(e.place), e.type, 'atomic load');
      case 'atomicAdd':
        this.want(this.expr(e.value), e.type, 'atomic add');
        return this.same(this.place(e.place), e.type, 'atomic add');
      case 'atomicCas':
        this.want(this.expr(e.expected), e.type, 'atomic compare-exchange');
        this.want(this.expr(e.replacement), e.type, 'atomic compare-exchange');
        return this.same(this.place(e.place), e.type, 'atomic compare-exchange');
      case 'host':
        for (const a of e.args) {
          const t = this.expr(a);
          if (t === 'void') this.error(`a void argument of host call ${e.name}`);
        }
        return e.type;
    }
  }

  private constant(e: Extract<Expr, { op: 'const' }>): Type {
    const v = e.value;
    const fits = v === null ? e.type === 'null' || isRefType(e.type)
      : e.type === 'i64' ? typeof v === 'bigint'
      : e.type === 'bool' ? typeof v === 'boolean'
      : e.type === 'i32' ? typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31
      : e.type === 'f64' && typeof v === 'number';
    if (!fits) this.error(`constant ${String(v)} does not fit ${typeToString(e.type)}`);
    return e.type;
  }

  private place(p: AtomicPlace): Type {
    const t = p.kind === 'global' ? this.globalType(p.global) : p.kind === 'field' ? this.fieldOf(p.object, p.field) : this.element(p.array, p.index);
    if (t !== 'i32' && t !== 'i64' && t !== 'void') this.error(`an atomic on ${typeToString(t)}`);
    return t;
  }

  private fieldOf(object: Expr, field: FieldRef): ValueType {
    this.object(object);
    return field.type;
  }

  /** The element type of `array[index]`. */
  private element(array: Expr, index: Expr): Type {
    const t = this.array(array);
    this.want(this.expr(index), 'i32', 'index');
    return t;
  }

  private array(array: Expr): Type {
    const t = this.expr(array);
    if (typeof t === 'object' && t.kind === 'array') return t.elem;
    if (t !== 'null') this.error(`an array expected, found ${typeToString(t)}`);
    return 'void';
  }

  private object(e: Expr | null): void {
    const t = e ? this.expr(e) : 'void';
    if (!isRefType(t) && t !== 'null') this.error(`a reference expected, found ${typeToString(t)}`);
  }

  private localType(local: number): Type {
    const l = this.ir.locals[local];
    if (!l) this.error(`local ${local} is out of range (${this.ir.locals.length} locals)`);
    return l?.type ?? 'void';
  }

  private globalType(global: number): Type {
    if (!this.names) return 'void';
    const g = this.names.globals[global];
    if (!g) this.error(`global ${global} is out of range`);
    return g?.type ?? 'void';
  }

  /** `declared`, after checking that it is what the node says (`type`); any class stands for another. */
  private same(declared: Type, type: Type, what: string): Type {
    const classes = isRefType(declared) && isRefType(type) && declared.kind === 'class' && type.kind === 'class';
    if (declared !== 'void' && !classes && !sameType(declared, type)) this.error(`${what} of type ${typeToString(type)}, expected ${typeToString(declared)}`);
    return type;
  }

  /** A value of type `t` where `expected` is required. 'void' stands for a type already reported as unknown. */
  private want(t: Type, expected: Type, what: string): void {
    if (t === 'void' || expected === 'void' || sameType(t, expected)) return;
    this.error(`${what}: ${typeToString(t)} where ${typeToString(expected)} is expected`);
  }

  /** An operand of a binary operator on `t`: references compare with null and with each other. */
  private operand(t: Type, expected: ValueType, what: string): void {
    if (isRefType(expected) && (t === 'null' || isRefType(t))) return;
    this.want(t, expected, what);
  }

  /** A value of type `t` stored where type `place` is: a reference of any class, or null, to a reference of a class. */
  private store(place: Type, t: Type, what: string): void {
    if (isRefType(place) && (t === 'null' || (isRefType(t) && (place.kind === 'class' ? t.kind === 'class' : sameType(place, t))))) return;
    this.want(t, place, `value stored to ${what}`);
  }

  private error(message: string): void {
    this.errors.push(`${this.where}: ${message}`);
  }
}
