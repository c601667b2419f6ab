//! The shapes of the interpreter's compiled closures and the completion codes
//! that statements return. A frame is a plain array of locals, indexed like
//! the IR's locals, plus one slot for the return value.
//!
//! Values: i32, f64, bool (0/1) and references (addresses, null = 0) are
//! numbers; i64 is a bigint always kept in signed 64-bit range.

import type { IrFunction } from '../ir/ir.js';

export type Val = number | bigint;
export type Frame = Val[];

export type NumFn = (f: Frame) => number;
export type BigFn = (f: Frame) => bigint;
export type ValFn = (f: Frame) => Val;
/** A bool expression compiled for a branch: a JS boolean, so tests need no 0/1 round trip. */
export type CondFn = (f: Frame) => boolean;
/** Runs a statement; returns NORMAL or another completion code. */
export type StmtFn = (f: Frame) => number;

/** Completion codes: numbers rather than exceptions, so break/continue/return cost a compare. */
export const NORMAL = 0;
export const RETURN = 1;
export const breakCode = (label: number): number => 2 + 2 * label;
export const continueCode = (label: number): number => 3 + 2 * label;

/**
 * What a call site runs: a version of a function, interpreted (`Code`) or
 * compiled and entered through its wasm export (`tiering/compiled-callee.ts`).
 * The site fills a fresh frame's first slots with the arguments, runs `body`,
 * and reads the result from slot `ret`.
 */
export interface CallTarget {
  readonly ir: IrFunction;
  readonly ret: number;
  readonly newFrame: () => Frame;
  readonly body: StmtFn;
}
