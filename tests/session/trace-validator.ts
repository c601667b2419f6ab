//! Checks that a trace file is what Perfetto and chrome://tracing read: the
//! JSON object form of the Trace Event Format, every event with its name,
//! phase, timestamp, process, thread and args; every track named by a
//! metadata event; on each track, timestamps that never go backwards and
//! every begin ended by an end of the same name. Returns the events.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export interface Event {
  readonly name: string;
  readonly cat: string;
  readonly ph: string;
  readonly ts: number;
  readonly pid: number;
  readonly tid: number;
  readonly args: Record<string, unknown>;
}

export function validTrace(path: string): Event[] {
  const trace = JSON.parse(readFileSync(path, 'utf8')) as { traceEvents?: unknown };
  assert.ok(Array.isArray(trace.traceEvents), 'a traceEvents array');
  const events = trace.traceEvents as Event[];
  const named = new Set<number>();
  const last = new Map<number, number>();
  const open = new Map<number, string[]>();
  for (const e of events) {
    const where = JSON.stringify(e);
    assert.equal(typeof e.name, 'string', where);
    assert.ok(e.name.length > 0, where);
    assert.ok(['B', 'E', 'i', 'M'].includes(e.ph), where);
    assert.equal(typeof e.ts, 'number', where);
    assert.ok(Number.isInteger(e.pid) && Number.isInteger(e.tid), where);
    assert.equal(typeof e.args, 'object', where);
    assert.ok(e.args !== null, where);
    if (e.ph === 'M') {
      if (e.name === 'thread_name') {
        assert.equal(typeof e.args.name, 'string', where);
        named.add(e.tid);
      }
      continue;
    }
    assert.ok(e.ts >= (last.get(e.tid) ?? -Infinity), `timestamps go back on track ${e.tid}: ${where}`);
    last.set(e.tid, e.ts);
    const stack = open.get(e.tid) ?? [];
    open.set(e.tid, stack);
    if (e.ph === 'B') stack.push(e.name);
    if (e.ph === 'E') assert.equal(stack.pop(), e.name, `an end without its begin on track ${e.tid}: ${where}`);
  }
  for (const [tid, stack] of open) assert.deepEqual(stack, [], `durations left open on track ${tid}`);
  for (const tid of last.keys()) assert.ok(named.has(tid), `track ${tid} has a name`);
  return events;
}

/** The events named `name` of phase `ph` (begins for durations). */
export function eventsNamed(events: readonly Event[], name: string, ph = name === 'compile' || name === 'load' ? 'B' : 'i'): Event[] {
  return events.filter((e) => e.name === name && e.ph === ph);
}
