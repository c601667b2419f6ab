import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeChannels, createThreadPorts } from '../../src/core/code-channels.js';
import { SharedCode } from '../../src/core/code-sharing.js';
import { createMemory } from '../../src/core/heap.js';

/** Two threads' views of code sharing, driven from one thread in turn. */
function pair() {
  const memory = createMemory();
  const ports = createThreadPorts(2);
  const make = (i: number) => new SharedCode(memory.buffer, new CodeChannels(ports[i]!), (wait) => wait(), () => {});
  const result = { a: make(0), b: make(1), close: () => ports.flatMap((p) => [...p.inbox, ...p.outbox]).forEach((p) => p?.close()) };
  return result;
}

test('the first thread to need a code version compiles it; the other receives it', () => {
  const { a, b, close } = pair();
  assert.equal(a.acquire(7), null, 'thread 0 claims code 7');
  const module = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  a.publish(7, { module, positions: new Map([[12, 'x']]) });
  const got = b.acquire(7) as { module: WebAssembly.Module; positions: Map<number, string> };
  assert.ok(got.module instanceof WebAssembly.Module);
  assert.equal(got.positions.get(12), 'x');
  close();
});

test('an abandoned claim lets another thread compile', () => {
  const { a, b, close } = pair();
  assert.equal(a.acquire(3), null);
  a.abandon(3);
  assert.equal(b.acquire(3), null, 'thread 1 claims code 3 after thread 0 gave it up');
  b.publish(3, 'code three');
  assert.equal(a.acquire(3), 'code three');
  close();
});
