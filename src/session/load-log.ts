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
//! ±Infinity, NaN, -0). Each entry also keeps the code ids its load took.
//!
//! Compaction: an entry that only redefines functions, each of which a later
//! entry redefines again, changes nothing that a reader who has not applied
//! it yet needs (no name, id or class comes from it, and the later entries
//! check the same without it), so the appender drops such entries once the
//! log has doubled since it last compacted: it moves the live entries down in
//! place, under a sequence word that is odd meanwhile, and readers copy an
//! entry out and check that the sequence did not change (a seqlock). Entries
//! keep their numbers; a reader asks for the first entry at or after the one
//! it needs (`next`), and a thread that starts late replays only the live ones.

import type { Module } from '../frontend/ast.js';
import type { ModuleDelta } from '../frontend/check-module.js';
import { parseModule } from '../frontend/parser.js';

/** A logged module: its syntax tree, its text when it had one (for diagnostics), and the code ids its load took. */
export interface LoggedModule {
  readonly module: Module;
  readonly source: string | null;
  /** Whether `module` is what parsing `source` gives: then the log keeps only the text. */
  readonly parsed: boolean;
  readonly codeIds: readonly number[];
  /** The function ids the module redefines when that is all it does (then a later load can make it dead), else null. */
  readonly redefines?: readonly number[] | null;
  /**
   * What checking it gave the loader, for the other reader on the loader's
   * thread (see `LoadLog.appended`), which commits it rather than checking
   * the module again. Never in the buffer: a reader on another thread
   * checks the module itself.
   */
  readonly checked?: CheckedModule;
}

/**
 * A module's check, made against a program with `classes`, `functions` and
 * `globals` table entries: a reader whose program is the same (replaying the
 * log in order, it is) may commit `delta`. Its function records are the
 * reader's own, which redefinitions change: the loader commits others.
 */
export interface CheckedModule {
  readonly delta: ModuleDelta;
  readonly classes: number;
  readonly functions: number;
  readonly globals: number;
}

/** Words 0 to 4: the number of entries, the end of the used bytes, the compaction sequence, the end after the last compaction, and the bytes below which the log does not compact. */
const HEADER_BYTES = 20;
const COUNT = 0;
const END = 1;
const SEQUENCE = 2;
const COMPACTED_END = 3;
const COMPACT_FROM = 4;
/** Each entry: its text's byte length, its encoding, its number, how many functions it only redefines (-1: it adds something), their ids, then the text (padded to 4). */
const ENTRY_HEADER = 16;
const SOURCE = 1;
const TREE = 2;
const INITIAL_BYTES = 1 << 20;
/** The log compacts once it uses at least this much and twice what it used after the last compaction. */
export const COMPACT_AFTER = 1 << 16;
/** Address space reserved for growth; only the used part is committed. */
const MAX_BYTES = 2 ** 31;

/** Node 20 has growable SharedArrayBuffers; TypeScript's ES2022 library does not describe them. */
interface GrowableBuffer extends SharedArrayBuffer {
  grow(byteLength: number): void;
}
const GrowableBuffer = SharedArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => GrowableBuffer;

/** An entry as stored: where it starts and ends, its number and the functions it only redefines. */
interface Stored {
  readonly start: number;
  readonly end: number;
  readonly index: number;
  readonly redefines: readonly number[] | null;
}

/** A reader's copy of the log changed under it (a compaction ran): read again. */
class Moved extends Error {}

export class LoadLog {
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;
  /** Where the first entry numbered `cursorIndex` or later starts, as of compaction `cursorSequence`. */
  private cursorIndex = 0;
  private cursorOffset = HEADER_BYTES;
  private cursorSequence = 0;
  /**
   * The entries appended through this object, as given, when it has a second
   * reader on the same thread (the host of a run on the main thread,
   * `ThreadedSession.runHere`, and that run's thread): the other reader
   * takes each as it is rather than decoding and parsing it again, once, and
   * it is dropped then (or by a compaction). Held any longer, every load's
   * syntax tree would outlive the young generation and die in the old one.
   */
  private readonly appended = new Map<number, LoggedModule>();
  /** The compaction sequence when `appended` was last pruned. */
  private prunedAt = 0;

  /** `sharedOnThread`: whether two readers on this thread use this object (see `appended`). */
  constructor(
    readonly buffer: SharedArrayBuffer,
    private readonly sharedOnThread = false,
  ) {
    this.words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    // Length-tracking: follows the buffer as it grows.
    this.bytes = new Uint8Array(buffer);
  }

  /** `compactFrom`: the bytes below which the log does not compact (small for stress testing: `CompileOptions.reclaimAlways`). */
  static create(byteLength = INITIAL_BYTES, compactFrom = COMPACT_AFTER): LoadLog {
    const log = new LoadLog(new GrowableBuffer(byteLength, { maxByteLength: MAX_BYTES }), true);
    Atomics.store(log.words, END, HEADER_BYTES);
    Atomics.store(log.words, COMPACTED_END, HEADER_BYTES);
    Atomics.store(log.words, COMPACT_FROM, compactFrom);
    return log;
  }

  get length(): number {
    return Atomics.load(this.words, COUNT);
  }

  /** Bytes the stored entries take (after compaction, only the live ones). */
  get usedBytes(): number {
    return Atomics.load(this.words, END);
  }

  /** Appends an entry; the caller holds the load lock. Returns false when even the largest log cannot hold it. */
  append(entry: LoggedModule): boolean {
    this.dropCompacted();
    const n = this.length;
    const [kind, text] = encode(entry);
    const redefines = entry.redefines ?? null;
    if (Atomics.load(this.words, END) >= Math.max(Atomics.load(this.words, COMPACT_FROM), 2 * Atomics.load(this.words, COMPACTED_END))) this.compact();
    const start = Atomics.load(this.words, END);
    const headerBytes = ENTRY_HEADER + 4 * (redefines?.length ?? 0);
    const end = start + headerBytes + text.length;
    if (end > MAX_BYTES - 4) return false;
    if (end > this.buffer.byteLength) (this.buffer as GrowableBuffer).grow(Math.min(MAX_BYTES, Math.max(end + 4, 2 * this.buffer.byteLength)));
    const view = new DataView(this.buffer);
    view.setInt32(start, text.length, true);
    view.setInt32(start + 4, kind, true);
    view.setInt32(start + 8, n, true);
    view.setInt32(start + 12, redefines === null ? -1 : redefines.length, true);
    redefines?.forEach((fn, i) => view.setInt32(start + ENTRY_HEADER + 4 * i, fn, true));
    this.bytes.set(text, start + headerBytes);
    Atomics.store(this.words, END, (end + 3) & ~3);
    Atomics.store(this.words, COUNT, n + 1);
    if (this.sharedOnThread) this.appended.set(n, entry);
    return true;
  }

  /** Entry `i`, which must not have been compacted away. */
  entry(i: number): LoggedModule {
    const found = this.next(i);
    if (found?.index !== i) throw new Error(`load log entry ${i} was compacted away`);
    return found.entry;
  }

  /** The first live entry numbered `from` or later, with its number; null when there is none. */
  next(from: number): { readonly index: number; readonly entry: LoggedModule } | null {
    for (;;) {
      const sequence = Atomics.load(this.words, SEQUENCE);
      if ((sequence & 1) !== 0) {
        Atomics.wait(this.words, SEQUENCE, sequence, 1);
        continue;
      }
      try {
        const found = this.find(from, sequence);
        if (found === null) return null;
        const own = this.appended.get(found.index);
        this.appended.delete(found.index);
        return { index: found.index, entry: own ?? this.decodeAt(found, sequence) };
      } catch (e) {
        if (!(e instanceof Moved)) throw e;
      }
    }
  }

  /** Every live entry numbered from `from` up to `to`, with its number. */
  *entries(from: number, to: number): Generator<{ readonly index: number; readonly entry: LoggedModule }> {
    for (let next = this.next(from); next !== null && next.index < to; next = this.next(next.index + 1)) yield next;
  }

  /** Where the first entry numbered `from` or later is stored, read under compaction `sequence`. */
  private find(from: number, sequence: number): Stored | null {
    if (from >= this.length) return null;
    if (sequence !== this.cursorSequence || from < this.cursorIndex) {
      this.cursorSequence = sequence;
      this.cursorIndex = 0;
      this.cursorOffset = HEADER_BYTES;
    }
    const end = Atomics.load(this.words, END);
    for (;;) {
      if (this.cursorOffset >= end) {
        this.checkSequence(sequence);
        return null;
      }
      const stored = this.storedAt(this.cursorOffset, end);
      this.checkSequence(sequence);
      if (stored.index >= from) {
        this.cursorIndex = stored.index;
        return stored;
      }
      this.cursorOffset = stored.end;
      this.cursorIndex = stored.index + 1;
    }
  }

  /** The entry stored at `start`; throws `Moved` on what a compaction running meanwhile may have left half written. */
  private storedAt(start: number, end: number): Stored {
    const view = new DataView(this.buffer);
    const length = view.getInt32(start, true);
    const count = view.getInt32(start + 12, true);
    const headerBytes = ENTRY_HEADER + 4 * Math.max(0, count);
    const next = (start + headerBytes + length + 3) & ~3;
    if (length < 0 || count < -1 || next > end) throw new Moved();
    const redefines = count < 0 ? null : Array.from({ length: count }, (_, i) => view.getInt32(start + ENTRY_HEADER + 4 * i, true));
    return { start, end: next, index: view.getInt32(start + 8, true), redefines };
  }

  private checkSequence(sequence: number): void {
    if (Atomics.load(this.words, SEQUENCE) !== sequence) throw new Moved();
  }

  private decodeAt(stored: Stored, sequence: number): LoggedModule {
    const view = new DataView(this.buffer);
    const length = view.getInt32(stored.start, true);
    const kind = view.getInt32(stored.start + 4, true);
    const from = stored.start + ENTRY_HEADER + 4 * (stored.redefines?.length ?? 0);
    // Copied out: TextDecoder does not read shared memory.
    const bytes = this.bytes.slice(from, from + length);
    this.checkSequence(sequence);
    return { ...decode(kind, new TextDecoder().decode(bytes)), redefines: stored.redefines };
  }

  /**
   * Forgets the entries appended here that a compaction (on any thread) has
   * dropped since the last look. The caller holds the load lock, so no
   * compaction runs meanwhile.
   */
  private dropCompacted(): void {
    const sequence = Atomics.load(this.words, SEQUENCE);
    if (sequence === this.prunedAt || this.appended.size === 0) return;
    this.prunedAt = sequence;
    const end = Atomics.load(this.words, END);
    const live = new Set<number>();
    for (let at = HEADER_BYTES; at < end; ) {
      const stored = this.storedAt(at, end);
      live.add(stored.index);
      at = stored.end;
    }
    for (const index of this.appended.keys()) if (!live.has(index)) this.appended.delete(index);
  }

  /** Drops the dead entries (see the header); the caller holds the load lock, so nothing is appended meanwhile. */
  private compact(): void {
    const end = Atomics.load(this.words, END);
    const stored: Stored[] = [];
    for (let at = HEADER_BYTES; at < end; at = (stored[stored.length - 1] as Stored).end) stored.push(this.storedAt(at, end));
    const redefinedLater = new Set<number>();
    const live: Stored[] = [];
    for (let i = stored.length - 1; i >= 0; i--) {
      const e = stored[i] as Stored;
      if (e.redefines !== null && e.redefines.every((fn) => redefinedLater.has(fn))) {
        this.appended.delete(e.index);
        continue;
      }
      live.push(e);
      for (const fn of e.redefines ?? []) redefinedLater.add(fn);
    }
    live.reverse();
    const kept = new Uint8Array(live.reduce((n, e) => n + e.end - e.start, 0));
    let at = 0;
    for (const e of live) {
      kept.set(this.bytes.subarray(e.start, e.end), at);
      at += e.end - e.start;
    }
    const sequence = Atomics.add(this.words, SEQUENCE, 1) + 1;
    this.bytes.set(kept, HEADER_BYTES);
    Atomics.store(this.words, END, HEADER_BYTES + kept.length);
    Atomics.store(this.words, COMPACTED_END, HEADER_BYTES + kept.length);
    Atomics.store(this.words, SEQUENCE, sequence + 1);
    Atomics.notify(this.words, SEQUENCE);
  }
}

function encode(entry: LoggedModule): [number, Uint8Array] {
  const encoder = new TextEncoder();
  if (entry.parsed && entry.source !== null) return [SOURCE, encoder.encode(JSON.stringify([entry.module.fileName, entry.source, entry.codeIds]))];
  return [TREE, encoder.encode(JSON.stringify([entry.module, entry.source, entry.codeIds], replacer))];
}

function decode(kind: number, text: string): LoggedModule {
  if (kind === SOURCE) {
    const [fileName, source, codeIds] = JSON.parse(text) as [string, string, number[]];
    return { module: parseModule(source, fileName).module, source, parsed: true, codeIds };
  }
  const [module, source, codeIds] = JSON.parse(text, reviver) as [Module, string | null, number[]];
  return { module, source, parsed: false, codeIds };
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
