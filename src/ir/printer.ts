//! Prints typed IR as text, for `rejit dump --ir`, for tests, and for the IR
//! file tests, which read it back (`parse.ts`).
//!
//! One statement a line, nested by indentation; expressions in prefix form
//! with their types, e.g. `(add.i32 $n:1 i32 1)`. Program points print as
//! `@N`, labels as `LN`, locals as `$name:index`. What cannot be derived
//! from the rest is printed: the types of locals and field references, the
//! function's id and point count; with `positions`, the source position of
//! every node that has one as an `@line:col` suffix, and the file name.
//! Without program tables, functions print as `#id`, classes as `class#id`
//! and globals as `global id`.

import type { AtomicPlace, Expr, FieldRef, IrFunction, Stmt } from './ir.js';
import type { Pos } from './pos.js';
import { unreachable } from './ops.js';
import { typeToString } from './types.js';

/** What the printer needs to name ids: the program tables, or nothing (ids are printed as numbers). */
export interface ProgramNames {
  readonly functions: readonly ({ readonly name: string } | undefined)[];
  readonly classes: readonly ({ readonly name: string } | undefined)[];
  readonly globals: readonly ({ readonly name: string } | undefined)[];
}

export interface PrintOptions {
  /** Print source positions (`@line:col`) and the file name: all that `parseFunction` needs to rebuild the function exactly. */
  readonly positions?: boolean;
}

export function printFunction(fn: IrFunction, program?: ProgramNames, options: PrintOptions = {}): string {
  const p = new Printer(fn, program, options.positions === true);
  const params = fn.locals.slice(0, fn.paramCount).map((l, i) => `${l.name}:${i}: ${typeToString(l.type)}`);
  const result = fn.result === 'void' ? '' : ` -> ${typeToString(fn.result)}`;
  const locals = fn.locals.slice(fn.paramCount).map((l, i) => `${l.name}:${i + fn.paramCount}: ${typeToString(l.type)}`);
  const where = options.positions ? `, ${JSON.stringify(fn.fileName)}${p.at(fn.pos)}` : '';
  const lines = [`fn ${fn.name}(${params.join(', ')})${result}  ; id ${fn.id}, ${fn.pointCount} points${where}`];
  if (locals.length > 0) lines.push(`  locals ${locals.join(', ')}`);
  p.stmts(fn.body, 1, lines);
  return `${lines.join('\n')}\n`;
}

/** One expression of `fn`, as `printFunction` prints it. */
export function printExpr(e: Expr, fn: IrFunction, program?: ProgramNames): string {
  return new Printer(fn, program, false).expr(e);
}

/** Statements of `fn`, one a line (nested ones indented), as `printFunction` prints them but without indentation of their own. */
export function printStmts(stmts: readonly Stmt[], fn: IrFunction, program?: ProgramNames): string[] {
  const lines: string[] = [];
  new Printer(fn, program, false).stmts(stmts, 0, lines);
  return lines;
}

class Printer {
  constructor(private readonly fn: IrFunction, private readonly program: ProgramNames | undefined, private readonly positions: boolean) {}

  stmts(list: readonly Stmt[], depth: number, out: string[]): void {
    for (const s of list) this.stmt(s, depth, out);
  }

  /** ` @line:col` when printing positions, else nothing. */
  at(pos: Pos): string {
    return this.positions ? ` @${pos.line}:${pos.col}` : '';
  }

  private stmt(s: Stmt, depth: number, out: string[]): void {
    const pad = '  '.repeat(depth);
    const line = (text: string): void => {
      out.push(pad + text);
    };
    switch (s.op) {
      case 'setLocal': return line(`${this.local(s.local)} = ${this.expr(s.value)}`);
      case 'setGlobal': return line(`${this.global(s.global)} = ${this.expr(s.value)}`);
      case 'setField': return line(`(field ${this.field(s.field)} ${this.expr(s.object)}) = ${this.expr(s.value)}${this.at(s.pos)}`);
      case 'setElem': return line(`(elem ${this.expr(s.array)} ${this.expr(s.index)}) = ${this.expr(s.value)}${this.at(s.pos)}`);
      case 'call': {
        const callee = s.callee.kind === 'direct' ? this.fnName(s.callee.fn) : `virtual slot ${s.callee.slot} of ${this.className(s.callee.classId)}${this.at(s.callee.pos)}`;
        const target = s.result >= 0 ? `${this.local(s.result)} = ` : '';
        return line(`@${s.point} ${target}call ${callee}(${s.args.map((a) => this.expr(a)).join(', ')})${this.at(s.pos)}`);
      }
      case 'load': return line(`@${s.point} load ${JSON.stringify(s.path)}${this.at(s.pos)}`);
      case 'drop': return line(`drop ${this.expr(s.value)}`);
      case 'atomicStore': return line(`atomic_store ${this.place(s.place)} ${this.expr(s.value)}`);
      case 'print': return line(`print ${s.args.map((a) => (a.kind === 'string' ? JSON.stringify(a.text) : this.expr(a.value))).join(' ')}`);
      case 'printFixed': return line(`print_fixed ${this.expr(s.value)} ${this.expr(s.digits)}${this.at(s.pos)}`);
      case 'assert': return line(`assert ${this.expr(s.cond)}${this.at(s.pos)}`);
      case 'delete': return line(`delete ${this.expr(s.value)}`);
      case 'barrier': return line(`barrier${this.at(s.pos)}`);
      case 'sleep': return line(`sleep ${this.expr(s.ms)}${this.at(s.pos)}`);
      case 'if':
        line(`if ${this.expr(s.cond)}`);
        this.stmts(s.then, depth + 1, out);
        if (s.else.length > 0) {
          line('else');
          this.stmts(s.else, depth + 1, out);
        }
        return line('end');
      case 'block':
        line(`block L${s.label}`);
        this.stmts(s.body, depth + 1, out);
        return line('end');
      case 'loop':
        line(`loop L${s.label} @${s.point}`);
        this.stmts(s.body, depth + 1, out);
        return line('end');
      case 'break': return line(`break L${s.label}`);
      case 'continue': return line(`continue L${s.label}`);
      case 'return': return line(s.value ? `return ${this.expr(s.value)}` : 'return');
      default: return unreachable(s);
    }
  }

  expr(e: Expr): string {
    switch (e.op) {
      case 'const': return this.constant(e);
      case 'local': return this.local(e.local);
      case 'global': return this.global(e.global);
      case 'binary': return `(${e.kind}.${typeToString(e.operandType)} ${this.expr(e.left)} ${this.expr(e.right)}${this.at(e.pos)})`;
      case 'unary': return `(${e.kind}.${typeToString(e.type)} ${this.expr(e.operand)})`;
      case 'logical': return `(${e.kind} ${this.expr(e.left)} ${this.expr(e.right)})`;
      case 'convert': return `(${e.type}.from_${e.from} ${this.expr(e.operand)}${this.at(e.pos)})`;
      case 'math': return `(${e.kind}.${e.type} ${e.args.map((a) => this.expr(a)).join(' ')})`;
      case 'getField': return `(field ${this.field(e.field)} ${this.expr(e.object)}${this.at(e.pos)})`;
      case 'getElem': return `(elem ${this.expr(e.array)} ${this.expr(e.index)}${this.at(e.pos)})`;
      case 'length': return `(length ${this.expr(e.array)}${this.at(e.pos)})`;
      case 'newObject': return `(new ${this.className(e.classId)}${this.at(e.pos)})`;
      case 'newArray': return `(new ${typeToString(e.elem)}[] ${this.expr(e.length)}${this.at(e.pos)})`;
      case 'isInstance': return `(is ${this.className(e.classId)} ${this.expr(e.value)})`;
      case 'cast': return `(as ${this.className(e.classId)} ${this.expr(e.value)}${this.at(e.pos)})`;
      case 'clock': return '(clock_ns)';
      case 'threadId': return '(thread_id)';
      case 'threadCount': return '(thread_count)';
      case 'atomicLoad': return `(atomic_load ${this.place(e.place)})`;
      case 'atomicAdd': return `(atomic_add ${this.place(e.place)} ${this.expr(e.value)})`;
      case 'atomicCas': return `(atomic_cas ${this.place(e.place)} ${this.expr(e.expected)} ${this.expr(e.replacement)})`;
      case 'host': return `(host.${typeToString(e.type)} ${e.name}${e.args.map((a) => ` ${this.expr(a)}`).join('')}${this.at(e.pos)})`;
    }
  }

  /** `i32 5`, `f64 -0`, `bool true`; `null` for the literal, `(null T)` for a null of a reference type. */
  private constant(e: Extract<Expr, { op: 'const' }>): string {
    if (e.value === null) return e.type === 'null' ? 'null' : `(null ${typeToString(e.type)})`;
    const value = Object.is(e.value, -0) ? '-0' : String(e.value);
    return `${typeToString(e.type)} ${value}`;
  }

  private field(f: FieldRef): string {
    return `${f.name}+${f.offset}:${typeToString(f.type)}`;
  }

  private place(p: AtomicPlace): string {
    switch (p.kind) {
      case 'global': return this.global(p.global);
      case 'field': return `(field ${this.field(p.field)} ${this.expr(p.object)}${this.at(p.pos)})`;
      case 'elem': return `(elem ${this.expr(p.array)} ${this.expr(p.index)}${this.at(p.pos)})`;
    }
  }

  private local(i: number): string {
    // Temporaries are named `$tN` already; user locals get the `$` here.
    const name = this.fn.locals[i]?.name ?? '?';
    return `${name.startsWith('$') ? '' : '$'}${name}:${i}`;
  }

  private global(id: number): string {
    return `global ${this.program?.globals[id]?.name ?? id}`;
  }

  private fnName(id: number): string {
    return this.program?.functions[id]?.name ?? `#${id}`;
  }

  private className(id: number): string {
    return this.program?.classes[id]?.name ?? `class#${id}`;
  }
}
