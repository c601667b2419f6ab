//! The layout of Rejit's one shared memory: every tier and every thread reads
//! and writes objects, arrays and globals at the addresses given here.
//!
//! ```
//! 0        64 KiB     192 KiB         258 KiB      514 KiB       770 KiB       1 MiB + 2 KiB       1.25 MiB + 2 KiB  1.5 MiB + 2 KiB  1.75 MiB + 2 KiB
//! | control | globals | thread blocks | stub slots  | class table | code states | definition words | code origins    | code profiles   |
//!
//! 1.75 MiB + 2 KiB  2 MiB + 2 KiB  2.25 MiB + 2 KiB  2.5 MiB + 2 KiB = HEAP_BASE
//! | generations     | code holds   | free code ids   | heap: chunks handed to threads ...
//!
//! (Control: the control words, and from 32 KiB a state byte per global. 66 thread blocks of
//! 1 KiB: one per thread of a run, the coordinator's and the compiler's.)
//! ```
//!
//! Stub slots: one i32 per function id, the table index of the function's
//! current code (negative: the code id of a definition not compiled yet; 0:
//! no definition). Definition words: one i32 per function id, the code id its
//! current definition got when it was loaded; relinking never changes it, so
//! code that inlined a definition checks it to know the body is still current. Class table: one i32 per class id, the
//! address of the class's metadata block (size, depth, ancestors, vtable),
//! which compiled code reads for casts and virtual calls.
//!
//! Address 0 is `null`; nothing is ever allocated below HEAP_BASE.
//!
//! Objects:  `[classId: i32][sizeClass: i32][fields ...]`, fields at fixed offsets
//!           (inherited first, each aligned to its size), size rounded to 8.
//! Arrays:   `[~arrayType: i32][length: i32][elements ...]`, length at ARRAY_LENGTH,
//!           elements at ARRAY_DATA. `arrayType` is the array's full type
//!           (`core/array-types.ts`: 0..3 for i32, i64, f64 and bool elements,
//!           one id per reference element type, `A[]`, `B[]`, `A[][]` apart).
//! Freed:    `[next free block: i32][unchanged ...]`: the first word links the
//!           block into its free list (0 ends the list); every other word
//!           keeps what it held, so a freed array's length still fits its block.
//!           A link is 0 or at least HEAP_BASE, so it is neither a class id
//!           (below MAX_CLASSES) nor an array header (`~type`, at least
//!           2^32 - MAX_ARRAY_TYPES): `delete` of a freed block is a no-op,
//!           a class test of it fails and a method call on it traps.
//!
//! A block's shape (its class, or its array type and size class) is fixed
//! when bump allocation first hands it out and never changes: a freed block
//! is reused only for its own shape (type-stable reuse), so a stale
//! reference always sees a well-formed block of its static type. The
//! header words are never program-writable; the link is only in the first.
//!
//! Allocation (the same algorithm in the interpreter and in compiled code):
//! sizes round up to 8 bytes; a size of at most SMALL_LIMIT bytes has an exact
//! size class (size/8), a larger one rounds up to a power of two. Each thread
//! owns a bump region (in its thread block) and a free-list table (its
//! address at TB_FREE_LISTS, taken from the heap top when the thread's heap
//! is made): one list per class id, then one per array type and size class
//! (`freeList`). A block is taken from its shape's free list if that is not
//! empty; else a block of CHUNK_SIZE bytes or more comes straight from the
//! shared heap top; else from the bump region, and a thread whose bump region
//! is too short abandons its rest and takes a new CHUNK_SIZE chunk from the
//! heap top. The heap top moves by compare-and-swap, never past MAXIMUM_PAGES
//! (out of memory), and the taker grows the memory to cover it. A freed block
//! goes onto the freeing thread's list for its shape. Fresh memory is zero; a
//! reused block is zeroed on allocation. A pop takes the link in the head
//! block's first word unless that word is the block's own header (another
//! thread reused it meanwhile): then the list ends. Runtime blocks on the
//! heap (class metadata) have a first word of 0: no program reaches them, and
//! `delete` would leave them alone. (`core/heap.ts` is the reference
//! implementation.)

import type { ValueType } from '../ir/types.js';

export const WASM_PAGE = 65536;

// Control words (byte addresses of i32 words unless noted).
/** Next free byte of the shared heap (i32, atomic). */
export const HEAP_TOP = 8;
/** Number of threads in the current run (i32). */
export const THREAD_COUNT = 12;
/**
 * Nonzero while any thread must leave its fast path at the next poll (a stop
 * or a handshake is pending). Every loop back-edge and function entry loads
 * it; this one word is the whole cost of a poll. It has a cache line of its
 * own, away from the words that threads write often (heap top, barrier, locks).
 */
export const POLL_REQUEST = 64;
/** Why the run stops (`StopReason`), 0 while it runs. */
export const STOP_REASON = 20;
/** Number of modules published in the load log: the code epoch. */
export const LOAD_EPOCH = 24;
/** Held (1) by the thread that is loading a module; loads are serialized. */
export const LOAD_LOCK = 28;
/** Threads that have arrived at the current barrier. */
export const BARRIER_ARRIVED = 32;
/** Bumped each time a barrier opens; waiters sleep on it. */
export const BARRIER_GENERATION = 36;
/** Threads of the current run that have not yet finished. */
export const LIVE_THREADS = 40;
/** Held (1) while a thread writes a line of output. */
export const PRINT_LOCK = 44;
/** Code indices handed out so far from fresh memory, by loads and by relinking on any thread (`core/code-ids.ts`). */
export const CODE_IDS_TAKEN = 48;
/** Held (1) while a thread takes or frees code ids (`core/code-ids.ts`). */
export const CODE_IDS_LOCK = 52;
/** How many freed code indices wait on the free stack for reuse. */
export const FREE_CODE_IDS = 56;
/** Code ids taken since the last sweep: a sweep is due after enough of them (`core/code-ids.ts`). */
export const CODE_IDS_SINCE_SWEEP = 60;
/** Full collections the threads of the run have led (`backend/full-collection.ts`); a cache line away from the poll request. */
export const FULL_COLLECTIONS = 128;

/**
 * One byte per global id in the control region, its `GlobalState` bits
 * (`core/global-states.ts`): whether it has been stored since its
 * initializer, and whether optimized code folded it.
 */
export const GLOBAL_STATES = 32 * 1024;

export const GLOBALS_BASE = 64 * 1024;
/** Each global takes one 8-byte slot, whatever its type. */
export const GLOBAL_SLOT = 8;
export const MAX_GLOBALS = 16384;

export const THREADS_BASE = GLOBALS_BASE + GLOBAL_SLOT * MAX_GLOBALS;
export const THREAD_BLOCK_SIZE = 1024;
export const MAX_THREADS = 64;
/**
 * The thread block of a threaded session's coordinator (the main thread): it
 * loads modules, and so allocates class metadata, while the workers run, so
 * it must not share a worker's bump region. It never runs program code.
 */
export const COORDINATOR_THREAD = MAX_THREADS;
/** The thread block of a threaded session's optimizing compiler, which replays loads (and so allocates) but never runs program code. */
export const COMPILER_THREAD = MAX_THREADS + 1;
// Offsets inside a thread block.
export const TB_BUMP = 0;
export const TB_BUMP_END = 4;
/** The address of the thread's free-list table (`freeList`). */
export const TB_FREE_LISTS = 8;
/** The load epoch this thread has applied (its acknowledgement of a handshake). */
export const TB_ACK_EPOCH = 512;
/** `ThreadState`: whether the thread runs program code and so must acknowledge handshakes itself. */
export const TB_STATE = 516;
/** Frames of functions that call, on this thread (`core/limits.ts`). */
export const TB_DEPTH = 520;

export const STUB_SLOTS_BASE = THREADS_BASE + THREAD_BLOCK_SIZE * (MAX_THREADS + 2);
export const MAX_FUNCTIONS = 65536;
export const CLASS_TABLE_BASE = STUB_SLOTS_BASE + 4 * MAX_FUNCTIONS;
export const MAX_CLASSES = 65536;

/**
 * Code states: one i32 per code index (`codeIndex`) (`CodeState`), through which threads
 * agree on who compiles a definition, so that it is compiled once.
 */
export const CODE_STATES_BASE = CLASS_TABLE_BASE + 4 * MAX_CLASSES;
export const MAX_CODES = 65536;
/**
 * Code ids kept for definitions: optimized and relinked versions take ids
 * only while more than MAX_CODES - VERSION_IDS_BELOW are left, so that loads
 * never lack them for an optimization.
 */
export const VERSION_IDS_BELOW = MAX_CODES - 8192;

export const DEFINITIONS_BASE = CODE_STATES_BASE + 4 * MAX_CODES;

/**
 * A code id is a code index (below MAX_CODES: the version's place in each
 * thread's table and in the per-code words) and a generation above it,
 * bumped each time the index is freed, so that an id is never given out
 * twice (a stale id in an instance's import or a compare never matches the
 * version that reuses its index). Generations stay below 2^14: every id is
 * below 2^30, where the ids of on-stack replacement entries start.
 */
export const CODE_GENERATIONS = 1 << 14;

/**
 * Code origins: one i32 per code index (`codeIndex`), the definition code id that an
 * optimized version was made of (0 for every other id), written by the
 * thread that takes the id before any slot names it, so that every thread
 * knows what the id stands for.
 */
export const CODE_ORIGINS_BASE = DEFINITIONS_BASE + 4 * MAX_FUNCTIONS;

/**
 * Profiles: one i32 per code index (`codeIndex`), the address of the profile block of a
 * definition's baseline code (0: none), which that code fills as it runs
 * and the optimizing tier reads (`passes/profile.ts`).
 */
export const CODE_PROFILES_BASE = CODE_ORIGINS_BASE + 4 * MAX_CODES;

/** Generations: one i32 per code index, the generation of the id that has it now (`core/code-ids.ts`). */
export const CODE_GENERATIONS_BASE = CODE_PROFILES_BASE + 4 * MAX_CODES;
/**
 * Holds: one i32 per code index, how many holds the threads have on its id
 * (each thread one for every version it keeps, the taker one until the id
 * is named where others find it); -1 while the index is free.
 */
export const CODE_HOLDS_BASE = CODE_GENERATIONS_BASE + 4 * MAX_CODES;
/** The free stack: FREE_CODE_IDS code indices, freed and waiting for reuse. */
export const FREE_CODES_BASE = CODE_HOLDS_BASE + 4 * MAX_CODES;

export const HEAP_BASE = FREE_CODES_BASE + 4 * MAX_CODES;
/** A thread takes this much from the shared heap at a time (more for a larger block). */
export const CHUNK_SIZE = 1 << 20;

export const HEADER_SIZE = 8;
/** Offset of an object's size class and of an array's length (i32). */
export const OBJECT_SIZE_CLASS = 4;
export const ARRAY_LENGTH = 4;
/** Offset of an array's first element. */
export const ARRAY_DATA = HEADER_SIZE;
export const SMALL_LIMIT = 512;
/** The largest block a size class can describe (class 64+22: 2^31 bytes): a larger array is out of memory. */
export const MAX_BLOCK = 2 ** 31;
/** No array is longer: its block, at least 4 bytes an element, fits in MAX_BLOCK. */
export const MAX_ARRAY_LENGTH = (MAX_BLOCK - HEADER_SIZE) / 4;
/** Size classes 1..64 hold exact sizes 8..512; class 64+k holds blocks of 2^(9+k) bytes. */
export const SIZE_CLASSES = 96;

/** Memory sizes in 64 KiB pages: start small, grow on demand up to 4 GiB less a page. */
export const INITIAL_PAGES = 256;
export const MAXIMUM_PAGES = 65535;

/** Array types that have free lists; a header `~type` is at least 2^32 - MAX_ARRAY_TYPES (as unsigned). */
export const MAX_ARRAY_TYPES = 1024;
/** Bytes of a thread's free-list table: one head per class id, then SIZE_CLASSES per array type. */
export const FREE_LIST_TABLE_SIZE = 4 * (MAX_CLASSES + MAX_ARRAY_TYPES * SIZE_CLASSES);

/** Byte offset in the free-list table of the head for a class id (objects). */
export function objectFreeList(classId: number): number {
  return 4 * classId;
}

/** Byte offset in the free-list table of the head for arrays of `arrayType` in size class `cls`. */
export function arrayFreeList(arrayType: number, cls: number): number {
  return 4 * (MAX_CLASSES + arrayType * SIZE_CLASSES + cls);
}

export function globalAddress(id: number): number {
  return GLOBALS_BASE + GLOBAL_SLOT * id;
}

export function stubSlot(fn: number): number {
  return STUB_SLOTS_BASE + 4 * fn;
}

/** Address of code `id`'s state word (`core/code-sharing.ts`), which optimized code also reads as its validity. */
export function codeState(id: number): number {
  return CODE_STATES_BASE + 4 * codeIndex(id);
}

export function codeProfile(id: number): number {
  return CODE_PROFILES_BASE + 4 * codeIndex(id);
}

export function codeOrigin(id: number): number {
  return CODE_ORIGINS_BASE + 4 * codeIndex(id);
}

/** The index of code id `id`: its place in every thread's table and in the per-code words. */
export function codeIndex(id: number): number {
  return id & (MAX_CODES - 1);
}

export function definitionWord(fn: number): number {
  return DEFINITIONS_BASE + 4 * fn;
}

export function threadBlock(threadId: number): number {
  return THREADS_BASE + THREAD_BLOCK_SIZE * threadId;
}

/** Element kinds of arrays, and the array type ids of arrays of primitives (every reference array has an id of its own from Ref up). */
export const enum ElemKind {
  I32 = 0,
  I64 = 1,
  F64 = 2,
  Bool = 3,
  Ref = 4,
}

export function elemKind(t: ValueType): ElemKind {
  switch (t) {
    case 'i32': return ElemKind.I32;
    case 'i64': return ElemKind.I64;
    case 'f64': return ElemKind.F64;
    case 'bool': return ElemKind.Bool;
    default: return ElemKind.Ref;
  }
}

/** The element size of arrays of an element kind or of an array type id. */
export function elemSize(kindOrType: number): 4 | 8 {
  return kindOrType === ElemKind.I64 || kindOrType === ElemKind.F64 ? 8 : 4;
}

/** Bytes of an array block (header included) before rounding. */
export function arrayBytes(kindOrType: number, length: number): number {
  return ARRAY_DATA + elemSize(kindOrType) * length;
}

/** The size class of a block of `bytes` bytes, and the size it really takes. */
export function sizeClass(bytes: number): { readonly cls: number; readonly size: number } {
  const size = Math.max(8, (bytes + 7) & ~7);
  if (size <= SMALL_LIMIT) return { cls: size >>> 3, size };
  const log = 32 - Math.clz32(size - 1);
  return { cls: 64 + (log - 9), size: 2 ** log };
}
