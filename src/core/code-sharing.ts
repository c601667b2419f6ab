//! Compile once, run everywhere: how the threads of a run share compiled
//! code. The first thread that needs a code version claims it (a compare and
//! swap on its code state), compiles it and posts it (its `WebAssembly.Module`
//! and what linking needs) to every other thread; a thread that needs the same version meanwhile
//! waits for the module instead of compiling it again. A thread that fails
//! to compile (or is stopped) gives the claim back, so waiters never hang.

import type { CodeChannels } from './code-channels.js';
import { CODE_STATES_BASE, MAX_CODES, codeIndex } from './layout.js';
import { isLiveCodeId } from './code-ids.js';

/**
 * The code itself is opaque here: the baseline tier posts its compiled
 * module with what linking and stack traces need.
 */
export interface CodeSharing {
  /**
   * Code version `id` when another thread compiles it (waiting for it if
   * need be), or null when this thread has claimed it and must compile it,
   * then `publish` or `abandon` it.
   */
  acquire(id: number): unknown;
  publish(id: number, code: unknown): void;
  abandon(id: number): void;
  /** Drops the code that has arrived for versions whose ids have been freed (they are never acquired again). */
  discardFreed(): void;
}

/** One thread alone compiles everything itself. */
export const UNSHARED: CodeSharing = {
  acquire: () => null,
  publish: () => {},
  abandon: () => {},
  discardFreed: () => {},
};

/**
 * A code version's state word (`layout.codeState`). `Invalid` is stored
 * over any other state when a load breaks an assumption that optimized
 * code made (`backend/dependencies.ts`); the code reads its own word to
 * know that it must deoptimize, and a thread that needs the code still
 * takes it (its frames then deoptimize at once).
 */
export const enum CodeState {
  Unclaimed = 0,
  Compiling = 1,
  Published = 2,
  Invalid = 3,
}

/** How long a waiting thread sleeps between looks at a stop request (ms). */
const WAIT_SLICE_MS = 20;

export class SharedCode implements CodeSharing {
  private readonly states: Int32Array;
  private readonly words: Int32Array;
  private readonly received = new Map<number, unknown>();

  constructor(
    buffer: ArrayBuffer | SharedArrayBuffer,
    private readonly channels: CodeChannels,
    /** Runs `wait` as time spent blocked in the runtime (`Thread`), which also checks for a stop. */
    private readonly blocked: (wait: () => void) => void,
    private readonly checkStop: () => void,
  ) {
    this.states = new Int32Array(buffer, CODE_STATES_BASE, MAX_CODES);
    this.words = new Int32Array(buffer);
  }

  /** Code `id`'s state: the word of its index (`layout.codeState`). */
  acquire(id: number): unknown {
    const at = codeIndex(id);
    for (;;) {
      const ready = this.take(id);
      if (ready !== undefined) return ready;
      const state = Atomics.compareExchange(this.states, at, CodeState.Unclaimed, CodeState.Compiling);
      if (state === CodeState.Unclaimed) return null;
      if (state === CodeState.Published || state === CodeState.Invalid) {
        // Posted before it was marked published, so it is in a queue already.
        const code = this.take(id);
        if (code !== undefined) return code;
        throw new Error(`code ${id} was published but never arrived`);
      }
      this.blocked(() => {
        while (Atomics.load(this.states, at) === CodeState.Compiling) {
          this.checkStop();
          Atomics.wait(this.states, at, CodeState.Compiling, WAIT_SLICE_MS);
        }
      });
    }
  }

  publish(id: number, code: unknown): void {
    this.channels.broadcast({ id, code });
    Atomics.store(this.states, codeIndex(id), CodeState.Published);
    Atomics.notify(this.states, codeIndex(id));
  }

  abandon(id: number): void {
    Atomics.store(this.states, codeIndex(id), CodeState.Unclaimed);
    Atomics.notify(this.states, codeIndex(id));
  }

  discardFreed(): void {
    for (const m of this.channels.drain()) this.received.set(m.id, m.code);
    for (const id of this.received.keys()) if (!isLiveCodeId(this.words, id)) this.received.delete(id);
  }

  /** Forgets the code that has arrived: for a thread that never installs code (the compiler's). */
  clearMailbox(): void {
    this.channels.drain();
    this.received.clear();
  }

  /** Code `id` if it has arrived (pulling whatever has), removed from the mailbox. */
  private take(id: number): unknown {
    for (const m of this.channels.drain()) this.received.set(m.id, m.code);
    const code = this.received.get(id);
    this.received.delete(id);
    return code;
  }
}
