//! Internal errors: a fault of the runtime rather than of the program (a
//! wasm RuntimeError, an engine CompileError or LinkError, a JavaScript
//! exception in the runtime or in a host callback, a worker that died). Unlike
//! a trap, it means Rejit itself is wrong or broken: it stops the whole run,
//! and it is reported as what is known of it (the message, the Rejit frame
//! that was running when the fault came from compiled code) with a request
//! to report it. Finding the frame is the tiers' business (`session.ts`).

import type { StackEntry } from './trap.js';

/** The line that follows an internal error on the command line. */
export const REPORT_REQUEST = 'This is a bug in Rejit, not in the program: please report it, with the program that shows it.';

/** A fault of Rejit itself, not of the program (an engine or runtime error): reported with a request to report it. */
export class InternalError extends Error {
  /** Node-style error code. */
  readonly code = 'ERR_REJIT_INTERNAL';

  constructor(
    message: string,
    /** The innermost Rejit frame when it is known. */
    readonly where: StackEntry | null = null,
    /** What was thrown. */
    readonly fault?: unknown,
    /** Whether `where` is the position of the fault, rather than that of its function. */
    readonly exact = false,
  ) {
    super(message);
    this.name = 'InternalError';
  }

  /** Wraps what the runtime threw: an InternalError stays as it is. */
  static from(e: unknown, where: StackEntry | null = null, exact = false): InternalError {
    return e instanceof InternalError ? e : new InternalError(describeFault(e), where, e, exact);
  }

  /**
   * `internal error: MESSAGE`, then `  at FUNCTION (FILE:LINE:COL)` when the
   * position of the fault is known, or `  in FUNCTION (declared at
   * FILE:LINE:COL)` when only its function is.
   */
  format(): string {
    const w = this.where;
    if (!w) return `internal error: ${this.message}`;
    const at = `${w.fileName}:${w.pos.line}:${w.pos.col}`;
    return `internal error: ${this.message}\n${this.exact ? `  at ${w.fn} (${at})` : `  in ${w.fn} (declared at ${at})`}`;
  }
}

/** `Name: message` of a thrown value, without its JavaScript stack. */
export function describeFault(e: unknown): string {
  if (e instanceof Error) return e.message === '' ? e.name : `${e.name}: ${e.message}`;
  return `thrown value ${String(e)}`;
}
