//! The names of Rejit's builtins. They are reserved: no item may be called so.
//! Their typing is in `check-function.ts`, their meaning in each tier.

export const BUILTIN_NAMES: ReadonlySet<string> = new Set([
  'print', 'print_fixed', 'assert',
  'abs', 'min', 'max', 'sqrt', 'floor', 'ceil',
  'clock_ns', 'sleep_ms', 'thread_id', 'thread_count', 'barrier',
  'atomic_load', 'atomic_store', 'atomic_add', 'atomic_cas',
  'load',
  'read_byte', 'write_byte', 'arg_count', 'arg',
]);
