//! Resuming interpreted execution from frame states (deoptimization and
//! on-stack replacement into the interpreter).
//!
//! A resume entry continues a function from one program point: after a call
//! or load statement, or at the start of the next iteration of a loop. It is
//! built on first use from the point's path: each enclosing statement gets a
//! closure that finishes it from inside (a block absorbs its break, a loop
//! runs its remaining iterations), followed by the rest of its statement
//! list. Normal code is untouched: the entry reuses the ordinary compilers
//! for everything after the point.

import { ENTRY_POINT, type FrameState, type IrFunction, type Stmt } from '../ir/ir.js';
import { isNesting } from '../ir/operands.js';
import { unreachable } from '../ir/ops.js';
import type { Program } from '../core/program.js';
import { Trap } from '../core/trap.js';
import { NORMAL, breakCode, continueCode, type StmtFn, type Val } from './closures.js';
import type { Code } from './code.js';
import { compileSeq, compileStmt } from './compile-stmt.js';
import type { Ctx } from './context.js';
import { pointPath, pointStmt, type PointPath } from './frame-state.js';
import { entryOf, unwindOutermost } from '../core/unwind.js';

/**
 * The closure that continues `code` from program point `point` (at
 * ENTRY_POINT, the whole call); `before`: at the call at `point`, which then
 * runs first.
 */
export function resumeEntry(code: Code, point: number, before = false): StmtFn {
  if (point === ENTRY_POINT) return code.body;
  const entries = before ? code.resumesBefore : code.resumes;
  let entry = entries[point];
  if (!entry) {
    entry = build(code.cx, code.ir.body, pointPath(code.ir, point), 0, before);
    entries[point] = entry;
  }
  return entry;
}

function build(cx: Ctx, stmts: readonly Stmt[], path: PointPath, depth: number, before: boolean): StmtFn {
  const step = path[depth] as PointPath[number];
  const s = stmts[step.index] as Stmt;
  const rest = compileSeq(cx, stmts.slice(step.index + 1));
  let inner: StmtFn | null = null;
  if (depth === path.length - 1) {
    // At a call or load the statement is done (unless `before`); at a loop header the whole loop runs again.
    if (s.op === 'loop' || before) inner = compileStmt(cx, s);
  } else {
    inner = finishFrom(cx, s, path, depth, before);
  }
  if (inner === null) return rest;
  const first = inner;
  return (f) => first(f) || rest(f);
}

/** A closure that finishes `s`, the statement at step `depth` of `path`, from inside it. */
function finishFrom(cx: Ctx, s: Stmt, path: PointPath, depth: number, before: boolean): StmtFn {
  if (!isNesting(s)) throw new Error(`a program point's path passes through '${s.op}'`);
  const step = path[depth] as PointPath[number];
  switch (s.op) {
    case 'if': return build(cx, step.branch === 0 ? s.then : s.else, path, depth + 1, before);
    case 'block': {
      const body = build(cx, s.body, path, depth + 1, before);
      const brk = breakCode(s.label);
      return (f) => {
        const c = body(f);
        return c === brk ? NORMAL : c;
      };
    }
    case 'loop': {
      const body = build(cx, s.body, path, depth + 1, before);
      const loop = compileStmt(cx, s);
      const brk = breakCode(s.label);
      const cont = continueCode(s.label);
      return (f) => {
        const c = body(f);
        if (c === NORMAL || c === cont) return loop(f);
        return c === brk ? NORMAL : c;
      };
    }
    default: return unreachable(s);
  }
}

/**
 * Runs a stack of frames, outermost first: the innermost from its point, each
 * outer one from the call it stands at, receiving the inner one's result.
 * A trap gets an entry per frame (the outer ones at their calls). Before a
 * frame runs, `counted` gets how many of it and the frames outside it count
 * toward the frame limit (those of functions that call, `core/limits.ts`):
 * an inner frame that has returned no longer counts.
 */
export function resumeFrames(program: Program, codeFor: (ir: IrFunction) => Code, frames: readonly FrameState[], counted: (frames: number) => void = () => {}): Val | undefined {
  const irOf = (s: FrameState): IrFunction => {
    const ir = s.ir ?? program.functionInfo(s.fn).ir;
    if (!ir) throw new Error(`cannot resume function ${s.fn}: it has no definition`);
    return ir;
  };
  const codes = frames.map((s) => codeFor(irOf(s)));
  let counting = codes.filter((code) => code.calls).length;
  let value: Val | undefined;
  for (let i = frames.length - 1; i >= 0; i--) {
    const state = frames[i] as FrameState;
    const code = codes[i] as Code;
    const ir = code.ir;
    const fr = code.frame(state.locals);
    counted(counting);
    if (i < frames.length - 1) {
      const call = pointStmt(ir, state.point);
      if (call.op !== 'call') throw new Error(`an outer frame of ${ir.name} must stand at a call, not at point ${state.point}`);
      if (call.result >= 0) fr[call.result] = value as Val;
    }
    try {
      resumeEntry(code, state.point, i === frames.length - 1 && state.before === true)(fr);
    } catch (e) {
      const t = unwindOutermost(e, code);
      if (t instanceof Trap) {
        for (let j = i - 1; j >= 0; j--) {
          const outer = codes[j] as Code;
          const call = pointStmt(outer.ir, (frames[j] as FrameState).point);
          t.frames.push(entryOf(outer, call.op === 'call' ? call.pos : outer.ir.pos));
        }
      }
      throw t;
    }
    value = ir.result === 'void' ? undefined : fr[code.ret];
    if (code.calls) counting--;
  }
  return value;
}
