//! The benchmark report: per program, the median time of each runner (Rejit tiers, `js`, `c`),
//! and the ratios of each tier to JavaScript and to C with their geometric means, as a text
//! table per suite, of wall-clock time or of CPU time (`measure.ts`).

import { geometricMean } from './measure.js';
import { formatTable } from './text-table.js';
import type { Sizes } from './program.js';

export interface RunnerResult {
  /** Median wall-clock seconds of the runs, or null when a run failed or did not match JavaScript's output. */
  readonly median: number | null;
  /** Median CPU seconds, null likewise or where the system does not tell. */
  readonly cpuMedian: number | null;
  readonly samples: readonly number[];
  readonly cpuSamples: readonly number[];
  readonly failure: string | null;
}

export type Metric = 'wall' | 'cpu';

function seconds(result: RunnerResult | undefined, metric: Metric): number | null {
  if (result === undefined) return null;
  return metric === 'wall' ? result.median : result.cpuMedian;
}

export interface Row {
  readonly suite: string;
  readonly program: string;
  readonly sizes: Sizes;
  /** By runner: each Rejit tier's name, `js`, `c`. */
  readonly results: Readonly<Record<string, RunnerResult>>;
}

export const BASELINES = ['js', 'c'] as const;

function ratio(row: Row, tier: string, base: string, metric: Metric): number | null {
  const a = seconds(row.results[tier], metric);
  const b = seconds(row.results[base], metric);
  return a === null || b === null ? null : a / b;
}

export interface SuiteSummary {
  readonly suite: string;
  readonly metric: Metric;
  /** `TIER/js` and `TIER/c` → geometric mean over the programs that have both times. */
  readonly geometricMeans: Readonly<Record<string, number | null>>;
}

export function summarize(rows: readonly Row[], tiers: readonly string[], metric: Metric): SuiteSummary[] {
  const suites = [...new Set(rows.map((r) => r.suite))];
  return suites.map((suite) => {
    const inSuite = rows.filter((r) => r.suite === suite);
    const geometricMeans: Record<string, number | null> = {};
    for (const base of BASELINES) {
      for (const tier of tiers) {
        const ratios = inSuite.map((r) => ratio(r, tier, base, metric)).filter((x): x is number => x !== null);
        geometricMeans[`${tier}/${base}`] = geometricMean(ratios);
      }
    }
    return { suite, metric, geometricMeans };
  });
}

export function formatTables(rows: readonly Row[], tiers: readonly string[], runs: number, metric: Metric): string {
  const secondsText = (x: number | null): string => (x === null ? '—' : x.toFixed(3));
  const times = (x: number | null): string => (x === null ? '—' : `${x.toFixed(2)}x`);
  const ratioNames = BASELINES.flatMap((base) => tiers.map((tier) => `${tier}/${base}`));
  const header = ['program', 'iterations', ...tiers.map((t) => `${t} s`), 'js s', 'c s', ...ratioNames];
  const tables = summarize(rows, tiers, metric).map(({ suite, geometricMeans }) => {
    const lines = [header];
    for (const row of rows.filter((r) => r.suite === suite)) {
      lines.push([
        `${suite}/${row.program}`,
        `${row.sizes.iterations}x${row.sizes.innerIterations}`,
        ...[...tiers, ...BASELINES].map((name) => secondsText(seconds(row.results[name], metric))),
        ...BASELINES.flatMap((base) => tiers.map((tier) => times(ratio(row, tier, base, metric)))),
      ]);
    }
    lines.push(['geomean', '', ...[...tiers, ...BASELINES].map(() => ''), ...ratioNames.map((n) => times(geometricMeans[n] ?? null))]);
    return formatTable(lines);
  });
  const failures = rows.flatMap((r) =>
    Object.entries(r.results).filter(([, x]) => x.failure !== null).map(([name, x]) => `${r.suite}/${r.program} ${name}: ${x.failure}`));
  const measure = metric === 'wall' ? 'wall-clock time' : 'CPU time (user + system, all threads)';
  const notes = `${measure}, median of ${runs} run(s) of whole processes (start-up included); iterations = ITERATIONS x INNER_ITERATIONS`;
  return `${tables.join('\n\n')}\n\n${notes}\n${failures.length ? `\nFAILED:\n${failures.join('\n')}\n` : ''}`;
}

/** For each pair `[after, before]` of runners: the geometric mean of after/before per suite, and the programs' extremes. */
export function formatComparison(rows: readonly Row[], pairs: readonly (readonly [string, string])[], metric: Metric): string {
  const lines = [['suite', 'runners', 'geomean', 'min', 'max']];
  for (const suite of [...new Set(rows.map((r) => r.suite))]) {
    for (const [after, before] of pairs) {
      const ratios = rows.filter((r) => r.suite === suite).map((r) => ratio(r, after, before, metric)).filter((x): x is number => x !== null);
      const text = (x: number | null): string => (x === null ? '—' : `${x.toFixed(3)}x`);
      lines.push([suite, `${after}/${before}`, text(geometricMean(ratios)), text(ratios.length ? Math.min(...ratios) : null), text(ratios.length ? Math.max(...ratios) : null)]);
    }
  }
  return `\n${formatTable(lines)}\n`;
}
