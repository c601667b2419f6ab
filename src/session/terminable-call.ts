//! A call on the calling thread that a deadline or Ctrl-C ends even while it
//! computes. The thread cannot see a timer or a signal then (its event loop
//! waits for the call), so the call runs under Node's `vm` watchdogs, which
//! terminate the JavaScript and WebAssembly it runs from another thread.
//!
//! Termination is abrupt: no `catch` or `finally` of the call runs, so the
//! caller must not trust what the call was changing (a threaded session
//! writes out the output it holds and closes).

import { Script, createContext } from 'node:vm';
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

const CALL = new Script('call()');

/** Runs `f`; returns its value, or why it was ended. What `f` throws is thrown. */
export function callTerminable<T>(f: () => T, terminators: Terminators): Terminated<T> {
  const { timeoutMs, interrupt = false } = terminators;
  if (timeoutMs === undefined && !interrupt) return { value: f(), stopped: StopReason.None };
  const timeout = timeoutMs === undefined ? undefined : Math.max(1, Math.ceil(timeoutMs));
  try {
    const value = CALL.runInContext(createContext({ call: f }), { timeout, breakOnSigint: interrupt }) as T;
    return { value, stopped: StopReason.None };
  } catch (e) {
    switch ((e as NodeJS.ErrnoException).code) {
      case 'ERR_SCRIPT_EXECUTION_TIMEOUT': return { stopped: StopReason.Timeout };
      case 'ERR_SCRIPT_EXECUTION_INTERRUPTED': return { stopped: StopReason.Interrupt };
      default: throw e;
    }
  }
}
