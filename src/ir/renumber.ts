//! Renumbering the locals and labels of IR, as inlining a function body into
//! another needs: the body's locals and labels become the caller's, beside
//! its own.

import type { AtomicPlace, Expr, LabelId, LocalIndex, Stmt } from './ir.js';

export interface Renumbering {
  readonly local: (l: LocalIndex) => LocalIndex;
  readonly label: (l: LabelId) => LabelId;
}

export function renumberStmts(stmts: readonly Stmt[], r: Renumbering): Stmt[] {
  return stmts.map((s) => renumberStmt(s, r));
}

function renumberStmt(s: Stmt, r: Renumbering): Stmt {
  const e = (x: Expr): Expr => renumberExpr(x, r);
  switch (s.op) {
    case 'setLocal': return { ...s, local: r.local(s.local), value: e(s.value) };
    case 'setGlobal': return { ...s, value: e(s.value) };
    case 'setField': return { ...s, object: e(s.object), value: e(s.value) };
    case 'setElem': return { ...s, array: e(s.array), index: e(s.index), value: e(s.value) };
    case 'call': return { ...s, args: s.args.map(e), result: s.result < 0 ? s.result : r.local(s.result) };
    case 'drop': return { ...s, value: e(s.value) };
    case 'atomicStore': return { ...s, place: renumberPlace(s.place, r), value: e(s.value) };
    case 'print': return { ...s, args: s.args.map((a) => (a.kind === 'value' ? { ...a, value: e(a.value) } : a)) };
    case 'printFixed': return { ...s, value: e(s.value), digits: e(s.digits) };
    case 'assert': return { ...s, cond: e(s.cond) };
    case 'delete': return { ...s, value: e(s.value) };
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

function renumberExpr(x: Expr, r: Renumbering): Expr {
  const e = (y: Expr): Expr => renumberExpr(y, r);
  switch (x.op) {
    case 'local': return { ...x, local: r.local(x.local) };
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
    case 'atomicLoad': return { ...x, place: renumberPlace(x.place, r) };
    case 'atomicAdd': return { ...x, place: renumberPlace(x.place, r), value: e(x.value) };
    case 'atomicCas': return { ...x, place: renumberPlace(x.place, r), expected: e(x.expected), replacement: e(x.replacement) };
    case 'const':
    case 'global':
    case 'newObject':
    case 'clock':
    case 'threadId':
    case 'threadCount': return x;
  }
}

function renumberPlace(p: AtomicPlace, r: Renumbering): AtomicPlace {
  switch (p.kind) {
    case 'global': return p;
    case 'field': return { ...p, object: renumberExpr(p.object, r) };
    case 'elem': return { ...p, array: renumberExpr(p.array, r), index: renumberExpr(p.index, r) };
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
