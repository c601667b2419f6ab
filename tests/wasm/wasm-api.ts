//! Test helpers: the part of the WebAssembly JS API the tests use (the
//! project's lib has no `WebAssembly` types), and `instantiate`, which checks
//! every module with `WebAssembly.validate` before running it.

import assert from 'node:assert/strict';
import type { ModuleBuilder } from '../../src/wasm/module-builder.js';

export interface WasmModule {
  readonly __module: true;
}

export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(delta: number): number;
}

export interface WasmTable {
  readonly length: number;
  get(i: number): unknown;
  set(i: number, value: unknown): void;
}

export interface WasmTag {
  readonly __tag: true;
}

export interface WasmException extends Error {
  is(tag: WasmTag): boolean;
  getArg(tag: WasmTag, index: number): unknown;
}

export type Imports = Record<string, Record<string, unknown>>;
// Exports are functions, tables, globals or tags; tests know which and call or cast accordingly.
export type Exports = Record<string, any>;

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: { new (bytes: Uint8Array): WasmModule; customSections(m: WasmModule, name: string): ArrayBuffer[] };
  Instance: new (m: WasmModule, imports?: Imports) => { readonly exports: Exports };
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Table: new (d: { element: 'anyfunc' | 'externref'; initial: number; maximum?: number }) => WasmTable;
  Global: new (d: { value: 'i32' | 'i64' | 'f64'; mutable?: boolean }, value: number | bigint) => { value: number | bigint };
  Tag: new (d: { parameters: string[] }) => WasmTag;
  Exception: new (tag: WasmTag, args: unknown[]) => WasmException;
  RuntimeError: ErrorConstructor;
}

export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export function compile(mb: ModuleBuilder): WasmModule {
  const bytes = mb.build();
  assert.ok(wasm.validate(bytes), 'WebAssembly.validate');
  return new wasm.Module(bytes);
}

export function instantiate(mb: ModuleBuilder, imports: Imports = {}): Exports {
  return new wasm.Instance(compile(mb), imports).exports;
}
