//! Traps: the errors a Rejit program can raise at run time. Every tier raises
//! the same kinds with the same messages; a trap stops the whole run.

import type { Pos } from '../ir/pos.js';

/** Each trap kind and the message printed for it. */
export const TRAP_MESSAGES = {
  divisionByZero: 'division by zero',
  integerOverflow: 'integer overflow',
  invalidConversion: 'invalid conversion to integer',
  nullReference: 'null reference',
  indexOutOfBounds: 'index out of bounds',
  negativeLength: 'negative array length',
  badCast: 'bad cast',
  abstractCall: 'abstract method called',
  undefinedFunction: 'call to undefined function',
  deletedObject: 'use of deleted object',
  assertionFailed: 'assertion failed',
  stackOverflow: 'stack overflow',
  outOfMemory: 'out of memory',
  loadFailed: 'load failed',
  hostFunction: 'host function failed',
  interrupted: 'interrupted',
  timeout: 'timeout',
} as const;

/** What a trap is about: one of `TRAP_MESSAGES`'s keys. */
export type TrapKind = keyof typeof TRAP_MESSAGES;

/** One Rejit frame of a trap's call stack: the function and where it stood. */
export interface StackEntry {
  readonly fn: string;
  readonly fileName: string;
  readonly pos: Pos;
}

/** Frames shown at each end of a long stack. */
const SHOWN_FRAMES = 10;
/** Frames kept at each end of a deep stack (a stack overflow unwinds through tens of thousands). */
export const KEPT_FRAMES = 50;

/**
 * A trap's call stack, innermost first, as the tiers push entries while the
 * trap unwinds: it keeps the first and the last `KEPT_FRAMES` entries and
 * counts the ones in between that it drops, so that a trap's size does not
 * grow with the depth of the stack.
 */
export class TrapFrames extends Array<StackEntry> {
  /** Entries dropped from the middle. */
  omitted = 0;

  /** Copies (`map`, `slice`, ...) are plain arrays. */
  static get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  override push(...entries: StackEntry[]): number {
    for (const e of entries) {
      if (this.length === 2 * KEPT_FRAMES) {
        this.splice(KEPT_FRAMES, 1);
        this.omitted++;
      }
      super.push(e);
    }
    return this.length;
  }
}

/** A Rejit trap (docs/CONVENTIONS.md): its kind, file and position, and the Rejit call stack, innermost first. */
export class Trap extends Error {
  /** Node-style error code, the same for every trap (`kind` says which). */
  readonly code = 'ERR_REJIT_TRAP';
  /**
   * Innermost frame first, filled in as the trap unwinds: of a deep stack,
   * the first and last `KEPT_FRAMES`, with `frames.omitted` counting the
   * frames between them.
   */
  readonly frames = new TrapFrames();

  constructor(
    readonly kind: TrapKind,
    readonly fileName: string,
    readonly pos: Pos,
    /** Extra lines (the diagnostics of a failed load). */
    readonly detail: string = '',
  ) {
    super(TRAP_MESSAGES[kind]);
    this.name = 'Trap';
  }

  /**
   * `file.rj:3:7: trap: division by zero`, the detail, then `  at f (file.rj:3:7)`
   * per frame; a stack deeper than 20 frames shows its first and last 10,
   * and how many frames are between them.
   */
  format(): string {
    const head = `${this.fileName}:${this.pos.line}:${this.pos.col}: trap: ${this.message}`;
    const lines = [head];
    if (this.detail) lines.push(this.detail);
    const at = (e: StackEntry): string => `  at ${e.fn} (${e.fileName}:${e.pos.line}:${e.pos.col})`;
    if (this.frames.length <= 2 * SHOWN_FRAMES) {
      for (const e of this.frames) lines.push(at(e));
    } else {
      for (const e of this.frames.slice(0, SHOWN_FRAMES)) lines.push(at(e));
      lines.push(`  ... ${this.frames.length - 2 * SHOWN_FRAMES + this.frames.omitted} more frames`);
      for (const e of this.frames.slice(-SHOWN_FRAMES)) lines.push(at(e));
    }
    return lines.join('\n');
  }
}
