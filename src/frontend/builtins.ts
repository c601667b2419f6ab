//! The names of Rejit's builtins. They are reserved: no item may be called so,
//! but for the input and argument builtins, which came after the language's
//! contract: a program's own function of one of those names hides the
//! builtin, so programs written before them run unchanged. Their typing is in
//! `check-builtins.ts`, their meaning in each tier.

export const BUILTIN_NAMES: ReadonlySet<string> = new Set([
  'print', 'print_fixed', 'assert',
  'abs', 'min', 'max', 'sqrt', 'floor', 'ceil',
  'clock_ns', 'sleep_ms', 'thread_id', 'thread_count', 'barrier',
  'atomic_load', 'atomic_store', 'atomic_add', 'atomic_cas',
  'load',
]);

/** Builtins that the program's own function of the same name hides. */
export const HIDEABLE_BUILTINS: ReadonlySet<string> = new Set(['read_byte', 'write_byte', 'arg_count', 'arg']);
