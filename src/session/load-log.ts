//! The load log: every module loaded into a threaded session, in load order,
//! in a SharedArrayBuffer that all threads read. Each thread keeps its own
//! copy of the program tables; replaying the log in order gives every copy
//! the same classes, functions and ids (checking is deterministic), so the
//! log is the one source of truth for what code exists. Entry i is epoch i+1.

import type { Module } from '../frontend/ast.js';

/** A logged module: its syntax tree, its text when it had one (for diagnostics), and the first of the code ids its load took. */
export interface LoggedModule {
  readonly module: Module;
  readonly source: string | null;
  readonly firstCodeId: number;
}

const HEADER_BYTES = 64 * 1024;
/** Offsets of the entries, after the count and the end of the used space. */
const MAX_ENTRIES = HEADER_BYTES / 4 - 2;

export class LoadLog {
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.bytes = new Uint8Array(buffer);
  }

  static create(byteLength = 32 << 20): LoadLog {
    const log = new LoadLog(new SharedArrayBuffer(byteLength));
    Atomics.store(log.words, 1, HEADER_BYTES);
    return log;
  }

  get length(): number {
    return Atomics.load(this.words, 0);
  }

  /** Appends an entry; the caller holds the load lock. Returns false when the log is full. */
  append(entry: LoggedModule): boolean {
    const n = this.length;
    const text = new TextEncoder().encode(JSON.stringify(entry, (_key, v: unknown) => (typeof v === 'bigint' ? { bigint: v.toString() } : v)));
    const start = Atomics.load(this.words, 1);
    const end = start + 4 + text.length;
    if (n >= MAX_ENTRIES || end > this.bytes.length) return false;
    new DataView(this.buffer).setInt32(start, text.length, true);
    this.bytes.set(text, start + 4);
    Atomics.store(this.words, 2 + n, start);
    Atomics.store(this.words, 1, (end + 3) & ~3);
    Atomics.store(this.words, 0, n + 1);
    return true;
  }

  entry(i: number): LoggedModule {
    const start = Atomics.load(this.words, 2 + i);
    const length = new DataView(this.buffer).getInt32(start, true);
    // Copied out: TextDecoder does not read shared memory.
    const text = new TextDecoder().decode(this.bytes.slice(start + 4, start + 4 + length));
    return JSON.parse(text, (_key, v: unknown) => (isBigint(v) ? BigInt(v.bigint) : v)) as LoggedModule;
  }
}

function isBigint(v: unknown): v is { bigint: string } {
  return typeof v === 'object' && v !== null && typeof (v as { bigint?: unknown }).bigint === 'string' && Object.keys(v).length === 1;
}
