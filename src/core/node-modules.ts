//! Node's modules that start-up does not load, each loaded at its first use:
//!
//! - `node:worker_threads`: a one-thread run on the main thread (`rejit run`)
//!   starts no worker and, until it asks for optimized code, opens no
//!   channel; loading the module (with the streams it builds on) took
//!   1.5-2.5 ms of the command's start-up.
//! - `node:v8`: only compiling code needs it, to set V8's flags
//!   (`backend/engine-flags.ts`) and to collect the heap in full
//!   (`backend/full-collection.ts`); about 2 ms of start-up, with the streams
//!   it builds on, which hello world at auto no longer pays.
//! - `node:vm`, for the full collection's `gc`.
//!
//! They are loaded with `process.getBuiltinModule`: a `createRequire` would
//! load `node:module`, and with it Node's ES module loader, at start-up
//! (0.5 ms).

// `process.getBuiltinModule` loads a module once and then looks it up: nothing to keep here.

export function workerThreads(): typeof import('node:worker_threads') {
  return process.getBuiltinModule('node:worker_threads');
}

export function nodeV8(): typeof import('node:v8') {
  return process.getBuiltinModule('node:v8');
}

export function nodeVm(): typeof import('node:vm') {
  return process.getBuiltinModule('node:vm');
}
