//! A `read_byte` may wait outside program code and apply other threads'
//! loads there, where optimized code has no program point to deoptimize at:
//! a version that reads input, itself or in a body it would inline, assumes
//! nothing (`backend/pipeline.ts`, `core/host.ts` WAITING_BUILTINS).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/session/session.js';
import { compileFunction } from '../../src/backend/pipeline.js';
import { DEFAULT_COMPILE_OPTIONS } from '../../src/backend/compile-options.js';
import type { IrFunction } from '../../src/ir/ir.js';

test('a version that reads a byte, or would inline a callee that does, assumes nothing', () => {
  const s = new Session({ tier: 'interp', print: () => {}, input: 'ab' });
  s.load(`
fn g(x: i32) -> i32 { return x + 1; }
fn reads() -> i32 { return g(read_byte()); }
fn next() -> i32 { return read_byte(); }
fn through() -> i32 { return g(next()); }
fn plain() -> i32 { return g(2); }
`, 'main.rj');
  const ir = (name: string): IrFunction => s.program.functionByName.get(name)?.ir as IrFunction;
  const options = { ...DEFAULT_COMPILE_OPTIONS, speculate: true };
  const assumed = (name: string): number => compileFunction(ir(name), s.program, 1, options).dependencies.length;
  assert.equal(assumed('plain'), 1, 'the definition of g');
  assert.equal(assumed('reads'), 0);
  assert.equal(assumed('through'), 1, 'next is called, not inlined: its call is a program point');
  assert.equal(s.call('through'), 98);
});
