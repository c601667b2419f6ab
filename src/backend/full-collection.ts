//! A full garbage collection of this thread's JS heap once many code
//! versions have been freed since the last one.
//!
//! A freed version's `WebAssembly.Module` and `Instance` are small JS objects
//! holding far more native memory (the compiled code, the module's and the
//! instance's tables), which V8 does not count toward the JS heap's limits:
//! it gives that memory back only when a full collection finds them dead,
//! and a thread whose JS heap grows slowly runs few of them. Under endless
//! redefinition the resident memory grew about 1.5 KB a load at the
//! baseline tier without them, under 0.5 KB with them (docs/PERFORMANCE.md,
//! "Code lifetime").
//!
//! The pace: a collection after `FULL_COLLECTION_AFTER` freed versions, or
//! more when the last one was slow (a host's large heap on the main thread),
//! so that collections cost at most `BUDGET_MS_PER_VERSION` a freed version.
//!
//! V8 gives scripts a collection only under `--expose-gc`. The flag is set
//! for as long as it takes to get the function from a new context, then
//! cleared, so that contexts and workers made later see no `gc` global (a
//! process started with the flag keeps it, and its `gc` is used).

import { createRequire } from 'node:module';
import { nowMs } from '../core/clock.js';

/** Freed code versions after which a thread asks for a full collection, at least. */
export const FULL_COLLECTION_AFTER = 1000;
/** What collections may cost, amortized over the versions freed. */
const BUDGET_MS_PER_VERSION = 0.005;

let collect: (() => void) | null = null;

/** Runs a full collection of this thread's heap. */
function fullCollection(): void {
  if (collect === null && typeof globalThis.gc === 'function') collect = globalThis.gc as () => void;
  if (collect === null) {
    const require = createRequire(import.meta.url);
    const v8 = require('node:v8') as typeof import('node:v8');
    const vm = require('node:vm') as typeof import('node:vm');
    v8.setFlagsFromString('--expose-gc');
    try {
      collect = vm.runInNewContext('gc') as () => void;
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  }
  collect();
}

/** Counts freed versions and collects when they are due. */
export class CollectionPacer {
  private freed = 0;
  private due = FULL_COLLECTION_AFTER;

  /** `versions` more were freed, and are garbage now. */
  freedVersions(versions: number): void {
    this.freed += versions;
    if (this.freed < this.due) return;
    const start = nowMs();
    fullCollection();
    this.freed = 0;
    this.due = Math.max(FULL_COLLECTION_AFTER, Math.ceil((nowMs() - start) / BUDGET_MS_PER_VERSION));
  }
}
