//! Where each defined function's instructions start in a module's bytes.
//! V8 reports a wasm frame's position as a byte offset in the module
//! (`CallSite.getPosition()`); adding this start to an offset inside a body
//! (a `CodeEmitter`'s length when it emitted an instruction) gives the same
//! numbering.

import { ByteReader } from './encoder.js';

const CODE_SECTION = 10;

/** The module offset of the first instruction (past the local declarations) of each defined function, in order. */
export function bodyOffsets(bytes: Uint8Array): number[] {
  const r = new ByteReader(bytes);
  r.pos = 8; // magic and version
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === CODE_SECTION) {
      const starts: number[] = [];
      for (let n = r.u32(); n > 0; n--) {
        const bodySize = r.u32();
        const bodyEnd = r.pos + bodySize;
        for (let runs = r.u32(); runs > 0; runs--) {
          r.u32(); // count
          r.byte(); // value type
        }
        starts.push(r.pos);
        r.pos = bodyEnd;
      }
      return starts;
    }
    r.pos = end;
  }
  return [];
}
