//! Hotness: how the interpreter finds the functions worth compiling. Each
//! version of a function (one `Code`, on one thread) has a budget; every call
//! of it costs `callCost` units and every loop back-edge in it one unit. When
//! the budget runs out the version is hot, and the tier-up policy compiles it
//! for its next calls. A call already running moves to compiled code by
//! on-stack replacement: the loop where the version becomes hot, or any loop
//! that has run `budget` iterations in one go, asks the policy for an entry
//! that continues the call from its header.

import type { IrFunction, PointId } from '../ir/ir.js';
import type { CallTarget } from './closures.js';

/** How the interpreter meets a compiling tier (`tiering/tiering.ts`). */
export interface TierUpPolicy {
  /** Units a version's budget starts with: the loop back-edges it may run in the interpreter. */
  readonly budget: number;
  /** Units one call costs: `budget / callCost` calls make a version hot. */
  readonly callCost: number;
  /** Version `ir` has become hot on this thread (once per version). */
  hot(ir: IrFunction): void;
  /** The compiled code that calls of version `ir` run on this thread, once it is hot there. */
  compiled(ir: IrFunction): CallTarget | undefined;
  /**
   * Compiled code that continues a call of version `ir` from the header of
   * its loop at `point`: a callee whose arguments are the frame's locals and
   * whose result is the call's (`passes/osr-entry.ts`); undefined to stay.
   */
  osr(ir: IrFunction, point: PointId): CallTarget | undefined;
}

/** More than any budget, and still a small integer to V8 (so counting stays integer arithmetic). */
const SPENT = 2 ** 30 - 1;

/** The interpreter alone: nothing ever becomes hot. */
export const NEVER_HOT: TierUpPolicy = { budget: SPENT, callCost: 0, hot: () => {}, compiled: () => undefined, osr: () => undefined };

export class Budget {
  /** Units left; the counting sites call `spent` when it drops to 0 or below. */
  left: number;
  readonly callCost: number;
  private hot = false;

  constructor(
    private readonly policy: TierUpPolicy,
    private readonly ir: IrFunction,
  ) {
    this.left = policy.budget;
    this.callCost = policy.callCost;
  }

  /** Iterations a loop runs in one go before it asks for on-stack replacement. */
  get osrAfter(): number {
    return this.policy.budget;
  }

  osr(point: PointId): CallTarget | undefined {
    return this.policy.osr(this.ir, point);
  }

  spent(): void {
    this.left = SPENT;
    if (this.hot) return;
    this.hot = true;
    this.policy.hot(this.ir);
  }
}
