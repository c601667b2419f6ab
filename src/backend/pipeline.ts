//! The compiled tiers' pipeline on one screen: the passes a function version
//! goes through, in order, then its emission into a wasm module. The
//! optimizing tier is the same pipeline with `CompileOptions.speculate`:
//! call plans that assume rather than check, and the validity checks and
//! deopt exits that make assuming safe.
//!
//! Analyses (`compute…`) leave the IR as it is and return facts keyed by
//! loop label or call point, which emission follows (`FunctionFacts`);
//! transforms (verbs) return new IR. With REJIT_VERIFY=1 (and in tests), the
//! IR is verified after every pass (`ir/verify.ts`), an error naming the
//! pass, and every module is checked with `WebAssembly.validate`.

import type { Expr, IrFunction, PointId } from '../ir/ir.js';
import { verifyFunction, verifying, type VerifyOptions } from '../ir/verify.js';
import type { Program } from '../core/program.js';
import { computeCallPlans, planDependencies, type CallPlans } from '../passes/call-plans.js';
import { exprOperands, someStmt, stmtOperands, stmtPoint } from '../ir/operands.js';
import { WAITING_BUILTINS } from '../core/host.js';
import { recordedSites, type ReceiverProfile } from '../passes/profile.js';
import { computeClassSets } from '../passes/class-sets.js';
import { computeGlobalUses } from '../passes/stable-globals.js';
import { NO_FIELD_REUSE, computeFieldReuse } from '../passes/field-reuse.js';
import type { GlobalStates } from '../core/global-states.js';
import type { GlobalId } from '../ir/ids.js';
import type { Dependency } from '../passes/dependencies.js';
import type { ClassId } from '../ir/types.js';
import { computeCountedLoops } from '../passes/counted-loop.js';
import { addDepthParam } from '../passes/depth-param.js';
import { computeIndexedArrays } from '../passes/indexed-arrays.js';
import { buildOsrEntry } from '../passes/osr-entry.js';
import { printModule } from '../wasm/wat.js';
import { emitModule, type CompiledFunction } from './compile-function.js';
import { DEFAULT_COMPILE_OPTIONS, type CompileOptions } from './compile-options.js';

/**
 * What a compile learns from and leaves for the runs of the code
 * (`passes/profile.ts`): baseline code that records a profile into the block
 * at `recordAt`; optimized code that speculates on `profile`.
 */
export interface Feedback {
  readonly recordAt?: number;
  readonly profile?: ReceiverProfile | null;
  /** Which globals are stored (`core/global-states.ts`): optimized code folds the others. Without it, none is folded. */
  readonly globals?: GlobalStates;
}

/** A function version (a definition, or a version the tiering made) to the module of code `codeId`. */
export function compileFunction(ir: IrFunction, program: Program, codeId: number, options: CompileOptions = DEFAULT_COMPILE_OPTIONS, feedback: Feedback = {}): CompiledFunction {
  check(ir, program, 'the checker');
  return compileVersion(ir, program, codeId, options, feedback);
}

/**
 * The entry that continues a call of `ir` from the header of its loop at
 * `point`: the entry's IR (`passes/osr-entry.ts`), compiled as any version
 * of `ir` (its profile sites numbered, and its exits continuing, as `ir`'s);
 * null when `point` is no loop.
 */
export function compileOsrEntry(ir: IrFunction, point: PointId, program: Program, codeId: number, options: CompileOptions = DEFAULT_COMPILE_OPTIONS, feedback: Feedback = {}): CompiledFunction | null {
  check(ir, program, 'the checker');
  const entry = buildOsrEntry(ir, point);
  if (!entry) return null;
  check(entry, program, 'osr-entry', { osrEntry: true });
  return buildVersion(entry, program, codeId, options, feedback, { osrEntry: true }, { version: ir, entersAt: point }).compiled;
}

/** A version as the passes left it: the IR that was emitted, the plan of each of its calls, and the module. */
export interface InspectedVersion {
  readonly code: IrFunction;
  readonly callPlans: CallPlans;
  readonly compiled: CompiledFunction;
}

/** The optimizing tier's version of `ir` with no profile, with what its passes decided (`rejit dump --opt`). */
export function inspectOptimized(ir: IrFunction, program: Program, codeId: number, options: CompileOptions = DEFAULT_COMPILE_OPTIONS): InspectedVersion {
  check(ir, program, 'the checker');
  return buildVersion(ir, program, codeId, { ...options, speculate: true }, {});
}

function compileVersion(ir: IrFunction, program: Program, codeId: number, requested: CompileOptions, feedback: Feedback): CompiledFunction {
  return buildVersion(ir, program, codeId, requested, feedback).compiled;
}

/** What an on-stack replacement entry continues: the version it is made of, from the header of its loop at `entersAt`. */
interface Continues {
  readonly version: IrFunction;
  readonly entersAt: PointId | null;
}

/**
 * Call plans name the version itself (self-calls, its definition): they are
 * computed on `ir`; the rest on its compiled form. Profile sites and exits
 * are those of `continues.version`.
 */
function buildVersion(ir: IrFunction, program: Program, codeId: number, requested: CompileOptions, feedback: Feedback, verify: VerifyOptions = {}, continues: Continues = { version: ir, entersAt: null }): InspectedVersion {
  let options = requested.speculate && !speculable(ir) ? { ...requested, speculate: false } : requested;
  let callPlans = computeCallPlans(ir, program, { ...options, profile: feedback.profile ?? null });
  let foldedGlobals: ReadonlySet<GlobalId> = new Set();
  if (options.speculate) {
    const uses = computeGlobalUses(ir, callPlans);
    const globals = feedback.globals;
    if ([...uses.stored].some((g) => !globals?.published(g))) {
      // The store's call may apply loads where no exit could follow (`core/global-states.ts`).
      options = { ...options, speculate: false };
      callPlans = computeCallPlans(ir, program, options);
    } else if (globals) {
      foldedGlobals = new Set([...uses.read].filter((g) => !uses.stored.has(g) && globals.claimFold(g)));
    }
  }
  const code = addDepthParam(ir);
  check(code, program, 'depth-param', verify);
  const countedLoops = computeCountedLoops(code);
  const indexedArrays = computeIndexedArrays(countedLoops);
  const fieldReuse = options.speculate ? computeFieldReuse(code.body, callPlans, program) : NO_FIELD_REUSE;
  const classSets = options.speculate ? computeClassSets(ir, callPlans, program) : new Map<ClassId, readonly ClassId[]>();
  const recording = feedback.recordAt === undefined ? null : { address: feedback.recordAt, sites: recordedSites(continues.version, program) };
  const compiled = emitModule(code, program, codeId, options, { ...continues, countedLoops, indexedArrays, callPlans, classSets, foldedGlobals, fieldReuse, recording });
  if (verifying() && !WebAssembly.validate(compiled.bytes)) throw new Error(`${ir.name}: invalid wasm module for code ${codeId}`);
  const tested = [...classSets].map(([classId, classes]): Dependency => ({ kind: 'subclasses', classId, classes }));
  const stable = [...foldedGlobals].map((global): Dependency => ({ kind: 'stableGlobal', global }));
  return { code, callPlans, compiled: { ...compiled, ir, dependencies: [...planDependencies(callPlans), ...tested, ...stable] } };
}

/**
 * Beyond this many locals times program points, a function assumes nothing:
 * every exit keeps every local of its frames alive up to the one deopt block,
 * and V8's optimizing compiler runs out of memory merging them (10,000 calls
 * in a function of 30,000 locals: 24 GB).
 */
const MAX_EXIT_STATE = 1_000_000;

/**
 * Whether optimized code of `ir` can speculate (a version that stores a
 * global not yet known stored cannot either, above): after a `barrier`,
 * `sleep` or `read_byte` (`WAITING_BUILTINS`), which apply other threads' loads, there is no program point to
 * deoptimize at (`deopt-exits.ts`), so such a function assumes nothing; nor
 * does a huge one (MAX_EXIT_STATE).
 */
function speculable(ir: IrFunction): boolean {
  let points = 0;
  const waits = (e: Expr): boolean => (e.op === 'host' && WAITING_BUILTINS.has(e.name)) || exprOperands(e).some(waits);
  const blocks = someStmt(ir.body, (s) => {
    if (stmtPoint(s) !== null) points++;
    return s.op === 'barrier' || s.op === 'sleep' || stmtOperands(s).some(waits);
  });
  return !blocks && points * ir.locals.length <= MAX_EXIT_STATE;
}

/** The WebAssembly text of the module that the baseline tier makes of `ir` (as code `codeId`). */
export function functionText(ir: IrFunction, program: Program, codeId: number): string {
  return printModule(compileFunction(ir, program, codeId).builder);
}

function check(ir: IrFunction, program: Program, pass: string, options?: VerifyOptions): void {
  if (verifying()) verifyFunction(ir, pass, program, options);
}
