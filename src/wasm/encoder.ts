//! Byte-level primitives of the WebAssembly binary format: a growable byte
//! writer (LEB128 u32/s32/s33/s64, f64, names, size-prefixed sections) and the
//! matching reader, which the text printer uses to decode function bodies.
//!
//! It knows nothing of modules or instructions; range errors throw because a
//! silently truncated immediate would produce a valid but wrong module.

const UTF8 = new TextEncoder();

export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  get length(): number {
    return this.len;
  }

  byte(b: number): this {
    if (this.len === this.buf.length) this.grow(1);
    this.buf[this.len++] = b;
    return this;
  }

  bytes(data: Uint8Array | readonly number[]): this {
    if (this.len + data.length > this.buf.length) this.grow(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  u32(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`u32 out of range: ${n}`);
    do {
      const b = n % 128; // not `& 0x7f` / `>>>`: those are 32-bit signed and n may exceed 2^31
      n = Math.floor(n / 128);
      this.byte(n === 0 ? b : b | 0x80);
    } while (n !== 0);
    return this;
  }

  /** A u32 in five bytes whatever its value (a valid LEB128), to be patched later (`patchU32`). */
  u32Padded(n: number): this {
    for (let i = 0; i < 4; i++) this.byte((Math.floor(n / 128 ** i) % 128) | 0x80);
    return this.byte(Math.floor(n / 128 ** 4));
  }

  /** Overwrites the five-byte u32 that `u32Padded` wrote at `at`. */
  patchU32(at: number, n: number): void {
    const end = this.len;
    this.len = at;
    this.u32Padded(n);
    this.len = end;
  }

  s32(n: number): this {
    if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new RangeError(`s32 out of range: ${n}`);
    return this.signed(n);
  }

  /** A signed 33-bit LEB128, the encoding of a type index used as a block type. */
  s33(n: number): this {
    if (!Number.isInteger(n) || n < -(2 ** 32) || n >= 2 ** 32) throw new RangeError(`s33 out of range: ${n}`);
    return this.signed(n);
  }

  s64(n: bigint): this {
    if (BigInt.asIntN(64, n) !== n) throw new RangeError(`s64 out of range: ${n}`);
    for (;;) {
      const b = Number(n & 0x7fn);
      n >>= 7n; // arithmetic shift on bigint: rounds toward -infinity
      if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  f64(x: number): this {
    if (this.len + 8 > this.buf.length) this.grow(8);
    // DataView, not a Float64Array view: the format is little-endian whatever the host
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 8).setFloat64(0, x, true);
    this.len += 8;
    return this;
  }

  /** A name: UTF-8 bytes prefixed with their length. */
  name(s: string): this {
    const utf8 = UTF8.encode(s);
    return this.u32(utf8.length).bytes(utf8);
  }

  /** Appends `content` prefixed with its byte length, as sections and function bodies are. */
  sized(content: ByteWriter): this {
    return this.u32(content.len).bytes(content.view());
  }

  /** The bytes written so far, without copying; invalidated by the next write. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private signed(n: number): this {
    for (;;) {
      const b = n & 0x7f; // ToInt32 keeps the low 7 bits of any safe integer, negative ones too
      n = Math.floor(n / 128);
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  private grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + extra));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

export class ByteReader {
  pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new RangeError('read past the end');
    return this.buf[this.pos++]!;
  }

  u32(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
  }

  /** Reads any signed LEB128 of up to 53 significant bits (s32 and s33). */
  signed(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return (b & 0x40) !== 0 ? result - scale : result;
    }
  }

  s64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return BigInt.asIntN(64, (b & 0x40) !== 0 ? result - (1n << shift) : result);
    }
  }

  f64(): number {
    if (this.pos + 8 > this.buf.length) throw new RangeError('read past the end');
    const x = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return x;
  }
}
