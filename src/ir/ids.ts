//! Dense ids as branded numbers: a function id cannot go where a class id or
//! a code id is expected, though each is a plain number at run time (in
//! typed arrays, shared memory and messages to other threads). An id is made
//! from a number only where it is handed out or read back from memory.

declare const brand: unique symbol;
type Id<B extends string> = number & { readonly [brand]: B };

/** A function or method, as the session numbers them (never reused). */
export type FunctionId = Id<'function'>;
/** A class; 0 is never one (a freed heap block's first word is 0). */
export type ClassId = Id<'class'>;
export type GlobalId = Id<'global'>;
/** A version of a function's code (`core/code-ids.ts` `takeCodeIds`: an index and a generation; `core/program.ts` `bindCodeId`); 0 is none. */
export type CodeId = Id<'code'>;

export const functionId = (n: number): FunctionId => n as FunctionId;
export const classId = (n: number): ClassId => n as ClassId;
export const globalId = (n: number): GlobalId => n as GlobalId;
export const codeId = (n: number): CodeId => n as CodeId;
