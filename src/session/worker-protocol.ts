//! The messages between a threaded session and its workers.

import type { CodeStats, HostValue } from './session.js';
import type { ThreadOutcome } from './thread.js';
import type { OptSnapshot } from '../backend/opt-stats.js';

/** Run function `name` on this worker's thread. */
export interface WorkerRequest {
  readonly id: number;
  readonly name: string;
  readonly args: readonly HostValue[];
}

export type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'print'; readonly lines: readonly string[] }
  /** With what the optimizing tier did on the thread so far, and its code (`Session.codeStats`). */
  | { readonly kind: 'done'; readonly id: number; readonly outcome: ThreadOutcome; readonly stats: OptSnapshot; readonly code: CodeStats };
