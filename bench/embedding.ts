//! What crossing between Rejit and its host costs, and a small language on
//! Rejit against the same program as generated JavaScript (a script, not a
//! test; docs/PERFORMANCE.md records its results):
//!
//! - host-call: a loop in Rejit calling a host function (`host fn`) against
//!   the same loop calling a Rejit function and against the loop with the
//!   work written inline; the difference per iteration is the cost of a call
//!   from compiled (or interpreted) code to the host. Also a builtin served by
//!   the host (`arg_count`), which skips the value checks of host functions.
//! - bf: Brainf*** programs compiled by examples/bf/compile.mjs to Rejit
//!   source (at each tier; input and output through the builtins, and through
//!   host functions) against the same programs compiled to JavaScript with
//!   `new Function`: `loops` (nested loops, no I/O) and `cat` (one read and
//!   one write per byte of input).
//!
//! Calls are timed in this process, after warm-up calls and a pause for V8's
//! background compiles; the variants alternate in every round and the
//! medians count. Wall-clock and CPU time are both shown.
//!
//! `node dist/bench/embedding.js [--quick] [--runs N] [--parts host-call,bf] [--tiers T,U]`

import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { Session, type HostValue } from '../src/session/session.js';
import type { HostFunction } from '../src/core/host-function.js';
import { TIER_NAMES, isTier, type Tier } from '../src/tiering/tiers.js';
import { HELP, partsOf, positiveInteger, runScript } from './arguments.js';
import { median } from './measure.js';
import { formatTable } from './text-table.js';

const PARTS = ['host-call', 'bf'] as const;
type Part = (typeof PARTS)[number];

const USAGE = `Usage: node dist/bench/embedding.js [options]
  --parts P,Q        host-call, bf (default: both)
  --tiers T,U        Rejit tiers (default: ${TIER_NAMES.join(',')})
  --runs N           timed runs of each variant; the median counts (default: 7)
  --quick            small sizes and 3 runs (a check that everything runs)
`;

interface Options {
  readonly parts: readonly Part[];
  readonly tiers: readonly Tier[];
  readonly runs: number;
  readonly quick: boolean;
}

function parseOptions(argv: string[]): Options | typeof HELP {
  const { values } = parseArgs({
    args: argv,
    options: {
      parts: { type: 'string', default: PARTS.join(',') },
      tiers: { type: 'string', default: TIER_NAMES.join(',') },
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return HELP;
  const parts = partsOf(values.parts as string, PARTS);
  const tiers = (values.tiers as string).split(',');
  const badTier = tiers.find((t) => !isTier(t));
  if (badTier !== undefined) throw new Error(`unknown tier '${badTier}' (use ${TIER_NAMES.join(', ')})`);
  const quick = values.quick as boolean;
  return { parts, tiers: tiers as Tier[], runs: positiveInteger(values.runs, '--runs') ?? (quick ? 3 : 7), quick };
}

interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

function time(run: () => unknown): Timing & { readonly result: unknown } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = run();
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1e6, result };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Medians of `runs` timed rounds of each variant (after one round more as warm-up); every variant's results must agree. */
async function measure(label: string, variants: readonly (() => unknown)[], runs: number): Promise<Timing[]> {
  for (const v of variants) v();
  await sleep(200);
  const samples = variants.map(() => [] as Timing[]);
  const results = new Set<string>();
  for (let round = 0; round <= runs; round++) {
    variants.forEach((v, k) => {
      const t = time(v);
      results.add(String(t.result));
      if (round > 0) samples[k]?.push(t);
    });
  }
  if (results.size !== 1) throw new Error(`${label}: the variants disagree (${[...results].join(', ')})`);
  return samples.map((xs) => ({ wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) }));
}

const ns = (seconds: number, n: number): string => `${((seconds * 1e9) / n).toFixed(1)} ns`;

// ---- host-call

const HOST_CALLS = `
host fn next(x: i32) -> i32;
fn step(x: i32) -> i32 { return (x * 7 + 1) & 1023; }
fn via_host(n: i32) -> i32 { let s = 0; for i in 0..n { s = next(s); } return s; }
fn via_rejit(n: i32) -> i32 { let s = 0; for i in 0..n { s = step(s); } return s; }
fn inline(n: i32) -> i32 { let s = 0; for i in 0..n { s = (s * 7 + 1) & 1023; } return s; }
fn via_builtin(n: i32) -> i32 { let s = 0; for i in 0..n { s = (s * 7 + arg_count()) & 1023; } return s; }
`;

async function hostCallRows(options: Options): Promise<string> {
  const n = options.quick ? 1000 : 2_000_000;
  const rows = [['tier', 'inline', 'Rejit call', 'host call', 'builtin', 'host call - inline']];
  for (const tier of options.tiers) {
    const host: Record<string, HostFunction> = { next: (x: number) => (x * 7 + 1) & 1023 };
    const s = new Session({ tier, print: () => {}, host, args: ['x'] });
    s.load(HOST_CALLS, 'calls.rj');
    const call = (fn: string) => () => s.call(fn, n as HostValue);
    const [inline, rejit, viaHost, builtin] = (await measure(`host-call ${tier}`, [call('inline'), call('via_rejit'), call('via_host'), call('via_builtin')], options.runs)) as [Timing, Timing, Timing, Timing];
    const per = (t: Timing): string => `${ns(t.wall, n)} (cpu ${ns(t.cpu, n)})`;
    rows.push([tier, per(inline), per(rejit), per(viaHost), per(builtin), ns(viaHost.wall - inline.wall, n)]);
  }
  return `Calls from Rejit code to the host: time per loop iteration, ${n} iterations\n${formatTable(rows)}\n`;
}

// ---- bf

interface BfCompiler {
  parse(bf: string): unknown[];
  toRejitSource(bf: string, options?: { io?: 'builtins' | 'host' }): { source: string };
  toJavaScript(bf: string): (input: Uint8Array) => Uint8Array;
}

/** Nested loops: a * b * c iterations of the innermost `[>+<-]`; prints the last cell. */
function loopsProgram(a: number, b: number, c: number): string {
  return `${'+'.repeat(a)}[>${'+'.repeat(b)}[>${'+'.repeat(c)}[>+<-]<-]<-]>>>.`;
}

async function bfRows(options: Options): Promise<string> {
  // The example is JavaScript: imported by URL, so the compiler does not type it.
  const bf = (await import(new URL('../../examples/bf/compile.mjs', import.meta.url).href)) as BfCompiler;
  const [a, b, c] = options.quick ? [3, 4, 5] : [250, 250, 250];
  const bytes = options.quick ? 100 : 1_000_000;
  // ASCII: output travels as UTF-8 text (`Session.write`), so bytes past 127 would not come back as they went.
  const input = Uint8Array.from({ length: bytes }, (_, i) => 1 + (i % 126));
  const programs = [
    { name: 'loops', text: loopsProgram(a, b, c), input: new Uint8Array(0) },
    { name: 'cat', text: ',[.,]', input },
  ];
  const rows = [['program', 'runner', 'time', 'cpu', 'vs JavaScript']];
  for (const p of programs) {
    const js = bf.toJavaScript(p.text);
    const runJs = (): string => Buffer.from(js(p.input)).toString('latin1');
    const variants: { label: string; run: () => unknown }[] = [{ label: 'JavaScript (new Function)', run: runJs }];
    for (const tier of options.tiers) {
      for (const io of ['builtins', 'host'] as const) {
        let at = 0;
        let out: number[] = [];
        const host: Record<string, HostFunction> = {
          getc: () => (at < p.input.length ? (p.input[at++] as number) : -1),
          putc: (ch: number) => void out.push(ch),
        };
        // read_byte reads the session's input once: it holds a copy of the input for every round, each
        // ended by a 0 byte, which ends the BF programs' reading as the end of the input does.
        const rounds = options.runs + 2;
        const all = new Uint8Array(rounds * (p.input.length + 1));
        for (let r = 0; r < rounds; r++) all.set(p.input, r * (p.input.length + 1));
        const s = new Session({ tier, input: all, print: (l) => out.push(...Buffer.from(`${l}\n`, 'latin1')), write: (t) => out.push(...Buffer.from(t, 'latin1')), host });
        s.load(bf.toRejitSource(p.text, { io }).source, `${p.name}.rj`);
        variants.push({
          label: `${tier}, ${io === 'host' ? 'host functions' : 'builtins'}`,
          run: () => {
            at = 0;
            out = [];
            s.call('main');
            return Buffer.from(out).toString('latin1');
          },
        });
      }
    }
    const timings = await measure(`bf ${p.name}`, variants.map((v) => v.run), options.runs);
    const base = timings[0] as Timing;
    variants.forEach((v, i) => {
      const t = timings[i] as Timing;
      rows.push([p.name, v.label, `${(t.wall * 1000).toFixed(1)} ms`, `${(t.cpu * 1000).toFixed(1)} ms`, `${(t.wall / base.wall).toFixed(2)}x`]);
    });
  }
  return `Brainf*** compiled to Rejit (examples/bf) against the same program as JavaScript; loops ${a}x${b}x${c}, cat ${bytes} bytes\n${formatTable(rows)}\n`;
}

async function main(options: Options): Promise<number> {
  const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
  const out: string[] = [`${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, Node ${process.version}; load average ${load()}\n`];
  if (options.parts.includes('host-call')) out.push(await hostCallRows(options));
  if (options.parts.includes('bf')) out.push(await bfRows(options));
  out.push(`load average at the end ${load()}\n`);
  process.stdout.write(out.join('\n'));
  return 0;
}

process.exitCode = await runScript('embedding', USAGE, process.argv.slice(2), parseOptions, main);
