//! Builds a whole WebAssembly module: function types (deduplicated), imports,
//! functions with their locals and bodies, funcref tables and element
//! segments, globals, exception tags, exports, data segments, a start
//! function, and the `name` custom section, so that V8's stack traces and
//! profilers show Rejit's function names.
//!
//! Indices are handed out as things are added, so each kind of import must be
//! added before any definition of that kind (imports come first in an index
//! space). It defines no memory of its own: Rejit's one memory is shared and
//! imported by every module. It does not validate; `WebAssembly.validate` does.

import { CodeEmitter } from './code-emitter.js';
import { ByteWriter } from './encoder.js';
import { OPS } from './opcodes.js';
import {
  VAL_TYPES, sigKey,
  type DataIdx, type FuncIdx, type FuncSig, type GlobalIdx, type Limits, type RefType, type TableIdx, type TagIdx, type TypeIdx, type ValType,
} from './types.js';

export type ImportDesc =
  | { readonly kind: 'func'; readonly type: TypeIdx; readonly name: string }
  | { readonly kind: 'table'; readonly element: RefType; readonly limits: Limits }
  | { readonly kind: 'memory'; readonly limits: Limits }
  | { readonly kind: 'global'; readonly type: ValType; readonly mutable: boolean }
  | { readonly kind: 'tag'; readonly type: TypeIdx };

export interface Import {
  readonly module: string;
  readonly field: string;
  readonly desc: ImportDesc;
}

export interface Table {
  readonly element: RefType;
  readonly limits: Limits;
}

export interface Global {
  readonly type: 'i32' | 'i64' | 'f64';
  readonly mutable: boolean;
  /** A number for i32 and f64, a bigint for i64. */
  readonly init: number | bigint;
}

export type ExportKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export interface Export {
  readonly name: string;
  readonly kind: ExportKind;
  readonly index: number;
}

/** An active element segment: `funcs` placed in `table` from `offset` at instantiation. */
export interface ElementSegment {
  readonly table: TableIdx;
  readonly offset: number;
  readonly funcs: readonly FuncIdx[];
}

/** A data segment: active (copied to `offset` at instantiation) or, without an offset, passive (for `memory.init`). */
export interface DataSegment {
  readonly bytes: Uint8Array;
  readonly offset?: number;
}

export interface FunctionDecl extends FuncSig {
  readonly name: string;
  readonly paramNames?: readonly string[];
}

const EXTERNAL_KIND: Record<ExportKind, number> = { func: 0, table: 1, memory: 2, global: 3, tag: 4 };

const SECTION = { custom: 0, type: 1, import: 2, function: 3, table: 4, global: 6, export: 7, start: 8, element: 9, code: 10, data: 11, dataCount: 12, tag: 13 } as const;

export class FunctionBuilder {
  readonly code = new CodeEmitter();
  /** The locals declared after the parameters. */
  readonly locals: ValType[] = [];
  /** Names of parameters and locals by local index, for the name section. */
  readonly localNames: (string | undefined)[];

  constructor(readonly index: FuncIdx, readonly name: string, readonly type: TypeIdx, readonly sig: FuncSig, paramNames: readonly string[] = []) {
    this.localNames = sig.params.map((_, i) => paramNames[i]);
  }

  /** Declares a local and returns its index (after the parameters). */
  addLocal(type: ValType, name?: string): number {
    this.locals.push(type);
    this.localNames.push(name);
    return this.sig.params.length + this.locals.length - 1;
  }
}

export class ModuleBuilder {
  readonly types: FuncSig[] = [];
  readonly imports: Import[] = [];
  readonly functions: FunctionBuilder[] = [];
  readonly tables: Table[] = [];
  readonly globals: Global[] = [];
  readonly tags: TypeIdx[] = [];
  readonly exports: Export[] = [];
  readonly elements: ElementSegment[] = [];
  readonly data: DataSegment[] = [];
  start: FuncIdx | undefined;

  private readonly typeIndex = new Map<string, TypeIdx>();
  private readonly importCount: Record<ExportKind, number> = { func: 0, table: 0, memory: 0, global: 0, tag: 0 };
  private readonly funcImports: { readonly type: TypeIdx; readonly name: string }[] = [];

  constructor(readonly moduleName?: string) {}

  /** The index of a function type, adding it only if it is new. */
  type(sig: FuncSig): TypeIdx {
    const key = sigKey(sig);
    let index = this.typeIndex.get(key);
    if (index === undefined) {
      index = this.types.length as TypeIdx;
      this.types.push({ params: [...sig.params], results: [...sig.results] });
      this.typeIndex.set(key, index);
    }
    return index;
  }

  // ---- imports

  /** `name` is the function's name in the name section; it defaults to `module.field`. */
  importFunction(module: string, field: string, sig: FuncSig, name = `${module}.${field}`): FuncIdx {
    this.checkImportOrder('func', this.functions.length);
    const desc = { kind: 'func', type: this.type(sig), name } as const;
    this.imports.push({ module, field, desc });
    this.funcImports.push(desc);
    return this.importCount.func++ as FuncIdx;
  }

  importMemory(module: string, field: string, limits: Limits): void {
    if (limits.shared && limits.max === undefined) throw new Error('a shared memory needs a maximum');
    if (this.importCount.memory > 0) throw new Error('only one memory');
    this.imports.push({ module, field, desc: { kind: 'memory', limits } });
    this.importCount.memory++;
  }

  importTable(module: string, field: string, limits: Limits, element: RefType = 'funcref'): TableIdx {
    this.checkImportOrder('table', this.tables.length);
    this.imports.push({ module, field, desc: { kind: 'table', element, limits } });
    return this.importCount.table++ as TableIdx;
  }

  importGlobal(module: string, field: string, type: ValType, mutable: boolean): GlobalIdx {
    this.checkImportOrder('global', this.globals.length);
    this.imports.push({ module, field, desc: { kind: 'global', type, mutable } });
    return this.importCount.global++ as GlobalIdx;
  }

  importTag(module: string, field: string, params: readonly ValType[]): TagIdx {
    this.checkImportOrder('tag', this.tags.length);
    this.imports.push({ module, field, desc: { kind: 'tag', type: this.type({ params, results: [] }) } });
    return this.importCount.tag++ as TagIdx;
  }

  // ---- definitions

  addFunction(decl: FunctionDecl): FunctionBuilder {
    const index = (this.importCount.func + this.functions.length) as FuncIdx;
    const fn = new FunctionBuilder(index, decl.name, this.type(decl), { params: [...decl.params], results: [...decl.results] }, decl.paramNames);
    this.functions.push(fn);
    return fn;
  }

  addTable(limits: Limits, element: RefType = 'funcref'): TableIdx {
    this.tables.push({ element, limits });
    return (this.importCount.table + this.tables.length - 1) as TableIdx;
  }

  addGlobal(type: Global['type'], mutable: boolean, init: number | bigint): GlobalIdx {
    if ((type === 'i64') !== (typeof init === 'bigint')) throw new TypeError(`global ${type} initialized with a ${typeof init}`);
    this.globals.push({ type, mutable, init });
    return (this.importCount.global + this.globals.length - 1) as GlobalIdx;
  }

  /** An exception tag whose payload is `params`. */
  addTag(params: readonly ValType[]): TagIdx {
    this.tags.push(this.type({ params, results: [] }));
    return (this.importCount.tag + this.tags.length - 1) as TagIdx;
  }

  addElements(table: TableIdx, offset: number, funcs: readonly FuncIdx[]): void {
    this.elements.push({ table, offset, funcs: [...funcs] });
  }

  /** Adds a data segment, active when `offset` is given, passive otherwise. */
  addData(bytes: Uint8Array, offset?: number): DataIdx {
    this.data.push(offset === undefined ? { bytes } : { bytes, offset });
    return (this.data.length - 1) as DataIdx;
  }

  exportFunction(name: string, func: FuncIdx): void {
    this.exports.push({ name, kind: 'func', index: func });
  }

  exportTable(name: string, table: TableIdx): void {
    this.exports.push({ name, kind: 'table', index: table });
  }

  exportMemory(name: string): void {
    this.exports.push({ name, kind: 'memory', index: 0 });
  }

  exportGlobal(name: string, global: GlobalIdx): void {
    this.exports.push({ name, kind: 'global', index: global });
  }

  exportTag(name: string, tag: TagIdx): void {
    this.exports.push({ name, kind: 'tag', index: tag });
  }

  setStart(func: FuncIdx): void {
    this.start = func;
  }

  // ---- queries, shared with the text printer

  functionName(index: FuncIdx): string {
    return (this.funcImports[index] ?? this.functions[index - this.funcImports.length]!).name;
  }

  /** Functions that bodies name with `ref.func`; a declarative element segment declares them, as validation requires. */
  declaredRefs(): FuncIdx[] {
    const refs = new Set<FuncIdx>();
    for (const fn of this.functions) for (const f of fn.code.refFuncs) refs.add(f);
    return [...refs].sort((a, b) => a - b);
  }

  // ---- encoding

  build(): Uint8Array {
    const out = new ByteWriter(1024);
    out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

    this.section(out, SECTION.type, this.types, (w, t) => {
      w.byte(0x60);
      valTypes(w, t.params);
      valTypes(w, t.results);
    });
    this.section(out, SECTION.import, this.imports, (w, imp) => {
      w.name(imp.module).name(imp.field);
      const d = imp.desc;
      switch (d.kind) {
        case 'func': w.byte(0).u32(d.type); break;
        case 'table': w.byte(1).byte(VAL_TYPES[d.element]); limits(w, d.limits); break;
        case 'memory': w.byte(2); limits(w, d.limits); break;
        case 'global': w.byte(3).byte(VAL_TYPES[d.type]).byte(d.mutable ? 1 : 0); break;
        case 'tag': w.byte(4).byte(0).u32(d.type); break;
      }
    });
    this.section(out, SECTION.function, this.functions, (w, f) => w.u32(f.type));
    this.section(out, SECTION.table, this.tables, (w, t) => {
      w.byte(VAL_TYPES[t.element]);
      limits(w, t.limits);
    });
    // The tag section sits between memory and global, whatever its id.
    this.section(out, SECTION.tag, this.tags, (w, type) => w.byte(0).u32(type));
    this.section(out, SECTION.global, this.globals, (w, g) => {
      w.byte(VAL_TYPES[g.type]).byte(g.mutable ? 1 : 0);
      constExpr(w, g.type, g.init);
    });
    this.section(out, SECTION.export, this.exports, (w, e) => w.name(e.name).byte(EXTERNAL_KIND[e.kind]).u32(e.index));
    if (this.start !== undefined) out.byte(SECTION.start).sized(new ByteWriter(8).u32(this.start));

    const refs = this.declaredRefs();
    if (this.elements.length > 0 || refs.length > 0) {
      const w = new ByteWriter();
      w.u32(this.elements.length + (refs.length > 0 ? 1 : 0));
      for (const seg of this.elements) {
        // Flags 0: active in table 0, implicitly funcref; 2: active in any table, with an element kind.
        if (seg.table === 0) constExpr(w.u32(0), 'i32', seg.offset);
        else constExpr(w.u32(2).u32(seg.table), 'i32', seg.offset).byte(0);
        funcIndices(w, seg.funcs);
      }
      if (refs.length > 0) funcIndices(w.u32(3).byte(0), refs); // flags 3: declarative, element kind funcref
      out.byte(SECTION.element).sized(w);
    }
    // memory.init and data.drop need the data count declared before the code.
    if (this.data.length > 0) out.byte(SECTION.dataCount).sized(new ByteWriter(8).u32(this.data.length));

    this.section(out, SECTION.code, this.functions, (w, f) => {
      if (f.code.openBlocks > 0) throw new Error(`function ${f.name}: ${f.code.openBlocks} block(s) not ended`);
      const body = new ByteWriter(f.code.out.length + 16);
      const runs = localRuns(f.locals);
      body.u32(runs.length);
      for (const [count, type] of runs) body.u32(count).byte(VAL_TYPES[type]);
      body.bytes(f.code.out.view()).byte(OPS.end.code);
      w.sized(body);
    });
    this.section(out, SECTION.data, this.data, (w, d) => {
      if (d.offset === undefined) w.u32(1);
      else constExpr(w.u32(0), 'i32', d.offset);
      w.u32(d.bytes.length).bytes(d.bytes);
    });
    this.nameSection(out);
    return out.finish();
  }

  private nameSection(out: ByteWriter): void {
    const content = new ByteWriter();
    content.name('name');
    if (this.moduleName !== undefined) content.byte(0).sized(new ByteWriter().name(this.moduleName));

    const funcNames = new ByteWriter();
    const count = this.importCount.func + this.functions.length;
    funcNames.u32(count);
    for (let i = 0; i < count; i++) funcNames.u32(i).name(this.functionName(i as FuncIdx));
    content.byte(1).sized(funcNames);

    const named = this.functions.filter((f) => f.localNames.some((n) => n !== undefined));
    if (named.length > 0) {
      const localNames = new ByteWriter();
      localNames.u32(named.length);
      for (const f of named) {
        const entries = f.localNames.flatMap((n, i) => (n === undefined ? [] : [[i, n] as const]));
        localNames.u32(f.index).u32(entries.length);
        for (const [i, n] of entries) localNames.u32(i).name(n);
      }
      content.byte(2).sized(localNames);
    }
    out.byte(SECTION.custom).sized(content);
  }

  private section<T>(out: ByteWriter, id: number, items: readonly T[], write: (w: ByteWriter, item: T) => void): void {
    if (items.length === 0) return;
    const w = new ByteWriter();
    w.u32(items.length);
    for (const item of items) write(w, item);
    out.byte(id).sized(w);
  }

  private checkImportOrder(kind: ExportKind, defined: number): void {
    if (defined > 0) throw new Error(`${kind} imports must be added before ${kind} definitions`);
  }
}

function valTypes(w: ByteWriter, types: readonly ValType[]): void {
  w.u32(types.length);
  for (const t of types) w.byte(VAL_TYPES[t]);
}

function limits(w: ByteWriter, l: Limits): void {
  // Flags: bit 0 = has a maximum, bit 1 = shared (threads proposal).
  if (l.max === undefined) w.byte(0).u32(l.min);
  else w.byte(l.shared ? 3 : 1).u32(l.min).u32(l.max);
}

function constExpr(w: ByteWriter, type: Global['type'], value: number | bigint): ByteWriter {
  if (type === 'i64') w.byte(OPS['i64.const'].code).s64(BigInt(value));
  else if (type === 'f64') w.byte(OPS['f64.const'].code).f64(Number(value));
  else w.byte(OPS['i32.const'].code).s32(Number(value));
  return w.byte(OPS.end.code);
}

function funcIndices(w: ByteWriter, funcs: readonly FuncIdx[]): void {
  w.u32(funcs.length);
  for (const f of funcs) w.u32(f);
}

/** Locals are declared as runs of one type; consecutive locals of a type share a run. */
function localRuns(locals: readonly ValType[]): [number, ValType][] {
  const runs: [number, ValType][] = [];
  for (const t of locals) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === t) last[0]++;
    else runs.push([1, t]);
  }
  return runs;
}
