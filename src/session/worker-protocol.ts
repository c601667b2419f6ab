//! The messages between a threaded session and its workers.

import type { Val } from '../interp/closures.js';
import type { CodeStats } from './session.js';
import type { ThreadOutcome } from './thread.js';
import type { OptSnapshot } from '../backend/opt-stats.js';
import type { TraceEvent } from '../core/trace.js';
import type { ThreadFigures } from './run-stats.js';

/** Run function `name` on this worker's thread; `args` as `Thread.run` takes them. */
export interface WorkerRequest {
  readonly id: number;
  readonly name: string;
  readonly args: readonly Val[];
}

export type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'print'; readonly lines: readonly string[] }
  /** With what the optimizing tier did on the thread so far, all the thread's figures for `stats()`, and its code (`Session.codeStats`). */
  | { readonly kind: 'done'; readonly id: number; readonly outcome: ThreadOutcome; readonly stats: OptSnapshot; readonly figures: ThreadFigures; readonly code: CodeStats }
  /** A batch of the thread's trace events (`core/trace.ts`), sent before the `done` of the run they belong to. */
  | { readonly kind: 'trace'; readonly events: readonly TraceEvent[] };
