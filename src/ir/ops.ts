//! The table of IR node kinds: every expression and statement kind of
//! `ir.ts` declared once, with the fields that hold its operands (in
//! evaluation order), its nested statement lists, the local it writes, the
//! label it defines or targets, and its program point.
//!
//! The generic walkers (`operands.ts`, `rewrite.ts`) read these tables, so an
//! analysis or rewrite that does not care about every kind handles a new kind
//! without change. Adding a kind to `ir.ts` without an entry here, or with an
//! operand or statement-list field the entry does not name, fails to compile.
//! What each kind means to a tier (its evaluation, its wasm) is not here: the
//! tiers switch over kinds exhaustively (`unreachable`).

import type { AtomicPlace, Expr, PrintArg, Stmt } from './ir.js';

/** How an operand field holds its expressions. */
interface SlotTypes {
  readonly expr: Expr;
  readonly exprs: readonly Expr[];
  /** An expression or null (`return` without a value). */
  readonly optExpr: Expr | null;
  /** An atomic's place, whose own operands (`PLACE_KINDS`) come in its position. */
  readonly place: AtomicPlace;
  /** `print` arguments: the values among them. */
  readonly printArgs: readonly PrintArg[];
}

export type SlotKind = keyof SlotTypes;

/** The fields of node `N` whose type is exactly `T`. */
type FieldOf<N, T> = { [F in keyof N]-?: [N[F]] extends [T] ? ([T] extends [N[F]] ? F : never) : never }[keyof N];

/** An operand field of `N` and how it holds its expressions. */
type Operand<N> = { [S in SlotKind]: readonly [FieldOf<N, SlotTypes[S]>, S] }[SlotKind];

type OperandField<N> = { [S in SlotKind]: FieldOf<N, SlotTypes[S]> }[SlotKind];

type ExprOf<K extends Expr['op']> = Extract<Expr, { op: K }>;
type StmtOf<K extends Stmt['op']> = Extract<Stmt, { op: K }>;
type PlaceOf<K extends AtomicPlace['kind']> = Extract<AtomicPlace, { kind: K }>;

export interface ExprInfo<N> {
  readonly operands: readonly Operand<N>[];
}

export interface StmtInfo<N> {
  readonly operands: readonly Operand<N>[];
  /** Nested statement lists (an `if`'s `then` and `else`, a body). */
  readonly children: readonly FieldOf<N, readonly Stmt[]>[];
  /** The local the statement assigns (a negative value: none). */
  readonly writes: FieldOf<N, number> | null;
  /** The label a block or loop defines (`break`/`continue` of it leave or repeat it). */
  readonly defines: FieldOf<N, number> | null;
  /** The label a `break` or `continue` targets. */
  readonly targets: FieldOf<N, number> | null;
  /** The field that numbers the statement's program point (calls, loads, loop headers). */
  readonly point: FieldOf<N, number> | null;
}

const none = [] as const;

export const EXPR_OPS = {
  const: { operands: none },
  local: { operands: none },
  global: { operands: none },
  binary: { operands: [['left', 'expr'], ['right', 'expr']] },
  unary: { operands: [['operand', 'expr']] },
  logical: { operands: [['left', 'expr'], ['right', 'expr']] },
  convert: { operands: [['operand', 'expr']] },
  math: { operands: [['args', 'exprs']] },
  getField: { operands: [['object', 'expr']] },
  getElem: { operands: [['array', 'expr'], ['index', 'expr']] },
  length: { operands: [['array', 'expr']] },
  newObject: { operands: none },
  newArray: { operands: [['length', 'expr']] },
  isInstance: { operands: [['value', 'expr']] },
  cast: { operands: [['value', 'expr']] },
  clock: { operands: none },
  threadId: { operands: none },
  threadCount: { operands: none },
  atomicLoad: { operands: [['place', 'place']] },
  atomicAdd: { operands: [['place', 'place'], ['value', 'expr']] },
  atomicCas: { operands: [['place', 'place'], ['expected', 'expr'], ['replacement', 'expr']] },
  host: { operands: [['args', 'exprs']] },
} as const satisfies { readonly [K in Expr['op']]: ExprInfo<ExprOf<K>> };

export const PLACE_KINDS = {
  global: { operands: none },
  field: { operands: [['object', 'expr']] },
  elem: { operands: [['array', 'expr'], ['index', 'expr']] },
} as const satisfies { readonly [K in AtomicPlace['kind']]: ExprInfo<PlaceOf<K>> };

const plain = { children: none, writes: null, defines: null, targets: null, point: null } as const;

export const STMT_OPS = {
  setLocal: { ...plain, operands: [['value', 'expr']], writes: 'local' },
  setGlobal: { ...plain, operands: [['value', 'expr']] },
  setField: { ...plain, operands: [['object', 'expr'], ['value', 'expr']] },
  setElem: { ...plain, operands: [['array', 'expr'], ['index', 'expr'], ['value', 'expr']] },
  call: { ...plain, operands: [['args', 'exprs']], writes: 'result', point: 'point' },
  load: { ...plain, operands: none, point: 'point' },
  drop: { ...plain, operands: [['value', 'expr']] },
  atomicStore: { ...plain, operands: [['place', 'place'], ['value', 'expr']] },
  print: { ...plain, operands: [['args', 'printArgs']] },
  printFixed: { ...plain, operands: [['value', 'expr'], ['digits', 'expr']] },
  assert: { ...plain, operands: [['cond', 'expr']] },
  delete: { ...plain, operands: [['value', 'expr']] },
  barrier: { ...plain, operands: none },
  sleep: { ...plain, operands: [['ms', 'expr']] },
  if: { ...plain, operands: [['cond', 'expr']], children: ['then', 'else'] },
  block: { ...plain, operands: none, children: ['body'], defines: 'label' },
  loop: { ...plain, operands: none, children: ['body'], defines: 'label', point: 'point' },
  break: { ...plain, operands: none, targets: 'label' },
  continue: { ...plain, operands: none, targets: 'label' },
  return: { ...plain, operands: [['value', 'optExpr']] },
} as const satisfies { readonly [K in Stmt['op']]: StmtInfo<StmtOf<K>> };

// Every operand field and statement list of a kind is in its entry, and a `point` field makes it a
// program point, a `label` field a label it defines or targets: these fail to compile otherwise.
type Listed<I> = I extends { readonly operands: readonly (readonly [infer F, SlotKind])[] } ? F : never;
type ListedChildren<I> = I extends { readonly children: readonly (infer F)[] } ? F : never;
type Named<K extends Stmt['op'], F extends string> = F extends keyof StmtOf<K> ? F : never;
type Unlisted =
  | { [K in Stmt['op']]: Exclude<Named<K, 'point'>, (typeof STMT_OPS)[K]['point']> }[Stmt['op']]
  | { [K in Stmt['op']]: Exclude<Named<K, 'label'>, (typeof STMT_OPS)[K]['defines'] | (typeof STMT_OPS)[K]['targets']> }[Stmt['op']]
  | { [K in Expr['op']]: Exclude<OperandField<ExprOf<K>>, Listed<(typeof EXPR_OPS)[K]>> }[Expr['op']]
  | { [K in AtomicPlace['kind']]: Exclude<OperandField<PlaceOf<K>>, Listed<(typeof PLACE_KINDS)[K]>> }[AtomicPlace['kind']]
  | { [K in Stmt['op']]: Exclude<OperandField<StmtOf<K>>, Listed<(typeof STMT_OPS)[K]>> }[Stmt['op']]
  | { [K in Stmt['op']]: Exclude<FieldOf<StmtOf<K>, readonly Stmt[]>, ListedChildren<(typeof STMT_OPS)[K]>> }[Stmt['op']];
true satisfies ([Unlisted] extends [never] ? true : { unlistedField: Unlisted });

/** Statement kinds with nested statement lists. */
export type NestingOp = { [K in Stmt['op']]: (typeof STMT_OPS)[K]['children'] extends readonly [] ? never : K }[Stmt['op']];
export type NestingStmt = Extract<Stmt, { op: NestingOp }>;

/** For the `default` of a switch that handles every kind: a new kind makes the call fail to compile. */
export function unreachable(x: never): never {
  const node = x as { readonly op?: string; readonly kind?: string } | string;
  throw new Error(`unhandled kind '${typeof node === 'object' ? (node.op ?? node.kind) : node}'`);
}
