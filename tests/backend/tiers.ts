//! Test helpers: the interpreter tests' hand-built IR runtime (`../interp/ir.ts`)
//! with a baseline tier over the same program, heap and host, so that every
//! test can run a function at both tiers and compare.

import { Baseline } from '../../src/backend/baseline.js';
import type { InterpreterHost } from '../../src/interp/context.js';
import type { FunctionId } from '../../src/ir/ir.js';
import { defineCode } from '../../src/runtime/code-ids.js';
import { UNSHARED } from '../../src/runtime/code-sharing.js';
import { Trap } from '../../src/runtime/trap.js';
import { Rt } from '../interp/ir.js';

export class Tiers extends Rt {
  readonly baseline: Baseline;

  constructor(host: Partial<InterpreterHost> = {}) {
    super(host);
    this.baseline = new Baseline(this.program, this.heap, this.interp.host, UNSHARED);
  }

  /** Does what a load's commit does after the tables changed: code ids and slots for the functions (re)defined since, class metadata. */
  commit(): void {
    const defined = this.program.functions.filter((f) => f.ir && this.program.codeIdOf(f.ir) === undefined);
    defineCode(this.program, this.heap.i32, defined, true);
    this.baseline.commit();
  }

  compiled(fn: FunctionId, ...args: (number | bigint)[]): number | bigint | undefined {
    this.commit();
    return this.baseline.call(fn, args);
  }

  /** Runs `fn` at both tiers and returns the result, failing if they differ (results, or traps as formatted). */
  both(fn: FunctionId, ...args: (number | bigint)[]): number | bigint | undefined | string {
    const outcome = (run: () => number | bigint | undefined): number | bigint | undefined | string => {
      try {
        return run();
      } catch (e) {
        if (e instanceof Trap) return e.format();
        throw e;
      }
    };
    const interp = outcome(() => this.run(fn, ...args));
    const compiled = outcome(() => this.compiled(fn, ...args));
    if (!Object.is(interp, compiled)) throw new Error(`interpreter: ${String(interp)}, baseline: ${String(compiled)}`);
    return compiled;
  }
}
