// A minimal ONNX model writer: enough for small graphs of standard operators with named, typed inputs and
// outputs, symbolic dimensions, initializers and external data. The runtime builds its probe and
// calibration graphs with it; tests build their tiny stand-in models with it.
import { ProtoWriter } from './protobuf'
import { elementSize, onnxTypeCodes, type OnnxTypeName } from './onnx-dtypes'
import { toHalfArray } from './float16'

/** A graph input or output. `shape` entries are fixed sizes, symbolic names, or null (unnamed unknown). */
export interface ValueSpec {
  name: string
  type: OnnxTypeName
  /** Omit for an input of unknown rank. */
  shape?: readonly (number | string | null)[]
}

export type AttributeValue = number | string | readonly number[] | { float: number }

export interface NodeSpec {
  op: string
  inputs: readonly string[]
  outputs: readonly string[]
  name?: string
  domain?: string
  /** Integers are written as INT(S), `{ float }` as FLOAT, strings as STRING. */
  attributes?: Record<string, AttributeValue>
}

export interface InitializerSpec {
  name: string
  type: OnnxTypeName
  dims: readonly number[]
  /** Element values (converted to the type), or the raw little-endian bytes. */
  values: ArrayLike<number> | Uint8Array
  /** Store the bytes in this external-data file (relative to the model) instead of inside it. */
  external?: string
}

export interface ModelSpec {
  inputs: readonly ValueSpec[]
  outputs: readonly ValueSpec[]
  nodes: readonly NodeSpec[]
  initializers?: readonly InitializerSpec[]
  graphName?: string
  opset?: number
  irVersion?: number
  producer?: string
  metadata?: Record<string, string>
}

export interface BuiltModel {
  /** The .onnx bytes. */
  model: Uint8Array
  /** External-data files by relative path (empty when every tensor is inline). */
  externalData: Map<string, Uint8Array>
}

/** Little-endian bytes of `values` as `type`. */
export function tensorBytes(type: OnnxTypeName, values: ArrayLike<number>): Uint8Array {
  const n = values.length
  switch (type) {
    case 'float32':
      return new Uint8Array(Float32Array.from(values).buffer)
    case 'float64':
      return new Uint8Array(Float64Array.from(values).buffer)
    case 'float16':
      return new Uint8Array(toHalfArray(values).buffer)
    case 'int32':
      return new Uint8Array(Int32Array.from(values).buffer)
    case 'int64': {
      const out = new BigInt64Array(n)
      for (let i = 0; i < n; i++) out[i] = BigInt(Math.trunc(values[i]))
      return new Uint8Array(out.buffer)
    }
    case 'uint8':
    case 'bool':
      return Uint8Array.from(values)
    case 'int8':
      return new Uint8Array(Int8Array.from(values).buffer)
    default:
      throw new Error(`tensorBytes: ${type} is not supported`)
  }
}

function writeValueInfo(w: ProtoWriter, v: ValueSpec): void {
  w.string(1, v.name)
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, onnxTypeCodes[v.type])
      if (v.shape) {
        const shape = v.shape
        tensor.message(2, (s) => {
          for (const dim of shape) {
            s.message(1, (d) => {
              if (typeof dim === 'number') d.int(1, dim)
              else if (typeof dim === 'string') d.string(2, dim)
            })
          }
        })
      }
    })
  )
}

function writeAttribute(w: ProtoWriter, name: string, value: AttributeValue): void {
  w.string(1, name)
  if (typeof value === 'number') w.int(3, value).int(20, 2)
  else if (typeof value === 'string') w.string(4, value).int(20, 3)
  else if ('float' in value) w.float(2, value.float).int(20, 1)
  else {
    for (const v of value) w.int(8, v)
    w.int(20, 7)
  }
}

/** Encodes a model; external-data tensors are laid out back to back in their files, 64-byte aligned. */
export function buildModel(spec: ModelSpec): BuiltModel {
  const external = new Map<string, Uint8Array[]>()
  const offsets = new Map<string, number>()
  const model = new ProtoWriter()
  model.int(1, spec.irVersion ?? 8)
  model.string(2, spec.producer ?? 'diffusion-studio')
  model.message(7, (graph) => {
    for (const node of spec.nodes) {
      graph.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input)
        for (const output of node.outputs) n.string(2, output)
        if (node.name) n.string(3, node.name)
        n.string(4, node.op)
        for (const [name, value] of Object.entries(node.attributes ?? {})) {
          n.message(5, (a) => writeAttribute(a, name, value))
        }
        if (node.domain) n.string(7, node.domain)
      })
    }
    graph.string(2, spec.graphName ?? 'graph')
    for (const init of spec.initializers ?? []) {
      const count = init.dims.reduce((a, b) => a * b, 1)
      const bytes =
        init.values instanceof Uint8Array ? init.values : tensorBytes(init.type, init.values)
      if (bytes.length !== count * elementSize(init.type)) {
        throw new Error(`initializer ${init.name}: ${bytes.length} bytes for dims [${init.dims}]`)
      }
      graph.message(5, (t) => {
        t.packedInts(1, init.dims)
        t.int(2, onnxTypeCodes[init.type])
        t.string(8, init.name)
        if (!init.external) {
          t.bytes(9, bytes)
          return
        }
        const file = init.external
        const offset = offsets.get(file) ?? 0
        const padded = Math.ceil(bytes.length / 64) * 64
        const chunks = external.get(file) ?? []
        chunks.push(bytes, new Uint8Array(padded - bytes.length))
        external.set(file, chunks)
        offsets.set(file, offset + padded)
        const entry = (key: string, value: string) =>
          t.message(13, (e) => e.string(1, key).string(2, value))
        entry('location', file)
        entry('offset', String(offset))
        entry('length', String(bytes.length))
        t.int(14, 1)
      })
    }
    for (const input of spec.inputs) graph.message(11, (v) => writeValueInfo(v, input))
    for (const output of spec.outputs) graph.message(12, (v) => writeValueInfo(v, output))
  })
  model.message(8, (opset) => opset.string(1, '').int(2, spec.opset ?? 17))
  for (const [key, value] of Object.entries(spec.metadata ?? {})) {
    model.message(14, (e) => e.string(1, key).string(2, value))
  }
  const externalData = new Map<string, Uint8Array>()
  for (const [file, chunks] of external) {
    const total = chunks.reduce((a, c) => a + c.length, 0)
    const out = new Uint8Array(total)
    let at = 0
    for (const c of chunks) {
      out.set(c, at)
      at += c.length
    }
    externalData.set(file, out)
  }
  return { model: model.finish(), externalData }
}

/** y = x + x over a small float32 vector: the graph the provider probe runs. */
export function probeModel(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', type: 'float32', shape: [1, 4] }],
    outputs: [{ name: 'y', type: 'float32', shape: [1, 4] }],
    nodes: [{ op: 'Add', inputs: ['x', 'x'], outputs: ['y'] }]
  }).model
}

/** Deterministic pseudo-random weights in [-scale, scale) (a fixed LCG, the same on every machine). */
export function seededWeights(count: number, seed = 1, scale = 1): Float32Array {
  const out = new Float32Array(count)
  let state = seed >>> 0 || 1
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    out[i] = (state / 2 ** 31 - 1) * scale
  }
  return out
}
