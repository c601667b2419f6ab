//! Array type ids: the full type of an array, as its header stores it
//! (`core/layout.ts`), so that a freed array block is reused only for an
//! array of exactly its type. Arrays of primitives have the ids of their
//! element kinds; each reference element type (`A`, `B`, `A[]`, ...) gets
//! the next id when first registered.
//!
//! Every thread must give a type the same id: a session registers the types
//! a module allocates when it commits the module, in load order, which every
//! thread replays alike. It does not allocate or read memory.

import type { IrFunction, Expr, Stmt } from '../ir/ir.js';
import { forEachOperand, stmtOperands } from '../ir/operands.js';
import type { ValueType } from '../ir/types.js';
import { ElemKind, MAX_ARRAY_TYPES, elemKind } from './layout.js';

export class ArrayTypes {
  private readonly ids = new Map<string, number>();
  private next: number = ElemKind.Ref;

  /** The id of arrays of `elem`, registered now if it has none yet (IR made by hand; sessions register at commit). */
  idOf(elem: ValueType): number {
    const kind = elemKind(elem);
    if (kind !== ElemKind.Ref) return kind;
    const key = typeKey(elem);
    let id = this.ids.get(key);
    if (id === undefined) {
      if (this.next >= MAX_ARRAY_TYPES) throw new Error(`more than ${MAX_ARRAY_TYPES} array types`);
      id = this.next++;
      this.ids.set(key, id);
    }
    return id;
  }

  /** The id of arrays of `elem` if it has one already, else undefined (registers nothing). */
  find(elem: ValueType): number | undefined {
    const kind = elemKind(elem);
    return kind !== ElemKind.Ref ? kind : this.ids.get(typeKey(elem));
  }

  /** Registers the element type of every `new T[n]` in `functions`, in order. */
  register(functions: readonly IrFunction[]): void {
    const expr = (e: Expr): void => {
      if (e.op === 'newArray') this.idOf(e.elem);
      forEachOperand(e, expr);
    };
    const stmts = (list: readonly Stmt[]): void => {
      for (const s of list) {
        stmtOperands(s).forEach(expr);
        if (s.op === 'if') {
          stmts(s.then);
          stmts(s.else);
        } else if (s.op === 'block' || s.op === 'loop') {
          stmts(s.body);
        }
      }
    };
    for (const f of functions) stmts(f.body);
  }
}

/** A key that names a type by class ids, not names. */
function typeKey(t: ValueType): string {
  if (typeof t === 'string') return t;
  return t.kind === 'class' ? `#${t.classId}` : `${typeKey(t.elem)}[]`;
}
