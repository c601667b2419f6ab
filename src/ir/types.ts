//! Rejit's value types as the checker, the IR and every tier see them.
//!
//! Primitive types are strings; class and array types are small objects
//! compared structurally with `sameType`. A class is named by its dense id,
//! which the session assigns when the class is loaded and never reuses.

import type { ClassId } from './ids.js';

export type { ClassId } from './ids.js';

export type PrimType = 'i32' | 'i64' | 'f64' | 'bool';
export type ClassType = { readonly kind: 'class'; readonly classId: ClassId; readonly name: string };
export type ArrayType = { readonly kind: 'array'; readonly elem: ValueType };
export type RefType = ClassType | ArrayType;
export type ValueType = PrimType | RefType;
/** `null` is the type of the literal `null` only; `void` is "no value". */
export type Type = ValueType | 'null' | 'void';

export const isIntType = (t: Type): t is 'i32' | 'i64' => t === 'i32' || t === 'i64';
export const isNumericType = (t: Type): t is 'i32' | 'i64' | 'f64' => t === 'i32' || t === 'i64' || t === 'f64';
export const isRefType = (t: Type): t is RefType => typeof t === 'object';

export function sameType(a: Type, b: Type): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.kind === 'class') return b.kind === 'class' && a.classId === b.classId;
  return b.kind === 'array' && sameType(a.elem, b.elem);
}

export function typeToString(t: Type): string {
  if (typeof t === 'string') return t;
  return t.kind === 'class' ? t.name : `${typeToString(t.elem)}[]`;
}

/**
 * How a value of a type is stored in memory (fields, array elements,
 * globals): its width in bytes. Booleans and references take 4 bytes
 * (references are 32-bit addresses into the shared memory).
 */
export function storageSize(t: ValueType): 4 | 8 {
  return t === 'i64' || t === 'f64' ? 8 : 4;
}

/** The storage class of a value, as the tiers load and store it. */
export type StorageKind = 'i32' | 'i64' | 'f64' | 'ref';

export function storageKind(t: ValueType): StorageKind {
  if (t === 'i64' || t === 'f64') return t;
  if (t === 'i32' || t === 'bool') return 'i32';
  return 'ref';
}
