//! What `rejit dump --opt` prints of a function's optimized version: its IR
//! as the passes left it (`pipeline.ts`), how each call runs (inlined, a
//! leaf, a direct call; the receiver guards), each deopt point with the
//! frames it rebuilds and the live locals each frame gets back, and the
//! assumptions the version depends on (`passes/dependencies.ts`).
//!
//! A dump runs nothing, so the version is compiled with no profile: its
//! guards are the validity checks of its deopt points, and receiver guards
//! appear only in code that a run's profile made.

import type { IrFunction, Local } from '../ir/ir.js';
import { printFunction } from '../ir/printer.js';
import { pointPosition } from '../ir/point-positions.js';
import type { Program } from '../core/program.js';
import type { CallCase, CallPlans } from '../passes/call-plans.js';
import { describeDependency } from '../passes/dependencies.js';
import { codeId } from '../ir/ids.js';
import { inspectOptimized } from './pipeline.js';

/** The optimized version of `ir` (as code `id`), described. */
export function optimizedText(ir: IrFunction, program: Program, id: number): string {
  const { code, callPlans, compiled } = inspectOptimized(ir, program, id);
  const lines = [`; optimized version ${id} of ${ir.name}: ${compiled.bytes.length} wasm bytes`, printFunction(code, program).trimEnd()];
  const calls = planLines(callPlans, ir, program, '  ');
  lines.push(calls.length === 0 ? '; calls: none' : '; calls', ...calls);
  const exits = compiled.deopt?.exits ?? [];
  lines.push(exits.length === 0 ? '; deopt points: none (the version assumes nothing)' : '; deopt points');
  exits.forEach((exit, i) => {
    lines.push(`  exit ${i}: ${exit.guard ? 'guard failed (before the call)' : 'validity check'}, ${exit.frames.length} frame${exit.frames.length === 1 ? '' : 's'}`);
    exit.frames.forEach((f, depth) => {
      const frameIr = depth === 0 ? ir : (program.definition(codeId(f.definition)) ?? ir);
      // The function's own locals as the IR above numbers them (after its depth parameter); an inlined callee's as its own IR does.
      const index = (l: number): number => (depth === 0 && l >= ir.paramCount ? l + 1 : l);
      const live = f.locals.flatMap((at, l) => (at < 0 ? [] : [`${(frameIr.locals[l] as Local).name}:${index(l)}`]));
      const where = f.point < 0 ? 'entry' : `@${f.point}`;
      lines.push(`    ${program.functionInfo(f.fn).name} ${where} (${pointPosition(frameIr, f.point)}) live: ${live.length === 0 ? '-' : live.join(' ')}`);
    });
  });
  const deps = compiled.dependencies;
  lines.push(deps.length === 0 ? '; depends on: nothing' : '; depends on');
  for (const d of deps) lines.push(`  ${describeDependency(d, program)}`);
  return `${lines.join('\n')}\n`;
}

function planLines(plans: CallPlans, ir: IrFunction, program: Program, indent: string): string[] {
  const lines: string[] = [];
  for (const [point, cases] of [...plans].sort(([a], [b]) => a - b)) {
    lines.push(`${indent}@${point} (${pointPosition(ir, point)}): ${cases.length === 0 ? 'dispatcher' : cases.map((c) => caseText(c, program)).join(' | ')}`);
    for (const c of cases) {
      if (c.run.kind === 'inline') lines.push(...planLines(c.run.calls, c.run.ir, program, `${indent}  `));
    }
  }
  return lines;
}

function caseText(c: CallCase, program: Program): string {
  const receiver = c.classIds === null ? '' : `${c.classIds.map((k) => program.classInfo(k).name).join(', ')}${c.guarded ? ' (guarded: others deoptimize)' : ''} -> `;
  const how = c.run.kind === 'call' ? 'call' : c.run.kind;
  const unchecked = c.run.kind === 'call' && c.run.unchecked ? ' (unchecked: acknowledges nothing)' : '';
  return `${receiver}${how} ${program.functionInfo(c.fn).name}${unchecked}`;
}
