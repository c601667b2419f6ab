//! Renumbering the locals and labels of IR, as inlining a function body into
//! another needs: the body's locals and labels become the caller's, beside
//! its own; and putting expressions in place of an expression's locals, as
//! inlining a one-expression body needs.

import type { AtomicPlace, Expr, LabelId, LocalIndex, Stmt } from './ir.js';

export interface Renumbering {
  readonly local: (l: LocalIndex) => LocalIndex;
  readonly label: (l: LabelId) => LabelId;
}

export function renumberStmts(stmts: readonly Stmt[], r: Renumbering): Stmt[] {
  return stmts.map((s) => renumberStmt(s, r));
}

type LocalExpr = Extract<Expr, { op: 'local' }>;

function renumberStmt(s: Stmt, r: Renumbering): Stmt {
  const local = (x: LocalExpr): Expr => ({ ...x, local: r.local(x.local) });
  const e = (x: Expr): Expr => substituteLocals(x, local);
  switch (s.op) {
    case 'setLocal': return { ...s, local: r.local(s.local), value: e(s.value) };
    case 'setGlobal': return { ...s, value: e(s.value) };
    case 'setField': return { ...s, object: e(s.object), value: e(s.value) };
    case 'setElem': return { ...s, array: e(s.array), index: e(s.index), value: e(s.value) };
    case 'call': return { ...s, args: s.args.map(e), result: s.result < 0 ? s.result : r.local(s.result) };
    case 'drop': return { ...s, value: e(s.value) };
    case 'atomicStore': return { ...s, place: substitutePlace(s.place, local), value: e(s.value) };
    case 'print': return { ...s, args: s.args.map((a) => (a.kind === 'value' ? { ...a, value: e(a.value) } : a)) };
    case 'printFixed': return { ...s, value: e(s.value), digits: e(s.digits) };
    case 'assert': return { ...s, cond: e(s.cond) };
    case 'delete': return { ...s, value: e(s.value) };
    case 'sleep': return { ...s, ms: e(s.ms) };
    case 'if': return { ...s, cond: e(s.cond), then: renumberStmts(s.then, r), else: renumberStmts(s.else, r) };
    case 'block': return { ...s, label: r.label(s.label), body: renumberStmts(s.body, r) };
    case 'loop': return { ...s, label: r.label(s.label), body: renumberStmts(s.body, r) };
    case 'break':
    case 'continue': return { ...s, label: r.label(s.label) };
    case 'return': return { ...s, value: s.value && e(s.value) };
    case 'load':
    case 'barrier': return s;
  }
}

/** `x` with each of its locals replaced by what `local` makes of it. */
export function substituteLocals(x: Expr, local: (l: LocalExpr) => Expr): Expr {
  const e = (y: Expr): Expr => substituteLocals(y, local);
  switch (x.op) {
    case 'local': return local(x);
    case 'binary':
    case 'logical': return { ...x, left: e(x.left), right: e(x.right) };
    case 'unary':
    case 'convert': return { ...x, operand: e(x.operand) };
    case 'math': return { ...x, args: x.args.map(e) };
    case 'getField': return { ...x, object: e(x.object) };
    case 'getElem': return { ...x, array: e(x.array), index: e(x.index) };
    case 'length': return { ...x, array: e(x.array) };
    case 'newArray': return { ...x, length: e(x.length) };
    case 'isInstance':
    case 'cast': return { ...x, value: e(x.value) };
    case 'atomicLoad': return { ...x, place: substitutePlace(x.place, local) };
    case 'atomicAdd': return { ...x, place: substitutePlace(x.place, local), value: e(x.value) };
    case 'atomicCas': return { ...x, place: substitutePlace(x.place, local), expected: e(x.expected), replacement: e(x.replacement) };
    case 'const':
    case 'global':
    case 'newObject':
    case 'clock':
    case 'threadId':
    case 'threadCount': return x;
  }
}

function substitutePlace(p: AtomicPlace, local: (l: LocalExpr) => Expr): AtomicPlace {
  switch (p.kind) {
    case 'global': return p;
    case 'field': return { ...p, object: substituteLocals(p.object, local) };
    case 'elem': return { ...p, array: substituteLocals(p.array, local), index: substituteLocals(p.index, local) };
  }
}

/** The largest label of a block or loop in `stmts` (-1 for none). */
export function maxLabel(stmts: readonly Stmt[]): number {
  let max = -1;
  for (const s of stmts) {
    if (s.op === 'block' || s.op === 'loop') max = Math.max(max, s.label, maxLabel(s.body));
    else if (s.op === 'if') max = Math.max(max, maxLabel(s.then), maxLabel(s.else));
  }
  return max;
}
