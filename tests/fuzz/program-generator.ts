//! Random well-typed Rejit programs for the differential test across tiers
//! (`tiers.test.ts`, `tiers-fuzz.ts`). They aim at what the baseline tier does
//! that the interpreter does not: small functions and methods (getters,
//! setters, bodies that may trap) called from loops, so that they are inlined
//! or reached through inline caches; virtual calls on arrays of mixed
//! objects; counted `for` and `while` loops over arrays that may be short,
//! null or replaced; inline allocation and `delete`; wrapping arithmetic and
//! conversions. Every program is deterministic and ends: calls only go from a
//! lower rank to a higher one (no recursion), only `driver` functions loop,
//! and every loop is bounded (by its range or by a guard counter). A
//! reference is deleted only when it never escaped its block, so no program
//! reads a deleted object (unspecified by the spec).

import { random } from '../random.js';

type Type = string;

interface ClassInfo {
  readonly name: string;
  readonly parent: ClassInfo | null;
  readonly fields: Field[];
  /** Methods with a body here: declared here or overriding. */
  readonly bodies: MethodInfo[];
}

interface Field {
  readonly name: string;
  readonly type: Type;
}

interface Callable {
  readonly name: string;
  readonly params: readonly Type[];
  readonly result: Type | null;
  /** A body may only call callables of a higher rank: no recursion. */
  readonly rank: number;
  /** The class that declares it, for methods. */
  readonly declarer: ClassInfo | null;
}

interface MethodInfo {
  readonly callable: Callable;
  /** What the root body does: read a field, write one, or compute. */
  readonly shape: 'getter' | 'setter' | 'compute';
  readonly field: Field | null;
}

/** The array a loop reads by its variable, and its type. */
interface Indexed {
  readonly array: string;
  readonly arrayType: Type;
}

interface Local {
  readonly name: string;
  readonly type: Type;
  readonly assignable: boolean;
  /** False for a block's own allocation that is deleted at its end: used only as a receiver, never as a value. */
  readonly escapes: boolean;
}

/** Where a body is generated. */
interface BodyContext {
  /** Callables of a higher rank may be called. */
  readonly rank: number;
  readonly self: ClassInfo | null;
  readonly loops: boolean;
  /** Loops around the statement: deeper loops get fewer iterations and no prints. */
  loopDepth: number;
  /** Calls the body may still make: with no recursion, a bound on the calls per body bounds a program's work. */
  calls: number;
}

const I32_MAX = 2147483647;
const I32_LITERALS = [0, 1, 2, 3, -1, -2, 5, 7, 10, 31, 32, 62, 63, 64, 100, 125, 126, 127, 1000, 65535, I32_MAX, -I32_MAX - 1, I32_MAX - 1];
const I64_LITERALS = ['0', '1', '-1', '2', '63', '64', '1000', '2147483647', '2147483648', '-2147483649', '4294967296', '9223372036854775807', '-9223372036854775808'];
const F64_LITERALS = ['0.0', '1.0', '-1.0', '0.5', '2.5', '3.75', '1e9', '-1e9', '3e10', '1e300', '-0.0', '0.1', '123.456'];
/** Sizes around what the baseline tier allocates inline (126 i32 or 63 f64 elements fit a small block). */
const ARRAY_SIZES = [1, 2, 3, 5, 8, 16, 62, 63, 64, 125, 126, 127, 130];
const INT_OPS = ['+', '-', '*', '&', '|', '^', '<<', '>>', '>>>', '+', '-', '*'];
const F64_OPS = ['+', '-', '*', '/', '%'];
const COMPARISONS = ['==', '!=', '<', '<=', '>', '>='];
const SCALARS: readonly Type[] = ['i32', 'i64', 'f64', 'bool'];
const PRIMITIVE_ARRAYS: readonly Type[] = ['i32[]', 'i64[]', 'f64[]'];

/** Generates the program of `seed`; the same seed gives the same text. */
export function generateProgram(seed: number): string {
  return new ProgramGenerator(seed).program();
}

class ProgramGenerator {
  private readonly next: () => number;
  /** How often an operation takes a form that may trap; per program, so that some programs rarely trap and run long. */
  private readonly risk: number;
  private readonly classes: ClassInfo[] = [];
  private readonly methods: MethodInfo[] = [];
  private readonly functions: Callable[] = [];
  private readonly drivers: Callable[] = [];
  private readonly globals: Local[] = [];
  private scope: Local[] = [];
  private names = 0;
  private fieldNames = 0;
  private readonly lines: string[] = [];
  private indent = 0;

  constructor(seed: number) {
    this.next = random(seed);
    this.risk = this.pick([0.001, 0.004, 0.015]);
  }

  program(): string {
    this.declare();
    for (const g of this.globals) this.emit(`global ${g.name}: ${g.type} = ${this.zero(g.type)};`);
    for (const c of this.classes) this.classDefinition(c);
    for (const f of this.functions) this.functionDefinition(f, { rank: f.rank, self: null, loops: false, loopDepth: 0, calls: 2 });
    for (const d of this.drivers) this.functionDefinition(d, this.loopingContext());
    this.mainDefinition();
    return this.lines.join('\n') + '\n';
  }

  // Declarations: every signature first, so that any body may call anything of a higher rank.

  private declare(): void {
    // The references are set by main, so that small bodies have arrays and objects to work on.
    const globalTypes: Type[] = ['i32', 'i64', 'f64', 'i32', 'i32[]', 'f64[]', 'C0'];
    for (const type of globalTypes) this.globals.push({ name: `g${this.globals.length}`, type, assignable: true, escapes: true });
    const classCount = this.int(1, 6);
    for (let k = 0; k < classCount; k++) {
      const parent = k === 0 ? null : (this.pick(this.classes) as ClassInfo);
      this.classes.push({ name: `C${k}`, parent, fields: [], bodies: [] });
    }
    // Field types name only C0, declared above, so every class has its fields before any method is made.
    for (const c of this.classes) {
      const count = this.int(c.parent ? 0 : 1, 3);
      for (let i = 0; i < count; i++) c.fields.push({ name: `f${this.fieldNames++}`, type: this.pick(['i32', 'i32', 'i64', 'f64', 'bool', 'i32[]', 'f64[]', 'C0']) });
    }
    let rank = 0;
    const methodCount = this.int(1, 5);
    const functionCount = this.int(2, 6);
    const ranks = this.shuffle([...Array(methodCount + functionCount).keys()]);
    for (let i = 0; i < methodCount; i++) this.declareMethod(ranks[rank++] as number);
    for (let i = 0; i < functionCount; i++) {
      const params = Array.from({ length: this.int(0, 3) }, () => this.valueType());
      const result = this.chance(0.15) ? null : this.valueType();
      this.functions.push({ name: `s${i}`, params, result, rank: ranks[rank++] as number, declarer: null });
    }
    const driverCount = this.int(1, 3);
    for (let i = 0; i < driverCount; i++) {
      const params: Type[] = ['i32', this.pick(PRIMITIVE_ARRAYS), 'C0[]', 'C0', ...Array.from({ length: this.int(0, 2) }, () => this.valueType())];
      this.drivers.push({ name: `d${i}`, params, result: null, rank: -1, declarer: null });
    }
  }

  private declareMethod(rank: number): void {
    // Methods of the root can be called on every element of a `C0[]`.
    const declarer = this.chance(0.5) ? (this.classes[0] as ClassInfo) : this.pick(this.classes);
    const fields = this.fieldsOf(declarer);
    const name = `m${this.methods.length}`;
    const shape = fields.length === 0 ? 'compute' : this.pick(['getter', 'setter', 'compute', 'compute'] as const);
    const field = shape === 'compute' ? null : this.pick(fields);
    let params: Type[];
    let result: Type | null;
    if (shape === 'getter') [params, result] = [[], (field as Field).type];
    else if (shape === 'setter') [params, result] = [[(field as Field).type], null];
    else [params, result] = [Array.from({ length: this.int(0, 2) }, () => this.pick(['i32', 'i32', 'i64', 'f64'])), this.pick(SCALARS)];
    const method: MethodInfo = { callable: { name, params, result, rank, declarer }, shape, field };
    this.methods.push(method);
    // An abstract method traps when a class without a body of its own is asked for one.
    if (!this.chance(this.risk * 3)) declarer.bodies.push(method);
    for (const c of this.classes) {
      if (c !== declarer && this.isSubclass(c.name, declarer.name) && this.chance(0.5)) c.bodies.push(method);
    }
  }

  // Definitions.

  private classDefinition(c: ClassInfo): void {
    this.emit(`class ${c.name}${c.parent ? ` extends ${c.parent.name}` : ''} {`);
    this.indent++;
    for (const f of c.fields) this.emit(`${f.name}: ${f.type};`);
    for (const m of this.methods) {
      if (m.callable.declarer === c && !c.bodies.includes(m)) this.emit(`fn ${m.callable.name}(self${this.paramList(m.callable, false)})${this.resultText(m.callable)};`);
    }
    for (const m of c.bodies) this.methodDefinition(c, m);
    this.indent--;
    this.emit('}');
  }

  private methodDefinition(c: ClassInfo, m: MethodInfo): void {
    const fn = m.callable;
    this.emit(`fn ${fn.name}(self${this.paramList(fn, true)})${this.resultText(fn)} {`);
    this.indent++;
    const context: BodyContext = { rank: fn.rank, self: c, loops: false, loopDepth: 0, calls: 2 };
    const field = m.field as Field;
    // The declarer's body is the plain accessor (what inlining looks for); overrides vary it.
    if (m.shape === 'getter' && (c === fn.declarer || this.chance(0.5))) this.emit(`return self.${field.name};`);
    else if (m.shape === 'setter' && (c === fn.declarer || this.chance(0.5))) this.emit(`self.${field.name} = p0;`);
    else this.smallBody(fn, context);
    this.indent--;
    this.emit('}');
    this.scope = [];
  }

  private functionDefinition(fn: Callable, context: BodyContext): void {
    this.emit(`fn ${fn.name}(${this.paramList(fn, true).slice(2)})${this.resultText(fn)} {`);
    this.indent++;
    if (context.loops) this.driverBody(context);
    else this.smallBody(fn, context);
    this.indent--;
    this.emit('}');
    this.scope = [];
  }

  /** Declares the parameters `p0, p1, ...` as locals (when `bind`) and returns `, p0: T, ...`. */
  private paramList(fn: Callable, bind: boolean): string {
    if (bind) fn.params.forEach((type, i) => this.scope.push({ name: `p${i}`, type, assignable: true, escapes: true }));
    return fn.params.map((type, i) => `, p${i}: ${type}`).join('');
  }

  private resultText(fn: Callable): string {
    return fn.result === null ? '' : ` -> ${fn.result}`;
  }

  private smallBody(fn: Callable, context: BodyContext): void {
    const count = this.int(0, 3);
    for (let i = 0; i < count; i++) this.statement(context, 1);
    if (fn.result !== null) this.emit(`return ${this.expr(fn.result, 2, context)};`);
  }

  /** Drivers and main: they loop, and call anything. */
  private loopingContext(): BodyContext {
    return { rank: -1, self: null, loops: true, loopDepth: 0, calls: 40 };
  }

  private driverBody(context: BodyContext): void {
    this.declareLocal('acc', 'i64', '0', true);
    const count = this.int(3, 6);
    for (let i = 0; i < count; i++) {
      if (this.chance(0.6)) this.loop(context);
      else this.statement(context, 2);
    }
    this.emit(`print(acc);`);
  }

  private mainDefinition(): void {
    const context = this.loopingContext();
    this.emit('fn main() -> i32 {');
    this.indent++;
    this.declareLocal('acc', 'i64', '0', true);
    for (const type of PRIMITIVE_ARRAYS) this.declareLocal(this.fresh('a'), type, `new ${type.slice(0, -2)}[${this.arraySize()}]`, true);
    const objects = this.classes.map((c) => {
      const name = this.fresh('o');
      this.declareLocal(name, c.name, `new ${c.name}`, true);
      return { name, c };
    });
    for (const g of this.globals) if (!SCALARS.includes(g.type)) this.emit(`${g.name} = ${this.pick(this.valuesOf(g.type).filter((name) => name !== g.name))};`);
    for (const { name, c } of objects) {
      for (const f of this.fieldsOf(c)) if (this.chance(0.9)) this.emit(`${name}.${f.name} = ${this.expr(f.type, 1, context)};`);
    }
    this.mixedObjects(context);
    for (let round = 0; round < 3; round++) {
      for (const d of this.drivers) this.emit(`${d.name}(${d.params.map((t) => this.expr(t, 1, context)).join(', ')});`);
      if (this.chance(0.5)) this.statement(context, 1);
    }
    this.emit(`print(acc, ${this.globals.filter((g) => SCALARS.includes(g.type)).map((g) => g.name).join(', ')});`);
    this.emit(`return ${this.expr('i32', 2, context)};`);
    this.indent--;
    this.emit('}');
    this.scope = [];
  }

  /** An array of objects of every class (and some nulls), for virtual calls on elements. */
  private mixedObjects(context: BodyContext): void {
    const objects = this.fresh('objs');
    const size = this.int(1, 40);
    this.declareLocal(objects, 'C0[]', `new C0[${size}]`, true);
    const i = this.fresh('i');
    this.emit(`for ${i} in 0..${size} {`);
    this.indent++;
    const kinds = this.classes.length + 1;
    const chosen = this.fresh('k');
    this.emit(`let ${chosen} = ${i} % ${kinds};`);
    this.classes.forEach((c, k) => {
      this.emit(`${k === 0 ? '' : '} else '}if ${chosen} == ${k} {`);
      this.indent++;
      const o = this.fresh('o');
      this.emit(`let ${o} = new ${c.name};`);
      for (const f of this.fieldsOf(c)) {
        if (this.chance(0.6)) this.emit(`${o}.${f.name} = ${f.type === 'i32' ? `${i} * ${this.int(1, 9)} - ${this.int(0, 20)}` : this.expr(f.type, 1, context)};`);
      }
      this.emit(`${objects}[${i}] = ${o};`);
      this.indent--;
    });
    this.emit('}');
    this.indent--;
    this.emit('}');
  }

  // Statements.

  private statement(context: BodyContext, depth: number): void {
    const choice = this.next();
    if (choice < 0.18) {
      const type = this.valueType();
      this.declareLocal(this.fresh('v'), type, this.expr(type, depth + 1, context), true);
    } else if (choice < 0.32) {
      this.assignment(context, depth);
    } else if (choice < 0.44) {
      this.fieldStore(context, depth);
    } else if (choice < 0.54) {
      this.elementStore(context, depth);
    } else if (choice < 0.66 && context.loopDepth < 2) {
      const count = this.int(1, 3);
      this.emit(`print(${Array.from({ length: count }, () => this.expr(this.pick(SCALARS), depth + 1, context)).join(', ')});`);
    } else if (choice < 0.76 && depth > 0) {
      this.emit(`if ${this.expr('bool', 2, context)} {`);
      this.block(context, depth - 1);
      if (this.chance(0.4)) {
        this.emit('} else {');
        this.block(context, depth - 1);
      }
      this.emit('}');
    } else if (choice < 0.86) {
      this.callStatement(context);
    } else if (choice < 0.94 && context.loops) {
      this.allocateAndDelete(context);
    } else if (choice < 0.96) {
      this.emit(`assert(${this.expr('bool', 1, context)} || ${this.chance(this.risk) ? 'false' : 'true'});`);
    } else if (context.loops && depth > 0 && context.loopDepth < 2) {
      this.loop(context);
    } else {
      this.assignment(context, depth);
    }
  }

  private block(context: BodyContext, depth: number): void {
    this.indent++;
    const mark = this.scope.length;
    const count = this.int(1, 3);
    for (let i = 0; i < count; i++) this.statement(context, depth);
    this.scope.length = mark;
    this.indent--;
  }

  private assignment(context: BodyContext, depth: number): void {
    const targets = [...this.scope.filter((l) => l.assignable), ...this.globals];
    const target = this.pick(targets);
    const compound = target.type === 'i32' || target.type === 'i64' ? this.pick(['=', '+=', '-=', '*=', '^=', '<<=', '>>=', '=', '+=']) : '=';
    this.emit(`${target.name} ${compound} ${this.expr(target.type, depth + 1, context)};`);
  }

  private fieldStore(context: BodyContext, depth: number): void {
    const c = this.pick(this.classes);
    const fields = this.fieldsOf(c);
    if (fields.length === 0) return this.assignment(context, depth);
    const f = this.pick(fields);
    this.emit(`${this.receiver(c.name, context)}.${f.name} = ${this.expr(f.type, depth + 1, context)};`);
  }

  private elementStore(context: BodyContext, depth: number): void {
    const type = this.pick([...PRIMITIVE_ARRAYS, 'C0[]']);
    const array = this.receiver(type, context);
    this.emit(`${array}[${this.index(context)}] = ${this.expr(type.slice(0, -2), depth + 1, context)};`);
  }

  private callStatement(context: BodyContext): void {
    const callees = this.callables(context).filter((c) => c.result === null);
    if (callees.length === 0 || context.calls <= 0) return this.assignment(context, 1);
    this.emit(`${this.call(this.pick(callees), context, 1)};`);
  }

  /**
   * An object or array of its own in a block, used, then deleted: a new
   * allocation reads as zero even where a deleted one was.
   */
  private allocateAndDelete(context: BodyContext): void {
    const type = this.pick([...PRIMITIVE_ARRAYS, ...this.classes.map((c) => c.name)]);
    const size = this.pick(ARRAY_SIZES);
    this.emit('{');
    this.indent++;
    const mark = this.scope.length;
    const name = this.fresh('t');
    this.emit(`let ${name}: ${type} = new ${type.endsWith('[]') ? `${type.slice(0, -2)}[${size}]` : type};`);
    this.scope.push({ name, type, assignable: false, escapes: false });
    if (type.endsWith('[]')) {
      const at = `${this.int(0, size - 1)}`;
      this.emit(`acc += i64(${type === 'f64[]' ? `i32(${name}[${at}])` : `${name}[${at}]`}) + i64(${name}.length);`);
    } else {
      for (const f of this.fieldsOf(this.classOf(type))) if (SCALARS.includes(f.type)) this.emit(`print(${name}.${f.name});`);
    }
    const count = this.int(1, 3);
    for (let i = 0; i < count; i++) this.statement(context, 0);
    this.emit(`delete ${name};`);
    this.scope.length = mark;
    this.indent--;
    this.emit('}');
  }

  // Loops: every one ends, by its range or by a guard that breaks out.

  /**
   * A loop that indexes an array by its variable: mostly bounded by that
   * array's length (the shape whose bounds checks the baseline tier hoists),
   * else by constants, near the end of the type, or by clamped expressions,
   * with the access guarded unless the program takes a risk.
   */
  private loop(context: BodyContext): void {
    const inner = context.loopDepth > 0;
    const limit = inner ? this.int(1, 12) : this.int(5, 140);
    const arrayType = this.pick(PRIMITIVE_ARRAYS);
    const array = this.receiver(arrayType, context);
    const byLength = !inner && this.chance(0.6);
    if (this.chance(0.5)) this.forLoop(context, limit, byLength ? array : null, { array, arrayType });
    else this.whileLoop(context, limit, byLength ? array : null, { array, arrayType });
  }

  private forLoop(context: BodyContext, limit: number, lengthOf: string | null, indexed: Indexed): void {
    const variable = this.fresh('i');
    let type: Type = 'i32';
    let range: string;
    const shape = this.int(0, 3);
    if (lengthOf !== null) {
      range = `${this.pick([0, 0, 0, 1, 2])}..${lengthOf}.length`;
    } else if (shape === 0) {
      const from = this.int(-3, 130);
      range = `${from}..${from + this.int(0, limit)}`;
    } else if (shape === 1) {
      range = `${I32_MAX - limit}..${I32_MAX}`;
    } else if (shape === 2) {
      range = `max(${this.expr('i32', 1, context)}, -3)..min(${this.expr('i32', 1, context)}, ${limit})`;
    } else {
      type = 'i64';
      const from = this.pick([BigInt(this.int(-5, 100)), 9223372036854775807n - BigInt(limit)]);
      // A literal beyond i32 is an i64 by itself; a small one needs the conversion.
      range = from > 2147483647n ? `${from}..${from + BigInt(limit)}` : `i64(${from})..${from + BigInt(limit)}`;
    }
    this.emit(`for ${variable} in ${range} {`);
    this.loopBody(context, variable, type, null, indexed, lengthOf !== null);
    this.emit('}');
  }

  /** `while` loops counting up or down by a constant or a local stride (which may be zero or negative). */
  private whileLoop(context: BodyContext, limit: number, lengthOf: string | null, indexed: Indexed): void {
    const type = lengthOf !== null || this.chance(0.8) ? 'i32' : 'i64';
    const variable = this.fresh('w');
    const guard = this.fresh('n');
    const up = this.chance(0.6);
    let start: string;
    let bound: string;
    if (lengthOf !== null) {
      start = up ? `${this.int(0, 1)}` : `${lengthOf}.length - 1`;
      bound = up ? `${lengthOf}.length` : this.pick(['0', '-1']);
    } else if (this.chance(0.3)) {
      const end = type === 'i32' ? (up ? '2147483647' : '-2147483648') : up ? '9223372036854775807' : '-9223372036854775808';
      start = `${end} ${up ? '-' : '+'} ${this.int(0, 60)}`;
      bound = end;
    } else {
      start = `${this.int(-5, 40)}`;
      bound = `${this.int(-5, 140)}`;
    }
    this.declareLocal(variable, type, start, false);
    if (this.chance(0.3)) {
      const name = this.fresh('b');
      this.declareLocal(name, type, bound, false);
      bound = name;
    }
    let stride = `${this.pick([1, 1, 1, 2, 3, 7, 16])}`;
    if (this.chance(0.35)) {
      const name = this.fresh('s');
      const value = this.chance(this.risk * 5) ? this.expr(type, 1, context) : `${this.pick([0, -1, 1, 1, 2, 5, 100])}`;
      this.declareLocal(name, type, value, false);
      stride = name;
    }
    this.declareLocal(guard, 'i32', '0', false);
    // `<=` and `>=` to the length or -1 go one step past the array: in bounds only when the guard is there.
    const test = up ? this.pick([`${variable} < ${bound}`, `${bound} > ${variable}`, `${variable} <= ${bound}`]) : this.pick([`${variable} >= ${bound}`, `${variable} > ${bound}`]);
    const exact = lengthOf !== null && (up ? !test.includes('<=') : bound === '0' || test.includes(' > '));
    this.emit(`while ${test} {`);
    this.loopBody(context, variable, type, `${guard} += 1; if ${guard} > ${limit} { break; }`, indexed, exact);
    this.indent++;
    this.emit(`${variable} ${up ? '+=' : '-='} ${stride};`);
    this.indent--;
    this.emit('}');
    if (context.loopDepth === 0) this.emit(`print(${variable}, ${guard});`);
  }

  /** The body: reads the indexed array by the variable (checked unless `inBounds` or the program takes a risk), then statements. */
  private loopBody(context: BodyContext, variable: string, type: Type, guard: string | null, indexed: Indexed, inBounds: boolean): void {
    this.indent++;
    if (guard) this.emit(guard);
    const mark = this.scope.length;
    this.scope.push({ name: variable, type, assignable: false, escapes: true });
    context.loopDepth++;
    const index = type === 'i32' ? variable : `i32(${variable})`;
    const element = `${indexed.array}[${index}]`;
    const read = `acc += ${indexed.arrayType === 'i64[]' ? element : `i64(${element})`};`;
    if (inBounds || this.chance(this.risk * 4)) this.emit(read);
    else this.emit(`if ${index} >= 0 && ${index} < ${indexed.array}.length { ${read} }`);
    const count = this.int(1, 4);
    for (let i = 0; i < count; i++) {
      if (this.chance(0.2)) this.replaceArray(context, variable);
      else if (this.chance(0.25)) this.virtualCall(context, index);
      else this.statement(context, context.loopDepth < 2 ? 1 : 0);
    }
    context.loopDepth--;
    this.scope.length = mark;
    this.indent--;
  }

  /** Calls a method of the root on an element of an array of mixed objects (null elements skipped unless the program takes a risk). */
  private virtualCall(context: BodyContext, index: string): void {
    const methods = this.methods.filter((m) => m.callable.declarer === this.classes[0] && m.callable.rank > context.rank);
    if (methods.length === 0) return;
    const objects = this.receiver('C0[]', context);
    const element = this.fresh('e');
    this.emit(`let ${element}: C0 = ${objects}[(${index} & 2147483647) % ${objects}.length];`);
    this.scope.push({ name: element, type: 'C0', assignable: true, escapes: true });
    const fn = this.pick(methods).callable;
    const call = `${element}.${fn.name}(${fn.params.map((t) => this.expr(t, 1, context)).join(', ')})`;
    const use = fn.result === 'i32' || fn.result === 'i64' || fn.result === 'f64' ? `acc += i64(${fn.result === 'f64' ? `floor(${call}) % 1e9` : call});` : fn.result === 'bool' ? `print(${call});` : `${call};`;
    this.emit(this.chance(this.risk * 5) ? use : `if ${element} != null { ${use} }`);
  }

  /** Replaces an array that the loop indexes, in the middle of the loop. */
  private replaceArray(context: BodyContext, variable: string): void {
    const arrays = this.scope.filter((l) => l.assignable && l.type.endsWith('[]') && l.escapes);
    if (arrays.length === 0) return;
    const target = this.pick(arrays);
    this.emit(`if ${variable} == ${this.int(0, 20)} {`);
    this.indent++;
    this.emit(`${target.name} = ${this.expr(target.type, 1, context)};`);
    this.indent--;
    this.emit('}');
  }

  // Expressions: always parenthesized where precedence could matter.

  private expr(type: Type, depth: number, context: BodyContext): string {
    if (depth <= 0 || this.chance(0.25)) return this.leaf(type);
    if (type === 'i32' || type === 'i64') return this.integer(type, depth - 1, context);
    if (type === 'f64') return this.float(depth - 1, context);
    if (type === 'bool') return this.boolean(depth - 1, context);
    return this.reference(type, depth - 1, context);
  }

  private leaf(type: Type): string {
    const locals = this.valuesOf(type);
    if (locals.length > 0 && this.chance(0.7)) return this.pick(locals);
    if (type === 'i32') return this.literal(`${this.pick(I32_LITERALS)}`);
    if (type === 'i64') return this.literal(this.pick(I64_LITERALS));
    if (type === 'f64') return this.literal(this.pick(F64_LITERALS));
    if (type === 'bool') return this.pick(['true', 'false']);
    if (type.endsWith('[]')) return this.chance(this.risk * 3) ? 'null' : `new ${type.slice(0, -2)}[${this.arraySize()}]`;
    return this.chance(this.risk * 3) ? 'null' : `(new ${this.pick(this.subclasses(type)).name})`;
  }

  private literal(text: string): string {
    return text.startsWith('-') ? `(${text})` : text;
  }

  private integer(type: 'i32' | 'i64', depth: number, context: BodyContext): string {
    const choice = this.next();
    const operand = (): string => this.typed(this.expr(type, depth, context), type);
    if (choice < 0.3) return `(${operand()} ${this.pick(INT_OPS)} ${this.expr(type, depth, context)})`;
    if (choice < 0.38) {
      const divisor = this.chance(this.risk * 2) ? this.expr(type, depth, context) : `${this.pick([3, 7, 16, 10, 1000])}`;
      return `(${operand()} ${this.pick(['/', '%'])} ${divisor})`;
    }
    if (choice < 0.45) return `${this.pick(['min', 'max'])}(${operand()}, ${this.expr(type, depth, context)})`;
    if (choice < 0.5) return this.pick([`abs(${operand()})`, `(-${operand()})`, `(~${operand()})`]);
    if (choice < 0.6) {
      const other = type === 'i32' ? 'i64' : 'i32';
      const risky = this.chance(this.risk * 4);
      const source = risky ? this.expr('f64', depth, context) : this.expr(other, depth, context);
      return `${type}(${source})`;
    }
    if (choice < 0.68 && type === 'i32') return `${this.receiver(this.pick([...PRIMITIVE_ARRAYS, 'C0[]']), context)}.length`;
    return this.access(type, depth, context);
  }

  private float(depth: number, context: BodyContext): string {
    const choice = this.next();
    if (choice < 0.35) return `(${this.expr('f64', depth, context)} ${this.pick(F64_OPS)} ${this.expr('f64', depth, context)})`;
    if (choice < 0.5) return `f64(${this.expr(this.pick(['i32', 'i64']), depth, context)})`;
    if (choice < 0.6) return `${this.pick(['sqrt', 'floor', 'ceil', 'abs'])}(${this.expr('f64', depth, context)})`;
    if (choice < 0.65) return `${this.pick(['min', 'max'])}(${this.expr('f64', depth, context)}, ${this.expr('f64', depth, context)})`;
    return this.access('f64', depth, context);
  }

  private boolean(depth: number, context: BodyContext): string {
    const choice = this.next();
    if (choice < 0.35) {
      const type = this.pick(['i32', 'i32', 'i64', 'f64']);
      return `(${this.typed(this.expr(type, depth, context), type)} ${this.pick(COMPARISONS)} ${this.expr(type, depth, context)})`;
    }
    if (choice < 0.5) return `(${this.expr('bool', depth, context)} ${this.pick(['&&', '||', '==', '!='])} ${this.expr('bool', depth, context)})`;
    if (choice < 0.55) return `(!${this.expr('bool', depth, context)})`;
    if (choice < 0.65) return `(${this.receiver(this.pick([...PRIMITIVE_ARRAYS, ...this.classes.map((c) => c.name)]), context)} ${this.pick(['==', '!='])} null)`;
    if (choice < 0.72 && this.classes.length > 1) {
      const target = this.pick(this.classes.slice(1));
      return `(${this.castSource(target.name)} is ${target.name})`;
    }
    return this.access('bool', depth, context);
  }

  private reference(type: Type, depth: number, context: BodyContext): string {
    // A reference from a field or a call is often null, and a cast may fail: the program takes a risk.
    if (!type.endsWith('[]') && this.chance(this.risk * 5)) return `(${this.castSource(type)} as ${type})`;
    return this.chance(0.3 + this.risk * 5) ? this.access(type, depth, context) : this.leaf(type);
  }

  /** A value of `type` read from a field, an element or a call's result; else a leaf. */
  private access(type: Type, depth: number, context: BodyContext): string {
    const options: (() => string)[] = [];
    for (const c of this.classes) {
      for (const f of c.fields) if (f.type === type) options.push(() => `${this.receiver(c.name, context)}.${f.name}`);
    }
    if (type === 'i32' || type === 'i64' || type === 'f64' || type === 'C0') {
      options.push(() => {
        const array = this.receiver(`${type}[]`, context);
        return `${array}[${this.index(context)}]`;
      });
    }
    if (context.calls > 0) for (const c of this.callables(context)) if (c.result === type) options.push(() => this.call(c, context, depth));
    return options.length === 0 ? this.leaf(type) : this.pick(options)();
  }

  /** An index: mostly in bounds, by a loop variable where there is one. */
  private index(context: BodyContext): string {
    const loopVariables = this.scope.filter((l) => !l.assignable && l.type === 'i32' && /^[iw]\d/.test(l.name));
    if (loopVariables.length > 0 && this.chance(this.risk * 8)) return this.pick(loopVariables).name;
    if (this.chance(this.risk * 2)) return this.expr('i32', 1, context);
    return this.chance(this.risk * 6) ? `${this.int(1, 4)}` : '0';
  }

  private call(fn: Callable, context: BodyContext, depth: number): string {
    context.calls--;
    const args = fn.params.map((t) => this.expr(t, depth, context)).join(', ');
    if (!fn.declarer) return `${fn.name}(${args})`;
    return `${this.receiver(this.pick(this.subclasses(fn.declarer.name)).name, context)}.${fn.name}(${args})`;
  }

  /**
   * An expression of `type` to read a field of, index, or call a method on:
   * never a bare `null` (it has no class); may be a non-escaping local.
   */
  private receiver(type: Type, context: BodyContext): string {
    const locals = this.scope.filter((l) => this.assignableTo(l.type, type)).map((l) => l.name);
    if (context.self && this.isSubclass(context.self.name, type) && this.chance(0.5)) return 'self';
    if (locals.length > 0 && this.chance(0.85)) return this.pick(locals);
    const globals = this.valuesOf(type);
    if (globals.length > 0 && this.chance(0.5)) return this.pick(globals);
    if (type.endsWith('[]')) return `(new ${type.slice(0, -2)}[${this.arraySize()}])`;
    return `(new ${this.pick(this.subclasses(type)).name})`;
  }

  /** Names that can be used as values of `type`: escaping locals and globals. */
  private valuesOf(type: Type): string[] {
    return [...this.scope, ...this.globals].filter((l) => l.escapes && this.assignableTo(l.type, type)).map((l) => l.name);
  }

  /**
   * A value to cast to or test for class `target`: its static type must be
   * related to `target` (else a compile error), so a local of an ancestor,
   * or any object seen as a `C0`.
   */
  private castSource(target: string): string {
    const related = [...this.scope, ...this.globals].filter((l) => l.escapes && this.classes.some((c) => c.name === l.type) && this.isSubclass(target, l.type));
    if (related.length > 0 && this.chance(0.8)) return this.pick(related).name;
    const objects = this.valuesOf('C0');
    return `(${objects.length > 0 ? this.pick(objects) : `(new ${this.pick(this.classes).name})`} as C0)`;
  }

  /** A bare i64 literal would be typed by its context: give it its type when the other side might not. */
  private typed(text: string, type: Type): string {
    return type === 'i64' && /^\(?-?\d+\)?$/.test(text) ? `i64(${text})` : text;
  }

  private callables(context: BodyContext): Callable[] {
    return [...this.functions, ...this.methods.map((m) => m.callable)].filter((c) => c.rank > context.rank);
  }

  // Types.

  private valueType(): Type {
    return this.chance(0.6) ? this.pick(SCALARS) : this.pick([...PRIMITIVE_ARRAYS, 'C0[]', ...this.classes.map((c) => c.name)]);
  }

  /** Rarely empty: an element read from an empty array traps. */
  private arraySize(): number {
    return this.chance(this.risk) ? 0 : this.pick(ARRAY_SIZES);
  }

  private zero(type: Type): string {
    return type === 'f64' ? '0.0' : SCALARS.includes(type) ? '0' : 'null';
  }

  private classOf(name: string): ClassInfo {
    return this.classes.find((c) => c.name === name) as ClassInfo;
  }

  private fieldsOf(c: ClassInfo): Field[] {
    return c.parent ? [...this.fieldsOf(c.parent), ...c.fields] : [...c.fields];
  }

  private isSubclass(name: string, ancestor: string): boolean {
    for (let c: ClassInfo | null = this.classOf(name); c; c = c.parent) if (c.name === ancestor) return true;
    return false;
  }

  private subclasses(name: string): ClassInfo[] {
    return this.classes.filter((c) => this.isSubclass(c.name, name));
  }

  private assignableTo(from: Type, to: Type): boolean {
    if (from === to) return true;
    return this.classes.some((c) => c.name === from) && this.classes.some((c) => c.name === to) && this.isSubclass(from, to);
  }

  // Output and randomness.

  private declareLocal(name: string, type: Type, init: string, assignable: boolean): void {
    this.emit(`let ${name}: ${type} = ${init};`);
    this.scope.push({ name, type, assignable, escapes: true });
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.names++}`;
  }

  private emit(line: string): void {
    this.lines.push(`${'  '.repeat(this.indent)}${line}`);
  }

  private chance(p: number): boolean {
    return this.next() < p;
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  private shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}
