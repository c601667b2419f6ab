//! Prints typed IR as text, for `rejit dump --ir` and for tests.
//!
//! One statement a line, nested by indentation; expressions in prefix form
//! with their types, e.g. `(add.i32 (local $n:1) (const.i32 1))`. Program
//! points print as `@N`, labels as `L N`.

import type { AtomicPlace, Expr, IrFunction, Stmt } from './ir.js';
import { unreachable } from './ops.js';
import { typeToString } from './types.js';

/** What the printer needs to name ids: the program tables, or nothing (ids are printed as numbers). */
export interface ProgramNames {
  readonly functions: readonly ({ readonly name: string } | undefined)[];
  readonly classes: readonly ({ readonly name: string } | undefined)[];
  readonly globals: readonly ({ readonly name: string } | undefined)[];
}

export function printFunction(fn: IrFunction, program?: ProgramNames): string {
  const p = new Printer(fn, program);
  const params = fn.locals.slice(0, fn.paramCount).map((l, i) => `${l.name}:${i}: ${typeToString(l.type)}`);
  const result = fn.result === 'void' ? '' : ` -> ${typeToString(fn.result)}`;
  const locals = fn.locals.slice(fn.paramCount).map((l, i) => `${l.name}:${i + fn.paramCount}: ${typeToString(l.type)}`);
  const lines = [`fn ${fn.name}(${params.join(', ')})${result}  ; id ${fn.id}, ${fn.pointCount} points`];
  if (locals.length > 0) lines.push(`  locals ${locals.join(', ')}`);
  p.stmts(fn.body, 1, lines);
  return `${lines.join('\n')}\n`;
}

class Printer {
  constructor(private readonly fn: IrFunction, private readonly program: ProgramNames | undefined) {}

  stmts(list: readonly Stmt[], depth: number, out: string[]): void {
    for (const s of list) this.stmt(s, depth, out);
  }

  private stmt(s: Stmt, depth: number, out: string[]): void {
    const pad = '  '.repeat(depth);
    const line = (text: string): void => {
      out.push(pad + text);
    };
    switch (s.op) {
      case 'setLocal': return line(`${this.local(s.local)} = ${this.expr(s.value)}`);
      case 'setGlobal': return line(`${this.global(s.global)} = ${this.expr(s.value)}`);
      case 'setField': return line(`(field ${s.field.name}+${s.field.offset} ${this.expr(s.object)}) = ${this.expr(s.value)}`);
      case 'setElem': return line(`(elem ${this.expr(s.array)} ${this.expr(s.index)}) = ${this.expr(s.value)}`);
      case 'call': {
        const callee = s.callee.kind === 'direct' ? this.fnName(s.callee.fn) : `virtual slot ${s.callee.slot} of ${this.className(s.callee.classId)}`;
        const target = s.result >= 0 ? `${this.local(s.result)} = ` : '';
        return line(`@${s.point} ${target}call ${callee}(${s.args.map((a) => this.expr(a)).join(', ')})`);
      }
      case 'load': return line(`@${s.point} load ${JSON.stringify(s.path)}`);
      case 'drop': return line(`drop ${this.expr(s.value)}`);
      case 'atomicStore': return line(`atomic_store ${this.place(s.place)} ${this.expr(s.value)}`);
      case 'print': return line(`print ${s.args.map((a) => (a.kind === 'string' ? JSON.stringify(a.text) : this.expr(a.value))).join(' ')}`);
      case 'printFixed': return line(`print_fixed ${this.expr(s.value)} ${this.expr(s.digits)}`);
      case 'assert': return line(`assert ${this.expr(s.cond)}`);
      case 'delete': return line(`delete ${this.expr(s.value)}`);
      case 'barrier': return line('barrier');
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

  private expr(e: Expr): string {
    switch (e.op) {
      case 'const': return e.value === null ? 'null' : `${typeToString(e.type)} ${String(e.value)}`;
      case 'local': return this.local(e.local);
      case 'global': return this.global(e.global);
      case 'binary': return `(${e.kind}.${typeToString(e.operandType)} ${this.expr(e.left)} ${this.expr(e.right)})`;
      case 'unary': return `(${e.kind}.${typeToString(e.type)} ${this.expr(e.operand)})`;
      case 'logical': return `(${e.kind} ${this.expr(e.left)} ${this.expr(e.right)})`;
      case 'convert': return `(${e.type}.from_${e.from} ${this.expr(e.operand)})`;
      case 'math': return `(${e.kind}.${e.type} ${e.args.map((a) => this.expr(a)).join(' ')})`;
      case 'getField': return `(field ${e.field.name}+${e.field.offset} ${this.expr(e.object)})`;
      case 'getElem': return `(elem ${this.expr(e.array)} ${this.expr(e.index)})`;
      case 'length': return `(length ${this.expr(e.array)})`;
      case 'newObject': return `(new ${this.className(e.classId)})`;
      case 'newArray': return `(new ${typeToString(e.elem)}[] ${this.expr(e.length)})`;
      case 'isInstance': return `(is ${this.className(e.classId)} ${this.expr(e.value)})`;
      case 'cast': return `(as ${this.className(e.classId)} ${this.expr(e.value)})`;
      case 'clock': return '(clock_ns)';
      case 'threadId': return '(thread_id)';
      case 'threadCount': return '(thread_count)';
      case 'atomicLoad': return `(atomic_load ${this.place(e.place)})`;
      case 'atomicAdd': return `(atomic_add ${this.place(e.place)} ${this.expr(e.value)})`;
      case 'atomicCas': return `(atomic_cas ${this.place(e.place)} ${this.expr(e.expected)} ${this.expr(e.replacement)})`;
    }
  }

  private place(p: AtomicPlace): string {
    switch (p.kind) {
      case 'global': return this.global(p.global);
      case 'field': return `(field ${p.field.name}+${p.field.offset} ${this.expr(p.object)})`;
      case 'elem': return `(elem ${this.expr(p.array)} ${this.expr(p.index)})`;
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
