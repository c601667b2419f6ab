//! Trace events of one thread, in Chrome's Trace Event Format (the JSON that
//! Perfetto and chrome://tracing open): durations as begin/end pairs (`B`,
//! `E`), instants (`i`), and the metadata that names the thread's track.
//! Timestamps are microseconds on one clock for every thread of the process
//! (`clock.ts`), counted from the trace's origin.
//!
//! A thread's events are buffered and handed to its sink in batches (a
//! worker posts them to the main thread, which writes the file:
//! `session/trace-file.ts`): at most MAX_BATCH events or FLUSH_US of time
//! wait, so memory stays bounded. Tracing off is no tracer at all: callers
//! hold `Tracer | null` and write `trace?.instant(...)`, whose arguments are
//! not even evaluated then.
//!
//! It does not write files, nor know what the events mean.

import { nowMs } from './clock.js';

export type TraceValue = string | number | boolean | null | readonly (string | number)[];
export type TraceArgs = Readonly<Record<string, TraceValue>>;

/** One event as the format has it; `s: 't'` scopes an instant to its thread. */
export interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: 'B' | 'E' | 'i' | 'M';
  readonly ts: number;
  readonly pid: number;
  readonly tid: number;
  readonly args: TraceArgs;
  readonly s?: 't';
}

/** The trace's one process. */
export const TRACE_PID = 1;
/** The track of the main thread; Rejit thread N is track N + 1. */
export const MAIN_TRACK = 0;

/** What a thread needs to trace into a trace whose clock starts at `origin` (`traceClock`). */
export interface TraceStart {
  readonly origin: number;
}

const MAX_BATCH = 256;
const FLUSH_US = 100_000;

/** Microseconds on the clock that every thread of the process shares. */
export function traceClock(): number {
  return nowMs() * 1000;
}

/** The track of Rejit thread `threadId` (the compiler thread has an id of its own, above the program threads'). */
export function trackOf(threadId: number): number {
  return threadId + 1;
}

export class Tracer {
  private batch: TraceEvent[] = [];
  private flushedAt: number;

  constructor(
    readonly tid: number,
    threadName: string,
    /** The trace's origin on `traceClock`. */
    private readonly origin: number,
    /** Takes each batch of events, in order. */
    private readonly sink: (events: TraceEvent[]) => void,
  ) {
    this.flushedAt = this.now();
    this.push({ name: 'thread_name', cat: '__metadata', ph: 'M', ts: 0, pid: TRACE_PID, tid, args: { name: threadName } });
    this.push({ name: 'thread_sort_index', cat: '__metadata', ph: 'M', ts: 0, pid: TRACE_PID, tid, args: { sort_index: tid } });
  }

  /** Microseconds since the trace's origin. */
  now(): number {
    return traceClock() - this.origin;
  }

  /** Starts a duration; the matching `end` must come on this thread, however the work ends (try/finally). */
  begin(cat: string, name: string, args: TraceArgs = {}): void {
    this.event(cat, name, 'B', args);
  }

  /** Ends the latest duration `name`; its args join the begin's. */
  end(cat: string, name: string, args: TraceArgs = {}): void {
    this.event(cat, name, 'E', args);
  }

  instant(cat: string, name: string, args: TraceArgs): void {
    this.push({ name, cat, ph: 'i', ts: this.now(), pid: TRACE_PID, tid: this.tid, args, s: 't' });
  }

  /**
   * Reclamation of a code version that nothing can run any more (its
   * module's memory freed): for the code lifetime to call.
   */
  reclaimed(fn: string, version: number, bytes: number): void {
    this.instant('code', 'reclaim', { function: fn, version, bytes });
  }

  /** Hands the buffered events to the sink. */
  flush(): void {
    if (this.batch.length === 0) return;
    const events = this.batch;
    this.batch = [];
    this.flushedAt = this.now();
    this.sink(events);
  }

  private event(cat: string, name: string, ph: 'B' | 'E', args: TraceArgs): void {
    this.push({ name, cat, ph, ts: this.now(), pid: TRACE_PID, tid: this.tid, args });
  }

  private push(e: TraceEvent): void {
    this.batch.push(e);
    if (this.batch.length >= MAX_BATCH || e.ts - this.flushedAt >= FLUSH_US) this.flush();
  }
}
