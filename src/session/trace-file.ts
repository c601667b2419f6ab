//! The trace file (`rejit run --trace`, the sessions' `trace` option): the
//! JSON object form of the Trace Event Format, `{"traceEvents":[...]}`,
//! written as the events arrive from every thread's tracer
//! (`core/trace.ts`), so memory stays bounded however long the run.
//!
//! It opens the file when it is made, so that a path that cannot be written
//! fails before anything runs. Every way a run ends leaves a valid file:
//! `close` ends the durations still open on each track (a thread stopped or
//! terminated in the middle of a compile or a load) and writes the closing
//! `]}`, and it runs at process exit if nobody called it. Timestamps of a
//! track never go backwards in the file (events the main thread adds for a
//! track come after that track's last).

import { closeSync, openSync, writeSync } from 'node:fs';
import { MAIN_TRACK, TRACE_PID, Tracer, traceClock, type TraceEvent } from '../core/trace.js';

/** A `--trace` path that cannot be written. */
export class TraceFileError extends Error {}

export class TraceFile {
  /** The zero of the trace's timestamps, on `traceClock`. */
  readonly origin = traceClock();
  private fd: number;
  private first = true;
  /** Durations open on each track: their names, innermost last. */
  private readonly open = new Map<number, { readonly cat: string; readonly name: string }[]>();
  private readonly lastTs = new Map<number, number>();
  private readonly atExit = (): void => this.close();

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'w');
    } catch (e) {
      throw new TraceFileError(`cannot write the trace file '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    writeSync(this.fd, '{"displayTimeUnit":"ms","traceEvents":[\n');
    process.on('exit', this.atExit);
    this.write([{ name: 'process_name', cat: '__metadata', ph: 'M', ts: 0, pid: TRACE_PID, tid: MAIN_TRACK, args: { name: 'rejit' } }]);
  }

  get closed(): boolean {
    return this.fd < 0;
  }

  /** A tracer for track `tid` whose events come straight here (a thread that runs on the main thread). */
  tracer(tid: number, threadName: string): Tracer {
    return new Tracer(tid, threadName, this.origin, (events) => this.write(events));
  }

  /** The main thread's tracer. */
  mainTracer(): Tracer {
    return this.tracer(MAIN_TRACK, 'main');
  }

  /** Appends a batch of one thread's events, in their order. */
  write(events: readonly TraceEvent[]): void {
    if (this.closed || events.length === 0) return;
    const parts: string[] = [];
    for (const e of events) parts.push(this.line(e));
    writeSync(this.fd, parts.join(''));
  }

  /** Ends every open duration and the JSON; later events are dropped. */
  close(): void {
    if (this.closed) return;
    process.off('exit', this.atExit);
    const parts: string[] = [];
    const now = traceClock() - this.origin;
    for (const [tid, spans] of this.open) {
      // Innermost first; each end leaves `spans`.
      for (const span of [...spans].reverse()) parts.push(this.line({ ...span, ph: 'E', ts: now, pid: TRACE_PID, tid, args: { unfinished: true } }));
    }
    parts.push('\n]}\n');
    writeSync(this.fd, parts.join(''));
    closeSync(this.fd);
    this.fd = -1;
  }

  private line(e: TraceEvent): string {
    const last = this.lastTs.get(e.tid) ?? 0;
    const event = e.ts < last ? { ...e, ts: last } : e;
    if (event.ph !== 'M') this.lastTs.set(e.tid, event.ts);
    if (e.ph === 'B') {
      const spans = this.open.get(e.tid) ?? [];
      this.open.set(e.tid, spans);
      spans.push({ cat: e.cat, name: e.name });
    } else if (e.ph === 'E') {
      this.open.get(e.tid)?.pop();
    }
    const text = `${this.first ? '' : ',\n'}${JSON.stringify(event)}`;
    this.first = false;
    return text;
  }
}
