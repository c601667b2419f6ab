//! The checker, module level: resolves a parsed module against the session's
//! program and produces a `ModuleDelta` — the classes, functions, globals and
//! consts the module adds and the functions it (re)defines, with typed IR for
//! every body. The program itself is not touched: the session applies the
//! delta only when the whole module has checked, so a failed load changes
//! nothing.
//!
//! Order of work: names and clashes, classes (parents, fields, vtables),
//! signatures, consts and globals, then bodies (`check-function.ts`).

import type { ClassItem, FnItem, GlobalItem, Module, Pos, TypeExpr } from './ast.js';
import { diagnostic, type Diagnostic } from './diagnostic.js';
import { ConstError, evalConst, type ConstResult } from './const-eval.js';
import { checkFunctionBody } from './check-function.js';
import { hostFunctionIr } from './host-function.js';
import { BUILTIN_NAMES } from './builtins.js';
import type { ConstValue, FieldRef, FunctionId, IrFunction } from '../ir/ir.js';
import { HEADER_SIZE } from '../core/layout.js';
import type { ClassInfo, ConstInfo, FunctionInfo, GlobalInfo, MethodInfo, Program } from '../core/program.js';
import { MAX_GLOBALS } from '../core/layout.js';
import { MAX_LOCALS, MAX_PARAMS } from '../core/limits.js';
import { sameType, storageSize, typeToString, type ClassId, type ClassType, type ValueType } from '../ir/types.js';
import { classId, functionId, globalId } from '../ir/ids.js';

export interface ModuleDelta {
  readonly fileName: string;
  /** New classes; their ids continue the program's. */
  readonly classes: readonly ClassInfo[];
  /** New functions and methods; their ids continue the program's. */
  readonly functions: readonly FunctionInfo[];
  /** Definitions of functions that exist already in the program (redefinitions, or first definitions of declarations). */
  readonly redefinitions: readonly { readonly fn: FunctionId; readonly ir: IrFunction }[];
  readonly globals: readonly { readonly info: GlobalInfo; readonly value: ConstValue }[];
  readonly consts: readonly ConstInfo[];
}

/** Everything a body can name: the module's new items over the program's. */
export interface Namespace {
  readonly program: Program;
  classByName(name: string): ClassInfo | undefined;
  classById(id: number): ClassInfo;
  functionByName(name: string): FunctionInfo | undefined;
  functionById(id: FunctionId): FunctionInfo;
  globalByName(name: string): GlobalInfo | undefined;
  constByName(name: string): ConstInfo | undefined;
}

export function isSubclass(sub: ClassInfo, sup: ClassInfo): boolean {
  return sub.depth >= sup.depth && sub.ancestors[sup.depth] === sup.id;
}

const PRIMITIVES = new Set(['i32', 'i64', 'f64', 'bool']);

/** The host functions a session has, by name: which `host fn` items may declare. */
export interface HostNames {
  has(name: string): boolean;
}

export function checkModule(module: Module, program: Program, host: HostNames = new Set()): { delta: ModuleDelta | null; diagnostics: Diagnostic[] } {
  const checker = new ModuleChecker(module, program, host);
  const delta = checker.run();
  const diagnostics = checker.diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
  return { delta: diagnostics.length === 0 ? delta : null, diagnostics };
}

class ModuleChecker implements Namespace {
  readonly diagnostics: Diagnostic[] = [];
  private readonly fileName: string;
  private readonly newClasses = new Map<string, ClassInfo>();
  private readonly newClassesById = new Map<ClassId, ClassInfo>();
  private readonly newFunctions = new Map<string, FunctionInfo>();
  private readonly functionList: FunctionInfo[] = [];
  private readonly newGlobals = new Map<string, GlobalInfo>();
  private readonly newConsts = new Map<string, ConstInfo>();
  private readonly constItems = new Map<string, GlobalItem>();
  private readonly constsInProgress = new Set<string>();
  /** Consts whose initializer failed (already reported): using one reports nothing more. */
  private readonly failedConsts = new Set<string>();
  /** Functions of this module (new or existing) that get a body here, with the item that defines them. */
  private readonly bodies: { fn: FunctionInfo; item: FnItem; owner: ClassInfo | null }[] = [];

  constructor(private readonly module: Module, readonly program: Program, private readonly host: HostNames) {
    this.fileName = module.fileName;
  }

  classByName(name: string): ClassInfo | undefined {
    return this.newClasses.get(name) ?? this.program.classByName.get(name);
  }
  classById(id: ClassId): ClassInfo {
    return this.newClassesById.get(id) ?? this.program.classInfo(id);
  }
  functionByName(name: string): FunctionInfo | undefined {
    return this.newFunctions.get(name) ?? this.program.functionByName.get(name);
  }
  globalByName(name: string): GlobalInfo | undefined {
    return this.newGlobals.get(name) ?? this.program.globalByName.get(name);
  }
  constByName(name: string): ConstInfo | undefined {
    const own = this.constItems.get(name);
    if (own && !this.newConsts.has(name)) this.evaluateConst(own);
    return this.newConsts.get(name) ?? this.program.constByName.get(name);
  }

  private error(pos: Pos, message: string): void {
    this.diagnostics.push(diagnostic(this.fileName, pos, message));
  }

  run(): ModuleDelta {
    const { classes, functions, globals } = this.collectNames();
    this.defineClasses(classes);
    this.declareFunctions(functions);
    const globalValues = this.defineGlobals(globals);
    const redefinitions: { fn: FunctionId; ir: IrFunction }[] = [];
    for (const { fn, item, owner } of this.bodies) {
      const ir = item.host ? hostFunctionIr(fn, item, this.fileName) : checkFunctionBody(this, fn, item, owner, this.fileName, (pos, msg) => this.error(pos, msg));
      this.checkSize(item, ir);
      if (fn.id < this.program.functions.length) {
        redefinitions.push({ fn: fn.id, ir });
      } else {
        fn.ir = ir;
      }
    }
    return {
      fileName: this.fileName,
      classes: [...this.newClassesById.values()],
      functions: this.functionList,
      redefinitions,
      globals: globalValues,
      consts: [...this.newConsts.values()],
    };
  }

  /** Sorts the items by kind and reports names defined twice or clashing with the session. */
  private collectNames(): { classes: ClassItem[]; functions: Map<string, FnItem[]>; globals: GlobalItem[] } {
    const classes: ClassItem[] = [];
    const functions = new Map<string, FnItem[]>();
    const globals: GlobalItem[] = [];
    const seen = new Map<string, string>();
    for (const item of this.module.items) {
      const kind = item.kind === 'fn' ? 'function' : item.kind;
      if (BUILTIN_NAMES.has(item.name) || PRIMITIVES.has(item.name)) {
        this.error(item.pos, `'${item.name}' is a builtin name and cannot be defined`);
        continue;
      }
      const before = seen.get(item.name);
      if (before !== undefined && !(before === 'function' && kind === 'function')) {
        this.error(item.pos, `'${item.name}' is already defined in this module`);
        continue;
      }
      const existing = this.existingKind(item.name);
      if (existing !== undefined && !(existing === 'function' && kind === 'function')) {
        this.error(item.pos, `'${item.name}' is already defined as a ${existing}`);
        continue;
      }
      seen.set(item.name, kind);
      if (item.kind === 'class') classes.push(item);
      else if (item.kind === 'fn') functions.set(item.name, [...(functions.get(item.name) ?? []), item]);
      else globals.push(item);
    }
    return { classes, functions, globals };
  }

  private existingKind(name: string): string | undefined {
    const p = this.program;
    if (p.classByName.has(name)) return 'class';
    if (p.functionByName.has(name)) return 'function';
    if (p.globalByName.has(name)) return 'global';
    if (p.constByName.has(name)) return 'const';
    return undefined;
  }

  resolveType(t: TypeExpr): ValueType | null {
    if (t.kind === 'array') {
      const elem = this.resolveType(t.elem);
      return elem === null ? null : { kind: 'array', elem };
    }
    if (PRIMITIVES.has(t.name)) return t.name as ValueType;
    const c = this.classByName(t.name);
    if (c) return { kind: 'class', classId: c.id, name: c.name };
    this.error(t.pos, `unknown type '${t.name}'`);
    return null;
  }

  private defineClasses(items: ClassItem[]): void {
    // Ids first (in source order), so that field and method types can name any class of the module.
    const pending = new Map(items.map((c) => [c.name, c]));
    const ids = new Map(items.map((c, i) => [c.name, classId(this.program.classes.length + i)]));
    const visiting = new Set<string>();
    const define = (item: ClassItem): ClassInfo | null => {
      const done = this.newClasses.get(item.name);
      if (done) return done;
      if (visiting.has(item.name)) {
        this.error(item.pos, `class '${item.name}' inherits from itself`);
        return null;
      }
      visiting.add(item.name);
      let parent: ClassInfo | null = null;
      if (item.parent) {
        const inModule = pending.get(item.parent.name);
        parent = inModule ? define(inModule) : this.program.classByName.get(item.parent.name) ?? null;
        if (!parent && !inModule) this.error(item.parent.pos, `unknown class '${item.parent.name}'`);
      }
      const info = this.layoutClass(item, ids.get(item.name) as ClassId, parent, (name) => {
        const id = ids.get(name);
        return id === undefined ? undefined : { kind: 'class', classId: id, name };
      });
      this.newClasses.set(item.name, info);
      this.newClassesById.set(info.id, info);
      return info;
    };
    for (const item of items) define(item);
    // Ids must stay dense: re-key in id order.
    const sorted = [...this.newClassesById.values()].sort((a, b) => a.id - b.id);
    this.newClassesById.clear();
    for (const c of sorted) this.newClassesById.set(c.id, c);
  }

  private layoutClass(
    item: ClassItem,
    id: ClassId,
    parent: ClassInfo | null,
    moduleClass: (name: string) => ClassType | undefined,
  ): ClassInfo {
    const resolve = (t: TypeExpr): ValueType | null => {
      if (t.kind === 'named') {
        const own = moduleClass(t.name);
        if (own) return own;
      } else {
        const elem = resolve(t.elem);
        return elem === null ? null : { kind: 'array', elem };
      }
      return this.resolveType(t);
    };
    const fields: FieldRef[] = parent ? [...parent.fields] : [];
    const fieldNames = new Set(fields.map((f) => f.name));
    const ownFieldNames = new Set<string>();
    let offset = parent ? parent.size : HEADER_SIZE;
    for (const f of item.fields) {
      const twice = ownFieldNames.has(f.name);
      ownFieldNames.add(f.name);
      if (fieldNames.has(f.name)) {
        this.error(f.pos, twice ? `field '${f.name}' is defined twice` : `field '${f.name}' is already defined in a superclass`);
        continue;
      }
      fieldNames.add(f.name);
      const type = resolve(f.type);
      if (type === null) continue;
      const size = storageSize(type);
      offset = (offset + size - 1) & ~(size - 1);
      fields.push({ name: f.name, offset, type });
      offset += size;
    }
    const size = (offset + 7) & ~7;
    const methods = new Map<string, MethodInfo>(parent ? parent.methods : []);
    const vtable: FunctionId[] = parent ? [...parent.vtable] : [];
    const self: ClassType = { kind: 'class', classId: id, name: item.name };
    const ownNames = new Set<string>();
    const bodies: { fn: FunctionInfo; item: FnItem }[] = [];
    for (const m of item.methods) {
      if (ownNames.has(m.name)) {
        this.error(m.pos, `method '${m.name}' is defined twice`);
        continue;
      }
      ownNames.add(m.name);
      if (fieldNames.has(m.name)) this.error(m.pos, `'${m.name}' is both a field and a method`);
      if (!m.hasSelf) this.error(m.pos, `method '${m.name}' must take 'self' as its first parameter`);
      const params = m.params.map((p) => resolve(p.type));
      const result = m.result ? resolve(m.result) : 'void';
      if (params.includes(null) || result === null) continue;
      const signature = [self, ...(params as ValueType[])];
      const inherited = methods.get(m.name);
      let slot = vtable.length;
      if (inherited) {
        const base = this.functionById(inherited.fn);
        const same = base.params.length === signature.length
          && base.params.every((p, i) => i === 0 || sameType(p, signature[i] as ValueType))
          && sameType(base.result, result);
        if (!same) {
          this.error(m.pos, `method '${m.name}' must have the same parameter and return types as the method it overrides`);
          continue;
        }
        slot = inherited.slot;
      }
      const fn = this.addFunction(`${item.name}.${m.name}`, signature, result, id);
      methods.set(m.name, { name: m.name, slot, fn: fn.id });
      vtable[slot] = fn.id;
      if (m.body) bodies.push({ fn, item: m });
    }
    const info: ClassInfo = {
      id,
      name: item.name,
      fileName: this.fileName,
      pos: item.pos,
      parent,
      depth: parent ? parent.depth + 1 : 0,
      ancestors: parent ? [...parent.ancestors, id] : [id],
      fields,
      size,
      methods,
      vtable,
    };
    for (const b of bodies) this.bodies.push({ ...b, owner: info });
    return info;
  }

  /** The limits of `core/limits.ts`, which every tier can run. */
  private checkSize(item: FnItem, ir: IrFunction): void {
    if (item.params.length > MAX_PARAMS) {
      this.error(item.pos, `function '${ir.name}' has ${item.params.length} parameters; the limit is ${MAX_PARAMS}`);
    } else if (ir.locals.length > MAX_LOCALS) {
      this.error(item.pos, `function '${ir.name}' has ${ir.locals.length} local variables and temporaries; the limit is ${MAX_LOCALS}`);
    }
  }

  functionById(id: FunctionId): FunctionInfo {
    return this.functionList.find((f) => f.id === id) ?? this.program.functionInfo(id);
  }

  private addFunction(name: string, params: ValueType[], result: ValueType | 'void', owner: ClassId | null): FunctionInfo {
    const fn: FunctionInfo = {
      id: functionId(this.program.functions.length + this.functionList.length),
      name,
      params,
      result,
      owner,
      ir: null,
    };
    this.functionList.push(fn);
    return fn;
  }

  private declareFunctions(functions: Map<string, FnItem[]>): void {
    for (const [name, items] of functions) {
      let signature: { params: ValueType[]; result: ValueType | 'void' } | null = null;
      let definition: FnItem | null = null;
      let ok = true;
      for (const item of items) {
        if (item.hasSelf) this.error(item.pos, `'self' is only allowed in methods`);
        const params = item.params.map((p) => this.resolveType(p.type));
        const result: ValueType | 'void' | null = item.result ? this.resolveType(item.result) : 'void';
        if (params.includes(null) || result === null) {
          ok = false;
          continue;
        }
        const sig = { params: params as ValueType[], result };
        if (signature && !sameSignature(signature, sig)) {
          this.error(item.pos, `'${name}' is declared with a different signature`);
          ok = false;
        }
        signature ??= sig;
        if (item.host && !this.checkHost(item, sig)) ok = false;
        if (item.body || item.host) {
          if (definition) {
            this.error(item.pos, `function '${name}' is defined twice`);
            ok = false;
          }
          definition = item;
        }
      }
      if (!ok || !signature) continue;
      const existing = this.program.functionByName.get(name);
      if (existing) {
        if (!sameSignature(existing, signature)) {
          this.error((definition ?? items[0] as FnItem).pos,
            `function '${name}' already exists as ${signatureText(name, existing)}; a redefinition must have the same types`);
          continue;
        }
        if (definition) this.bodies.push({ fn: existing, item: definition, owner: null });
        continue;
      }
      const fn = this.addFunction(name, signature.params, signature.result, null);
      this.newFunctions.set(name, fn);
      if (definition) this.bodies.push({ fn, item: definition, owner: null });
    }
  }

  /** A `host fn` names a host function the session has, and takes and returns only primitive values. */
  private checkHost(item: FnItem, sig: { params: readonly ValueType[]; result: ValueType | 'void' }): boolean {
    let ok = true;
    if (!this.host.has(item.name)) {
      this.error(item.pos, `no host function '${item.name}': the session was given none of that name`);
      ok = false;
    }
    const types = [...item.params.map((p, i) => [p.type, sig.params[i]] as const), ...(item.result ? [[item.result, sig.result] as const] : [])];
    for (const [expr, t] of types) {
      if (typeof t === 'object') {
        this.error(expr.pos, `a host function takes and returns only i32, i64, f64 and bool, not ${typeToString(t)}`);
        ok = false;
      }
    }
    return ok;
  }

  private defineGlobals(items: GlobalItem[]): { info: GlobalInfo; value: ConstValue }[] {
    for (const item of items) if (item.kind === 'const') this.constItems.set(item.name, item);
    for (const item of items) if (item.kind === 'const') this.evaluateConst(item);
    const out: { info: GlobalInfo; value: ConstValue }[] = [];
    for (const item of items) {
      if (item.kind !== 'global') continue;
      const r = this.evaluateInitializer(item);
      if (!r) continue;
      const id = globalId(this.program.globals.length + out.length);
      if (id >= MAX_GLOBALS) {
        this.error(item.pos, `too many globals (at most ${MAX_GLOBALS})`);
        continue;
      }
      const info: GlobalInfo = { id, name: item.name, type: r.type, initial: r.value, fileName: this.fileName, pos: item.pos };
      this.newGlobals.set(item.name, info);
      out.push({ info, value: r.value });
    }
    return out;
  }

  private evaluateConst(item: GlobalItem): void {
    if (this.newConsts.has(item.name) || this.constsInProgress.has(item.name) || this.failedConsts.has(item.name)) return;
    this.constsInProgress.add(item.name);
    const r = this.evaluateInitializer(item);
    this.constsInProgress.delete(item.name);
    if (r) this.newConsts.set(item.name, { name: item.name, type: r.type, value: r.value, fileName: this.fileName, pos: item.pos });
    else this.failedConsts.add(item.name);
  }

  private evaluateInitializer(item: GlobalItem): { type: ValueType; value: ConstValue } | null {
    const type = this.resolveType(item.type);
    if (type === null) return null;
    let r: ConstResult;
    try {
      r = evalConst(item.init, type, (name, pos) => {
        if (this.constsInProgress.has(name) && this.constItems.has(name) && !this.newConsts.has(name)) {
          throw new ConstError(pos, `const '${name}' depends on itself`);
        }
        const c = this.constByName(name);
        if (!c && this.failedConsts.has(name)) throw new ConstError(pos, '', true);
        return c ? { type: c.type, value: c.value } : undefined;
      });
    } catch (e) {
      if (!(e instanceof ConstError)) throw e;
      if (!e.reported) this.error(e.pos, e.message);
      return null;
    }
    const fits = r.type === 'null' ? typeof type === 'object' : r.type !== 'void' && this.assignable(r.type, type);
    if (!fits) {
      this.error(item.init.pos, `initializer has type ${typeToString(r.type)}, expected ${typeToString(type)}`);
      return null;
    }
    return { type, value: r.value };
  }

  /** Whether a value of type `from` may be stored where `to` is expected. */
  assignable(from: ValueType | 'null', to: ValueType): boolean {
    if (from === 'null') return typeof to === 'object';
    if (typeof from === 'object' && from.kind === 'class' && typeof to === 'object' && to.kind === 'class') {
      return isSubclass(this.classById(from.classId), this.classById(to.classId));
    }
    return sameType(from, to);
  }
}

function sameSignature(
  a: { readonly params: readonly ValueType[]; readonly result: ValueType | 'void' },
  b: { readonly params: readonly ValueType[]; readonly result: ValueType | 'void' },
): boolean {
  return a.params.length === b.params.length && a.params.every((p, i) => sameType(p, b.params[i] as ValueType)) && sameType(a.result, b.result);
}

function signatureText(name: string, f: { readonly params: readonly ValueType[]; readonly result: ValueType | 'void' }): string {
  const result = f.result === 'void' ? '' : ` -> ${typeToString(f.result)}`;
  return `fn ${name}(${f.params.map(typeToString).join(', ')})${result}`;
}
