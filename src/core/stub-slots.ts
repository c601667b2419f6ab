//! What a stub slot (`layout.stubSlot(fn)`) holds: the code id of its
//! function's current definition, negated until the code is compiled, or 0
//! when the function has no definition (`backend/baseline.ts` says who writes
//! which). These helpers are the only readers of the sign.

import { codeId, type CodeId } from '../ir/ids.js';

/** The slot word for definition `id` before its code is compiled. */
export const uncompiledWord = (id: CodeId): number => -id;

/** The code id a slot word names (0: none). */
export const namedCodeId = (word: number): CodeId => codeId(Math.abs(word));

/** Whether a slot word names a definition whose code is not compiled yet. */
export const isUncompiledWord = (word: number): boolean => word < 0;
