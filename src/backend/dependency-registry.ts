//! One thread's dependency registry, in the manner of HotSpot's dependency
//! contexts and V8's DependentCode: the optimized code versions installed on
//! the thread, by what a load changes that may break their assumptions
//! (`passes/dependencies.ts`). A load that the thread applies asks it for the
//! versions whose assumptions it broke; the thread invalidates them before
//! it acknowledges the load (`Baseline.commit`), so a load returns only once
//! every thread that runs a version has invalidated it.

import type { FunctionId } from '../ir/ir.js';
import type { ClassInfo, Program } from '../core/program.js';
import { dependencyKey, holds } from '../passes/dependencies.js';
import type { GlobalStates } from '../core/global-states.js';
import type { CodeVersion } from './code-version.js';

/** What a load changed that dependencies are keyed by. */
export interface ProgramChange {
  readonly redefined: readonly FunctionId[];
  readonly classes: readonly ClassInfo[];
}

export class DependencyRegistry {
  private readonly byKey = new Map<string, Set<CodeVersion>>();

  register(code: CodeVersion): void {
    for (const d of code.dependencies) {
      const key = dependencyKey(d);
      const versions = this.byKey.get(key) ?? new Set();
      this.byKey.set(key, versions.add(code));
    }
  }

  /** `code` is freed: it leaves the registry. */
  unregister(code: CodeVersion): void {
    for (const d of code.dependencies) {
      const key = dependencyKey(d);
      const versions = this.byKey.get(key);
      versions?.delete(code);
      if (versions?.size === 0) this.byKey.delete(key);
    }
  }

  /**
   * The versions whose assumptions `change` broke, which leave the registry.
   * Every load asks about the folded globals too: the first store of one
   * runs a load (of nothing) to have every thread drop its code.
   */
  broken(change: ProgramChange, program: Program, globals: GlobalStates): CodeVersion[] {
    const keys = [
      ...change.redefined.map((fn) => `fn:${fn}`),
      // A new class is a new subclass of each of its ancestors.
      ...new Set(change.classes.flatMap((c) => c.ancestors.map((a) => `class:${a}`))),
      ...[...this.byKey.keys()].filter((key) => key.startsWith('global:')),
    ];
    const broken = new Set<CodeVersion>();
    for (const key of keys) {
      for (const code of this.byKey.get(key) ?? []) {
        if (!code.dependencies.every((d) => holds(d, program, globals))) broken.add(code);
      }
    }
    for (const code of broken) {
      for (const d of code.dependencies) {
        const key = dependencyKey(d);
        const versions = this.byKey.get(key);
        versions?.delete(code);
        if (versions?.size === 0) this.byKey.delete(key);
      }
    }
    return [...broken];
  }
}
