//! What the figures were measured on, recorded with every JSON report so that a result can be
//! compared with its own kind.

import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly gcc: string | null;
}

export function machineDescription(gcc: boolean): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    gcc: gcc ? (spawnSync('gcc', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? null) : null,
  };
}
