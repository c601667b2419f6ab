//! The entry point of a threaded session's optimizing compiler worker
//! (`compiler-thread.ts`): applies the loads logged so far, then compiles
//! what the program threads ask for, in the order the requests arrive;
//! answers the session's requests for its figures, and posts its trace
//! events as they come.

import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { CompilerThread, type CompilerReply, type CompilerStart, type OptimizeRequest } from './compiler-thread.js';

const port = parentPort;
if (!port) throw new Error('session/compiler-worker.js runs only as a worker thread');
const start = workerData as CompilerStart & { readonly requests: readonly MessagePort[] };
const send = (reply: CompilerReply): void => port.postMessage(reply);
const compiler = new CompilerThread(start, (events) => send({ kind: 'trace', events }));
compiler.catchUp();
for (const requests of start.requests) requests.on('message', (request: OptimizeRequest) => compiler.compile(request));
port.on('message', () => {
  // The figures count every request made before the question (the trace has their compiles too).
  for (const requests of start.requests) {
    for (let m = receiveMessageOnPort(requests); m; m = receiveMessageOnPort(requests)) compiler.compile(m.message as OptimizeRequest);
  }
  send({ kind: 'stats', stats: compiler.stats() });
});
