//! Leaf callees: functions and methods whose whole body is `return e` (or
//! nothing), or a method's `self.f = e` (a setter), with an `e` that cannot
//! trap, call, allocate or loop: getters, setters, small arithmetic. The baseline tier computes `e` at the call site instead
//! of calling (`call-plans.ts` decides, `backend/emit-call.ts` emits), behind a check of the callee's definition
//! word, so a redefinition takes effect at the next call as through the stub.
//!
//! Nothing in an inlined body can trap, so no Rejit frame goes missing from a
//! stack trace; a body without loops or calls needs no poll.

import type { Expr, FieldRef, IrFunction } from '../ir/ir.js';
import { unreachable } from '../ir/ops.js';
import { substituteLocals } from '../ir/renumber.js';

/** Leaves with larger result expressions are called: inlining is for bodies smaller than a call. */
const MAX_NODES = 16;

/** A leaf: the field of `self` it sets (a setter), and the expression it returns over its parameters (null: none). */
export interface Leaf {
  readonly store: { readonly field: FieldRef; readonly value: Expr } | null;
  readonly result: Expr | null;
}

/** `ir` as a leaf, or null when its body is anything else. `isMethod`: local 0 is `self`, never null. */
export function leafOf(ir: IrFunction, isMethod: boolean): Leaf | null {
  const [first, second] = ir.body;
  if (ir.body.length > 2 || (second && (second.op !== 'return' || second.value !== null))) return null;
  if (!first || (first.op === 'return' && first.value === null)) return { store: null, result: null };
  const isSelf = (e: Expr): boolean => isMethod && e.op === 'local' && e.local === 0;
  let nodes = 0;
  const safe = (e: Expr): boolean => {
    if (++nodes > MAX_NODES) return false;
    switch (e.op) {
      case 'const':
      case 'global':
      case 'threadId':
      case 'threadCount':
        return true;
      case 'local':
        return e.local < ir.paramCount;
      case 'binary':
        // Integer division traps; f64 division does not.
        if ((e.kind === 'div' && e.operandType !== 'f64') || e.kind === 'rem') return false;
        return safe(e.left) && safe(e.right);
      case 'unary':
        return safe(e.operand);
      case 'logical':
        return safe(e.left) && safe(e.right);
      case 'convert':
        // Float to integer traps on NaN and out of range.
        return (e.from !== 'f64' || e.type === 'f64') && safe(e.operand);
      case 'math':
        return e.args.every(safe);
      case 'getField':
        return isSelf(e.object);
      case 'getElem':
      case 'length':
      case 'newObject':
      case 'newArray':
      case 'isInstance':
      case 'cast':
      case 'clock':
      case 'atomicLoad':
      case 'atomicAdd':
      case 'atomicCas':
      case 'host':
        return false;
      default:
        return unreachable(e);
    }
  };
  if (first.op === 'return' && !second) return first.value && safe(first.value) ? { store: null, result: first.value } : null;
  if (first.op === 'setField' && isSelf(first.object) && safe(first.value)) return { store: { field: first.field, value: first.value }, result: null };
  return null;
}

/** A leaf's expression with its parameters replaced by the call's arguments (each a local or a constant). */
export function inlineLeaf(e: Expr, args: readonly Expr[]): Expr {
  return substituteLocals(e, (l) => args[l.local] as Expr);
}
