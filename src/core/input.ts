//! The program's standard input, as the `read_byte` builtin reads it: one
//! byte at a time, -1 at the end, the same stream for every thread of a run.
//!
//! The state lives in a SharedArrayBuffer that every thread of a run maps: a
//! lock word, the start and end of the buffered bytes, an end-of-input flag,
//! then the buffer. A thread takes the lock, takes the next byte; when the
//! buffer is empty it reads the next chunk from file descriptor 0 itself,
//! still under the lock (`fs.readSync`, which blocks only that thread). So
//! each byte goes to exactly one `read_byte`, in order, and no thread needs
//! another to serve it (the main thread may be running the program itself,
//! `runHere`, or be busy in the host). Input given up front (a string or
//! bytes) fills the buffer whole, with the end flag set: no file is read.
//!
//! It does not know threads' states: the caller says how to block (a thread
//! counts as outside program code while it waits, so loads proceed).

import { readSync } from 'node:fs';

const LOCK = 0;
const START = 1;
const END = 2;
const AT_END = 3;
const DATA = 16;
/** How much one read of file descriptor 0 takes at most. */
const CHUNK = 1 << 16;

/** Runs `wait` (which may block) counted as outside program code. */
export type Outside = (wait: () => void) => void;

export class SharedInput {
  private readonly words: Int32Array;
  private readonly data: Uint8Array;

  /** The shared state of a run's input: `bytes` given up front, or (undefined) the process's standard input. */
  static create(bytes?: Uint8Array | string): SharedArrayBuffer {
    const given = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    const buffer = new SharedArrayBuffer(DATA + (given ? given.length : CHUNK));
    const words = new Int32Array(buffer, 0, 4);
    if (given) {
      new Uint8Array(buffer, DATA).set(given);
      words[END] = given.length;
      words[AT_END] = 1;
    }
    return buffer;
  }

  constructor(buffer: SharedArrayBuffer, private readonly fd = 0) {
    this.words = new Int32Array(buffer, 0, 4);
    this.data = new Uint8Array(buffer, DATA);
  }

  /** The next byte (0 to 255), or -1 at the end of the input. `outside` wraps any wait: for the lock, or for the file. */
  readByte(outside: Outside): number {
    const w = this.words;
    if (Atomics.compareExchange(w, LOCK, 0, 1) === 0) {
      const start = w[START] as number;
      if (start < (w[END] as number)) {
        w[START] = start + 1;
        const b = this.data[start] as number;
        this.unlock();
        return b;
      }
      if (w[AT_END] === 1) {
        this.unlock();
        return -1;
      }
      this.unlock();
    }
    let b = -1;
    outside(() => {
      this.lock();
      try {
        b = this.take();
      } finally {
        this.unlock();
      }
    });
    return b;
  }

  /** Under the lock: the next byte, reading a chunk first when none is buffered. */
  private take(): number {
    const w = this.words;
    while ((w[START] as number) >= (w[END] as number)) {
      if (w[AT_END] === 1) return -1;
      const n = this.read();
      if (n === 0) w[AT_END] = 1;
      w[START] = 0;
      w[END] = n;
    }
    const start = w[START] as number;
    w[START] = start + 1;
    return this.data[start] as number;
  }

  private read(): number {
    for (;;) {
      try {
        return readSync(this.fd, this.data, 0, Math.min(CHUNK, this.data.length), null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // A non-blocking descriptor with nothing yet: wait a little and ask again.
        if (code === 'EAGAIN') Atomics.wait(this.words, AT_END, 0, 1);
        // No standard input at all (closed), or the end on a platform that says so with an error.
        else if (code === 'EBADF' || code === 'EOF') return 0;
        else throw e;
      }
    }
  }

  private lock(): void {
    const w = this.words;
    while (Atomics.compareExchange(w, LOCK, 0, 1) !== 0) Atomics.wait(w, LOCK, 1, 5);
  }

  private unlock(): void {
    Atomics.store(this.words, LOCK, 0);
    Atomics.notify(this.words, LOCK, 1);
  }
}
