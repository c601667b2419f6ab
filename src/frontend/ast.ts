//! Syntax tree of one Rejit module, as the parser builds it and the checker reads it.
//!
//! Every node carries the position of the token that names it; the checker
//! reports errors there and the IR keeps it for traps. The tree holds no
//! types and no resolved names: that is the checker's work.

import type { Pos } from '../ir/pos.js';

export type { Pos };

export type TypeExpr =
  | { readonly kind: 'named'; readonly name: string; readonly pos: Pos }
  | { readonly kind: 'array'; readonly elem: TypeExpr; readonly pos: Pos };

export interface Param {
  readonly name: string;
  readonly type: TypeExpr;
  readonly pos: Pos;
}

export interface FnItem {
  readonly kind: 'fn';
  readonly name: string;
  readonly pos: Pos;
  /** True for methods, whose first parameter is `self`. */
  readonly hasSelf: boolean;
  readonly params: readonly Param[];
  readonly result: TypeExpr | null;
  /** `null` for a declaration (or an abstract method): `fn f(..) -> T;`. */
  readonly body: Block | null;
  /** `host fn f(..) -> T;`: defined by the host function `f` given to the session (no body). */
  readonly host?: boolean;
}

export interface FieldDecl {
  readonly name: string;
  readonly type: TypeExpr;
  readonly pos: Pos;
}

export interface ClassItem {
  readonly kind: 'class';
  readonly name: string;
  readonly pos: Pos;
  readonly parent: { readonly name: string; readonly pos: Pos } | null;
  readonly fields: readonly FieldDecl[];
  readonly methods: readonly FnItem[];
}

export interface GlobalItem {
  readonly kind: 'global' | 'const';
  readonly name: string;
  readonly pos: Pos;
  readonly type: TypeExpr;
  readonly init: Expr;
}

export type Item = FnItem | ClassItem | GlobalItem;

export interface Module {
  readonly fileName: string;
  readonly items: readonly Item[];
}

export interface Block {
  readonly kind: 'block';
  readonly pos: Pos;
  readonly stmts: readonly Stmt[];
}

export type AssignOp =
  | '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '&=' | '|=' | '^=' | '<<=' | '>>=' | '>>>=';

export type Stmt =
  | Block
  | { readonly kind: 'let'; readonly pos: Pos; readonly name: string; readonly type: TypeExpr | null; readonly init: Expr }
  | { readonly kind: 'assign'; readonly pos: Pos; readonly op: AssignOp; readonly target: Expr; readonly value: Expr }
  | { readonly kind: 'if'; readonly pos: Pos; readonly cond: Expr; readonly then: Block; readonly else: Block | null }
  | { readonly kind: 'while'; readonly pos: Pos; readonly cond: Expr; readonly body: Block }
  | { readonly kind: 'for'; readonly pos: Pos; readonly name: string; readonly namePos: Pos; readonly from: Expr; readonly to: Expr; readonly body: Block }
  | { readonly kind: 'break'; readonly pos: Pos }
  | { readonly kind: 'continue'; readonly pos: Pos }
  | { readonly kind: 'return'; readonly pos: Pos; readonly value: Expr | null }
  | { readonly kind: 'delete'; readonly pos: Pos; readonly value: Expr }
  | { readonly kind: 'expr'; readonly pos: Pos; readonly expr: Expr };

export type BinaryOp =
  | '||' | '&&'
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '|' | '^' | '&' | '<<' | '>>' | '>>>'
  | '+' | '-' | '*' | '/' | '%';

export type UnaryOp = '-' | '!' | '~';

/**
 * Expressions. `pos` is the position a trap in this expression reports: the
 * operator token of a binary operator, `[` of an index, `.` of a field or
 * method call, `as` of a cast, and the first token of everything else.
 */
export type Expr =
  | { readonly kind: 'int'; readonly pos: Pos; readonly value: bigint; readonly text: string }
  | { readonly kind: 'float'; readonly pos: Pos; readonly value: number; readonly text: string }
  | { readonly kind: 'bool'; readonly pos: Pos; readonly value: boolean }
  | { readonly kind: 'null'; readonly pos: Pos }
  | { readonly kind: 'string'; readonly pos: Pos; readonly value: string }
  | { readonly kind: 'name'; readonly pos: Pos; readonly name: string }
  | { readonly kind: 'self'; readonly pos: Pos }
  | { readonly kind: 'unary'; readonly pos: Pos; readonly op: UnaryOp; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly pos: Pos; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  /** `f(args)`: a function or builtin call, or a conversion `i32(e)`. */
  | { readonly kind: 'call'; readonly pos: Pos; readonly callee: string; readonly args: readonly Expr[] }
  | { readonly kind: 'methodCall'; readonly pos: Pos; readonly receiver: Expr; readonly method: string; readonly args: readonly Expr[] }
  /** `o.f`, and also `a.length`: the checker tells them apart by type. */
  | { readonly kind: 'field'; readonly pos: Pos; readonly object: Expr; readonly field: string }
  | { readonly kind: 'index'; readonly pos: Pos; readonly array: Expr; readonly index: Expr }
  | { readonly kind: 'as' | 'is'; readonly pos: Pos; readonly value: Expr; readonly className: string; readonly classPos: Pos }
  | { readonly kind: 'newObject'; readonly pos: Pos; readonly className: string }
  | { readonly kind: 'newArray'; readonly pos: Pos; readonly elem: TypeExpr; readonly length: Expr };
