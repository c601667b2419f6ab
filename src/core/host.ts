//! The services every tier reaches outside compiled or interpreted code for:
//! output, loading, barriers and the poll word that leads to safepoints. The
//! session implements them once per thread; the interpreter and the wasm
//! tiers' host imports (`backend/js-imports.ts`) call them.

import type { Pos } from '../ir/pos.js';
import type { GlobalId } from '../ir/ids.js';
import type { Tracer } from './trace.js';

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
}
