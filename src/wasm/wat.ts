//! Renders a module under construction (or one of its functions) as
//! WebAssembly text, for `rejit dump --wat` and for tests: flat instructions,
//! one a line, indented by block nesting, with `$names` from the builder and
//! generated `$L<n>` labels on blocks so that branches read as names.
//!
//! It prints from a `ModuleBuilder` (function bodies are decoded from their
//! bytes with the opcode table), not from arbitrary binaries, and the text is
//! meant for reading: it is close to the standard syntax but not promised to
//! reassemble.

import { ByteReader } from './encoder.js';
import { OPS, PREFIX_ATOMIC, PREFIX_MISC, type Imm, type OpInfo, type OpName } from './opcodes.js';
import type { FunctionBuilder, ImportDesc, ModuleBuilder } from './module-builder.js';
import { VAL_TYPE_NAMES, type FuncIdx, type FuncSig, type Limits, type ValType } from './types.js';

export function printModule(mb: ModuleBuilder): string {
  const names = functionIds(mb);
  const lines = [mb.moduleName === undefined ? '(module' : `(module ${id(mb.moduleName)}`];
  mb.types.forEach((t, i) => lines.push(`  (type ${i} (func${sigText(t)}))`));
  let funcImport = 0;
  for (const imp of mb.imports) {
    const what = importText(imp.desc, mb, imp.desc.kind === 'func' ? names[funcImport++]! : '');
    lines.push(`  (import ${quote(imp.module)} ${quote(imp.field)} ${what})`);
  }
  for (const t of mb.tables) lines.push(`  (table ${limitsText(t.limits)} ${t.element})`);
  for (const tag of mb.tags) lines.push(`  (tag${sigText(mb.types[tag]!)})`);
  for (const g of mb.globals) {
    const init = typeof g.init === 'bigint' ? g.init.toString() : g.type === 'f64' ? floatText(g.init) : String(g.init);
    lines.push(`  (global ${g.mutable ? `(mut ${g.type})` : g.type} (${g.type}.const ${init}))`);
  }
  for (const e of mb.exports) {
    const target = e.kind === 'func' ? names[e.index]! : String(e.index);
    lines.push(`  (export ${quote(e.name)} (${e.kind} ${target}))`);
  }
  if (mb.start !== undefined) lines.push(`  (start ${names[mb.start]})`);
  for (const seg of mb.elements) {
    const table = seg.table === 0 ? '' : ` (table ${seg.table})`;
    lines.push(`  (elem${table} (i32.const ${seg.offset}) func ${seg.funcs.map((f) => names[f]).join(' ')})`);
  }
  const refs = mb.declaredRefs();
  if (refs.length > 0) lines.push(`  (elem declare func ${refs.map((f) => names[f]).join(' ')})`);
  for (const fn of mb.functions) lines.push(indent(printFunction(mb, fn, names), '  '));
  for (const d of mb.data) {
    const at = d.offset === undefined ? '' : ` (i32.const ${d.offset})`;
    lines.push(`  (data${at} ${bytesText(d.bytes)})`);
  }
  lines.push(')');
  return `${lines.join('\n')}\n`;
}

/** One function as `(func ...)`; `names` (the module's function ids) can be passed to avoid recomputing them. */
export function printFunction(mb: ModuleBuilder, fn: FunctionBuilder, names = functionIds(mb)): string {
  const locals = fn.localNames.map((n, i) => (n === undefined ? String(i) : id(n)));
  const params = fn.sig.params.map((t, i) => ` (param${fn.localNames[i] === undefined ? '' : ` ${locals[i]}`} ${t})`).join('');
  const results = fn.sig.results.length > 0 ? ` (result ${fn.sig.results.join(' ')})` : '';
  const lines = [`(func ${names[fn.index]} (type ${fn.type})${params}${results}`];
  fn.locals.forEach((t, i) => {
    const n = fn.localNames[fn.sig.params.length + i];
    lines.push(`  (local${n === undefined ? '' : ` ${id(n)}`} ${t})`);
  });
  new BodyPrinter(names, locals, lines).print(fn.code.out.view());
  lines.push(')');
  return lines.join('\n');
}

class BodyPrinter {
  /** Label names of the open blocks, innermost last; the function body has none. */
  private readonly labels: (string | undefined)[] = [undefined];
  private nextLabel = 0;

  constructor(
    private readonly funcs: readonly string[],
    private readonly locals: readonly string[],
    private readonly lines: string[],
  ) {}

  print(code: Uint8Array): void {
    const r = new ByteReader(code);
    while (!r.done) {
      let key = r.byte();
      if (key === PREFIX_MISC || key === PREFIX_ATOMIC) key = (key << 8) | r.u32();
      const name = opByCode().get(key);
      if (name === undefined) throw new Error(`unknown opcode 0x${key.toString(16)} at byte ${r.pos}`);
      const info: OpInfo<Imm> = OPS[name];
      if (name === 'end') this.labels.pop();
      // else and catch clauses line up with their block's opening line
      const depth = this.labels.length - (name === 'else' || name === 'catch' || name === 'catch_all' ? 1 : 0);
      this.emit(this.instr(name, info, r), depth);
    }
  }

  private instr(name: string, info: OpInfo<Imm>, r: ByteReader): string {
    if (info.imm === 'block') {
      const type = blockTypeText(r.signed());
      const label = `$L${this.nextLabel++}`;
      this.labels.push(label);
      return `${name} ${label}${type}`;
    }
    if (name === 'select.typed') return `select (result ${this.valTypes(r).join(' ')})`;
    return name + this.immediates(info, r);
  }

  private immediates(info: OpInfo<Imm>, r: ByteReader): string {
    switch (info.imm) {
      case 'none': return '';
      case 'label': return ` ${this.label(r.u32())}`;
      case 'br_table': {
        const targets = Array.from({ length: r.u32() }, () => this.label(r.u32()));
        return ` ${[...targets, this.label(r.u32())].join(' ')}`;
      }
      case 'func': return ` ${this.funcs[r.u32()]}`;
      case 'call_indirect': {
        const type = r.u32();
        const table = r.u32();
        return `${table === 0 ? '' : ` ${table}`} (type ${type})`;
      }
      case 'local': return ` ${this.locals[r.u32()]}`;
      case 'global': case 'table': case 'tag': case 'data': return ` ${r.u32()}`;
      case 'memarg': {
        const align = r.u32();
        const offset = r.u32();
        return (offset === 0 ? '' : ` offset=${offset}`) + (align === info.align ? '' : ` align=${2 ** align}`);
      }
      case 'mem0': r.byte(); return '';
      case 'mem00': r.byte(); r.byte(); return '';
      case 'data_mem0': { const data = r.u32(); r.byte(); return ` ${data}`; }
      case 'i32': return ` ${r.signed()}`;
      case 'i64': return ` ${r.s64()}`;
      case 'f64': return ` ${floatText(r.f64())}`;
      case 'reftype': return r.byte() === 0x70 ? ' func' : ' extern';
      case 'block': case 'select_t': throw new Error(`${info.imm} immediates are printed by instr`);
    }
  }

  private label(depth: number): string {
    return this.labels[this.labels.length - 1 - depth] ?? String(depth);
  }

  private valTypes(r: ByteReader): ValType[] {
    return Array.from({ length: r.u32() }, () => valType(r.byte()));
  }

  private emit(text: string, depth: number): void {
    this.lines.push(`${'  '.repeat(depth)}${text}`);
  }
}

/** Unique `$ids` for every function, from the name section's names. */
function functionIds(mb: ModuleBuilder): string[] {
  const seen = new Set<string>();
  const count = mb.imports.filter((i) => i.desc.kind === 'func').length + mb.functions.length;
  return Array.from({ length: count }, (_, i) => {
    let name = id(mb.functionName(i as FuncIdx));
    if (seen.has(name)) name = `${name}#${i}`; // redefined functions keep their name; the text needs distinct ids
    seen.add(name);
    return name;
  });
}

function importText(d: ImportDesc, mb: ModuleBuilder, funcName: string): string {
  switch (d.kind) {
    case 'func': return `(func ${funcName} (type ${d.type})${sigText(mb.types[d.type]!)})`;
    case 'table': return `(table ${limitsText(d.limits)} ${d.element})`;
    case 'memory': return `(memory ${limitsText(d.limits)})`;
    case 'global': return `(global ${d.mutable ? `(mut ${d.type})` : d.type})`;
    case 'tag': return `(tag${sigText(mb.types[d.type]!)})`;
  }
}

function blockTypeText(code: number): string {
  // Block types are one signed LEB128: -64 (0x40) is empty, other negatives are value types, the rest type indices.
  if (code === -64) return '';
  return code < 0 ? ` (result ${valType(code + 128)})` : ` (type ${code})`;
}

function valType(code: number): ValType {
  const t = VAL_TYPE_NAMES.get(code);
  if (t === undefined) throw new Error(`unknown value type 0x${code.toString(16)}`);
  return t;
}

function sigText(sig: FuncSig): string {
  return (sig.params.length > 0 ? ` (param ${sig.params.join(' ')})` : '') + (sig.results.length > 0 ? ` (result ${sig.results.join(' ')})` : '');
}

function limitsText(l: Limits): string {
  return `${l.min}${l.max === undefined ? '' : ` ${l.max}`}${l.shared ? ' shared' : ''}`;
}

function floatText(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return Object.is(x, -0) ? '-0' : String(x);
}

/** A text-format identifier: `$` and the name, with characters that ids cannot hold replaced by `_`. */
function id(name: string): string {
  return `$${name.replace(/[^0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]/g, '_') || '_'}`;
}

function quote(s: string): string {
  return bytesText(new TextEncoder().encode(s));
}

function bytesText(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) {
    s += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${b.toString(16).padStart(2, '0')}`;
  }
  return `${s}"`;
}

function indent(text: string, pad: string): string {
  return text.split('\n').map((l) => pad + l).join('\n');
}

let byCode: ReadonlyMap<number, OpName> | undefined;

/** Decoding map, `prefix << 8 | code` (prefix 0 for one-byte opcodes) to the name: made at the first print, not at every start-up. */
function opByCode(): ReadonlyMap<number, OpName> {
  byCode ??= new Map(
    (Object.keys(OPS) as OpName[]).map((name) => {
      const info: OpInfo<Imm> = OPS[name];
      return [((info.prefix ?? 0) << 8) | info.code, name];
    }),
  );
  return byCode;
}
