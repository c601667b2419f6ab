//! Deadlines of calls on the calling thread: a call given `timeoutMs` traps
//! with `timeout` at its next poll once the time has passed. The calling
//! thread cannot see a timer while the call runs (its event loop waits for
//! it), so a watchdog thread does: when the time is up, it raises the stop
//! request in the session's control words (`core/control.ts`), which every
//! loop back-edge and function entry polls, and the session's safepoint
//! turns it into the trap. Unlike `terminable-call.ts`, the call ends as a
//! trap at a poll, with its stack, and the session stays usable.
//!
//! One watchdog serves every session of the process; it starts at the first
//! deadline and does not keep the process alive. A deadline that fires after
//! its call has ended does nothing: each call has a token, and the watchdog
//! and the caller settle who owns the stop request by compare-and-swap on it.

import type { Worker } from 'node:worker_threads';
import { POLL_REQUEST, STOP_REASON } from '../core/layout.js';
import { StopReason } from '../core/control.js';
import { workerThreads } from '../core/node-modules.js';

/** Token states besides a call's id: the watchdog is raising the stop, or has raised it. */
const FIRING = -1;
const FIRED = -2;

/**
 * The watchdog's code, given as text (`eval`) rather than a module file so
 * that it starts the same from dist/src and from the bundles. Its message:
 * the control words, the token, the call's id, the delay.
 */
const WATCHDOG = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ words, token, id, ms }) => {
  setTimeout(() => {
    if (Atomics.compareExchange(token, 0, id, ${FIRING}) !== id) return;
    Atomics.compareExchange(words, ${STOP_REASON >> 2}, 0, ${StopReason.Timeout});
    Atomics.store(words, ${POLL_REQUEST >> 2}, 1);
    Atomics.store(token, 0, ${FIRED});
    Atomics.notify(token, 0);
  }, ms);
});
`;

let watchdog: Worker | null = null;

function startWatchdog(): Worker {
  if (watchdog) return watchdog;
  // Without the process's own options: `--input-type=module` (node -e) would read the script as a module.
  const w = new (workerThreads().Worker)(WATCHDOG, { eval: true, execArgv: [] });
  w.unref();
  // A watchdog that failed serves no deadline: the next one starts another.
  w.on('error', () => {
    if (watchdog === w) watchdog = null;
  });
  watchdog = w;
  return w;
}

/** The deadlines of one session's calls, over its control words. */
export class CallDeadlines {
  /** The running call's id while a deadline is armed, else 0 (or FIRING, FIRED). */
  private readonly token = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;

  constructor(private readonly words: Int32Array) {}

  /** Arms a deadline `ms` milliseconds from now for the call about to run; returns its id for `disarm`. */
  arm(ms: number): number {
    const id = this.nextId++;
    if (this.nextId > 2 ** 30) this.nextId = 1;
    Atomics.store(this.token, 0, id);
    startWatchdog().postMessage({ words: this.words, token: this.token, id, ms });
    return id;
  }

  /**
   * The call `id` has ended: the deadline no longer applies. If the watchdog
   * has begun to raise the stop, waits until it has, so that the caller
   * can clear the request knowing no late store follows.
   */
  disarm(id: number): void {
    if (Atomics.compareExchange(this.token, 0, id, 0) === id) return;
    while (Atomics.load(this.token, 0) === FIRING) Atomics.wait(this.token, 0, FIRING, 10);
    Atomics.store(this.token, 0, 0);
  }
}
