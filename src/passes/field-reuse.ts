//! Fields kept in locals, for the optimizing tier: a field read `o.f` of a
//! local `o` whose value some earlier read already has, with nothing between
//! that may have changed it, reuses that value instead of loading (and null
//! checking) again; a value read before a loop is reused inside it when the
//! loop changes neither the local nor that field.
//!
//! The language lets a thread see another thread's unsynchronized writes
//! late (docs/LANGUAGE.md, "Running a program"), so only this thread's own
//! writes and the synchronization points end what a read has seen:
//! - `o = ...` (the local changes), and a store of field offset `f` to any
//!   object (objects of different classes have the field at that offset
//!   only if they share it; a store by offset may alias);
//! - a call (the callee may store fields, load modules or synchronize),
//!   unless every receiver runs a body inlined or computed in place, with no
//!   check that could fall back to a call (`call-plans.ts`): then what those
//!   bodies store; `load`, `barrier`, `sleep`, every atomic and every host
//!   call (`read_byte` may wait and apply loads).
//! - `new C`, which may take a deleted C's block and zero it: the offsets of
//!   C's fields (a stale reference to that block reads zeros at every tier).
//! Element and global stores, `delete` (which leaves the fields as they
//! were) and arrays' allocation leave fields alone (blocks are type-stable,
//! `core/layout.ts`). A loop's safepoint polls are no synchronization in the
//! language.
//!
//! The analysis walks a body in evaluation order (one slot per object
//! local and offset): the first read of a value fills its slot, and reads
//! that every path reaches only through that fill reuse it. A field of a
//! local that nothing in a loop changes is loaded before the loop, if the
//! local is not null then (a load cannot trap or have effects: references
//! are null or blocks, `core/layout.ts`); in the loop each path's first read
//! of it tests the local for null, so a null traps where it did, and reads
//! the slot. Fills under a
//! short-circuit operator's right side or in one branch of an `if` are not
//! reused after it unless both branches fill. Emission follows the result
//! (`backend/emit-expr.ts`); the emitter runs it on each inlined body too,
//! as renumbered for its call site, with that body's call plans.

import type { Expr, FieldRef, LabelId, LocalIndex, Stmt } from '../ir/ir.js';
import { unreachable } from '../ir/ops.js';
import { forEachOperand, forEachStmt, stmtChildren, stmtOperands } from '../ir/operands.js';
import type { CallCase, CallPlans } from './call-plans.js';
import type { Program } from '../core/program.js';
import type { ClassId } from '../ir/types.js';

/**
 * A field read kept in a local: slot `slot` is filled by this read
 * (`fill`), read instead of it (`reuse`), or read once the object is found
 * not null (`test`: the slot was loaded before a loop).
 */
export interface FieldUse {
  readonly slot: number;
  readonly kind: 'fill' | 'reuse' | 'test';
}

/** Field `field` of local `object` into slot `slot`, before a loop, unless the local is null. */
export interface Preload {
  readonly slot: number;
  readonly object: LocalIndex;
  readonly field: FieldRef;
}

export interface FieldReuse {
  readonly uses: ReadonlyMap<Expr, FieldUse>;
  /** The fields loaded before each loop, by its label. */
  readonly preloads: ReadonlyMap<LabelId, readonly Preload[]>;
}

/** Code that keeps no field in a local. */
export const NO_FIELD_REUSE: FieldReuse = { uses: new Map(), preloads: new Map() };

/** What a statement may change: locals, field offsets, or everything. */
interface Kills {
  all: boolean;
  readonly locals: Set<number>;
  readonly offsets: Set<number>;
}

/** Available values by object local and field offset, `local:offset`: their slot, and whether the local is known not null. */
type Available = Map<string, { readonly slot: number; readonly tested: boolean }>;

export function computeFieldReuse(body: readonly Stmt[], plans: CallPlans, program: Program): FieldReuse {
  const uses = new Map<Expr, FieldUse>();
  const preloads = new Map<LabelId, Preload[]>();
  const slots = new Map<string, number>();
  const slotOf = (key: string): number => {
    const slot = slots.get(key) ?? slots.size;
    slots.set(key, slot);
    return slot;
  };

  const expr = (e: Expr, env: Available): void => {
    if (e.op === 'logical') {
      expr(e.left, env);
      // The right side may not run: what it fills is not available after it.
      expr(e.right, new Map(env));
      return;
    }
    forEachOperand(e, (x) => expr(x, env));
    kill(env, exprKills(e, program, noKills()));
    if (e.op !== 'getField' || e.object.op !== 'local') return;
    const key = `${e.object.local}:${e.field.offset}`;
    const known = env.get(key);
    if (known) {
      uses.set(e, { slot: known.slot, kind: known.tested ? 'reuse' : 'test' });
      env.set(key, { slot: known.slot, tested: true });
      return;
    }
    const slot = slotOf(key);
    uses.set(e, { slot, kind: 'fill' });
    env.set(key, { slot, tested: true });
  };

  const stmts = (list: readonly Stmt[], env: Available): void => {
    for (const s of list) stmt(s, env);
  };

  const stmt = (s: Stmt, env: Available): void => {
    switch (s.op) {
      case 'if': {
        expr(s.cond, env);
        const then = new Map(env);
        const otherwise = new Map(env);
        stmts(s.then, then);
        stmts(s.else, otherwise);
        env.clear();
        for (const [key, known] of then) {
          const other = otherwise.get(key);
          if (other?.slot === known.slot) env.set(key, { slot: known.slot, tested: known.tested && other.tested });
        }
        return;
      }
      case 'block': {
        const entry = new Map(env);
        stmts(s.body, env);
        // A `break` leaves with what was available at the block's entry and nothing in it changed.
        kill(entry, killsOf(s.body, plans, program));
        for (const [key, known] of [...env]) {
          const before = entry.get(key);
          if (before) env.set(key, { slot: known.slot, tested: known.tested && before.tested });
          else env.delete(key);
        }
        return;
      }
      case 'loop': {
        // Each iteration starts with what nothing in the loop changes; so does the code after it.
        const kills = killsOf(s.body, plans, program);
        kill(env, kills);
        const loaded: Preload[] = [];
        for (const read of kills.all ? [] : fieldReadsOf(s.body)) {
          const object = (read.object as Extract<Expr, { op: 'local' }>).local;
          const key = `${object}:${read.field.offset}`;
          if (env.has(key) || kills.locals.has(object) || kills.offsets.has(read.field.offset)) continue;
          const slot = slotOf(key);
          env.set(key, { slot, tested: false });
          loaded.push({ slot, object, field: read.field });
        }
        if (loaded.length > 0) preloads.set(s.label, loaded);
        stmts(s.body, new Map(env));
        return;
      }
      default:
        stmtOperands(s).forEach((e) => expr(e, env));
        kill(env, stmtKills(s, plans, program, noKills(), true));
    }
  };

  stmts(body, new Map());
  return { uses, preloads };
}

/** The reads of a field of a local in `list`, nested statements included. */
function fieldReadsOf(list: readonly Stmt[]): Extract<Expr, { op: 'getField' }>[] {
  const reads: Extract<Expr, { op: 'getField' }>[] = [];
  const expr = (e: Expr): void => {
    if (e.op === 'getField' && e.object.op === 'local') reads.push(e);
    forEachOperand(e, expr);
  };
  forEachStmt(list, (s) => stmtOperands(s).forEach(expr));
  return reads;
}

function kill(env: Available, kills: Kills): void {
  if (kills.all) {
    env.clear();
    return;
  }
  for (const key of [...env.keys()]) {
    const [local, offset] = key.split(':').map(Number) as [number, number];
    if (kills.locals.has(local) || kills.offsets.has(offset)) env.delete(key);
  }
}

function noKills(): Kills {
  return { all: false, locals: new Set(), offsets: new Set() };
}

/** Adds to `kills` what expression `e` itself may change (not its operands). */
function exprKills(e: Expr, program: Program, kills: Kills): Kills {
  if (e.op === 'atomicAdd' || e.op === 'atomicCas' || e.op === 'host') kills.all = true;
  if (e.op === 'newObject') for (const offset of fieldOffsets(program, e.classId)) kills.offsets.add(offset);
  return kills;
}

/**
 * Adds to `kills` what statement `s` itself may change (not its operands
 * or nested statements); `own`: false in an inlined body, whose locals are
 * not the caller's.
 */
function stmtKills(s: Stmt, plans: CallPlans, program: Program, kills: Kills, own: boolean): Kills {
  switch (s.op) {
    case 'setLocal': if (own) kills.locals.add(s.local); break;
    case 'setField': kills.offsets.add(s.field.offset); break;
    case 'call':
      if (own && s.result >= 0) kills.locals.add(s.result);
      callKills(plans.get(s.point) ?? [], program, kills);
      break;
    case 'load':
    case 'barrier':
    case 'sleep':
    case 'atomicStore':
      kills.all = true;
      break;
    case 'setGlobal': case 'setElem': case 'drop': case 'print': case 'printFixed': case 'assert': case 'delete':
    case 'if': case 'block': case 'loop': case 'break': case 'continue': case 'return':
      break;
    default: unreachable(s);
  }
  return kills;
}

/** What `list` may change, nested statements included; `own` as for `stmtKills`. */
function killsOf(list: readonly Stmt[], plans: CallPlans, program: Program, kills: Kills = noKills(), own = true): Kills {
  const expr = (e: Expr): void => {
    exprKills(e, program, kills);
    forEachOperand(e, expr);
  };
  const visit = (s: Stmt): void => {
    stmtOperands(s).forEach(expr);
    stmtKills(s, plans, program, kills, own);
    for (const child of stmtChildren(s)) child.forEach(visit);
  };
  list.forEach(visit);
  return kills;
}

/** What a call with `cases` may change: what its inlined bodies store, or everything if it may really call. */
function callKills(cases: readonly CallCase[], program: Program, kills: Kills): void {
  const covered = cases.some((k) => k.classIds === null || k.guarded === true);
  if (!covered) {
    kills.all = true;
    return;
  }
  for (const { run } of cases) {
    if (run.kind === 'self' || run.kind === 'call' || run.definition !== null) kills.all = true;
    else if (run.kind === 'leaf' && run.leaf.store) kills.offsets.add(run.leaf.store.field.offset);
    else if (run.kind === 'inline') killsOf(run.ir.body, run.calls, program, kills, false);
  }
}

function fieldOffsets(program: Program, classId: ClassId): Set<number> {
  return new Set(program.classInfo(classId).fields.map((f) => f.offset));
}
