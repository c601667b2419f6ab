//! The mutation fuzzer's driver: runs mutants (`mutation-mutate.ts`) on a
//! pool of workers (`mutation-worker.ts`) and judges each one. A mutant
//! fails when checking it crashes, when a tier ends with an internal error
//! or a JavaScript error, when a JavaScript stack shows in its output, when
//! a tier's run outlives its time and the poll that should stop it (a hang),
//! when its worker dies, or when two tiers that all finished disagree (the
//! lines and the ending compared as `run-tiers.ts` does; only the depth at
//! which a stack overflows may differ). A run that is stopped at its time
//! limit is not a failure: mutants often loop forever.

import { Worker } from 'node:worker_threads';
import { corpus, mutant, repositoryRoot, type Mutant } from './mutation-mutate.js';
import { POLL_REQUEST } from '../../src/core/layout.js';
import type { MutantJob, MutantOutcome, MutantReply, TierRun } from './mutation-worker.js';
import { TEST_CONFIGS } from '../../src/tiering/tiers.js';

export interface FuzzOptions {
  /** Mutants `start` .. `start + count - 1`. */
  readonly start: number;
  readonly count: number;
  readonly workers: number;
  /** How long one tier's run of a mutant may take before it is stopped (ms). */
  readonly runMs: number;
  /** Called after each mutant, in completion order. */
  readonly progress?: (done: number, failures: number) => void;
}

export interface Failure {
  readonly mutant: Mutant;
  readonly kind: string;
  readonly detail: string;
}

export interface FuzzReport {
  /** Mutants by how they ended: rejected, ran (all tiers agreed), timeout (some run was stopped), ... */
  readonly counts: ReadonlyMap<string, number>;
  readonly failures: readonly Failure[];
}

/** Beyond its time, a run has this long to reach a poll and stop, and checking this long, before the worker is killed. */
const HANG_GRACE_MS = 20_000;
const JS_STACK = /\bat .*(\.js|\.ts|node:[a-z_/]+):\d+|file:\/\//;

export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const root = repositoryRoot();
  const programs = corpus(root);
  const counts = new Map<string, number>();
  const failures: Failure[] = [];
  const count = (what: string): void => void counts.set(what, (counts.get(what) ?? 0) + 1);
  let next = options.start;
  const end = options.start + options.count;
  let done = 0;

  const lane = async (): Promise<void> => {
    let worker: Worker | null = null;
    try {
      while (next < end) {
        const m = mutant(next++, root, programs);
        // A thread of `rejit run` has 64 MiB of stack: room for MAX_FRAMES (`core/limits.ts`) at every tier.
        worker ??= new Worker(new URL('./mutation-worker.js', import.meta.url), { resourceLimits: { stackSizeMb: 64 } });
        const result = await runOne(worker, m, options.runMs);
        if (result.dead) {
          void worker.terminate();
          worker = null;
        }
        const verdict = judge(result.outcome, result.dead);
        count(verdict.kind);
        if (verdict.failure) failures.push({ mutant: m, kind: verdict.kind, detail: verdict.failure });
        options.progress?.(++done, failures.length);
      }
    } finally {
      await worker?.terminate();
    }
  };
  await Promise.all(Array.from({ length: options.workers }, lane));
  return { counts, failures };
}

interface JobResult {
  readonly outcome: MutantOutcome | null;
  /** Why the worker had to go: it hung or died. */
  readonly dead: string | null;
}

let nextJob = 1;

function runOne(worker: Worker, m: Mutant, runMs: number): Promise<JobResult> {
  const id = nextJob++;
  return new Promise((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const finish = (r: JobResult): void => {
      for (const t of timers) clearTimeout(t);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolve(r);
    };
    // Checking and the runs before the last poll: a worker that is silent this long hangs.
    let watchdog = setTimeout(() => finish({ outcome: null, dead: 'hang: no reply in time' }), runMs + HANG_GRACE_MS);
    timers.push(watchdog);
    const onMessage = (reply: MutantReply): void => {
      if (reply.id !== id) return;
      if (reply.kind === 'done') return finish({ outcome: reply.outcome, dead: null });
      const poll = new Int32Array(reply.memory.buffer, POLL_REQUEST, 1);
      timers.push(setTimeout(() => Atomics.store(poll, 0, 1), runMs));
      clearTimeout(watchdog);
      watchdog = setTimeout(() => finish({ outcome: null, dead: 'hang: a run outlived its time and the poll' }), runMs + HANG_GRACE_MS);
      timers.push(watchdog);
    };
    const onError = (e: Error): void => finish({ outcome: null, dead: `worker failed: ${e.stack ?? e.message}` });
    const onExit = (code: number): void => finish({ outcome: null, dead: `worker exited with code ${code}` });
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    const job: MutantJob = { id, source: m.source };
    worker.postMessage(job);
  });
}

/** A run's whole output, with the frame count of a stack overflow left out. */
function shown(run: TierRun): string {
  return [...run.lines, `(${run.lineCount} lines)`, run.ending.replace(/^ {2}\.\.\. \d+ more frames$/m, '  ... N more frames')].join('\n');
}

export function judge(outcome: MutantOutcome | null, dead: string | null): { kind: string; failure?: string } {
  if (outcome === null) return { kind: dead?.startsWith('hang') ? 'hang' : 'worker died', failure: dead ?? '' };
  switch (outcome.stage) {
    case 'rejected':
      return JS_STACK.test(outcome.diagnostics) ? { kind: 'JavaScript stack', failure: outcome.diagnostics } : { kind: 'rejected' };
    case 'check crashed': return { kind: 'check crashed', failure: outcome.error };
    case 'no main': return { kind: 'no main' };
    case 'ran': break;
  }
  const runs = outcome.runs;
  for (const r of runs) {
    const bad = /^(internal|error): /.exec(r.ending);
    if (bad) return { kind: bad[1] === 'internal' ? 'internal error' : 'JavaScript error', failure: `[${r.label}] ${r.ending}` };
    const text = shown(r);
    if (JS_STACK.test(text)) return { kind: 'JavaScript stack', failure: `[${r.label}]\n${text}` };
  }
  if (runs.some((r) => r.ending === 'timeout')) return { kind: 'timeout' };
  const [first, ...others] = runs as [TierRun, ...TierRun[]];
  for (const r of others) {
    if (shown(r) !== shown(first)) {
      return { kind: 'tier disagreement', failure: `--- ${first.label}\n${shown(first)}\n--- ${r.label}\n${shown(r)}` };
    }
  }
  return { kind: first.ending.startsWith('trap') ? 'ran: trapped' : 'ran: returned' };
}

/** A failure as reported: the mutant's number, origin and mutations, the failure, and the mutant's source. */
export function describeFailure(f: Failure): string {
  return `mutant ${f.mutant.number} (${f.mutant.origin}: ${f.mutant.mutations.join('; ')}): ${f.kind}\n${f.detail}`;
}

/** The tiers a mutant runs at, for reports. */
export const TIER_LABELS = TEST_CONFIGS.map((c) => c.label);
