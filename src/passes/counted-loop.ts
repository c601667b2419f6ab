//! Counted loops: loops that step a variable toward a bound that does not
//! change, recognized in any IR so that a tier can rely on the shape:
//!
//! ```
//! loop L
//!   if (exit test) { break L }    ; i >= bound, not (i < bound), not (i <= bound), ...
//!   ...body...                    ; writes neither i nor what bound and step read; no `continue L`
//!   i = (add i step)              ; or (sub i step) when the test is i > bound or i >= bound
//! end
//! ```
//!
//! The bound is a constant, a local, or the length of an array in a local
//! (array lengths never change); the step a positive constant or a local. The
//! checker lowers every `for i in a..b` to this shape (`i < end`, step 1;
//! `continue` in a `for` body is a break out of a block around the body,
//! which still reaches the step), and a `while` written the same way has it
//! too. `continue L` is excluded: it would skip the step, and a tier that
//! runs iterations up to a precomputed end without polling could spin forever.
//!
//! So every iteration starts with the test passed, and the variable moves by
//! the same step in the same direction each time unless the body leaves the
//! loop, wrapping around at the end of its type as the arithmetic does. A step
//! in a local may still be zero or negative: a tier checks it at run time.
//!
//! A bound that is an array's length is recorded as such (`lengthOf`), also
//! when it is a local that the statements just before the loop set to it, as
//! the checker lowers `for i in 0..a.length`: a tier then knows, without a
//! test, that the bound is at most that array's length and far from the end
//! of i32 (`core/layout.ts` MAX_ARRAY_LENGTH).
//!
//! A loop whose variable the statements just before it set to a constant,
//! with a constant bound and stride (`for i in 0..4`), runs a number of
//! iterations known before it starts (`trips`), and its variable never wraps
//! around: a tier can test and poll it as one chunk.

import type { BinaryOp, Expr, IrFunction, LabelId, LocalIndex, Stmt } from '../ir/ir.js';
import { someStmt, stmtChildren, writtenLocal } from '../ir/operands.js';

export interface CountedLoop {
  readonly type: 'i32' | 'i64';
  readonly variable: LocalIndex;
  /** Where the variable stops: a constant, a local, or `length` of a local. */
  readonly bound: Expr;
  /** `up`: runs while variable < bound (<= when inclusive) and adds the step; `down`: while > (>=), subtracting it. */
  readonly direction: 'up' | 'down';
  readonly inclusive: boolean;
  /** How far each iteration moves the variable: a positive constant, or a local. */
  readonly stride: Expr;
  /** The statements between the exit test and the step. */
  readonly body: readonly Stmt[];
  /** The step (`i = i + stride`). */
  readonly step: Stmt;
  /** The array local whose length the bound is at every test, if it is one; that array is then not null. */
  readonly lengthOf: LocalIndex | null;
  /**
   * How many iterations the loop runs at most, when the variable starts at a
   * constant and the bound and stride are constants, with no step past the
   * end of the type on the way; else null.
   */
  readonly trips: number | null;
}

/** The counted loops of a function, by label. */
export type CountedLoops = ReadonlyMap<LabelId, CountedLoop>;

type LoopStmt = Extract<Stmt, { op: 'loop' }>;
type Comparison = 'lt' | 'le' | 'gt' | 'ge';

/** The test that is true exactly when the given one is false. */
const NEGATED: Record<Comparison, Comparison> = { lt: 'ge', le: 'gt', gt: 'le', ge: 'lt' };
/** The same test with its operands swapped. */
const MIRRORED: Record<Comparison, Comparison> = { lt: 'gt', le: 'ge', gt: 'lt', ge: 'le' };

/** Every counted loop of `ir`, nested ones too. */
export function computeCountedLoops(ir: IrFunction): CountedLoops {
  return countedLoopsIn(ir.body);
}

/** Every counted loop of `body` (a function's, or an inlined callee's as renumbered into its caller). */
export function countedLoopsIn(body: readonly Stmt[]): CountedLoops {
  const loops = new Map<LabelId, CountedLoop>();
  const inList = (stmts: readonly Stmt[]): void =>
    stmts.forEach((s, k) => {
      stmtChildren(s).forEach(inList);
      if (s.op !== 'loop') return;
      const counted = countedLoop(s, stmts.slice(0, k));
      if (counted) loops.set(s.label, counted);
    });
  inList(body);
  return loops;
}

/** `loop` as a counted loop, if it is one; `before`: the statements before it in its list. */
export function countedLoop(loop: LoopStmt, before: readonly Stmt[] = []): CountedLoop | null {
  const stmts = loop.body;
  const exit = stmts[0];
  const step = stmts[stmts.length - 1];
  if (stmts.length < 2 || exit?.op !== 'if' || step?.op !== 'setLocal') return null;
  const [leave] = exit.then;
  if (exit.then.length !== 1 || exit.else.length !== 0 || leave?.op !== 'break' || leave.label !== loop.label) return null;
  const variable = step.local;
  const test = continueTest(exit.cond, variable);
  if (!test) return null;
  const { type, kind, bound } = test;
  const direction = kind === 'lt' || kind === 'le' ? 'up' : 'down';
  const stride = strideOf(step.value, variable, type, direction);
  if (!stride || !invariant(bound, type) || !invariant(stride, type) || !positiveOrLocal(stride)) return null;
  const read = [...localsRead(bound), ...localsRead(stride)];
  const body = stmts.slice(1, -1);
  if (read.includes(variable) || !keeps(body, [variable, ...read], loop.label)) return null;
  const array = lengthOf(bound, before);
  // The body of a loop whose bound is a copy of the length may write the array itself.
  const kept = array !== null && keeps(body, [array], loop.label) ? array : null;
  const inclusive = kind === 'le' || kind === 'ge';
  const trips = tripsOf(type, constantBefore({ op: 'local', type, local: variable }, before), constantBefore(bound, before), stride, direction, inclusive);
  return { type, variable, bound, direction, inclusive, stride, body, step, lengthOf: kept, trips };
}

/** The largest value of each type a counted loop steps. */
export const INT_MAX = { i32: 2n ** 31n - 1n, i64: 2n ** 63n - 1n } as const;

/** The iterations from `start` to `end` by a constant `stride`; null unless all are constants and the last step stays in the type. */
function tripsOf(type: 'i32' | 'i64', start: bigint | null, end: bigint | null, stride: Expr, direction: 'up' | 'down', inclusive: boolean): number | null {
  if (start === null || end === null || stride.op !== 'const') return null;
  const step = BigInt(stride.value as number | bigint);
  const distance = (direction === 'up' ? end - start : start - end) + (inclusive ? 1n : 0n);
  const trips = distance <= 0n ? 0n : (distance + step - 1n) / step;
  const last = direction === 'up' ? start + trips * step : start - trips * step;
  const max = INT_MAX[type];
  return last < -max - 1n || last > max || trips > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(trips);
}

/**
 * The constant that `e` holds when the loop starts: a constant, or a local
 * that a statement of `before` set to one (through copies), with no later
 * statement of `before` writing it.
 */
function constantBefore(e: Expr, before: readonly Stmt[]): bigint | null {
  if (e.op === 'const') return typeof e.value === 'bigint' || typeof e.value === 'number' ? BigInt(e.value) : null;
  const set = e.op === 'local' ? lastSet(e.local, before) : null;
  return set ? constantBefore(set.value, set.before) : null;
}

/**
 * The array local whose length `bound` is: `(length $a)`, or a local that a
 * statement of `before` set to such a bound (through copies: the checker
 * copies a `for` loop's end into a local of its own), with no later statement
 * of `before` writing either local.
 */
function lengthOf(bound: Expr, before: readonly Stmt[]): LocalIndex | null {
  if (bound.op === 'length') return bound.array.op === 'local' ? bound.array.local : null;
  const set = bound.op === 'local' ? lastSet(bound.local, before) : null;
  const array = set ? lengthOf(set.value, set.before) : null;
  return array !== null && !writes(set?.after ?? [], array) ? array : null;
}

/**
 * What the last statement of `before` that writes `local` set it to, when
 * that statement is a `setLocal` of it, with the statements before and after
 * that one; null when another statement writes it last, or none does.
 */
function lastSet(local: LocalIndex, before: readonly Stmt[]): { value: Expr; before: readonly Stmt[]; after: readonly Stmt[] } | null {
  for (let k = before.length - 1; k >= 0; k--) {
    const s = before[k] as Stmt;
    if (s.op === 'setLocal' && s.local === local) return { value: s.value, before: before.slice(0, k), after: before.slice(k + 1) };
    if (writes([s], local)) return null;
  }
  return null;
}

function writes(stmts: readonly Stmt[], local: LocalIndex): boolean {
  return someStmt(stmts, (w) => writtenLocal(w) === local);
}

/** The test under which the loop goes on, as `variable kind bound`. */
function continueTest(exitTest: Expr, variable: LocalIndex): { type: 'i32' | 'i64'; kind: Comparison; bound: Expr } | null {
  const negated = exitTest.op === 'unary' && exitTest.kind === 'not';
  const test = negated ? exitTest.operand : exitTest;
  if (test.op !== 'binary' || !isComparison(test.kind) || (test.operandType !== 'i32' && test.operandType !== 'i64')) return null;
  const kind = negated ? test.kind : NEGATED[test.kind];
  if (isLocal(test.left, variable)) return { type: test.operandType, kind, bound: test.right };
  if (isLocal(test.right, variable)) return { type: test.operandType, kind: MIRRORED[kind], bound: test.left };
  return null;
}

/** The stride of `variable = next`, if `next` moves the variable in `direction`. */
function strideOf(next: Expr, variable: LocalIndex, type: 'i32' | 'i64', direction: 'up' | 'down'): Expr | null {
  if (next.op !== 'binary' || next.operandType !== type) return null;
  if (direction === 'down') return next.kind === 'sub' && isLocal(next.left, variable) ? next.right : null;
  if (next.kind !== 'add') return null;
  if (isLocal(next.left, variable)) return next.right;
  return isLocal(next.right, variable) ? next.left : null;
}

/** A constant, a local or the length of a local's array, of the loop's type. */
function invariant(e: Expr, type: 'i32' | 'i64'): boolean {
  if (e.type !== type) return false;
  return e.op === 'const' || e.op === 'local' || (e.op === 'length' && e.array.op === 'local');
}

function positiveOrLocal(stride: Expr): boolean {
  return stride.op !== 'const' || Number(stride.value) > 0;
}

function localsRead(e: Expr): LocalIndex[] {
  if (e.op === 'local') return [e.local];
  return e.op === 'length' ? localsRead(e.array) : [];
}

function isLocal(e: Expr, local: LocalIndex): boolean {
  return e.op === 'local' && e.local === local;
}

function isComparison(kind: BinaryOp): kind is Comparison {
  return Object.hasOwn(NEGATED, kind);
}

/** Whether `stmts` leave `locals` alone and never `continue label`. */
function keeps(stmts: readonly Stmt[], locals: readonly LocalIndex[], label: LabelId): boolean {
  return !someStmt(stmts, (s) => {
    const w = writtenLocal(s);
    return (w !== null && locals.includes(w)) || (s.op === 'continue' && s.label === label);
  });
}
