//! Every function the checker makes of the golden programs (tests/golden/**/*.rj
//! that check), with the program tables it was made against: the corpus the IR
//! round-trip and verifier tests walk.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompileError } from '../../src/frontend/diagnostic.js';
import type { IrFunction } from '../../src/ir/ir.js';
import type { Program } from '../../src/core/program.js';
import { Session } from '../../src/session/session.js';

const GOLDEN = join(import.meta.dirname, '..', '..', '..', 'tests', 'golden');

function goldenFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? goldenFiles(join(dir, d.name)) : d.name.endsWith('.rj') ? [join(dir, d.name)] : []));
}

export interface GoldenFunction {
  readonly file: string;
  readonly ir: IrFunction;
  readonly program: Program;
}

export function* goldenFunctions(): Generator<GoldenFunction> {
  for (const file of goldenFiles(GOLDEN)) {
    const session = new Session({ print: () => {} });
    try {
      session.load(readFileSync(file, 'utf8'), file);
    } catch (e) {
      if (e instanceof CompileError) continue;
      throw e;
    }
    for (const info of session.program.functions) if (info?.ir) yield { file, ir: info.ir, program: session.program };
  }
}
