//! The typed IR: what the checker produces and every tier consumes.
//!
//! Control flow is structured (blocks, loops, ifs, labelled breaks), so it
//! maps directly onto WebAssembly. Expressions are trees without calls: every
//! call is a statement whose result goes to a local. That makes each call a
//! clean *program point*: the frame state after a call is just the values of
//! the locals, so a lower tier can resume the function there (deoptimization).
//! Loop headers are program points too (on-stack replacement). Program points
//! are numbered densely per function; `FrameState` names one.
//!
//! Names are resolved: functions, classes and globals are dense ids that the
//! session assigns and never reuses (branded numbers, `ids.ts`). Which fields
//! of each kind hold operands, statement lists and program points is the
//! kind table, `ops.ts`. The IR holds no session objects, so it
//! can be posted to another thread as plain data.

import type { Pos } from './pos.js';
import type { ClassId, FunctionId, GlobalId } from './ids.js';
import type { PrimType, RefType, Type, ValueType } from './types.js';

export type { FunctionId, GlobalId } from './ids.js';
export type LocalIndex = number;
export type LabelId = number;
export type PointId = number;

/** A constant: i32 and f64 are numbers, i64 a bigint, bool a boolean, null a reference. */
export type ConstValue = number | bigint | boolean | null;

export interface FieldRef {
  readonly name: string;
  /** Byte offset from the object's address (past the header). */
  readonly offset: number;
  readonly type: ValueType;
}

export interface Local {
  readonly name: string;
  readonly type: ValueType;
}

/** Integer and float binary operators; the operand type is `type`. */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'rem'
  | 'and' | 'or' | 'xor' | 'shl' | 'shr' | 'shru'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export type UnaryOp = 'neg' | 'not' | 'bitnot';

export type MathOp = 'abs' | 'min' | 'max' | 'sqrt' | 'floor' | 'ceil';

/** Where an atomic builtin operates: a global, a field or an array element. */
export type AtomicPlace =
  | { readonly kind: 'global'; readonly global: GlobalId }
  | { readonly kind: 'field'; readonly object: Expr; readonly field: FieldRef; readonly pos: Pos }
  | { readonly kind: 'elem'; readonly array: Expr; readonly index: Expr; readonly pos: Pos };

/**
 * Expressions. None calls a function; some trap (each such node has the
 * `pos` its trap reports). Operands are evaluated left to right.
 */
export type Expr =
  | { readonly op: 'const'; readonly type: Type; readonly value: ConstValue }
  | { readonly op: 'local'; readonly type: ValueType; readonly local: LocalIndex }
  | { readonly op: 'global'; readonly type: ValueType; readonly global: GlobalId }
  /** Arithmetic, bitwise and comparison on i32, i64 or f64 (`eq`/`ne` also on bool and references). Traps: `div`/`rem` by zero, `div` of MIN by -1. */
  | { readonly op: 'binary'; readonly type: Type; readonly kind: BinaryOp; readonly operandType: ValueType; readonly left: Expr; readonly right: Expr; readonly pos: Pos }
  | { readonly op: 'unary'; readonly type: Type; readonly kind: UnaryOp; readonly operand: Expr }
  /** Short-circuit `&&` / `||` on bool; the right side holds no call. */
  | { readonly op: 'logical'; readonly type: 'bool'; readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  /** Numeric conversion. Traps (float to integer): NaN or out of range. */
  | { readonly op: 'convert'; readonly type: PrimType; readonly from: PrimType; readonly operand: Expr; readonly pos: Pos }
  | { readonly op: 'math'; readonly type: PrimType; readonly kind: MathOp; readonly args: readonly Expr[] }
  /** Traps on null. */
  | { readonly op: 'getField'; readonly type: ValueType; readonly object: Expr; readonly field: FieldRef; readonly pos: Pos }
  /** Traps on null and out of bounds. */
  | { readonly op: 'getElem'; readonly type: ValueType; readonly array: Expr; readonly index: Expr; readonly pos: Pos }
  /** Traps on null. */
  | { readonly op: 'length'; readonly type: 'i32'; readonly array: Expr; readonly pos: Pos }
  | { readonly op: 'newObject'; readonly type: RefType; readonly classId: ClassId; readonly pos: Pos }
  /** Traps on a negative length. */
  | { readonly op: 'newArray'; readonly type: RefType; readonly elem: ValueType; readonly length: Expr; readonly pos: Pos }
  /** `e is C`: false for null. */
  | { readonly op: 'isInstance'; readonly type: 'bool'; readonly value: Expr; readonly classId: ClassId }
  /** `e as C`: traps when non-null and not a C. */
  | { readonly op: 'cast'; readonly type: RefType; readonly value: Expr; readonly classId: ClassId; readonly pos: Pos }
  | { readonly op: 'clock'; readonly type: 'i64' }
  | { readonly op: 'threadId'; readonly type: 'i32' }
  | { readonly op: 'threadCount'; readonly type: 'i32' }
  | { readonly op: 'atomicLoad'; readonly type: 'i32' | 'i64'; readonly place: AtomicPlace }
  /** Returns the old value. */
  | { readonly op: 'atomicAdd'; readonly type: 'i32' | 'i64'; readonly place: AtomicPlace; readonly value: Expr }
  /** Returns the old value; stores `replacement` when it equalled `expected`. */
  | { readonly op: 'atomicCas'; readonly type: 'i32' | 'i64'; readonly place: AtomicPlace; readonly expected: Expr; readonly replacement: Expr }
  /**
   * A call of the host: a host function (`host fn`, whose whole body this is)
   * or a builtin the host serves (`read_byte`, `write_byte`, `arg_count`,
   * `arg`). Of type `void` only as the value of a `drop`. Traps when the host
   * fails, returns a value not of `type`, or (`arg`) is asked for an argument
   * it does not have.
   */
  | { readonly op: 'host'; readonly type: ValueType | 'void'; readonly name: string; readonly args: readonly Expr[]; readonly pos: Pos };

export type PrintArg = { readonly kind: 'string'; readonly text: string } | { readonly kind: 'value'; readonly value: Expr };

/** The callee of a `call` statement. */
export type Callee =
  /** A top-level function, reached through its stub. */
  | { readonly kind: 'direct'; readonly fn: FunctionId }
  /** A method, dispatched on the class of `args[0]` (the receiver; traps on null) through vtable slot `slot`. */
  | { readonly kind: 'virtual'; readonly slot: number; readonly classId: ClassId; readonly pos: Pos };

export type Stmt =
  | { readonly op: 'setLocal'; readonly local: LocalIndex; readonly value: Expr }
  | { readonly op: 'setGlobal'; readonly global: GlobalId; readonly value: Expr }
  /** Traps on null. */
  | { readonly op: 'setField'; readonly object: Expr; readonly field: FieldRef; readonly value: Expr; readonly pos: Pos }
  /** Traps on null and out of bounds. */
  | { readonly op: 'setElem'; readonly array: Expr; readonly index: Expr; readonly value: Expr; readonly pos: Pos }
  /**
   * A call, and a program point. `result` is the local that receives the
   * value, or -1. `pos` is the call site (stack traces, traps of the call).
   */
  | { readonly op: 'call'; readonly callee: Callee; readonly args: readonly Expr[]; readonly result: LocalIndex; readonly point: PointId; readonly pos: Pos }
  /** `load("path")`: a program point too, since it may change code. Traps when the load fails. */
  | { readonly op: 'load'; readonly path: string; readonly point: PointId; readonly pos: Pos }
  /** Evaluates an expression for its effect (an atomic whose result is unused). */
  | { readonly op: 'drop'; readonly value: Expr }
  | { readonly op: 'atomicStore'; readonly place: AtomicPlace; readonly value: Expr }
  | { readonly op: 'print'; readonly args: readonly PrintArg[] }
  | { readonly op: 'printFixed'; readonly value: Expr; readonly digits: Expr; readonly pos: Pos }
  | { readonly op: 'assert'; readonly cond: Expr; readonly pos: Pos }
  | { readonly op: 'delete'; readonly value: Expr }
  | { readonly op: 'barrier'; readonly pos: Pos }
  /** Waits `ms` milliseconds (none when not positive); loads and stops are taken meanwhile, as in a barrier. */
  | { readonly op: 'sleep'; readonly ms: Expr; readonly pos: Pos }
  | { readonly op: 'if'; readonly cond: Expr; readonly then: readonly Stmt[]; readonly else: readonly Stmt[] }
  /** Runs `body`; `break label` leaves it. */
  | { readonly op: 'block'; readonly label: LabelId; readonly body: readonly Stmt[] }
  /**
   * Runs `body` again and again: falling off its end or `continue label`
   * starts the next iteration; `break label` leaves the loop. The loop
   * header (the start of every iteration) is program point `point`.
   */
  | { readonly op: 'loop'; readonly label: LabelId; readonly point: PointId; readonly body: readonly Stmt[] }
  | { readonly op: 'break'; readonly label: LabelId }
  | { readonly op: 'continue'; readonly label: LabelId }
  | { readonly op: 'return'; readonly value: Expr | null };

export interface IrFunction {
  readonly id: FunctionId;
  /** `f` for a function, `C.m` for a method. */
  readonly name: string;
  readonly fileName: string;
  readonly pos: Pos;
  /** Locals `0 .. paramCount-1` are the parameters (for a method, local 0 is `self`). */
  readonly paramCount: number;
  readonly locals: readonly Local[];
  readonly result: ValueType | 'void';
  readonly body: readonly Stmt[];
  /** Number of program points (calls, loads, loop headers), numbered from 0. */
  readonly pointCount: number;
}

/**
 * A frame state: where a function stands and the values of its locals, in
 * the interpreter's representation (i32, f64, bool as number 0/1, references
 * as addresses, i64 as bigint). At a call point, execution continues after
 * the call with the call's result already stored in its result local; at a
 * loop point, at the start of the next iteration.
 */
/** A frame state's point before the function's first statement: the call starts over. */
export const ENTRY_POINT: PointId = -1;

export interface FrameState {
  readonly fn: FunctionId;
  /** A program point, or ENTRY_POINT. */
  readonly point: PointId;
  /** The innermost frame only: at the call at `point`, which has not run yet (by default the frame is after it). */
  readonly before?: boolean;
  readonly locals: readonly (number | bigint)[];
  /**
   * The version of the function the frame was running, when it may have been
   * redefined since (a frame finishes with the body it started with); by
   * default the function's current definition.
   */
  readonly ir?: IrFunction;
}
