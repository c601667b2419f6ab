//! The V8 settings the compiled tiers rely on.
//!
//! V8 compiles wasm first with Liftoff, whose code counts a tier-up budget at
//! every loop back-edge and call in an array that belongs to the compiled
//! module, so every thread running the same code writes the same memory:
//! two threads in one hot Liftoff loop ran 2x slower than one thread doing
//! the whole work (`node dist/bench/threads.js`). V8 has no on-stack
//! replacement for wasm either, so a long call stays in Liftoff code. Without
//! Liftoff every function runs TurboFan's code from its first call: no
//! budget counters, and a hot loop never runs in slower code.
//!
//! V8 also compiles a module's functions lazily by default, and then each
//! instantiation posts four delayed tasks (lazy-compilation metrics, due 5,
//! 20, 60 and 120 seconds later) that hold the module's native memory until
//! they run: under endless redefinition at the baseline tier that was 1 KB a
//! load kept for two minutes (docs/PERFORMANCE.md, "Code lifetime"). Compiled
//! eagerly, a module has every function compiled when `WebAssembly.Module`
//! returns, and posts no such tasks.
//!
//! V8 flags are process-wide; they must be set before the first module is
//! compiled, and are set then (`code-version.ts`; and `code-table.ts`, whose
//! runtime module may come first): a run that compiles nothing
//! (hello world at auto) does not load `node:v8` (about 2 ms of start-up,
//! with the streams it builds on).
//!
//! Node's code cache of its own modules holds for its default flags only: a
//! module of Node's that is first loaded after the flags change is compiled
//! afresh, so the runtime loads what it uses of them at its start, not at a
//! first use after the flags (the global `performance` loads node:perf_hooks
//! so: 5 ms afresh, under 1 ms from the cache; the runtime's clock needs
//! neither, `core/clock.ts`), and the workers boot before the flags change
//! (`session/threaded-session.ts`).

import { nodeV8 } from '../core/node-modules.js';

let configured = false;

export function configureEngine(): void {
  if (configured) return;
  const { setFlagsFromString } = nodeV8();
  setFlagsFromString('--no-liftoff');
  setFlagsFromString('--no-wasm-lazy-compilation');
  configured = true;
}
