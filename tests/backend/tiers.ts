//! Test helpers: the interpreter tests' hand-built IR runtime (`../interp/ir.ts`)
//! with a baseline tier over the same program, heap and host, so that every
//! test can run a function at both tiers and compare; and with both tiers
//! mixed as `--tier auto` mixes them (`Mixed`).

import { takeCodeIds } from '../../src/core/code-ids.js';
import { Baseline } from '../../src/backend/baseline.js';
import { DEFAULT_COMPILE_OPTIONS, type CompileOptions } from '../../src/backend/compile-options.js';
import type { RuntimeHost } from '../../src/core/host.js';
import type { FunctionId } from '../../src/ir/ir.js';
import { defineCode } from '../../src/session/code-ids.js';
import { UNSHARED, type CodeSharing } from '../../src/core/code-sharing.js';
import { Tiering, type TierUpThresholds } from '../../src/tiering/tiering.js';
import { Trap } from '../../src/core/trap.js';
import { Rt } from '../interp/ir.js';

type Result = number | bigint | undefined;

/** For tests of calls themselves: small callees called rather than inlined. */
export const CALLS_ONLY: CompileOptions = { ...DEFAULT_COMPILE_OPTIONS, inline: false };

/** A function's result, or its trap as formatted. */
export function outcome(run: () => Result): Result | string {
  try {
    return run();
  } catch (e) {
    if (e instanceof Trap) return e.format();
    throw e;
  }
}

/** Does what a load's commit does after the tables changed: code ids and slots for the functions (re)defined since, class metadata. */
function commitTo(rt: Rt, baseline: Baseline): void {
  const defined = rt.program.functions.filter((f) => f.ir && rt.program.definitionIdOf(f.ir) === undefined);
  defineCode(rt.program, rt.heap.i32, defined, takeCodeIds(rt.heap.i32, defined.length), true);
  baseline.commit();
}

export class Tiers extends Rt {
  readonly baseline: Baseline;

  constructor(host: Partial<RuntimeHost> = {}, compile?: CompileOptions) {
    super(host);
    this.baseline = new Baseline(this.program, this.heap, this.interp.host, UNSHARED, undefined, compile);
  }

  commit(): void {
    commitTo(this, this.baseline);
  }

  compiled(fn: FunctionId, ...args: (number | bigint)[]): Result {
    this.commit();
    return this.baseline.call(fn, args);
  }

  /** Runs `fn` at both tiers and returns the result, failing if they differ (results, or traps as formatted). */
  both(fn: FunctionId, ...args: (number | bigint)[]): Result | string {
    const interp = outcome(() => this.run(fn, ...args));
    const compiled = outcome(() => this.compiled(fn, ...args));
    if (!Object.is(interp, compiled)) throw new Error(`interpreter: ${String(interp)}, baseline: ${String(compiled)}`);
    return compiled;
  }
}

/** Thresholds that no test reaches: only `hot` makes a function compiled. */
export const NEVER: TierUpThresholds = { calls: 2 ** 29, backEdges: 2 ** 29 };

/** The runtime with both tiers mixed: functions start interpreted; `hot` tiers one up now, or the thresholds do. */
export class Mixed extends Rt {
  readonly tiering: Tiering;

  constructor(host: Partial<RuntimeHost> = {}, thresholds: TierUpThresholds = NEVER, sharing: CodeSharing = UNSHARED) {
    super(host);
    this.tiering = new Tiering(this.program, this.heap, this.interp.host, sharing, { thresholds, optimizing: 'never' });
  }

  commit(): void {
    commitTo(this, this.tiering.baseline);
  }

  mixed(fn: FunctionId, ...args: (number | bigint)[]): Result {
    this.commit();
    return this.tiering.call(fn, args);
  }

  /** Makes the current versions of `fns` hot on this thread (compiled now). */
  hot(...fns: FunctionId[]): void {
    this.commit();
    for (const fn of fns) this.tiering.hot(this.program.functionInfo(fn).ir!);
  }

  /** The names of the functions compiled so far, in order. */
  compiledNames(): string[] {
    return this.tiering.baseline.codeVersions().map((c) => c.ir.name);
  }
}
