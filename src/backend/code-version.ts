//! One compiled version of a function: its wasm module, compiled once and
//! instantiated on each thread, and what linking and stack traces need.
//! Its id is its index in every thread's code table; ids are never reused.

import type { FunctionId } from '../ir/ir.js';
import type { FuncSig } from '../wasm/types.js';
import type { CompiledFunction } from './compile-function.js';
import type { FrameInfo } from './wasm-frames.js';
import type { JsImportData } from './js-imports.js';

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
  /** Callees called through the dispatcher because they had no code yet (relinking). */
  readonly unlinked: ReadonlySet<FunctionId>;
  /** Seconds spent making it: IR to bytes, and bytes to a compiled module. */
  readonly emitSeconds: number;
  readonly moduleSeconds: number;
}

/** What another thread needs to install a code version: all but the definition, which it has itself. */
export type SharedCodeVersion = Omit<CodeVersion, 'ir'>;

export function codeVersion(id: number, compiled: CompiledFunction, emitSeconds: number): CodeVersion {
  const start = performance.now();
  const module = new WebAssembly.Module(compiled.bytes);
  const moduleSeconds = (performance.now() - start) / 1000;
  const { builder } = compiled;
  const links = builder.imports.flatMap((imp) =>
    imp.desc.kind === 'func' ? [{ module: imp.module, field: imp.field, sig: builder.types[imp.desc.type] as FuncSig }] : [],
  );
  const { ir, positions, fileName, prints, loads, unlinked } = compiled;
  return { id, ir, positions, fileName, prints, loads, module, links, unlinked, emitSeconds, moduleSeconds };
}
