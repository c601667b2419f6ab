//! The checker, function level: type-checks one body and lowers it to IR.
//!
//! Lowering hoists every call out of its expression into a `call` statement
//! whose result goes to a fresh local, so that each call is a program point
//! with a simple frame state. Left-to-right evaluation is kept: when a later
//! operand hoists a call, the earlier operands that are not constants or
//! locals are first evaluated into temporaries (see `sequence`). Short-circuit
//! operators whose right side calls become `if` statements; `while` and `for`
//! become `loop`s with labelled breaks.
//!
//! Errors are reported and checking goes on; an expression in error has the
//! type `error`, which silences follow-on errors.

import type * as A from './ast.js';
import type { Pos } from './ast.js';
import type { Namespace } from './check-module.js';
import { isSubclass } from './check-module.js';
import { defaultIntType, fitsIn, intLiteralValue, isIntLiteral } from './literal.js';
import { BINARY_OPS, UNARY_OPS } from './operator-names.js';
import { ifChain, leftSpine, type BinaryExpr, type IfStmt } from './chains.js';
import { terminates } from './paths.js';
import { ERROR, checkBuiltin, checkConversion, typeOf, type BodyChecker, type CType, type Typed } from './check-builtins.js';
import { HIDEABLE_BUILTINS } from './builtins.js';
import type { Callee, Expr, FieldRef, IrFunction, LabelId, Local, LocalIndex, PointId, Stmt } from '../ir/ir.js';
import { isIntType, isRefType, sameType, typeToString, type ClassType, type Type, type ValueType } from '../ir/types.js';
import { binaryOperands, isComparison, takes, UNARY } from '../ir/operators.js';
import type { ClassInfo, FunctionInfo } from '../core/program.js';

export interface CheckContext extends Namespace {
  resolveType(t: A.TypeExpr): ValueType | null;
  assignable(from: ValueType | 'null', to: ValueType): boolean;
}


interface LocalBinding {
  readonly local: LocalIndex;
  readonly type: ValueType;
  /** Why it may not be assigned (`self`, a `for` variable), or null. */
  readonly readonlyAs: string | null;
}

interface LoopTarget {
  readonly breakLabel: LabelId;
  /** What `continue` becomes: a `continue` of a while loop, a break out of a for loop's body block. */
  readonly continueStmt: Stmt;
  continueUsed: boolean;
}


/** Operators of a chain between spills of its value to a temporary: bounds the depth of IR trees. */
const SPILL_EVERY = 64;
/** `else if` chains up to this many arms lower to nested ifs, longer ones to a flat block. */
const NESTED_ARMS = 4;

export function checkFunctionBody(
  ctx: CheckContext,
  fn: FunctionInfo,
  item: A.FnItem,
  owner: ClassInfo | null,
  fileName: string,
  report: (pos: Pos, message: string) => void,
): IrFunction {
  return new FunctionChecker(ctx, fn, item, owner, fileName, report).run();
}

class FunctionChecker implements BodyChecker {
  private readonly locals: Local[] = [];
  private readonly scopes: Map<string, LocalBinding>[] = [];
  private readonly loops: LoopTarget[] = [];
  out: Stmt[] = [];
  private labels = 0;
  private points = 0;

  constructor(
    readonly ctx: CheckContext,
    private readonly fn: FunctionInfo,
    private readonly item: A.FnItem,
    private readonly owner: ClassInfo | null,
    private readonly fileName: string,
    readonly report: (pos: Pos, message: string) => void,
  ) {}

  newPoint(): PointId {
    return this.points++;
  }

  run(): IrFunction {
    this.scopes.push(new Map());
    let paramIndex = 0;
    if (this.owner) {
      this.declare('self', this.fn.params[0] as ValueType, this.item.pos, 'self');
      paramIndex = 1;
    }
    for (const p of this.item.params) this.declare(p.name, this.fn.params[paramIndex++] as ValueType, p.pos, null);
    const body = this.item.body as A.Block;
    const stmts = this.block(body.stmts, false);
    if (this.fn.result !== 'void' && !terminates(body.stmts)) {
      this.report(this.item.pos, `function '${this.item.name}' must return a value on every path`);
    }
    return {
      id: this.fn.id,
      name: this.fn.name,
      fileName: this.fileName,
      pos: this.item.pos,
      paramCount: this.fn.params.length,
      locals: this.locals,
      result: this.fn.result,
      body: stmts,
      pointCount: this.points,
    };
  }

  // ---- scopes and locals ----

  private declare(name: string, type: ValueType, pos: Pos, readonlyAs: string | null): LocalIndex {
    const scope = this.scopes[this.scopes.length - 1] as Map<string, LocalBinding>;
    if (scope.has(name)) this.report(pos, `'${name}' is already declared in this block`);
    const local = this.newLocal(name, type);
    scope.set(name, { local, type, readonlyAs });
    return local;
  }

  private newLocal(name: string, type: ValueType): LocalIndex {
    this.locals.push({ name, type });
    return this.locals.length - 1;
  }

  lookupLocal(name: string): LocalBinding | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const b = (this.scopes[i] as Map<string, LocalBinding>).get(name);
      if (b) return b;
    }
    return undefined;
  }

  private temp(type: ValueType): LocalIndex {
    return this.newLocal(`$t${this.locals.length}`, type);
  }

  // ---- statements ----

  /** Lowers a statement list in a new scope (or the current one, for a function body) into a new list. */
  private block(stmts: readonly A.Stmt[], newScope = true): Stmt[] {
    const saved = this.out;
    this.out = [];
    if (newScope) this.scopes.push(new Map());
    for (const s of stmts) this.stmt(s);
    if (newScope) this.scopes.pop();
    const result = this.out;
    this.out = saved;
    return result;
  }

  private stmt(s: A.Stmt): void {
    switch (s.kind) {
      case 'block': this.out.push(...this.block(s.stmts)); return;
      case 'let': return this.letStmt(s);
      case 'assign': return this.assignStmt(s);
      case 'if': return this.ifStmt(s);
      case 'while': return this.whileStmt(s);
      case 'for': return this.forStmt(s);
      case 'break':
      case 'continue': {
        const loop = this.loops[this.loops.length - 1];
        if (!loop) {
          this.report(s.pos, `'${s.kind}' outside a loop`);
          return;
        }
        if (s.kind === 'break') this.out.push({ op: 'break', label: loop.breakLabel });
        else {
          loop.continueUsed = true;
          this.out.push(loop.continueStmt);
        }
        return;
      }
      case 'return': return this.returnStmt(s);
      case 'delete': {
        const v = this.expr(s.value, null);
        if (v.t !== 'error' && v.t !== 'null' && !isRefType(v.t)) this.report(s.value.pos, `cannot delete a value of type ${typeToString(v.t)}`);
        this.out.push({ op: 'delete', value: v.e });
        return;
      }
      case 'expr': {
        const e = s.expr;
        if (e.kind === 'call') this.call(e, true);
        else if (e.kind === 'methodCall') this.methodCall(e, true);
        else this.report(e.pos, 'only a call can be used as a statement');
        return;
      }
    }
  }

  /**
   * An `if`, or an `else if` chain (`chains.ts`): a short one nests, a long
   * one is a flat list of arms in a block that each arm breaks out of.
   */
  private ifStmt(s: IfStmt): void {
    const { arms, last } = ifChain(s);
    if (arms.length <= NESTED_ARMS) {
      const lowered = arms.map((a, i) => {
        // A later arm's hoisted calls belong to the else branch before it.
        const saved = this.out;
        if (i > 0) this.out = [];
        const cond = this.condition(a.cond);
        const hoisted = this.out;
        this.out = saved;
        return { cond, hoisted: i > 0 ? hoisted : [], then: this.block(a.then.stmts) };
      });
      let otherwise: Stmt[] = last === null ? [] : this.block(last.stmts);
      for (let i = lowered.length - 1; i >= 0; i--) {
        const { cond, hoisted, then } = lowered[i] as { cond: Expr; hoisted: Stmt[]; then: Stmt[] };
        const one: Stmt = { op: 'if', cond, then, else: otherwise };
        if (i === 0) this.out.push(one);
        else otherwise = [...hoisted, one];
      }
      return;
    }
    const label = this.labels++;
    const saved = this.out;
    this.out = [];
    for (const a of arms) {
      const cond = this.condition(a.cond);
      this.out.push({ op: 'if', cond, then: [...this.block(a.then.stmts), { op: 'break', label }], else: [] });
    }
    if (last !== null) this.out.push(...this.block(last.stmts));
    const body = this.out;
    this.out = saved;
    this.out.push({ op: 'block', label, body });
  }

  private letStmt(s: A.Stmt & { kind: 'let' }): void {
    const declared = s.type ? this.ctx.resolveType(s.type) : null;
    const v = this.expr(s.init, declared);
    let type: ValueType | null = declared;
    if (s.type && !declared) {
      // The unknown type is reported already.
    } else if (declared) {
      this.expectAssignable(v, declared, s.init.pos);
    } else if (v.t === 'null') {
      this.report(s.init.pos, `cannot infer the type of 'null': write the type, as in 'let ${s.name}: C = null'`);
    } else if (v.t === 'void') {
      this.report(s.init.pos, 'this call returns no value');
    } else if (v.t !== 'error') {
      type = v.t;
    }
    // The name is visible only after its initializer.
    const local = this.declare(s.name, type ?? 'i32', s.pos, null);
    this.out.push({ op: 'setLocal', local, value: v.e });
  }

  private assignStmt(s: A.Stmt & { kind: 'assign' }): void {
    const target = s.target;
    const compound = s.op === '=' ? null : (s.op.slice(0, -1) as Exclude<A.BinaryOp, '&&' | '||'>);
    // The new value, given the target's type and (for `op=`) a read of the old one.
    const valueFor = (type: CType, read: () => Expr): Typed => {
      if (!compound) {
        const v = this.expr(s.value, type === 'error' ? null : type);
        if (type !== 'error' && type !== 'null' && type !== 'void') this.expectAssignable(v, type, s.value.pos);
        return v;
      }
      const r = this.expr(s.value, type === 'error' ? null : type);
      return this.arithmetic(compound, { e: read(), t: type }, r, s.pos);
    };
    switch (target.kind) {
      case 'name': {
        const local = this.lookupLocal(target.name);
        if (local) {
          if (local.readonlyAs) this.report(target.pos, `cannot assign to ${local.readonlyAs} '${target.name}'`);
          const v = valueFor(local.type, () => ({ op: 'local', type: local.type, local: local.local }));
          this.out.push({ op: 'setLocal', local: local.local, value: v.e });
          return;
        }
        const g = this.ctx.globalByName(target.name);
        if (g) {
          const v = valueFor(g.type, () => ({ op: 'global', type: g.type, global: g.id }));
          this.out.push({ op: 'setGlobal', global: g.id, value: v.e });
          return;
        }
        if (this.ctx.constByName(target.name)) this.report(target.pos, `cannot assign to const '${target.name}'`);
        else this.report(target.pos, `unknown name '${target.name}'`);
        return;
      }
      case 'self':
        this.report(target.pos, "cannot assign to 'self'");
        return;
      case 'field': {
        const [obj] = this.sequence([() => this.expr(target.object, null)]) as [Typed];
        const object = compound ? this.stable(obj) : obj;
        if (object.t === 'error') return;
        if (typeof object.t === 'object' && object.t.kind === 'array' && target.field === 'length') {
          this.report(target.pos, "cannot assign to 'length'");
          return;
        }
        const field = this.fieldOf(object, target.field, target.pos);
        if (!field) return;
        const mark = this.out.length;
        const v = valueFor(field.type, () => ({ op: 'getField', type: field.type, object: object.e, field, pos: target.pos }));
        const [o] = this.spillBefore(mark, [object]) as [Typed];
        this.out.push({ op: 'setField', object: o.e, field, value: v.e, pos: target.pos });
        return;
      }
      case 'index': {
        const [arr, idx] = this.sequence([() => this.expr(target.array, null), () => this.expr(target.index, 'i32')]) as [Typed, Typed];
        const array = compound ? this.stable(arr) : arr;
        const index = compound ? this.stable(idx) : idx;
        const elem = this.elemType(array, index, target.pos);
        if (elem === null) return;
        const mark = this.out.length;
        const v = valueFor(elem, () => ({ op: 'getElem', type: elem, array: array.e, index: index.e, pos: target.pos }));
        const [a, i] = this.spillBefore(mark, [array, index]) as [Typed, Typed];
        this.out.push({ op: 'setElem', array: a.e, index: i.e, value: v.e, pos: target.pos });
        return;
      }
      default:
        this.report(target.pos, 'cannot assign to this expression');
    }
  }

  private whileStmt(s: A.Stmt & { kind: 'while' }): void {
    const label = this.labels++;
    const point = this.newPoint();
    const saved = this.out;
    this.out = [];
    const c = this.condition(s.cond);
    if (!(c.op === 'const' && c.value === true)) {
      this.out.push({ op: 'if', cond: negate(c), then: [{ op: 'break', label }], else: [] });
    }
    const head = this.out;
    this.out = saved;
    this.loops.push({ breakLabel: label, continueStmt: { op: 'continue', label }, continueUsed: false });
    const body = this.block(s.body.stmts);
    this.loops.pop();
    this.out.push({ op: 'loop', label, point, body: [...head, ...body] });
  }

  private forStmt(s: A.Stmt & { kind: 'for' }): void {
    // `for i in a..b`: both bounds once, in order; a literal bound takes the other's type.
    let from: Typed;
    let to: Typed;
    if (isIntLiteral(s.from) && !isIntLiteral(s.to)) {
      to = this.expr(s.to, null);
      from = this.expr(s.from, intTypeOf(to));
    } else {
      [from, to] = this.sequence([() => this.expr(s.from, null), (prev) => this.expr(s.to, intTypeOf(prev[0]))]) as [Typed, Typed];
    }
    let type: 'i32' | 'i64' = 'i32';
    if (from.t !== 'error' && to.t !== 'error') {
      if (!isIntType(from.t as Type) || !sameType(from.t as Type, to.t as Type)) {
        this.report(s.pos, `the bounds of a 'for' loop must be integers of one type, found ${typeToString(from.t as Type)} and ${typeToString(to.t as Type)}`);
      } else {
        type = from.t as 'i32' | 'i64';
      }
    }
    this.scopes.push(new Map());
    const end = this.temp(type);
    const i = this.declare(s.name, type, s.namePos, "'for' variable");
    this.out.push({ op: 'setLocal', local: i, value: from.e });
    this.out.push({ op: 'setLocal', local: end, value: to.e });
    const label = this.labels++;
    const continueLabel = this.labels++;
    const point = this.newPoint();
    const target: LoopTarget = { breakLabel: label, continueStmt: { op: 'break', label: continueLabel }, continueUsed: false };
    this.loops.push(target);
    const body = this.block(s.body.stmts);
    this.loops.pop();
    this.scopes.pop();
    const iv: Expr = { op: 'local', type, local: i };
    const one: Expr = { op: 'const', type, value: type === 'i32' ? 1 : 1n };
    const exit: Stmt = {
      op: 'if',
      cond: { op: 'binary', type: 'bool', kind: 'ge', operandType: type, left: iv, right: { op: 'local', type, local: end }, pos: s.pos },
      then: [{ op: 'break', label }],
      else: [],
    };
    const step: Stmt = { op: 'setLocal', local: i, value: { op: 'binary', type, kind: 'add', operandType: type, left: iv, right: one, pos: s.pos } };
    const inner: Stmt[] = target.continueUsed ? [{ op: 'block', label: continueLabel, body }] : body;
    this.out.push({ op: 'loop', label, point, body: [exit, ...inner, step] });
  }

  private returnStmt(s: A.Stmt & { kind: 'return' }): void {
    const result = this.fn.result;
    if (!s.value) {
      if (result !== 'void') this.report(s.pos, `missing return value of type ${typeToString(result)}`);
      this.out.push({ op: 'return', value: null });
      return;
    }
    if (result === 'void') {
      this.report(s.value.pos, `function '${this.item.name}' returns no value`);
      return;
    }
    const v = this.expr(s.value, result);
    this.expectAssignable(v, result, s.value.pos);
    this.out.push({ op: 'return', value: v.e });
  }

  /** A `bool` condition; any calls in it are hoisted before the current statement. */
  private condition(e: A.Expr): Expr {
    const c = this.expr(e, 'bool');
    if (c.t !== 'error' && c.t !== 'bool') this.report(e.pos, `condition must be bool, found ${typeToString(c.t)}`);
    return c.e;
  }

  // ---- evaluation order ----

  /**
   * Lowers operands in order. When an operand hoists statements (a call), the
   * earlier operands that could change or trap are evaluated into
   * temporaries before those statements, keeping left-to-right order.
   */
  sequence(thunks: readonly ((prev: readonly Typed[]) => Typed)[]): Typed[] {
    const results: Typed[] = [];
    for (const thunk of thunks) {
      const mark = this.out.length;
      const r = thunk(results);
      results.splice(0, results.length, ...this.spillBefore(mark, results));
      results.push(r);
    }
    return results;
  }

  /** If statements were emitted since `mark`, evaluates `values` into temporaries at `mark`. */
  private spillBefore(mark: number, values: readonly Typed[]): Typed[] {
    if (this.out.length === mark) return [...values];
    const spills: Stmt[] = [];
    const result = values.map((v) => {
      if (isStable(v.e) || v.t === 'error' || v.t === 'void' || v.t === 'null') return v;
      const local = this.temp(v.t);
      spills.push({ op: 'setLocal', local, value: v.e });
      return { e: { op: 'local', type: v.t, local } as Expr, t: v.t };
    });
    this.out.splice(mark, 0, ...spills);
    return result;
  }

  /** A value that can be read twice (for compound assignment): a local or constant, else a temporary. */
  private stable(v: Typed): Typed {
    if (isStable(v.e) || v.t === 'error' || v.t === 'void' || v.t === 'null') return v;
    const local = this.temp(v.t);
    this.out.push({ op: 'setLocal', local, value: v.e });
    return { e: { op: 'local', type: v.t, local }, t: v.t };
  }

  // ---- expressions ----

  expr(e: A.Expr, expected: Type | null): Typed {
    if (isIntLiteral(e)) return this.intLiteral(intLiteralValue(e), e.pos, expected);
    switch (e.kind) {
      case 'float': return { e: { op: 'const', type: 'f64', value: e.value }, t: 'f64' };
      case 'bool': return { e: { op: 'const', type: 'bool', value: e.value }, t: 'bool' };
      case 'null': return { e: { op: 'const', type: 'null', value: null }, t: 'null' };
      case 'string':
        this.report(e.pos, 'a string can only be an argument of print or load');
        return ERROR;
      case 'name': return this.name(e);
      case 'self': {
        const b = this.owner ? this.lookupLocal('self') : undefined;
        if (!b) {
          this.report(e.pos, "'self' outside a method");
          return ERROR;
        }
        return { e: { op: 'local', type: b.type, local: b.local }, t: b.type };
      }
      case 'unary': return this.unary(e, expected);
      case 'binary': return this.binary(e, expected);
      case 'call': return this.call(e, false);
      case 'methodCall': return this.methodCall(e, false);
      case 'field': {
        const o = this.expr(e.object, null);
        if (o.t === 'error') return ERROR;
        if (typeof o.t === 'object' && o.t.kind === 'array' && e.field === 'length') {
          return { e: { op: 'length', type: 'i32', array: o.e, pos: e.pos }, t: 'i32' };
        }
        const field = this.fieldOf(o, e.field, e.pos);
        if (!field) return ERROR;
        return { e: { op: 'getField', type: field.type, object: o.e, field, pos: e.pos }, t: field.type };
      }
      case 'index': {
        const [a, i] = this.sequence([() => this.expr(e.array, null), () => this.expr(e.index, 'i32')]) as [Typed, Typed];
        const elem = this.elemType(a, i, e.pos);
        if (elem === null) return ERROR;
        return { e: { op: 'getElem', type: elem, array: a.e, index: i.e, pos: e.pos }, t: elem };
      }
      case 'as':
      case 'is': return this.classTest(e);
      case 'newObject': {
        const c = this.ctx.classByName(e.className);
        if (!c) {
          this.report(e.pos, `unknown class '${e.className}'`);
          return ERROR;
        }
        const type: ClassType = { kind: 'class', classId: c.id, name: c.name };
        return { e: { op: 'newObject', type, classId: c.id, pos: e.pos }, t: type };
      }
      case 'newArray': {
        const elem = this.ctx.resolveType(e.elem);
        const n = this.expr(e.length, 'i32');
        if (n.t !== 'error' && n.t !== 'i32') this.report(e.length.pos, `array length must be i32, found ${typeToString(n.t)}`);
        if (elem === null) return ERROR;
        const type: ValueType = { kind: 'array', elem };
        return { e: { op: 'newArray', type, elem, length: n.e, pos: e.pos }, t: type };
      }
      default:
        throw new Error('unreachable: integer literals are handled above');
    }
  }

  private intLiteral(v: bigint, pos: Pos, expected: Type | null): Typed {
    const t = expected !== null && isIntType(expected) ? expected : defaultIntType(v);
    if (!fitsIn(v, t)) {
      this.report(pos, `integer literal ${v} does not fit in ${t}`);
      return ERROR;
    }
    return { e: { op: 'const', type: t, value: t === 'i32' ? Number(v) : v }, t };
  }

  private name(e: A.Expr & { kind: 'name' }): Typed {
    const local = this.lookupLocal(e.name);
    if (local) return { e: { op: 'local', type: local.type, local: local.local }, t: local.type };
    const g = this.ctx.globalByName(e.name);
    if (g) return { e: { op: 'global', type: g.type, global: g.id }, t: g.type };
    const c = this.ctx.constByName(e.name);
    if (c) return { e: { op: 'const', type: c.type, value: c.value }, t: c.type };
    if (this.ctx.functionByName(e.name)) this.report(e.pos, `function '${e.name}' is not a value; call it`);
    else this.report(e.pos, `unknown name '${e.name}'`);
    return ERROR;
  }

  private unary(e: A.Expr & { kind: 'unary' }, expected: Type | null): Typed {
    const o = this.expr(e.operand, e.op === '!' ? 'bool' : expected);
    if (o.t === 'error') return ERROR;
    if (e.op === '!') {
      if (o.t !== 'bool') return this.mismatch(e.pos, `'!' needs a bool operand, found ${typeToString(o.t)}`);
      return { e: negate(o.e), t: 'bool' };
    }
    const kind = UNARY_OPS[e.op];
    if (!takes(UNARY[kind].operands, o.t)) {
      return this.mismatch(e.pos, `'${e.op}' cannot apply to ${typeToString(o.t)}`);
    }
    const t = o.t as ValueType;
    return { e: { op: 'unary', type: t, kind, operand: o.e }, t };
  }

  /** A chain of binary operators, along its left spine with a loop (`chains.ts`). */
  private binary(e: A.Expr & { kind: 'binary' }, expected: Type | null): Typed {
    const spine = leftSpine(e);
    const expects: (Type | null)[] = [];
    let exp = expected;
    for (let i = spine.length - 1; i >= 0; i--) {
      expects[i] = exp;
      const op = (spine[i] as BinaryExpr).op;
      exp = op === '&&' || op === '||' ? 'bool' : isComparison(BINARY_OPS[op]) ? null : exp;
    }
    let acc: Typed | null = null;
    spine.forEach((node, i) => {
      // The value so far goes to a temporary now and then, so that the IR's trees stay shallow.
      if (acc !== null && i % SPILL_EVERY === 0) acc = this.stable(acc);
      acc = this.binaryNode(node, expects[i] ?? null, acc);
    });
    return acc as unknown as Typed;
  }

  /** One operator of a chain; `left` is its left operand's value when already lowered. */
  private binaryNode(e: BinaryExpr, expected: Type | null, left: Typed | null): Typed {
    if (e.op === '&&' || e.op === '||') return this.logical(e, left);
    const ctx = isComparison(BINARY_OPS[e.op]) ? null : expected;
    let l: Typed;
    let r: Typed;
    if (left === null && isIntLiteral(e.left) && !isIntLiteral(e.right)) {
      // The literal takes the other operand's type; it hoists nothing, so order is kept.
      r = this.expr(e.right, ctx);
      l = this.expr(e.left, r.t === 'error' ? ctx : (r.t as Type));
    } else {
      [l, r] = this.sequence([() => left ?? this.expr(e.left, ctx), (prev) => this.expr(e.right, typeOf(prev[0]) ?? ctx)]) as [Typed, Typed];
    }
    return this.arithmetic(e.op, l, r, e.pos);
  }

  /** Types and builds `l op r` (also the arithmetic of compound assignments). */
  private arithmetic(op: Exclude<A.BinaryOp, '&&' | '||'>, l: Typed, r: Typed, pos: Pos): Typed {
    if (l.t === 'error' || r.t === 'error') return ERROR;
    const kind = BINARY_OPS[op];
    if (op === '==' || op === '!=') {
      if (l.t === 'null' && r.t === 'null') return { e: { op: 'const', type: 'bool', value: op === '==' }, t: 'bool' };
      const operandType = this.comparable(l.t, r.t);
      if (!operandType) return this.mismatch(pos, `cannot compare ${typeToString(l.t)} with ${typeToString(r.t)}`);
      return { e: { op: 'binary', type: 'bool', kind, operandType, left: l.e, right: r.e, pos }, t: 'bool' };
    }
    if (!sameType(l.t, r.t)) {
      return this.mismatch(pos, `operands of '${op}' have different types: ${typeToString(l.t)} and ${typeToString(r.t)}`);
    }
    const t = l.t;
    if (!takes(binaryOperands(kind), t)) {
      return this.mismatch(pos, `'${op}' cannot apply to ${typeToString(t)}`);
    }
    const type: Type = isComparison(kind) ? 'bool' : t;
    return { e: { op: 'binary', type, kind, operandType: t as ValueType, left: l.e, right: r.e, pos }, t: type };
  }

  private comparable(a: Type, b: Type): ValueType | null {
    if (a === 'void' || b === 'void') return null;
    if (a === 'null') return isRefType(b) ? b : null;
    if (b === 'null') return isRefType(a) ? a : null;
    if (isRefType(a) && isRefType(b)) {
      if (this.ctx.assignable(a, b)) return b;
      if (this.ctx.assignable(b, a)) return a;
      return null;
    }
    return sameType(a, b) ? (a as ValueType) : null;
  }

  private logical(e: BinaryExpr, left: Typed | null): Typed {
    const l = left ?? this.expr(e.left, 'bool');
    const saved = this.out;
    this.out = [];
    const r = this.expr(e.right, 'bool');
    const rightStmts = this.out;
    this.out = saved;
    if (l.t === 'error' || r.t === 'error') return ERROR;
    if (l.t !== 'bool' || r.t !== 'bool') {
      return this.mismatch(e.pos, `'${e.op}' needs bool operands, found ${typeToString(l.t)} and ${typeToString(r.t)}`);
    }
    const kind = e.op === '&&' ? 'and' : 'or';
    if (rightStmts.length === 0) return { e: { op: 'logical', type: 'bool', kind, left: l.e, right: r.e }, t: 'bool' };
    // The right side calls: evaluate it only when needed, as statements.
    const local = this.temp('bool');
    const tv: Expr = { op: 'local', type: 'bool', local };
    this.out.push({ op: 'setLocal', local, value: l.e });
    this.out.push({ op: 'if', cond: kind === 'and' ? tv : negate(tv), then: [...rightStmts, { op: 'setLocal', local, value: r.e }], else: [] });
    return { e: tv, t: 'bool' };
  }

  private classTest(e: A.Expr & { kind: 'as' | 'is' }): Typed {
    const v = this.expr(e.value, null);
    const c = this.ctx.classByName(e.className);
    if (!c) {
      this.report(e.classPos, `unknown class '${e.className}'`);
      return ERROR;
    }
    if (v.t === 'error') return ERROR;
    const type: ClassType = { kind: 'class', classId: c.id, name: c.name };
    if (v.t !== 'null') {
      if (typeof v.t !== 'object' || v.t.kind !== 'class') {
        return this.mismatch(e.pos, `'${e.kind}' needs an object, found ${typeToString(v.t)}`);
      }
      const from = this.ctx.classById(v.t.classId);
      if (!isSubclass(from, c) && !isSubclass(c, from)) {
        return this.mismatch(e.pos, `${typeToString(v.t)} can never be a ${c.name}`);
      }
    }
    if (e.kind === 'is') return { e: { op: 'isInstance', type: 'bool', value: v.e, classId: c.id }, t: 'bool' };
    return { e: { op: 'cast', type, value: v.e, classId: c.id, pos: e.pos }, t: type };
  }

  fieldOf(o: Typed, name: string, pos: Pos): { name: string; offset: number; type: ValueType } | null {
    if (typeof o.t !== 'object' || o.t.kind !== 'class') {
      if (o.t !== 'error') this.report(pos, `${typeToString(o.t as Type)} has no field '${name}'`);
      return null;
    }
    const c = this.ctx.classById(o.t.classId);
    const field = fieldIndex(c).get(name);
    if (!field) {
      this.report(pos, c.methods.has(name) ? `'${name}' is a method of ${c.name}; call it` : `class ${c.name} has no field '${name}'`);
      return null;
    }
    return field;
  }

  elemType(a: Typed, i: Typed, pos: Pos): ValueType | null {
    if (a.t === 'error' || i.t === 'error') return null;
    if (typeof a.t !== 'object' || a.t.kind !== 'array') {
      this.report(pos, `cannot index a value of type ${typeToString(a.t)}`);
      return null;
    }
    if (i.t !== 'i32') {
      this.report(pos, `array index must be i32, found ${typeToString(i.t)}`);
      return null;
    }
    return a.t.elem;
  }

  // ---- calls ----

  private call(e: A.Expr & { kind: 'call' }, discard: boolean): Typed {
    if (e.callee === 'i32' || e.callee === 'i64' || e.callee === 'f64') return checkConversion(this, e);
    const fn = this.ctx.functionByName(e.callee);
    const builtin = fn && HIDEABLE_BUILTINS.has(e.callee) ? undefined : checkBuiltin(this, e, discard);
    if (builtin) return builtin;
    if (!fn) {
      if (this.lookupLocal(e.callee) || this.ctx.globalByName(e.callee)) this.report(e.pos, `'${e.callee}' is not a function`);
      else this.report(e.pos, `unknown function '${e.callee}'`);
      this.args(e.args, []);
      return ERROR;
    }
    const args = this.args(e.args, fn.params, e.pos, e.callee);
    return this.finishCall({ kind: 'direct', fn: fn.id }, args, fn.result, e.pos, discard);
  }

  private methodCall(e: A.Expr & { kind: 'methodCall' }, discard: boolean): Typed {
    const thunks: ((prev: readonly Typed[]) => Typed)[] = [() => this.expr(e.receiver, null)];
    const recv = this.sequence(thunks)[0] as Typed;
    if (recv.t === 'error') return ERROR;
    if (typeof recv.t !== 'object' || recv.t.kind !== 'class') {
      this.report(e.pos, `${typeToString(recv.t)} has no method '${e.method}'`);
      return ERROR;
    }
    const c = this.ctx.classById(recv.t.classId);
    const m = c.methods.get(e.method);
    if (!m) {
      this.report(e.pos, `class ${c.name} has no method '${e.method}'`);
      return ERROR;
    }
    const fn = this.ctx.functionById(m.fn);
    const mark = this.out.length;
    const args = this.args(e.args, fn.params.slice(1), e.pos, e.method);
    const [r] = this.spillBefore(mark, [recv]) as [Typed];
    return this.finishCall({ kind: 'virtual', slot: m.slot, classId: c.id, pos: e.pos }, [r.e, ...args], fn.result, e.pos, discard);
  }

  private finishCall(callee: Callee, args: Expr[], result: ValueType | 'void', pos: Pos, discard: boolean): Typed {
    const point = this.newPoint();
    if (result === 'void' || discard) {
      this.out.push({ op: 'call', callee, args, result: -1, point, pos });
      return { e: { op: 'const', type: 'i32', value: 0 }, t: 'void' };
    }
    const local = this.temp(result);
    this.out.push({ op: 'call', callee, args, result: local, point, pos });
    return { e: { op: 'local', type: result, local }, t: result };
  }

  /** Lowers call arguments in order against parameter types. */
  private args(args: readonly A.Expr[], params: readonly ValueType[], pos?: Pos, name?: string): Expr[] {
    if (pos && args.length !== params.length) {
      this.report(pos, `'${name}' takes ${params.length} argument${params.length === 1 ? '' : 's'}, found ${args.length}`);
    }
    const typed = this.sequence(args.map((a, i) => () => this.expr(a, params[i] ?? null)));
    typed.forEach((t, i) => {
      const p = params[i];
      if (p) this.expectAssignable(t, p, (args[i] as A.Expr).pos);
    });
    return typed.map((t) => t.e);
  }

  maybeDrop(v: Typed, discard: boolean): Typed {
    if (!discard) return v;
    this.out.push({ op: 'drop', value: v.e });
    return { e: { op: 'const', type: 'i32', value: 0 }, t: 'void' };
  }

  // ---- type checks ----

  private expectAssignable(v: Typed, to: ValueType, pos: Pos): void {
    if (v.t === 'error') return;
    if (v.t === 'void') {
      this.report(pos, 'this call returns no value');
      return;
    }
    if (!this.ctx.assignable(v.t, to)) this.report(pos, `expected ${typeToString(to)}, found ${typeToString(v.t)}`);
  }

  expectType(v: Typed, t: Type, pos: Pos): void {
    if (v.t !== 'error' && !sameType(v.t, t)) this.report(pos, `expected ${typeToString(t)}, found ${typeToString(v.t)}`);
  }

  mismatch(pos: Pos, message: string): Typed {
    this.report(pos, message);
    return ERROR;
  }
}

/** Each class's fields by name, made at the first field access (a class's fields never change). */
const FIELD_INDEX = new WeakMap<ClassInfo, Map<string, FieldRef>>();

function fieldIndex(c: ClassInfo): Map<string, FieldRef> {
  let index = FIELD_INDEX.get(c);
  if (!index) {
    index = new Map(c.fields.map((f) => [f.name, f]));
    FIELD_INDEX.set(c, index);
  }
  return index;
}

function intTypeOf(v: Typed | undefined): Type | null {
  const t = typeOf(v);
  return t !== null && isIntType(t) ? t : null;
}

function isStable(e: Expr): boolean {
  return e.op === 'const' || e.op === 'local';
}

function negate(e: Expr): Expr {
  if (e.op === 'const' && typeof e.value === 'boolean') return { op: 'const', type: 'bool', value: !e.value };
  if (e.op === 'unary' && e.kind === 'not') return e.operand;
  return { op: 'unary', type: 'bool', kind: 'not', operand: e };
}
