//! Runs one generated program at every tier and compares the whole outcome:
//! the printed lines, then `main`'s result or the trap as formatted (message,
//! position and Rejit stack). Shared by `tiers.test.ts` and `tiers-fuzz.ts`.

import { Session, type SessionOptions } from '../../src/session/session.js';
import { Trap } from '../../src/core/trap.js';
import { CompileError } from '../../src/frontend/diagnostic.js';
import { generateProgram } from './program-generator.js';
import { TEST_CONFIGS } from '../../src/tiering/tiers.js';

/** Every tier's test configurations (`src/tiering/tiers.ts`); the first, the interpreter, is the reference. */
export const TIERS: readonly { readonly name: string; readonly options: SessionOptions }[] = TEST_CONFIGS.map((c) => ({
  name: c.label,
  options: { tier: c.tier, tierUp: c.tierUp, compile: c.compile },
}));

export const FILE_NAME = 'fuzz.rj';

/** What a run shows: its lines, then `result: N`, `trap: ...` (the formatted trap) or `error: ...` (a JavaScript error). */
export function runAt(source: string, options: SessionOptions): string[] {
  const lines: string[] = [];
  const session = new Session({ ...options, print: (line) => lines.push(line) });
  session.load(source, FILE_NAME);
  try {
    lines.push(`result: ${String(session.call('main'))}`);
  } catch (e) {
    lines.push(e instanceof Trap ? `trap: ${e.format()}` : `error: ${e instanceof Error ? e.stack : String(e)}`);
  }
  return lines;
}

export interface SeedReport {
  readonly seed: number;
  readonly source: string;
  /** Null when every tier agrees with the interpreter. */
  readonly divergence: string | null;
  /** The interpreter's outcome: the last line (result or trap). */
  readonly ending: string;
}

/** Generates the program of `seed`, runs it at every tier and describes the first difference from the interpreter. */
export function checkSeed(seed: number): SeedReport {
  const source = generateProgram(seed);
  try {
    const [reference, ...others] = TIERS.map((t) => runAt(source, t.options));
    const expected = reference as string[];
    const ending = (expected[expected.length - 1] as string).split('\n')[0] as string;
    for (const [i, actual] of others.entries()) {
      const at = firstDifference(expected, actual);
      if (at >= 0) {
        const show = (lines: string[]): string => lines.slice(Math.max(0, at - 2), at + 3).join('\n');
        const tier = TIERS[i + 1]?.name;
        return { seed, source, ending, divergence: `${tier} differs from interp at line ${at + 1}:\n--- interp\n${show(expected)}\n--- ${tier}\n${show(actual)}` };
      }
    }
    return { seed, source, ending, divergence: null };
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    // A program that does not check is the generator's bug, not a tier's.
    return { seed, source, ending: 'compile error', divergence: `generated program does not check:\n${e.format()}` };
  }
}

function firstDifference(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** A failure as reported: the seed, the program with line numbers, and the difference. */
export function describe(report: SeedReport): string {
  const numbered = report.source.trimEnd().split('\n').map((line, i) => `${String(i + 1).padStart(4)}  ${line}`).join('\n');
  return `seed ${report.seed}: ${report.divergence}\n--- program (seed ${report.seed})\n${numbered}`;
}
