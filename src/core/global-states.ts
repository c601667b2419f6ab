//! Stable globals: which globals have been stored to since their
//! initializer, in one shared byte per global (`layout.ts` GLOBAL_STATES),
//! so that optimized code may fold a global no one has stored as the
//! constant it was initialized with (`passes/stable-globals.ts`).
//!
//! The protocol, between a compile that folds and the first store:
//! - A compile sets `Folded` and folds only if `Stored` was not set: one
//!   atomic OR each, so either the compile sees the store or the store sees
//!   the fold.
//! - Every store of a global at every tier first tests `Published`; while it
//!   is clear, the store calls its session's `globalStored`, which sets
//!   `Stored` under the load lock and, if some code folded the global, runs a
//!   load handshake (of an empty module) in which every thread invalidates
//!   its versions that depend on it (`dependencies.ts`, `stableGlobal`). Then
//!   `Published`, and only then the store: no thread runs folded code once
//!   the value has changed.
//! - The store's call may apply loads, so a code version that may store an
//!   unpublished global assumes nothing (`backend/pipeline.ts`): it never
//!   needs to deoptimize there.
//!
//! States only ever gain bits: a global once stored is never folded again.

import type { GlobalId } from '../ir/ids.js';
import { GLOBAL_STATES, MAX_GLOBALS } from './layout.js';

export const enum GlobalState {
  /** Stored to since its initializer (or being stored for the first time). */
  Stored = 1,
  /** Every thread has dropped the code that folded it: stores go straight through. */
  Published = 2,
  /** Some optimized code folded it. */
  Folded = 4,
}

export class GlobalStates {
  private readonly bytes: Uint8Array;

  constructor(buffer: ArrayBuffer | SharedArrayBuffer) {
    this.bytes = new Uint8Array(buffer, GLOBAL_STATES, MAX_GLOBALS);
  }

  /** Whether no store of `g` has begun: its value is its initializer's. */
  stable(g: GlobalId): boolean {
    return (Atomics.load(this.bytes, g) & GlobalState.Stored) === 0;
  }

  /** Whether stores of `g` need no call: every thread knows it is not stable. */
  published(g: GlobalId): boolean {
    return (Atomics.load(this.bytes, g) & GlobalState.Published) !== 0;
  }

  /** For a compile that would fold `g`: marks it folded; whether it may (it is still stable). */
  claimFold(g: GlobalId): boolean {
    return (Atomics.or(this.bytes, g, GlobalState.Folded) & GlobalState.Stored) === 0;
  }

  /** Marks `g` stored; its state before (the caller holds the load lock). */
  markStored(g: GlobalId): number {
    return Atomics.or(this.bytes, g, GlobalState.Stored);
  }

  markPublished(g: GlobalId): void {
    Atomics.or(this.bytes, g, GlobalState.Published);
  }
}
