//! `rejit --host MODULE`: the names of the module's exported functions, for
//! checking `host fn` declarations on the main thread.
//!
//! The command line runs as a script compiled from V8's code cache
//! (bin/rejit), where `import()` has no loader; so a short-lived
//! worker imports the module and posts its names back. The functions
//! themselves are each program thread's own import (`session/worker.ts`):
//! a run with host functions never runs on the main thread.

import { workerThreads } from '../core/node-modules.js';
import { moduleUrl } from '../core/host-function.js';

const IMPORT_NAMES = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData).then(
  (m) => parentPort.postMessage({ names: Object.keys(m).filter((k) => typeof m[k] === 'function') }),
  (e) => parentPort.postMessage({ error: e instanceof Error ? e.message : String(e) }),
);
`;

/** The names of the functions `module` (a path or URL) exports; rejects with the reason when it cannot be imported. */
export async function hostFunctionNames(module: string): Promise<string[]> {
  const worker = new (workerThreads().Worker)(IMPORT_NAMES, { eval: true, workerData: moduleUrl(module) });
  try {
    const reply = await new Promise<{ names?: string[]; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (reply.error !== undefined) throw new Error(reply.error.split('\n')[0]);
    return reply.names ?? [];
  } finally {
    await worker.terminate();
  }
}
