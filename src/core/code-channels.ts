//! Direct message channels between every pair of worker threads, for posting
//! compiled `WebAssembly.Module`s: a Module cannot go through shared memory,
//! but it can be posted, and the receiver can pull it synchronously
//! (`receiveMessageOnPort`) in the middle of running code. A posted message
//! is in the receiver's queue when `postMessage` returns, so a thread that
//! publishes a module and then a flag in shared memory never has a reader
//! that sees the flag but not the module.

import type { MessagePort } from 'node:worker_threads';
import { workerThreads } from './node-modules.js';

/** What one thread holds: a port to send to each other thread, and one to receive from each. */
export interface ThreadPorts {
  /** `outbox[j]`: to thread j (undefined for the thread itself). */
  readonly outbox: readonly (MessagePort | undefined)[];
  readonly inbox: readonly (MessagePort | undefined)[];
}

/** Ports for `threads` threads: `result[i]` goes to thread i (transfer every port in it). */
export function createThreadPorts(threads: number): ThreadPorts[] {
  const outbox: (MessagePort | undefined)[][] = Array.from({ length: threads }, () => []);
  const inbox: (MessagePort | undefined)[][] = Array.from({ length: threads }, () => []);
  for (let from = 0; from < threads; from++) {
    for (let to = 0; to < threads; to++) {
      if (from === to) continue;
      const { port1, port2 } = new (workerThreads().MessageChannel)();
      (outbox[from] as (MessagePort | undefined)[])[to] = port1;
      (inbox[to] as (MessagePort | undefined)[])[from] = port2;
    }
  }
  return outbox.map((out, i) => ({ outbox: out, inbox: inbox[i] as (MessagePort | undefined)[] }));
}

export function portsOf(ports: ThreadPorts): MessagePort[] {
  return [...ports.outbox, ...ports.inbox].filter((p): p is MessagePort => p !== undefined);
}

/** A compiled code version on its way to the other threads (its module and what linking needs). */
export interface CodeMessage {
  readonly id: number;
  readonly code: unknown;
}

export class CodeChannels {
  constructor(private ports: ThreadPorts) {}

  /** Replaces the ports: every thread of `ports` is started after this one, so no message is on its way on the old ones. */
  connect(ports: ThreadPorts): void {
    this.ports = ports;
  }

  /** Posts `message` to every other thread. */
  broadcast(message: CodeMessage): void {
    for (const port of this.ports.outbox) port?.postMessage(message);
  }

  /** Every message that has arrived, pulled synchronously. */
  drain(): CodeMessage[] {
    const out: CodeMessage[] = [];
    for (const port of this.ports.inbox) {
      if (!port) continue;
      const { receiveMessageOnPort } = workerThreads();
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) out.push(m.message as CodeMessage);
    }
    return out;
  }
}
