//! Source positions: what every stage from the parser to a trap's stack names.

/** A 1-based line and column in a module's source text. */
export interface Pos {
  readonly line: number;
  readonly col: number;
}
