//! WebAssembly value types, reference types and the typed indices of a
//! module's index spaces, with their binary encodings.
//!
//! Only the types Rejit emits are here: no v128 and no typed function
//! references (Node 20 has them behind flags only).

export const VAL_TYPES = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  funcref: 0x70,
  externref: 0x6f,
} as const;

export type ValType = keyof typeof VAL_TYPES;
export type RefType = 'funcref' | 'externref';

/** Indices into a module's index spaces, branded so that a function index cannot be passed where a type index is meant. */
export type Index<Space extends string> = number & { readonly __space: Space };
export type TypeIdx = Index<'type'>;
export type FuncIdx = Index<'func'>;
export type TableIdx = Index<'table'>;
export type GlobalIdx = Index<'global'>;
export type TagIdx = Index<'tag'>;
export type DataIdx = Index<'data'>;

export interface FuncSig {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/** A block's signature: empty (omitted), one result type, or a function type for multi-value blocks. */
export type BlockType = ValType | TypeIdx | undefined;

/** Limits of a memory (in 64 KiB pages) or a table (in entries); `shared` needs `max`. */
export interface Limits {
  readonly min: number;
  readonly max?: number;
  readonly shared?: boolean;
}

export const VAL_TYPE_NAMES: ReadonlyMap<number, ValType> = new Map(
  Object.entries(VAL_TYPES).map(([name, code]) => [code, name as ValType]),
);

export function sigKey(sig: FuncSig): string {
  return `${sig.params.join(' ')} -> ${sig.results.join(' ')}`;
}
