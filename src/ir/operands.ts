//! The operands of IR expressions and statements, and the statements nested
//! in statements, for analyses that walk the IR without caring about every
//! node kind.

import type { AtomicPlace, Expr, Stmt } from './ir.js';

/** The expressions a statement evaluates itself (not those of the statements it contains). */
export function stmtOperands(s: Stmt): Expr[] {
  switch (s.op) {
    case 'setLocal':
    case 'setGlobal': return [s.value];
    case 'setElem': return [s.array, s.index, s.value];
    case 'call': return [...s.args];
    case 'if': return [s.cond];
    case 'setField': return [s.object, s.value];
    case 'drop': return [s.value];
    case 'atomicStore': return [...placeOperands(s.place), s.value];
    case 'print': return s.args.flatMap((a) => (a.kind === 'value' ? [a.value] : []));
    case 'printFixed': return [s.value, s.digits];
    case 'assert': return [s.cond];
    case 'delete': return [s.value];
    case 'sleep': return [s.ms];
    case 'return': return s.value ? [s.value] : [];
    default: return [];
  }
}

function placeOperands(p: AtomicPlace): Expr[] {
  switch (p.kind) {
    case 'global': return [];
    case 'field': return [p.object];
    case 'elem': return [p.array, p.index];
  }
}

/** Calls `f` on each direct operand of `e`. */
export function forEachOperand(e: Expr, f: (e: Expr) => void): void {
  switch (e.op) {
    case 'binary':
    case 'logical': f(e.left); f(e.right); return;
    case 'unary':
    case 'convert': f(e.operand); return;
    case 'math': e.args.forEach(f); return;
    case 'getField': f(e.object); return;
    case 'getElem': f(e.array); f(e.index); return;
    case 'length': f(e.array); return;
    case 'newArray': f(e.length); return;
    case 'isInstance':
    case 'cast': f(e.value); return;
    case 'atomicLoad': placeOperands(e.place).forEach(f); return;
    case 'atomicAdd': placeOperands(e.place).forEach(f); f(e.value); return;
    case 'atomicCas': placeOperands(e.place).forEach(f); f(e.expected); f(e.replacement); return;
    default: return;
  }
}

/** Calls `f` on each statement of `stmts` and of the statements they contain, in order, each before those it contains. */
export function forEachStmt(stmts: readonly Stmt[], f: (s: Stmt) => void): void {
  for (const s of stmts) {
    f(s);
    if (s.op === 'if') {
      forEachStmt(s.then, f);
      forEachStmt(s.else, f);
    } else if (s.op === 'block' || s.op === 'loop') {
      forEachStmt(s.body, f);
    }
  }
}
