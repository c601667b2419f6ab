//! Timing a whole process (start-up included: for a JIT, compiling is part of the cost), and
//! the statistics the report uses. Wall-clock time is the measure; the CPU time of the process
//! (user + system, all its threads, V8's compiler and GC threads included) is recorded beside it
//! because it stays meaningful when other work shares the machine.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measurement {
  readonly seconds: number;
  /** CPU seconds of the process, or null where the system does not tell (not Linux). */
  readonly cpuSeconds: number | null;
  readonly output: string;
  /** Why the run does not count (non-zero exit, signal, timeout), or null. */
  readonly failure: string | null;
}

/** Linux's clock ticks per second for /proc times (USER_HZ, 100 on every Linux ABI in use). */
const TICKS_PER_SECOND = 100;

/**
 * The CPU seconds used by this process's waited-for children (cutime + cstime of
 * /proc/self/stat): its growth over a `spawnSync` is that child's CPU time.
 */
function childrenCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the parenthesized command name start with field 3 (state); cutime and cstime are fields 16 and 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

export function timeProcess(command: string, args: readonly string[], timeoutSeconds: number): Measurement {
  const cpuBefore = childrenCpuSeconds();
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: timeoutSeconds * 1000 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuAfter = childrenCpuSeconds();
  const cpuSeconds = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  const output = r.stdout ?? '';
  if (r.error) return { seconds, cpuSeconds, output, failure: (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `timed out after ${timeoutSeconds} s` : r.error.message };
  if (r.status !== 0) {
    const firstLine = (r.stderr ?? '').trim().split('\n')[0] || output.trim().split('\n').pop() || '';
    return { seconds, cpuSeconds, output, failure: `${r.signal ? `signal ${r.signal}` : `exit ${r.status}`}: ${firstLine}` };
  }
  return { seconds, cpuSeconds, output, failure: null };
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
