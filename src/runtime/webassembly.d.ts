//! The part of the WebAssembly JS API that Rejit uses. The project compiles
//! against lib ES2022 without DOM, which declares no `WebAssembly` namespace.

declare namespace WebAssembly {
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
}
