//! What optimized code assumes about the program (its dependencies), in the
//! manner of HotSpot's dependencies: each is a fact about the program tables
//! that holds when the code is compiled and that only a load can break.
//!
//! - `definition`: function `fn`'s current definition is the one with code
//!   id `definition` (a call of it runs, or inlines, that body with no check
//!   of its definition word). A redefinition of `fn` breaks it.
//! - `implementation`: every loaded class at or below `classId` runs `fn`
//!   for vtable slot `slot` (a virtual call is a direct call, or inlined, with
//!   no inline cache). A load that adds a subclass overriding the slot breaks it.
//! - `subclasses`: the loaded classes at or below `classId` are `classes`
//!   (a class test against it compares the object's class id with them,
//!   `class-sets.ts`). A load that adds a class below it breaks it.
//! - `stableGlobal`: no store of `global` has begun since its initializer (a
//!   read of it is that constant, `stable-globals.ts`). Its first store breaks
//!   it, through a load handshake of its own (`core/global-states.ts`).
//!
//! The key of a dependency (`dependencyKey`) is what a load changes that may
//! break it: a function's definition, the subclasses of a class, or a
//! global's state. The
//! registry (`backend/dependency-registry.ts`) keeps the code versions by key.
//! Dependencies are plain data, posted with the code to other threads.

import type { FunctionId } from '../ir/ir.js';
import type { GlobalId } from '../ir/ids.js';
import type { GlobalStates } from '../core/global-states.js';
import type { ClassId } from '../ir/types.js';
import type { Program } from '../core/program.js';

export type Dependency =
  | { readonly kind: 'definition'; readonly fn: FunctionId; readonly definition: number }
  | { readonly kind: 'implementation'; readonly classId: ClassId; readonly slot: number; readonly fn: FunctionId }
  | { readonly kind: 'subclasses'; readonly classId: ClassId; readonly classes: readonly ClassId[] }
  | { readonly kind: 'stableGlobal'; readonly global: GlobalId };

/** What may break `d`: `fn:<id>` (a redefinition), `class:<id>` (a new subclass) or `global:<id>` (a store). */
export function dependencyKey(d: Dependency): string {
  switch (d.kind) {
    case 'definition': return `fn:${d.fn}`;
    case 'stableGlobal': return `global:${d.global}`;
    default: return `class:${d.classId}`;
  }
}

export function holds(d: Dependency, program: Program, globals: GlobalStates): boolean {
  switch (d.kind) {
    case 'definition': {
      const ir = program.functionInfo(d.fn).ir;
      return ir !== null && program.definitionIdOf(ir) === d.definition;
    }
    case 'implementation':
      return program.subclassesOf(d.classId).every((k) => k.vtable[d.slot] === d.fn);
    case 'subclasses': {
      const now = program.subclassesOf(d.classId);
      return now.length === d.classes.length && now.every((k) => d.classes.includes(k.id));
    }
    case 'stableGlobal':
      return globals.stable(d.global);
  }
}

export function describeDependency(d: Dependency, program: Program): string {
  switch (d.kind) {
    case 'definition': return `definition of ${program.functionInfo(d.fn).name} is code ${d.definition}`;
    case 'implementation': return `every ${program.classInfo(d.classId).name} runs ${program.functionInfo(d.fn).name}`;
    case 'subclasses':
      if (d.classes.length === 1) return `nothing extends ${program.classInfo(d.classId).name}`;
      return `the classes at or below ${program.classInfo(d.classId).name} are ${d.classes.map((k) => program.classInfo(k).name).join(', ')}`;
    case 'stableGlobal': return `${program.globals[d.global]?.name ?? `global ${d.global}`} is not stored`;
  }
}
