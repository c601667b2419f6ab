//! A worker of the mutation fuzzer (`mutation-pool.ts`): checks each mutant
//! it is sent and, when it checks, runs its `main` at every tier of
//! TEST_CONFIGS in-process, one Session each. A run is stopped by the
//! runtime's own poll: before each run, the worker hands the run's memory to
//! the pool, which raises the poll request when the run's time is up; the
//! session's safepoint then stops it. A hang that no poll stops (in the
//! checker, or in code without polls) is the pool's to see.

import { parentPort } from 'node:worker_threads';
import { Session, InternalError, type ThreadHooks } from '../../src/session/session.js';
import { CompileError } from '../../src/frontend/diagnostic.js';
import { Trap } from '../../src/core/trap.js';
import { Stopped, StopReason } from '../../src/core/control.js';
import { UNSHARED } from '../../src/core/code-sharing.js';
import { createMemory } from '../../src/core/heap.js';
import { TEST_CONFIGS } from '../../src/tiering/tiers.js';

export interface MutantJob {
  readonly id: number;
  readonly source: string;
}

/** One tier's run: the first lines printed, how many there were, and how it ended. */
export interface TierRun {
  readonly label: string;
  readonly lines: readonly string[];
  readonly lineCount: number;
  /** `result: V`, `trap: ...` (formatted), `internal: ...`, `error: ...` (a JavaScript error, with its stack), or `timeout`. */
  readonly ending: string;
}

export type MutantOutcome =
  | { readonly stage: 'rejected'; readonly diagnostics: string }
  /** Checking threw something other than a CompileError. */
  | { readonly stage: 'check crashed'; readonly error: string }
  | { readonly stage: 'no main' }
  | { readonly stage: 'ran'; readonly runs: readonly TierRun[] };

export type MutantReply =
  | { readonly kind: 'run'; readonly id: number; readonly memory: WebAssembly.Memory }
  | { readonly kind: 'done'; readonly id: number; readonly outcome: MutantOutcome };

export const MUTANT_FILE = 'mutant.rj';
/** Lines kept of a run's output (the count is kept whole). */
const KEPT_LINES = 200;

/** A single thread whose polls stop the run: the pool raises the poll request only to stop it. */
const TIMED: ThreadHooks = {
  threadId: 0,
  threadCount: 1,
  code: UNSHARED,
  barrier: () => {},
  // A mutant's sleep changes nothing the tiers are compared on; it would only spend the time limit.
  sleep: () => {},
  safepoint: () => {
    throw new Stopped(StopReason.Timeout);
  },
  beginLoad: () => {},
  logLoad: () => {},
  publishLoad: () => {},
  endLoad: () => {},
};

const stack = (e: unknown): string => (e instanceof Error ? e.stack ?? e.message : String(e));

function runMutant(job: MutantJob, send: (reply: MutantReply) => void): MutantOutcome {
  const runs: TierRun[] = [];
  for (const config of TEST_CONFIGS) {
    const memory = createMemory();
    const lines: string[] = [];
    let lineCount = 0;
    const print = (line: string): void => {
      if (lineCount++ < KEPT_LINES) lines.push(line);
    };
    const session = new Session({ memory, tier: config.tier, tierUp: config.tierUp, compile: config.compile, print, thread: TIMED, input: '' });
    try {
      session.load(job.source, MUTANT_FILE);
    } catch (e) {
      if (e instanceof CompileError) return { stage: 'rejected', diagnostics: e.format() };
      return { stage: 'check crashed', error: stack(e) };
    }
    const main = session.functionInfo('main');
    if (!main || main.params.length > 0) return { stage: 'no main' };
    send({ kind: 'run', id: job.id, memory });
    let ending: string;
    try {
      ending = `result: ${String(session.call('main'))}`;
    } catch (e) {
      if (e instanceof Trap) ending = `trap: ${e.format()}`;
      else if (e instanceof Stopped) ending = 'timeout';
      else if (e instanceof InternalError) ending = `internal: ${e.format()}\n${stack(e.fault)}`;
      else ending = `error: ${stack(e)}`;
    }
    runs.push({ label: config.label, lines, lineCount, ending });
  }
  return { stage: 'ran', runs };
}

const port = parentPort;
if (port) {
  const send = (reply: MutantReply): void => port.postMessage(reply);
  port.on('message', (job: MutantJob) => send({ kind: 'done', id: job.id, outcome: runMutant(job, send) }));
}
