//! The entry point of a threaded session's compiler worker
//! (`compiler-thread.ts`): compiles what the program threads ask for,
//! baseline code before optimized code (a thread waiting for baseline code
//! runs in the interpreter), each kind in the order the requests arrive;
//! answers the session's requests for its figures, and posts its trace
//! events as they come.

import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { CompilerThread, type CompileRequest, type CompilerReply, type CompilerStart } from './compiler-thread.js';

const port = parentPort;
if (!port) throw new Error('session/compiler-worker.js runs only as a worker thread');
const start = workerData as CompilerStart & { readonly requests: readonly MessagePort[] };
const send = (reply: CompilerReply): void => port.postMessage(reply);
const compiler = new CompilerThread(start, (events) => send({ kind: 'trace', events }));

const baseline: CompileRequest[] = [];
const optimized: CompileRequest[] = [];
const queue = (request: CompileRequest): void => void (request.kind === 'baseline' ? baseline : optimized).push(request);
/** Takes every request that has arrived on any port. */
const receive = (): void => {
  for (const requests of start.requests) {
    for (let m = receiveMessageOnPort(requests); m; m = receiveMessageOnPort(requests)) queue(m.message as CompileRequest);
  }
};
/** Compiles until no request is left, looking for new ones after each compile. */
const drain = (): void => {
  receive();
  for (let next = baseline.shift() ?? optimized.shift(); next; next = baseline.shift() ?? optimized.shift()) {
    compiler.compile(next);
    receive();
  }
};

for (const requests of start.requests) {
  requests.on('message', (request: CompileRequest) => {
    queue(request);
    drain();
  });
}
port.on('message', () => {
  // The figures count every request made before the question (the trace has their compiles too).
  drain();
  send({ kind: 'stats', stats: compiler.stats() });
});
