//! Values across the host boundary: the one place where a JavaScript value
//! becomes a Rejit value and back, for arguments, results, globals and array
//! elements. Every conversion is checked; none wraps or rounds silently
//! (docs/EMBEDDING.md, "Values across the boundary", is this file's table).
//!
//! References cross as `Ref` handles, never as addresses: a handle knows its
//! session and its static type, and going back in it is checked against the
//! block's header (the class, or the exact array type, and that the block
//! has not been deleted; a block deleted and reused for the same shape is
//! not told apart: `core/layout.ts`, type-stable reuse). It does not run
//! code or load modules.

import type { Val } from '../interp/closures.js';
import type { Program } from '../core/program.js';
import type { Heap } from '../core/heap.js';
import { ARRAY_DATA, ARRAY_LENGTH, MAX_ARRAY_TYPES, MAX_CLASSES } from '../core/layout.js';
import { typeToString, type ArrayType, type RefType, type ValueType } from '../ir/types.js';
import { apiError } from './api-errors.js';

// Set by `Ref`'s static block: the only code that reads a handle's parts.
let makeRef: (owner: object, address: number, type: RefType) => Ref;
let refParts: (r: Ref) => { readonly owner: object; readonly address: number; readonly type: RefType };

/**
 * A reference to a Rejit object or array, as the host holds it: opaque (no
 * address), valid in the session that made it (and, for a threaded
 * session, in its runs), until the program deletes what it refers to.
 */
export class Ref {
  readonly #owner: object;
  readonly #address: number;
  readonly #type: RefType;

  private constructor(owner: object, address: number, type: RefType) {
    this.#owner = owner;
    this.#address = address;
    this.#type = type;
  }

  /** Its type as Rejit writes it: the object's own class (`Square`), or the array type (`f64[]`). */
  get type(): string {
    return typeToString(this.#type);
  }

  /** Whether `other` refers to the same object or array of the same session (two calls give two handles of one object). */
  equals(other: Ref): boolean {
    return other instanceof Ref && other.#owner === this.#owner && other.#address === this.#address;
  }

  /** `Ref<Square>`: the handle's type, never its address. */
  toString(): string {
    return `Ref<${this.type}>`;
  }

  /** What `console.log` and `util.inspect` show: as `toString`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  static {
    makeRef = (owner, address, type) => new Ref(owner, address, type);
    refParts = (r) => ({ owner: r.#owner, address: r.#address, type: r.#type });
  }
}

/** A handle on the block at `address` (not 0), of static type `type`, for the session `owner`. */
export function refTo(owner: object, address: number, type: RefType): Ref {
  return makeRef(owner, address >>> 0, type);
}

/** The static type of a handle (an object's own class, or the array type). */
export function refType(r: Ref): RefType {
  return refParts(r).type;
}

/** A value crossing the API: see `toRaw` and `fromRaw` for which JavaScript value each Rejit type takes. */
export type HostValue = number | bigint | boolean | Ref | null;

/** What a conversion needs of its session. */
export interface ValueContext {
  /** The session whose handles are valid here. */
  readonly owner: object;
  readonly program: Program;
  readonly heap: Heap;
}

const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/**
 * `v` as a Rejit value of type `t`; `what` names it in errors ("argument 1
 * of 'f'"). A value of another JavaScript type is a TypeError, a number out
 * of the type's range (or not an integer) a RangeError.
 */
export function toRaw(v: unknown, t: ValueType, what: string, cx: ValueContext): Val {
  const wrongType = (): never => {
    throw apiError('ERR_REJIT_VALUE_TYPE', `${what} must be ${expected(t)}, got ${describe(v)}`);
  };
  const outOfRange = (): never => {
    throw apiError('ERR_REJIT_VALUE_RANGE', `${what} must be ${expected(t)}, got ${describe(v)}`);
  };
  switch (t) {
    case 'bool':
      return typeof v === 'boolean' ? (v ? 1 : 0) : wrongType();
    case 'f64':
      return typeof v === 'number' ? v : wrongType();
    case 'i32':
      if (typeof v !== 'number') return wrongType();
      return Number.isInteger(v) && v >= I32_MIN && v <= I32_MAX ? v : outOfRange();
    case 'i64':
      if (typeof v === 'bigint') return v >= I64_MIN && v <= I64_MAX ? v : outOfRange();
      if (typeof v !== 'number') return wrongType();
      return Number.isSafeInteger(v) ? BigInt(v) : outOfRange();
    default:
      if (v === null) return 0;
      return v instanceof Ref ? checkRef(v, t, what, cx) : wrongType();
  }
}

/** The host value of `raw`, a Rejit value of type `t`. */
export function fromRaw(raw: Val, t: ValueType, cx: ValueContext): HostValue {
  switch (t) {
    case 'bool': return raw === 1;
    case 'i32': case 'f64': case 'i64': return raw;
    default: {
      const address = Number(raw) >>> 0;
      if (address === 0) return null;
      if (t.kind === 'array') return refTo(cx.owner, address, t);
      const c = cx.program.classes[header(cx.heap, address)];
      return refTo(cx.owner, address, c ? { kind: 'class', classId: c.id, name: c.name } : t);
    }
  }
}

/** The address of `r`, a handle that must be one of this session's and of type `t` (or, for a class, a subclass). */
function checkRef(r: Ref, t: RefType, what: string, cx: ValueContext): number {
  const { owner, address } = refParts(r);
  if (owner !== cx.owner) throw apiError('ERR_REJIT_WRONG_REFERENCE', `${what}: ${r} is a reference of another session`);
  const h = header(cx.heap, address);
  const deleted = (): never => {
    throw apiError('ERR_REJIT_DELETED_REFERENCE', `${what}: ${r} refers to a deleted ${r.type.endsWith('[]') ? 'array' : 'object'}`);
  };
  const wrong = (): never => {
    throw apiError('ERR_REJIT_WRONG_REFERENCE', `${what} must be ${expected(t)}, got ${r}`);
  };
  if (h > 0 && h < MAX_CLASSES) {
    const c = cx.program.classes[h];
    if (!c) return deleted();
    if (t.kind !== 'class') return wrong();
    const target = cx.program.classes[t.classId];
    return target && c.ancestors[target.depth] === t.classId ? address : wrong();
  }
  if (h >= 2 ** 32 - MAX_ARRAY_TYPES) {
    if (t.kind !== 'array') return wrong();
    return cx.program.arrayTypes.find(t.elem) === ~h ? address : wrong();
  }
  return deleted();
}

/** The first word of the block at `address`, unsigned: a class id, `~arrayType`, or a free-list link. */
function header(heap: Heap, address: number): number {
  heap.refresh();
  return (heap.u32[address >>> 2] as number) >>> 0;
}

function expected(t: ValueType): string {
  switch (t) {
    case 'bool': return 'a boolean (bool)';
    case 'f64': return 'a number (f64)';
    case 'i32': return 'an integer number from -2^31 to 2^31-1 (i32)';
    case 'i64': return 'a bigint from -2^63 to 2^63-1, or a safe integer number (i64)';
    default: return `a Ref of ${typeToString(t)}${t.kind === 'class' ? ' or a subclass' : ''}, or null`;
  }
}

function describe(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${v}`;
  if (typeof v === 'bigint') return `bigint ${v}n`;
  if (v instanceof Ref) return String(v);
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  return v === null ? 'null' : typeof v;
}

/** The address a handle stands for, for a value that goes to another thread of the same run (which makes its own handle of it). */
export function refAddress(r: Ref): number {
  return refParts(r).address;
}
// ---- arrays

/** What `Session.readArray` returns for each element type, and `Session.newArray` takes (or any array-like of such elements). */
export type ArrayValues = Int32Array | BigInt64Array | Float64Array | boolean[] | (Ref | null)[];

/** The array type named `name` (`'i32[]'`, `'Shape[]'`, `'f64[][]'`), its element type resolved in `program`. */
export function arrayTypeNamed(name: string, program: Program): ArrayType {
  const fail = (): never => {
    throw apiError('ERR_REJIT_ARRAY_TYPE', `'${name}' is not an array type of this program (i32[], i64[], f64[], bool[], or a class or array type followed by [])`);
  };
  if (typeof name !== 'string' || !name.endsWith('[]')) return fail();
  let elem: ValueType;
  const inner = name.slice(0, -2);
  if (inner.endsWith('[]')) elem = arrayTypeNamed(inner, program);
  else if (inner === 'i32' || inner === 'i64' || inner === 'f64' || inner === 'bool') elem = inner;
  else {
    const c = program.classByName.get(inner);
    elem = c ? { kind: 'class', classId: c.id, name: c.name } : fail();
  }
  return { kind: 'array', elem };
}

/** A new array of type `t` holding `values`, each converted by `toRaw`; `arrayType` is its id. */
export function writeArray(t: ArrayType, arrayType: number, values: ArrayLike<unknown>, cx: ValueContext): number {
  const length = (values as { length?: unknown } | null)?.length;
  if (typeof values !== 'object' || !Number.isSafeInteger(length)) {
    throw apiError('ERR_REJIT_VALUE_TYPE', `the elements of a ${typeToString(t)} must be a typed array or an array, got ${describe(values)}`);
  }
  const raw: Val[] = new Array<Val>(length as number);
  for (let i = 0; i < (length as number); i++) raw[i] = toRaw(values[i], t.elem, `element ${i} of the ${typeToString(t)}`, cx);
  const heap = cx.heap;
  const address = heap.allocArray(arrayType, length as number);
  const data = address + ARRAY_DATA;
  const elem = t.elem;
  if (elem === 'i64') heap.i64.set(raw as bigint[], data >>> 3);
  else if (elem === 'f64') heap.f64.set(raw as number[], data >>> 3);
  else if (typeof elem === 'string') heap.i32.set(raw as number[], data >>> 2);
  else heap.u32.set(raw as number[], data >>> 2);
  return address;
}

/** A typed array that `readArray` can fill: the one of the array's element type. */
export type NumericArray = Int32Array | BigInt64Array | Float64Array;

/**
 * The elements of the array that `r` refers to, copied out: into `into`
 * when given (a typed array of the element type, long enough; the part
 * filled is returned), else into a new array.
 */
export function readArray(r: Ref, cx: ValueContext, into?: NumericArray): ArrayValues {
  const t = refType(r);
  if (t.kind !== 'array') throw apiError('ERR_REJIT_WRONG_REFERENCE', `readArray: ${r} is not an array`);
  const address = checkRef(r, t, 'readArray', cx);
  const heap = cx.heap;
  const length = heap.i32[(address + ARRAY_LENGTH) >>> 2] as number;
  const data = address + ARRAY_DATA;
  const view = t.elem === 'i32' ? heap.i32.subarray(data >>> 2, (data >>> 2) + length)
    : t.elem === 'i64' ? heap.i64.subarray(data >>> 3, (data >>> 3) + length)
      : t.elem === 'f64' ? heap.f64.subarray(data >>> 3, (data >>> 3) + length)
        : null;
  if (into !== undefined) {
    if (view === null || into?.constructor !== view.constructor) {
      throw apiError('ERR_REJIT_VALUE_TYPE', `readArray: a ${r.type} is read into ${view === null ? 'a new array only' : view.constructor.name}, got ${describe(into)}`);
    }
    if (into.length < length) throw apiError('ERR_REJIT_VALUE_RANGE', `readArray: ${r.type} of ${length} elements does not fit in ${into.length}`);
    (into as Int32Array).set(view as Int32Array);
    return into.subarray(0, length);
  }
  if (view !== null) return view.slice();
  if (t.elem === 'bool') return Array.from(heap.i32.subarray(data >>> 2, (data >>> 2) + length), (x) => x !== 0);
  const elem = t.elem;
  return Array.from(heap.u32.subarray(data >>> 2, (data >>> 2) + length), (a) => fromRaw(a, elem, cx) as Ref | null);
}
