//! Limits on the size of a program's functions and on its recursion, the same
//! at every tier (docs/LANGUAGE.md, "Limits"). They leave room below V8's
//! WebAssembly limits (1,000 parameters, 50,000 locals per function) for
//! what the baseline tier adds: the receiver, scratch locals and the locals
//! of inlined callees.

/** Declared parameters of a function or method (`self` not counted). */
export const MAX_PARAMS = 255;

/** Locals of a function: parameters, `let` variables and the checker's temporaries. */
export const MAX_LOCALS = 30_000;

/** The baseline tier inlines no callee that would take a function past this many wasm locals. */
export const MAX_WASM_LOCALS_INLINED = 45_000;
