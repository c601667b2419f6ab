//! One thread's holds on code ids (`core/code-ids.ts`): the thread holds the
//! id of every version it keeps (installed code, a bridge, a relinking not
//! installed yet) and what that version's code reads by id (the state word of
//! the module it runs, the origin definition it unhooks its slot to), so that
//! no index it uses is freed and reused under it. Counted here, one shared
//! hold per id: the shared word changes only when the first is taken and the
//! last let go.

import type { CodeId } from '../ir/ids.js';
import { holdCodeId, releaseCodeId } from '../core/code-ids.js';

export class CodeHolds {
  private readonly counts = new Map<CodeId, number>();

  constructor(private readonly words: Int32Array) {}

  /** Holds `id` once more; false when the id is stale (its index was freed), and nothing is held then. */
  hold(id: CodeId): boolean {
    const n = this.counts.get(id) ?? 0;
    if (n === 0 && !holdCodeId(this.words, id)) return false;
    this.counts.set(id, n + 1);
    return true;
  }

  /** Makes the hold that taking `id` gave (`takeCodeIds`) one of this thread's. */
  adopt(id: CodeId): void {
    const n = this.counts.get(id) ?? 0;
    if (n > 0) releaseCodeId(this.words, id);
    this.counts.set(id, n + 1);
  }

  release(id: CodeId): void {
    const n = this.counts.get(id);
    if (n === undefined) throw new Error(`code ${id} released but not held`);
    if (n > 1) {
      this.counts.set(id, n - 1);
      return;
    }
    this.counts.delete(id);
    releaseCodeId(this.words, id);
  }

  /** How many ids this thread holds. */
  get size(): number {
    return this.counts.size;
  }
}
