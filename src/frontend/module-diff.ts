//! What changed between two versions of one module's text, as a load can
//! apply it to a running program (`rejit run --watch`): new items are added,
//! functions whose text changed are redefined, and every other change —
//! a function's signature, a class, a global or a const — is one that a
//! load cannot express (the language redefines functions only), so the
//! whole change is refused.
//!
//! Functions are compared with their positions, so that a function that
//! only moved (lines added above it) is redefined too and its traps report
//! where it now stands; classes, globals and consts are compared without
//! positions, so that moving them is no change. Items that disappeared are
//! listed, not unloaded: a loaded function stays.

import type { ClassItem, FnItem, Item, Module } from './ast.js';
import type { Pos } from '../ir/pos.js';

export interface RefusedChange {
  readonly name: string;
  readonly pos: Pos;
  readonly reason: string;
}

export interface ModuleChange {
  /** The items to load (in the order of the new text): added items and redefined functions. */
  readonly module: Module;
  readonly added: readonly string[];
  readonly redefined: readonly string[];
  /** Names in the old text that the new one lacks; they stay loaded. */
  readonly removed: readonly string[];
  /** Changes a load cannot apply; when there is any, nothing is applied. */
  readonly refused: readonly RefusedChange[];
}

const POSITION_KEYS: ReadonlySet<string> = new Set(['pos', 'namePos', 'classPos']);

/** Structural equality of syntax trees; positions count only when `withPositions`. */
function same(a: unknown, b: unknown, withPositions: boolean): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a).filter((k) => withPositions || !POSITION_KEYS.has(k));
  if (keys.length !== Object.keys(b).filter((k) => withPositions || !POSITION_KEYS.has(k)).length) return false;
  return keys.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], withPositions));
}

function signatureOf(f: FnItem): unknown {
  return { hasSelf: f.hasSelf, params: f.params.map((p) => p.type), result: f.result };
}

function itemWord(item: Item): string {
  return item.kind === 'fn' ? 'function' : item.kind;
}

export function diffModule(before: Module, after: Module): ModuleChange {
  const old = new Map(before.items.map((i) => [i.name, i]));
  const items: Item[] = [];
  const added: string[] = [];
  const redefined: string[] = [];
  const refused: RefusedChange[] = [];
  for (const item of after.items) {
    const was = old.get(item.name);
    if (!was) {
      items.push(item);
      added.push(item.name);
      continue;
    }
    if (was.kind !== item.kind) {
      refused.push({ name: item.name, pos: item.pos, reason: `'${item.name}' was a ${itemWord(was)} and is now a ${itemWord(item)}` });
    } else if (item.kind === 'fn') {
      const f = was as FnItem;
      if (!same(signatureOf(f), signatureOf(item), false)) {
        refused.push({ name: item.name, pos: item.pos, reason: `the signature of '${item.name}' changed: a redefinition keeps its parameter and result types` });
      } else if (item.body === null && f.body !== null) {
        refused.push({ name: item.name, pos: item.pos, reason: `'${item.name}' lost its body: a loaded definition cannot be removed` });
      } else if (!same(f, item, true)) {
        items.push(item);
        redefined.push(item.name);
      }
    } else if (!same(was, item, false)) {
      const what = item.kind === 'class' ? `class '${item.name}' changed: a loaded class, its fields and its methods cannot be redefined` : `${item.kind} '${item.name}' changed: a loaded ${item.kind} cannot be redefined`;
      refused.push({ name: item.name, pos: (item as ClassItem).pos, reason: what });
    }
  }
  const now = new Set(after.items.map((i) => i.name));
  const removed = before.items.filter((i) => !now.has(i.name)).map((i) => i.name);
  return { module: { fileName: after.fileName, items }, added, redefined, removed, refused };
}
