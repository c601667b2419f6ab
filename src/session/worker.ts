//! The entry point of each execution worker: builds its `Thread` and runs
//! what the threaded session asks, one request at a time.

import { parentPort, workerData } from 'node:worker_threads';
import { Thread, type ThreadStart } from './thread.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';
import { importHostModule } from '../core/host-function.js';

const port = parentPort;
if (!port) throw new Error('session/worker.js runs only as a worker thread');
const send = (reply: WorkerReply): void => port.postMessage(reply);
const start = workerData as ThreadStart;
const host = start.hostModule === undefined ? undefined : await importHostModule(start.hostModule);
const thread = new Thread(start, (lines) => send({ kind: 'print', lines }), undefined, (events) => send({ kind: 'trace', events }), host);

port.on('message', (request: WorkerRequest) => {
  const outcome = thread.run(request.name, request.args);
  const figures = thread.session.figures();
  send({ kind: 'done', id: request.id, outcome, stats: figures.opt, figures, code: thread.session.codeStats() });
});
send({ kind: 'ready' });
