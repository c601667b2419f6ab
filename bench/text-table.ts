//! Plain-text tables of the benchmark scripts: columns padded to their widest cell.

/** `lines[0]` is the header; every line has a cell per column (missing ones are blank). */
export function formatTable(lines: readonly (readonly string[])[]): string {
  const widths = (lines[0] ?? []).map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  return lines.map((l) => l.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd()).join('\n');
}
