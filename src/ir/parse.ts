//! Reads IR text back: the format `printer.ts` prints, one or more functions.
//!
//! With program tables (`ParseNames`), names of functions, classes and
//! globals resolve to their ids as the printer named them; without, only the
//! id forms (`#3`, `class#2`, `global 4`) and the names of the functions of
//! the text itself do, and a global's type is unknown,
//! so IR that reads globals needs the tables. Positions the text does not
//! give (printed without `positions`) are line 0, column 0. The parser checks
//! the syntax only: whether the function makes sense is the verifier's
//! business (`verify.ts`), so a local out of range still parses.

import { classId as classIdOf, functionId, globalId, type FunctionId, type GlobalId } from './ids.js';
import type { AtomicPlace, BinaryOp, Callee, Expr, FieldRef, IrFunction, Local, MathOp, PrintArg, Stmt, UnaryOp } from './ir.js';
import type { Pos } from './pos.js';
import type { ClassType, PrimType, ValueType } from './types.js';

/** The program tables that printed names resolve against; `Program` is one. */
export interface ParseNames {
  readonly functions: readonly ({ readonly name: string } | undefined)[];
  readonly classes: readonly ({ readonly name: string } | undefined)[];
  readonly globals: readonly ({ readonly name: string; readonly type: ValueType } | undefined)[];
}

export class IrParseError extends Error {}

const NO_POS: Pos = { line: 0, col: 0 };
const PRIMS: readonly string[] = ['i32', 'i64', 'f64', 'bool'];
const UNARY: readonly string[] = ['neg', 'not', 'bitnot'] satisfies UnaryOp[];
const MATH: readonly string[] = ['abs', 'min', 'max', 'sqrt', 'floor', 'ceil'] satisfies MathOp[];
const COMPARISONS: readonly string[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] satisfies BinaryOp[];
const HEADER = /^fn (\S+)\((.*)\)(?: -> (\S+))? {2}; id (\d+), (\d+) points(?:, ("(?:[^"\\]|\\.)*") @(\d+):(\d+))?$/;

/** Every function of `text`, in order. Lines that start with `;` are comments. */
export function parseFunctions(text: string, names?: ParseNames): IrFunction[] {
  const lines = text.split('\n').map((l, i) => ({ text: l.trim(), number: i + 1 })).filter((l) => l.text !== '' && !l.text.startsWith(';'));
  const own = new Map<string, number>();
  for (const l of lines) {
    const m = HEADER.exec(l.text);
    if (m) own.set(m[1]!, Number(m[4]));
  }
  const fns: IrFunction[] = [];
  let at = 0;
  while (at < lines.length) {
    const start = at;
    at++;
    while (at < lines.length && !lines[at]!.text.startsWith('fn ')) at++;
    fns.push(new FunctionParser(names, own).parse(lines.slice(start, at)));
  }
  return fns;
}

/** The one function of `text`. */
export function parseFunction(text: string, names?: ParseNames): IrFunction {
  const fns = parseFunctions(text, names);
  if (fns.length !== 1) throw new IrParseError(`expected one function, found ${fns.length}`);
  return fns[0]!;
}

interface Line {
  readonly text: string;
  readonly number: number;
}

class FunctionParser {
  private locals: Local[] = [];
  private tokens: string[] = [];
  private next = 0;
  private line = 0;

  constructor(private readonly names: ParseNames | undefined, private readonly own: ReadonlyMap<string, number>) {}

  parse(lines: readonly Line[]): IrFunction {
    const header = lines[0]!;
    this.line = header.number;
    const m = HEADER.exec(header.text);
    if (!m) this.fail(`not a function header: ${header.text}`);
    const params = splitList(m[2]!).map((p) => this.localDecl(p));
    let rest = lines.slice(1);
    const locals: Local[] = [];
    if (rest[0]?.text.startsWith('locals ')) {
      this.line = rest[0].number;
      locals.push(...splitList(rest[0].text.slice('locals '.length)).map((p) => this.localDecl(p)));
      rest = rest.slice(1);
    }
    this.locals = [...params, ...locals];
    const [body, after] = this.block(rest, 0, []);
    if (after !== rest.length) this.fail(`unexpected '${rest[after]!.text}'`, rest[after]!.number);
    return {
      id: functionId(Number(m[4])),
      name: m[1]!,
      fileName: m[6] ? (JSON.parse(m[6]) as string) : '',
      pos: m[7] ? { line: Number(m[7]), col: Number(m[8]) } : NO_POS,
      paramCount: params.length,
      locals: this.locals,
      result: m[3] ? this.type(m[3]) : 'void',
      body,
      pointCount: Number(m[5]),
    };
  }

  /** `name:index: type`, at the index it names. */
  private localDecl(text: string): Local {
    const m = /^(.*):(\d+): (.+)$/.exec(text);
    if (!m) this.fail(`not a local declaration: ${text}`);
    return { name: m[1]!, type: this.type(m[3]!) };
  }

  /** Statements from `lines[at]` up to one of `ends` (`end`, `else`), returning them and the index of that line. */
  private block(lines: readonly Line[], at: number, ends: readonly string[]): [Stmt[], number] {
    const out: Stmt[] = [];
    while (at < lines.length) {
      const l = lines[at]!;
      if (ends.includes(l.text)) return [out, at];
      this.line = l.number;
      this.tokens = tokenize(l.text);
      this.next = 0;
      const word = this.tokens[0];
      if (word === 'if' || word === 'block' || word === 'loop') {
        this.take();
        const [s, after] = this.nested(word, lines, at + 1);
        out.push(s);
        at = after;
        continue;
      }
      out.push(this.stmt());
      if (this.next < this.tokens.length) this.fail(`unexpected '${this.tokens[this.next]}'`);
      at++;
    }
    if (ends.length > 0) this.fail(`missing 'end'`);
    return [out, at];
  }

  /** An `if`, `block` or `loop` whose first line's tokens are being read; returns it and the index past its `end`. */
  private nested(word: 'if' | 'block' | 'loop', lines: readonly Line[], at: number): [Stmt, number] {
    if (word === 'if') {
      const cond = this.expr();
      this.done();
      const [then, mid] = this.block(lines, at, ['else', 'end']);
      if (lines[mid]!.text === 'end') return [{ op: 'if', cond, then, else: [] }, mid + 1];
      const [otherwise, end] = this.block(lines, mid + 1, ['end']);
      return [{ op: 'if', cond, then, else: otherwise }, end + 1];
    }
    const label = this.label();
    const point = word === 'loop' ? this.point() : 0;
    this.done();
    const [body, end] = this.block(lines, at, ['end']);
    return [word === 'loop' ? { op: 'loop', label, point, body } : { op: 'block', label, body }, end + 1];
  }

  private stmt(): Stmt {
    const word = this.peek();
    if (/^@\d+$/.test(word)) return this.pointStmt();
    if (word.startsWith('$')) {
      const local = this.localRef();
      this.expect('=');
      return { op: 'setLocal', local, value: this.expr() };
    }
    if (word === '(') {
      const place = this.expr();
      this.expect('=');
      const value = this.expr();
      const pos = this.pos();
      if (place.op === 'getField') return { op: 'setField', object: place.object, field: place.field, value, pos };
      if (place.op === 'getElem') return { op: 'setElem', array: place.array, index: place.index, value, pos };
      this.fail('only a field or an element is assigned');
    }
    this.take();
    switch (word) {
      case 'global': {
        const global = this.globalRef().id;
        this.expect('=');
        return { op: 'setGlobal', global, value: this.expr() };
      }
      case 'drop': return { op: 'drop', value: this.expr() };
      case 'atomic_store': {
        const place = this.place();
        return { op: 'atomicStore', place, value: this.expr() };
      }
      case 'print': {
        const args: PrintArg[] = [];
        while (this.next < this.tokens.length) args.push(this.peek().startsWith('"') ? { kind: 'string', text: JSON.parse(this.take()) as string } : { kind: 'value', value: this.expr() });
        return { op: 'print', args };
      }
      case 'print_fixed': {
        const value = this.expr();
        const digits = this.expr();
        return { op: 'printFixed', value, digits, pos: this.pos() };
      }
      case 'assert': {
        const cond = this.expr();
        return { op: 'assert', cond, pos: this.pos() };
      }
      case 'delete': return { op: 'delete', value: this.expr() };
      case 'barrier': return { op: 'barrier', pos: this.pos() };
      case 'sleep': {
        const ms = this.expr();
        return { op: 'sleep', ms, pos: this.pos() };
      }
      case 'break': return { op: 'break', label: this.label() };
      case 'continue': return { op: 'continue', label: this.label() };
      case 'return': return { op: 'return', value: this.next < this.tokens.length ? this.expr() : null };
      default: return this.fail(`unknown statement '${word}'`);
    }
  }

  /** `@P load "path"` or `@P [$r:N =] call callee(args)`. */
  private pointStmt(): Stmt {
    const point = this.point();
    if (this.peek() === 'load') {
      this.take();
      const path = this.take();
      if (!path.startsWith('"')) this.fail('expected a path');
      return { op: 'load', path: JSON.parse(path) as string, point, pos: this.pos() };
    }
    let result = -1;
    if (this.peek().startsWith('$')) {
      result = this.localRef();
      this.expect('=');
    }
    this.expect('call');
    const callee = this.callee();
    this.expect('(');
    const args: Expr[] = [];
    while (this.peek() !== ')') {
      if (args.length > 0) this.expect(',');
      args.push(this.expr());
    }
    this.take();
    return { op: 'call', callee, args, result, point, pos: this.pos() };
  }

  private callee(): Callee {
    const word = this.take();
    if (word !== 'virtual') return { kind: 'direct', fn: this.functionId(word) };
    this.expect('slot');
    const slot = Number(this.take());
    this.expect('of');
    const classId = this.classType(this.take()).classId;
    return { kind: 'virtual', slot, classId, pos: this.pos() };
  }

  private expr(): Expr {
    const word = this.take();
    if (word === 'null') return { op: 'const', type: 'null', value: null };
    if (word === 'global') {
      const g = this.globalRef();
      return { op: 'global', type: g.type, global: g.id };
    }
    if (word.startsWith('$')) {
      this.next--;
      const local = this.localRef();
      return { op: 'local', type: this.localType(local), local };
    }
    if (PRIMS.includes(word)) return this.constant(word as PrimType, this.take());
    if (word !== '(') this.fail(`unexpected '${word}'`);
    const e = this.compound(this.take());
    this.expect(')');
    return e;
  }

  /** The inside of `(head ...)`, up to the closing parenthesis. */
  private compound(head: string): Expr {
    switch (head) {
      case 'null': return { op: 'const', type: this.type(this.take()), value: null };
      case 'field': {
        const field = this.field(this.take());
        const object = this.expr();
        return { op: 'getField', type: field.type, object, field, pos: this.pos() };
      }
      case 'elem': {
        const array = this.expr();
        const index = this.expr();
        return { op: 'getElem', type: this.elemType(array), array, index, pos: this.pos() };
      }
      case 'length': {
        const array = this.expr();
        return { op: 'length', type: 'i32', array, pos: this.pos() };
      }
      case 'new': {
        const t = this.take();
        if (!t.endsWith('[]')) {
          const type = this.classType(t);
          return { op: 'newObject', type, classId: type.classId, pos: this.pos() };
        }
        const elem = this.type(t.slice(0, -2));
        const length = this.expr();
        return { op: 'newArray', type: { kind: 'array', elem }, elem, length, pos: this.pos() };
      }
      case 'is':
      case 'as': {
        const type = this.classType(this.take());
        const value = this.expr();
        if (head === 'is') return { op: 'isInstance', type: 'bool', value, classId: type.classId };
        return { op: 'cast', type, value, classId: type.classId, pos: this.pos() };
      }
      case 'clock_ns': return { op: 'clock', type: 'i64' };
      case 'thread_id': return { op: 'threadId', type: 'i32' };
      case 'thread_count': return { op: 'threadCount', type: 'i32' };
      case 'atomic_load': {
        const place = this.place();
        return { op: 'atomicLoad', type: this.placeType(place), place };
      }
      case 'atomic_add': {
        const place = this.place();
        return { op: 'atomicAdd', type: this.placeType(place), place, value: this.expr() };
      }
      case 'atomic_cas': {
        const place = this.place();
        const expected = this.expr();
        return { op: 'atomicCas', type: this.placeType(place), place, expected, replacement: this.expr() };
      }
      case 'and':
      case 'or': {
        const left = this.expr();
        return { op: 'logical', type: 'bool', kind: head, left, right: this.expr() };
      }
    }
    const dot = head.indexOf('.');
    if (dot < 0) this.fail(`unknown expression '${head}'`);
    const [kind, suffix] = [head.slice(0, dot), head.slice(dot + 1)];
    if (suffix.startsWith('from_')) {
      const operand = this.expr();
      return { op: 'convert', type: this.prim(kind), from: this.prim(suffix.slice('from_'.length)), operand, pos: this.pos() };
    }
    if (kind === 'host') {
      const name = this.take();
      const args: Expr[] = [];
      while (this.peek() !== ')' && !this.peek().startsWith('@')) args.push(this.expr());
      return { op: 'host', type: suffix === 'void' ? 'void' : this.type(suffix), name, args, pos: this.pos() };
    }
    if (UNARY.includes(kind)) return { op: 'unary', type: this.type(suffix), kind: kind as UnaryOp, operand: this.expr() };
    if (MATH.includes(kind)) {
      const args: Expr[] = [];
      while (this.peek() !== ')') args.push(this.expr());
      return { op: 'math', type: this.prim(suffix), kind: kind as MathOp, args };
    }
    const operandType = this.type(suffix);
    const left = this.expr();
    const right = this.expr();
    const type = COMPARISONS.includes(kind) ? 'bool' : operandType;
    return { op: 'binary', type, kind: kind as BinaryOp, operandType, left, right, pos: this.pos() };
  }

  private place(): AtomicPlace {
    if (this.peek() === 'global') {
      this.take();
      return { kind: 'global', global: this.globalRef().id };
    }
    const e = this.expr();
    if (e.op === 'getField') return { kind: 'field', object: e.object, field: e.field, pos: e.pos };
    if (e.op === 'getElem') return { kind: 'elem', array: e.array, index: e.index, pos: e.pos };
    return this.fail('an atomic operates on a global, a field or an element');
  }

  private placeType(p: AtomicPlace): 'i32' | 'i64' {
    const t = p.kind === 'global' ? this.globalType(p.global) : p.kind === 'field' ? p.field.type : this.elemType(p.array);
    if (t !== 'i32' && t !== 'i64') this.fail(`an atomic on ${String(t)}`);
    return t;
  }

  private constant(type: PrimType, text: string): Expr {
    switch (type) {
      case 'i64': return { op: 'const', type, value: BigInt(text) };
      case 'bool': return { op: 'const', type, value: text === 'true' };
      default: {
        const value = Number(text);
        if (Number.isNaN(value) && text !== 'NaN') this.fail(`not a number: ${text}`);
        return { op: 'const', type, value };
      }
    }
  }

  /** `name+offset:type`. */
  private field(text: string): FieldRef {
    const m = /^(.+)\+(\d+):(.+)$/.exec(text);
    if (!m) this.fail(`not a field: ${text}`);
    return { name: m[1]!, offset: Number(m[2]), type: this.type(m[3]!) };
  }

  private type(text: string): ValueType {
    if (text.endsWith('[]')) return { kind: 'array', elem: this.type(text.slice(0, -2)) };
    if (PRIMS.includes(text)) return text as PrimType;
    return this.classType(text);
  }

  private prim(text: string): PrimType {
    if (!PRIMS.includes(text)) this.fail(`not a primitive type: ${text}`);
    return text as PrimType;
  }

  private classType(text: string): ClassType {
    const byId = /^class#(\d+)$/.exec(text);
    const classId = byId ? Number(byId[1]) : this.lookup(this.names?.classes, text);
    if (classId === undefined) this.fail(`unknown class ${text}`);
    return { kind: 'class', classId: classIdOf(classId), name: this.names?.classes[classId]?.name ?? text };
  }

  private elemType(array: Expr): ValueType {
    if (typeof array.type !== 'object' || array.type.kind !== 'array') this.fail('an element of something that is not an array');
    return array.type.elem;
  }

  private functionId(text: string): FunctionId {
    const id = text.startsWith('#') ? Number(text.slice(1)) : (this.lookup(this.names?.functions, text) ?? this.own.get(text));
    if (id === undefined || Number.isNaN(id)) this.fail(`unknown function ${text}`);
    return functionId(id);
  }

  private globalRef(): { id: GlobalId; type: ValueType } {
    const text = this.take();
    const id = /^\d+$/.test(text) ? Number(text) : this.lookup(this.names?.globals, text);
    if (id === undefined) this.fail(`unknown global ${text}`);
    return { id: globalId(id), type: this.globalType(id) };
  }

  private globalType(id: number): ValueType {
    const g = this.names?.globals[id];
    if (!g) this.fail(`the type of global ${id} is unknown without program tables`);
    return g.type;
  }

  /** The id of the first entry named `name`. */
  private lookup(table: ParseNames['functions'] | undefined, name: string): number | undefined {
    const id = table?.findIndex((x) => x?.name === name);
    return id === undefined || id < 0 ? undefined : id;
  }

  private localRef(): number {
    const m = /^\$.*:(\d+)$/.exec(this.take());
    if (!m) this.fail('expected a local');
    return Number(m[1]);
  }

  /** A local out of range reads as i32: the verifier reports it. */
  private localType(local: number): ValueType {
    return this.locals[local]?.type ?? 'i32';
  }

  private label(): number {
    const m = /^L(\d+)$/.exec(this.take());
    if (!m) this.fail('expected a label');
    return Number(m[1]);
  }

  private point(): number {
    const m = /^@(\d+)$/.exec(this.take());
    if (!m) this.fail('expected a program point');
    return Number(m[1]);
  }

  /** An optional `@line:col`. */
  private pos(): Pos {
    const m = /^@(\d+):(\d+)$/.exec(this.peek());
    if (!m) return NO_POS;
    this.take();
    return { line: Number(m[1]), col: Number(m[2]) };
  }

  private peek(): string {
    return this.tokens[this.next] ?? '';
  }

  private take(): string {
    const t = this.tokens[this.next++];
    if (t === undefined) this.fail('unexpected end of line');
    return t;
  }

  private expect(token: string): void {
    const t = this.take();
    if (t !== token) this.fail(`expected '${token}', found '${t}'`);
  }

  private done(): void {
    if (this.next < this.tokens.length) this.fail(`unexpected '${this.tokens[this.next]}'`);
  }

  private fail(message: string, line = this.line): never {
    throw new IrParseError(`line ${line}: ${message}`);
  }
}

/** Parentheses, commas, `=`, JSON strings, and words between them. */
function tokenize(text: string): string[] {
  return [...text.matchAll(/"(?:[^"\\]|\\.)*"|[(),=]|[^\s(),="]+/g)].map((m) => m[0]);
}

/** `a, b, c` (empty for none). */
function splitList(text: string): string[] {
  return text === '' ? [] : text.split(', ');
}
