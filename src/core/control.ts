//! The control words in shared memory through which threads stop together,
//! meet at barriers, and publish loaded code (handshakes).
//!
//! A handshake: the loading thread appends the module to the load log, bumps
//! LOAD_EPOCH and raises POLL_REQUEST; every other thread that is running
//! program code notices at its next poll (a loop back-edge or a function
//! entry), applies the log up to the new epoch and stores that epoch as its
//! acknowledgement. A thread that is not running program code (blocked in a
//! barrier or a lock, idle, finished) counts as acknowledged, and applies
//! the log itself before it runs program code again. The loader returns when
//! every thread has acknowledged, so every call that starts afterwards, on
//! any thread, sees the new code. (The thread's state store and the loader's
//! epoch store are sequentially consistent atomics: either the loader sees
//! the thread running and waits for it, or the thread sees the new epoch.)

import { nowMs } from './clock.js';
import {
  BARRIER_ARRIVED, BARRIER_GENERATION, LIVE_THREADS, LOAD_EPOCH, LOAD_LOCK, POLL_REQUEST, PRINT_LOCK, STOP_REASON,
  STUB_SLOTS_BASE, TB_ACK_EPOCH, TB_STATE, THREAD_COUNT, threadBlock,
} from './layout.js';

export const enum StopReason {
  None = 0,
  /** A thread trapped; it reports the trap, the others stop quietly. */
  Trap = 1,
  Timeout = 2,
  Interrupt = 3,
  /** The runtime failed (`internal-error.ts`); the thread or host that saw it reports it, the others stop quietly. */
  Internal = 4,
}

export const enum ThreadState {
  /** Not running program code: counts as acknowledged. */
  Outside = 0,
  Running = 1,
}

/** How long a waiting thread sleeps before it looks for a stop request again (ms). */
const WAIT_SLICE_MS = 20;

/** Thrown on a thread that must stop because another thread trapped (or the run was stopped). */
export class Stopped extends Error {
  constructor(readonly reason: StopReason) {
    super('stopped');
  }
}

export class Control {
  readonly words: Int32Array;

  constructor(buffer: ArrayBuffer | SharedArrayBuffer) {
    // Control words and thread blocks lie below the stub slots, in pages every view covers.
    this.words = new Int32Array(buffer, 0, STUB_SLOTS_BASE >> 2);
  }

  private get(addr: number): number {
    return Atomics.load(this.words, addr >> 2);
  }

  private set(addr: number, value: number): void {
    Atomics.store(this.words, addr >> 2, value);
  }

  // ---- a run

  /** Prepares the words for a run of `threads` threads, all of which have applied the log. */
  startRun(threads: number): void {
    this.set(THREAD_COUNT, threads);
    this.set(LIVE_THREADS, threads);
    this.set(BARRIER_ARRIVED, 0);
    this.set(STOP_REASON, StopReason.None);
    this.set(POLL_REQUEST, 0);
  }

  get threadCount(): number {
    return this.get(THREAD_COUNT);
  }

  get epoch(): number {
    return this.get(LOAD_EPOCH);
  }

  get stopReason(): StopReason {
    return this.get(STOP_REASON);
  }

  /** Asks every thread to stop; the first reason wins. Returns whether this call set it. */
  requestStop(reason: StopReason): boolean {
    const won = Atomics.compareExchange(this.words, STOP_REASON >> 2, 0, reason) === 0;
    this.set(POLL_REQUEST, 1);
    // Wake barrier waiters and lock waiters so that they see the stop.
    Atomics.notify(this.words, BARRIER_GENERATION >> 2);
    return won;
  }

  /** The flag a poll reads: nonzero when a thread must call `safepoint`. */
  get pollRequested(): boolean {
    return this.words[POLL_REQUEST >> 2] !== 0;
  }

  // ---- thread states and acknowledgements

  setState(thread: number, state: ThreadState): void {
    this.set(threadBlock(thread) + TB_STATE, state);
  }

  acknowledge(thread: number, epoch: number): void {
    const addr = threadBlock(thread) + TB_ACK_EPOCH;
    this.set(addr, epoch);
    Atomics.notify(this.words, addr >> 2);
  }

  /** Throws `Stopped` when a stop has been requested. */
  checkStop(): void {
    const reason = this.stopReason;
    if (reason !== StopReason.None) throw new Stopped(reason);
  }

  /**
   * After publishing epoch `epoch`: waits until every thread but `self` has
   * acknowledged it or is outside program code. Stops waiting when the run
   * is stopped (the waiting threads may never poll again). `acknowledged`
   * hears of each thread as its wait ends (tracing: when each acknowledged).
   */
  awaitAcknowledgements(epoch: number, self: number, threads: number, acknowledged?: (thread: number) => void): void {
    for (let t = 0; t < threads; t++) {
      if (t === self) continue;
      const ack = threadBlock(t) + TB_ACK_EPOCH;
      const state = threadBlock(t) + TB_STATE;
      for (;;) {
        const seen = this.get(ack);
        if (seen >= epoch || this.get(state) !== ThreadState.Running) break;
        if (this.stopReason !== StopReason.None) return;
        Atomics.wait(this.words, ack >> 2, seen, WAIT_SLICE_MS);
      }
      acknowledged?.(t);
    }
  }

  /** Publishes epoch `epoch` (the log already holds its module) and raises the poll request. */
  publish(epoch: number): void {
    this.set(LOAD_EPOCH, epoch);
    this.set(POLL_REQUEST, 1);
  }

  /** Lowers the poll request after a handshake, unless a stop keeps it raised. */
  handshakeDone(): void {
    if (this.stopReason === StopReason.None) this.set(POLL_REQUEST, 0);
  }

  // ---- locks that stay responsive while they wait

  /**
   * Takes a spin-then-sleep lock at `addr`. `whileWaiting` runs between
   * attempts (a thread applies pending loads there, so that a loader waiting
   * for its acknowledgement is never blocked by it).
   */
  lock(addr: number, whileWaiting: () => void): void {
    for (;;) {
      if (Atomics.compareExchange(this.words, addr >> 2, 0, 1) === 0) return;
      whileWaiting();
      Atomics.wait(this.words, addr >> 2, 1, WAIT_SLICE_MS);
    }
  }

  unlock(addr: number): void {
    this.set(addr, 0);
    Atomics.notify(this.words, addr >> 2, 1);
  }

  lockLoads(whileWaiting: () => void): void {
    this.lock(LOAD_LOCK, whileWaiting);
  }

  unlockLoads(): void {
    this.unlock(LOAD_LOCK);
  }

  /** `whileWaiting` may throw `Stopped`: a thread that died holding the lock must not block the others. */
  lockPrint(whileWaiting: () => void): void {
    this.lock(PRINT_LOCK, whileWaiting);
  }

  unlockPrint(): void {
    this.unlock(PRINT_LOCK);
  }

  // ---- barriers

  /**
   * Waits until every live thread of the run has arrived. `whileWaiting`
   * runs between sleeps (pending loads, stop checks). A thread that finishes
   * its run leaves (`leave`), so a barrier never waits for a finished thread.
   */
  barrier(whileWaiting: () => void): void {
    const generation = this.get(BARRIER_GENERATION);
    const arrived = Atomics.add(this.words, BARRIER_ARRIVED >> 2, 1) + 1;
    if (arrived >= this.get(LIVE_THREADS)) this.openBarrier(generation, arrived);
    while (this.get(BARRIER_GENERATION) === generation) {
      whileWaiting();
      // A thread that finished after we arrived may have made us the last one.
      const now = this.get(BARRIER_ARRIVED);
      if (now >= this.get(LIVE_THREADS)) this.openBarrier(generation, now);
      Atomics.wait(this.words, BARRIER_GENERATION >> 2, generation, WAIT_SLICE_MS);
    }
  }

  /**
   * Opens the barrier once: the thread that resets the count from the value
   * it saw moves the generation on. Nobody can arrive at the next barrier
   * before that, since every live thread is waiting at this one.
   */
  private openBarrier(generation: number, arrived: number): void {
    if (Atomics.compareExchange(this.words, BARRIER_ARRIVED >> 2, arrived, 0) !== arrived) return;
    this.set(BARRIER_GENERATION, generation + 1);
    Atomics.notify(this.words, BARRIER_GENERATION >> 2);
  }

  // ---- sleeping

  /**
   * Waits `ms` milliseconds in slices; `whileWaiting` runs between them (stop
   * checks). A stop wakes the sleeper at once: it notifies the barrier word.
   */
  sleep(ms: number, whileWaiting: () => void): void {
    const end = nowMs() + ms;
    for (let left = ms; left > 0; left = end - nowMs()) {
      whileWaiting();
      Atomics.wait(this.words, BARRIER_GENERATION >> 2, this.get(BARRIER_GENERATION), Math.min(left, WAIT_SLICE_MS));
    }
  }

  /** A thread's run has finished: it no longer counts for barriers. */
  leave(): void {
    Atomics.sub(this.words, LIVE_THREADS >> 2, 1);
    Atomics.notify(this.words, BARRIER_GENERATION >> 2);
  }
}
