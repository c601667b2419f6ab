//! Emits the instructions of one function body as bytes, with a method per
//! instruction (most derived from the table in `opcodes.ts`) and a control
//! stack so that branches can name their target by a `Label` object instead of
//! a relative depth.
//!
//! It checks the block structure (an `else` needs an `if`, a branch target must
//! be open, `end` must match) but not operand types: `WebAssembly.validate`
//! does that, and the compiler runs it on every module in debug mode.

import { ByteWriter } from './encoder.js';
import { OPS, type Imm, type MemOp, type OpName, type PlainOp } from './opcodes.js';
import { VAL_TYPES, type BlockType, type DataIdx, type FuncIdx, type GlobalIdx, type RefType, type TableIdx, type TagIdx, type TypeIdx, type ValType } from './types.js';

export type FrameKind = 'function' | 'block' | 'loop' | 'if' | 'else' | 'try' | 'catch';

/** An open block, loop, if or try; valid as a branch target until its `end`. */
export interface Label {
  readonly kind: FrameKind;
}

class Frame implements Label {
  constructor(public kind: FrameKind, readonly height: number) {}
}

/** Instructions with their own method below rather than a derived one: they touch the control stack, or have unusual immediates. */
const EXPLICIT_OPS = [
  'block', 'loop', 'if', 'else', 'try', 'catch', 'catch_all', 'rethrow', 'end', 'br', 'br_if', 'br_table',
  'call_indirect', 'return_call_indirect', 'select', 'select.typed', 'i32.const', 'i64.const', 'f64.const', 'ref.null', 'ref.func',
] as const satisfies readonly OpName[];
type ExplicitOp = (typeof EXPLICIT_OPS)[number];

type Camel<S extends string> = S extends `${infer A}.${infer B}`
  ? `${A}${Capitalize<Camel<B>>}`
  : S extends `${infer A}_${infer B}`
    ? `${A}${Capitalize<Camel<B>>}`
    : S;

type ImmArgs<K extends Imm> = K extends 'memarg'
  ? [offset?: number, align?: number]
  : K extends 'local' ? [local: number]
  : K extends 'global' ? [global: GlobalIdx]
  : K extends 'func' ? [func: FuncIdx]
  : K extends 'table' ? [table: TableIdx]
  : K extends 'tag' ? [tag: TagIdx]
  : K extends 'data' | 'data_mem0' ? [data: DataIdx]
  : [];

/** One method per table entry: `i32.trunc_f64_s` becomes `i32TruncF64S()`, `i64.load` becomes `i64Load(offset?, align?)`. */
type DerivedMethods = {
  [N in Exclude<OpName, ExplicitOp> as Camel<N>]: (...args: ImmArgs<(typeof OPS)[N]['imm']>) => CodeEmitter;
};

// Declaration merging gives the class the derived methods' types; the first emitter installs them (below).
export interface CodeEmitter extends DerivedMethods {}

export class CodeEmitter {
  constructor() {
    installDerivedMethods();
  }

  readonly out = new ByteWriter();
  private readonly stack: Frame[] = [new Frame('function', 0)];
  /** Functions named by `ref.func`; the module builder declares them in a declarative element segment. */
  readonly refFuncs = new Set<FuncIdx>();

  /** Blocks opened and not yet ended, not counting the function body itself. */
  get openBlocks(): number {
    return this.stack.length - 1;
  }

  /** The function body's own label: a branch to it returns. */
  get bodyLabel(): Label {
    return this.stack[0]!;
  }

  /** Any instruction without immediates, by its text name: for compilers that map their own operators through a table. */
  op(name: PlainOp): this {
    writeOpcode(this.out, OPS[name]);
    return this;
  }

  /** Any load, store, atomic access or wait/notify, by its text name; the alignment defaults to the natural one. */
  memOp(name: MemOp, offset = 0, align?: number): this {
    const info = OPS[name];
    writeOpcode(this.out, info);
    this.out.u32(align ?? info.align).u32(offset);
    return this;
  }

  // ---- control

  block(type?: BlockType): Label {
    return this.open('block', OPS.block.code, type);
  }

  loop(type?: BlockType): Label {
    return this.open('loop', OPS.loop.code, type);
  }

  if(type?: BlockType): Label {
    return this.open('if', OPS.if.code, type);
  }

  else(): this {
    this.top('else', 'if').kind = 'else';
    this.out.byte(OPS.else.code);
    return this;
  }

  try(type?: BlockType): Label {
    return this.open('try', OPS.try.code, type);
  }

  catch(tag: TagIdx): this {
    this.top('catch', 'try', 'catch').kind = 'catch';
    this.out.byte(OPS.catch.code).u32(tag);
    return this;
  }

  catchAll(): this {
    this.top('catch_all', 'try', 'catch').kind = 'catch';
    this.out.byte(OPS.catch_all.code);
    return this;
  }

  /** Rethrows the exception caught by the enclosing catch clause `target`. */
  rethrow(target: Label | number): this {
    if (typeof target !== 'number' && target.kind !== 'catch') throw new Error('rethrow needs the label of a try in its catch clause');
    this.out.byte(OPS.rethrow.code).u32(this.depth(target));
    return this;
  }

  /** Ends the innermost block. The function body's final `end` is the module builder's job. */
  end(): this {
    if (this.stack.length === 1) throw new Error('end without an open block');
    this.stack.pop();
    this.out.byte(OPS.end.code);
    return this;
  }

  br(target: Label | number): this {
    this.out.byte(OPS.br.code).u32(this.depth(target));
    return this;
  }

  brIf(target: Label | number): this {
    this.out.byte(OPS.br_if.code).u32(this.depth(target));
    return this;
  }

  brTable(targets: readonly (Label | number)[], otherwise: Label | number): this {
    this.out.byte(OPS.br_table.code).u32(targets.length);
    for (const t of targets) this.out.u32(this.depth(t));
    this.out.u32(this.depth(otherwise));
    return this;
  }

  /** `call` of a function whose index is not known yet; returns where to `patchCall` it. */
  callPatchable(): number {
    this.out.byte(OPS.call.code);
    const at = this.out.length;
    this.out.u32Padded(0);
    return at;
  }

  patchCall(at: number, func: FuncIdx): void {
    this.out.patchU32(at, func);
  }

  callIndirect(type: TypeIdx, table = 0 as TableIdx): this {
    this.out.byte(OPS.call_indirect.code).u32(type).u32(table);
    return this;
  }

  returnCallIndirect(type: TypeIdx, table = 0 as TableIdx): this {
    this.out.byte(OPS.return_call_indirect.code).u32(type).u32(table);
    return this;
  }

  /** `select`; a type is required when the operands are references. */
  select(type?: ValType): this {
    if (type === undefined) this.out.byte(OPS.select.code);
    else this.out.byte(OPS['select.typed'].code).u32(1).byte(VAL_TYPES[type]);
    return this;
  }

  // ---- constants and references

  i32Const(n: number): this {
    // Accepts the unsigned spelling too (0xffffffff), as compilers often hold u32 bit patterns.
    this.out.byte(OPS['i32.const'].code).s32(n > 0x7fffffff && n <= 0xffffffff ? n | 0 : n);
    return this;
  }

  i64Const(n: bigint): this {
    this.out.byte(OPS['i64.const'].code).s64(BigInt.asIntN(64, n));
    return this;
  }

  f64Const(x: number): this {
    this.out.byte(OPS['f64.const'].code).f64(x);
    return this;
  }

  refNull(type: RefType): this {
    this.out.byte(OPS['ref.null'].code).byte(VAL_TYPES[type]);
    return this;
  }

  refFunc(func: FuncIdx): this {
    this.refFuncs.add(func);
    this.out.byte(OPS['ref.func'].code).u32(func);
    return this;
  }

  // ---- internals

  private open(kind: FrameKind, code: number, type: BlockType): Label {
    this.out.byte(code);
    if (type === undefined) this.out.byte(0x40);
    else if (typeof type === 'number') this.out.s33(type);
    else this.out.byte(VAL_TYPES[type]);
    const frame = new Frame(kind, this.stack.length);
    this.stack.push(frame);
    return frame;
  }

  private top(what: string, ...expected: FrameKind[]): Frame {
    const frame = this.stack[this.stack.length - 1]!;
    if (!expected.includes(frame.kind)) throw new Error(`${what} inside ${frame.kind}, expected ${expected.join(' or ')}`);
    return frame;
  }

  private depth(target: Label | number): number {
    if (typeof target === 'number') {
      if (target < 0 || target >= this.stack.length) throw new RangeError(`branch depth ${target} with ${this.stack.length} open blocks`);
      return target;
    }
    const frame = target as Frame;
    if (this.stack[frame.height] !== frame) throw new Error(`branch to a ${frame.kind} that is not open in this function`);
    return this.stack.length - 1 - frame.height;
  }
}

function writeOpcode(out: ByteWriter, info: { readonly code: number; readonly prefix?: number }): void {
  // Prefixed opcodes are a prefix byte then the sub-opcode as u32 LEB128.
  if (info.prefix === undefined) out.byte(info.code);
  else out.byte(info.prefix).u32(info.code);
}

function camel(name: string): string {
  return name.replace(/[._](.)/g, (_, c: string) => c.toUpperCase());
}

function derive(name: OpName): (this: CodeEmitter, ...args: number[]) => CodeEmitter {
  const info: { readonly code: number; readonly imm: Imm; readonly prefix?: number; readonly align?: number } = OPS[name];
  const emit = (out: ByteWriter): void => writeOpcode(out, info);
  switch (info.imm) {
    case 'none':
      return function (this: CodeEmitter) { emit(this.out); return this; };
    case 'memarg': {
      const natural = info.align!;
      return function (this: CodeEmitter, offset = 0, align = natural) { emit(this.out); this.out.u32(align).u32(offset); return this; };
    }
    case 'mem0':
      return function (this: CodeEmitter) { emit(this.out); this.out.byte(0); return this; };
    case 'mem00':
      return function (this: CodeEmitter) { emit(this.out); this.out.byte(0).byte(0); return this; };
    case 'data_mem0':
      return function (this: CodeEmitter, index: number) { emit(this.out); this.out.u32(index).byte(0); return this; };
    case 'local': case 'global': case 'func': case 'table': case 'tag': case 'data':
      return function (this: CodeEmitter, index: number) { emit(this.out); this.out.u32(index); return this; };
    case 'block': case 'label': case 'br_table': case 'call_indirect': case 'i32': case 'i64': case 'f64': case 'reftype': case 'select_t':
      throw new Error(`${name} needs an explicit method`);
  }
}

let installed = false;

/**
 * The derived methods fill a plain object that becomes the prototype of
 * CodeEmitter's prototype: defining some 250 properties one by one on a
 * class's prototype (an object V8 already treats as a prototype) took
 * 3.5-16 ms of every start-up, filling a plain object under 1 ms. Done at
 * the first emitter, not at load: a run that compiles nothing (hello world
 * at auto) skips it.
 */
function installDerivedMethods(): void {
  if (installed) return;
  installed = true;
  const explicit: ReadonlySet<string> = new Set(EXPLICIT_OPS);
  const derived: Record<string, unknown> = {};
  for (const name of Object.keys(OPS) as OpName[]) {
    if (!explicit.has(name)) derived[camel(name)] = derive(name);
  }
  Object.setPrototypeOf(CodeEmitter.prototype, derived);
}
