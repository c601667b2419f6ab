//! The services every tier reaches outside compiled or interpreted code for:
//! output, loading, barriers, the poll word that leads to safepoints, and
//! host calls (host functions and the byte input/output and argument
//! builtins, IR `host`). The session implements them once per thread; the
//! interpreter and the wasm tiers' host imports (`backend/js-imports.ts`)
//! call them.

import type { Pos } from '../ir/pos.js';
import type { GlobalId } from '../ir/ids.js';
import type { Tracer } from './trace.js';
import type { ValueType } from '../ir/types.js';
import type { TrapKind } from './trap.js';

/** The builtins that the IR's `host` op calls (reserved names, so no host function has them). */
export const HOST_BUILTINS: ReadonlySet<string> = new Set(['read_byte', 'write_byte', 'arg_count', 'arg']);

/**
 * The builtins that may wait outside program code, and so apply other
 * threads' loads, as `barrier` does: no program point follows them for
 * optimized code to deoptimize at (`backend/pipeline.ts`).
 */
export const WAITING_BUILTINS: ReadonlySet<string> = new Set(['read_byte']);

/** What a host call site needs: the name it calls and the types it was checked with. */
export interface HostSite {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly result: ValueType | 'void';
}

/** A host call with its arguments in the tiers' representation (i64 as bigint, bool as 0/1, references as addresses). */
export type HostCall = (args: readonly (number | bigint)[]) => number | bigint | undefined;

/** Thrown by a `HostCall` that failed; the tier makes it a trap of `kind` at the call's position. */
export class HostFault extends Error {
  constructor(readonly kind: TrapKind, readonly detail: string) {
    super(detail);
    this.name = 'HostFault';
  }
}

export interface RuntimeHost {
  /** Writes one line of program output. */
  print(line: string): void;
  /** The `load(path)` builtin, called from module `fromFile` at `pos`; throws a Trap when the load fails. */
  load(path: string, fromFile: string, pos: Pos): void;
  /** Waits until every thread of the run has reached a barrier. */
  barrier(): void;
  /** Waits `ms` milliseconds (none when not positive), taking loads and stops meanwhile. */
  sleep(ms: number): void;
  /**
   * The poll request word (`core/layout.ts` POLL_REQUEST): every loop
   * back-edge and function entry reads it and calls `safepoint` when it is
   * nonzero (a stop or a code handshake is pending).
   */
  readonly pollWord: Int32Array;
  safepoint(): void;
  /**
   * Before a store of global `global` while its state is not published
   * (`global-states.ts`): makes every thread drop code that folded it. May
   * apply other threads' loads.
   */
  globalStored(global: GlobalId): void;
  readonly threadId: number;
  readonly threadCount: number;
  /** The thread's trace events (`--trace`); absent when tracing is off. */
  readonly trace?: Tracer | null;
  /** The call of `site`, resolved once per site (at its compilation), not per call. */
  hostCall(site: HostSite): HostCall;
}
