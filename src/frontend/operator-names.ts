//! The IR operator of each source operator, for the checker and constant
//! evaluation; what the operators take and do is `ir/operators.ts`.

import type * as A from './ast.js';
import type { BinaryOp, UnaryOp } from '../ir/ir.js';

/** `&&` and `||` short-circuit: they are `logical` nodes, not operators. */
export const BINARY_OPS: Readonly<Record<Exclude<A.BinaryOp, '&&' | '||'>, BinaryOp>> = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'rem',
  '&': 'and', '|': 'or', '^': 'xor', '<<': 'shl', '>>': 'shr', '>>>': 'shru',
  '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge',
};

export const UNARY_OPS: Readonly<Record<A.UnaryOp, UnaryOp>> = { '-': 'neg', '!': 'not', '~': 'bitnot' };
