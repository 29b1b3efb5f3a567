// The few protobuf wire-format pieces the ONNX writer and reader need (no schema compiler).

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const

const encoder = new TextEncoder()

/** Appends protobuf fields to a growing list of chunks; `finish()` joins them. */
export class ProtoWriter {
  readonly #chunks: Uint8Array[] = []
  #length = 0

  #push(bytes: Uint8Array): this {
    this.#chunks.push(bytes)
    this.#length += bytes.length
    return this
  }

  #varint(value: bigint): this {
    let v = BigInt.asUintN(64, value) // negative int64 values take ten bytes, as protobuf specifies
    const bytes: number[] = []
    do {
      let byte = Number(v & 0x7fn)
      v >>= 7n
      if (v) byte |= 0x80
      bytes.push(byte)
    } while (v)
    return this.#push(Uint8Array.from(bytes))
  }

  #tag(field: number, wire: number): this {
    return this.#varint(BigInt((field << 3) | wire))
  }

  int(field: number, value: number | bigint): this {
    return this.#tag(field, WIRE.varint).#varint(BigInt(value))
  }

  float(field: number, value: number): this {
    const bytes = new Uint8Array(4)
    new DataView(bytes.buffer).setFloat32(0, value, true)
    return this.#tag(field, WIRE.fixed32).#push(bytes)
  }

  bytes(field: number, value: Uint8Array): this {
    return this.#tag(field, WIRE.bytes).#varint(BigInt(value.length)).#push(value)
  }

  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value))
  }

  message(field: number, build: (writer: ProtoWriter) => void): this {
    const inner = new ProtoWriter()
    build(inner)
    return this.bytes(field, inner.finish())
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter()
    for (const v of values) inner.#varint(BigInt(v))
    return this.bytes(field, inner.finish())
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length)
    let offset = 0
    for (const chunk of this.#chunks) {
      out.set(chunk, offset)
      offset += chunk.length
    }
    return out
  }
}

/** Why a protobuf could not be read, with the byte offset where it went wrong. */
export class ProtoError extends Error {
  constructor(
    message: string,
    readonly offset: number
  ) {
    super(`${message} at byte ${offset}`)
    this.name = 'ProtoError'
  }
}

export interface Field {
  field: number
  wire: number
  /** varint / fixed values */
  value: bigint
  /** For length-delimited fields: where the payload starts and how long it is (absolute offsets). */
  start: number
  length: number
}

/** Reads the fields of one message held in memory. */
export class ProtoReader {
  #pos: number
  readonly #end: number
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
    /** Added to offsets in error messages and `Field.start` (where `bytes` sits in its file). */
    readonly base = 0
  ) {
    this.#pos = start
    this.#end = end
  }

  get done(): boolean {
    return this.#pos >= this.#end
  }

  varint(): bigint {
    let result = 0n
    let shift = 0n
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= this.#end) throw new ProtoError('truncated varint', this.base + this.#pos)
      const byte = this.bytes[this.#pos++]
      result |= BigInt(byte & 0x7f) << shift
      if (!(byte & 0x80)) return result
      shift += 7n
    }
    throw new ProtoError('varint longer than ten bytes', this.base + this.#pos)
  }

  next(): Field {
    const at = this.#pos
    const key = this.varint()
    const field = Number(key >> 3n)
    const wire = Number(key & 7n)
    if (field === 0) throw new ProtoError('field number 0', this.base + at)
    switch (wire) {
      case WIRE.varint:
        return { field, wire, value: this.varint(), start: 0, length: 0 }
      case WIRE.fixed64:
      case WIRE.fixed32: {
        const size = wire === WIRE.fixed64 ? 8 : 4
        if (this.#pos + size > this.#end)
          throw new ProtoError('truncated fixed field', this.base + at)
        const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.#pos, size)
        const value = size === 8 ? view.getBigUint64(0, true) : BigInt(view.getUint32(0, true))
        this.#pos += size
        return { field, wire, value, start: this.base + this.#pos - size, length: size }
      }
      case WIRE.bytes: {
        const length = Number(this.varint())
        if (this.#pos + length > this.#end) {
          throw new ProtoError(`field ${field} runs past the end of its message`, this.base + at)
        }
        const start = this.#pos
        this.#pos += length
        return { field, wire, value: 0n, start: this.base + start, length }
      }
      default:
        throw new ProtoError(`unsupported wire type ${wire} (field ${field})`, this.base + at)
    }
  }

  /** A sub-reader over a length-delimited field read by `next()`. */
  sub(f: Field): ProtoReader {
    return new ProtoReader(
      this.bytes,
      f.start - this.base,
      f.start - this.base + f.length,
      this.base
    )
  }

  string(f: Field): string {
    const start = f.start - this.base
    return new TextDecoder().decode(this.bytes.subarray(start, start + f.length))
  }

  /** The values of a repeated integer field, packed or not. */
  ints(f: Field): bigint[] {
    if (f.wire === WIRE.varint) return [f.value]
    const inner = this.sub(f)
    const out: bigint[] = []
    while (!inner.done) out.push(inner.varint())
    return out
  }
}
