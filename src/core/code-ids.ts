//! Code ids over a bounded set of code indices, shared by every thread of a
//! run: taking ids, holding them, and sweeping the indices that nothing holds
//! or names back onto a free stack for reuse.
//!
//! An id is an index and a generation (`layout.ts`, CODE_GENERATIONS): a
//! freed index comes back with the next generation, so no id is given out
//! twice and a stale id (in an instance's `calleeId` import, a compare with a
//! definition word, a message in a thread's mailbox) never matches the
//! version that reuses its index. What must not outlive the index (the
//! table entry at it on every thread, its state, origin and profile words)
//! is guarded by holds: each thread holds every id it keeps code, a bridge
//! or a relinking for (`backend/code-holds.ts`), and whoever takes an id
//! holds it until it is named in a stub slot or handed on. A sweep frees an
//! index whose id has no hold and that no stub slot, definition word or
//! slot-named version's origin names; a hold taken by a thread that read an
//! id just before its sweep is seen by the generation check of `hold`.
//!
//! An index is reused at most CODE_GENERATIONS - 1 times (then retired), so
//! a run takes about a billion ids in all: loads that find none left fail
//! cleanly (`Session.load`).
//!
//! It does not know what an id stands for (`core/program.ts`) nor frames
//! (threads report theirs when they let go of their holds).

import { codeId, type CodeId } from '../ir/ids.js';
import {
  CODE_GENERATIONS, CODE_GENERATIONS_BASE, CODE_HOLDS_BASE, CODE_IDS_LOCK, CODE_IDS_SINCE_SWEEP, CODE_IDS_TAKEN,
  FREE_CODES_BASE, FREE_CODE_IDS, MAX_CODES, codeIndex, codeOrigin, codeProfile, codeState, definitionWord, stubSlot,
} from './layout.js';

/** An index that is free. */
const FREE = -1;
/** An index set aside by a sweep, which has yet to decide whether to free it. */
const ASIDE = -2;
/** Code ids taken since the last sweep after which the next load sweeps. */
export const SWEEP_AFTER = 256;

const generationOf = (id: number): number => Math.floor(id / MAX_CODES);
const word = (base: number, index: number): number => (base >>> 2) + index;

function lock(words: Int32Array): void {
  while (Atomics.compareExchange(words, CODE_IDS_LOCK >> 2, 0, 1) !== 0) Atomics.wait(words, CODE_IDS_LOCK >> 2, 1, 1);
}

function unlock(words: Int32Array): void {
  Atomics.store(words, CODE_IDS_LOCK >> 2, 0);
  Atomics.notify(words, CODE_IDS_LOCK >> 2, 1);
}

/** The id that index `index` has now. */
function idAt(words: Int32Array, index: number): CodeId {
  return codeId(Atomics.load(words, word(CODE_GENERATIONS_BASE, index)) * MAX_CODES + index);
}

/**
 * `count` code ids, each held once for the caller, or none when fewer than
 * `count` would be left beyond `reserve` (ids kept for loads). Freed indices
 * are reused first.
 */
export function takeCodeIds(words: Int32Array, count: number, reserve = 0): CodeId[] {
  lock(words);
  try {
    const free = Atomics.load(words, FREE_CODE_IDS >> 2);
    const taken = Atomics.load(words, CODE_IDS_TAKEN >> 2);
    // Index 0 is none.
    if (free + (MAX_CODES - 1 - taken) - count < reserve) return [];
    const ids: CodeId[] = [];
    for (let i = 0; i < count; i++) {
      const left = Atomics.load(words, FREE_CODE_IDS >> 2);
      let index: number;
      if (left > 0) {
        index = Atomics.load(words, word(FREE_CODES_BASE, left - 1));
        Atomics.store(words, FREE_CODE_IDS >> 2, left - 1);
      } else {
        index = Atomics.add(words, CODE_IDS_TAKEN >> 2, 1) + 1;
      }
      Atomics.store(words, word(CODE_HOLDS_BASE, index), 1);
      ids.push(idAt(words, index));
    }
    Atomics.add(words, CODE_IDS_SINCE_SWEEP >> 2, count);
    return ids;
  } finally {
    unlock(words);
  }
}

/** Takes a hold on `id`; false when its index has been freed (the id is stale: whatever named it has moved on). */
export function holdCodeId(words: Int32Array, id: CodeId): boolean {
  const index = codeIndex(id);
  const at = word(CODE_HOLDS_BASE, index);
  for (;;) {
    const holds = Atomics.load(words, at);
    if (holds === FREE) return false;
    if (holds === ASIDE) {
      Atomics.wait(words, at, ASIDE, 1);
      continue;
    }
    if (Atomics.compareExchange(words, at, holds, holds + 1) === holds) break;
  }
  if (Atomics.load(words, word(CODE_GENERATIONS_BASE, index)) === generationOf(id)) return true;
  // The index was freed and taken again for another id meanwhile: this hold was on that one.
  Atomics.sub(words, at, 1);
  return false;
}

export function releaseCodeId(words: Int32Array, id: CodeId): void {
  const left = Atomics.sub(words, word(CODE_HOLDS_BASE, codeIndex(id)), 1) - 1;
  if (left < 0) throw new Error(`code ${id} released more often than held`);
}

/** Whether `id` is still the id its index has (not freed since). */
export function isLiveCodeId(words: Int32Array, id: number): boolean {
  const index = codeIndex(id);
  return Atomics.load(words, word(CODE_HOLDS_BASE, index)) !== FREE && Atomics.load(words, word(CODE_GENERATIONS_BASE, index)) === generationOf(id);
}

/** Whether enough ids have been taken since the last sweep for a load to sweep. */
export function sweepDue(words: Int32Array): boolean {
  return Atomics.load(words, CODE_IDS_SINCE_SWEEP >> 2) >= SWEEP_AFTER;
}

/**
 * Frees every index whose id nothing holds or names: no stub slot or
 * definition word of `functions` function ids names it, nor the origin of
 * an optimized version a slot names. Its per-code words are cleared (its
 * profile block, if any, given to `freeProfile`) and its generation bumped;
 * it goes on the free stack. Returns how many were freed.
 *
 * Unheld indices are set aside first, then the slots are read: a thread
 * writes an id into a slot only while it holds it, and no hold can be taken
 * on an index set aside, so a slot that names one was written before and is
 * seen.
 */
export function sweepCodeIds(words: Int32Array, functions: number, freeProfile: (block: number) => void = () => {}): number {
  Atomics.store(words, CODE_IDS_SINCE_SWEEP >> 2, 0);
  const taken = Atomics.load(words, CODE_IDS_TAKEN >> 2);
  const candidates: number[] = [];
  for (let index = 1; index <= taken; index++) {
    if (Atomics.compareExchange(words, word(CODE_HOLDS_BASE, index), 0, ASIDE) === 0) candidates.push(index);
  }
  if (candidates.length === 0) return 0;
  const named = new Set<number>();
  for (let fn = 0; fn < functions; fn++) {
    const slot = Math.abs(Atomics.load(words, stubSlot(fn) >>> 2));
    if (slot !== 0) {
      named.add(codeIndex(slot));
      const origin = Atomics.load(words, codeOrigin(slot) >>> 2);
      if (origin !== 0) named.add(codeIndex(origin));
    }
    named.add(codeIndex(Atomics.load(words, definitionWord(fn) >>> 2)));
  }
  let freed = 0;
  for (const index of candidates) {
    const at = word(CODE_HOLDS_BASE, index);
    if (named.has(index)) {
      Atomics.store(words, at, 0);
      Atomics.notify(words, at);
      continue;
    }
    const id = idAt(words, index);
    Atomics.store(words, codeState(id) >>> 2, 0);
    Atomics.store(words, codeOrigin(id) >>> 2, 0);
    const profile = Atomics.exchange(words, codeProfile(id) >>> 2, 0);
    // No code records into it any more: every thread has freed the code of the definition it was made for.
    if (profile !== 0) freeProfile(profile);
    const generation = generationOf(id) + 1;
    // An index whose generations are used up is never reused: its ids would come round again.
    if (generation === CODE_GENERATIONS) {
      Atomics.store(words, at, FREE);
      Atomics.notify(words, at);
      freed++;
      continue;
    }
    Atomics.store(words, word(CODE_GENERATIONS_BASE, index), generation);
    lock(words);
    const free = Atomics.load(words, FREE_CODE_IDS >> 2);
    Atomics.store(words, word(FREE_CODES_BASE, free), index);
    Atomics.store(words, FREE_CODE_IDS >> 2, free + 1);
    Atomics.store(words, at, FREE);
    unlock(words);
    Atomics.notify(words, at);
    freed++;
  }
  return freed;
}

/** Code ids in use (taken and not freed) and freed so far, in the whole run. */
export function codeIdCounts(words: Int32Array): { readonly live: number; readonly free: number } {
  const free = Atomics.load(words, FREE_CODE_IDS >> 2);
  return { live: Atomics.load(words, CODE_IDS_TAKEN >> 2) - free, free };
}
