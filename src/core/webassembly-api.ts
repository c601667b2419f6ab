//! The part of the WebAssembly JS API that Rejit uses. The project compiles
//! against lib ES2022 without DOM, which declares no `WebAssembly` namespace;
//! the package entry imports this module so that its declarations reach an
//! embedder's compiler too (with lib DOM as well, `skipLibCheck` hides the
//! duplicates).

export {};

declare global {
  namespace WebAssembly {
    interface MemoryDescriptor {
      initial: number;
      maximum?: number;
      shared?: boolean;
    }

    class Memory {
      constructor(descriptor: MemoryDescriptor);
      /** For a shared memory, a SharedArrayBuffer; a new one after each growth. */
      readonly buffer: ArrayBuffer | SharedArrayBuffer;
      /** Grows by `delta` pages and returns the old size in pages; throws RangeError when it cannot. */
      grow(delta: number): number;
    }

    interface TableDescriptor {
      element: 'anyfunc' | 'externref';
      initial: number;
      maximum?: number;
    }

    /** An exported wasm function, as JS sees it (i64 values cross as bigint). */
    type ExportedFunction = (...args: (number | bigint)[]) => number | bigint | undefined;

    class Table {
      constructor(descriptor: TableDescriptor);
      readonly length: number;
      get(index: number): ExportedFunction | null;
      set(index: number, value: ExportedFunction | null): void;
      /** Grows by `delta` entries and returns the old length. */
      grow(delta: number): number;
    }

    class Global {
      constructor(descriptor: { value: 'i32' | 'i64' | 'f64'; mutable?: boolean }, value?: number | bigint);
      value: number | bigint;
    }

    type ImportValue = ExportedFunction | ((...args: never[]) => unknown) | Memory | Table | Global | number | bigint;
    type Imports = Record<string, Record<string, ImportValue>>;
    type Exports = Record<string, ExportedFunction | Memory | Table | Global>;

    class Module {
      constructor(bytes: Uint8Array);
    }

    class Instance {
      constructor(module: Module, imports?: Imports);
      readonly exports: Exports;
    }

    function validate(bytes: Uint8Array): boolean;

    class RuntimeError extends Error {}
    class CompileError extends Error {}
    class LinkError extends Error {}
  }
}
