//! A full garbage collection of this thread's JS heap once many code
//! versions, or superseded definitions, have been freed since the last one.
//!
//! A freed version's `WebAssembly.Module` and `Instance` are small JS objects
//! holding far more native memory (the compiled code, the module's and the
//! instance's tables), which V8 does not count toward the JS heap's limits:
//! it gives that memory back only when a full collection finds them dead,
//! and a thread whose JS heap grows slowly runs few of them. Under endless
//! redefinition the resident memory grew about 1.5 KB a load at the
//! baseline tier without them, under 0.5 KB with them (docs/PERFORMANCE.md,
//! "Code lifetime"). A superseded definition counts as a freed version: at
//! the interpreter each thread's replay of every load leaves its syntax tree
//! and IR, and a worker's heap, left to V8, grows to its working size.
//!
//! The pace: a collection after `FULL_COLLECTION_AFTER` freed versions, or
//! more when the last one was slow (a host's large heap on the main thread),
//! so that collections cost at most `BUDGET_MS_PER_VERSION` a freed version.
//! The threads of a run follow each other: a module compiled once is shared
//! by every thread that instantiated it, and its native memory goes only
//! when the last of them has collected. A thread that collects on its own
//! pace counts it in a word of shared memory (`FULL_COLLECTIONS`), and a
//! thread that sees the count move collects too, once it has freed a
//! `FOLLOW_FRACTION` of its own due: at four threads under endless
//! redefinition, dead modules lived until the last thread's collection, up
//! to twice the pace (docs/PERFORMANCE.md, "Code lifetime").
//!
//! V8 gives scripts a collection only under `--expose-gc`. The flag is set
//! for as long as it takes to get the function from a new context, then
//! cleared, so that contexts and workers made later see no `gc` global (a
//! process started with the flag keeps it, and its `gc` is used). Threads
//! may do so at the same moment (`exposedGc`). A thread that cannot get
//! `gc` makes no collections: they only give memory back sooner.

import { nodeV8, nodeVm } from '../core/node-modules.js';
import { nowMs } from '../core/clock.js';
import { FULL_COLLECTIONS } from '../core/layout.js';

/** Freed code versions (or definitions) after which a thread asks for a full collection, at least. */
export const FULL_COLLECTION_AFTER = 1000;
/** What collections may cost, amortized over the versions freed. */
const BUDGET_MS_PER_VERSION = 0.005;
/** The part of its own due a thread must have freed to follow another thread's collection. */
export const FOLLOW_FRACTION = 0.25;

/** Tries at getting `gc` while other threads may clear the flag between this one's setting it and its new context. */
const GC_ATTEMPTS = 100;

/** This thread's `gc`; null when it could not be had (no collections then), undefined before the first try. */
let collect: (() => void) | null | undefined;

/** Runs a full collection of this thread's heap, if this thread can. */
function fullCollection(): void {
  if (collect === undefined) collect = typeof globalThis.gc === 'function' ? (globalThis.gc as () => void) : exposedGc();
  collect?.();
}

/**
 * `gc` from a new context made while `--expose-gc` is set. The flag is the
 * process's: another thread that gets its own clears it when done, maybe
 * between this thread's setting it and its context's creation (such a
 * context has no `gc`), so a thread tries again.
 */
function exposedGc(): (() => void) | null {
  const v8 = nodeV8();
  const vm = nodeVm();
  for (let attempt = 0; attempt < GC_ATTEMPTS; attempt++) {
    v8.setFlagsFromString('--expose-gc');
    try {
      const gc = vm.runInNewContext('typeof gc === "function" ? gc : null') as (() => void) | null;
      if (gc) return gc;
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  }
  return null;
}

/** Counts freed versions and collects when they are due, or when another thread collected. */
export class CollectionPacer {
  private freedSince = 0;
  private due = FULL_COLLECTION_AFTER;
  /** The shared count of led collections as of this thread's last collection (or its start). */
  private seen: number;

  /** `words`: the run's shared memory, whose `FULL_COLLECTIONS` word counts the collections threads led. */
  constructor(private readonly words: Int32Array) {
    this.seen = Atomics.load(words, FULL_COLLECTIONS >> 2);
  }

  /** `versions` more versions or definitions were freed, and are garbage now. */
  freed(versions: number): void {
    this.freedSince += versions;
  }

  /** Runs a full collection if enough was freed since the last one, or another thread collected and a part of that was. */
  collectIfDue(): void {
    const led = Atomics.load(this.words, FULL_COLLECTIONS >> 2);
    const leads = this.freedSince >= this.due;
    if (!leads && !(led !== this.seen && this.freedSince >= this.due * FOLLOW_FRACTION)) return;
    const start = nowMs();
    fullCollection();
    this.freedSince = 0;
    this.due = Math.max(FULL_COLLECTION_AFTER, Math.ceil((nowMs() - start) / BUDGET_MS_PER_VERSION));
    // A follower does not count: the threads would otherwise follow each other in turn.
    this.seen = leads ? Atomics.add(this.words, FULL_COLLECTIONS >> 2, 1) + 1 : led;
  }
}
