//! The entry point of each execution worker: builds its `Thread` and runs
//! what the threaded session asks, one request at a time.

import { parentPort, workerData } from 'node:worker_threads';
import { Thread, type ThreadStart } from './thread.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';
import { snapshotOf } from '../backend/opt-stats.js';

const port = parentPort;
if (!port) throw new Error('session/worker.js runs only as a worker thread');
const send = (reply: WorkerReply): void => port.postMessage(reply);
const thread = new Thread(workerData as ThreadStart, (lines) => send({ kind: 'print', lines }));

port.on('message', (request: WorkerRequest) => {
  const outcome = thread.run(request.name, request.args);
  send({ kind: 'done', id: request.id, outcome, stats: snapshotOf(thread.session.optStats()), code: thread.session.codeStats() });
});
send({ kind: 'ready' });
