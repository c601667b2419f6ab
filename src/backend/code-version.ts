//! One compiled version of a function: its wasm module, compiled once and
//! instantiated on each thread, and what linking and stack traces need.
//! Its id names its index in every thread's code table (`core/code-ids.ts`).
//! A version may reuse the module of an earlier one, instantiated again to
//! link it to callees that have code now (relinking, `baseline.ts`).

import { nowMs } from '../core/clock.js';
import type { FuncSig } from '../wasm/types.js';
import type { CompiledFunction } from './compile-function.js';
import type { FrameInfo } from './wasm-frames.js';
import type { JsImportData } from './js-imports.js';
import type { DeoptTable } from './deopt-exits.js';
import type { Dependency } from '../passes/dependencies.js';
import { configureEngine } from './engine-flags.js';

/** A function import of the module: where it comes from and its signature. */
export interface Link {
  readonly module: string;
  readonly field: string;
  readonly sig: FuncSig;
}

export interface CodeVersion extends FrameInfo, JsImportData {
  readonly id: number;
  readonly module: WebAssembly.Module;
  readonly links: readonly Link[];
  /** Bytes of its module (the same module as the version it relinks, for a relinked version). */
  readonly size: number;
  /** Seconds spent making it: IR to bytes, and bytes to a compiled module (0 for a relinked version). */
  readonly emitSeconds: number;
  readonly moduleSeconds: number;
  /** The version whose module this one instantiates again, linked to newer callees; null when it was compiled for this version. */
  readonly relinkOf: number | null;
  /** Optimized code's exits (`deopt-exits.ts`); null for code that assumes nothing. */
  readonly deopt: DeoptTable | null;
  /** What the code assumes (`passes/dependencies.ts`): while they hold, it is valid. */
  readonly dependencies: readonly Dependency[];
}

/** The id of the module a version runs, whose state word says whether it is valid: its own, or the relinked version's. */
export const moduleIdOf = (code: CodeVersion): number => code.relinkOf ?? code.id;

/** What another thread needs to install a code version: all but the definition, which it has itself. */
export type SharedCodeVersion = Omit<CodeVersion, 'ir'>;

export function codeVersion(id: number, compiled: CompiledFunction, emitSeconds: number): CodeVersion {
  // At auto the interpreter's first hot version is compiled before its thread makes a code table.
  configureEngine();
  const start = nowMs();
  const module = new WebAssembly.Module(compiled.bytes);
  const moduleSeconds = (nowMs() - start) / 1000;
  const { builder } = compiled;
  const links = builder.imports.flatMap((imp) =>
    imp.desc.kind === 'func' ? [{ module: imp.module, field: imp.field, sig: builder.types[imp.desc.type] as FuncSig }] : [],
  );
  const { ir, positions, fileName, prints, loads, hosts, deopt, dependencies } = compiled;
  return { id, ir, positions, fileName, prints, loads, hosts, module, size: compiled.bytes.length, links, emitSeconds, moduleSeconds, relinkOf: null, deopt, dependencies };
}

/** Version `id`: `code`'s module, to be linked again. */
export function relinkedVersion(id: number, code: CodeVersion): CodeVersion {
  return { ...code, id, emitSeconds: 0, moduleSeconds: 0, relinkOf: moduleIdOf(code) };
}
