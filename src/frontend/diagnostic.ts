//! Compile-time diagnostics: structured for the API, rendered for people as
//! `FILE:LINE:COL: error: message`, the source line, and a caret.

import type { Pos } from './ast.js';

/** One compile error: the file, 1-based line and column, and the message. */
export interface Diagnostic {
  readonly fileName: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** A diagnostic at `pos` of `fileName`. */
export function diagnostic(fileName: string, pos: Pos, message: string): Diagnostic {
  return { fileName, line: pos.line, col: pos.col, message };
}

/** Renders one diagnostic; `source` is the module's text, when known, for the caret line. */
export function formatDiagnostic(d: Diagnostic, source?: string): string {
  const head = `${d.fileName}:${d.line}:${d.col}: error: ${d.message}`;
  if (source === undefined) return head;
  const text = source.split(/\r?\n/)[d.line - 1];
  if (text === undefined) return head;
  // Tabs keep their width so the caret stands under the right character.
  const pad = text.slice(0, Math.max(0, d.col - 1)).replace(/[^\t]/g, ' ');
  return `${head}\n    ${text}\n    ${pad}^`;
}

/** Thrown by `Session.load` (and by the front end) when a module has errors; the session is unchanged. */
export class CompileError extends Error {
  /** Node-style error code. */
  readonly code = 'ERR_REJIT_COMPILE';

  constructor(
    readonly diagnostics: readonly Diagnostic[],
    /** Module texts by file name, for rendering. */
    readonly sources: ReadonlyMap<string, string> = new Map(),
  ) {
    super(diagnostics.map((d) => `${d.fileName}:${d.line}:${d.col}: error: ${d.message}`).join('\n'));
    this.name = 'CompileError';
  }

  /** Every diagnostic as `FILE:LINE:COL: error: MESSAGE`, with the source line and a caret where the source is known. */
  format(): string {
    return this.diagnostics.map((d) => formatDiagnostic(d, this.sources.get(d.fileName))).join('\n');
  }
}
