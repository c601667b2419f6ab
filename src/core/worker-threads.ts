//! Node's worker_threads module, loaded at its first use rather than at
//! start-up: a one-thread run on the main thread (`rejit run`) starts no
//! worker and opens no channel, and loading the module (with the streams
//! it builds on) took 1.5-2.5 ms of the command's start-up.

import { createRequire } from 'node:module';

type WorkerThreads = typeof import('node:worker_threads');

let loaded: WorkerThreads | null = null;

export function workerThreads(): WorkerThreads {
  loaded ??= createRequire(import.meta.url)('node:worker_threads') as WorkerThreads;
  return loaded;
}
