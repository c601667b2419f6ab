//! Recursive-descent parser: tokens to the syntax tree of `ast.ts`.
//!
//! Errors do not stop it. A syntax error is reported at the unexpected token,
//! then the parser skips to a point where it can go on (the end of the
//! statement, the end of the block, the next item) so that one run reports
//! every independent error. Only the first error of a statement is reported,
//! since what follows a syntax error in the same statement is guesswork.
//! Nesting is bounded, so no input can exhaust the stack.

import type * as A from './ast.js';
import { diagnostic, type Diagnostic } from './diagnostic.js';
import { tokenize, type Token } from './lexer.js';

export interface ParseResult {
  readonly module: A.Module;
  readonly diagnostics: readonly Diagnostic[];
}

export function parseModule(source: string, fileName: string): ParseResult {
  const parser = new Parser(tokenize(source), fileName);
  const items = parser.items();
  return { module: { fileName, items }, diagnostics: parser.diagnostics };
}

/** Thrown to abandon the current statement or item after a syntax error has been reported. */
class SyntaxError {}

/** Deeper nesting than any real program has; each level takes about fifteen JS frames. */
const MAX_DEPTH = 256;

const ASSIGN_OPS: ReadonlySet<string> = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '>>>=']);
const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** Binary operator levels from loosest to tightest, as in the spec's table. */
const LEVELS: readonly (readonly string[])[] = [
  ['||'], ['&&'], ['==', '!=', '<', '<=', '>', '>='], ['|'], ['^'], ['&'], ['<<', '>>', '>>>'], ['+', '-'], ['*', '/', '%'],
];
/** Each binary operator's level in LEVELS. */
const LEVEL_OF: ReadonlyMap<string, number> = new Map(LEVELS.flatMap((ops, level) => ops.map((op) => [op, level] as const)));

class Parser {
  readonly diagnostics: Diagnostic[] = [];
  private at = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly fileName: string,
  ) {
    // Lexical errors are reported once, here; the parser skips their tokens.
    for (const t of tokens) if (t.kind === 'error') this.report(t.pos, t.text);
    this.tokens = tokens.filter((t) => t.kind !== 'error');
  }

  // ---- items

  items(): A.Item[] {
    const items: A.Item[] = [];
    while (!this.check('eof')) {
      const start = this.at;
      try {
        items.push(this.item());
      } catch (e) {
        if (!(e instanceof SyntaxError)) throw e;
        this.skipToItem(start);
      }
    }
    return items;
  }

  private item(): A.Item {
    const t = this.peek();
    if (this.isKeyword('fn')) return this.fnItem();
    if (t.kind === 'name' && t.text === 'host' && this.peek(1).kind === 'keyword' && this.peek(1).text === 'fn') return this.hostFnItem();
    if (this.isKeyword('class')) return this.classItem();
    if (this.isKeyword('global') || this.isKeyword('const')) {
      this.next();
      const kind = t.text as 'global' | 'const';
      const name = this.name();
      this.expect(':');
      const type = this.type();
      this.expect('=');
      const init = this.expr();
      this.expect(';');
      return { kind, name: name.text, pos: name.pos, type, init };
    }
    return this.fail(t, "'fn', 'class', 'global' or 'const'");
  }

  private fnItem(): A.FnItem {
    this.expectKeyword('fn');
    const name = this.name();
    this.expect('(');
    let hasSelf = false;
    const params: A.Param[] = [];
    if (!this.check(')')) {
      if (this.isKeyword('self')) {
        this.next();
        hasSelf = true;
      } else {
        params.push(this.param());
      }
      while (this.accept(',')) params.push(this.param());
    }
    this.expect(')');
    const result = this.accept('->') ? this.type() : null;
    let body: A.Block | null = null;
    if (!this.accept(';')) body = this.block();
    return { kind: 'fn', name: name.text, pos: name.pos, hasSelf, params, result, body };
  }

  /** `host fn f(..) -> T;`: `host` is a word only here (before `fn`, at the start of an item), not a keyword. */
  private hostFnItem(): A.FnItem {
    this.next();
    const fn = this.fnItem();
    if (fn.body) this.report(fn.body.pos, 'a host function has no body: the host defines it');
    return { ...fn, body: null, host: true };
  }

  private param(): A.Param {
    const name = this.name();
    this.expect(':');
    return { name: name.text, type: this.type(), pos: name.pos };
  }

  private classItem(): A.ClassItem {
    this.expectKeyword('class');
    const name = this.name();
    let parent: A.ClassItem['parent'] = null;
    if (this.isKeyword('extends')) {
      this.next();
      const p = this.name();
      parent = { name: p.text, pos: p.pos };
    }
    this.expect('{');
    const fields: A.FieldDecl[] = [];
    const methods: A.FnItem[] = [];
    while (!this.check('}') && !this.check('eof')) {
      const start = this.at;
      try {
        if (this.isKeyword('fn')) {
          methods.push(this.fnItem());
        } else {
          const field = this.name();
          this.expect(':');
          const type = this.type();
          this.expect(';');
          fields.push({ name: field.text, type, pos: field.pos });
        }
      } catch (e) {
        if (!(e instanceof SyntaxError)) throw e;
        this.skipToMember(start);
      }
    }
    this.expect('}');
    return { kind: 'class', name: name.text, pos: name.pos, parent, fields, methods };
  }

  private type(): A.TypeExpr {
    const name = this.name();
    let type: A.TypeExpr = { kind: 'named', name: name.text, pos: name.pos };
    while (this.check('[') && this.peek(1).text === ']' && this.peek(1).kind === 'punct') {
      this.next();
      this.next();
      type = { kind: 'array', elem: type, pos: name.pos };
    }
    return type;
  }

  // ---- statements

  private block(): A.Block {
    const open = this.expect('{');
    return this.nested(() => {
      const stmts: A.Stmt[] = [];
      while (!this.check('}') && !this.check('eof')) {
        const start = this.at;
        try {
          stmts.push(this.stmt());
        } catch (e) {
          if (!(e instanceof SyntaxError)) throw e;
          this.skipToStatement(start);
        }
      }
      this.expect('}');
      return { kind: 'block', pos: open.pos, stmts };
    });
  }

  private stmt(): A.Stmt {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '{') return this.block();
    if (t.kind !== 'keyword') return this.simpleStmt();
    switch (t.text) {
      case 'let': {
        this.next();
        const name = this.name();
        const type = this.accept(':') ? this.type() : null;
        this.expect('=');
        const init = this.expr();
        this.expect(';');
        return { kind: 'let', pos: name.pos, name: name.text, type, init };
      }
      case 'if': return this.ifStmt();
      case 'while': {
        this.next();
        const cond = this.expr();
        return { kind: 'while', pos: t.pos, cond, body: this.block() };
      }
      case 'for': {
        this.next();
        const name = this.name();
        this.expectKeyword('in');
        const from = this.expr();
        this.expect('..');
        const to = this.expr();
        return { kind: 'for', pos: t.pos, name: name.text, namePos: name.pos, from, to, body: this.block() };
      }
      case 'break':
      case 'continue':
        this.next();
        this.expect(';');
        return { kind: t.text, pos: t.pos };
      case 'return': {
        this.next();
        const value = this.check(';') ? null : this.expr();
        this.expect(';');
        return { kind: 'return', pos: t.pos, value };
      }
      case 'delete': {
        this.next();
        const value = this.expr();
        this.expect(';');
        return { kind: 'delete', pos: t.pos, value };
      }
      default:
        return this.simpleStmt();
    }
  }

  /** An `if` and its `else if` chain, read with a loop: a flat chain of any length is not nesting. */
  private ifStmt(): A.Stmt & { kind: 'if' } {
    const arms: { pos: A.Pos; cond: A.Expr; then: A.Block; elsePos: A.Pos | null }[] = [];
    let otherwise: A.Block | null = null;
    for (;;) {
      const t = this.expectKeyword('if');
      const arm = { pos: t.pos, cond: this.expr(), then: this.block(), elsePos: null as A.Pos | null };
      arms.push(arm);
      if (!this.isKeyword('else')) break;
      arm.elsePos = this.next().pos;
      if (!this.isKeyword('if')) {
        otherwise = this.block();
        break;
      }
    }
    let result: (A.Stmt & { kind: 'if' }) | null = null;
    for (let i = arms.length - 1; i >= 0; i--) {
      const arm = arms[i] as (typeof arms)[number];
      result = { kind: 'if', pos: arm.pos, cond: arm.cond, then: arm.then, else: otherwise };
      // The `else` before this arm wraps it in a block, as `else { if .. }` would.
      if (i > 0) otherwise = { kind: 'block', pos: (arms[i - 1] as (typeof arms)[number]).elsePos as A.Pos, stmts: [result] };
    }
    return result as A.Stmt & { kind: 'if' };
  }

  /** An assignment or an expression statement. */
  private simpleStmt(): A.Stmt {
    const first = this.peek();
    const target = this.expr();
    const op = this.peek();
    if (op.kind === 'punct' && ASSIGN_OPS.has(op.text)) {
      this.next();
      const value = this.expr();
      this.expect(';');
      return { kind: 'assign', pos: op.pos, op: op.text as A.AssignOp, target, value };
    }
    this.expect(';');
    return { kind: 'expr', pos: first.pos, expr: target };
  }

  // ---- expressions

  expr(): A.Expr {
    return this.nested(() => this.binary(0));
  }

  /**
   * The operators of `level` and tighter, by precedence climbing: one call
   * per operand rather than one per level, which a start-up, parsing in V8's
   * interpreter, pays for nine times per operand.
   */
  private binary(level: number): A.Expr {
    let left = this.cast();
    let previousComparison = false;
    for (;;) {
      const t = this.peek();
      const opLevel = t.kind === 'punct' ? LEVEL_OF.get(t.text) : undefined;
      if (opLevel === undefined || opLevel < level) return left;
      const comparison = COMPARISONS.has(t.text);
      if (comparison && previousComparison) {
        this.report(t.pos, "comparisons cannot be chained; use '&&'");
      }
      previousComparison = comparison;
      this.next();
      const right = this.binary(opLevel + 1);
      left = { kind: 'binary', pos: t.pos, op: t.text as A.BinaryOp, left, right };
    }
  }

  private cast(): A.Expr {
    let value = this.unary();
    for (let links = 0; this.isKeyword('as') || this.isKeyword('is'); links++) {
      this.bound(links);
      const t = this.next();
      const cls = this.name();
      value = { kind: t.text as 'as' | 'is', pos: t.pos, value, className: cls.text, classPos: cls.pos };
    }
    return value;
  }

  private unary(): A.Expr {
    const t = this.peek();
    if (t.kind === 'punct' && (t.text === '-' || t.text === '!' || t.text === '~')) {
      this.next();
      const operand = this.nested(() => this.unary());
      return { kind: 'unary', pos: t.pos, op: t.text, operand };
    }
    return this.postfix();
  }

  private postfix(): A.Expr {
    let e = this.primary();
    for (let links = 0; ; links++) {
      const t = this.peek();
      if (t.kind !== 'punct' || (t.text !== '.' && t.text !== '[')) return e;
      this.bound(links);
      if (t.text === '.') {
        this.next();
        const name = this.name();
        if (this.check('(')) {
          e = { kind: 'methodCall', pos: t.pos, receiver: e, method: name.text, args: this.args() };
        } else {
          e = { kind: 'field', pos: t.pos, object: e, field: name.text };
        }
      } else if (t.text === '[') {
        this.next();
        const index = this.expr();
        this.expect(']');
        e = { kind: 'index', pos: t.pos, array: e, index };
      }
    }
  }

  private args(): A.Expr[] {
    this.expect('(');
    const args: A.Expr[] = [];
    if (!this.check(')')) {
      do args.push(this.expr());
      while (this.accept(','));
    }
    this.expect(')');
    return args;
  }

  private primary(): A.Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'int':
        this.next();
        return { kind: 'int', pos: t.pos, value: BigInt(t.text.replaceAll('_', '')), text: t.text };
      case 'float': {
        this.next();
        const value = Number(t.text.replaceAll('_', ''));
        // Overflow is an error, as for integer literals; underflow rounds (to 0 at the end).
        if (!Number.isFinite(value)) this.report(t.pos, `float literal ${t.text} does not fit in f64`);
        return { kind: 'float', pos: t.pos, value, text: t.text };
      }
      case 'string':
        this.next();
        return { kind: 'string', pos: t.pos, value: t.text };
      case 'name':
        this.next();
        if (this.check('(')) return { kind: 'call', pos: t.pos, callee: t.text, args: this.args() };
        return { kind: 'name', pos: t.pos, name: t.text };
      case 'keyword':
        switch (t.text) {
          case 'true':
          case 'false':
            this.next();
            return { kind: 'bool', pos: t.pos, value: t.text === 'true' };
          case 'null':
            this.next();
            return { kind: 'null', pos: t.pos };
          case 'self':
            this.next();
            return { kind: 'self', pos: t.pos };
          case 'new':
            return this.newExpr();
        }
        break;
      case 'punct':
        if (t.text === '(') {
          this.next();
          const e = this.expr();
          this.expect(')');
          return e;
        }
        break;
    }
    return this.fail(t, 'an expression');
  }

  /** `new C`, `new T[n]`, and for arrays of arrays `new T[][n]` (also written `new T[n][]`). */
  private newExpr(): A.Expr {
    const t = this.expectKeyword('new');
    const name = this.name();
    if (!this.check('[')) return { kind: 'newObject', pos: t.pos, className: name.text };
    let elem: A.TypeExpr = { kind: 'named', name: name.text, pos: name.pos };
    while (this.check('[') && this.peek(1).kind === 'punct' && this.peek(1).text === ']') {
      this.next();
      this.next();
      elem = { kind: 'array', elem, pos: name.pos };
    }
    this.expect('[');
    const length = this.expr();
    this.expect(']');
    while (this.check('[') && this.peek(1).kind === 'punct' && this.peek(1).text === ']') {
      this.next();
      this.next();
      elem = { kind: 'array', elem, pos: name.pos };
    }
    return { kind: 'newArray', pos: t.pos, elem, length };
  }

  // ---- tokens

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.at + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.at++;
    return t;
  }

  /** True if the next token is punctuator (or `eof`) `text`. */
  private check(text: string): boolean {
    const t = this.peek();
    return text === 'eof' ? t.kind === 'eof' : t.kind === 'punct' && t.text === text;
  }

  private accept(text: string): boolean {
    if (!this.check(text)) return false;
    this.next();
    return true;
  }

  private isKeyword(text: string): boolean {
    const t = this.peek();
    return t.kind === 'keyword' && t.text === text;
  }

  private expect(text: string): Token {
    if (!this.check(text)) this.fail(this.peek(), `'${text}'`);
    return this.next();
  }

  private expectKeyword(text: string): Token {
    if (!this.isKeyword(text)) this.fail(this.peek(), `'${text}'`);
    return this.next();
  }

  private name(): Token {
    const t = this.peek();
    if (t.kind !== 'name') this.fail(t, 'a name');
    return this.next();
  }

  private fail(t: Token, expected: string): never {
    this.report(t.pos, `expected ${expected}, found ${describe(t)}`);
    throw new SyntaxError();
  }

  private report(pos: A.Pos, message: string): void {
    this.diagnostics.push(diagnostic(this.fileName, pos, message));
  }

  /** A chain of postfix operators or casts nests its tree as deeply as parentheses do. */
  private bound(links: number): void {
    if (links < MAX_DEPTH) return;
    this.report(this.peek().pos, 'nesting too deep');
    throw new SyntaxError();
  }

  private nested<T>(parse: () => T): T {
    if (this.depth >= MAX_DEPTH) {
      this.report(this.peek().pos, 'nesting too deep');
      throw new SyntaxError();
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  // ---- recovery: each skip makes progress, so the parser always ends.

  /** After an error in a statement: past the next `;` at this depth, or up to the `}` that closes the block. */
  private skipToStatement(start: number): void {
    if (this.at === start) this.next();
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (t.kind === 'punct') {
        if (t.text === '{') depth++;
        else if (t.text === '}') {
          if (depth === 0) return;
          depth--;
          if (depth === 0 && this.startsStatementAfterBlock()) {
            this.next();
            return;
          }
        } else if (t.text === ';' && depth === 0) {
          this.next();
          return;
        }
      }
      this.next();
    }
  }

  /** A `}` that ends a nested block is the end of the broken statement when no `else` follows. */
  private startsStatementAfterBlock(): boolean {
    const after = this.peek(1);
    return !(after.kind === 'keyword' && after.text === 'else');
  }

  private skipToMember(start: number): void {
    if (this.at === start) this.next();
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (depth === 0 && (this.isKeyword('fn') || this.check('}'))) return;
      if (t.kind === 'punct') {
        if (t.text === '{') depth++;
        else if (t.text === '}') depth--;
        else if (t.text === ';' && depth === 0) {
          this.next();
          return;
        }
      }
      this.next();
      if (depth === 0 && t.kind === 'punct' && t.text === '}') return;
    }
  }

  /** After an error in an item: to the next `fn`, `class`, `global` or `const` that starts a line. */
  private skipToItem(start: number): void {
    if (this.at === start) this.next();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (t.kind === 'keyword' && ['fn', 'class', 'global', 'const'].includes(t.text) && t.pos.col === 1) return;
      this.next();
    }
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'the end of the file';
    case 'int':
    case 'float':
    case 'name':
    case 'keyword':
    case 'punct': return `'${t.text}'`;
    case 'string': return 'a string';
    default: return t.text;
  }
}
