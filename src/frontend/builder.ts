//! A TypeScript API that builds Rejit modules without source text, for front
//! ends that generate code. It builds the same syntax tree the parser does;
//! `Session.loadModule` validates it as the parser's trees are
//! (`validate-tree.ts`), checks it and lowers it to the same typed IR, with
//! the same diagnostics. Positions are the embedder's: `at(line, col)` places
//! the nodes made after it, so that a diagnostic or a trap in generated code
//! points into the program it was generated from (its file is the module's
//! file name). Before any `at`, positions are synthetic: line N is the N-th
//! node the builder made, so a diagnostic still points at one construct.
//!
//! ```ts
//! const m = new ModuleBuilder('gen.rj');
//! const { name, int, bin, call } = m.expr;
//! m.fn('fib', [['n', 'i32']], 'i32', [
//!   m.stmt.if(bin('<', name('n'), int(2)), [m.stmt.return(name('n'))]),
//!   m.stmt.return(bin('+', call('fib', bin('-', name('n'), int(1))), call('fib', bin('-', name('n'), int(2))))),
//! ]);
//! session.loadModule(m.build());
//!
//! // A front end places what it generates at its own source positions:
//! const bf = new ModuleBuilder('hello.bf');
//! bf.at(1, 17);   // what follows comes from column 17 of line 1 of hello.bf
//! ```
//! It does not check anything itself: a value the checker would refuse is
//! built as given, and refused (as a diagnostic) by the load.

import type * as A from './ast.js';

/** A type as the builder takes it: `'i32'`, `'Shape'`, `'f64[]'`, `'i32[][]'`. */
export type TypeName = string;

/** Builds one module's syntax tree, item by item, for `Session.loadModule` (see the example above). */
export class ModuleBuilder {
  private readonly items: A.Item[] = [];
  private nodes = 0;
  /** The position `at` set, or null for synthetic positions. */
  private placed: A.Pos | null = null;

  constructor(readonly fileName: string) {}

  /**
   * Places every node made from now on (until the next `at`) at line
   * `line`, column `col` of this module's file: diagnostics and traps of
   * what is built next point there. Positions are 1-based; a position that
   * is not is refused, as a malformed tree, by the load.
   */
  at(line: number, col = 1): this {
    this.placed = { line, col };
    return this;
  }

  private pos(): A.Pos {
    return this.placed ?? { line: ++this.nodes, col: 1 };
  }

  private type(t: TypeName): A.TypeExpr {
    const pos = this.pos();
    if (t.endsWith('[]')) return { kind: 'array', elem: this.type(t.slice(0, -2)), pos };
    return { kind: 'named', name: t, pos };
  }

  private params(ps: readonly (readonly [string, TypeName])[]): A.Param[] {
    return ps.map(([name, t]) => ({ name, type: this.type(t), pos: this.pos() }));
  }

  private fnItem(name: string, hasSelf: boolean, ps: readonly (readonly [string, TypeName])[], result: TypeName | null, body: readonly A.Stmt[] | null): A.FnItem {
    const pos = this.pos();
    return {
      kind: 'fn', name, pos, hasSelf, params: this.params(ps), result: result === null ? null : this.type(result),
      body: body === null ? null : { kind: 'block', pos, stmts: body },
    };
  }

  /** A function; `body` null makes a declaration. */
  fn(name: string, params: readonly (readonly [string, TypeName])[], result: TypeName | null, body: readonly A.Stmt[] | null): this {
    this.items.push(this.fnItem(name, false, params, result, body));
    return this;
  }

  /** `host fn name(..) -> T;`: a function the session's host gives (`SessionOptions.host`). */
  hostFn(name: string, params: readonly (readonly [string, TypeName])[], result: TypeName | null): this {
    this.items.push({ ...this.fnItem(name, false, params, result, null), host: true });
    return this;
  }

  /** A class with fields and methods (methods take `self` implicitly; `body` null makes one abstract). */
  class(
    name: string,
    parent: string | null,
    fields: readonly (readonly [string, TypeName])[],
    methods: readonly { name: string; params: readonly (readonly [string, TypeName])[]; result: TypeName | null; body: readonly A.Stmt[] | null }[] = [],
  ): this {
    const pos = this.pos();
    this.items.push({
      kind: 'class', name, pos,
      parent: parent === null ? null : { name: parent, pos },
      fields: fields.map(([n, t]) => ({ name: n, type: this.type(t), pos: this.pos() })),
      methods: methods.map((m) => this.fnItem(m.name, true, m.params, m.result, m.body)),
    });
    return this;
  }

  /** Adds `global name: type = init;`. */
  global(name: string, type: TypeName, init: A.Expr): this {
    this.items.push({ kind: 'global', name, pos: this.pos(), type: this.type(type), init });
    return this;
  }

  /** Adds `const name: type = init;`. */
  const(name: string, type: TypeName, init: A.Expr): this {
    this.items.push({ kind: 'const', name, pos: this.pos(), type: this.type(type), init });
    return this;
  }

  /** The module as built so far. */
  build(): A.Module {
    return { fileName: this.fileName, items: [...this.items] };
  }

  /** Expression constructors. */
  readonly expr = {
    /** A negative value is `-` applied to its magnitude, as the parser reads `-5`. */
    int: (v: number | bigint): A.Expr => {
      const pos = this.pos();
      // A number that is not an integer stays as it is, for the load to refuse.
      const value = typeof v === 'number' && !Number.isInteger(v) ? (v as unknown as bigint) : BigInt(v);
      if (value < 0n) return { kind: 'unary', pos, op: '-', operand: { kind: 'int', pos, value: -value, text: String(-value) } };
      return { kind: 'int', pos, value, text: String(v) };
    },
    float: (v: number): A.Expr => {
      const pos = this.pos();
      if (v < 0 || Object.is(v, -0)) return { kind: 'unary', pos, op: '-', operand: { kind: 'float', pos, value: -v, text: String(-v) } };
      return { kind: 'float', pos, value: v, text: String(v) };
    },
    bool: (v: boolean): A.Expr => ({ kind: 'bool', pos: this.pos(), value: v }),
    null: (): A.Expr => ({ kind: 'null', pos: this.pos() }),
    str: (v: string): A.Expr => ({ kind: 'string', pos: this.pos(), value: v }),
    name: (n: string): A.Expr => ({ kind: 'name', pos: this.pos(), name: n }),
    self: (): A.Expr => ({ kind: 'self', pos: this.pos() }),
    unary: (op: A.UnaryOp, operand: A.Expr): A.Expr => ({ kind: 'unary', pos: this.pos(), op, operand }),
    bin: (op: A.BinaryOp, left: A.Expr, right: A.Expr): A.Expr => ({ kind: 'binary', pos: this.pos(), op, left, right }),
    call: (callee: string, ...args: A.Expr[]): A.Expr => ({ kind: 'call', pos: this.pos(), callee, args }),
    method: (receiver: A.Expr, method: string, ...args: A.Expr[]): A.Expr => ({ kind: 'methodCall', pos: this.pos(), receiver, method, args }),
    field: (object: A.Expr, field: string): A.Expr => ({ kind: 'field', pos: this.pos(), object, field }),
    index: (array: A.Expr, index: A.Expr): A.Expr => ({ kind: 'index', pos: this.pos(), array, index }),
    as: (value: A.Expr, className: string): A.Expr => ({ kind: 'as', pos: this.pos(), value, className, classPos: this.pos() }),
    is: (value: A.Expr, className: string): A.Expr => ({ kind: 'is', pos: this.pos(), value, className, classPos: this.pos() }),
    newObject: (className: string): A.Expr => ({ kind: 'newObject', pos: this.pos(), className }),
    newArray: (elem: TypeName, length: A.Expr): A.Expr => ({ kind: 'newArray', pos: this.pos(), elem: this.type(elem), length }),
  };

  /** Statement constructors. */
  readonly stmt = {
    let: (name: string, type: TypeName | null, init: A.Expr): A.Stmt => ({ kind: 'let', pos: this.pos(), name, type: type === null ? null : this.type(type), init }),
    assign: (target: A.Expr, value: A.Expr, op: A.AssignOp = '='): A.Stmt => ({ kind: 'assign', pos: this.pos(), op, target, value }),
    if: (cond: A.Expr, then: readonly A.Stmt[], otherwise: readonly A.Stmt[] | null = null): A.Stmt => ({
      kind: 'if', pos: this.pos(), cond,
      then: { kind: 'block', pos: this.pos(), stmts: then },
      else: otherwise === null ? null : { kind: 'block', pos: this.pos(), stmts: otherwise },
    }),
    while: (cond: A.Expr, body: readonly A.Stmt[]): A.Stmt => ({ kind: 'while', pos: this.pos(), cond, body: { kind: 'block', pos: this.pos(), stmts: body } }),
    for: (name: string, from: A.Expr, to: A.Expr, body: readonly A.Stmt[]): A.Stmt => {
      const pos = this.pos();
      return { kind: 'for', pos, name, namePos: pos, from, to, body: { kind: 'block', pos: this.pos(), stmts: body } };
    },
    break: (): A.Stmt => ({ kind: 'break', pos: this.pos() }),
    continue: (): A.Stmt => ({ kind: 'continue', pos: this.pos() }),
    return: (value: A.Expr | null = null): A.Stmt => ({ kind: 'return', pos: this.pos(), value }),
    delete: (value: A.Expr): A.Stmt => ({ kind: 'delete', pos: this.pos(), value }),
    expr: (e: A.Expr): A.Stmt => ({ kind: 'expr', pos: this.pos(), expr: e }),
    block: (stmts: readonly A.Stmt[]): A.Stmt => ({ kind: 'block', pos: this.pos(), stmts }),
  };
}
