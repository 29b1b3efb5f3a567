// Reads what the studio needs from an .onnx file without onnxruntime and without loading its weights:
// graph inputs/outputs (names, types, shapes), opsets, metadata and external-data references. Large
// fields (raw tensor data, nodes) are skipped by offset, so a 2 GB text encoder costs a few reads.
import type { FileHandle } from 'node:fs/promises'
import { openRegularFile } from '../platform/regular-file'
import { ProtoError, ProtoReader, WIRE, type Field } from './protobuf'
import { onnxTypeName } from './onnx-dtypes'

export interface GraphValue {
  name: string
  /** onnxruntime's type name (float32, int64, …), or `type<code>` for unknown codes. */
  type: string
  /** Fixed sizes, symbolic names ('' for an unnamed unknown); [] when the rank is unknown or 0. */
  shape: (number | string)[]
}

export interface ExternalDataRef {
  tensor: string
  location: string
  offset: number
  length?: number
}

export interface OnnxGraphInfo {
  irVersion: number
  producer: string
  /** Opset version by domain ('' is the default ONNX domain). */
  opsets: Record<string, number>
  /** Graph inputs that are not initializers: what a session must be fed. */
  inputs: GraphValue[]
  outputs: GraphValue[]
  externalData: ExternalDataRef[]
  /** Bytes of tensor data stored inside the file. */
  inlineTensorBytes: number
  metadata: Record<string, string>
  /**
   * Dims of the UNet's first convolution weight (an initializer named `…conv_in.weight`, [out, in, k, k]),
   * when there is one: its input channels where the graph declares the channel axis symbolic.
   */
  convInDims?: number[]
}

/** Random access to bytes (a file, or memory in tests). */
interface ByteSource {
  readonly size: number
  read(position: number, length: number): Promise<Uint8Array>
}

class BufferedFile implements ByteSource {
  #window = new Uint8Array(0)
  #windowStart = 0
  constructor(
    private readonly handle: FileHandle,
    readonly size: number
  ) {}

  async read(position: number, length: number): Promise<Uint8Array> {
    const offset = position - this.#windowStart
    if (offset >= 0 && offset + length <= this.#window.length) {
      return this.#window.subarray(offset, offset + length)
    }
    const want = Math.min(Math.max(length, 64 * 1024), this.size - position)
    const buffer = new Uint8Array(want)
    const { bytesRead } = await this.handle.read(buffer, 0, want, position)
    this.#window = buffer.subarray(0, bytesRead)
    this.#windowStart = position
    return this.#window.subarray(0, Math.min(length, bytesRead))
  }
}

const memorySource = (bytes: Uint8Array): ByteSource => ({
  size: bytes.length,
  read: async (position, length) => bytes.subarray(position, position + length)
})

/** A varint inside `bytes` at `i`: its value and the index after it. */
function varintAt(bytes: Uint8Array, i: number, base: number): [bigint, number] {
  let value = 0n
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (i >= bytes.length) throw new ProtoError('truncated varint', base + i)
    const byte = bytes[i++]
    value |= BigInt(byte & 0x7f) << shift
    if (!(byte & 0x80)) return [value, i]
  }
  throw new ProtoError('varint longer than ten bytes', base + i)
}

/** Reads the field header at `pos` (and a short field's value); a long payload is only located. */
async function header(
  src: ByteSource,
  pos: number,
  end: number
): Promise<Field & { next: number }> {
  const bytes = await src.read(pos, Math.min(24, end - pos))
  const [key, afterKey] = varintAt(bytes, 0, pos)
  const field = Number(key >> 3n)
  const wire = Number(key & 7n)
  if (field === 0) throw new ProtoError('field number 0', pos)
  let value = 0n
  let start = pos + afterKey
  let length = 0
  if (wire === WIRE.varint) {
    const [v, after] = varintAt(bytes, afterKey, pos)
    value = v
    start = pos + after
  } else if (wire === WIRE.bytes) {
    const [n, after] = varintAt(bytes, afterKey, pos)
    start = pos + after
    length = Number(n)
  } else if (wire === WIRE.fixed32 || wire === WIRE.fixed64) {
    length = wire === WIRE.fixed32 ? 4 : 8
  } else throw new ProtoError(`unsupported wire type ${wire} (field ${field})`, pos)
  const next = start + length
  if (next > end) throw new ProtoError(`field ${field} runs past the end of its message`, pos)
  return { field, wire, value, start, length, next }
}

function parseValueInfo(r: ProtoReader): GraphValue {
  const value: GraphValue = { name: '', type: 'unknown', shape: [] }
  while (!r.done) {
    const f = r.next()
    if (f.field === 1 && f.wire === WIRE.bytes) value.name = r.string(f)
    else if (f.field === 2 && f.wire === WIRE.bytes) {
      const type = r.sub(f)
      while (!type.done) {
        const t = type.next()
        if (t.field !== 1 || t.wire !== WIRE.bytes) continue // only tensor types matter here
        const tensor = type.sub(t)
        while (!tensor.done) {
          const g = tensor.next()
          if (g.field === 1 && g.wire === WIRE.varint) value.type = onnxTypeName(Number(g.value))
          else if (g.field === 2 && g.wire === WIRE.bytes) {
            const shape = tensor.sub(g)
            while (!shape.done) {
              const d = shape.next()
              if (d.field !== 1 || d.wire !== WIRE.bytes) continue
              const dim = shape.sub(d)
              let size: number | string = ''
              while (!dim.done) {
                const x = dim.next()
                if (x.field === 1 && x.wire === WIRE.varint)
                  size = Number(BigInt.asIntN(64, x.value))
                else if (x.field === 2 && x.wire === WIRE.bytes) size = dim.string(x)
              }
              value.shape.push(typeof size === 'number' && size < 0 ? '' : size)
            }
          }
        }
      }
    }
  }
  return value
}

function parseEntry(r: ProtoReader): [string, string] {
  let key = ''
  let value = ''
  while (!r.done) {
    const f = r.next()
    if (f.field === 1 && f.wire === WIRE.bytes) key = r.string(f)
    else if (f.field === 2 && f.wire === WIRE.bytes) value = r.string(f)
  }
  return [key, value]
}

const smallFieldLimit = 64 * 1024 * 1024

async function payload(src: ByteSource, f: Field): Promise<ProtoReader> {
  if (f.length > smallFieldLimit)
    throw new ProtoError(`field ${f.field} is implausibly large`, f.start)
  const bytes = await src.read(f.start, f.length)
  if (bytes.length < f.length) throw new ProtoError('file ends inside a field', f.start)
  return new ProtoReader(bytes.slice(), 0, f.length, f.start)
}

/** Fields of TensorProto whose payload is tensor data (skipped, only counted). */
const tensorDataFields = new Set([4, 5, 6, 7, 9, 10, 11])

async function parseInitializer(
  src: ByteSource,
  start: number,
  end: number,
  info: OnnxGraphInfo
): Promise<string> {
  let name = ''
  let inlineBytes = 0
  let external = false
  const entries: [string, string][] = []
  const dims: number[] = []
  for (let pos = start; pos < end;) {
    const f = await header(src, pos, end)
    pos = f.next
    if (f.wire !== WIRE.bytes) {
      if (f.field === 14) external = f.value === 1n
      if (f.field === 1 && f.wire === WIRE.varint) dims.push(Number(f.value))
      continue
    }
    if (f.field === 1) {
      const r = await payload(src, f)
      while (!r.done) dims.push(Number(r.varint()))
    } else if (tensorDataFields.has(f.field)) inlineBytes += f.length
    else if (f.field === 8) name = (await payload(src, f)).string(f)
    else if (f.field === 13) entries.push(parseEntry(await payload(src, f)))
  }
  if (/(^|[./])conv_in\.weight$/.test(name) && !info.convInDims) info.convInDims = dims
  if (external) {
    const map = new Map(entries)
    const location = map.get('location')
    if (!location) throw new ProtoError(`tensor ${name} is external but names no location`, start)
    const length = map.get('length')
    info.externalData.push({
      tensor: name,
      location,
      offset: Number(map.get('offset') ?? 0),
      ...(length !== undefined ? { length: Number(length) } : {})
    })
  } else info.inlineTensorBytes += inlineBytes
  return name
}

async function parseGraph(src: ByteSource, start: number, end: number, info: OnnxGraphInfo) {
  const initializers = new Set<string>()
  const inputs: GraphValue[] = []
  for (let pos = start; pos < end;) {
    const f = await header(src, pos, end)
    pos = f.next
    if (f.wire !== WIRE.bytes) continue
    if (f.field === 5) initializers.add(await parseInitializer(src, f.start, f.next, info))
    else if (f.field === 11) inputs.push(parseValueInfo(await payload(src, f)))
    else if (f.field === 12) info.outputs.push(parseValueInfo(await payload(src, f)))
  }
  // IR < 4 lists initializers among the inputs too; a session is fed only the others.
  info.inputs = inputs.filter((v) => !initializers.has(v.name))
}

async function parseModel(src: ByteSource): Promise<OnnxGraphInfo> {
  const info: OnnxGraphInfo = {
    irVersion: 0,
    producer: '',
    opsets: {},
    inputs: [],
    outputs: [],
    externalData: [],
    inlineTensorBytes: 0,
    metadata: {}
  }
  let sawGraph = false
  for (let pos = 0; pos < src.size;) {
    const f = await header(src, pos, src.size)
    pos = f.next
    if (f.field === 1 && f.wire === WIRE.varint) info.irVersion = Number(f.value)
    else if (f.wire !== WIRE.bytes) continue
    else if (f.field === 7) {
      await parseGraph(src, f.start, f.next, info)
      sawGraph = true
    } else if (f.field === 2) info.producer = (await payload(src, f)).string(f)
    else if (f.field === 8) {
      const r = await payload(src, f)
      let domain = ''
      let version = 0
      while (!r.done) {
        const g = r.next()
        if (g.field === 1 && g.wire === WIRE.bytes) domain = r.string(g)
        else if (g.field === 2 && g.wire === WIRE.varint) version = Number(g.value)
      }
      info.opsets[domain] = version
    } else if (f.field === 14) {
      const [key, value] = parseEntry(await payload(src, f))
      info.metadata[key] = value
    }
  }
  if (!sawGraph) throw new ProtoError('no graph in the file', 0)
  if (info.irVersion <= 0) throw new ProtoError('no IR version in the file', 0)
  return info
}

/** Reads an .onnx file's interface. Throws ProtoError (with a byte offset) for a truncated or foreign file. */
export async function readOnnxFile(path: string): Promise<OnnxGraphInfo> {
  const handle = await openRegularFile(path)
  try {
    const { size } = await handle.stat()
    if (size === 0) throw new ProtoError('the file is empty', 0)
    return await parseModel(new BufferedFile(handle, size))
  } finally {
    await handle.close()
  }
}

/** Reads an in-memory model's interface. */
export function readOnnxBytes(bytes: Uint8Array): Promise<OnnxGraphInfo> {
  if (bytes.length === 0) return Promise.reject(new ProtoError('the model is empty', 0))
  return parseModel(memorySource(bytes))
}
