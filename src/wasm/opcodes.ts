//! The one table of WebAssembly instructions that Rejit emits: the text name,
//! the opcode (with its 0xFC / 0xFE prefix byte), the kind of immediate and,
//! for memory access, the natural alignment. The code emitter's methods, its
//! generic `op`, and the text printer's decoder are all derived from it.
//!
//! Not every instruction of the spec is here: no f32 arithmetic, no SIMD, no
//! narrow atomic read-modify-writes. Adding one is a single line.

/** What follows the opcode in the binary format. */
export type Imm =
  | 'none'
  | 'block' //          block type
  | 'label' //          relative depth
  | 'br_table' //       vector of depths, then the default depth
  | 'func' //           function index
  | 'call_indirect' //  type index, then table index
  | 'local'
  | 'global'
  | 'table'
  | 'tag'
  | 'memarg' //         alignment (log2), then offset
  | 'mem0' //           a reserved zero byte (the memory index)
  | 'mem00' //          two memory indices, both zero
  | 'data_mem0' //      data index, then memory index zero
  | 'data'
  | 'i32' //            signed LEB128
  | 'i64'
  | 'f64' //            8 bytes little-endian
  | 'reftype'
  | 'select_t'; //      vector of value types

export const PREFIX_MISC = 0xfc;
export const PREFIX_ATOMIC = 0xfe;

export interface OpInfo<K extends Imm> {
  readonly code: number;
  readonly imm: K;
  readonly prefix?: number;
  /** log2 of the natural alignment, for `memarg`. Atomic accesses must use exactly this. */
  readonly align?: number;
}

const op = <K extends Imm = 'none'>(code: number, imm: K = 'none' as K): OpInfo<K> => ({ code, imm });
interface MemInfo extends OpInfo<'memarg'> {
  readonly align: number;
}

const mem = (code: number, align: number): MemInfo => ({ code, imm: 'memarg', align });
const misc = <K extends Imm = 'none'>(code: number, imm: K = 'none' as K): OpInfo<K> => ({ code, imm, prefix: PREFIX_MISC });
const atomic = (code: number, align: number): MemInfo => ({ code, imm: 'memarg', align, prefix: PREFIX_ATOMIC });

export const OPS = {
  // control
  unreachable: op(0x00),
  nop: op(0x01),
  block: op(0x02, 'block'),
  loop: op(0x03, 'block'),
  if: op(0x04, 'block'),
  else: op(0x05),
  try: op(0x06, 'block'), // exception handling, the older encoding that Node 20 ships
  catch: op(0x07, 'tag'),
  throw: op(0x08, 'tag'),
  rethrow: op(0x09, 'label'),
  end: op(0x0b),
  br: op(0x0c, 'label'),
  br_if: op(0x0d, 'label'),
  br_table: op(0x0e, 'br_table'),
  return: op(0x0f),
  call: op(0x10, 'func'),
  call_indirect: op(0x11, 'call_indirect'),
  return_call: op(0x12, 'func'),
  return_call_indirect: op(0x13, 'call_indirect'),
  catch_all: op(0x19),
  drop: op(0x1a),
  select: op(0x1b),
  'select.typed': op(0x1c, 'select_t'),

  // variables and tables
  'local.get': op(0x20, 'local'),
  'local.set': op(0x21, 'local'),
  'local.tee': op(0x22, 'local'),
  'global.get': op(0x23, 'global'),
  'global.set': op(0x24, 'global'),
  'table.get': op(0x25, 'table'),
  'table.set': op(0x26, 'table'),
  'table.grow': misc(0x0f, 'table'),
  'table.size': misc(0x10, 'table'),
  'table.fill': misc(0x11, 'table'),

  // memory
  'i32.load': mem(0x28, 2),
  'i64.load': mem(0x29, 3),
  'f64.load': mem(0x2b, 3),
  'i32.load8_s': mem(0x2c, 0),
  'i32.load8_u': mem(0x2d, 0),
  'i32.load16_s': mem(0x2e, 1),
  'i32.load16_u': mem(0x2f, 1),
  'i64.load8_s': mem(0x30, 0),
  'i64.load8_u': mem(0x31, 0),
  'i64.load16_s': mem(0x32, 1),
  'i64.load16_u': mem(0x33, 1),
  'i64.load32_s': mem(0x34, 2),
  'i64.load32_u': mem(0x35, 2),
  'i32.store': mem(0x36, 2),
  'i64.store': mem(0x37, 3),
  'f64.store': mem(0x39, 3),
  'i32.store8': mem(0x3a, 0),
  'i32.store16': mem(0x3b, 1),
  'i64.store8': mem(0x3c, 0),
  'i64.store16': mem(0x3d, 1),
  'i64.store32': mem(0x3e, 2),
  'memory.size': op(0x3f, 'mem0'),
  'memory.grow': op(0x40, 'mem0'),
  'memory.init': misc(0x08, 'data_mem0'),
  'data.drop': misc(0x09, 'data'),
  'memory.copy': misc(0x0a, 'mem00'),
  'memory.fill': misc(0x0b, 'mem0'),

  // constants
  'i32.const': op(0x41, 'i32'),
  'i64.const': op(0x42, 'i64'),
  'f64.const': op(0x44, 'f64'),

  // i32 comparisons
  'i32.eqz': op(0x45),
  'i32.eq': op(0x46),
  'i32.ne': op(0x47),
  'i32.lt_s': op(0x48),
  'i32.lt_u': op(0x49),
  'i32.gt_s': op(0x4a),
  'i32.gt_u': op(0x4b),
  'i32.le_s': op(0x4c),
  'i32.le_u': op(0x4d),
  'i32.ge_s': op(0x4e),
  'i32.ge_u': op(0x4f),

  // i64 comparisons
  'i64.eqz': op(0x50),
  'i64.eq': op(0x51),
  'i64.ne': op(0x52),
  'i64.lt_s': op(0x53),
  'i64.lt_u': op(0x54),
  'i64.gt_s': op(0x55),
  'i64.gt_u': op(0x56),
  'i64.le_s': op(0x57),
  'i64.le_u': op(0x58),
  'i64.ge_s': op(0x59),
  'i64.ge_u': op(0x5a),

  // f64 comparisons
  'f64.eq': op(0x61),
  'f64.ne': op(0x62),
  'f64.lt': op(0x63),
  'f64.gt': op(0x64),
  'f64.le': op(0x65),
  'f64.ge': op(0x66),

  // i32 arithmetic
  'i32.clz': op(0x67),
  'i32.ctz': op(0x68),
  'i32.popcnt': op(0x69),
  'i32.add': op(0x6a),
  'i32.sub': op(0x6b),
  'i32.mul': op(0x6c),
  'i32.div_s': op(0x6d),
  'i32.div_u': op(0x6e),
  'i32.rem_s': op(0x6f),
  'i32.rem_u': op(0x70),
  'i32.and': op(0x71),
  'i32.or': op(0x72),
  'i32.xor': op(0x73),
  'i32.shl': op(0x74),
  'i32.shr_s': op(0x75),
  'i32.shr_u': op(0x76),
  'i32.rotl': op(0x77),
  'i32.rotr': op(0x78),

  // i64 arithmetic
  'i64.clz': op(0x79),
  'i64.ctz': op(0x7a),
  'i64.popcnt': op(0x7b),
  'i64.add': op(0x7c),
  'i64.sub': op(0x7d),
  'i64.mul': op(0x7e),
  'i64.div_s': op(0x7f),
  'i64.div_u': op(0x80),
  'i64.rem_s': op(0x81),
  'i64.rem_u': op(0x82),
  'i64.and': op(0x83),
  'i64.or': op(0x84),
  'i64.xor': op(0x85),
  'i64.shl': op(0x86),
  'i64.shr_s': op(0x87),
  'i64.shr_u': op(0x88),
  'i64.rotl': op(0x89),
  'i64.rotr': op(0x8a),

  // f64 arithmetic
  'f64.abs': op(0x99),
  'f64.neg': op(0x9a),
  'f64.ceil': op(0x9b),
  'f64.floor': op(0x9c),
  'f64.trunc': op(0x9d),
  'f64.nearest': op(0x9e),
  'f64.sqrt': op(0x9f),
  'f64.add': op(0xa0),
  'f64.sub': op(0xa1),
  'f64.mul': op(0xa2),
  'f64.div': op(0xa3),
  'f64.min': op(0xa4),
  'f64.max': op(0xa5),
  'f64.copysign': op(0xa6),

  // conversions
  'i32.wrap_i64': op(0xa7),
  'i32.trunc_f64_s': op(0xaa),
  'i32.trunc_f64_u': op(0xab),
  'i64.extend_i32_s': op(0xac),
  'i64.extend_i32_u': op(0xad),
  'i64.trunc_f64_s': op(0xb0),
  'i64.trunc_f64_u': op(0xb1),
  'f64.convert_i32_s': op(0xb7),
  'f64.convert_i32_u': op(0xb8),
  'f64.convert_i64_s': op(0xb9),
  'f64.convert_i64_u': op(0xba),
  'i64.reinterpret_f64': op(0xbd),
  'f64.reinterpret_i64': op(0xbf),
  'i32.extend8_s': op(0xc0),
  'i32.extend16_s': op(0xc1),
  'i64.extend8_s': op(0xc2),
  'i64.extend16_s': op(0xc3),
  'i64.extend32_s': op(0xc4),
  'i32.trunc_sat_f64_s': misc(0x02),
  'i32.trunc_sat_f64_u': misc(0x03),
  'i64.trunc_sat_f64_s': misc(0x06),
  'i64.trunc_sat_f64_u': misc(0x07),

  // references
  'ref.null': op(0xd0, 'reftype'),
  'ref.is_null': op(0xd1),
  'ref.func': op(0xd2, 'func'),

  // atomics (threads proposal); wait/notify take a memarg like the accesses
  'memory.atomic.notify': atomic(0x00, 2),
  'memory.atomic.wait32': atomic(0x01, 2),
  'memory.atomic.wait64': atomic(0x02, 3),
  'atomic.fence': { ...op(0x03, 'mem0'), prefix: PREFIX_ATOMIC },
  'i32.atomic.load': atomic(0x10, 2),
  'i64.atomic.load': atomic(0x11, 3),
  'i32.atomic.load8_u': atomic(0x12, 0),
  'i32.atomic.store': atomic(0x17, 2),
  'i64.atomic.store': atomic(0x18, 3),
  'i32.atomic.store8': atomic(0x19, 0),
  'i32.atomic.rmw.add': atomic(0x1e, 2),
  'i64.atomic.rmw.add': atomic(0x1f, 3),
  'i32.atomic.rmw.sub': atomic(0x25, 2),
  'i64.atomic.rmw.sub': atomic(0x26, 3),
  'i32.atomic.rmw.and': atomic(0x2c, 2),
  'i64.atomic.rmw.and': atomic(0x2d, 3),
  'i32.atomic.rmw.or': atomic(0x33, 2),
  'i64.atomic.rmw.or': atomic(0x34, 3),
  'i32.atomic.rmw.xor': atomic(0x3a, 2),
  'i64.atomic.rmw.xor': atomic(0x3b, 3),
  'i32.atomic.rmw.xchg': atomic(0x41, 2),
  'i64.atomic.rmw.xchg': atomic(0x42, 3),
  'i32.atomic.rmw.cmpxchg': atomic(0x48, 2),
  'i64.atomic.rmw.cmpxchg': atomic(0x49, 3),
} as const;

export type OpName = keyof typeof OPS;
export type OpsWith<K extends Imm> = { [N in OpName]: (typeof OPS)[N] extends OpInfo<K> ? N : never }[OpName];
/** Instructions without immediates, which the emitter's generic `op` accepts. */
export type PlainOp = OpsWith<'none'>;
export type MemOp = OpsWith<'memarg'>;
