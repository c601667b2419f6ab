//! The session's program: every class, function and global loaded so far,
//! indexed by the dense ids the IR uses. The checker reads it; only
//! `Session.load` changes it, and only after a whole module has checked.

import type { Pos } from '../ir/pos.js';
import type { ConstValue, FieldRef, FunctionId, GlobalId, IrFunction } from '../ir/ir.js';
import type { CodeId } from '../ir/ids.js';
import type { ClassId, ValueType } from '../ir/types.js';
import { ArrayTypes } from './array-types.js';

export interface MethodInfo {
  readonly name: string;
  /** Index in the vtable of the class that declares it and of every subclass. */
  readonly slot: number;
  /** The function that implements it in this class (possibly inherited); abstract when its `ir` is null. */
  readonly fn: FunctionId;
}

export interface ClassInfo {
  readonly id: ClassId;
  readonly name: string;
  readonly fileName: string;
  readonly pos: Pos;
  readonly parent: ClassInfo | null;
  /** Distance from the root of its hierarchy (a class without parent has depth 0). */
  readonly depth: number;
  /** `ancestors[d]` is the ancestor at depth d; `ancestors[depth]` is the class itself. */
  readonly ancestors: readonly ClassId[];
  /** All fields, inherited first, with their offsets. */
  readonly fields: readonly FieldRef[];
  /** Object size in bytes, header included, a multiple of 8. */
  readonly size: number;
  /** Every method the class has, own and inherited, by name. */
  readonly methods: ReadonlyMap<string, MethodInfo>;
  /** `vtable[slot]` is the function implementing that slot for objects of exactly this class. */
  readonly vtable: readonly FunctionId[];
}

export interface FunctionInfo {
  readonly id: FunctionId;
  /** `f`, or `C.m` for a method. */
  readonly name: string;
  /** Parameter types; a method's first is its class (self). */
  readonly params: readonly ValueType[];
  readonly result: ValueType | 'void';
  /** The class that declares this method, or null for a top-level function. */
  readonly owner: ClassId | null;
  /** The current definition, or null while only declared (or abstract). */
  ir: IrFunction | null;
}

export interface GlobalInfo {
  readonly id: GlobalId;
  readonly name: string;
  readonly type: ValueType;
  /** The initializer's value: the global's value until its first store (`global-states.ts`). */
  readonly initial: ConstValue;
  readonly fileName: string;
  readonly pos: Pos;
}

export interface ConstInfo {
  readonly name: string;
  readonly type: ValueType;
  readonly value: number | bigint | boolean | null;
  readonly fileName: string;
  readonly pos: Pos;
}

/**
 * Where a definition keeps the code id it was loaded with: on the IR object
 * itself, living exactly as long as it. A WeakMap keyed by IR would do the
 * same, but V8 removes a WeakMap's dead entries only in full collections,
 * so under endless redefinition its table grows by one entry a load until
 * the next one.
 */
const DEFINITION_ID = Symbol('definitionId');

/** The tables, append-only except for function definitions (and the record of superseded ones, which is forgotten). */
export class Program {
  readonly classes: ClassInfo[] = [];
  readonly functions: FunctionInfo[] = [];
  readonly globals: GlobalInfo[] = [];
  readonly classByName = new Map<string, ClassInfo>();
  readonly functionByName = new Map<string, FunctionInfo>();
  readonly globalByName = new Map<string, GlobalInfo>();
  readonly constByName = new Map<string, ConstInfo>();
  /** The id of each array type the program allocates (array headers, free lists). */
  readonly arrayTypes = new ArrayTypes();

  /**
   * Code ids (`core/code-ids.ts` `takeCodeIds`): each definition gets one when its load
   * commits, the same on every thread of a run (a replayed load gives the
   * ids the loader took), so that an id in a stub slot names the same
   * definition everywhere; relinked versions take more. Id 0 is none.
   */
  private readonly definitions = new Map<CodeId, IrFunction>();

  constructor() {
    // Class id 0 is never used: a runtime block's first word is 0.
    this.classes.length = 1;
  }

  /** Records code id `id` (from `core/code-ids.ts` `takeCodeIds`) for definition `ir`: a first definition, a redefinition, or a relinked version. */
  bindCodeId(ir: IrFunction, id: CodeId): void {
    // Not enumerable: the IR stays equal, as data, to the IR it was checked as.
    if (this.definitionIdOf(ir) === undefined) Object.defineProperty(ir, DEFINITION_ID, { value: id, enumerable: false });
    this.definitions.set(id, ir);
  }

  /** The code id definition `ir` got when it was loaded (its later versions have others): what its definition word holds while it is current. */
  definitionIdOf(ir: IrFunction): CodeId | undefined {
    return (ir as IrFunction & { [DEFINITION_ID]?: CodeId })[DEFINITION_ID];
  }

  /**
   * Forgets the definitions (by code id) that `keep` does not keep and that
   * are no function's current one: superseded versions nothing here needs.
   * Returns how many it forgot.
   */
  forgetDefinitions(keep: (id: CodeId) => boolean): number {
    let forgotten = 0;
    for (const [id, ir] of this.definitions) {
      if (keep(id) || this.functions[ir.id]?.ir === ir) continue;
      this.definitions.delete(id);
      forgotten++;
    }
    return forgotten;
  }

  /** The definition that code id `id` names, if this program has it yet. */
  definition(id: CodeId): IrFunction | undefined {
    return this.definitions.get(id);
  }

  classInfo(id: ClassId): ClassInfo {
    const c = this.classes[id];
    if (!c) throw new Error(`no class ${id}`);
    return c;
  }

  /** Class `id` and its loaded subclasses. */
  subclassesOf(id: ClassId): ClassInfo[] {
    const depth = this.classInfo(id).depth;
    return this.classes.filter((k): k is ClassInfo => k !== undefined && k.depth >= depth && k.ancestors[depth] === id);
  }

  functionInfo(id: FunctionId): FunctionInfo {
    const f = this.functions[id];
    if (!f) throw new Error(`no function ${id}`);
    return f;
  }
}
