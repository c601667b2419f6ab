//! IR file tests: each file under tests/ir/ (`*.rjir`) holds a header naming
//! what to run, the input, and after the separator line the expected output,
//! compared exactly. `BLESS=1` rewrites the expected output from what the
//! run prints; it is never edited by hand.
//!
//! ```
//! ; run: counted-loops           what to run (see RUNS), with its arguments
//! ; from: rejit                  optional: the input is Rejit source, checked into IR first
//! ; function: f                  optional: only this function (default: every function with a body)
//! fn f(n:0: i32)  ; id 0, 1 points
//!   ...                          IR text as `rejit dump --ir` prints it (ir/parse.ts)
//! ; ---- expected ----
//! ...
//! ```
//!
//! Functions given as IR text are registered as top-level functions of a
//! program of their own, at their ids, so that calls between them resolve.

import { codeId } from '../src/ir/ids.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Expr, IrFunction, Stmt } from '../src/ir/ir.js';
import { forEachOperand, forEachStmt, stmtOperands } from '../src/ir/operands.js';
import { parseFunctions } from '../src/ir/parse.js';
import { printExpr, printFunction, printStmts } from '../src/ir/printer.js';
import { irErrors } from '../src/ir/verify.js';
import { Program } from '../src/core/program.js';
import { computeCallPlans, type CallPlans } from '../src/passes/call-plans.js';
import { computeCountedLoops } from '../src/passes/counted-loop.js';
import { classIdRuns, computeClassSets } from '../src/passes/class-sets.js';
import { computeGlobalUses } from '../src/passes/stable-globals.js';
import { computeFieldReuse } from '../src/passes/field-reuse.js';
import type { GlobalId } from '../src/ir/ids.js';
import type { ClassId } from '../src/ir/types.js';
import { computeIndexedArrays } from '../src/passes/indexed-arrays.js';
import { buildOsrEntry } from '../src/passes/osr-entry.js';
import { computeLiveness } from '../src/passes/liveness.js';
import { computeProfileSites, recordedSites } from '../src/passes/profile.js';
import { pointPath, pointStmt } from '../src/interp/frame-state.js';
import { functionText } from '../src/backend/pipeline.js';
import { Session } from '../src/session/session.js';

process.env['REJIT_VERIFY'] ??= '1';

const DIR = join(import.meta.dirname, '..', '..', 'tests', 'ir');
const SEPARATOR = '; ---- expected ----';
const BLESS = process.env['BLESS'] === '1';

type Run = (fn: IrFunction, program: Program, args: readonly string[]) => string[];

const RUNS: Record<string, Run> = {
  /** Each loop: whether `passes/counted-loop.ts` finds it counted, and how. */
  'counted-loops': (fn, program) => {
    const counted = computeCountedLoops(fn);
    return loops(fn.body).map((l) => {
      const c = counted.get(l.label);
      if (!c) return `L${l.label} @${l.point}: not counted`;
      const e = (x: Parameters<typeof printExpr>[0]): string => printExpr(x, fn, program);
      const test = `${c.direction === 'up' ? (c.inclusive ? '<=' : '<') : c.inclusive ? '>=' : '>'}`;
      const length = c.lengthOf === null ? '' : `, the length of ${e({ op: 'local', type: fn.locals[c.lengthOf]?.type ?? 'i32', local: c.lengthOf })}`;
      const trips = c.trips === null ? '' : `, ${c.trips} iteration${c.trips === 1 ? '' : 's'}`;
      return `L${l.label} @${l.point}: ${c.type} ${e({ op: 'local', type: c.type, local: c.variable })} ${test} ${e(c.bound)}${length}, ${c.direction} by ${e(c.stride)}, body of ${c.body.length}${trips}`;
    });
  },
  /** Each loop: the arrays `passes/indexed-arrays.ts` finds indexed by its variable, whose checks one test before the loop covers. */
  'indexed-arrays': (fn) => {
    const counted = computeCountedLoops(fn);
    const arrays = computeIndexedArrays(counted);
    return loops(fn.body).map((l) => {
      if (!counted.has(l.label)) return `L${l.label}: not counted`;
      const a = arrays.get(l.label) ?? [];
      return `L${l.label}: ${a.length === 0 ? 'no arrays' : a.map((x) => `$${fn.locals[x]?.name ?? '?'}:${x}`).join(' ')}`;
    });
  },
  /**
   * Each class that the optimizing tier's version tests against (`is`, `as`,
   * inlined bodies included) and whose loaded subclasses it compares with
   * (`passes/class-sets.ts`): those classes, and the runs of ids compared.
   */
  'class-sets': (fn, program) => {
    const sets = computeClassSets(fn, computeCallPlans(fn, program, { inline: true, speculate: true }), program);
    const name = (id: ClassId): string => program.classInfo(id).name;
    return [...sets].map(([tested, ids]) => {
      const runs = classIdRuns(ids).map((r) => (r.first === r.last ? `${r.first}` : `${r.first}-${r.last}`));
      return `${name(tested)}: ${ids.map(name).join(' ')} (ids ${runs.join(', ')})`;
    });
  },
  /** Each call: how it runs (`passes/call-plans.ts`), inlined callees' calls indented below. */
  inline: (fn, program) => planLines(computeCallPlans(fn, program, { inline: true }), program, ''),
  /** The same for the optimizing tier, which assumes instead of checking (no profile). */
  'inline-speculating': (fn, program) => planLines(computeCallPlans(fn, program, { inline: true, speculate: true }), program, ''),
  /** The on-stack replacement entry at the loop of point `args[0]` (`passes/osr-entry.ts`), verified. */
  'osr-entry': (fn, program, args) => {
    const entry = buildOsrEntry(fn, Number(args[0]));
    if (!entry) return [`no loop at @${args[0]}`];
    const errors = irErrors(entry, program, { osrEntry: true });
    return [...printFunction(entry, program).trimEnd().split('\n'), ...errors.map((e) => `error: ${e}`)];
  },
  /** Each program point: its path from the body (statement indices, `else` branches marked) and its statement. */
  'frame-states': (fn, program) =>
    Array.from({ length: fn.pointCount }, (_, p) => {
      const path = pointPath(fn, p).map((s) => (s.branch === 1 ? `${s.index}:else` : String(s.index))).join(' ');
      return `@${p} [${path}]: ${printStmts([pointStmt(fn, p)], fn, program)[0]}`;
    }),
  /**
   * The globals the optimizing tier's version reads and stores, inlined
   * bodies included (`passes/stable-globals.ts`), and those it may fold
   * while no store has touched them.
   */
  'global-uses': (fn, program) => {
    const uses = computeGlobalUses(fn, computeCallPlans(fn, program, { inline: true, speculate: true }));
    const names = (gs: Iterable<GlobalId>): string => [...gs].map((g) => program.globals[g]?.name).sort().join(' ') || '-';
    return [`read: ${names(uses.read)}`, `stored: ${names(uses.stored)}`, `may fold: ${names([...uses.read].filter((g) => !uses.stored.has(g)))}`];
  },
  /** Each field read, in evaluation order: the slot it fills, reads instead of loading, or reads once its object is not null (`passes/field-reuse.ts`), or a load; and what each loop loads before it. */
  'field-reuse': (fn, program) => {
    const reuse = computeFieldReuse(fn.body, computeCallPlans(fn, program, { inline: true, speculate: true }), program);
    const lines: string[] = [];
    const expr = (e: Expr): void => {
      forEachOperand(e, expr);
      if (e.op !== 'getField') return;
      const use = reuse.uses.get(e);
      lines.push(`${printExpr(e, fn, program)}: ${use ? `${use.kind} s${use.slot}` : 'load'}`);
    };
    forEachStmt(fn.body, (s) => {
      if (s.op === 'loop') {
        for (const p of reuse.preloads.get(s.label) ?? []) lines.push(`before L${s.label}: s${p.slot} = $${fn.locals[p.object]?.name}:${p.object}.${p.field.name}`);
      }
      stmtOperands(s).forEach(expr);
    });
    return lines;
  },
  /** Each program point: the locals a deopt exit there hands over (`passes/liveness.ts`), after it and, at a call, before it. */
  liveness: (fn) => {
    const { after, before } = computeLiveness(fn);
    const names = (live: ReadonlySet<number> | undefined): string =>
      [...(live ?? [])].sort((a, b) => a - b).map((l) => `$${fn.locals[l]?.name ?? '?'}:${l}`).join(' ') || '-';
    return Array.from({ length: fn.pointCount }, (_, p) => {
      const s = pointStmt(fn, p);
      return s.op === 'call' ? `@${p} call: before ${names(before.get(p))}; after ${names(after.get(p))}` : `@${p} ${s.op}: ${names(after.get(p))}`;
    });
  },
  /** What the verifier finds wrong (`ir/verify.ts`), or `ok`. */
  verify: (fn, program) => {
    const errors = irErrors(fn, program);
    return errors.length === 0 ? ['ok'] : errors;
  },
  /** The wasm text of the baseline tier's module (`backend/pipeline.ts`). */
  wat: (fn, program) => functionText(fn, program, 1).trimEnd().split('\n'),
  /** Each virtual call of the function's own body: its profile site (`passes/profile.ts`), and whether baseline code records receivers there. */
  'profile-sites': (fn, program) => {
    const recorded = recordedSites(fn, program);
    return [...computeProfileSites(fn)].map(([point, site]) => `@${point}: site ${site}, ${recorded.get(point) === site ? 'recorded' : 'not recorded'}`);
  },
};

function loops(stmts: readonly Stmt[]): Extract<Stmt, { op: 'loop' }>[] {
  const out: Extract<Stmt, { op: 'loop' }>[] = [];
  forEachStmt(stmts, (s) => s.op === 'loop' && out.push(s));
  return out;
}

function planLines(plans: CallPlans, program: Program, indent: string): string[] {
  return [...plans].sort(([a], [b]) => a - b).flatMap(([point, cases]) => {
    if (cases.length === 0) return [`${indent}@${point}: dispatcher`];
    return cases.flatMap((k) => {
      const callee = program.functionInfo(k.fn).name;
      const head = `${indent}@${point}${k.classIds === null ? '' : ` ${k.classIds.map((id) => program.classInfo(id).name).join(',')}`} ${callee}: `;
      const r = k.run;
      switch (r.kind) {
        case 'self': return [`${head}self`];
        case 'call': return [`${head}call`];
        case 'leaf': {
          const ir = program.functionInfo(k.fn).ir as IrFunction;
          const store = r.leaf.store ? ` store ${r.leaf.store.field.name} = ${printExpr(r.leaf.store.value, ir, program)}` : '';
          const result = r.leaf.result ? ` result ${printExpr(r.leaf.result, ir, program)}` : '';
          return [`${head}leaf${store}${result}${store || result ? '' : ' (empty)'}`];
        }
        case 'inline': return [`${head}inline`, ...planLines(r.calls, program, `${indent}  `)];
      }
    });
  });
}

interface IrFile {
  readonly run: string;
  readonly args: string[];
  readonly input: string;
  readonly expected: string;
  readonly fromRejit: boolean;
  readonly only: string | null;
}

function readIrFile(text: string): IrFile {
  const at = text.indexOf(`\n${SEPARATOR}\n`);
  const input = at < 0 ? text : text.slice(0, at + 1);
  const header = (key: string): string | null => new RegExp(`^; ${key}: (.*)$`, 'm').exec(input)?.[1]?.trim() ?? null;
  const [run = '', ...args] = (header('run') ?? '').split(/\s+/);
  return { run, args, input, expected: at < 0 ? '' : text.slice(at + SEPARATOR.length + 2), fromRejit: header('from') === 'rejit', only: header('function') };
}

/** The functions to run and their program: checked from Rejit source, or parsed from IR text and registered. */
function load(file: IrFile, name: string): { fns: IrFunction[]; program: Program } {
  if (file.fromRejit) {
    const session = new Session({ print: () => {} });
    // Header lines become blank lines: positions stay those of the file.
    session.load(file.input.replaceAll(/^;.*$/gm, ''), name);
    const fns = session.program.functions.flatMap((f) => (f?.ir ? [f.ir] : []));
    return { fns, program: session.program };
  }
  const program = new Program();
  const fns = parseFunctions(file.input, program);
  for (const [i, ir] of fns.entries()) {
    const params = ir.locals.slice(0, ir.paramCount).map((l) => l.type);
    program.functions[ir.id] = { id: ir.id, name: ir.name, params, result: ir.result, owner: null, ir };
    program.bindCodeId(ir, codeId(i + 1));
  }
  return { fns, program };
}

function runFile(name: string, text: string): string {
  const file = readIrFile(text);
  const run = RUNS[file.run];
  if (!run) throw new Error(`${name}: unknown run '${file.run}' (known: ${Object.keys(RUNS).join(', ')})`);
  const { fns, program } = load(file, name);
  const chosen = fns.filter((f) => file.only === null || f.name === file.only);
  if (chosen.length === 0) throw new Error(`${name}: no function to run`);
  return chosen.map((fn) => [`${fn.name}:`, ...run(fn, program, file.args).map((l) => `  ${l}`)].join('\n')).join('\n') + '\n';
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.rjir')).sort();

test('there are IR file tests for every run', () => {
  assert.ok(files.length >= 30, `${files.length} files`);
  const runs = new Set(files.map((f) => readIrFile(readFileSync(join(DIR, f), 'utf8')).run));
  assert.deepEqual([...runs].sort(), Object.keys(RUNS).sort());
});

for (const name of files) {
  test(`tests/ir/${name}`, () => {
    const path = join(DIR, name);
    const text = readFileSync(path, 'utf8');
    const actual = runFile(name, text);
    if (BLESS) {
      writeFileSync(path, `${readIrFile(text).input}${SEPARATOR}\n${actual}`);
      return;
    }
    assert.equal(actual, readIrFile(text).expected);
  });
}
