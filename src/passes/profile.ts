//! Profiles: what a definition's baseline code records as it runs, for the
//! optimizing tier to speculate on. A profile is a block of the shared
//! memory (a runtime block: no program reference reaches it), one per
//! definition, shared by every thread that runs the code:
//!
//! ```
//! +0  calls: counted at entry, and 1 per ITERATIONS_PER_CALL loop iterations
//!     (`backend/emit-profile-counts.ts`); at OPTIMIZE_AFTER_CALLS the code asks to be
//!     optimized, and counts no more (a load that invalidates the optimized code resets it)
//! +4  per virtual call site of the function's own body, 4 bytes each: 0 until a receiver
//!     was seen there, then its class id, then POLYMORPHIC once another was seen (by
//!     this code, or by a guard that optimized code made from the class: `Baseline.guardFailed`)
//! ```
//!
//! A count that has reached its threshold and a site that is polymorphic cost
//! a load and a compare, and no store: recording is a cost of all baseline code at
//! `auto` until it is optimized, and of code that never is. A definition that
//! runs in bounded time (`runsBounded`: no call, no loop) records nothing and
//! keeps its baseline code: the count would cost about what its body does.
//!
//! The counters are racy (threads add without atomics): a profile can only be
//! imprecise, never unsafe, since optimized code guards what it learns here.
//! The sites are numbered by `computeProfileSites`, in the same order when
//! the baseline code records and when the optimizing tier reads; baseline
//! code records only at those that `recordedSites` picks.

import type { IrFunction, PointId } from '../ir/ir.js';
import { forEachStmt } from '../ir/operands.js';
import type { ClassId } from '../ir/types.js';
import type { Program } from '../core/program.js';
import { receiverClasses } from './call-plans.js';

export const PROFILE_CALLS = 0;
export const PROFILE_SITES = 4;
export const PROFILE_SITE_SIZE = 4;
/** A site's word once two receiver classes were seen there: no class id is negative. */
export const POLYMORPHIC = -1;

/** Calls of baseline code after which it asks to be optimized (`--tier auto`). */
export const OPTIMIZE_AFTER_CALLS = 1000;

/** The profile site of each virtual call in `ir`'s own body, by call point. */
export function computeProfileSites(ir: IrFunction): ReadonlyMap<PointId, number> {
  const sites = new Map<PointId, number>();
  forEachStmt(ir.body, (s) => {
    if (s.op === 'call' && s.callee.kind === 'virtual') sites.set(s.point, sites.size);
  });
  return sites;
}

/**
 * The sites of `computeProfileSites` that baseline code records receivers
 * at, numbered as there: the virtual calls where the optimizing tier could
 * guard a receiver class from the profile, those whose loaded classes do
 * not all run one function and have several with a body
 * (`call-plans.ts` `receiverClasses`). Elsewhere it devirtualizes from the
 * class hierarchy or has one class to test, or, once a load has added an
 * implementation, finds no receiver recorded and keeps an inline cache: a
 * record there would only cost (Richards' receivers were three quarters of
 * what its profile cost, at calls that one implementation answers).
 */
export function recordedSites(ir: IrFunction, program: Program): ReadonlyMap<PointId, number> {
  const recorded = new Map<PointId, number>();
  const sites = computeProfileSites(ir);
  forEachStmt(ir.body, (s) => {
    if (s.op !== 'call' || s.callee.kind !== 'virtual') return;
    const { only, classes } = receiverClasses(program, s.callee.classId, s.callee.slot);
    if (only === null && classes.length > 1) recorded.set(s.point, sites.get(s.point) as number);
  });
  return recorded;
}

export function profileBytes(sites: number): number {
  return PROFILE_SITES + PROFILE_SITE_SIZE * sites;
}

/** What the optimizing tier reads of a profile: the one receiver class seen at a virtual call, if one. */
export interface ReceiverProfile {
  monomorphic(point: PointId): ClassId | null;
}

/** A profile block read from memory (`words`: the memory as i32s, `address`: the block), or null when there is none. */
export function readProfile(ir: IrFunction, words: Int32Array, address: number): ReceiverProfile | null {
  if (address === 0) return null;
  const sites = computeProfileSites(ir);
  return {
    monomorphic: (point) => {
      const site = sites.get(point);
      if (site === undefined) return null;
      const seen = words[(address + PROFILE_SITES + PROFILE_SITE_SIZE * site) >>> 2] as number;
      return seen > 0 ? (seen as ClassId) : null;
    },
  };
}
