//! Command-line values of the benchmark scripts.

/** The value of `option` as a positive integer, undefined when it is not given; throws on anything else. */
export function positiveInteger(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${option} takes a positive integer, not '${text}'`);
  return n;
}
