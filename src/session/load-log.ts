//! The load log: every module loaded into a threaded session, in load order,
//! in a SharedArrayBuffer that all threads read. Each thread keeps its own
//! copy of the program tables; replaying the log in order gives every copy
//! the same classes, functions and ids (checking is deterministic), so the
//! log is the one source of truth for what code exists. Entry i is epoch i+1.
//!
//! The buffer is a growable SharedArrayBuffer: it grows (in place, so every
//! thread's views see the new length) as entries arrive, so any module that
//! checks can be logged. A module parsed from its text is logged as that text
//! and parsed again by each reader (the parse is deterministic, and the text
//! is a small fraction of its syntax tree); any other (built with the builder
//! API, or part of a text: `--watch` loads the changed items of a file) is
//! logged as its tree in JSON, with every number kept exactly (bigints,
//! ±Infinity, NaN, -0). Each entry also keeps the first code id its load took.

import type { Module } from '../frontend/ast.js';
import { parseModule } from '../frontend/parser.js';

/** A logged module: its syntax tree, its text when it had one (for diagnostics), and the first of the code ids its load took. */
export interface LoggedModule {
  readonly module: Module;
  readonly source: string | null;
  /** Whether `module` is what parsing `source` gives: then the log keeps only the text. */
  readonly parsed: boolean;
  readonly firstCodeId: number;
}

/** Words 0 and 1: the number of entries and the end of the used bytes. */
const HEADER_BYTES = 8;
/** Each entry: its byte length, its encoding, then the bytes (padded to 4). */
const ENTRY_HEADER = 8;
const SOURCE = 1;
const TREE = 2;
const INITIAL_BYTES = 1 << 20;
/** Address space reserved for growth; only the used part is committed. */
const MAX_BYTES = 2 ** 31;

/** Node 20 has growable SharedArrayBuffers; TypeScript's ES2022 library does not describe them. */
interface GrowableBuffer extends SharedArrayBuffer {
  grow(byteLength: number): void;
}
const GrowableBuffer = SharedArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => GrowableBuffer;

export class LoadLog {
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;
  /** Where entry `cursorIndex` starts: readers go through the log in order. */
  private cursorIndex = 0;
  private cursorOffset = HEADER_BYTES;
  /**
   * The entries appended through this object, as given: a reader on the
   * same thread (a one-thread run on the main thread, `ThreadedSession.runHere`)
   * takes them as they are rather than decoding and parsing them again.
   */
  private readonly appended = new Map<number, LoggedModule>();

  constructor(readonly buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    // Length-tracking: follows the buffer as it grows.
    this.bytes = new Uint8Array(buffer);
  }

  static create(byteLength = INITIAL_BYTES): LoadLog {
    const log = new LoadLog(new GrowableBuffer(byteLength, { maxByteLength: MAX_BYTES }));
    Atomics.store(log.words, 1, HEADER_BYTES);
    return log;
  }

  get length(): number {
    return Atomics.load(this.words, 0);
  }

  /** Appends an entry; the caller holds the load lock. Returns false when even the largest log cannot hold it. */
  append(entry: LoggedModule): boolean {
    const n = this.length;
    const [kind, text] = encode(entry);
    const start = Atomics.load(this.words, 1);
    const end = start + ENTRY_HEADER + text.length;
    if (end > MAX_BYTES - 4) return false;
    if (end > this.buffer.byteLength) (this.buffer as GrowableBuffer).grow(Math.min(MAX_BYTES, Math.max(end + 4, 2 * this.buffer.byteLength)));
    const view = new DataView(this.buffer);
    view.setInt32(start, text.length, true);
    view.setInt32(start + 4, kind, true);
    this.bytes.set(text, start + ENTRY_HEADER);
    Atomics.store(this.words, 1, (end + 3) & ~3);
    Atomics.store(this.words, 0, n + 1);
    this.appended.set(n, entry);
    return true;
  }

  entry(i: number): LoggedModule {
    const own = this.appended.get(i);
    if (own) return own;
    if (i < this.cursorIndex) {
      this.cursorIndex = 0;
      this.cursorOffset = HEADER_BYTES;
    }
    const view = new DataView(this.buffer);
    while (this.cursorIndex < i) {
      this.cursorOffset = (this.cursorOffset + ENTRY_HEADER + view.getInt32(this.cursorOffset, true) + 3) & ~3;
      this.cursorIndex++;
    }
    const start = this.cursorOffset;
    const length = view.getInt32(start, true);
    const kind = view.getInt32(start + 4, true);
    // Copied out: TextDecoder does not read shared memory.
    const text = new TextDecoder().decode(this.bytes.slice(start + ENTRY_HEADER, start + ENTRY_HEADER + length));
    return decode(kind, text);
  }
}

function encode(entry: LoggedModule): [number, Uint8Array] {
  const encoder = new TextEncoder();
  if (entry.parsed && entry.source !== null) return [SOURCE, encoder.encode(JSON.stringify([entry.module.fileName, entry.source, entry.firstCodeId]))];
  return [TREE, encoder.encode(JSON.stringify([entry.module, entry.source, entry.firstCodeId], replacer))];
}

function decode(kind: number, text: string): LoggedModule {
  if (kind === SOURCE) {
    const [fileName, source, firstCodeId] = JSON.parse(text) as [string, string, number];
    return { module: parseModule(source, fileName).module, source, parsed: true, firstCodeId };
  }
  const [module, source, firstCodeId] = JSON.parse(text, reviver) as [Module, string | null, number];
  return { module, source, parsed: false, firstCodeId };
}

/** Numbers JSON cannot hold exactly, as one-key objects. */
function replacer(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return { bigint: v.toString() };
  if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { number: Object.is(v, -0) ? '-0' : String(v) };
  return v;
}

function reviver(_key: string, v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Object.keys(v).length !== 1) return v;
  const { bigint, number } = v as { bigint?: unknown; number?: unknown };
  if (typeof bigint === 'string') return BigInt(bigint);
  if (typeof number === 'string') return number === '-0' ? -0 : Number(number);
  return v;
}
