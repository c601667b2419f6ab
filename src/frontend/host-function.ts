//! The definition a `host fn f(..) -> T;` gets: a body that calls the host
//! function `f` with its parameters and returns what it returns (IR `host`).
//! So a host function is an ordinary function to every tier and to loads: it
//! is called through its stub, and a later module may redefine it (with a
//! Rejit body, or as a host function again).
//!
//! Which names a session's host gives, and the types a host function may
//! take, are checked by `check-module.ts`; the call itself is the session's
//! (`core/host-function.ts`).

import type { FnItem } from './ast.js';
import type { Expr, IrFunction, Stmt } from '../ir/ir.js';
import type { FunctionInfo } from '../core/program.js';
import type { ValueType } from '../ir/types.js';

export function hostFunctionIr(fn: FunctionInfo, item: FnItem, fileName: string): IrFunction {
  const locals = item.params.map((p, i) => ({ name: p.name, type: fn.params[i] as ValueType }));
  const args: Expr[] = locals.map((l, i) => ({ op: 'local', type: l.type, local: i }));
  const call: Expr = { op: 'host', type: fn.result, name: fn.name, args, pos: item.pos };
  const body: Stmt[] = fn.result === 'void' ? [{ op: 'drop', value: call }, { op: 'return', value: null }] : [{ op: 'return', value: call }];
  return { id: fn.id, name: fn.name, fileName, pos: item.pos, paramCount: locals.length, locals, result: fn.result, body, pointCount: 0 };
}
