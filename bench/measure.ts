//! Timing a whole process (start-up included: for a JIT, compiling is part of the cost), and
//! the statistics the report uses.

import { spawnSync } from 'node:child_process';

export interface Measurement {
  readonly seconds: number;
  readonly output: string;
  /** Why the run does not count (non-zero exit, signal, timeout), or null. */
  readonly failure: string | null;
}

export function timeProcess(command: string, args: readonly string[], timeoutSeconds: number): Measurement {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: timeoutSeconds * 1000 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const output = r.stdout ?? '';
  if (r.error) return { seconds, output, failure: (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `timed out after ${timeoutSeconds} s` : r.error.message };
  if (r.status !== 0) {
    const firstLine = (r.stderr ?? '').trim().split('\n')[0] || output.trim().split('\n').pop() || '';
    return { seconds, output, failure: `${r.signal ? `signal ${r.signal}` : `exit ${r.status}`}: ${firstLine}` };
  }
  return { seconds, output, failure: null };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The geometric mean, or null for no values. */
export function geometricMean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : Math.exp(xs.reduce((sum, x) => sum + Math.log(x), 0) / xs.length);
}
