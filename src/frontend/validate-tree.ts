//! Validates a syntax tree that did not come from the parser (the builder
//! API, or a tree an embedder made by hand) against what the parser can
//! produce: node kinds, operators, names that lex as names, literals that
//! the lexer would accept, positions. A tree that passes reaches the checker
//! exactly as a parsed one would, so it gets the same checks and
//! diagnostics, and no tier meets a node it does not know.
//!
//! It needs only the tree; it does not check types or names against the
//! program (the checker does). A node too malformed to have a position is
//! reported at its nearest ancestor's.

import type * as A from './ast.js';
import { KEYWORDS } from './lexer.js';
import type { Diagnostic } from './diagnostic.js';

const BINARY_OPS: ReadonlySet<string> = new Set<A.BinaryOp>([
  '||', '&&', '==', '!=', '<', '<=', '>', '>=', '|', '^', '&', '<<', '>>', '>>>', '+', '-', '*', '/', '%',
]);
const UNARY_OPS: ReadonlySet<string> = new Set<A.UnaryOp>(['-', '!', '~']);
const ASSIGN_OPS: ReadonlySet<string> = new Set<A.AssignOp>(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '>>>=']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The largest integer literal the language writes (an i64 literal's magnitude: `-9223372036854775808`). */
const MAX_INT_LITERAL = 2n ** 64n - 1n;

type Node = Record<string, unknown>;

/** The diagnostics of `module`'s shape, in tree order: empty when it is a tree the parser could have made. */
export function validateTree(module: unknown): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const m = module as Node | null;
  const fileName = m !== null && typeof m === 'object' && typeof m.fileName === 'string' ? m.fileName : '<module>';
  const v = new Validator(fileName, diagnostics);
  if (m === null || typeof m !== 'object' || typeof m.fileName !== 'string' || !Array.isArray(m.items)) {
    v.report(null, 'not a module: it needs a fileName string and an items array');
  } else {
    for (const item of m.items) v.item(item);
  }
  return diagnostics;
}

class Validator {
  constructor(private readonly fileName: string, private readonly diagnostics: Diagnostic[]) {}

  report(at: A.Pos | null, message: string): void {
    this.diagnostics.push({ fileName: this.fileName, line: at?.line ?? 1, col: at?.col ?? 1, message });
  }

  /** `n.pos` when `n` is a node with a valid position; else reports it and gives the parent's. */
  private node(n: unknown, what: string, parent: A.Pos | null): { readonly n: Node; readonly pos: A.Pos } | null {
    if (n === null || typeof n !== 'object') {
      this.report(parent, `malformed syntax tree: ${what} is missing`);
      return null;
    }
    const node = n as Node;
    const pos = node.pos as A.Pos | undefined;
    if (!isPos(pos)) {
      this.report(parent, `malformed syntax tree: ${what} has no valid position (a line and a column, integers from 1)`);
      return null;
    }
    return { n: node, pos };
  }

  private name(v: unknown, what: string, at: A.Pos): void {
    if (typeof v !== 'string' || !NAME.test(v)) this.report(at, `${what} must be a name (letters, digits and '_', not starting with a digit), got ${show(v)}`);
    else if (KEYWORDS.has(v)) this.report(at, `${what} cannot be the keyword '${v}'`);
  }

  private list(v: unknown, what: string, at: A.Pos, each: (x: unknown) => void): void {
    if (!Array.isArray(v)) this.report(at, `malformed syntax tree: ${what} must be an array`);
    else for (const x of v) each(x);
  }

  item(item: unknown): void {
    const kind = (item as Node | null)?.kind;
    const it = this.node(item, `an item (${show(kind)})`, null);
    if (!it) return;
    const { n, pos } = it;
    switch (kind) {
      case 'fn': return this.fn(n, pos);
      case 'class':
        this.name(n.name, 'a class name', pos);
        if (n.parent !== null) {
          const p = this.node(n.parent, 'the parent class', pos);
          if (p) this.name(p.n.name, 'a parent class name', p.pos);
        }
        this.list(n.fields, 'fields', pos, (f) => this.field(f, pos));
        this.list(n.methods, 'methods', pos, (f) => {
          const m = this.node(f, 'a method', pos);
          if (!m) return;
          if (m.n.kind !== 'fn' || m.n.hasSelf !== true) this.report(m.pos, 'malformed syntax tree: a method must be a fn item with hasSelf true');
          else this.fn(m.n, m.pos);
        });
        return;
      case 'global':
      case 'const':
        this.name(n.name, `a ${kind} name`, pos);
        this.type(n.type, pos);
        this.expr(n.init, pos);
        return;
      default:
        this.report(pos, `malformed syntax tree: unknown item kind ${show(kind)}`);
    }
  }

  private fn(n: Node, pos: A.Pos): void {
    this.name(n.name, 'a function name', pos);
    if (typeof n.hasSelf !== 'boolean') this.report(pos, 'malformed syntax tree: a fn item needs hasSelf (a boolean)');
    this.list(n.params, 'parameters', pos, (p) => this.field(p, pos));
    if (n.result !== null) this.type(n.result, pos);
    if (n.body !== null) this.block(n.body, pos);
  }

  /** A parameter or a field: a name, a type and a position. */
  private field(f: unknown, parent: A.Pos): void {
    const it = this.node(f, 'a parameter or field', parent);
    if (!it) return;
    this.name(it.n.name, 'a parameter or field name', it.pos);
    this.type(it.n.type, it.pos);
  }

  private type(t: unknown, parent: A.Pos): void {
    const it = this.node(t, 'a type', parent);
    if (!it) return;
    if (it.n.kind === 'array') this.type(it.n.elem, it.pos);
    else if (it.n.kind === 'named') this.name(it.n.name, 'a type name', it.pos);
    else this.report(it.pos, `malformed syntax tree: unknown type kind ${show(it.n.kind)}`);
  }

  private block(b: unknown, parent: A.Pos): void {
    const it = this.node(b, 'a block', parent);
    if (!it) return;
    if (it.n.kind !== 'block') this.report(it.pos, `malformed syntax tree: expected a block, got ${show(it.n.kind)}`);
    else this.list(it.n.stmts, 'statements', it.pos, (s) => this.stmt(s, it.pos));
  }

  private stmt(s: unknown, parent: A.Pos): void {
    const it = this.node(s, 'a statement', parent);
    if (!it) return;
    const { n, pos } = it;
    switch (n.kind) {
      case 'block': return this.block(n, parent);
      case 'let':
        this.name(n.name, 'a variable name', pos);
        if (n.type !== null) this.type(n.type, pos);
        return this.expr(n.init, pos);
      case 'assign':
        if (typeof n.op !== 'string' || !ASSIGN_OPS.has(n.op)) this.report(pos, `unknown assignment operator ${show(n.op)}`);
        this.expr(n.target, pos);
        return this.expr(n.value, pos);
      case 'if':
        this.expr(n.cond, pos);
        this.block(n.then, pos);
        if (n.else !== null) this.block(n.else, pos);
        return;
      case 'while':
        this.expr(n.cond, pos);
        return this.block(n.body, pos);
      case 'for':
        this.name(n.name, 'a loop variable name', pos);
        if (!isPos(n.namePos)) this.report(pos, 'malformed syntax tree: a for statement needs namePos');
        this.expr(n.from, pos);
        this.expr(n.to, pos);
        return this.block(n.body, pos);
      case 'break': case 'continue': return;
      case 'return': return n.value === null ? undefined : this.expr(n.value, pos);
      case 'delete': return this.expr(n.value, pos);
      case 'expr': return this.expr(n.expr, pos);
      default: this.report(pos, `malformed syntax tree: unknown statement kind ${show(n.kind)}`);
    }
  }

  private expr(e: unknown, parent: A.Pos): void {
    const it = this.node(e, 'an expression', parent);
    if (!it) return;
    const { n, pos } = it;
    switch (n.kind) {
      case 'int':
        if (typeof n.value !== 'bigint' || n.value < 0n || n.value > MAX_INT_LITERAL || typeof n.text !== 'string') {
          this.report(pos, `an integer literal must be a bigint from 0 to 2^64-1 (a negative one is unary '-'), got ${show(n.value)}`);
        }
        return;
      case 'float':
        if (typeof n.value !== 'number' || typeof n.text !== 'string') this.report(pos, `malformed syntax tree: a float literal needs a number value, got ${show(n.value)}`);
        else if (!Number.isFinite(n.value)) this.report(pos, `float literal ${n.text} does not fit in f64`);
        else if (n.value < 0) this.report(pos, `a float literal cannot be negative (that is unary '-'), got ${n.value}`);
        return;
      case 'bool':
        if (typeof n.value !== 'boolean') this.report(pos, `malformed syntax tree: a bool literal needs a boolean value, got ${show(n.value)}`);
        return;
      case 'string':
        if (typeof n.value !== 'string') this.report(pos, `malformed syntax tree: a string literal needs a string value, got ${show(n.value)}`);
        return;
      case 'null': case 'self': return;
      case 'name': return this.name(n.name, 'a name', pos);
      case 'unary':
        if (typeof n.op !== 'string' || !UNARY_OPS.has(n.op)) this.report(pos, `unknown unary operator ${show(n.op)}`);
        return this.expr(n.operand, pos);
      case 'binary':
        if (typeof n.op !== 'string' || !BINARY_OPS.has(n.op)) this.report(pos, `unknown binary operator ${show(n.op)}`);
        this.expr(n.left, pos);
        return this.expr(n.right, pos);
      case 'call':
        this.name(n.callee, 'a function name', pos);
        return this.list(n.args, 'arguments', pos, (a) => this.expr(a, pos));
      case 'methodCall':
        this.expr(n.receiver, pos);
        this.name(n.method, 'a method name', pos);
        return this.list(n.args, 'arguments', pos, (a) => this.expr(a, pos));
      case 'field':
        this.expr(n.object, pos);
        return this.name(n.field, 'a field name', pos);
      case 'index':
        this.expr(n.array, pos);
        return this.expr(n.index, pos);
      case 'as': case 'is':
        this.expr(n.value, pos);
        if (!isPos(n.classPos)) this.report(pos, `malformed syntax tree: '${n.kind}' needs classPos`);
        return this.name(n.className, 'a class name', pos);
      case 'newObject': return this.name(n.className, 'a class name', pos);
      case 'newArray':
        this.type(n.elem, pos);
        return this.expr(n.length, pos);
      default: this.report(pos, `malformed syntax tree: unknown expression kind ${show(n.kind)}`);
    }
  }
}

function isPos(p: unknown): p is A.Pos {
  if (p === null || typeof p !== 'object') return false;
  const { line, col } = p as Node;
  return Number.isInteger(line) && Number.isInteger(col) && (line as number) >= 1 && (col as number) >= 1;
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'bigint') return `${v}n`;
  return v === null || typeof v !== 'object' ? String(v) : Array.isArray(v) ? 'an array' : 'an object';
}
