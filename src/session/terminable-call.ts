//! A call on the calling thread that a deadline or Ctrl-C ends even while it
//! computes. The thread cannot see a timer or a signal then (its event loop
//! waits for the call), so the call runs under Node's `vm` watchdogs, which
//! terminate the JavaScript and WebAssembly it runs from another thread.
//!
//! Termination is abrupt: no `catch` or `finally` of the call runs, so the
//! caller must not trust what the call was changing (a threaded session
//! writes out the output it holds and closes).

import { Script } from 'node:vm';
import { StopReason } from '../core/control.js';

/** What ends a terminable call from outside. */
export interface Terminators {
  /** Milliseconds after which the call is ended (none: no deadline). */
  readonly timeoutMs?: number;
  /** End the call on SIGINT; meanwhile, the process's own SIGINT listeners do not run. */
  readonly interrupt?: boolean;
}

export type Terminated<T> =
  | { readonly value: T; readonly stopped: StopReason.None }
  | { readonly stopped: StopReason.Timeout | StopReason.Interrupt };

/** Where the script finds the function to call: a property of the global object while the call runs (a new context would cost its creation). */
const KEY = 'rejit.terminableCall';
const CALL = new Script(`globalThis[Symbol.for(${JSON.stringify(KEY)})]()`);

/** Runs `f`; returns its value, or why it was ended. What `f` throws is thrown. */
export function callTerminable<T>(f: () => T, terminators: Terminators): Terminated<T> {
  const { timeoutMs, interrupt = false } = terminators;
  if (timeoutMs === undefined && !interrupt) return { value: f(), stopped: StopReason.None };
  const timeout = timeoutMs === undefined ? undefined : Math.max(1, Math.ceil(timeoutMs));
  const global = globalThis as unknown as Record<symbol, unknown>;
  global[Symbol.for(KEY)] = f;
  try {
    const value = CALL.runInThisContext({ timeout, breakOnSigint: interrupt }) as T;
    return { value, stopped: StopReason.None };
  } catch (e) {
    switch ((e as NodeJS.ErrnoException).code) {
      case 'ERR_SCRIPT_EXECUTION_TIMEOUT': return { stopped: StopReason.Timeout };
      case 'ERR_SCRIPT_EXECUTION_INTERRUPTED': return { stopped: StopReason.Interrupt };
      default: throw e;
    }
  } finally {
    delete global[Symbol.for(KEY)];
  }
}
